/**
 * Training traces, grouped by workload: the runs of every step rule on shared charts of
 * J_t, ||V_t||^2 with the GV bound, eta_t (8), and min_{s<=t} ||grad J(V_s)||^2 with the
 * T10 bound (10); then each run's claim verdicts ("not applicable" shown with its reason),
 * with the steps the recorded precision could not resolve, and truncated runs marked as such.
 */
import type { TraceClaimResult } from '../../theory/results.ts';
import { badge } from '../badges.ts';
import { lineChart, type Series } from '../charts.ts';
import { anchor, html, type Html } from '../escape.ts';
import { count, num, rounded } from '../format.ts';
import type { Model, TraceGroup, TraceRun } from '../model.ts';
import type { Section } from '../page.ts';
import { table } from '../tables.ts';

type Key = 'J' | 'Vsq' | 'eta' | 'minGradJsq';

function chart(g: TraceGroup, key: Key, title: string, yLabel: string, bound?: { key: 'gvBound' | 't10Bound'; name: string }): Html {
  const series: Series[] = [];
  for (const r of g.runs) {
    series.push({ name: r.label, x: r.entry.series.t, y: r.entry.series[key], color: r.color });
  }
  for (const r of g.runs) {
    const b = bound && r.entry.series[bound.key];
    if (b && b.length) series.push({ name: `${bound!.name} (${r.label})`, x: r.entry.series.t, y: b, color: r.color, dashed: true });
  }
  return html`<figure class="trace-chart"><figcaption>${title}</figcaption>${lineChart({ title: `${g.title}: ${title}`, xLabel: 'step t', yLabel, series, logY: 'auto' })}</figure>`;
}

