/**
 * Bench suite `webgpu-softmax`: the trainer's LoRA step on softmax regression (Fashion-MNIST
 * sized: N = 60000 rows of n = 784 pixels, 10 classes, r = 8; rule (8), full batch, paper init),
 * dispatched straight on Dawn's GPUDevice (gpu-runs/direct-softmax.ts) against the same step
 * through tfjs (the trainer with LORACHECK_WEBGPU_DIRECT off: the same WGSL,
 * gpu-runs/workloads/softmax-webgpu.ts) and PyTorch eager on the same GPU
 * (bench/peers/torch_cuda_lora.py --workload softmax). Fashion-MNIST when installed, else seeded
 * synthetic images of that shape (the same work). Mini-batches too (`train --batch B`: the batch's
 * rows read through their indices, uploaded once per submit; the full-data loss every step, the
 * trainer's default), against the trainer's tfjs path with the same batches and PyTorch eager with
 * `--batch` (the same sampling scheme: a seeded permutation per epoch, consecutive batches).
 *
 * CORRECTNESS first: the direct records of t = 0..CHECK_STEPS (the step run both ways: read back
 * after each batch, and pipelined) are compared with the tfjs trainer's on the same seed and data;
 * a difference beyond CHECK_TOL (relative), or a direct eta above rule (8) evaluated in float64 on
 * its recorded scalars (the trainer's checkEta), makes the size's rows say "wrong", and its time is
 * not a result.
 * COUNTS on any adapter (software included): GPU dispatches, submits and host read-backs per step
 * of the tfjs path (custom kernels on, and off: tfjs ops only) and of the direct step.
 * TIMES only on a HARDWARE adapter; LORACHECK_BENCH_GPU_SOFTWARE=1 runs the timing code on a
 * software adapter (SwiftShader) at toy sizes, no peer: a plumbing check that measures nothing of
 * a GPU. Without an adapter, or with only a software one and no flag: a skip line saying why.
 */
import type { Backend } from '../gpu-runs/backend.ts';
import type { Dataset } from '../gpu-runs/data/dataset.ts';
import { fmnistAvailable, loadFashionMNIST } from '../gpu-runs/data/fmnist.ts';
import { directTotals, webgpuDevice, type DirectStep } from '../gpu-runs/direct-dawn.ts';
import { makeSoftmaxDirect } from '../gpu-runs/direct-softmax.ts';
import { Rng } from '../gpu-runs/rng.ts';
import { parseRule } from '../gpu-runs/rules.ts';
import { MemorySink } from '../gpu-runs/trace.ts';
import { batchIndices, DEFAULT_READ_EVERY } from '../gpu-runs/train-common.ts';
import { train, type TrainConfig } from '../gpu-runs/trainer.ts';
import { logregWorkload } from '../gpu-runs/workloads/softmax.ts';
import { checkBothWays, eagerColumn, runDirect, timeDirect, trainerReference, type DirectTiming, type RecordCheck } from './direct-check.ts';
import { type BenchOptions, type BenchSuite, type BenchTable, sig, skippedTable } from './types.ts';
import { GPU_PLAN, TIMED_COLUMN, TIMED_NOTE, openWebgpu, peerPlanArgs, syntheticImages, timedText, timeWorkload, type PeerTiming, type StepTiming, type TimingPlan } from './webgpu.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type GPUDevice = any;

const READ_EVERY = DEFAULT_READ_EVERY;
/** Steps compared (t = 0..CHECK_STEPS): past one read-back batch, so that both halves of the record slots are used. */
const CHECK_STEPS = 40;
/** Relative agreement asked of the direct records: the same float32 kernels in the same order (on SwiftShader they agree
 *  bit for bit, gpu-runs/direct-softmax.test.ts); a driver may still contract a * b + c differently in the rebuilt
 *  shaders, about 1e-7 an operation, compounding over the steps. A 0.1% change of eta is caught (bench/webgpu-softmax.test.ts). */
const CHECK_TOL = 1e-5;
const SEED = 1;
/** On a software adapter: a plumbing check over a few read-back periods of 4 steps, no clock. */
const SOFTWARE_PLAN: TimingPlan = { warmupSteps: 8, warmupMs: 0, minSteps: 8, minMs: 0, maxSteps: 40 };

