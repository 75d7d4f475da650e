/**
 * What the benches of the direct webgpu steps (gpu-runs/direct-dawn.ts) need to check and time
 * one: the step driven as the trainer drives it (batches of `perSubmit` steps, the next batch
 * queued before each read-back where pipelined), its records unpacked in float64 as trainer.ts
 * unpack does, compared value by value with the trainer's, and every eta held against rule (8) on
 * its own recorded scalars (the trainer's checkEta). Used by bench/webgpu-softmax.ts and
 * bench/webgpu-direct.ts.
 */
import type { Backend } from '../gpu-runs/backend.ts';
import type { DirectBatch, DirectStep } from '../gpu-runs/direct-dawn.ts';
import { Rng } from '../gpu-runs/rng.ts';
import { parseRule, stepSize } from '../gpu-runs/rules.ts';
import { MemorySink, type StepRecord } from '../gpu-runs/trace.ts';
import { sumPartials } from '../gpu-runs/train-common.ts';
import { train } from '../gpu-runs/trainer.ts';
import type { Workload } from '../gpu-runs/workloads/types.ts';
import { runPeer, torchCuda, type PeerTiming, type TimingPlan } from './webgpu.ts';

const RECORD_FIELDS = ['J', 'Vsq', 'Gnorm', 'gradJsq', 'eta'] as const;

/** One record of a direct step as the trainer writes it: the partials summed in float64 (step.layout), the device's eta;
 *  a mini-batch step's J is the full-data loss and batchJ the batch's (every step evaluates the full loss here). */
function unpack(step: DirectStep, vals: Float32Array, t: number, time_ms: number): StepRecord {
  const { Jstep, Jfull: full, Vsq, Gnorm, gradJsq } = sumPartials(vals, 0, step.layout);
  return { type: 'step', t, J: full ?? Jstep, Vsq, Gnorm, gradJsq, eta: vals[step.etaIndex]!, time_ms, ...(full !== undefined ? { batchJ: Jstep } : {}) };
}

/** Runs `count` more steps (each followed by its update (3)), `perSubmit` a submit, and returns their records. */
export async function runDirect(step: DirectStep, count: number, perSubmit: number, pipelined = false): Promise<StepRecord[]> {
  const start = performance.now();
  const out: StepRecord[] = [];
  let submitted = 0;
  const next = (): DirectBatch => {
    const b = Math.min(perSubmit, count - submitted);
    submitted += b;
    return step.submit(b);
  };
  let cur: DirectBatch | undefined = next();
  while (cur) {
    // pipelined: the next batch is queued before this one's read-back (the GPU never waits for the host)
    const ahead: DirectBatch | undefined = pipelined && submitted < count ? next() : undefined;
    const recs = await step.read(cur);
    const time_ms = performance.now() - start;
    out.push(...recs.map((v, s) => unpack(step, v, cur!.t0 + s, time_ms)));
    cur = ahead ?? (submitted < count ? next() : undefined);
  }
  return out;
}

/** The first record whose eta exceeds rule (8) on its own float64 scalars (trainer.ts checkEta: the batch's in mini-batch runs), or undefined. */
function etaAboveRule(recs: StepRecord[], L: number): string | undefined {
  const rule = parseRule('theory');
  for (const x of recs) {
    const exact = stepSize(rule, null, { Vsq: x.Vsq, Gnorm: x.Gnorm, J: x.batchJ ?? x.J, gradJsq: x.gradJsq, L });
    if (!(x.eta <= exact)) return `t = ${x.t}: the direct eta ${x.eta} exceeds (8)'s ${exact}`;
  }
  return undefined;
}

/** Direct records against the trainer's: values compared, how many agree bit for bit, the largest relative difference. */
export interface RecordCheck {
  size: string;
  steps: number;
  maxRel: number;
  values: number;
  exact: number;
  worst: string;
  wrong?: string;
}

/**
 * The reference: the tfjs trainer's records (its direct path off) of t = 0..steps, rule (8), paper
 * init, on seed `seed` (the workload drawn first from the rng), mini-batches of `batch` rows where
 * given, and a check of `size` begun with them (already wrong where the trainer wrote another
 * number of records).
 */
export async function trainerReference(backend: Backend, make: (rng: Rng) => Workload, size: string, r: number, steps: number, seed: number, readEvery: number, batch?: number): Promise<{ ref: StepRecord[]; res: RecordCheck }> {
  const rng = new Rng(seed);
  const w = make(rng);
  const sink = new MemorySink();
  try {
    await train(backend, w, rng, { steps, rule: parseRule('theory'), rank: r, init: 'paper', seed, readEvery, readAfterMs: Infinity, direct: false, ...(batch !== undefined ? { batch } : {}) }, sink);
  } finally {
    w.dispose();
  }
  const ref = sink.lines.filter((l): l is StepRecord => l.type === 'step');
  const res: RecordCheck = { size, steps: ref.length, maxRel: 0, values: 0, exact: 0, worst: '-' };
  if (ref.length !== steps + 1) res.wrong = `the trainer wrote ${ref.length} records, expected ${steps + 1}`;
  return { ref, res };
}

