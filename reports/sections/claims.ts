/**
 * One block per claim: the statement typeset, its paper reference and hypotheses, the runs
 * per arithmetic mode, the smallest counterexample with its replay command, the closest
 * call, the slack histogram and the searches.
 */
import type { ClaimCheckResult } from '../../theory/results.ts';
import { badge } from '../badges.ts';
import { histogram } from '../charts.ts';
import { anchor, html, type Html } from '../escape.ts';
import { budget, count, countOf, duration, num, ratio } from '../format.ts';
import { math } from '../katex.ts';
import type { ClaimView, Model, Sourced } from '../model.ts';
import type { Section } from '../page.ts';
import { table } from '../tables.ts';
import { replayBlock, witnessBlock } from '../witness.ts';
import { claimLink } from './summary.ts';

function runsTable(c: ClaimView): Html {
  if (!c.checks.length) return html``;
  return table(
    [
      { head: 'mode', cell: (r: Sourced<ClaimCheckResult>) => r.mode },
      {
        head: 'verdict',
        cell: (r) =>
          html`${badge(r.verdict)}${r.known ? html` <span class="small dim">(known, in corpus)</span>` : ''}${r.fromEarlierRun ? html` <span class="small dim" title="an interrupted run kept this entry of the earlier ${r.file}">(from an earlier run)</span>` : ''}`,
      },
      { head: 'cases', cell: (r) => countOf(r, 'cases'), cls: 'num' },
      { head: 'non-trivial', cell: (r) => countOf(r, 'nonTrivial'), cls: 'num' },
      { head: 'undecided', cell: (r) => countOf(r, 'undecided'), cls: 'num' },
      { head: 'worst slack', cell: (r) => num(r.worstSlack?.slack), cls: 'num' },
      { head: 'ratio', cell: (r) => ratio(r.worstSlack?.ratio), cls: 'num' },
      { head: 'seed', cell: (r) => (r.seed !== undefined ? String(r.seed) : '—'), cls: 'num' },
      { head: 'budget', cell: (r) => budget(r.budget) },
      { head: 'time', cell: (r) => duration(r.timeMs), cls: 'num' },
    ],
    c.checks,
    { cls: 'data runs' },
  );
}

function searchesTable(c: ClaimView): Html {
  if (!c.searches.length) return html``;
  return html`<h4>Searches</h4>${table(
    [
      { head: 'hypotheses dropped', cell: (s: ClaimView['searches'][number]) => (s.dropped?.length ? s.dropped.map((h) => html`<code class="hyp">${h}</code> `) : html`<span class="dim">none</span>`) },
      { head: 'result', cell: (s) => html`${badge(s.counterexample ? 'found' : 'none found')}${s.interrupted ? html` <span class="small dim">(interrupted)</span>` : ''}` },
      { head: 'cases', cell: (s) => countOf(s, 'cases'), cls: 'num' },
      { head: 'cases/s', cell: (s) => num(s.casesPerSecond, 3), cls: 'num' },
      { head: 'first found after', cell: (s) => (s.timeToFirstMs !== undefined ? duration(s.timeToFirstMs) : '—'), cls: 'num' },
      { head: 'seed', cell: (s) => (s.seed !== undefined ? String(s.seed) : '—'), cls: 'num' },
      { head: 'workers', cell: (s) => countOf(s, 'workers'), cls: 'num' },
      { head: 'budget', cell: (s) => budget(s.budget) },
      { head: 'time', cell: (s) => duration(s.timeMs), cls: 'num' },
      { head: 'file', cell: (s) => html`<span class="dim">${s.file}</span>` },
    ],
    c.searches,
  )}`;
}

/** The SMT engine's verdict and what it tried (encodings, branch paths, time, why unknown). */
function proofBlock(c: ClaimView): Html {
  const p = c.proof;
  if (!p) return html``;
  const rows = p.attempts.map(
    (a) =>
      html`<li>${a.encoding === 'scalar' ? 'scalar form (every input)' : a.class}: <b>${a.result}</b>${a.encoding === 'scalar' && a.result === 'sat' && p.verdict !== 'refuted' ? html` <span class="dim">(a model of the scalar relaxation, which need not come from any V: not a counterexample; the classes decide)</span>` : ''} · ${count(a.paths)} branch path${a.paths === 1 ? '' : 's'} · ${duration(a.timeMs)}${a.assumes?.length ? html` · from ${a.assumes.join(', ')}` : ''}${a.reason ? html` <span class="dim">(${a.reason})</span>` : ''}</li>`,
  );
  return html`<div class="proof"><h4>${badge(p.verdict)} Proof (SMT): ${p.text}</h4><ul class="small">${rows}</ul></div>`;
}

/**
 * Which side of 0 violates, from what the histogram says it bins: log10 of lhs / rhs (above 0,
 * properties/_internals/stats.ts), a slack (below 0), log10 of rhs / lhs (below 0); otherwise unknown.
 */
function violatedSide(of: string): 'above' | 'below' | undefined {
  if (/> 0 is violated/.test(of)) return 'above';
  if (/^slack\b/.test(of) || /^log10\(rhs \/ lhs\)/.test(of)) return 'below';
  return undefined;
}

