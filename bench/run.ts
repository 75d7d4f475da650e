/**
 * One `loracheck bench` run below the CLI: the suites in turn, each announced with its rough
 * duration and the run's ETA, their tables printed as each ends, and the JSON document
 * (results/bench.json) that records the machine, the versions, each suite's peer and seeds, and
 * what was skipped and why. Ctrl-C (or SIGTERM) stops at once: temporary folders and child
 * processes are undone (bench/types.ts untilDone), nothing is written, and an earlier results
 * file is left as it was.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { oneLine } from '../runtime/escape.ts';
import { SIGNAL_EXIT, onInterrupt, type StopSignal } from '../runtime/interrupt.ts';
import { SUITES, type SuiteInfo } from './index.ts';
import { type BenchTable, letSignalsIn, undoAll } from './types.ts';

const BENCH_SCHEMA = 'loracheck-bench/1';

/** Plain-text table: text columns left-aligned, numbers (and '-' for none) right-aligned. */
export function formatTable(t: BenchTable): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map((c) => String(c)))];
  const widths = t.columns.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? '').length)));
  const numeric = t.columns.map((_, j) => t.rows.some((r) => typeof r[j] === 'number') && t.rows.every((r) => typeof r[j] === 'number' || r[j] === '-'));
  const line = (r: string[]) => r.map((c, j) => (numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))).join('  ').trimEnd();
  const out = [t.title, line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
  for (const s of t.skipped ?? []) out.push(`  skipped: ${s}`);
  for (const n of t.notes ?? []) out.push(`  note: ${n}`);
  return out.join('\n');
}

interface SuiteResult {
  name: string;
  seconds: number;
  /** What it times, its peer (and which way the ratio reads), its seeds (bench/index.ts). */
  times: string;
  peer: string;
  seed: string;
  /** Everything its tables could not measure, with the reason. */
  skipped: string[];
  tables: BenchTable[];
}

interface BenchDoc<E> {
  schema: typeof BENCH_SCHEMA;
  quick: boolean;
  environment: E;
  machine: { cpuModel: string; cores: number; memoryGB: number; freeMemoryGB: number; loadAverage1m: { start: number; end: number } };
  suites: SuiteResult[];
}

/** "about 3 min" / "about 40 s". */
function about(seconds: number): string {
  return seconds >= 90 ? `about ${Math.round(seconds / 60)} min` : `about ${Math.max(1, Math.round(seconds))} s`;
}

/**
 * The ETA line before suite `k` (0-based) of `names`: the declared durations of the suites left,
 * scaled by how the finished ones compared with theirs (a loaded machine runs slower).
 */
export function etaLine(names: string[], k: number, quick: boolean, tookSoFar: number, info: Record<string, SuiteInfo> = SUITES): string {
  const declared = (n: string) => (quick ? info[n]!.seconds.quick : info[n]!.seconds.full);
  const before = names.slice(0, k).reduce((s, n) => s + declared(n), 0);
  const scale = k > 0 && before > 0 ? tookSoFar / before : 1;
  const left = names.slice(k).reduce((s, n) => s + declared(n), 0) * scale;
  const name = names[k]!;
  return `bench: suite ${k + 1} of ${names.length}, ${name}: ${about(declared(name) * scale)}${quick ? ' (--quick)' : ''}; ${names.length - k > 1 ? `the run ends in ${about(left)}` : 'the last suite'}`;
}

/** The line a stopped run prints: nothing was written, and the earlier file is kept. */
export function stoppedLine(signal: StopSignal, out: string, finished: string[], undone: number): string {
  return `bench: stopped by ${signal}${finished.length ? ` after ${finished.join(', ')}` : ''}: ${oneLine(out)} was not written (an earlier file there is kept as it was)${undone ? `; ${undone} temporary folder(s) or child process(es) removed` : ''}`;
}

/** Collects every table's skip reasons (bench/types.ts skippedTable and the suites' own). */
function skipsOf(tables: BenchTable[]): string[] {
  return tables.flatMap((t) => t.skipped ?? []);
}

/**
 * Runs the suites `names` in turn (each name checked by the caller), printing each suite's tables
 * as it ends (`print`) and progress on `log`; returns the document to write. The first SIGINT or
 * SIGTERM ends the process (exit 130 / 143) after undoing what the running suite registered.
 */
export async function runBench<E>(req: { names: string[]; quick: boolean; out: string; environment: E }, io: { log: (s: string) => void; print: (s: string) => void }, info: Record<string, SuiteInfo> = SUITES): Promise<BenchDoc<E>> {
  const { names, quick } = req;
  const suites: SuiteResult[] = [];
  const load0 = loadavg()[0]!;
  const stop = onInterrupt({
    onFirst: (s) => {
      const undone = undoAll();
      io.log(stoppedLine(s, req.out, suites.map((x) => x.name), undone));
      process.exit(SIGNAL_EXIT[s]);
    },
  });
  try {
    let took = 0;
    for (const [k, name] of names.entries()) {
      io.log(etaLine(names, k, quick, took, info));
      const s = info[name]!;
      const suite = await s.load();
      const t0 = performance.now();
      const tables = await suite.run({ quick, log: io.log });
      const seconds = Number(((performance.now() - t0) / 1000).toFixed(2));
      took += seconds;
      suites.push({ name, seconds, times: s.times, peer: s.peer, seed: s.seed, skipped: skipsOf(tables), tables });
      io.print(`== suite ${name} (${seconds} s${quick ? ', --quick' : ''})\n`);
      for (const t of tables) io.print(formatTable(t) + '\n');
      // a signal that came during the suite's synchronous end is handled here (the handler runs
      // only when the event loop turns), never after the results file was written
      await letSignalsIn();
    }
  } finally {
    stop.dispose();
  }
  const c = cpus();
  return {
    schema: BENCH_SCHEMA,
    quick,
    environment: req.environment,
    machine: {
      cpuModel: c[0]?.model.trim() ?? 'unknown',
      cores: c.length,
      memoryGB: Number((totalmem() / 2 ** 30).toFixed(1)),
      freeMemoryGB: Number((freemem() / 2 ** 30).toFixed(1)),
      loadAverage1m: { start: load0, end: loadavg()[0]! },
    },
    suites,
  };
}

/** The suites' lines for --help: what each times, its peer, its rough duration here. */
export function suitesHelp(info: Record<string, SuiteInfo> = SUITES): string {
  return Object.entries(info)
    .map(([n, s]) => `  ${n}: ${s.times}.\n      peer: ${s.peer}.\n      takes ${s.took}.`)
    .join('\n');
}