/** Adds the comparison of `mine` with `ref` (the trainer's) to `res`; `tag` names the run in `worst`. Mini-batch
 *  records (the trainer's with batchJ) also compare batchJ. */
function compareRecords(res: RecordCheck, ref: StepRecord[], mine: StepRecord[], tag: string): void {
  if (mine.length !== ref.length) res.wrong ??= `direct${tag} gave ${mine.length} records, the trainer ${ref.length}`;
  for (let i = 0; i < Math.min(ref.length, mine.length); i++)
    for (const f of ref[i]!.batchJ === undefined ? RECORD_FIELDS : [...RECORD_FIELDS, 'batchJ' as const]) {
      const x = ref[i]![f] ?? NaN;
      const y = mine[i]![f] ?? NaN;
      const rel = x === y ? 0 : Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-30);
      res.values++;
      if (x === y) res.exact++;
      if (!(rel <= res.maxRel) && !Number.isNaN(res.maxRel)) {
        res.maxRel = Number.isNaN(rel) ? NaN : rel;
        res.worst = `${f} at t = ${i}${tag}: trainer ${x}, direct ${y}`;
      }
    }
}

/**
 * Runs a fresh direct step (`open`) both ways, its records read back after each batch and
 * pipelined (the next batch queued first), `perSubmit` steps a submit; adds the comparison with
 * the trainer's records `ref` and the eta check (rule (8) on each record's own scalars, with the
 * L `open` gives) to `res`, then holds the largest difference against `tol`.
 */
export async function checkBothWays(res: RecordCheck, ref: StepRecord[], open: () => Promise<{ step: DirectStep; L: number }>, steps: number, perSubmit: number, tol: number): Promise<RecordCheck> {
  for (const pipelined of [false, true]) {
    const { step, L } = await open();
    let mine: StepRecord[];
    try {
      mine = await runDirect(step, steps + 1, perSubmit, pipelined);
    } finally {
      step.destroy();
    }
    compareRecords(res, ref, mine, pipelined ? ' (pipelined)' : '');
    res.wrong ??= etaAboveRule(mine, L);
  }
  if (!(res.maxRel <= tol)) res.wrong ??= `max relative difference ${res.maxRel} > ${tol} (${res.worst})`;
  return res;
}

/** A direct step's timing: wall clock over the timed steps, read-backs included; `bad` names a wrong record. */
export interface DirectTiming {
  msPerStep: number;
  stepsPerSec: number;
  steps: number;
  J: number;
  bad?: string;
}

/**
 * The step `warmup`s as the timing plan asks (steps and wall time, in runs of two read-back
 * periods, pipelined), then each of `ways` (pipelined or not) times a window of at least
 * plan.minSteps and plan.minMs (from the warm-up's rate, whole periods of `perSubmit` steps).
 * Every timed record is held against rule (8) with `L` and checked finite.
 */
export async function timeDirect(step: DirectStep, plan: TimingPlan, perSubmit: number, L: number, ways: readonly boolean[]): Promise<DirectTiming[]> {
  const w0 = performance.now();
  let warmed = 0;
  while (warmed < plan.warmupSteps || performance.now() - w0 < plan.warmupMs) warmed += (await runDirect(step, 2 * perSubmit, perSubmit, true)).length;
  const rate = warmed / Math.max(performance.now() - w0, 1e-3);
  const count = perSubmit * Math.max(2, Math.ceil(Math.max(plan.minSteps, rate * plan.minMs) / perSubmit));
  const out: DirectTiming[] = [];
  for (const pipelined of ways) {
    const t0 = performance.now();
    const recs = await runDirect(step, count, perSubmit, pipelined);
    const ms = (performance.now() - t0) / recs.length;
    const bad = etaAboveRule(recs, L) ?? recs.map((x) => RECORD_FIELDS.find((f) => !Number.isFinite(x[f]))).find((f) => f !== undefined);
    out.push({ msPerStep: ms, stepsPerSec: 1000 / ms, steps: recs.length, J: recs[recs.length - 1]!.J, ...(bad ? { bad: `timed run${pipelined ? ' (pipelined)' : ''}: ${bad}` } : {}) });
  }
  return out;
}

/** PyTorch eager on CUDA (bench/peers/torch_cuda_lora.py with `args`), or why it did not run. */
function cudaEager(args: string[]): PeerTiming | { skipped: string } {
  const cuda = torchCuda();
  return 'skipped' in cuda ? cuda : runPeer(args, 'cuda', false);
}

/** A bench row's PyTorch eager column: the peer's timing, or why it did not run (never on a software adapter). */
export function eagerColumn(row: { eager?: PeerTiming; peerSkipped?: string }, software: boolean, args: string[], log: (s: string) => void): void {
  if (software) {
    row.peerSkipped = 'not run on a software adapter';
    return;
  }
  const eager = cudaEager(args);
  if ('skipped' in eager) row.peerSkipped = eager.skipped;
  else row.eager = eager;
  log(`  PyTorch eager: ${row.eager ? `${row.eager.stepsPerSec.toFixed(1)} steps/s` : row.peerSkipped}`);
}
