/**
 * The GPU part of bench suite `gpu-runs`: loracheck's trainer on the webgpu backend (Dawn)
 * against a PyTorch CUDA eager loop on the same GPU in the same run (bench/peers/torch_cuda_lora.py),
 * at the sizes an LLM layer has:
 *   quadratic 4096 x 4096, r = 16;  quadratic 8192 x 8192, r = 32;  softmax regression 60000 x 784, r = 8
 * (Fashion-MNIST when installed, else seeded synthetic data of that shape: the same work).
 * Both sides produce every step's J, ||V||^2, ||G||, ||grad J||^2 and eta (8) and keep them in
 * memory (neither writes a file); PyTorch reads the scalars back every step (its natural loop),
 * loracheck every DEFAULT_READ_EVERY steps (and, for the first size, every step too).
 * It runs only on a HARDWARE adapter: on a CPU-only machine it says why it was skipped.
 * LORACHECK_BENCH_GPU_SOFTWARE=1 runs the same code at toy sizes on a software adapter
 * (SwiftShader) and the peer on the CPU: that checks the plumbing, it measures nothing of a GPU.
 *
 * Also measured on ANY webgpu adapter, software included (counts, not times): GPU dispatches,
 * tfjs kernels and host read-backs per step, with batched and with per-step read-back.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '@tensorflow/tfjs';
import { BackendUnavailable, chooseBackend, type Backend } from '../gpu-runs/backend.ts';
import type { Dataset } from '../gpu-runs/data/dataset.ts';
import { fmnistAvailable, loadFashionMNIST } from '../gpu-runs/data/fmnist.ts';
import { Rng } from '../gpu-runs/rng.ts';
import { parseRule } from '../gpu-runs/rules.ts';
import { MemorySink, type StepRecord } from '../gpu-runs/trace.ts';
import { DISTANCE_MAX_ENTRIES } from '../gpu-runs/train-common.ts';
import { directTotals as directCounts } from '../gpu-runs/direct-dawn.ts';
import { DEFAULT_READ_EVERY, train, type Method, type TrainConfig } from '../gpu-runs/trainer.ts';
import { matmulProgramFor } from '../gpu-runs/workloads/matmul.ts';
import { quadraticWorkload } from '../gpu-runs/workloads/quadratic.ts';
import { logregWorkload } from '../gpu-runs/workloads/softmax.ts';
import type { Workload } from '../gpu-runs/workloads/types.ts';
import { type BenchOptions, type BenchSuite, type BenchTable, sig, skippedTable } from './types.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface StepTiming {
  msPerStep: number;
  stepsPerSec: number;
  /** Steps in the timed window, and the wall time it spans (ms). */
  steps: number;
  windowMs: number;
  /** Steps run before the window (warm-up). */
  warmupSteps: number;
  readEvery: number;
  /** Steps/s over the first and the last quarter of the window's read-backs (a clock or pipeline ramp shows as first < last). */
  firstQuarter: number;
  lastQuarter: number;
  /** The step cap was reached before the window was as long as the plan asked. */
  short: boolean;
  J0: number;
  Lloss: number;
  /** tfjs tensors and pooled GPU bytes after the warm-up and at the end (equal: nothing leaks). */
  tensors: [number, number];
  gpuBytes: [number, number];
}

/**
 * How long a timing runs: at least warmupSteps steps AND warmupMs of wall time (from the first
 * read-back) of warm-up, then a window of at least minSteps steps AND minMs of wall time; at
 * most maxSteps steps in all. Every timed row of the GPU suites (trainer and PyTorch peer alike,
 * bench/peers/torch_cuda_lora.py --seconds/--warmup-seconds) uses one plan, so that a row is
 * never timed over a shorter or colder window than the row it is compared with.
 */
export interface TimingPlan {
  warmupSteps: number;
  warmupMs: number;
  minSteps: number;
  minMs: number;
  maxSteps: number;
}

/** On a hardware adapter: half a second of warm-up, a window of a second or more. */
export const GPU_PLAN: TimingPlan = { warmupSteps: 64, warmupMs: 500, minSteps: 64, minMs: 1000, maxSteps: 200_000 };

/** The peer's arguments for a plan (the same warm-up and window). */
export function peerPlanArgs(plan: TimingPlan): string[] {
  return ['--steps', String(plan.minSteps), '--warmup', String(plan.warmupSteps), '--seconds', String(plan.minMs / 1000), '--warmup-seconds', String(plan.warmupMs / 1000)];
}

