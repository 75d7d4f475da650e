/**
 * Tightness: for each inequality, the constant it pins (printed) beside the worst value of its
 * normalised quantity that targeted search found and certified (PEPit's "worst case vs
 * theory"), the gap, the witness, a closed form where one matches to 30 digits (a conjecture)
 * and whether a better constant holds on everything the search tried. The ratio lhs / rhs of
 * the whole sides stays beside it: the measure of the proof lines (for the main lemmas, whose
 * sides share a large term, it tends to 1 and measures nothing).
 */
import type { ConstantResult, TightnessRow } from '../../theory/results.ts';
import { badge } from '../badges.ts';
import { anchor, html, type Html } from '../escape.ts';
import { count, duration, num, ratio, rounded } from '../format.ts';
import { belowZero, constantGap, type Model, type Sourced } from '../model.ts';
import type { Section } from '../page.ts';
import { table, type Column } from '../tables.ts';
import { witnessBlock } from '../witness.ts';

/** A 0..max(1, ratio) bar with a tick at the paper's constant; `spoken` is its accessible name. */
function bar(ratio: number, paper: number, spoken: string): Html {
  const W = 140;
  const scale = Math.max(paper, ratio, 1e-300);
  const w = Math.max(0, Math.min(W, (ratio / scale) * W));
  const at = (paper / scale) * W;
  const over = ratio > paper;
  return html`<svg class="bar" viewBox="0 0 ${W + 2} 14" width="${W + 2}" height="14" role="img" aria-label="${spoken}"><rect x="1" y="3" width="${W}" height="8" class="bar-bg"/><rect x="1" y="3" width="${Math.round(w * 10) / 10}" height="8" class="${over ? 'bar-bad' : 'bar-fill'}"/><line x1="${Math.round((at + 1) * 10) / 10}" x2="${Math.round((at + 1) * 10) / 10}" y1="0" y2="14" class="bar-mark"/></svg>`;
}

/** How a constant reads: attained, loose by a factor, or broken. */
function reading(k: ConstantResult): Html {
  if (belowZero(k)) return html`<span class="small"><b>never above 0</b> on what was tried: the constant is not approached</span>`;
  const gap = constantGap(k);
  if (gap === undefined) return html`<span class="dim">—</span>`;
  if (gap < 1 - 1e-12) return badge('counterexample', 'the quantity passes the printed constant');
  if (gap <= 1 + 1e-12) return html`<span class="small"><b>attained</b>${k.certified === k.printed ? ': certified, the constant is sharp' : ''}</span>`;
  if (gap < 1 + 1e-3) return html`<span class="small"><b>approached</b> to within ${rounded(gap - 1, 2)}</span>`;
  return html`<span class="small">printed constant <b>${rounded(gap, 3)}x</b> what was found</span>`;
}

function direction(k: ConstantResult): string {
  return k.direction === 'sup' ? 'sup ≤' : 'inf ≥';
}

