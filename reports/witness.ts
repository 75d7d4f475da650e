/**
 * A witness as a reader needs it: what was evaluated (each relation with both sides as exact
 * text and whether it held), the input with its matrices as small tables of exact entries,
 * and the command that replays it.
 */
import type { EvaluatedComparison, Witness } from '../theory/results.ts';
import { badge } from './badges.ts';
import { html, type Html } from './escape.ts';
import { num, ratio } from './format.ts';
import { entryText, isMatrixLike, matrixTable, table } from './tables.ts';

const REL: Readonly<Record<string, string>> = { '<=': '≤', '=': '=', '>=': '≥' };
/** What a violated relation looks like: lhs ≤ rhs fails as lhs > rhs. */
const NEG: Readonly<Record<string, string>> = { '<=': '>', '=': '≠', '>=': '<' };

export function relText(rel: string, holds: unknown = true): string {
  return (holds === false ? NEG[rel] : REL[rel]) ?? rel;
}

const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** Renders a JSON input tree: matrices as tables, short vectors inline, objects as lists. */
function inputTree(v: unknown, depth = 0): Html {
  if (isScalar(v)) return html`<code>${entryText(v)}</code>`;
  if (depth > 5) return html`<span class="dim">…</span>`;
  if (isMatrixLike(v)) return html`${matrixTable(v)}<span class="dim size">${v.rows} × ${v.cols}</span>`;
  if (Array.isArray(v)) {
    if (v.every(isScalar)) {
      const shown = v.slice(0, 16).map(entryText).join(', ');
      return html`<code>[${shown}${v.length > 16 ? ', …' : ''}]</code>${v.length > 16 ? html`<span class="dim size">${v.length} entries</span>` : ''}`;
    }
    const cols = Array.isArray(v[0]) ? (v[0] as unknown[]).length : -1;
    if (v.every((r) => Array.isArray(r) && r.length === cols && r.every(isScalar)))
      return html`${matrixTable({ rows: v.length, cols, data: (v as unknown[][]).flat() })}<span class="dim size">${v.length} × ${cols}</span>`;
    return html`<ol class="input">${v.slice(0, 20).map((e) => html`<li>${inputTree(e, depth + 1)}</li>`)}</ol>`;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  return html`<dl class="input">${entries.map(([k, e]) => html`<div><dt>${k}</dt><dd>${inputTree(e, depth + 1)}</dd></div>`)}</dl>`;
}

function comparisonsTable(cs: readonly EvaluatedComparison[]): Html {
  return table(
    [
      { head: 'relation', cell: (c) => (c.label ? c.label : html`<span class="dim">(the statement)</span>`), cls: 'wrap' },
      { head: 'left side', cell: (c) => html`<code class="exact">${entryText(c.lhs)}</code>`, cls: 'wrap' },
      { head: '', cell: (c) => html`<span class="rel">${relText(c.rel, c.holds)}</span>` },
      { head: 'right side', cell: (c) => html`<code class="exact">${entryText(c.rhs)}</code>`, cls: 'wrap' },
      { head: 'holds', cell: (c) => (c.holds === true ? badge('verified') : c.holds === false ? badge('violated') : badge('undecided')) },
      { head: 'slack', cell: (c) => num(c.slack), cls: 'num', title: 'rhs − lhs for ≤ (lhs − rhs for ≥); negative means violated' },
      { head: 'ratio', cell: (c) => ratio(c.ratio), cls: 'num', title: 'lhs / rhs for ≤ (rhs / lhs for ≥); above 1 means violated' },
      { head: 'error bound', cell: (c) => num(c.errorBound), cls: 'num' },
    ],
    cs,
    { cls: 'data comparisons', rowClass: (c) => (c.holds === false ? 'row-bad' : '') },
  );
}

export function replayBlock(cmd: unknown): Html {
  if (typeof cmd !== 'string' || !cmd) return html``;
  return html`<div class="replay"><span class="replay-label">replay</span><pre><code>${cmd}</code></pre></div>`;
}

interface WitnessOptions {
  /** Where it came from (file and command). */
  from?: string;
}

export function witnessBlock(w: Witness, o: WitnessOptions = {}): Html {
  const facts: Html[] = [];
  if (w.sizes) facts.push(html`<span>sizes <b>${w.sizes}</b></span>`);
  if (w.foundIn) facts.push(html`<span>found in <b>${w.foundIn}</b></span>`);
  if (w.confirmedIn) facts.push(html`<span>confirmed in <b>${w.confirmedIn}</b></span>`);
  if (w.shrunk !== undefined) facts.push(html`<span>${w.shrunk ? 'shrunk' : 'not shrunk'}</span>`);
  if (w.seed !== undefined) facts.push(html`<span>seed <code>${w.seed}</code></span>`);
  if (w.path) facts.push(html`<span>path <code>${w.path}</code></span>`);
  if (w.dropped?.length) facts.push(html`<span>hypotheses dropped: ${w.dropped.map((h) => html`<code class="hyp">${h}</code> `)}</span>`);
  if (w.violates?.length) facts.push(html`<span>violates: ${w.violates.map((h) => html`<code class="hyp">${h}</code> `)}</span>`);
  if (o.from) facts.push(html`<span class="dim">from ${o.from}</span>`);
  return html`<div class="witness"><p class="facts">${facts}</p>${comparisonsTable(w.comparisons)}<div class="input-block"><h5>Input</h5>${inputTree(w.input)}</div>${replayBlock(w.replay)}</div>`;
}