/** The first N rows of Fashion-MNIST's training set, or seeded synthetic images of that shape. */
function images(N: number): Dataset {
  return fmnistAvailable() ? loadFashionMNIST({ limit: N }) : syntheticImages(N, 784, 7);
}

interface Inputs {
  X: Float32Array;
  Y: Float32Array;
  W0: Float32Array;
  A0: Float32Array;
  /** The theory's constant max(L, 1), and the loss's own L (the peer's --L). */
  L: number;
  Lloss: number;
  /** The run's rng after A0: where the trainer draws its mini-batch order. */
  rng: Rng;
}

/** What the trainer sees on seed SEED (train(): the workload draws W0, then A ~ N(0, 1/n) from the same rng, then the batches). */
async function inputs(backend: Backend, d: Dataset, r: number): Promise<Inputs> {
  const rng = new Rng(SEED);
  const w = logregWorkload(backend.tf, d.name, d, rng);
  try {
    const A0 = Float32Array.from(rng.gaussian(r * d.n, 1 / Math.sqrt(d.n)));
    const W0 = (await w.W0[0]!.data()) as Float32Array;
    const Y = new Float32Array(d.N * d.classes);
    d.y.forEach((c, i) => (Y[i * d.classes + c] = 1));
    return { X: d.X, Y, W0, A0, L: Math.max(w.Lloss!, 1), Lloss: w.Lloss!, rng };
  } finally {
    w.dispose();
  }
}

/** How a check perturbs the direct step, to see it fail: eta's numerator scaled, a batch's rows changed. */
interface Perturb {
  numScale?: number;
  rows?: (idx: Int32Array) => Int32Array;
}

/** The direct step on the inputs the trainer sees, READ_EVERY steps a submit at most; with `batch`, the trainer's
 *  mini-batch order (the full-data loss every step, the trainer's default). */
function direct(device: GPUDevice, d: Dataset, inp: Inputs, r: number, perturb: Perturb = {}, batch?: number): Promise<DirectStep> {
  const next = batch === undefined ? undefined : batchIndices(d.N, inp.rng, batch);
  const rows = perturb.rows ?? ((idx: Int32Array) => idx);
  return makeSoftmaxDirect(device, {
    N: d.N, n: d.n, C: d.classes, r, X: inp.X, Y: inp.Y, W0: inp.W0, B0: new Float32Array(d.classes * r), A0: inp.A0,
    rule: parseRule('theory'), alpha: null, L: inp.L, maxBatch: READ_EVERY, ...(perturb.numScale !== undefined ? { numScale: perturb.numScale } : {}),
    ...(next ? { batch: { size: batch!, next: () => rows(next()), fullAt: () => true } } : {}),
  });
}

/**
 * The direct records against the tfjs trainer's (t = 0..steps, read back after each batch and
 * pipelined), and every direct eta against (8) in float64 (on the batch's scalars in mini-batch
 * runs). numScale scales the direct eta's numerator: 1 is the trainer's step; the tests pass
 * another value to see the check fail. With `batch`: mini-batches of that many rows, the trainer's
 * order; perturb.rows changes the direct step's rows (the tests again).
 */
export async function checkSoftmax(backend: Backend, d: Dataset, r: number, steps = CHECK_STEPS, numScale = 1, batch?: number, perturb: Pick<Perturb, 'rows'> = {}): Promise<RecordCheck> {
  const size = `${d.N} x ${d.n}, ${d.classes} classes, r = ${r}${batch === undefined ? '' : `, batch ${batch}`}`;
  const device = webgpuDevice(backend.tf);
  const { ref, res } = await trainerReference(backend, (rng) => logregWorkload(backend.tf, d.name, d, rng), size, r, steps, SEED, READ_EVERY, batch);
  // (the inputs again for each run: the batch order starts over)
  const open = async () => {
    const inp = await inputs(backend, d, r);
    return { step: await direct(device, d, inp, r, { ...perturb, numScale }, batch), L: inp.L };
  };
  return checkBothWays(res, ref, open, steps, READ_EVERY, CHECK_TOL);
}

