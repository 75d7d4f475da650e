/**
 * Trace files (README "Trace format"): JSON Lines, one object per line, each with a `type`:
 *
 *   {"type":"header", ...}        line 1: what ran (workload, sizes, L, L*, rule, seed, backend)
 *   {"type":"step", "t":0, ...}   one per iterate V_t, t = 0, 1, 2, ... (consecutive)
 *   {"type":"divergence", ...}    optional: the run produced a NaN/Inf at step t and stopped
 *   {"type":"summary", ...}       last line: steps done, final J, diverged, wall time
 *
 * A step record t holds the quantities at V_t and the eta_t that maps V_t to V_{t+1}
 * (V_{t+1} = V_t - eta_t grad J(V_t), the LoRA step (3)). For the other methods (header
 * `method`: asym, cola, rac, full; gpu-runs/methods.ts) the same fields hold each method's own
 * quantities (methods.ts says which), and rac / full records add HgradSq and gamma. A run of T steps has records
 * t = 0..T; the last record's eta is the one the rule would use next (not applied).
 * The file writer buffers lines and writes them to `<path>.partial-<pid>`, renamed to `path`
 * by `close` (after the summary): a killed run leaves that partial file, a truncated trace,
 * and never destroys an earlier trace at `path`.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs } from '../runtime/atomic.ts';

export const TRACE_FORMAT = 'loracheck-trace';
export const TRACE_SCHEMA = 1;

export interface TraceHeader {
  type: 'header';
  format: typeof TRACE_FORMAT;
  schema: number;
  /** Workload name (free text for traces written by other tools). */
  workload: string;
  /** Optional free-text run name. Kept verbatim; the report escapes it. */
  name?: string;
  /** Sizes of W = BA (for several matrices: the stacked M = BA of Sec. 3.2) and the rank. */
  m: number;
  n: number;
  r: number;
  /** Shapes of the individual weight matrices when there are several (Sec. 3.2, L36/M36). */
  matrices?: { m: number; n: number }[];
  /** Samples in the training set, and where they came from. */
  N?: number;
  data?: string;
  /** The smoothness constant the theory uses: max(L_loss, 1), times 2 for two matrices (Lemma 3.6). */
  L: number;
  /** Smoothness constant of the original loss itself (before max(., 1) and Lemma 3.6). */
  Lloss?: number;
  /** How Lloss was obtained ("exact", "certified upper bound ...", "estimated ..."). */
  Lmethod?: string;
  /** True when L is an estimate (mlp): verdicts resting on it are labelled "estimated". */
  Lestimated?: boolean;
  /** Lower bound L* of the loss (Assumption 3.2). */
  Lstar: number;
  /** Step rule: theory | adapt | adapt2 | norm | const:<lr> (other tools: any text). */
  rule: string;
  alpha?: number | null;
  /** "full" (gradient descent, what the theory covers) or the mini-batch size. */
  batch: 'full' | number;
  init?: string;
  sigma?: number;
  seed?: number;
  /** Planned number of steps. */
  steps?: number;
  backend?: string;
  backendDetail?: string;
  backendSkipped?: string[];
  /** dtype of the iterate V (B and A): float32, float64, float16 or bfloat16 (README, "Precision"). */
  dtype: string;
  /** dtype the recorded scalars (J and the norms) were accumulated in, when wider than `dtype`
   *  (loracheck's trainer: "float64", sums of float32 partials). Absent: the same as `dtype`. */
  scalarDtype?: string;
  /** dtype each summed term of those scalars was evaluated in, when it is `scalarDtype` too (a
   *  float32 model's loss and norms computed in float64 at the stored iterate). Absent: `dtype`. */
  termDtype?: string;
  versions?: Record<string, string>;
  created?: string;
  [extra: string]: unknown;
}

