/**
 * Bench suite `search`:
 *  (a) time to a confirmed, shrunk counterexample for load-bearing hypotheses (A2.sym without
 *      `symmetric`; L34.s18.b, the "since L >= 1" line of (18), without `L_ge_1`; Lemma 3.4
 *      itself without `L_ge_1`, a hard pair for sampling), median over 5 seeds, with the
 *      shrunk sizes; the time is the whole search() call's (the answer is the lowest failing
 *      batch's, loop.ts, so a search returns once the batches below it are done). Peers:
 *      hand-written Hypothesis + numpy searches of the same cases (bench/peers/hypothesis_sym.py,
 *      bench/peers/hypothesis_l34.py; Debian's python3-hypothesis and python3-numpy), same
 *      5 seeds. Both are timed in process (our worker pool already started, their interpreter
 *      already loaded) and end to end (a fresh `loracheck search` process against a fresh python3);
 *  (b) throughput: cases/s of a true claim on 2 workers against 1 (target >= 1.7x);
 *  (c) tightness: the worst ratio found in a short run against a run ten times longer.
 * --quick: shorter budgets (seconds instead of minutes for (c)).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { claimById } from '../theory/index.ts';
import type { HypothesisName } from '../theory/claim.ts';
import { WorkerPool } from '../properties/index.ts';
import { HANDLER, search } from '../properties/index.ts';
import { tightenClaims } from '../properties/index.ts';
import { type BenchSuite, type BenchTable, scratchDir } from './types.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const PYTHON = '/usr/bin/python3';
const SEEDS = [1, 2, 3, 4, 5];

interface FirstCounterexample {
  claim: string;
  dropped: string;
  workers: number;
  /** Per seed: ms from the search call (pool already started) to the confirmed, shrunk witness. */
  ms: (number | null)[];
  medianMs: number | null;
  /** Per seed: wall ms of a fresh `node bin/loracheck.js search ...` process (start-up included). */
  cliMs?: (number | null)[];
  cliMedianMs?: number | null;
  sizes: (string | undefined)[];
  /** The shrunk inputs' entries (besides the loss), as printed. */
  witnesses: unknown[];
}

interface PeerResult {
  hypothesis?: string;
  numpy?: string;
  ms: (number | null)[];
  medianMs: number | null;
  /** Wall ms of the whole python3 process per seed (interpreter and imports included). */
  processMs: (number | null)[];
  processMedianMs: number | null;
  sizes: string[];
  skipped?: string;
}

interface SearchBenchResult {
  quick: boolean;
  first: FirstCounterexample[];
  peer: PeerResult;
  /** Our median over the peer's median (< 1: we are faster), in process and end to end. */
  ratioInProcess?: number;
  ratioEndToEnd?: number;
  /** The peer of L34 without `L_ge_1` (bench/peers/hypothesis_l34.py) and the ratios against it. */
  peerL34?: PeerResult;
  ratioL34InProcess?: number;
  ratioL34EndToEnd?: number;
  /** L34 without `L_ge_1`: every seed found, median <= 1 s, every witness m = n = r = 1. */
  targetL34?: { allFound: boolean; medianOk: boolean; allMinimal: boolean };
  /** Medians over alternating rounds; the 1-minute load average at the end (other processes share the cores). */
  throughput: { claim: string; seconds: number; rounds: number; oneWorker: number; twoWorkers: number; speedup: number; machineSpeedup: number; loadAverage: number };
  tightness: { claim: string; shortSeconds: number; longSeconds: number; short: number; long: number; shortCertified?: string; longCertified?: string; gapPercent: number }[];
}

function median(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const h = Math.floor(v.length / 2);
  return v.length % 2 ? v[h]! : (v[h - 1]! + v[h]!) / 2;
}

function entriesOf(input: unknown): unknown {
  if (!input || typeof input !== 'object') return input;
  const { loss: _loss, ...rest } = input as Record<string, unknown>;
  return rest;
}