function header(r: TraceRun, key: string): Html | string {
  const v = r.entry.header[key];
  if (v === undefined || v === null) return html`<span class="dim">—</span>`;
  if (typeof v === 'number') return num(v);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The backend, and under it the adapter that ran a webgpu trace (software adapters said so) and the direct kernels where they ran. */
function backendCell(r: TraceRun): Html {
  const h = r.entry.header as Record<string, unknown>;
  const a = h.adapter as { label?: unknown; software?: unknown } | undefined;
  const notes: string[] = [];
  if (a && typeof a === 'object' && typeof a.label === 'string') notes.push(`${a.label}${a.software === true ? ' (software adapter)' : ''}`);
  if (h.kernels === 'direct') notes.push('direct Dawn kernels');
  return html`${header(r, 'backend')}${notes.length ? html`<div class="small dim">${notes.join('; ')}</div>` : ''}`;
}

function last(a: readonly number[]): number | undefined {
  return a.length ? a[a.length - 1] : undefined;
}

/** Finished, interrupted, diverged or truncated (no summary line: killed or still running). */
function runState(r: TraceRun): Html {
  const e = r.entry;
  if (e.truncated) return html`${badge('truncated')}<div class="small dim">no summary line${e.partialLastLine ? '; last line cut mid-write' : ''}: killed or still running</div>`;
  if (e.interrupted) return html`${badge('interrupted')}<div class="small dim">stopped after ${String(e.summary?.steps ?? '?')} of ${String(e.header.steps ?? '?')} steps</div>`;
  if (e.summary?.diverged === true) return html`<span class="dim">diverged</span>`;
  return html`<span class="dim">finished</span>`;
}

function precision(r: TraceRun): Html | string {
  const p = r.entry.precision;
  if (!p) return header(r, 'dtype');
  const sums = p.scalarDtype !== p.dtype ? `, sums in ${p.scalarDtype}` : '';
  return html`${p.dtype}${sums}<div class="small dim">resolution ${rounded(p.relative)} relative</div>`;
}

function runsTable(g: TraceGroup): Html {
  return table(
    [
      { head: 'rule', cell: (r: TraceRun) => html`<span class="swatch" style="background:${r.color}"></span>${r.label}` },
      { head: 'steps', cell: (r) => count(last(r.entry.series.t)), cls: 'num' },
      { head: 'L', cell: (r) => header(r, 'L'), cls: 'num' },
      { head: 'L*', cell: (r) => header(r, 'Lstar'), cls: 'num' },
      { head: 'J(V_0)', cell: (r) => num(r.entry.series.J[0]), cls: 'num' },
      { head: 'final J', cell: (r) => num(last(r.entry.series.J)), cls: 'num' },
      { head: 'final ‖V‖²', cell: (r) => num(last(r.entry.series.Vsq)), cls: 'num' },
      { head: 'min ‖∇J‖²', cell: (r) => num(last(r.entry.series.minGradJsq)), cls: 'num' },
      ...(g.runs.some((r) => r.entry.optimum)
        ? [
            {
              head: 'final ‖W − W*‖²',
              cell: (r: TraceRun) => (r.entry.optimum ? html`${num(r.entry.optimum.distSqFinal)}${r.entry.optimum.rankBoundDistSq !== undefined ? html`<div class="small dim">rank-${String(r.entry.header.r)} bound ${num(r.entry.optimum.rankBoundDistSq)}</div>` : ''}` : html`<span class="dim">—</span>`),
              cls: 'num' as const,
              title: 'distance to the FPFT optimum W* (where the trace records it), and the least LoRA at rank r can reach (Eckart-Young)',
            },
          ]
        : []),
      // a seed is copied into a replay command: whole, never rounded
      { head: 'seed', cell: (r) => (typeof r.entry.header.seed === 'number' ? String(r.entry.header.seed) : header(r, 'seed')), cls: 'num' },
      { head: 'backend', cell: backendCell, title: 'the trace header\'s backend; for webgpu the adapter (GPU) that ran it and whether the step ran as loracheck\'s direct Dawn kernels' },
      { head: 'run', cell: runState },
      { head: 'precision', cell: precision, title: 'dtype of the iterate, of the recorded sums, and the relative resolution the verdicts assumed' },
      { head: 'trace file', cell: (r) => html`<span class="dim">${r.entry.file}</span>`, cls: 'wrap' },
    ],
    g.runs,
    { cls: 'data runs' },
  );
}

function claimCell(c: TraceClaimResult | undefined): Html {
  if (!c) return html`<td class="dim">—</td>`;
  const detail: string[] = [];
  if (c.status === 'not applicable') {
    if (c.reason) detail.push(c.reason);
  } else {
    const checked = c.checked ?? c.stepsChecked;
    if (checked !== undefined) detail.push(`${c.violations ?? 0} of ${checked.toLocaleString('en-US')} steps violate`);
    if (c.firstViolation !== undefined) detail.push(`first at t = ${c.firstViolation}`);
    if (c.unresolved !== undefined) detail.push(`${c.unresolved.toLocaleString('en-US')} unresolved${c.firstUnresolved !== undefined ? ` (first t = ${c.firstUnresolved})` : ''}`);
    if (c.worstSlack !== undefined) detail.push(`worst slack ${rounded(c.worstSlack)}`);
    if (c.reason) detail.push(c.reason);
  }
  if (c.estimated) detail.push('rests on an estimated L');
  const truncated = c.reason?.startsWith('truncated trace') ? html` ${badge('truncated')}` : '';
  return html`<td data-status="${c.status}">${badge(c.status)}${truncated}${detail.length ? html`<div class="small dim">${detail.join('; ')}</div>` : ''}</td>`;
}

function verdictTable(g: TraceGroup): Html {
  const ids: string[] = [];
  for (const r of g.runs) for (const c of r.entry.claims) if (!ids.includes(c.id)) ids.push(c.id);
  if (!ids.length) return html``;
  const rows = g.runs.map((r) => {
    const cs = ids.map((id) => r.entry.claims.find((c) => c.id === id));
    // A run none of the claims apply to says why once, not once per claim.
    const allNa = cs.every((c) => c?.status === 'not applicable') && new Set(cs.map((c) => c!.reason)).size === 1;
    const cells = allNa
      ? html`<td colspan="${ids.length}">${badge('not applicable')}${cs[0]!.reason ? html` <span class="small dim">${cs[0]!.reason}</span>` : ''}</td>`
      : cs.map(claimCell);
    return html`<tr data-run="${r.label}"><th scope="row"><span class="swatch" style="background:${r.color}"></span>${r.label}</th>${cells}</tr>`;
  });
  return html`<div class="table-wrap"><table class="data trace-claims"><thead><tr><th scope="col">run</th>${ids.map((id) => html`<th scope="col"><code class="id">${id}</code></th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function fitsTable(g: TraceGroup): Html {
  const runs = g.runs.filter((r) => r.entry.fits);
  if (!runs.length) return html``;
  return html`<h4>Growth and rate fits</h4>${table(
    [
      { head: 'rule', cell: (r: TraceRun) => r.label },
      { head: 'slope of ‖V_t‖²', cell: (r) => num(r.entry.fits!.vsqSlope), cls: 'num' },
      { head: 'slope of the GV bound', cell: (r) => num(r.entry.fits!.gvSlope), cls: 'num', title: '1 / (4√2 L)' },
      { head: 'min ‖∇J‖² vs 1/log T', cell: (r) => num(r.entry.fits!.minGradVsInvLogT), cls: 'num' },
      { head: 'min ‖∇J‖² vs 1/T', cell: (r) => num(r.entry.fits!.minGradVsInvT), cls: 'num' },
      { head: 'note', cell: (r) => r.entry.fits!.note ?? '', cls: 'wrap' },
    ],
    runs,
  )}`;
}

function groupBlock(g: TraceGroup): Html {
  const tol = g.runs.find((r) => r.tolerance)?.tolerance;
  return html`<article class="trace-group" id="${anchor('trace', g.key)}">
<h3>${g.title}</h3>
${runsTable(g)}
<div class="chart-grid">
${chart(g, 'J', 'Loss J(V_t)', 'J')}
${chart(g, 'Vsq', '‖V_t‖² against the GV bound (dashed)', '‖V_t‖²', { key: 'gvBound', name: 'GV bound' })}
${chart(g, 'eta', 'Step size η_t', 'η_t')}
${chart(g, 'minGradJsq', 'min over s ≤ t of ‖∇J(V_s)‖² against the T10 bound (dashed)', 'min ‖∇J‖²', { key: 't10Bound', name: 'T10 bound' })}
</div>
<h4>Claims checked along each run</h4>
${verdictTable(g)}
${fitsTable(g)}
${tol ? html`<p class="small dim">--tol override: every recorded scalar taken as resolved to ${num(tol.relative)} relative.</p>` : ''}
</article>`;
}

/** m x n of an LLM layer (a 4096-wide transformer's projection): the size the at-scale runs start at. */
const LLM_LAYER = 4096 * 4096;

/** The largest trace (m x n of W), as "workload m × n (r = ...), on backend", and whether it reaches an LLM layer's size. */
export function largestTrace(m: Model): { what: Html; atScale: boolean } | undefined {
  let best: { run: TraceRun; size: number } | undefined;
  for (const g of m.traces)
    for (const run of g.runs) {
      const { m: rows, n: cols } = run.entry.header;
      if (typeof rows !== 'number' || typeof cols !== 'number') continue;
      if (!best || rows * cols > best.size) best = { run, size: rows * cols };
    }
  if (!best) return undefined;
  const h = best.run.entry.header;
  const a = (h as { adapter?: { label?: unknown } }).adapter;
  const where = `${String(h.backend ?? '?')}${a && typeof a.label === 'string' ? ` on ${a.label}` : ''}`;
  const what = html`${String(h.workload ?? 'unnamed workload')} ${count(h.m)} × ${count(h.n)}${(h.r ?? h.rank) !== undefined ? ` (r = ${String(h.r ?? h.rank)})` : ''}, on ${where}`;
  return { what, atScale: best.size >= LLM_LAYER };
}

/** Where no trace is at LLM-layer size, how to get one. */
function scaleNote(m: Model): Html {
  const big = largestTrace(m);
  if (!big) return html``;
  if (big.atScale) return html`<p class="small">Largest trace: ${big.what}, at the size of an LLM layer (4096 × 4096 and up).</p>`;
  return html`<p class="small">${badge('not run', 'no trace at LLM-layer size')} No trace here is at the size of an LLM layer (4096 × 4096 and up); the largest is ${big.what}. <code>loracheck verify</code> adds LoRA on the quadratic at 4096 × 4096 and 8192 × 8192, and the RAC-LoRA family at 4096 × 4096, where it finds a GPU (<code>loracheck backends</code>); <code>--at-scale on</code> runs them on any backend.</p>`;
}

export function tracesSection(m: Model): Section | undefined {
  if (!m.traces.length) return undefined;
  return {
    id: 'traces',
    title: 'Training traces',
    body: html`<p class="lead">Runs of one workload that differ only in the step rule share each chart (one colour per run; bounds dashed in the run's colour). Bounds are drawn where they apply: the GV and T10 bounds are proved for the step size of (8). A step is <em>unresolved</em> when the margin its claim promises (for L34 the decrease (η/4)‖∇J‖²) is below the rounding noise of the recorded numbers (from the trace's dtype): passing it says nothing, so a claim with more than 10 % unresolved steps is <em>undecided</em>, not verified. A <em>truncated</em> trace has no summary line: its verdicts cover only the steps recorded before the run was killed.</p>${scaleNote(m)}${m.traces.map(groupBlock)}`,
  };
}