export function tightnessSection(m: Model): Section | undefined {
  if (!m.tightness.length) return undefined;
  const rows = m.tightness;
  const claimLink = (r: Sourced<TightnessRow>) =>
    m.claims.some((o) => o.id === r.claim) ? html`<a href="#${anchor('claim', r.claim)}"><code class="id">${r.claim}</code></a>` : html`<code class="id">${r.claim}</code>`;
  const k = (r: Sourced<TightnessRow>) => r.constant;
  const cols: Column<Sourced<TightnessRow>>[] = [
    { head: 'claim', cell: claimLink },
    { head: 'quantity', cell: (r) => (k(r) ? (k(r)!.declared ? k(r)!.quantity : html`<span class="dim">lhs / rhs as printed</span>`) : html`<span class="dim">—</span>`), cls: 'wrap' },
    { head: 'printed', cell: (r) => (k(r) ? html`${direction(k(r)!)} <code class="exact">${k(r)!.printed}</code>` : num(r.paperRatio ?? 1)), cls: 'num', title: "the paper's constant: the quantity's sup is at most it (inf at least it)" },
    { head: 'found', cell: (r) => (k(r) ? ratio(k(r)!.found, 8) : r.worstRatio === undefined ? html`<span class="dim">no case evaluated within the budget</span>` : ratio(r.worstRatio, 6)), cls: 'num', title: 'the worst value of the quantity that targeted search found (a bound on the true worst case from one side only)' },
    { head: 'certified', cell: (r) => (k(r)?.certified ? html`<code class="exact">${k(r)!.certified}</code>${k(r)!.certifiedIn ? html` <span class="dim small">${k(r)!.certifiedIn}</span>` : ''}` : html`<span class="dim">—</span>`), cls: 'cert' },
    { head: 'gap', cell: (r) => (k(r) && constantGap(k(r)!) !== undefined ? num(constantGap(k(r)!), 4) : html`<span class="dim">—</span>`), cls: 'num', title: 'printed / found (sup) or found / printed (inf): 1 attained, above 1 loose, below 1 broken' },
    { head: 'reading', cell: (r) => (k(r) ? reading(k(r)!) : html`<span class="dim">—</span>`) },
    {
      head: 'closed form (conjecture)',
      cell: (r) => (k(r)?.conjecture ? html`<code>${k(r)!.conjecture!.form}</code> <span class="dim small">(${k(r)!.conjecture!.matchedDigits} digits)</span>` : html`<span class="dim">—</span>`),
      title: 'a simple expression equal to the certified value to at least 30 digits: a conjecture about the true worst case, not a proof',
    },
    {
      head: 'better constant',
      cell: (r) =>
        k(r)?.better
          ? html`<code>${k(r)!.better!.value}</code>: ${k(r)!.better!.holdsOnTried ? html`holds on all ${count(k(r)!.better!.tried)} points tried` : html`<b>not</b> on every point tried: one reached ${ratio(k(r)!.better!.worstTried, 4)} in float64 (not certified)`}`
          : html`<span class="dim">—</span>`,
      cls: 'wrap',
    },
    { head: 'lhs / rhs', cell: (r) => ratio(r.worstRatio, 6), cls: 'num', title: 'ratio of the two sides as printed at the witness: the measure of the proof lines' },
    {
      head: 'SMT bracket (lhs / rhs)',
      cell: (r) =>
        r.smt
          ? html`<span class="small">[${r.smt.lower ? html`<code class="exact">${r.smt.lower.ratio}</code>` : '—'}, ${r.smt.upper ? html`<code class="exact">${r.smt.upper.ratio}</code> <span class="dim">proved ${r.smt.upper.class === 'all inputs' ? 'for every input' : `for ${r.smt.upper.class}`}</span>` : '—'}]</span>`
          : html`<span class="dim">—</span>`,
      cls: 'wrap',
      title: 'worst ratio lhs / rhs in [witnessed by an exact SMT model of the smallest class, proved by SMT]',
    },
    { head: 'evaluations', cell: (r) => count(r.evaluations), cls: 'num' },
    { head: 'time', cell: (r) => duration(typeof r.seconds === 'number' ? r.seconds * 1000 : undefined), cls: 'num' },
    { head: 'witness', cell: (r, i) => (r.witness ? html`<a href="#${anchor('tight', r.claim, i)}">${r.witness.sizes ?? 'input'}</a>` : html`<span class="dim">—</span>`) },
  ];
  const broken = (r: Sourced<TightnessRow>) => {
    if (r.constant && belowZero(r.constant)) return false;
    const gap = r.constant ? constantGap(r.constant) : undefined;
    return gap !== undefined ? gap < 1 - 1e-12 : r.worstRatio !== undefined && r.worstRatio > (r.paperRatio ?? 1);
  };
  const body = table(cols, rows, { cls: 'data tightness print-blocks', labels: true, rowData: (r) => ({ claim: r.claim }), rowClass: (r) => (broken(r) ? 'row-bad' : '') });
  const witnesses = rows
    .map((r, i) =>
      r.witness
        ? html`<details class="tight-witness" id="${anchor('tight', r.claim, i)}"><summary><h4><code class="id">${r.claim}</code>${r.constant?.label ? html` — ${r.constant.label}` : r.label ? html` — ${r.label}` : ''}: ${r.constant ? html`quantity ${ratio(r.constant.found, 8)} against ${r.constant.printed}` : html`ratio ${ratio(r.worstRatio, 6)}`} ${bar(
            r.constant ? (r.constant.direction === 'sup' ? r.constant.found : r.constant.printedValue) : (r.worstRatio ?? Number.NaN),
            r.constant ? (r.constant.direction === 'sup' ? r.constant.printedValue : r.constant.found) : (r.paperRatio ?? 1),
            r.constant ? `found ${rounded(r.constant.found)}, printed constant ${r.constant.printed}` : `ratio ${rounded(r.worstRatio ?? Number.NaN)} of ${rounded(r.paperRatio ?? 1)}`,
          )}</h4></summary>${r.constant?.degenerate ? html`<p class="small dim">Degenerate inputs: ${r.constant.degenerate}.</p>` : ''}${witnessBlock(r.witness, { from: r.file })}</details>`
        : '',
    )
    .filter(Boolean);
  return {
    id: 'tightness',
    title: 'Tightness of the constants',
    body: html`<p class="lead">Each inequality pins a constant; its normalised quantity (the claim file declares it beside its sides; "lhs / rhs as printed" for proof lines) was searched for its worst case by restarts, float64 ascent, basin hopping and moving the loss's numbers, and the worst point found was certified in exact (or precise) arithmetic. <b>found</b> bounds the true worst case from one side only: a gap above 1 says the printed constant was not reached on anything tried, not that a better one is proved. A closed form is printed only where it matches the certified value to 30 digits, and only as a conjecture. The SMT bracket is proved: on the ratio lhs / rhs, the lower end is the certified ratio of an exact solver model, the upper end a bound the solver proved (for every input where the claim has a scalar form).</p>${body}${witnesses.length ? html`<h3>Witnesses</h3>${witnesses}` : ''}`,
  };
}