async function timeToFirst(pool: WorkerPool, claimId: string, dropped: HypothesisName, budget: number, cli: boolean, log: (s: string) => void): Promise<FirstCounterexample> {
  const claim = claimById(claimId);
  if (!claim) throw new Error(`bench: no claim ${claimId}`);
  const out: FirstCounterexample = { claim: claimId, dropped, workers: pool.size, ms: [], medianMs: null, sizes: [], witnesses: [] };
  for (const seed of SEEDS) {
    const t0 = performance.now();
    const r = await search({ claim, dropped: [dropped], seconds: budget, workers: pool.size, seed, pool });
    const wall = performance.now() - t0;
    const ok = r.found?.witness.confirmedIn !== undefined && r.found.witness.shrunk;
    out.ms.push(ok ? wall : null);
    out.sizes.push(r.found?.witness.sizes);
    out.witnesses.push(entriesOf(r.found?.witness.input));
    log(`  ${claimId} without ${dropped}, seed ${seed}: ${ok ? `${wall.toFixed(0)} ms, ${r.found!.witness.sizes}, found by ${r.found!.witness.path ? 'sampling' : 'ascent'}, ${JSON.stringify(entriesOf(r.found!.witness.input))}` : 'none'}`);
  }
  out.medianMs = median(out.ms);
  if (cli) {
    const { dir: results, remove } = scratchDir('loracheck-bench-');
    out.cliMs = [];
    try {
      for (const seed of SEEDS) {
        const t0 = performance.now();
        const p = spawnSync(
          process.execPath,
          ['bin/loracheck.js', 'search', '--claim', claimId, '--drop', dropped, '--seconds', String(budget), '--workers', String(pool.size), '--seed', String(seed), '--json', '--no-corpus', '--results', results],
          { cwd: ROOT, encoding: 'utf8', timeout: (budget + 60) * 1000 },
        );
        const ms = performance.now() - t0;
        let ok = false;
        try {
          ok = JSON.parse(p.stdout).counterexample?.confirmedIn !== undefined;
        } catch {
          ok = false;
        }
        out.cliMs.push(ok ? ms : null);
        log(`  ${claimId} without ${dropped}, seed ${seed}, whole CLI process: ${ok ? `${ms.toFixed(0)} ms` : 'none'}`);
      }
    } finally {
      remove();
    }
    out.cliMedianMs = median(out.cliMs);
  }
  return out;
}

function peer(name: string, log: (s: string) => void): PeerResult {
  const script = join(HERE, 'peers', name);
  const empty: PeerResult = { ms: [], medianMs: null, processMs: [], processMedianMs: null, sizes: [] };
  if (!existsSync(PYTHON)) return { ...empty, skipped: `${PYTHON} not found` };
  const res: PeerResult = { ...empty };
  for (const seed of SEEDS) {
    const t0 = performance.now();
    const p = spawnSync(PYTHON, [script, String(seed)], { encoding: 'utf8', timeout: 300_000 });
    const wall = performance.now() - t0;
    if (p.status !== 0) return { ...empty, skipped: `peer failed: ${(p.stderr || p.error?.message || '').split('\n').filter(Boolean).pop() ?? 'exit ' + p.status}` };
    const doc = JSON.parse(p.stdout) as { skipped?: string; hypothesis: string; numpy: string; runs: { found: boolean; seconds: number; m: number; n: number; r?: number }[] };
    if (doc.skipped) return { ...empty, skipped: doc.skipped };
    const run = doc.runs[0]!;
    res.hypothesis = doc.hypothesis;
    res.numpy = doc.numpy;
    res.ms.push(run.found ? run.seconds * 1000 : null);
    res.processMs.push(run.found ? wall : null);
    const sizes = `m=${run.m}, n=${run.n}${run.r !== undefined ? `, r=${run.r}` : ''}`;
    res.sizes.push(sizes);
    log(`  peer ${name} (Hypothesis ${doc.hypothesis} + numpy ${doc.numpy}), seed ${seed}: ${run.found ? `${(run.seconds * 1000).toFixed(0)} ms in process, ${wall.toFixed(0)} ms whole process, ${sizes}` : 'none'}`);
  }
  res.medianMs = median(res.ms);
  res.processMedianMs = median(res.processMs);
  return res;
}

