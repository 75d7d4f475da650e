/**
 * Runs the experiments' training runs one after another: each run is `train` (gpu-runs/trainer.ts)
 * writing its trace file (written to a temporary name and renamed, trace.ts), with its series
 * kept in memory for the figures, progress with an overall ETA, and Ctrl-C stopping the current
 * run after a step (its trace gets its summary, marked interrupted) and no further run starting.
 */
import { join } from 'node:path';
import type { ExperimentRun } from '../../theory/results.ts';
import type { Backend } from '../backend.ts';
import { Rng } from '../rng.ts';
import { parseRule } from '../rules.ts';
import { TraceFileWriter, type StepRecord } from '../trace.ts';
import { train, type Method, type Sketch, type TrainResult } from '../trainer.ts';
import type { Workload } from '../workloads/types.ts';

export interface Progress {
  /** The run now training, and its place among all planned runs. */
  label: string;
  run: number;
  runs: number;
  t: number;
  steps: number;
  /** Share of the whole plan's estimated work done, 0..1, and the estimated time left. */
  fraction: number;
  etaMs: number | undefined;
}

export interface LabHooks {
  onProgress?(p: Progress): void;
  /** After each run (the CLI prints a line and saves experiments.json). */
  onRunDone?(run: ExperimentRun): void;
  shouldStop?(): boolean;
}

/** One planned run. */
export interface RunSpec {
  id: string;
  label: string;
  method: Method;
  rule: string;
  rank: number;
  /** Mini-batch size; undefined = full batch. */
  batch?: number;
  steps: number;
  epochs?: number;
  /** Full-data loss every this many steps (mini-batch). */
  fullJEvery?: number;
  linkSteps?: number;
  sketch?: Sketch;
  keepFinal?: boolean;
}

/** A run's records as series (the figures are built from these). */
export interface Recorded {
  t: number[];
  /** The loss the step saw: the batch loss in mini-batch runs, J in full-batch runs. */
  loss: number[];
  eta: number[];
  Vsq: number[];
  /** The norm of the recorded gradient (||grad J(V_t)|| for LoRA, ||grad L(W_t)|| for full). */
  grad: number[];
  fullT: number[];
  fullJ: number[];
}

export interface RunOutput {
  spec: RunSpec;
  run: ExperimentRun;
  rec: Recorded;
  result?: TrainResult;
  tracePath: string;
}

/** Relative cost of a run: rows touched (steps x rows per step, plus the full-loss evaluations). */
function cost(spec: RunSpec, N: number): number {
  const rows = spec.batch ?? N;
  const fulls = spec.batch !== undefined ? Math.ceil(spec.steps / (spec.fullJEvery ?? 1)) + 1 : 0;
  return spec.steps * rows * (spec.method === 'full' || spec.batch === undefined ? 1 : 1.1) + fulls * N * 0.4 + 2000;
}

export class Lab {
  readonly outputs: RunOutput[] = [];
  interrupted = false;
  private planned = 0;
  private plannedCost = 0;
  private doneCost = 0;
  private readonly t0 = performance.now();

  constructor(
    readonly backend: Backend,
    readonly seed: number,
    readonly traceDir: string,
    private readonly hooks: LabHooks,
  ) {}

  /** Announces runs still to come (for the overall ETA): `rows` is the training-set size they use. */
  plan(specs: readonly RunSpec[], rows: number): void {
    this.planned += specs.length;
    for (const s of specs) this.plannedCost += cost(s, rows);
  }

  /** Trains one run on `w` with the lab's seed; `finish` completes its entry (e.g. a test
   *  accuracy) before it is reported. Undefined once stopped (Ctrl-C). */
  async run(w: Workload, spec: RunSpec, finish?: (out: RunOutput) => void): Promise<RunOutput | undefined> {
    if (this.interrupted || this.hooks.shouldStop?.()) {
      this.interrupted = true;
      return undefined;
    }
    const rec: Recorded = { t: [], loss: [], eta: [], Vsq: [], grad: [], fullT: [], fullJ: [] };
    const tracePath = join(this.traceDir, `${spec.id}.jsonl`);
    const sink = new TraceFileWriter(tracePath);
    const myCost = cost(spec, w.N ?? 1);
    const index = this.outputs.length + 1;
    const started = performance.now();
    const onRecord = (r: StepRecord): void => {
      rec.t.push(r.t);
      rec.loss.push(r.batchJ ?? r.J);
      rec.eta.push(r.eta);
      rec.Vsq.push(r.Vsq);
      rec.grad.push(Math.sqrt(r.gradJsq));
      const full = spec.batch === undefined ? r.J : (r.fullJ ?? (spec.fullJEvery === undefined ? r.J : undefined));
      if (full !== undefined) {
        rec.fullT.push(r.t);
        rec.fullJ.push(full);
      }
      if (r.t % 25 === 0 || r.t === spec.steps) {
        const done = this.doneCost + (myCost * r.t) / Math.max(1, spec.steps);
        const fraction = done / Math.max(1, this.plannedCost);
        const elapsed = performance.now() - this.t0;
        this.hooks.onProgress?.({ label: spec.label, run: index, runs: this.planned, t: r.t, steps: spec.steps, fraction, etaMs: done > 0 ? (elapsed / done) * (this.plannedCost - done) : undefined });
      }
    };
    let result: TrainResult | undefined;
    try {
      result = await train(
        this.backend,
        w,
        new Rng(this.seed),
        {
          steps: spec.steps,
          rule: parseRule(spec.rule),
          rank: spec.rank,
          batch: spec.batch,
          init: 'paper',
          seed: this.seed,
          name: spec.label,
          method: spec.method,
          linkSteps: spec.linkSteps,
          sketch: spec.sketch,
          fullJEvery: spec.fullJEvery,
          keepFinal: spec.keepFinal,
        },
        sink,
        {
          onRecord,
          shouldStop: () => {
            if (this.hooks.shouldStop?.()) this.interrupted = true;
            return this.interrupted;
          },
        },
      );
      sink.close();
    } catch (e) {
      sink.abandon();
      throw e;
    }
    this.doneCost += myCost;
    const s = result.summary;
    const run: ExperimentRun = {
      id: spec.id,
      label: spec.label,
      method: spec.method,
      rule: spec.rule,
      rank: spec.rank,
      batch: spec.batch ?? 'full',
      ...(spec.epochs !== undefined ? { epochs: spec.epochs } : {}),
      steps: spec.steps,
      stepsDone: s.steps,
      seed: this.seed,
      trace: tracePath,
      seconds: (performance.now() - started) / 1000,
      finalJ: rec.fullJ.length ? rec.fullJ[rec.fullJ.length - 1]! : null,
      ...(s.diverged ? { diverged: true } : {}),
      ...(s.interrupted ? { interrupted: true } : {}),
    };
    const out: RunOutput = { spec, run, rec, result, tracePath };
    finish?.(out);
    this.outputs.push(out);
    this.hooks.onRunDone?.(run);
    return out;
  }

  /** Runs `specs` in order on `w` (the ones done before a stop), then disposes `w`. */
  async runAll(w: Workload, specs: readonly RunSpec[][], finish?: (out: RunOutput) => void): Promise<RunOutput[][]> {
    const out: RunOutput[][] = specs.map(() => []);
    try {
      for (const [k, group] of specs.entries())
        for (const s of group) {
          const o = await this.run(w, s, finish);
          if (o) out[k]!.push(o);
        }
    } finally {
      w.dispose();
    }
    return out;
  }

  /** Seconds since the lab started. */
  elapsedMs(): number {
    return performance.now() - this.t0;
  }
}