/**
 * Times the trainer (rule (8), full batch) from the trace's own clock. Records come back in
 * groups that share a read-back time; the window runs from the last record of a read-back
 * (once the plan's warm-up is over) to the last record of a later read-back (once the window is
 * long enough), over the steps in between; the run is then stopped (the trainer's shouldStop).
 * `cfg` adds to the run's configuration (direct on or off, mini-batches).
 */
export async function timeWorkload(backend: Backend, make: (rng: Rng) => Workload, rank: number, plan: TimingPlan, readEvery = DEFAULT_READ_EVERY, cfg: Partial<TrainConfig> = {}): Promise<StepTiming> {
  const tf = backend.tf;
  const rng = new Rng(1);
  const w = make(rng);
  const sink = new MemorySink();
  const mem = () => tf.memory() as { numTensors: number; numBytesAllocatedInGPU?: number };
  type Mem = { numTensors: number; numBytesAllocatedInGPU?: number };
  let warm: Mem | undefined;
  let atEnd: Mem | undefined;
  let start: StepRecord | undefined;
  let end: StepRecord | undefined;
  let first: StepRecord | undefined;
  let prev: StepRecord | undefined;
  /** The last record of every read-back inside the window (its start included). */
  const marks: StepRecord[] = [];
  try {
    await train(backend, w, rng, { steps: plan.maxSteps, rule: parseRule('theory'), rank, init: 'paper', seed: 1, readEvery, readAfterMs: Infinity, ...cfg }, sink, {
      onRecord: (r) => {
        first ??= r;
        // a new read-back: `prev` closed the one before (all its records are in)
        if (prev && r.time_ms !== prev.time_ms && !end) {
          if (!start) {
            if (prev.t >= plan.warmupSteps && prev.time_ms - first.time_ms >= plan.warmupMs) {
              start = prev;
              marks.push(prev);
              warm = mem();
            }
          } else {
            marks.push(prev);
            atEnd = mem();
            if (prev.t - start.t >= plan.minSteps && prev.time_ms - start.time_ms >= plan.minMs) end = prev;
          }
        }
        prev = r;
      },
      shouldStop: () => end !== undefined,
    });
  } finally {
    w.dispose();
  }
  const short = end === undefined;
  // the step cap came first: the last read-back (the run's end) closes the window
  if (!end && prev && start && prev.t > start.t) {
    end = prev;
    if (marks[marks.length - 1] !== prev) marks.push(prev);
  }
  if (!start || !end || end.t <= start.t) throw new Error(`timeWorkload: no read-back after the warm-up (${plan.maxSteps} steps at most, warm-up ${plan.warmupSteps} steps and ${plan.warmupMs} ms, read-back every ${readEvery})`);
  const ms = (end.time_ms - start.time_ms) / (end.t - start.t);
  const quarter = (from: number, to: number): number => {
    const a = marks[from]!;
    const b = marks[to]!;
    return b.t > a.t ? (1000 * (b.t - a.t)) / (b.time_ms - a.time_ms) : NaN;
  };
  const k = marks.length - 1;
  const q = Math.max(1, Math.round(k / 4));
  return {
    msPerStep: ms,
    stepsPerSec: 1000 / ms,
    steps: end.t - start.t,
    windowMs: end.time_ms - start.time_ms,
    warmupSteps: start.t,
    readEvery,
    firstQuarter: quarter(0, Math.min(q, k)),
    lastQuarter: quarter(Math.max(0, k - q), k),
    short,
    J0: first!.J,
    Lloss: (sink.lines[0] as { Lloss: number }).Lloss,
    tensors: [warm?.numTensors ?? NaN, atEnd?.numTensors ?? NaN],
    gpuBytes: [warm?.numBytesAllocatedInGPU ?? NaN, atEnd?.numBytesAllocatedInGPU ?? NaN],
  };
}

/** GB/s of an elementwise tf.add over 256 MB (read + write), `reps` dispatches, one read-back. */
async function elementwiseBandwidth(backend: Backend, mb: number, reps: number): Promise<number> {
  const tf = backend.tf;
  const n = (mb * 1024 * 1024) / 4;
  let x: Tensor = tf.fill([n], 1);
  const once = async () => {
    const y = tf.add(x, 1);
    x.dispose();
    x = y;
  };
  await once();
  await tf.slice(x, [0], [1]).data();
  const t0 = performance.now();
  for (let k = 0; k < reps; k++) await once();
  const probe = tf.slice(x, [0], [1]);
  await probe.data();
  const s = (performance.now() - t0) / 1000;
  probe.dispose();
  x.dispose();
  return (2 * 4 * n * reps) / s / 1e9;
}

