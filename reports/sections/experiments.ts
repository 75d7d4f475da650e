/**
 * The papers' experiments (`loracheck experiments`): each figure with its panels on shared axes
 * (smoothing stated), the paper's statement beside what the runs show (outcome from the stated
 * criterion, computed when the experiments ran; provenance printed or reported), the tables, the
 * claim verdicts of the full-batch traces, and every run with its seed and trace file.
 */
import type { ExperimentFigure, ExperimentPanel, ExperimentStatement, ExperimentsResultFile } from '../../theory/results.ts';
import { badge } from '../badges.ts';
import { lineChart, PALETTE, type Series } from '../charts.ts';
import { html, type Html } from '../escape.ts';
import { count, duration, num } from '../format.ts';
import type { LoadedFile } from '../load.ts';
import type { Model } from '../model.ts';
import type { Section } from '../page.ts';
import { table } from '../tables.ts';

const PROVENANCE: Record<ExperimentStatement['provenance'], string> = {
  printed: 'printed in the paper',
  reported: 'reported (known from secondary reports of the paper, not its text)',
};

/** The range of one coordinate over panels (for shared axes), positive values only when log. */
function range(panels: readonly ExperimentPanel[], key: 'x' | 'y', log: boolean): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of panels)
    for (const s of p.series)
      for (const v of s[key]) {
        if (!Number.isFinite(v) || (log && v <= 0)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
  return lo <= hi ? [lo, hi] : undefined;
}

const keyOf = (s: ExperimentFigure['panels'][number]['series'][number]): string => s.key ?? s.run ?? s.name;

/** One colour per run (or key) across the figure's panels (bounds keep their run's colour, dashed). */
function colours(f: ExperimentFigure): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of f.panels) for (const s of p.series) if (!m.has(keyOf(s))) m.set(keyOf(s), PALETTE[m.size % PALETTE.length]!);
  return m;
}

function figureBlock(f: ExperimentFigure, statements: readonly ExperimentStatement[]): Html {
  const col = colours(f);
  const charts = f.panels.map((p) => {
    // panels with the same x label share the x axis; with the same y label, the y axis too
    const sameX = f.panels.filter((q) => q.xLabel === p.xLabel && !!q.logX === !!p.logX);
    const x = sameX.length > 1 ? range(sameX, 'x', !!p.logX) : undefined;
    const same = f.panels.filter((q) => q.yLabel === p.yLabel && !!q.logY === !!p.logY);
    const y = same.length > 1 ? range(same, 'y', !!p.logY) : undefined;
    const series: Series[] = p.series.map((s) => ({ name: s.name, x: s.x, y: s.y, color: col.get(keyOf(s))!, dashed: s.dashed }));
    return html`<figure class="trace-chart"><figcaption>${p.title}${p.smoothing ? html` <span class="small dim">(${p.smoothing})</span>` : ''}</figcaption>${lineChart({ title: `${f.title}: ${p.title}`, xLabel: p.xLabel, yLabel: p.yLabel, series, logY: !!p.logY, logX: !!p.logX, xDomain: x, yDomain: y })}</figure>`;
  });
  const mine = statements.filter((s) => s.figure === f.id);
  return html`<article class="experiment" id="experiment-${f.id}">
<h3>${f.title}</h3>
<p><strong>Paper.</strong> ${f.paper}</p>
<p><strong>Here.</strong> ${f.setting}</p>
<div class="chart-grid">${charts}</div>
${mine.length ? statementList(mine) : ''}
</article>`;
}

function statementList(ss: readonly ExperimentStatement[]): Html {
  return html`<div class="exp-statements">${ss.map(
    (s) => html`<div class="exp-statement" data-outcome="${s.outcome}"><p>${badge(s.outcome)} <strong>${s.source}</strong> <span class="small dim">(${PROVENANCE[s.provenance]})</span>: “${s.claim}”</p><p><strong>What the runs show:</strong> ${s.finding}</p><p class="small dim">Criterion: ${s.criterion}</p></div>`,
  )}</div>`;
}

function cell(v: unknown): Html | string {
  if (typeof v === 'number') return num(v);
  if (typeof v === 'string') return v;
  return html`<span class="dim">—</span>`;
}