async function throughput(seconds: number, rounds: number, log: (s: string) => void): Promise<SearchBenchResult['throughput']> {
  const claim = claimById('A2.sym')!;
  const pools = new Map<number, WorkerPool>([1, 2].map((W) => [W, new WorkerPool({ workers: W, handler: HANDLER })]));
  const rates = new Map<number, number[]>([
    [1, []],
    [2, []],
  ]);
  try {
    for (const [W, pool] of pools) {
      await pool.started();
      await search({ claim, seconds: 0.5, workers: W, seed: 77, pool }); // JIT warm-up, not measured
    }
    // alternate 1 and 2 workers, so that a change in the machine's load hits both alike
    for (let round = 0; round < rounds; round++)
      for (const [W, pool] of pools) {
        const r = await search({ claim, seconds, workers: W, seed: 7 + round, pool });
        rates.get(W)!.push(r.casesPerSecond);
        log(`  A2.sym, ${W} worker${W === 1 ? '' : 's'}, round ${round + 1}: ${r.cases} cases in ${(r.timeMs / 1000).toFixed(1)} s = ${r.casesPerSecond.toFixed(0)} cases/s`);
      }
  } finally {
    for (const p of pools.values()) await p.close();
  }
  const one = median(rates.get(1)!)!;
  const two = median(rates.get(2)!)!;
  const machine = await machineSpeedup(Math.min(seconds, 2), log);
  return { claim: 'A2.sym', seconds, rounds, oneWorker: one, twoWorkers: two, speedup: two / one, machineSpeedup: machine, loadAverage: loadavg()[0]! };
}

/** What the machine itself gives two threads now: a plain arithmetic loop in 1 and 2 worker
 *  threads (other processes may hold a core; then no search can scale either). Measured after
 *  the search rounds, so it describes the load then, not during them. */
async function machineSpeedup(seconds: number, log: (s: string) => void): Promise<number> {
  const code = `const { parentPort, workerData } = require('node:worker_threads');
    const t0 = Date.now(); let n = 0, x = 0;
    while (Date.now() - t0 < workerData) { for (let i = 0; i < 1e5; i++) x += Math.sqrt(i); n++; }
    parentPort.postMessage(n + (x < 0 ? 1 : 0));`;
  const run = (W: number) =>
    Promise.all(
      Array.from({ length: W }, () => new Promise<number>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: seconds * 1000 });
        w.once('message', (n: number) => {
          resolve(n);
          void w.terminate();
        });
        w.once('error', reject);
      })),
    ).then((ns) => ns.reduce((a, b) => a + b, 0));
  const one = median([await run(1), await run(1)])!;
  const two = median([await run(2), await run(2)])!;
  log(`  plain arithmetic loop: 2 threads do ${(two / one).toFixed(2)}x the work of 1 on this machine now`);
  return two / one;
}

async function tightness(ids: string[], short: number, long: number, log: (s: string) => void): Promise<SearchBenchResult['tightness']> {
  const out: SearchBenchResult['tightness'] = [];
  const pool = new WorkerPool({ workers: 2, handler: HANDLER });
  try {
    for (const [k, id] of ids.entries()) {
      const claim = claimById(id)!;
      const end = new Date(Date.now() + (ids.length - k) * (short + long) * 1000);
      log(`  ${id}: a ${short} s run, then a ${long} s run (this part ends about ${end.toTimeString().slice(0, 5)})`);
      const a = (await tightenClaims({ claims: [claim], seconds: short, seed: 1, pool: () => pool })).rows[0]!;
      const b = (await tightenClaims({ claims: [claim], seconds: long, seed: 2, pool: () => pool })).rows[0]!;
      // the claim's constant as found (the quantity tighten maximises; the side ratio for proof lines)
      const val = (r: typeof a) => r.constant?.found ?? r.worstRatio ?? Number.NaN;
      const gap = (100 * Math.abs(val(b) - val(a))) / Math.abs(val(b));
      out.push({
        claim: id,
        shortSeconds: short,
        longSeconds: long,
        short: val(a),
        long: val(b),
        ...(a.constant?.certified ?? a.worstRatioCertified ? { shortCertified: (a.constant?.certified ?? a.worstRatioCertified)! } : {}),
        ...(b.constant?.certified ?? b.worstRatioCertified ? { longCertified: (b.constant?.certified ?? b.worstRatioCertified)! } : {}),
        gapPercent: gap,
      });
      log(`  ${id}: ${short} s -> ${val(a).toPrecision(8)}, ${long} s -> ${val(b).toPrecision(8)} (gap ${gap.toFixed(3)} %)`);
    }
  } finally {
    await pool.close();
  }
  return out;
}