function histograms(c: ClaimView): Html {
  const hs = c.checks.filter((r) => r.slackHistogram && r.slackHistogram.counts.length);
  return html`${hs.map((r) => {
    const h = r.slackHistogram!;
    const total = h.counts.reduce((a, b) => a + b, 0);
    const of = h.of ?? 'slack';
    // the axis gets the quantity's name; what it is exactly stays in the caption
    const short = of.replace(/ of the [\s\S]*$/, '');
    return html`<figure class="hist"><figcaption>${of} over ${count(total)} cases (${r.mode})</figcaption>${histogram({ title: `${c.id}: ${of} (${r.mode})`, xLabel: short, edges: h.edges, counts: h.counts, violated: violatedSide(of), width: 400, height: 170 })}</figure>`;
  })}`;
}

/** Where the formula comes from (RAC-LoRA family) and, for a statistical claim, what its verdict means. */
function provenanceAndConfidence(c: ClaimView): Html {
  const i = c.info;
  const prov =
    i?.provenance === 'reported'
      ? html`<p class="small"><b>Provenance: reported</b>: known from secondary reports of the paper, not its printed text.</p>`
      : i?.provenance === 'verified'
        ? html`<p class="small"><b>Provenance: verified</b>: confirmed from public code or by algebra that needs no paper.</p>`
        : '';
  const s = c.checks.find((r) => r.statistical)?.statistical ?? i?.statistical;
  if (!s) return html`${prov}`;
  const level = s.deltaText ?? String(s.delta);
  const runs = c.checks.filter((r) => r.statistical);
  const fw = runs.map((r) => html`${r.mode}: if the claim holds, all ${count(r.cases)} cases pass with probability at least ${num(1 - (r.statistical!.familywiseDelta ?? 0), 6)}. `);
  return html`${prov}<p class="small"><b>Statistical</b>: each case is a Monte-Carlo test at level ${level} (${s.method ?? ''}); the verdict <i>statistical</i> means no case rejected the claim, never that it is verified. ${fw}</p>`;
}

function claimBlock(c: ClaimView, m: Model): Html {
  const i = c.info;
  const hyps = i?.hypotheses?.length
    ? html`${i.hypotheses.map((h) => html`<code class="hyp" title="${m.hypothesisText[h] ?? ''}">${h}</code> `)}`
    : html`<span class="dim">${i ? 'none' : 'unknown (no claim description in the results)'}</span>`;
  const corrected = i?.correctedOf ? html`<p class="small">Corrected form of ${m.claims.some((o) => o.id === i.correctedOf) ? claimLink(i.correctedOf) : html`<code class="id">${i.correctedOf}</code>`}.</p>` : '';
  const correctedBy = c.correctedBy.length ? html`<p class="small">Corrected form: ${c.correctedBy.map((id) => html`${claimLink(id)} ${badge(m.claims.find((o) => o.id === id)!.verdict)} `)}</p>` : '';
  const errors = c.checks.filter((r) => r.error).map((r) => html`<p class="error-text">${r.mode}: ${r.error}</p>`);
  const replays = c.checks.filter((r) => r.replay && !r.counterexample).map((r) => replayBlock(r.replay));
  const cx = c.counterexample
    ? html`<div class="cx"><h4>${badge('counterexample')} Smallest counterexample</h4>${witnessBlock(c.counterexample.witness, { from: c.counterexample.from })}</div>`
    : '';
  const tight = c.tightest
    ? html`<details class="tightest"><summary><h4>${(c.tightest.ratio ?? 0) > 1 ? 'Largest violation found' : 'Closest call'}${c.tightest.ratio !== undefined ? html` (ratio ${ratio(c.tightest.ratio)})` : ''}</h4></summary>${witnessBlock(c.tightest.witness, { from: c.tightest.from })}</details>`
    : '';
  return html`<article class="claim" id="${anchor('claim', c.id)}" data-claim="${c.id}">
<header><h3><code class="id">${c.id}</code> <span class="title">${i?.title ?? ''}</span></h3>${badge(c.verdict)}</header>
<p class="ref">${i?.paper ? html`<span>${i.paper}</span> · ` : ''}hypotheses: ${hyps}</p>
${i?.latex ? html`<div class="statement">${math(i.latex)}</div>` : ''}
${i?.note ? html`<p class="note">${i.note}</p>` : ''}${provenanceAndConfidence(c)}${corrected}${correctedBy}
${proofBlock(c)}${runsTable(c)}${errors}<div class="hists">${histograms(c)}</div>${cx}${tight}${replays.length ? html`<details class="replays"><summary>Replay commands</summary>${replays}</details>` : ''}${searchesTable(c)}
</article>`;
}

export function claimsSection(m: Model): Section | undefined {
  const shown = m.claims.filter((c) => c.checks.length || c.searches.length || c.proof);
  if (!shown.length) return undefined;
  return { id: 'claims', title: 'Claims in detail', body: html`${shown.map((c) => claimBlock(c, m))}` };
}