/** Seeded stand-in for Fashion-MNIST when it is not installed: N x n pixels in [0, 1], 10 classes. */
export function syntheticImages(N: number, n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const X = new Float32Array(N * n);
  for (let i = 0; i < X.length; i++) X[i] = rng.uniform();
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) y[i] = rng.int(10);
  return { name: `synthetic images ${N} x ${n}`, source: `seeded uniform [0, 1] pixels (seed ${seed})`, N, n, classes: 10, X, y };
}

// ------------------------------------------------------------ dispatch and read-back counts

export interface StructureCounts {
  adapter: string;
  size: string;
  rows: { method: Method; readEvery: number; path: 'direct' | 'tfjs'; dispatchesPerStep: number; kernelsPerStep: number; readsPerStep: number; submitsPerStep?: number }[];
}

/** The methods counted, with a rule each takes (gpu-runs/methods.ts METHOD_RULES). */
const COUNTED: [Method, string][] = [
  ['lora', 'theory'],
  ['rac', '1/L'],
  ['full', '1/L'],
  ['asym', '1/L'],
  ['cola', 'theory'],
];

/** Counts what one step costs in launches: GPU dispatches, tfjs kernels, host read-backs. */
async function countStructure(backend: Backend, m: number, r: number, K: number): Promise<StructureCounts> {
  const tf = backend.tf;
  const gpu = tf.backend() as unknown as { recordAndSubmit: (...a: unknown[]) => unknown; read: (...a: unknown[]) => Promise<unknown> };
  const counts = { dispatches: 0, reads: 0, kernels: 0 };
  const origDispatch = gpu.recordAndSubmit;
  const origRead = gpu.read;
  gpu.recordAndSubmit = function (...a: unknown[]) {
    counts.dispatches++;
    return origDispatch.apply(this, a);
  };
  gpu.read = function (...a: unknown[]) {
    counts.reads++;
    return origRead.apply(this, a);
  };
  const run = async (method: Method, rule: string, steps: number, readEvery: number) => {
    const before = { ...counts };
    const dBefore = { ...directCounts };
    const rng = new Rng(2);
    const w = quadraticWorkload(tf, 'quadratic', m, m, r, rng);
    const sink = new MemorySink();
    const prof = await tf.profile(async () => {
      await train(backend, w, rng, { steps, rule: parseRule(rule), rank: r, init: 'paper', seed: 2, readEvery, readAfterMs: Infinity, method }, sink);
    });
    w.dispose();
    const direct = (sink.lines[0] as { kernels?: string }).kernels === 'direct';
    // the direct path (gpu-runs/direct-webgpu.ts) dispatches on Dawn's device itself: its own counters
    const dd = directCounts.dispatches - dBefore.dispatches;
    return {
      direct,
      dispatches: counts.dispatches - before.dispatches + dd,
      reads: counts.reads - before.reads + directCounts.reads - dBefore.reads,
      submits: directCounts.submits - dBefore.submits,
      kernels: prof.kernels.length,
    };
  };
  const rows: StructureCounts['rows'] = [];
  try {
    for (const [method, rule] of COUNTED)
      for (const readEvery of method === 'lora' ? [K, 1] : [K]) {
      // per step = the difference between a run of 2K and one of K steps (set-up cancels)
      const a = await run(method, rule, K, readEvery);
      const b = await run(method, rule, 2 * K, readEvery);
      rows.push({
        method,
        readEvery,
        path: b.direct ? 'direct' : 'tfjs',
        dispatchesPerStep: (b.dispatches - a.dispatches) / K,
        kernelsPerStep: (b.kernels - a.kernels) / K,
        readsPerStep: (b.reads - a.reads) / K,
        ...(b.direct ? { submitsPerStep: (b.submits - a.submits) / K } : {}),
      });
    }
  } finally {
    gpu.recordAndSubmit = origDispatch;
    gpu.read = origRead;
  }
  return { adapter: backend.adapter?.label ?? backend.detail, size: `quadratic ${m} x ${m}, r = ${r}`, rows };
}

// ------------------------------------------------------------ the step's skinny products

export interface MatmulTiming {
  shape: string;
  /** tfjs' own choice first (-1), then each forced program type. */
  rows: { program: string; ms: number; GBs: number }[];
  /** The program matMulT forces for this shape (gpu-runs/workloads/matmul.ts), by name. */
  matMulT: string;
}

const PROGRAMS: [number, string][] = [
  [-1, "tfjs' choice"],
  [1, 'split-K'],
  [2, 'small output'],
  [3, 'packed 32x32'],
];

/**
 * Times the products a step forms, whose output is thin (r columns or rows) and whose shared
 * dimension is long: G A^T, B^T G (quadratic) and dZ^T X (softmax). tfjs picks a program by
 * the number of 32 x 32 output tiles; here each program type is forced in turn
 * (WEBGPU_MATMUL_PROGRAM_TYPE), reps products, one read-back. GB/s counts the big operand once.
 */