async function runSearchBench(opts: { quick?: boolean; log?: (line: string) => void } = {}): Promise<SearchBenchResult> {
  const quick = opts.quick ?? false;
  const log = opts.log ?? (() => {});
  const pool = new WorkerPool({ workers: 2, handler: HANDLER });
  let first: FirstCounterexample[];
  try {
    await pool.started();
    log('(a) time to the first confirmed counterexample (2 workers, 5 seeds)');
    first = [
      await timeToFirst(pool, 'A2.sym', 'symmetric', 30, true, log),
      await timeToFirst(pool, 'L34.s18.b', 'L_ge_1', 30, !quick, log),
      await timeToFirst(pool, 'L34', 'L_ge_1', 30, true, log),
    ];
  } finally {
    await pool.close();
  }
  const p = peer('hypothesis_sym.py', log);
  const pL34 = peer('hypothesis_l34.py', log);
  const ours = first[0]!;
  const l34 = first[2]!;
  const result: SearchBenchResult = {
    quick,
    first,
    peer: p,
    throughput: await (async () => {
      log('(b) throughput, 1 worker against 2');
      return throughput(quick ? 2 : 5, 3, log);
    })(),
    tightness: await (async () => {
      log('(c) tightness: a short run against one ten times longer');
      return quick ? tightness(['GV.step', 'L36', 'T10'], 3, 30, log) : tightness(['GV.step', 'L36', 'T10'], 60, 600, log);
    })(),
  };
  if (ours.medianMs !== null && p.medianMs) result.ratioInProcess = ours.medianMs / p.medianMs;
  if (ours.cliMedianMs && p.processMedianMs) result.ratioEndToEnd = ours.cliMedianMs / p.processMedianMs;
  result.peerL34 = pL34;
  if (l34.medianMs !== null && pL34.medianMs) result.ratioL34InProcess = l34.medianMs / pL34.medianMs;
  if (l34.cliMedianMs && pL34.processMedianMs) result.ratioL34EndToEnd = l34.cliMedianMs / pL34.processMedianMs;
  result.targetL34 = {
    allFound: l34.ms.every((x) => x !== null),
    medianOk: l34.medianMs !== null && l34.medianMs <= 1000,
    allMinimal: l34.sizes.every((s) => s === 'm=1, n=1, r=1'),
  };
  return result;
}

/** Seconds as a number in the table and the JSON (2 decimals), '-' for a seed that found none. */
const fmtMs = (x: number | null | undefined): number | string => (x === null || x === undefined ? '-' : Number((x / 1000).toFixed(2)));