/** Per step: GPU dispatches, queue submits, host read-backs, host writes inside the run (the direct path's
 *  mini-batch indices) and tfjs kernels (the tfjs path). */
interface Counts {
  path: string;
  dispatches: number;
  submits: number;
  reads: number;
  writes?: number;
  kernels?: number;
}

/**
 * Counts per step of the trainer's tfjs path (custom kernels on, and off) and of the direct step,
 * full batch; then of the trainer itself on its three paths with mini-batches of `batch` rows:
 * (counts of a 2K-step run - counts of a K-step run) / K with K = the read-back period, so that
 * set-up cancels. tfjs submits a command buffer per dispatch or per batch of them (its own
 * policy): its submits are not counted, its dispatches are.
 */
async function countSoftmax(backend: Backend, d: Dataset, r: number, K = READ_EVERY, batch?: number): Promise<Counts[]> {
  const tf = backend.tf;
  const gpu = tf.backend() as unknown as { recordAndSubmit: (...a: unknown[]) => unknown; read: (...a: unknown[]) => Promise<unknown> };
  const seen = { dispatches: 0, reads: 0 };
  const origDispatch = gpu.recordAndSubmit;
  const origRead = gpu.read;
  gpu.recordAndSubmit = function (...a: unknown[]) {
    seen.dispatches++;
    return origDispatch.apply(this, a);
  };
  gpu.read = function (...a: unknown[]) {
    seen.reads++;
    return origRead.apply(this, a);
  };
  // one trainer run: tfjs' dispatches and reads, the direct path's own (gpu-runs/direct-dawn.ts directTotals)
  const trainer = async (steps: number, cfg: Partial<TrainConfig>) => {
    const before = { ...seen };
    const dBefore = { ...directTotals };
    const rng = new Rng(SEED);
    const w = logregWorkload(tf, d.name, d, rng);
    const sink = new MemorySink();
    try {
      const prof = await tf.profile(async () => {
        await train(backend, w, rng, { steps, rule: parseRule('theory'), rank: r, init: 'paper', seed: SEED, readEvery: K, readAfterMs: Infinity, ...cfg }, sink);
      });
      const dd = (k: keyof typeof directTotals) => directTotals[k] - dBefore[k];
      return {
        dispatches: seen.dispatches - before.dispatches + dd('dispatches'),
        reads: seen.reads - before.reads + dd('reads'),
        submits: dd('submits'),
        writes: dd('writes'),
        kernels: prof.kernels.length,
        direct: (sink.lines[0] as { kernels?: string }).kernels === 'direct',
      };
    } finally {
      w.dispose();
    }
  };
  const perStep = async (path: string, cfg: Partial<TrainConfig>, kernelsOff: boolean): Promise<Counts> => {
    const saved = process.env.LORACHECK_WEBGPU_KERNELS;
    if (kernelsOff) process.env.LORACHECK_WEBGPU_KERNELS = '0';
    try {
      const a = await trainer(K, cfg);
      const b = await trainer(2 * K, cfg);
      const per = (k: 'dispatches' | 'reads' | 'submits' | 'writes' | 'kernels') => (b[k] - a[k]) / K;
      return {
        path: cfg.direct === false || b.direct ? path : `${path}: NOT on the direct path`,
        dispatches: per('dispatches'),
        submits: b.direct ? per('submits') : NaN,
        reads: per('reads'),
        ...(b.direct ? { writes: per('writes') } : {}),
        kernels: per('kernels'),
      };
    } finally {
      if (saved === undefined) delete process.env.LORACHECK_WEBGPU_KERNELS;
      else process.env.LORACHECK_WEBGPU_KERNELS = saved;
    }
  };
  const out: Counts[] = [];
  const mini = batch === undefined ? {} : { batch };
  try {
    out.push(await perStep('trainer, tfjs path (LORACHECK_WEBGPU_DIRECT=0)', { direct: false }, false));
    out.push(await perStep('trainer, tfjs ops only (LORACHECK_WEBGPU_KERNELS=0)', { direct: false }, true));
    if (batch !== undefined) {
      out.push(await perStep(`trainer --batch ${batch}, direct path (train's default on webgpu)`, mini, false));
      out.push(await perStep(`trainer --batch ${batch}, tfjs path (LORACHECK_WEBGPU_DIRECT=0)`, { ...mini, direct: false }, false));
      out.push(await perStep(`trainer --batch ${batch}, tfjs ops only (LORACHECK_WEBGPU_KERNELS=0)`, { ...mini, direct: false }, true));
    }
  } finally {
    gpu.recordAndSubmit = origDispatch;
    gpu.read = origRead;
  }
  const inp = await inputs(backend, d, r);
  const step = await direct(webgpuDevice(tf), d, inp, r);
  try {
    await runDirect(step, K, K, true);
    const a = { ...step.counts };
    await runDirect(step, K, K, true);
    const c = step.counts;
    out.splice(2, 0, { path: `direct step (train's default on webgpu), ${K} steps a submit`, dispatches: (c.dispatches - a.dispatches) / K, submits: (c.submits - a.submits) / K, reads: (c.reads - a.reads) / K, writes: (c.writes - a.writes) / K });
  } finally {
    step.destroy();
  }
  return out;
}

