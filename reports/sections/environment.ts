/**
 * Where the results come from: one row per result file (date, versions, backend), the
 * library versions, and the seeds and budgets that replay each run.
 */
import type { Environment } from '../../theory/results.ts';
import { html, type Html } from '../escape.ts';
import { budget, count, plural } from '../format.ts';
import type { Model } from '../model.ts';
import type { LoadedFile } from '../load.ts';
import type { Section } from '../page.ts';
import { table } from '../tables.ts';

const s = (v: unknown): string => (v === undefined || v === null ? '—' : String(v));

function distinct<T>(xs: readonly T[]): T[] {
  return [...new Set(xs.filter((x) => x !== undefined && x !== null))];
}

function seedsAndBudgets(f: LoadedFile): { what: string; seeds: string; budget: string } {
  const d = f.data;
  switch (d.kind) {
    case 'check':
      return {
        what: `check: ${plural(distinct(d.results.map((r) => r.id)).length, 'claim')} (${distinct(d.results.map((r) => r.mode)).join(', ')})`,
        seeds: distinct(d.results.map((r) => r.seed)).join(', ') || '—',
        // a check's budget is each claim's in each mode, not the file's
        budget: `${distinct(d.results.map((r) => budget(r.budget))).join('; ')}${d.results.some((r) => r.budget) ? ' per claim and mode' : ''}${stopped(d.interrupted, d.results)}`,
      };
    case 'search':
      return {
        what: `search: ${d.claim}${d.dropped?.length ? ` without ${d.dropped.join(', ')}` : ''}${d.shard ? `, shard ${d.shard}` : ''}, ${d.workers ?? '?'} workers`,
        seeds: s(d.seed),
        budget: budget(d.budget),
      };
    case 'prove':
      return {
        what: `proofs (SMT, ${d.solver?.name ?? 'z3'}${d.solver?.version ? ` ${d.solver.version}` : ''}): ${plural(d.claims.length, 'claim')}`,
        seeds: '—',
        budget: d.budgetMs !== undefined ? `${(d.budgetMs / 1000).toFixed(1)} s solver time per claim` : '—',
      };
    case 'ablate':
      return { what: `ablation: ${plural(d.rows.length, 'pair')}`, seeds: '—', budget: `${d.rows.reduce((a, r) => a + (r.cases ?? 0), 0).toLocaleString('en-US')} cases in total${stopped(d.interrupted, d.rows)}` };
    case 'tighten':
      return { what: `tightness: ${plural(d.rows.length, 'relation')}`, seeds: '—', budget: `${d.rows.reduce((a, r) => a + (r.evaluations ?? 0), 0).toLocaleString('en-US')} evaluations in total` };
    case 'verify-trace':
      return {
        what: `trace verification: ${plural(d.traces.length, 'trace')}`,
        seeds: distinct(d.traces.map((t) => t.header.seed)).map(String).join(', ') || '—',
        budget: distinct(d.traces.map((t) => t.header.steps ?? t.series.t[t.series.t.length - 1])).map((n) => `${String(n)} steps`).join(', '),
      };
    case 'experiments':
      return {
        what: `experiments (${d.preset}): ${plural(d.runs.length, 'run')} on ${d.backend}`,
        seeds: s(d.seed),
        budget: `${d.runs.reduce((a, r) => a + r.stepsDone, 0).toLocaleString('en-US')} steps, ${(d.timeMs / 1000).toFixed(0)} s${d.interrupted ? ' (interrupted)' : ''}`,
      };
  }
}

/** An interrupted run (check, ablate), and how many entries it kept from the earlier file. */
function stopped(interrupted: boolean | undefined, entries: readonly { fromEarlierRun?: boolean }[]): string {
  const kept = entries.filter((e) => e.fromEarlierRun).length;
  return `${interrupted ? ' (interrupted)' : ''}${kept ? `; ${plural(kept, 'entry', 'entries')} kept from an earlier run` : ''}`;
}

export function environmentSection(m: Model): Section | undefined {
  if (!m.files.length) return undefined;
  const env = (f: LoadedFile): Partial<Environment> => f.data.env ?? {};
  const files = table(
    [
      { head: 'file', cell: (f: LoadedFile) => html`<code>${f.name}</code>` },
      { head: 'kind', cell: (f) => f.data.kind },
      { head: 'date', cell: (f) => s(env(f).date) },
      { head: 'loracheck', cell: (f) => s(env(f).loracheck) },
      { head: 'node', cell: (f) => s(env(f).node) },
      { head: 'platform', cell: (f) => `${s(env(f).platform)} ${s(env(f).arch)}` },
      { head: 'cpus', cell: (f) => count(env(f).cpus), cls: 'num' },
      { head: 'backend', cell: (f) => s(env(f).backend) },
    ],
    m.files,
  );
  const runs = table(
    [
      { head: 'file', cell: (f: LoadedFile) => html`<code>${f.name}</code>` },
      { head: 'what', cell: (f) => seedsAndBudgets(f).what, cls: 'wrap' },
      { head: 'seeds', cell: (f) => seedsAndBudgets(f).seeds, cls: 'wrap' },
      { head: 'budget', cell: (f) => seedsAndBudgets(f).budget, cls: 'wrap' },
    ],
    m.files,
  );
  const libs = new Map<string, Set<string>>();
  for (const f of m.files) for (const [k, v] of Object.entries(env(f).versions ?? {})) libs.set(k, (libs.get(k) ?? new Set()).add(String(v)));
  const versions: Html = libs.size
    ? table(
        [
          { head: 'library', cell: (e: [string, Set<string>]) => html`<code>${e[0]}</code>` },
          { head: 'version', cell: (e) => [...e[1]].join(', ') },
        ],
        [...libs].sort((a, b) => a[0].localeCompare(b[0])),
        { cls: 'data narrow' },
      )
    : html`<p class="dim">No library versions recorded.</p>`;
  return {
    id: 'environment',
    title: 'Environment',
    body: html`<h3>Result files</h3>${files}<h3>Seeds and budgets</h3>${runs}<h3>Library versions</h3>${versions}`,
  };
}