export interface StepRecord {
  type: 'step';
  t: number;
  /** J(V_t) = L(B_t A_t) = loss(W0 + B_t A_t), (6), on the full training set. */
  J: number;
  /** ||V_t||^2 = ||B_t||^2 + ||A_t||^2 (summed over all adapter pairs). */
  Vsq: number;
  /** ||G(V_t)|| = ||grad L(E1 V_t V_t^T E2)|| (product norm over matrices). */
  Gnorm: number;
  /** ||grad J(V_t)||^2 = ||grad_B||^2 + ||grad_A||^2, (7). */
  gradJsq: number;
  /** The step size eta_t used for V_t -> V_{t+1}. */
  eta: number;
  /** Milliseconds since the run started, when this record was taken. */
  time_ms: number;
  /** Mini-batch runs: the batch loss (Gnorm, gradJsq and eta are then batch quantities). */
  batchJ?: number;
  /** Estimated-L runs (mlp): the L used for eta_t at this step. */
  L?: number;
  /** Mini-batch runs with `fullJEvery` in the header: J is then the batch loss, and this is the
   *  loss on the whole training set, recorded at t = 0, k, 2k, ... and the last step. */
  fullJ?: number;
  /** ||W_t - W*||^2, W* the minimiser of the loss (the FPFT optimum), where it is known. */
  distSq?: number;
  /** J(V_{t+1}) - J(V_t) computed directly (header `decrease`), and a bound on its rounding error:
   *  L34 then compares dJ with -(eta_t/4) ||grad J||^2 at this resolution instead of J's. */
  dJ?: number;
  dJerr?: number;
  /** rac traces: ||H_t grad f(W_t)||^2 (right sketch: ||grad f(W_t) H_t||^2), the projected
   *  gradient of RAC-LoRA's step W_{t+1} = W_t - gamma_t H_t grad f(W_t). */
  HgradSq?: number;
  /** Step size of the method's own update (rac, full: W_{t+1} = W_t - gamma_t (H_t) grad f(W_t)). */
  gamma?: number;
}

export interface DivergenceRecord {
  type: 'divergence';
  t: number;
  /** e.g. "J is NaN", "||V||^2 is Infinity". */
  reason: string;
}

export interface SummaryRecord {
  type: 'summary';
  /** Steps taken (updates applied). */
  steps: number;
  /** J at the last finite record, or null when there was none. */
  finalJ: number | null;
  diverged: boolean;
  /** True when the run was stopped (Ctrl-C) before the planned number of steps. */
  interrupted?: boolean;
  /** True when the step in flight at the stop took longer than the grace (train-file.ts GRACE_MS)
   *  and was dropped: the summary was written from the records already in the file. */
  stepDropped?: boolean;
  wall_ms: number;
  /** Estimated-L runs: the largest estimate seen. */
  Lfinal?: number;
  [extra: string]: unknown;
}

export type TraceLine = TraceHeader | StepRecord | DivergenceRecord | SummaryRecord;

/** Where the trainer sends its lines (a file, or an array in tests). */
export interface TraceSink {
  write(line: TraceLine): void;
  close(): void;
}

/**
 * Writes a trace to a temporary file next to `path` and renames it to `path` on `close`.
 * Lines are buffered and written when 1 MB is pending or 2 s have passed since the last write,
 * so a long run makes few system calls and a killed one loses at most 2 s of records.
 */
export class TraceFileWriter implements TraceSink {
  /** Where the lines go until `close` renames it to `path`. */
  readonly partialPath: string;
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private lastWrite = performance.now();

  constructor(
    readonly path: string,
    private readonly limits: { bytes: number; ms: number } = { bytes: 1 << 20, ms: 2000 },
  ) {
    // a folder at `path` would fail only at the rename, after the whole run: refuse it now
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
      throw Object.assign(new Error('is a folder, not a file'), { code: 'EISDIR', syscall: 'open', path });
    makeDirs(dirname(path));
    this.partialPath = `${path}.partial-${process.pid}`;
    this.fd = openSync(this.partialPath, 'w');
  }

  write(line: TraceLine): void {
    if (this.fd === undefined) throw new Error(`trace ${this.path} is already closed`);
    const text = JSON.stringify(line) + '\n';
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pendingBytes >= this.limits.bytes || performance.now() - this.lastWrite >= this.limits.ms) this.flush();
  }

  /** Writes the buffered lines to the partial file. */
  flush(): void {
    if (this.fd === undefined || this.pending.length === 0) return;
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
    this.lastWrite = performance.now();
  }

  /** Flushes, syncs and renames the partial file to `path` (replacing an earlier trace only now). */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
    renameSync(this.partialPath, this.path);
  }

  /** Drops the partial file (a run that failed before producing anything worth keeping). */
  abandon(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.partialPath, { force: true });
  }
}

/** Collects lines in memory (tests, benchmarks). */
export class MemorySink implements TraceSink {
  readonly lines: TraceLine[] = [];
  write(line: TraceLine): void {
    this.lines.push(structuredClone(line));
  }
  close(): void {}
  /** The trace as JSON Lines text, exactly as the file writer would produce it. */
  text(): string {
    return this.lines.map((l) => JSON.stringify(l) + '\n').join('');
  }
}
