/**
 * Tightness: for each constant, the worst ratio lhs / rhs that targeted search found, beside
 * the paper's constant (ratio 1) and the certified value, with a bar to read it at a glance.
 */
import type { TightnessRow } from '../../theory/results.ts';
import { badge } from '../badges.ts';
import { anchor, html, type Html } from '../escape.ts';
import { count, duration, num, ratio, rounded } from '../format.ts';
import type { Model, Sourced } from '../model.ts';
import type { Section } from '../page.ts';
import { table, type Column } from '../tables.ts';
import { witnessBlock } from '../witness.ts';

/** A 0..max(1, ratio) bar with a tick at the paper's constant. */
function bar(ratio: number, paper: number): Html {
  const W = 140;
  const scale = Math.max(paper, ratio, 1e-300);
  const w = Math.max(0, Math.min(W, (ratio / scale) * W));
  const at = (paper / scale) * W;
  const over = ratio > paper;
  return html`<svg class="bar" viewBox="0 0 ${W + 2} 14" width="${W + 2}" height="14" role="img" aria-label="${`ratio ${ratio} of ${paper}`}"><rect x="1" y="3" width="${W}" height="8" class="bar-bg"/><rect x="1" y="3" width="${Math.round(w * 10) / 10}" height="8" class="${over ? 'bar-bad' : 'bar-fill'}"/><line x1="${Math.round((at + 1) * 10) / 10}" x2="${Math.round((at + 1) * 10) / 10}" y1="0" y2="14" class="bar-mark"/></svg>`;
}

export function tightnessSection(m: Model): Section | undefined {
  if (!m.tightness.length) return undefined;
  const rows = m.tightness;
  const labelled = rows.some((r) => r.label);
  const cols: (Column<Sourced<TightnessRow>> | false)[] = [
      { head: 'claim', cell: (r: Sourced<TightnessRow>) => (m.claims.some((o) => o.id === r.claim) ? html`<a href="#${anchor('claim', r.claim)}"><code class="id">${r.claim}</code></a>` : html`<code class="id">${r.claim}</code>`) },
      labelled && { head: 'relation', cell: (r) => r.label ?? html`<span class="dim">(the statement)</span>`, cls: 'wrap' },
      { head: 'worst ratio found', cell: (r) => ratio(r.worstRatio, 6), cls: 'num', title: 'largest lhs / rhs found by search' },
      { head: "paper's constant", cell: (r) => num(r.paperRatio ?? 1), cls: 'num' },
      { head: '', cell: (r) => bar(r.worstRatio, r.paperRatio ?? 1) },
      {
        head: 'reading',
        cell: (r) => {
          const p = r.paperRatio ?? 1;
          if (r.worstRatio > p) return badge('counterexample', 'the ratio exceeds what the paper allows');
          if (r.worstRatio === p)
            return html`<span class="small"><b>attained</b>${r.worstRatioCertified === String(p) ? ': certified, the constant is sharp' : ''}</span>`;
          const gap = 1 - r.worstRatio / p;
          if (gap < 1e-3) return html`<span class="small"><b>approached</b> to within ${rounded(gap, 2)}</span>`;
          return html`<span class="small">reaches ${rounded(100 * (1 - gap), 3)} % of the bound</span>`;
        },
      },
      { head: 'certified', cell: (r) => (r.worstRatioCertified ? html`<code class="exact">${r.worstRatioCertified}</code>` : html`<span class="dim">—</span>`), cls: 'wrap' },
      {
        head: 'SMT bracket',
        cell: (r) =>
          r.smt
            ? html`<span class="small">[${r.smt.lower ? html`<code class="exact">${r.smt.lower.ratio}</code>` : '—'}, ${r.smt.upper ? html`<code class="exact">${r.smt.upper.ratio}</code> <span class="dim">proved ${r.smt.upper.class === 'all inputs' ? 'for every input' : `for ${r.smt.upper.class}`}</span>` : '—'}]</span>`
            : html`<span class="dim">—</span>`,
        cls: 'wrap',
        title: 'worst ratio in [witnessed by an exact SMT model of the smallest class, proved by SMT]',
      },
      { head: 'restarts', cell: (r) => count(r.restarts), cls: 'num' },
      { head: 'evaluations', cell: (r) => count(r.evaluations), cls: 'num' },
      { head: 'time', cell: (r) => duration(typeof r.seconds === 'number' ? r.seconds * 1000 : undefined), cls: 'num' },
      { head: 'witness', cell: (r, i) => (r.witness ? html`<a href="#${anchor('tight', r.claim, i)}">input</a>` : html`<span class="dim">—</span>`) },
  ];
  const body = table(
    cols.filter((c): c is Column<Sourced<TightnessRow>> => !!c),
    rows,
    { cls: 'data tightness', rowData: (r) => ({ claim: r.claim }), rowClass: (r) => (r.worstRatio > (r.paperRatio ?? 1) ? 'row-bad' : '') },
  );
  const witnesses = rows
    .map((r, i) =>
      r.witness
        ? html`<details class="tight-witness" id="${anchor('tight', r.claim, i)}"><summary><code class="id">${r.claim}</code>${r.label ? html` (${r.label})` : ''}: ratio ${ratio(r.worstRatio, 6)}</summary>${witnessBlock(r.witness, { from: r.file })}</details>`
        : '',
    )
    .filter(Boolean);
  return {
    id: 'tightness',
    title: 'Tightness of the constants',
    body: html`<p class="lead">The worst ratio lhs / rhs that hill-climbing found, next to the paper's constant (a ratio of 1 is what the inequality allows). A search result is a lower bound on the true worst case: a ratio well below 1 says the constant was not approached, not that it can be improved. The SMT bracket is proved: the lower end is the certified ratio of an exact solver model, the upper end a bound the solver proved (for every input where the claim has a scalar form).</p>${body}${witnesses.length ? html`<h3>Inputs that reach these ratios</h3>${witnesses}` : ''}`,
  };
}