async function timeMatmuls(backend: Backend, shapes: { name: string; a: [number, number]; b: [number, number]; ta: boolean; tb: boolean }[], reps: number): Promise<MatmulTiming[]> {
  const tf = backend.tf;
  const out: MatmulTiming[] = [];
  const saved = tf.env().get('WEBGPU_MATMUL_PROGRAM_TYPE');
  try {
    for (const sh of shapes) {
      const a = tf.randomNormal(sh.a) as import('@tensorflow/tfjs').Tensor2D;
      const b = tf.randomNormal(sh.b) as import('@tensorflow/tfjs').Tensor2D;
      const big = Math.max(a.size, b.size) * 4;
      const rows: MatmulTiming['rows'] = [];
      for (const [type, name] of PROGRAMS) {
        tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', type);
        const once = () => tf.matMul(a, b, sh.ta, sh.tb);
        const warm = once();
        await warm.data();
        warm.dispose();
        const t0 = performance.now();
        let last: Tensor | undefined;
        for (let k = 0; k < reps; k++) {
          last?.dispose();
          last = once();
        }
        await last!.data();
        const ms = (performance.now() - t0) / reps;
        last!.dispose();
        rows.push({ program: name, ms, GBs: big / (ms / 1000) / 1e9 });
      }
      a.dispose();
      b.dispose();
      const [M, K] = sh.ta ? [sh.a[1], sh.a[0]] : sh.a;
      const program = matmulProgramFor(M, sh.tb ? sh.b[0] : sh.b[1], K);
      out.push({ shape: sh.name, rows, matMulT: PROGRAMS.find(([t]) => t === program)![1] });
    }
  } finally {
    tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', saved);
  }
  return out;
}

// ------------------------------------------------------------ PyTorch CUDA peer

export interface PeerTiming {
  peer: string;
  torch: string;
  device: string;
  msPerStep: number;
  stepsPerSec: number;
  copyGBs: number;
  J0: number;
  steps: number;
  firstQuarter: number;
  lastQuarter: number;
}

/** python3 with PyTorch that sees CUDA (the issue's check), or why not. */
export function torchCuda(python = process.env.LORACHECK_PYTHON ?? 'python3'): { ok: true } | { skipped: string } {
  const p = spawnSync(python, ['-c', 'import sys, torch; sys.exit(not torch.cuda.is_available())'], { encoding: 'utf8', timeout: 120_000 });
  if (p.error) return { skipped: `${python} not found` };
  if (p.status !== 0) return { skipped: /No module named .?torch/.test(p.stderr) ? `${python} has no PyTorch` : `${python}: PyTorch sees no CUDA device` };
  return { ok: true };
}

export function runPeer(args: string[], device: string, compile: boolean): PeerTiming | { skipped: string } {
  const python = process.env.LORACHECK_PYTHON ?? (device === 'cpu' ? '/usr/bin/python3' : 'python3');
  const p = spawnSync(python, [join(HERE, 'peers', 'torch_cuda_lora.py'), ...args, '--device', device, ...(compile ? ['--compile'] : [])], { encoding: 'utf8', timeout: 600_000 });
  if (p.status !== 0) return { skipped: `peer failed: ${(p.stderr || p.error?.message || '').trim().split('\n').pop()}` };
  const o = JSON.parse(p.stdout.trim().split('\n').pop()!) as Record<string, any>;
  return { peer: o.peer, torch: o.torch, device: o.device, msPerStep: o.ms_per_step, stepsPerSec: o.steps_per_s, copyGBs: o.copy_GBs, J0: o.J0, steps: o.steps, firstQuarter: o.first_quarter_steps_per_s, lastQuarter: o.last_quarter_steps_per_s };
}

// ------------------------------------------------------------ the GPU table

export interface GpuRow {
  name: string;
  /** Bytes a step must move at least (quadratic: read C and H once; softmax: read X twice). */
  minBytes: number;
  ours: StepTiming;
  oursEveryStep?: StepTiming;
  /** The same with loracheck's custom kernels off (LORACHECK_WEBGPU_KERNELS=0): tfjs ops only. */
  oursPlain?: StepTiming;
  /** The quadratic with G stored (LORACHECK_QUADRATIC_STORE_G=1: the kernels before the row/column passes). */
  oursStoreG?: StepTiming;
  /** The quadratic recording dJ = J(V_{t+1}) - J(V_t) too (train --decrease: one more kernel a step). */
  oursDecrease?: StepTiming;
  eager?: PeerTiming;
  compiled?: PeerTiming;
  peerSkipped?: string;
}