/** The result as the tables `loracheck bench` prints. */
function searchTables(r: SearchBenchResult): BenchTable[] {
  const a: BenchTable = {
    title: 'search (a): time to the first confirmed, shrunk counterexample (s), 2 workers',
    columns: ['case', 'seed 1', 'seed 2', 'seed 3', 'seed 4', 'seed 5', 'median', 'shrunk sizes'],
    rows: [],
    notes: [],
  };
  for (const f of r.first) {
    a.rows.push([`${f.claim} without ${f.dropped} (search, pool started)`, ...f.ms.map(fmtMs), fmtMs(f.medianMs), [...new Set(f.sizes.map(String))].join(' | ')]);
    if (f.cliMs) a.rows.push([`${f.claim} without ${f.dropped} (whole CLI process)`, ...f.cliMs.map(fmtMs), fmtMs(f.cliMedianMs), '']);
  }
  a.skipped = [];
  if (r.peer.skipped) a.skipped.push(`A2.sym peer: ${r.peer.skipped}`);
  else {
    a.rows.push([`peer: Hypothesis ${r.peer.hypothesis} + numpy ${r.peer.numpy}, A2.sym case (in process)`, ...r.peer.ms.map(fmtMs), fmtMs(r.peer.medianMs), [...new Set(r.peer.sizes)].join(' | ')]);
    a.rows.push(['peer (whole python3 process)', ...r.peer.processMs.map(fmtMs), fmtMs(r.peer.processMedianMs), '']);
  }
  a.notes!.push('ours / peer: our median time over the peer\'s, each over the seeds that found one (a "-" seed found none in its budget); below 1: loracheck faster');
  if (r.ratioInProcess !== undefined) a.notes!.push(`A2.sym: ours / peer, medians in process: ${r.ratioInProcess.toFixed(2)}`);
  if (r.ratioEndToEnd !== undefined) a.notes!.push(`A2.sym: ours / peer, medians of whole processes: ${r.ratioEndToEnd.toFixed(2)}`);
  const pl = r.peerL34;
  if (pl?.skipped) a.skipped.push(`L34 peer: ${pl.skipped}`);
  else if (pl) {
    a.rows.push([`peer: Hypothesis ${pl.hypothesis} + numpy ${pl.numpy}, L34 without L_ge_1 (in process)`, ...pl.ms.map(fmtMs), fmtMs(pl.medianMs), [...new Set(pl.sizes)].join(' | ')]);
    a.rows.push(['peer (whole python3 process)', ...pl.processMs.map(fmtMs), fmtMs(pl.processMedianMs), '']);
  }
  if (r.ratioL34InProcess !== undefined) a.notes!.push(`L34 without L_ge_1: ours / peer, medians in process: ${r.ratioL34InProcess.toFixed(2)}`);
  if (r.ratioL34EndToEnd !== undefined) a.notes!.push(`L34 without L_ge_1: ours / peer, medians of whole processes: ${r.ratioL34EndToEnd.toFixed(2)}`);
  if (r.targetL34)
    a.notes!.push(
      `L34 without L_ge_1, target (5 of 5 found, median <= 1 s in process, every witness m = n = r = 1): found ${r.targetL34.allFound ? 'yes' : 'NO'}, median ${r.targetL34.medianOk ? 'yes' : 'NO'}, minimal ${r.targetL34.allMinimal ? 'yes' : 'NO'}`,
    );
  a.notes!.push('target A2.sym: median <= 2 s; the peers confirm in float64 with a tolerance, loracheck in exact arithmetic');
  const t = r.throughput;
  const b: BenchTable = {
    title: `search (b): throughput on ${t.claim} (true claim, exact), median of ${t.rounds} alternating rounds of ${t.seconds} s`,
    columns: ['workers', 'cases/s'],
    rows: [
      [1, Math.round(t.oneWorker)],
      [2, Math.round(t.twoWorkers)],
    ],
    notes: [
      `speedup ${t.speedup.toFixed(2)}x (target >= 1.7x); 1-minute load average ${t.loadAverage.toFixed(1)} on ${availableParallelism()} cores`,
      `a plain arithmetic loop got ${t.machineSpeedup.toFixed(2)}x from 2 threads on this machine right after these rounds (what the machine gave then; the load can change between the two)${t.speedup > t.machineSpeedup * 1.1 ? ': the search scaled better than that loop, so the load changed meanwhile and one of the two speedups is load, not scaling' : ''}`,
    ],
  };
  const c: BenchTable = {
    title: "search (c): tightness, the constant found (the claim's worst quantity) in a short run against a run ten times longer (2 workers)",
    columns: ['claim', 'short (s)', 'found (short)', 'long (s)', 'found (long)', 'gap %', 'certified (long)'],
    rows: r.tightness.map((x) => [x.claim, x.shortSeconds, x.short.toPrecision(10), x.longSeconds, x.long.toPrecision(10), Number(x.gapPercent.toFixed(3)), x.longCertified ?? '-']),
    notes: [`target: the short run within 2% of the long one (gap % = |long - short| / |long|; ${r.quick ? '--quick: 3 s against 30 s; the target is stated for 60 s against 10 min (run without --quick)' : '60 s against 10 min'})`],
  };
  return [a, b, c];
}

export const suite: BenchSuite = {
  name: 'search',
  async run(opts) {
    return searchTables(await runSearchBench({ quick: opts.quick, log: opts.log }));
  },
};

// Run directly: `npx tsx bench/search.ts [--quick]`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const r = await runSearchBench({ quick, log: (l) => console.error(l) });
  console.log(JSON.stringify(r, null, 2));
}
