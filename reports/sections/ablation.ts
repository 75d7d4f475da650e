/**
 * Ablation: claim x hypothesis. A cell says whether dropping the hypothesis produced a
 * counterexample (load-bearing, linked to its witness) or none was shown within the budget.
 */
import type { AblationRow } from '../../theory/results.ts';
import { badge } from '../badges.ts';
import { anchor, html, type Html } from '../escape.ts';
import { countOf, duration } from '../format.ts';
import type { Model, Sourced } from '../model.ts';
import type { Section } from '../page.ts';
import { witnessBlock } from '../witness.ts';

/** What one cell of the grid says: dropping the hypothesis gave a witness, or why not. */
function verdict(r: Sourced<AblationRow>): { cls?: string; body: Html } {
  const cost = html`<div class="small dim">${countOf(r, 'cases')} ${r.cases === 1 ? 'case' : 'cases'}${typeof r.ascents === 'number' ? html` · ${countOf(r, 'ascents')} ${r.ascents === 1 ? 'ascent' : 'ascents'}` : ''} · ${duration(typeof r.seconds === 'number' ? r.seconds * 1000 : undefined)}${r.foundBy ? html` · found by ${r.foundBy}` : ''}</div>`;
  const smt = html`${r.smt ? html`<div class="small dim">SMT: ${r.smt.text}</div>` : ''}${r.fromEarlierRun ? html`<div class="small dim">from an earlier run</div>` : ''}`;
  if (r.status === 'load-bearing')
    return {
      cls: 'cell-load',
      body: html`${r.witness ? html`<a href="#${anchor('abl', r.claim, r.hypothesis)}">${badge('load-bearing')}</a>` : badge('load-bearing')}${r.witness?.foundBy === 'smt' ? html`<div class="small">exact SMT model, minimal size</div>` : cost}`,
    };
  if (r.status === 'error') return { body: html`${badge('error', r.error ?? '')}${r.error ? html`<div class="small error-text">${r.error}</div>` : ''}` };
  if (r.status === 'not-needed') return { body: html`${badge('not-needed')}${smt}` };
  if (r.status === 'cannot-fail') return { cls: 'cell-cannot', body: html`<span class="small"><b>cannot fail</b></span><div class="small dim">${r.reason ?? ''}</div>${cost}` };
  return { body: html`${badge('not-shown', r.reason ?? '')}${cost}${smt}` };
}

/**
 * One cell of the grid. `data-label` names the cell's hypothesis: on paper the grid prints as a
 * block per claim, each cell labelled (style.ts, table.print-blocks), since its columns outgrow A4.
 */
function cell(r: Sourced<AblationRow> | undefined, h: string): Html {
  if (!r) return html`<td class="empty" title="not a hypothesis of this claim, or not ablated">·</td>`;
  const v = verdict(r);
  return html`<td${v.cls ? html` class="${v.cls}"` : ''} data-label="${h}">${v.body}</td>`;
}

export function ablationSection(m: Model): Section | undefined {
  if (!m.ablation.length) return undefined;
  const claims: string[] = [];
  const hyps: string[] = [];
  for (const r of m.ablation) {
    if (!claims.includes(r.claim)) claims.push(r.claim);
    if (!hyps.includes(r.hypothesis)) hyps.push(r.hypothesis);
  }
  // Latest row wins when a pair was ablated twice.
  const at = new Map<string, Sourced<AblationRow>>();
  for (const r of m.ablation) {
    const k = `${r.claim}\u0000${r.hypothesis}`;
    if ((at.get(k)?.date ?? '') <= (r.date ?? '')) at.set(k, r);
  }
  const rows = claims.map(
    (c) =>
      html`<tr id="${anchor('abl', c)}" data-claim="${c}"><th scope="row">${m.claims.some((o) => o.id === c) ? html`<a href="#${anchor('claim', c)}"><code class="id">${c}</code></a>` : html`<code class="id">${c}</code>`}</th>${hyps.map((h) => cell(at.get(`${c}\u0000${h}`), h))}</tr>`,
  );
  const grid = html`<div class="table-wrap"><table class="data ablation print-blocks"><thead><tr><th scope="col">claim \\ dropped hypothesis</th>${hyps.map((h) => html`<th scope="col"><code class="hyp">${h}</code></th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;
  const witnesses = [...at.values()]
    .filter((r) => r.status === 'load-bearing' && r.witness)
    .map(
      (r) =>
        html`<details class="abl-witness" id="${anchor('abl', r.claim, r.hypothesis)}"><summary><h4><code class="id">${r.claim}</code> without <code class="hyp">${r.hypothesis}</code>: counterexample${r.witness!.sizes ? html` at ${r.witness!.sizes}` : ''}</h4></summary>${witnessBlock(r.witness!, { from: r.file })}</details>`,
    );
  return {
    id: 'ablation',
    title: 'Ablation: which hypotheses carry weight',
    body: html`<p class="lead">Each hypothesis is dropped in turn, the generators widened (L in (0, 1), a stated L below the true one by any factor, other step sizes, ...), and the search samples cases and ascends the claim's violation by optimisation; a confirmed, shrunk counterexample makes the hypothesis load-bearing. The SMT engine is asked first where the claim has an encoding: its model is an exact, minimal witness, and a proof for every input without the hypothesis makes it "not needed". "Cannot fail" gives the claim's reason why dropping it cannot break the statement. "Not shown" means the search found none within its budget (shown in the cell), not that the hypothesis is unnecessary.</p>${grid}${legend(m, hyps)}${witnesses.length ? html`<h3>Witnesses</h3>${witnesses}` : ''}`,
  };
}

/** What each dropped hypothesis says (from the check results), so the grid reads on its own. */
function legend(m: Model, hyps: readonly string[]) {
  const known = hyps.filter((h) => typeof m.hypothesisText[h] === 'string');
  if (!known.length) return '';
  return html`<dl class="hyp-legend">${known.map((h) => html`<dt><code class="hyp">${h}</code></dt><dd>${m.hypothesisText[h]!}</dd>`)}</dl>`;
}
