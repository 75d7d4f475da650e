/**
 * The benchmark registry's shapes: a suite produces tables; `loracheck bench` prints them
 * and writes them to results/bench.json.
 */
export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
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