export interface WebgpuBenchResult {
  structure: StructureCounts | { skipped: string };
  gpu:
    | {
        adapter: string;
        software: boolean;
        bandwidthGBs: number;
        peerBandwidthGBs?: number;
        rows: GpuRow[];
        /** Sizes whose webgpu run failed, with the error. */
        failures: string[];
        matmuls: MatmulTiming[];
      }
    | { skipped: string };
}

interface Size {
  name: string;
  kind: 'quadratic' | 'softmax';
  m: number;
  r: number;
  N?: number;
  plan: TimingPlan;
  readEvery?: number;
}

/** On a software adapter: a few steps, no clock (a plumbing check). */
const SOFTWARE_PLAN: TimingPlan = { warmupSteps: 2, warmupMs: 0, minSteps: 4, minMs: 0, maxSteps: 16 };

function sizes(quick: boolean, software: boolean): Size[] {
  if (software)
    return [
      { name: 'quadratic 32 x 32, r = 4', kind: 'quadratic', m: 32, r: 4, plan: SOFTWARE_PLAN, readEvery: 4 },
      { name: 'softmax regression 200 x 784, r = 8', kind: 'softmax', m: 784, N: 200, r: 8, plan: { ...SOFTWARE_PLAN, warmupSteps: 1, minSteps: 2, maxSteps: 8 }, readEvery: 2 },
    ];
  const s = quick ? 0.25 : 1;
  return [
    { name: `quadratic ${4096 * s} x ${4096 * s}, r = 16`, kind: 'quadratic', m: 4096 * s, r: 16, plan: GPU_PLAN },
    { name: `quadratic ${8192 * s} x ${8192 * s}, r = 32`, kind: 'quadratic', m: 8192 * s, r: 32, plan: GPU_PLAN },
    { name: `softmax regression ${60000 * s} x 784, r = 8`, kind: 'softmax', m: 784, N: 60000 * s, r: 8, plan: { ...GPU_PLAN, warmupSteps: 4, minSteps: 16 } },
  ];
}

/** The webgpu backend, or why there is none (the GPU suites' skip line). */
export async function openWebgpu(): Promise<Backend | { skipped: string }> {
  try {
    return await chooseBackend('webgpu');
  } catch (e) {
    if (!(e instanceof BackendUnavailable)) throw e;
    return { skipped: `no WebGPU adapter (${e.message.replace(/^backend webgpu is not available: /, '')})` };
  }
}

