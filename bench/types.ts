/**
 * The benchmark registry's shapes: a suite produces tables; `loracheck bench` prints them
 * and writes them to results/bench.json. Also what a suite undoes when the run is stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
  /** What this table could not measure, and why (no adapter, no peer): printed and kept in the JSON. */
  skipped?: string[];
}

/** A table that measured nothing, with the reason. */
export function skippedTable(title: string, why: string, notes: string[] = []): BenchTable {
  return { title, columns: ['status'], rows: [['skipped']], skipped: [why], ...(notes.length ? { notes } : {}) };
}

/** What to undo if the run is stopped (Ctrl-C) while a suite runs: temporary folders, child processes. */
const stopHooks = new Set<() => void>();

/** Registers `undo` until the returned function is called (the suite finished that part itself). */
export function untilDone(undo: () => void): () => void {
  stopHooks.add(undo);
  return () => void stopHooks.delete(undo);
}

/** Runs every registered undo (the run was stopped); returns how many ran. */
export function undoAll(): number {
  const hooks = [...stopHooks];
  stopHooks.clear();
  for (const h of hooks) {
    try {
      h();
    } catch {
      // best effort: the process exits next
    }
  }
  return hooks.length;
}

/** Lets the event loop turn, so that a Ctrl-C that came during synchronous work is handled now
 *  (a signal handler runs only then). Long suites call it between their synchronous phases. */
export function letSignalsIn(): Promise<void> {
  return new Promise((r) => setTimeout(r, 10));
}

/** A temporary folder that is removed by `remove`, or when the run is stopped (never left in /tmp). */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const rm = () => rmSync(dir, { recursive: true, force: true });
  const done = untilDone(rm);
  return {
    dir,
    remove: () => {
      done();
      rm();
    },
  };
}

export interface BenchOptions {
  /** Seconds instead of minutes: fewer sizes / shorter timing windows. */
  quick: boolean;
  /** Progress lines (stderr). */
  log: (s: string) => void;
}

export interface BenchSuite {
  name: string;
  run(opts: BenchOptions): Promise<BenchTable[]>;
}

/** Times fn repeatedly for about `ms` milliseconds, after a warm-up of about ms/3 (so the JIT has
 *  compiled it); seconds per call. */
export function timeIt(fn: () => unknown, ms: number): { perCall: number; calls: number } {
  const warm = performance.now();
  do fn();
  while (performance.now() - warm < ms / 3);
  let calls = 0;
  const start = performance.now();
  let now = start;
  // batches grow so that the clock is read rarely for fast kernels
  for (let batch = 1; now - start < ms; batch = Math.min(batch * 2, 1 << 16)) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    now = performance.now();
  }
  return { perCall: (now - start) / 1000 / calls, calls };
}

/** A table cell's number: `d` significant digits (0 and non-finite values as they are). */
export function sig(x: number, d = 3): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(d));
}