interface Timed {
  name: string;
  check: RecordCheck;
  direct?: DirectTiming;
  trainerDirect?: StepTiming;
  trainer?: StepTiming;
  eager?: PeerTiming;
  peerSkipped?: string;
  failed?: string;
}

type Result = { adapter: string; software: boolean; counts: Counts[]; countSize: string; checks: RecordCheck[]; timed: Timed[] } | { skipped: string };

async function runSoftmax(opts: BenchOptions): Promise<Result> {
  const { log } = opts;
  const opened = await openWebgpu();
  if ('skipped' in opened) return opened;
  const backend: Backend = opened;
  const a = backend.adapter!;
  const soft = a.software;
  const forced = process.env.LORACHECK_BENCH_GPU_SOFTWARE === '1';
  log(`webgpu-softmax on ${a.label}${soft ? ' (software)' : ''}`);
  // counts at a small size on any adapter (they do not depend on N)
  const countData = images(soft ? 128 : 2048);
  const r = 8;
  const countBatch = soft ? 32 : 256;
  const counts = await countSoftmax(backend, countData, r, soft ? 4 : READ_EVERY, countBatch);
  const countSize = `${countData.N} x ${countData.n}, r = ${r} (mini-batches: ${countBatch} rows, the full-data loss every step)`;
  for (const c of counts) log(`  ${c.path}: ${c.dispatches} dispatches, ${Number.isNaN(c.submits) ? "" : `${c.submits} submits, `}${c.reads} read-backs${c.writes === undefined ? '' : `, ${c.writes} writes`} a step`);
  if (soft && !forced)
    return { adapter: a.label, software: true, counts, countSize, checks: [], timed: [] };
  const checks: RecordCheck[] = [];
  const timed: Timed[] = [];
  // [N, r, timed, mini-batch rows]: the check alone at a small size; then the check and the timing at the size;
  // full batch, then mini-batches (a batch that does not divide the small N: the epochs' leftover rows skipped)
  const big = opts.quick ? 15000 : 60000;
  const sizes: [number, number, boolean, number?][] = soft
    ? [[200, 4, false], [256, 8, true], [200, 4, false, 48], [256, 8, true, 32]]
    : [[512, 4, false], [big, 8, true], [512, 4, false, 100], [big, 8, true, 256]];
  const plan = soft ? SOFTWARE_PLAN : GPU_PLAN;
  const every = soft ? 4 : READ_EVERY;
  for (const [N, rk, time, batch] of sizes) {
    const d = images(N);
    const mini = batch === undefined ? {} : { batch };
    const size = `${N} x ${d.n}, r = ${rk}${batch === undefined ? '' : `, batch ${batch}`}`;
    let c: RecordCheck;
    try {
      c = await checkSoftmax(backend, d, rk, CHECK_STEPS, 1, batch);
    } catch (e) {
      c = { size, steps: 0, maxRel: NaN, values: 0, exact: 0, worst: '-', wrong: `failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    checks.push(c);
    log(`${c.size}: records vs the trainer over ${c.steps} steps: max relative difference ${c.maxRel}, ${c.exact} of ${c.values} values equal${c.wrong ? `; WRONG: ${c.wrong}` : ''}`);
    if (!time) continue;
    const row: Timed = { name: `softmax regression ${size}`, check: c };
    timed.push(row);
    try {
      const inp = await inputs(backend, d, rk);
      const step = await direct(webgpuDevice(backend.tf), d, inp, rk, {}, batch);
      try {
        const [t] = await timeDirect(step, plan, READ_EVERY, inp.L, [true]);
        if (t!.bad) row.failed = t!.bad;
        row.direct = t!;
        log(`  direct, pipelined: ${t!.stepsPerSec.toFixed(1)} steps/s (${t!.msPerStep.toFixed(4)} ms/step over ${t!.steps} steps)`);
      } finally {
        step.destroy();
      }
      const make = (rng: Rng) => logregWorkload(backend.tf, d.name, d, rng);
      const timeRow = (direct: boolean) => timeWorkload(backend, make, rk, plan, every, batch === undefined ? { direct } : { ...mini, direct });
      row.trainerDirect = await timeRow(true);
      log(`  trainer, direct path: ${row.trainerDirect.stepsPerSec.toFixed(1)} steps/s`);
      row.trainer = await timeRow(false);
      log(`  trainer, tfjs path: ${row.trainer.stepsPerSec.toFixed(1)} steps/s`);
      const peerBatch = batch === undefined ? [] : ['--batch', String(batch)];
      eagerColumn(row, soft, ['--workload', 'softmax', '--samples', String(N), '--features', String(d.n), '--rank', String(rk), ...peerBatch, ...peerPlanArgs(GPU_PLAN), '--L', String(inp.Lloss)], log);
    } catch (e) {
      row.failed = e instanceof Error ? e.message : String(e);
      log(`  FAILED: ${row.failed}`);
    }
  }
  return { adapter: a.label, software: soft, counts, countSize, checks, timed };
}


export function softmaxTables(res: Result): BenchTable[] {
  const title = 'webgpu softmax regression: direct (Dawn) vs the tfjs trainer and PyTorch eager, rule (8)';
  if ('skipped' in res) return [skippedTable(title, res.skipped, ['no GPU was available to measure the webgpu / PyTorch ratio'])];
  const tables: BenchTable[] = [
    {
      title: `webgpu softmax regression step structure, ${res.countSize}, on ${res.adapter} (counts, not times)`,
      columns: ['path', 'GPU dispatches / step', 'queue submits / step', 'host read-backs / step', 'host writes / step', 'tfjs kernels / step'],
      rows: res.counts.map((c) => [c.path, sig(c.dispatches), Number.isNaN(c.submits) ? '-' : sig(c.submits), sig(c.reads), c.writes === undefined ? '-' : sig(c.writes), c.kernels === undefined ? '-' : sig(c.kernels)]),
      notes: [
        'per step = (counts of a 2K-step run - counts of a K-step run) / K, K = the read-back period, so set-up cancels',
        'host writes: the direct path\'s queue writes inside the run (a mini-batch submit\'s row indices, one write); the tfjs path uploads each step\'s index tensor through tfjs (not counted)',
        'mini-batch rows: the trainer itself (train --batch), the full-data loss every step (its default: one more pass over X, 1 dispatch)',
        'tfjs path: each dispatch cost about 0.1 ms of host work on an NVIDIA H200, 2026-11-26 (bench/webgpu-profile.ts); direct: pipelines and bind groups made once, one compute pass and one submit per batch',
      ],
    },
  ];
  if (res.software && res.timed.length === 0) {
    tables.push(skippedTable(title, `the only WebGPU adapter is a software rasteriser (${res.adapter}): timings need a hardware adapter (LORACHECK_BENCH_GPU_SOFTWARE=1 runs them at toy sizes)`, ['no GPU was available to measure the webgpu / PyTorch ratio']));
    return tables;
  }
  tables.push({
    title: `webgpu softmax direct: records vs the tfjs trainer (same seed and data) on ${res.adapter}`,
    columns: ['size', 'records compared', 'values equal', 'max relative difference', 'where', 'verdict'],
    rows: res.checks.map((c) => [c.size, c.steps, `${c.exact} / ${c.values}`, sig(c.maxRel), c.worst, c.wrong ? `wrong: ${c.wrong}` : 'ok']),
    notes: [
      `fields J, ||V||^2, ||G||, ||grad J||^2, eta (and batch J on mini-batch rows) of t = 0..${CHECK_STEPS}, the direct step run both ways (read back after each batch, and pipelined); tolerance ${CHECK_TOL} relative; also every direct eta <= (8) on its float64 scalars (the batch's on mini-batch rows)`,
      'mini-batch rows: the trainer\'s batch order (one seeded permutation per epoch) drawn again for the direct step, the full-data loss every step',
    ],
  });
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  for (const x of res.timed) {
    const ratio = (s: number) => (x.eager ? sig(s / x.eager.stepsPerSec) : '-');
    const wrong = x.check.wrong ?? x.failed;
    if (wrong) {
      rows.push([x.name, `loracheck direct: wrong or failed: ${wrong}`, '-', '-', '-', '-']);
      if (x.direct) notes.push(`${x.name}: the direct step ran at ${sig(x.direct.stepsPerSec)} steps/s, but its check failed: not a result`);
    } else if (x.direct) rows.push([x.name, `loracheck direct Dawn, ${READ_EVERY} steps a submit, pipelined read-back`, sig(x.direct.stepsPerSec), sig(x.direct.msPerStep), ratio(x.direct.stepsPerSec), `${x.direct.steps} steps`]);
    if (x.trainerDirect) rows.push([wrong ? x.name : '', `loracheck trainer, direct path (train --backend webgpu), read-back every ${x.trainerDirect.readEvery}`, sig(x.trainerDirect.stepsPerSec), sig(x.trainerDirect.msPerStep), ratio(x.trainerDirect.stepsPerSec), timedText(x.trainerDirect)]);
    if (x.trainer) rows.push(['', `loracheck trainer, tfjs path (LORACHECK_WEBGPU_DIRECT=0), read-back every ${x.trainer.readEvery}`, sig(x.trainer.stepsPerSec), sig(x.trainer.msPerStep), ratio(x.trainer.stepsPerSec), timedText(x.trainer)]);
    if (x.eager) rows.push(['', `PyTorch ${x.eager.torch} eager (${x.eager.device})`, sig(x.eager.stepsPerSec), sig(x.eager.msPerStep), 1, timedText(x.eager)]);
    if (x.peerSkipped) rows.push(['', `PyTorch: ${x.peerSkipped}`, '-', '-', '-', '-']);
  }
  tables.push({
    title: `${title} on ${res.adapter}${res.software ? ' (SOFTWARE adapter: plumbing check, not a GPU measurement)' : ''}`,
    columns: ['workload', 'implementation', 'steps/s', 'ms/step', 'x PyTorch eager', TIMED_COLUMN],
    rows,
    notes: [
      'time = wall clock over the timed steps after the warm-up, read-backs included; the trainer rows from the trace\'s own clock (bench/webgpu.ts timeWorkload, mini-batch rows too)',
      TIMED_NOTE,
      'x PyTorch eager: the row\'s steps/s over PyTorch eager\'s in the same run (above 1: faster than PyTorch; its data is synthetic of the same shape; the work per step is the same)',
      'mini-batch rows (batch B): both sides draw a seeded permutation per epoch and take consecutive batches (bench/peers/torch_cuda_lora.py --batch), compute the step on the batch and the full-data loss every step (equal output: J, batch J, ||V||^2, ||G||, ||grad J||^2, eta)',
      ...(res.software ? ['no GPU was available to measure the webgpu / PyTorch ratio'] : []),
      ...notes,
    ],
  });
  return tables;
}

export const suite: BenchSuite = {
  name: 'webgpu-softmax',
  async run(opts: BenchOptions): Promise<BenchTable[]> {
    const res = await runSoftmax(opts);
    if ('skipped' in res) opts.log(`webgpu-softmax skipped: ${res.skipped}`);
    return softmaxTables(res);
  },
};