export async function runWebgpuBench(opts: { quick: boolean; log: (s: string) => void }): Promise<WebgpuBenchResult> {
  const { quick, log } = opts;
  const opened = await openWebgpu();
  if ('skipped' in opened) {
    log(`GPU part skipped: ${opened.skipped}`);
    return { structure: { skipped: opened.skipped }, gpu: { skipped: opened.skipped } };
  }
  const backend: Backend = opened;
  const a = backend.adapter!;
  log(`webgpu adapter: ${a.label}${a.software ? ' (software)' : ''}`);
  const structure = await countStructure(backend, a.software ? 32 : 256, 4, a.software ? 8 : DEFAULT_READ_EVERY);
  for (const r of structure.rows)
    log(`  ${r.method} per step (read-back every ${r.readEvery}): ${r.dispatchesPerStep} dispatches, ${r.kernelsPerStep} tfjs kernels, ${r.readsPerStep} read-backs`);

  const forceSoftware = process.env.LORACHECK_BENCH_GPU_SOFTWARE === '1';
  if (a.software && !forceSoftware) {
    const why = `the only WebGPU adapter is a software rasteriser (${a.label}): GPU timings need a hardware adapter (see loracheck backends)`;
    log(`GPU timings skipped: ${why}`);
    return { structure, gpu: { skipped: why } };
  }
  const peerDevice = a.software ? 'cpu' : 'cuda';
  const cuda = peerDevice === 'cuda' ? torchCuda() : ({ ok: true } as const);
  const bandwidthGBs = await elementwiseBandwidth(backend, a.software ? 16 : 256, a.software ? 3 : 20);
  log(`  elementwise bandwidth (tf.add, read + write): ${bandwidthGBs.toFixed(1)} GB/s`);
  let fmnist: Dataset | undefined;
  const rows: GpuRow[] = [];
  let peerBandwidthGBs: number | undefined;
  let compileArgs: string[] | undefined;
  const failures: string[] = [];
  for (const s of sizes(quick, a.software)) {
    let make: (rng: Rng) => Workload;
    let peerArgs: string[];
    let minBytes: number;
    if (s.kind === 'quadratic') {
      make = (rng) => quadraticWorkload(backend.tf, 'quadratic', s.m, s.m, s.r, rng);
      peerArgs = ['--workload', 'quadratic', '--m', String(s.m), '--n', String(s.m), '--rank', String(s.r)];
      minBytes = 2 * s.m * s.m * 4;
    } else {
      const N = s.N!;
      const d = fmnistAvailable() ? (fmnist ??= loadFashionMNIST({ limit: N })) : syntheticImages(N, 784, 7);
      const data: Dataset = d.N > N ? { ...d, N, X: d.X.subarray(0, N * d.n), y: d.y.subarray(0, N) } : d;
      make = (rng) => logregWorkload(backend.tf, data.name, data, rng);
      peerArgs = ['--workload', 'softmax', '--samples', String(N), '--features', '784', '--rank', String(s.r)];
      minBytes = 2 * N * 784 * 4;
    }
    let ours: StepTiming;
    try {
      ours = await timeWorkload(backend, make, s.r, s.plan, s.readEvery);
    } catch (e) {
      // one size failing (out of memory, a device eta above the rule) must not lose the others
      const why = e instanceof Error ? e.message : String(e);
      log(`${s.name}: webgpu FAILED: ${why}`);
      failures.push(`${s.name}: ${why}`);
      continue;
    }
    log(`${s.name}: webgpu ${ours.stepsPerSec.toFixed(1)} steps/s (${ours.msPerStep.toFixed(3)} ms/step, read-back every ${ours.readEvery})`);
    const row: GpuRow = { name: s.name, minBytes, ours };
    if (s.kind === 'quadratic') {
      // what train --decrease costs (L34 from dJ at these sizes): the same run with its kernel
      row.oursDecrease = await timeWorkload(backend, make, s.r, s.plan, s.readEvery, { decrease: true });
      log(`  with dJ (--decrease): ${row.oursDecrease.stepsPerSec.toFixed(1)} steps/s`);
    }
    if (rows.length === 0) {
      row.oursEveryStep = await timeWorkload(backend, make, s.r, s.plan, 1);
      log(`  read-back every step: ${row.oursEveryStep.stepsPerSec.toFixed(1)} steps/s`);
      const saved = process.env.LORACHECK_WEBGPU_KERNELS;
      process.env.LORACHECK_WEBGPU_KERNELS = '0';
      try {
        row.oursPlain = await timeWorkload(backend, make, s.r, s.plan, s.readEvery);
      } finally {
        if (saved === undefined) delete process.env.LORACHECK_WEBGPU_KERNELS;
        else process.env.LORACHECK_WEBGPU_KERNELS = saved;
      }
      log(`  tfjs ops only (custom kernels off): ${row.oursPlain.stepsPerSec.toFixed(1)} steps/s`);
      if (s.kind === 'quadratic') {
        // the quadratic's earlier kernels (G stored, then its rows, G A^T and B^T G through matMulT), for comparison
        process.env.LORACHECK_QUADRATIC_STORE_G = '1';
        try {
          row.oursStoreG = await timeWorkload(backend, make, s.r, s.plan, s.readEvery);
        } finally {
          delete process.env.LORACHECK_QUADRATIC_STORE_G;
        }
        log(`  G stored (the earlier kernels): ${row.oursStoreG.stepsPerSec.toFixed(1)} steps/s`);
      }
    }
    if ('skipped' in cuda) row.peerSkipped = cuda.skipped;
    else {
      const common = [...peerArgs, ...peerPlanArgs(s.plan), ...(s.kind === 'softmax' ? ['--L', String(ours.Lloss)] : [])];
      const eager = runPeer(common, peerDevice, false);
      if ('skipped' in eager) row.peerSkipped = eager.skipped;
      else {
        row.eager = eager;
        peerBandwidthGBs = Math.max(peerBandwidthGBs ?? 0, eager.copyGBs);
        log(`  PyTorch ${eager.torch} ${eager.peer} on ${eager.device}: ${eager.stepsPerSec.toFixed(1)} steps/s; ratio ${(ours.stepsPerSec / eager.stepsPerSec).toFixed(3)}x`);
        if (rows.length === 0) compileArgs = common;
      }
    }
    rows.push(row);
  }
  // torch.compile (the next bar after eager) last: its compilation takes the longest
  if (compileArgs && !quick && !a.software) {
    const compiled = runPeer(compileArgs, peerDevice, true);
    if ('skipped' in compiled) log(`  torch.compile skipped: ${compiled.skipped}`);
    else {
      rows[0]!.compiled = compiled;
      log(`  ${rows[0]!.name}: PyTorch torch.compile ${compiled.stepsPerSec.toFixed(1)} steps/s`);
    }
  }
  const q = a.software ? 32 : quick ? 1024 : 4096;
  const N = a.software ? 200 : quick ? 15000 : 60000;
  const matmuls = await timeMatmuls(
    backend,
    [
      { name: `G A^T: ${q} x ${q} times (16 x ${q})^T`, a: [q, q], b: [16, q], ta: false, tb: true },
      { name: `B^T G: (${q} x 16)^T times ${q} x ${q}`, a: [q, 16], b: [q, q], ta: true, tb: false },
      { name: `dZ^T X: (${N} x 10)^T times ${N} x 784`, a: [N, 10], b: [N, 784], ta: true, tb: false },
    ],
    a.software ? 2 : 20,
  );
  for (const m of matmuls) log(`  ${m.shape}: ${m.rows.map((r) => `${r.program} ${r.ms.toFixed(3)} ms`).join(', ')}`);
  return { structure, gpu: { adapter: a.label, software: a.software, bandwidthGBs, ...(peerBandwidthGBs !== undefined ? { peerBandwidthGBs } : {}), rows, failures, matmuls } };
}