function tablesBlock(d: ExperimentsResultFile): Html {
  return html`${d.tables.map(
    (t) => html`<h4>${t.title}</h4><div class="table-wrap"><table class="data"><thead><tr>${t.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead><tbody>${t.rows.map(
      (r) => html`<tr>${r.map((v) => html`<td>${cell(v)}</td>`)}</tr>`,
    )}</tbody></table></div>${t.note ? html`<p class="small dim">${t.note}</p>` : ''}`,
  )}`;
}

function traceClaimsBlock(d: ExperimentsResultFile): Html {
  const tc = d.traceClaims ?? [];
  if (!tc.length) return html``;
  const ids: string[] = [];
  for (const t of tc) for (const c of t.claims) if (!ids.includes(c.id)) ids.push(c.id);
  return html`<h4>Full-batch runs of rule (8), verified claim by claim</h4><div class="table-wrap"><table class="data trace-claims"><thead><tr><th scope="col">run</th>${ids.map((id) => html`<th scope="col"><code class="id">${id}</code></th>`)}</tr></thead><tbody>${tc.map(
    (t) => html`<tr><th scope="row">${t.label}<div class="small dim">${t.file}</div></th>${ids.map((id) => {
      const c = t.claims.find((x) => x.id === id);
      if (!c) return html`<td class="dim">—</td>`;
      const detail = c.status === 'not applicable' ? (c.reason ?? '') : `${c.violations} violations, ${c.unresolved ?? 0} of ${c.checked ?? c.stepsChecked} steps unresolved`;
      return html`<td data-status="${c.status}">${badge(c.status)}<div class="small dim">${detail}</div></td>`;
    })}</tr>`,
  )}</tbody></table></div>`;
}

function runsBlock(d: ExperimentsResultFile): Html {
  return html`<h4>Runs</h4>${table(
    [
      { head: 'run', cell: (r: ExperimentsResultFile['runs'][number]) => html`<code>${r.id}</code><div class="small dim">${r.label}</div>` },
      { head: 'method', cell: (r) => r.method },
      { head: 'rule', cell: (r) => r.rule },
      { head: 'rank', cell: (r) => count(r.rank), cls: 'num' },
      { head: 'batch', cell: (r) => String(r.batch) },
      { head: 'steps', cell: (r) => html`${count(r.stepsDone)}${r.stepsDone !== r.steps ? html` of ${count(r.steps)}` : ''}${r.diverged ? html` ${badge('violated', 'diverged')}` : ''}${r.interrupted ? html` ${badge('interrupted')}` : ''}`, cls: 'num' },
      { head: 'time', cell: (r) => (r.seconds === undefined ? '—' : duration(r.seconds * 1000)), cls: 'num' },
      { head: 'final J', cell: (r) => num(r.finalJ ?? undefined), cls: 'num' },
      { head: 'test accuracy', cell: (r) => (r.testAccuracy === undefined ? '—' : `${(100 * r.testAccuracy).toFixed(2)} %`), cls: 'num' },
      { head: 'seed', cell: (r) => String(r.seed), cls: 'num' }, // whole: it goes into a replay command
      { head: 'trace', cell: (r) => html`<span class="dim">${r.trace ?? '—'}</span>`, cls: 'wrap' },
    ],
    d.runs,
    { cls: 'data runs' },
  )}`;
}

function fileBlock(f: LoadedFile & { data: ExperimentsResultFile }): Html {
  const d = f.data;
  const outcomes = ['reproduced', 'partly reproduced', 'not reproduced', 'not tested'].map((o) => [o, d.statements.filter((s) => s.outcome === o).length] as const).filter(([, n]) => n > 0);
  const loose = d.statements.filter((s) => !s.figure || !d.figures.some((fig) => fig.id === s.figure));
  return html`<p class="lead">From <code>${f.name}</code>: preset <strong>${d.preset}</strong>, seed ${d.seed} (replay: <code>npx loracheck experiments --preset ${d.preset} --seed ${d.seed}</code>), backend ${d.backend}, ${count(d.runs.length)} runs in ${duration(d.timeMs)}${d.interrupted ? html` ${badge('interrupted')} (what was done is shown)` : ''}. Statements: ${outcomes.map(([o, n]) => html`${badge(o)} ${n} `)}. Each outcome comes from the criterion printed under it, applied to the runs' numbers; <em>reported</em> statements are RAC-LoRA's as known from secondary reports, not from the paper's text.</p>
<ul class="small">${d.data.map((x) => html`<li>${x}</li>`)}</ul>
${d.figures.map((fig) => figureBlock(fig, d.statements))}
${loose.length ? html`<h4>Other statements</h4>${statementList(loose)}` : ''}
${traceClaimsBlock(d)}
${tablesBlock(d)}
${runsBlock(d)}`;
}

export function experimentsSection(m: Model): Section | undefined {
  const files = m.files.filter((f): f is LoadedFile & { data: ExperimentsResultFile } => f.data.kind === 'experiments');
  if (!files.length) return undefined;
  return { id: 'experiments', title: "The papers' experiments", body: html`${files.map(fileBlock)}` };
}
