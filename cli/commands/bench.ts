/**
 * `loracheck bench`: runs the benchmark suites of bench/index.ts, prints one table per
 * result and writes them all to results/bench.json (atomically).
 */
import { join } from 'node:path';
import { SUITES } from '../../bench/index.ts';
import type { BenchTable } from '../../bench/types.ts';
import { UsageError } from '../args.ts';
import { environment, resultsDir, writeJSONAtomic } from '../io.ts';
import type { Command } from '../command.ts';

export const BENCH_SCHEMA = 'loracheck-bench/1';

/** Plain-text table: text columns left-aligned, numbers right-aligned. */
export function formatTable(t: BenchTable): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map((c) => String(c)))];
  const widths = t.columns.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? '').length)));
  const numeric = t.columns.map((_, j) => t.rows.length > 0 && t.rows.every((r) => typeof r[j] === 'number'));
  const line = (r: string[]) => r.map((c, j) => (numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))).join('  ').trimEnd();
  const out = [t.title, line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
  for (const n of t.notes ?? []) out.push(`  note: ${n}`);
  return out.join('\n');
}

export const command: Command = {
  spec: {
    name: 'bench',
    summary: 'Benchmark the kernels (exact rationals, float64 fast paths) and write results/bench.json.',
    usage: 'bench [--suite NAME]... [--out FILE] [--quick]',
    flags: {
      suite: { type: 'string[]', arg: 'NAME', help: `run only this suite (repeatable): ${Object.keys(SUITES).join(', ')}` },
      out: { type: 'string', arg: 'FILE', help: 'where to write the JSON results (default: results/bench.json)' },
      quick: { type: 'boolean', help: 'fewer sizes and short timing windows (ends in seconds)' },
    },
    details: 'Timings are wall-clock on this machine; the JSON records the environment next to them.',
  },
  async run({ flags }) {
    const names: string[] = flags.suite.length > 0 ? flags.suite : Object.keys(SUITES);
    for (const n of names)
      if (!SUITES[n]) throw new UsageError(`bench: flag --suite must be one of ${Object.keys(SUITES).join(', ')}; got "${n}"`);
    const out: string = flags.out ?? join(resultsDir(), 'bench.json');
    const quick = flags.quick === true;
    const suites: { name: string; seconds: number; tables: BenchTable[] }[] = [];
    for (const name of names) {
      const suite = await SUITES[name]!();
      const t0 = performance.now();
      const tables = await suite.run({ quick, log: (s) => console.error(s) });
      const seconds = Number(((performance.now() - t0) / 1000).toFixed(2));
      suites.push({ name, seconds, tables });
      console.log(`== suite ${name} (${seconds} s${quick ? ', --quick' : ''})\n`);
      for (const t of tables) console.log(formatTable(t) + '\n');
    }
    writeJSONAtomic(out, { schema: BENCH_SCHEMA, quick, environment: environment(), suites });
    console.log(`wrote ${out}`);
    return 0;
  },
};