export const TIMED_COLUMN = 'timed window: steps, s; steps/s first -> last quarter';
export const TIMED_NOTE =
  'every row is timed on one plan (on a hardware adapter bench/webgpu.ts GPU_PLAN: at least 0.5 s and 64 steps of warm-up, then at least 1 s and 64 steps, the PyTorch peer with --warmup-seconds 0.5 --seconds 1; on a software adapter a few steps); the last column shows the window and the rate over its first and last quarter: a first quarter well below the last means the GPU (clocks) or the pipeline was still ramping up (flagged RAMPING above 15 %)';

/** A window whose last quarter ran this much faster than its first is flagged as still warming up. */
const RAMP = 1.15;

/** The timed-window cell: steps, seconds, and the first / last quarter's rate (ramp-up shows); "short" when the step cap ended it. */
export function timedText(t: StepTiming | PeerTiming): string {
  const secs = 'windowMs' in t ? t.windowMs / 1000 : (t.steps * t.msPerStep) / 1000;
  const short = 'short' in t && t.short ? ' (short: step cap)' : '';
  // a last quarter 15 % above the first: still warming up inside the window (the whole-window rate is then low)
  const ramp = t.lastQuarter > RAMP * t.firstQuarter ? ' (RAMPING: still speeding up)' : '';
  return `${t.steps}, ${sig(secs, 2)} s; ${sig(t.firstQuarter)} -> ${sig(t.lastQuarter)}${short}${ramp}`;
}

export function webgpuTables(r: WebgpuBenchResult): BenchTable[] {
  const tables: BenchTable[] = [];
  const st = r.structure;
  if ('skipped' in st) tables.push(skippedTable('webgpu step structure (dispatches, read-backs)', st.skipped));
  else
    tables.push({
      title: `webgpu step structure, ${st.size}, on ${st.adapter} (counts, not times)`,
      columns: ['method', 'path', 'read-back every (at most)', 'GPU dispatches / step', 'tfjs kernels / step', 'host read-backs / step', 'submits / step'],
      rows: st.rows.map((x) => [x.method, x.path, x.readEvery, sig(x.dispatchesPerStep), sig(x.kernelsPerStep), sig(x.readsPerStep), x.submitsPerStep !== undefined ? sig(x.submitsPerStep) : '-']),
      notes: [
        'per step = (counts of a 2K-step run - counts of a K-step run) / K, K = the read-back period, so set-up cancels',
        'rules: lora and cola (8), the others 1/L; cola merges every 50 steps (not within these runs)',
        'path direct: the step dispatched on Dawn\'s device by gpu-runs/direct-webgpu.ts (no tfjs kernels; its dispatches, submits and read-backs counted by gpu-runs/direct-dawn.ts), where it applies (quadratic LoRA, full batch, m a multiple of 32); tfjs: through tfjs-backend-webgpu (submits are tfjs\' own)',
        `runs of at most ${DISTANCE_MAX_ENTRIES} entries also record ||W_t - W*||^2 (3 more kernels a step)`,
      ],
    });
  const g = r.gpu;
  if ('skipped' in g) {
    tables.push(skippedTable('GPU: loracheck webgpu vs PyTorch CUDA on the same GPU', g.skipped, ['no GPU was available to measure the webgpu / PyTorch ratio']));
    return tables;
  }
  const bw = Math.max(g.bandwidthGBs, g.peerBandwidthGBs ?? 0);
  const share = (bytes: number, ms: number) => `${sig((100 * bytes) / (ms / 1000) / (bw * 1e9), 2)}%`;
  const rows: (string | number)[][] = [];
  const ratio = (x: GpuRow, t: { stepsPerSec: number }) => (x.eager ? sig(t.stepsPerSec / x.eager.stepsPerSec) : '-');
  const row = (x: GpuRow, name: string, label: string, t: StepTiming | PeerTiming) => [name, label, sig(t.stepsPerSec), sig(t.msPerStep), ratio(x, t), share(x.minBytes, t.msPerStep), timedText(t)];
  for (const x of g.rows) {
    rows.push(row(x, x.name, `loracheck webgpu, read-back every ${x.ours.readEvery}`, x.ours));
    if (x.oursEveryStep) rows.push(row(x, '', 'loracheck webgpu, read-back every step', x.oursEveryStep));
    if (x.oursDecrease) rows.push(row(x, '', `loracheck webgpu with dJ (train --decrease), read-back every ${x.oursDecrease.readEvery}`, x.oursDecrease));
    if (x.oursStoreG) rows.push(row(x, '', `loracheck webgpu, G stored (earlier kernels), read-back every ${x.oursStoreG.readEvery}`, x.oursStoreG));
    if (x.oursPlain) rows.push(row(x, '', `loracheck webgpu, tfjs ops only (no custom kernels), read-back every ${x.oursPlain.readEvery}`, x.oursPlain));
    if (x.eager) rows.push(row(x, '', `PyTorch ${x.eager.torch} eager (${x.eager.device})`, x.eager));
    if (x.compiled) rows.push(row(x, '', `PyTorch ${x.compiled.torch} torch.compile`, x.compiled));
    if (x.peerSkipped) rows.push(['', `PyTorch: ${x.peerSkipped}`, '-', '-', '-', '-', '-']);
  }
  const first = g.rows[0];
  tables.push({
    title: `GPU: loracheck webgpu vs PyTorch on ${g.adapter}${g.software ? ' (SOFTWARE adapter: plumbing check, not a GPU measurement)' : ''}, rule (8), every step's scalars kept`,
    columns: ['workload', 'implementation', 'steps/s', 'ms/step', 'x PyTorch eager', 'bandwidth share', TIMED_COLUMN],
    rows,
    ...(g.rows.some((x) => x.peerSkipped) ? { skipped: g.rows.flatMap((x) => (x.peerSkipped ? [`${x.name}, PyTorch: ${x.peerSkipped}`] : [])) } : {}),
    notes: [
      "x PyTorch eager: the row's steps/s over PyTorch eager's on the same workload in this run (above 1: faster than PyTorch)",
      TIMED_NOTE,
      `bandwidth share: the bytes a step must move at least (quadratic: C and H read once; softmax: X read twice) over the step time, against ${sig(bw)} GB/s measured here (tf.add ${sig(g.bandwidthGBs)} GB/s${g.peerBandwidthGBs ? `, torch copy ${sig(g.peerBandwidthGBs)} GB/s` : ''})`,
      ...(first?.eager ? [`target: webgpu steps/s >= PyTorch eager on ${first.name}: ratio ${sig(first.ours.stepsPerSec / first.eager.stepsPerSec)}x`] : []),
      ...g.failures.map((f) => `FAILED on webgpu: ${f}`),
      ...g.rows.map((x) => `${x.name}: tfjs tensors ${x.ours.tensors[0]} after warm-up, ${x.ours.tensors[1]} at the end; GPU pool ${sig(x.ours.gpuBytes[0] / 1e6)} MB -> ${sig(x.ours.gpuBytes[1] / 1e6)} MB`),
    ],
  });
  tables.push({
    title: `GPU: the step's thin products on webgpu, by matMul program (${g.adapter})`,
    columns: ['product', 'program', 'ms', 'GB/s of the big operand'],
    rows: g.matmuls.flatMap((m) => m.rows.map((x, i) => [i === 0 ? m.shape : '', x.program, sig(x.ms), sig(x.GBs)])),
    notes: [
      `the trainer's products go through matMulT, which forces a program by shape (gpu-runs/workloads/matmul.ts): ${g.matmuls.map((m) => `${m.shape.split(':')[0]}: ${m.matMulT}`).join('; ')}`,
      "the quadratic's LoRA step forms neither G A^T nor B^T G with matMul on webgpu (its kernels read C instead: gpu-runs/workloads/quadratic-webgpu.ts); rac's S^T G and softmax's dZ^T X do",
    ],
  });
  return tables;
}

export const suite: BenchSuite = {
  name: 'webgpu',
  async run(opts: BenchOptions): Promise<BenchTable[]> {
    return webgpuTables(await runWebgpuBench({ quick: opts.quick, log: opts.log }));
  },
};
