/**
 * Bench suite `webgpu-profile`: where one LoRA step's time goes on the webgpu backend (Dawn +
 * tfjs-backend-webgpu), at quadratic 4096 x 4096, r = 16 (and 8192 x 8192, r = 32 unless --quick),
 * rule (8), the trainer as it runs (gpu-runs/trainer.ts).
 *
 *   the step's dispatches   every GPU program one steady-state step dispatches, captured from the
 *                           backend's runWebGPUProgram during a trainer run (the step's window is
 *                           found as the period of the dispatch sequence), then each replayed in
 *                           isolation on the step's own inputs: N dispatches, one sync at the end;
 *                           ms per dispatch, and GB/s of the bytes it must move (its distinct
 *                           inputs read once, its output written once)
 *   the whole step          timeWorkload (bench/webgpu.ts): the trainer, read-back every
 *                           DEFAULT_READ_EVERY steps, to set the sum of the pieces against
 *   overheads               an empty dispatch; tf.add / tf.mul / a copy kernel / Dawn's
 *                           copyBufferToBuffer over m x m float32; a 64 MB buffer created, used
 *                           once (Dawn zero-fills it lazily) and destroyed, against the same use of
 *                           a kept buffer; a dispatch plus host read-back of 4 floats; Dawn buffers
 *                           created per step by the trainer (does tfjs' pool miss?)
 *
 * Where the device has 'timestamp-query' (tfjs asks for it when the adapter offers it), each
 * piece is also timed by GPU timestamps through tf.time (kernelMs: one compute pass per dispatch).
 * Runs only on a HARDWARE adapter; LORACHECK_BENCH_GPU_SOFTWARE=1 runs it at a toy size on a
 * software adapter (SwiftShader): a plumbing check that measures nothing of a GPU.
 * LORACHECK_PROFILE_SIZES=MxR,... (e.g. 512x16) replaces the sizes.
 */
import type { Tensor } from '@tensorflow/tfjs';
import type { Backend } from '../gpu-runs/backend.ts';
import { Rng } from '../gpu-runs/rng.ts';
import { parseRule } from '../gpu-runs/rules.ts';
import { MemorySink } from '../gpu-runs/trace.ts';
import { DEFAULT_READ_EVERY, train } from '../gpu-runs/trainer.ts';
import type { TensorInfoLike, Uniform, WebGPUProgram } from '../gpu-runs/webgpu-kernels.ts';
import { quadraticWorkload } from '../gpu-runs/workloads/quadratic.ts';
import { type BenchOptions, type BenchSuite, type BenchTable, sig, skippedTable } from './types.ts';
import { openWebgpu, GPU_PLAN, timeWorkload } from './webgpu.ts';

// ------------------------------------------------------------ the parts of Dawn and tfjs used

/* eslint-disable @typescript-eslint/no-explicit-any */
interface GpuBuffer {
  size: number;
  destroy(): void;
}
interface GpuDevice {
  features: { has(f: string): boolean };
  queue: { submit(cbs: unknown[]): void; onSubmittedWorkDone(): Promise<void> };
  createBuffer(d: { size: number; usage: number }): GpuBuffer;
  createCommandEncoder(): { copyBufferToBuffer(a: GpuBuffer, ao: number, b: GpuBuffer, bo: number, n: number): void; finish(): unknown };
}
type Program = WebGPUProgram & { pipeline?: unknown; constructor: { name: string } };
/** tfjs-backend-webgpu's WebGPUBackend, the members this suite reads (backend_webgpu.js). */
interface WebGPUBackendInternals {
  device: GpuDevice;
  supportTimestampQuery: boolean;
  commandEncoder: unknown;
  runWebGPUProgram(program: Program, inputs: TensorInfoLike[], dtype: string, uniforms?: Uniform[], output?: TensorInfoLike): TensorInfoLike;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  read(dataId: object): Promise<unknown>;
  endComputePassEncoder(): void;
  submitQueue(): void;
  tensorMap: { get(dataId: object): { resource?: unknown } };
}
const usage = (): { STORAGE: number; COPY_SRC: number; COPY_DST: number } => (globalThis as any).GPUBufferUsage;

/** Submits what tfjs has recorded and waits until the GPU has done all of it. */
async function sync(be: WebGPUBackendInternals): Promise<void> {
  if (be.commandEncoder) {
    be.endComputePassEncoder();
    be.submitQueue();
  }
  await be.device.queue.onSubmittedWorkDone();
}

interface PieceTiming {
  piece: string;
  /** Workgroups dispatched and the workgroup's size, where one program is timed. */
  dispatch?: number[];
  workgroup?: number[];
  calls: number;
  /** Wall clock per call: N calls, one sync at the end, over N. */
  wallMs: number;
  /** GPU timestamps (tf.time's kernelMs) per call, where the device has 'timestamp-query'. */
  kernelMs?: number;
  /** Bytes the piece must move at least. */
  bytes: number;
}

/** Times `once` N times with one sync at the end (after a warm-up of 3 and a sync), and by timestamps where available. */
async function timePiece(backend: Backend, be: WebGPUBackendInternals, once: () => void, n: number): Promise<{ wallMs: number; kernelMs?: number }> {
  for (let k = 0; k < 3; k++) once();
  await sync(be);
  const t0 = performance.now();
  for (let k = 0; k < n; k++) once();
  await sync(be);
  const wallMs = (performance.now() - t0) / n;
  if (!be.supportTimestampQuery) return { wallMs };
  const info = await backend.tf.time(() => {
    for (let k = 0; k < n; k++) once();
  });
  await sync(be);
  return { wallMs, kernelMs: info.kernelMs === null || typeof info.kernelMs !== 'number' ? undefined : info.kernelMs / n };
}

// ------------------------------------------------------------ the step's dispatches

export interface Captured {
  name: string;
  key: string;
  /** What identifies the dispatch in the sequence: program key and shapes. */
  sig: string;
  program: Program;
  inputs: TensorInfoLike[];
  dtype: string;
  uniforms?: Uniform[];
  dispatch: number[];
  workgroup: number[];
  outShape: number[];
}

const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Runs the trainer for `steps` steps counting the Dawn buffers created and, with `keep`,
 * capturing every program dispatched with its inputs kept alive (which keeps their buffers out
 * of tfjs' pool: count buffers in a run without `keep`).
 */
async function capture(backend: Backend, be: WebGPUBackendInternals, m: number, r: number, steps: number, keep: boolean): Promise<{ calls: Captured[]; buffersCreated: number; bytesCreated: number }> {
  const tf = backend.tf;
  const calls: Captured[] = [];
  const orig = be.runWebGPUProgram;
  const origCreate = be.device.createBuffer;
  let buffersCreated = 0;
  let bytesCreated = 0;
  be.runWebGPUProgram = function (program, inputs, dtype, uniforms, output) {
    const key = program.shaderKey;
    const ctor = program.constructor?.name;
    const name = ctor && ctor !== 'Object' ? ctor : key;
    const out = orig.call(this, program, inputs, dtype, uniforms, output);
    if (!keep) return out;
    for (const t of inputs) be.incRef(t.dataId);
    calls.push({
      name,
      key,
      sig: `${key}|${inputs.map((t) => t.shape.join('x')).join(',')}|${program.outputShape.join('x')}`,
      program,
      inputs: [...inputs],
      dtype,
      uniforms: uniforms?.map((u) => ({ type: u.type, data: [...u.data] })),
      dispatch: [...program.dispatch],
      workgroup: [...program.workgroupSize],
      outShape: [...program.outputShape],
    });
    return out;
  };
  be.device.createBuffer = function (d) {
    buffersCreated++;
    bytesCreated += d.size;
    return origCreate.call(this, d);
  };
  const rng = new Rng(3);
  const w = quadraticWorkload(tf, 'quadratic', m, m, r, rng);
  try {
    // the tfjs path (direct: false): its dispatches go through runWebGPUProgram, which is what is
    // captured here; the direct path runs the same programs on Dawn itself and would leave only
    // the set-up to capture (gpu-runs/direct-webgpu.ts)
    await train(backend, w, rng, { steps, rule: parseRule('theory'), rank: r, init: 'paper', seed: 3, readEvery: DEFAULT_READ_EVERY, readAfterMs: Infinity, direct: false }, new MemorySink());
  } finally {
    be.runWebGPUProgram = orig;
    be.device.createBuffer = origCreate;
    w.dispose();
  }
  return { calls, buffersCreated, bytesCreated };
}

/** Lets go of the inputs capture kept alive. */
function release(be: WebGPUBackendInternals, calls: Captured[]): void {
  for (const c of calls) for (const t of c.inputs) be.disposeData(t.dataId);
}

/**
 * One step's dispatches: the estimate P0 = (dispatches of a 2S-step run - those of an S-step run) / S
 * (not an integer where the final read-back's dispatches depend on the steps pending), then the
 * period P nearest P0 for which some window of P dispatches in the 2S-step run repeats twice
 * right after itself; the middle one of the three is taken. `periodic` false: none repeats (the
 * last round(P0) dispatches but round(P0) are taken: maybe not one step).
 */
export function stepWindow(short: Captured[], long: Captured[], S: number): { window: Captured[]; perStep: number; periodic: boolean } {
  const P0 = (long.length - short.length) / S;
  const same = (P: number, i: number, j: number) => {
    for (let k = 0; k < P; k++) if (long[i + k]!.sig !== long[j + k]!.sig) return false;
    return true;
  };
  const candidates = Array.from({ length: Math.floor(long.length / 3) }, (_, k) => k + 1).sort((p, q) => Math.abs(p - P0) - Math.abs(q - P0));
  for (const P of candidates)
    for (let i = 0; i + 3 * P <= long.length; i++) if (same(P, i, i + P) && same(P, i, i + 2 * P)) return { window: long.slice(i + P, i + 2 * P), perStep: P, periodic: true };
  const P = Math.max(1, Math.round(P0));
  return { window: long.slice(Math.max(0, long.length - 2 * P), long.length - P), perStep: P0, periodic: false };
}

function bytesOf(c: Captured): number {
  const seen = new Set<object>();
  let n = sizeOf(c.outShape);
  for (const t of c.inputs)
    if (!seen.has(t.dataId)) {
      seen.add(t.dataId);
      n += sizeOf(t.shape);
    }
  return 4 * n;
}

async function replay(backend: Backend, be: WebGPUBackendInternals, c: Captured, n: number): Promise<PieceTiming> {
  const once = () => {
    c.program.shaderKey = c.key; // runWebGPUProgram extends the key with the shapes: from the original each time
    const out = be.runWebGPUProgram(c.program, c.inputs, c.dtype, c.uniforms?.map((u) => ({ type: u.type, data: [...u.data] })));
    be.disposeData(out.dataId);
  };
  const t = await timePiece(backend, be, once, n);
  return { piece: c.name, dispatch: c.dispatch, workgroup: c.workgroup, calls: n, ...t, bytes: bytesOf(c) };
}

// ------------------------------------------------------------ overheads

const emptyProgram = (): Program =>
  ({
    variableNames: [],
    outputShape: [1],
    shaderKey: 'loracheck_profile_empty',
    dispatchLayout: { x: [0] },
    dispatch: [1, 1, 1],
    workgroupSize: [1, 1, 1],
    size: true,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) { result[index] = 0.0; }
      }`,
  }) as unknown as Program;

const copyProgram = (shape: number[]): Program =>
  ({
    variableNames: ['X'],
    outputShape: shape,
    shaderKey: 'loracheck_profile_copy',
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(sizeOf(shape) / 256), 1, 1],
    workgroupSize: [256, 1, 1],
    size: true,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) { result[index] = X[index]; }
      }`,
  }) as unknown as Program;

async function overheads(backend: Backend, be: WebGPUBackendInternals, m: number, n: number): Promise<PieceTiming[]> {
  const tf = backend.tf;
  const out: PieceTiming[] = [];
  const mat = 4 * m * m;
  const run = (p: Program, inputs: TensorInfoLike[]) => () => {
    const o = be.runWebGPUProgram(p, inputs, 'float32');
    be.disposeData(o.dataId);
  };
  {
    const p = emptyProgram();
    out.push({ piece: 'empty dispatch (1 thread)', dispatch: [1, 1, 1], workgroup: [1, 1, 1], calls: n, ...(await timePiece(backend, be, () => run({ ...p, dispatch: [1, 1, 1] } as Program, [])(), n)), bytes: 4 });
  }
  const x = tf.randomNormal([m, m]) as Tensor;
  const y = tf.randomNormal([m, m]) as Tensor;
  try {
    await x.data();
    await y.data();
    const ops: [string, () => Tensor][] = [
      [`tf.add(x, y), ${m} x ${m}`, () => tf.add(x, y)],
      [`tf.add(x, 1), ${m} x ${m}`, () => tf.add(x, 1)],
      [`tf.mul(x, y), ${m} x ${m}`, () => tf.mul(x, y)],
    ];
    for (const [name, op] of ops) {
      const bytes = name.includes(', y)') ? 3 * mat : 2 * mat;
      out.push({ piece: name, calls: n, ...(await timePiece(backend, be, () => op().dispose(), n)), bytes });
    }
    const cp = copyProgram([m, m]);
    out.push({ piece: `copy kernel (1 float a thread), ${m} x ${m}`, dispatch: [Math.ceil((m * m) / 256), 1, 1], workgroup: [256, 1, 1], calls: n, ...(await timePiece(backend, be, () => run({ ...cp } as Program, [x as unknown as TensorInfoLike])(), n)), bytes: 2 * mat });

    // Dawn's own copy, outside tfjs: N copies in one command buffer
    const U = usage();
    const src = be.device.createBuffer({ size: mat, usage: U.STORAGE | U.COPY_SRC | U.COPY_DST });
    const dst = be.device.createBuffer({ size: mat, usage: U.STORAGE | U.COPY_SRC | U.COPY_DST });
    const small = be.device.createBuffer({ size: 256, usage: U.STORAGE | U.COPY_SRC | U.COPY_DST });
    try {
      const copies = async (k: number) => {
        const enc = be.device.createCommandEncoder();
        for (let i = 0; i < k; i++) enc.copyBufferToBuffer(src, 0, dst, 0, mat);
        be.device.queue.submit([enc.finish()]);
        await be.device.queue.onSubmittedWorkDone();
      };
      await copies(2);
      let t0 = performance.now();
      await copies(n);
      out.push({ piece: `Dawn copyBufferToBuffer ${mat / 2 ** 20} MB (${n} in one command buffer)`, calls: n, wallMs: (performance.now() - t0) / n, bytes: 2 * mat });

      // 64 MB created, used once (a 4-byte copy out of it: Dawn zero-fills it on first use), destroyed
      const big = 64 * 2 ** 20;
      const kept = be.device.createBuffer({ size: big, usage: U.STORAGE | U.COPY_SRC | U.COPY_DST });
      const cycle = async (k: number, fresh: boolean) => {
        for (let i = 0; i < k; i++) {
          const b = fresh ? be.device.createBuffer({ size: big, usage: U.STORAGE | U.COPY_SRC | U.COPY_DST }) : kept;
          const enc = be.device.createCommandEncoder();
          enc.copyBufferToBuffer(b, 0, small, 0, 4);
          be.device.queue.submit([enc.finish()]);
          if (fresh) b.destroy();
        }
        await be.device.queue.onSubmittedWorkDone();
      };
      const nc = Math.max(4, Math.min(n, 50));
      await cycle(2, true);
      t0 = performance.now();
      await cycle(nc, true);
      out.push({ piece: 'Dawn buffer 64 MB: create + first use (lazy zero-fill) + destroy', calls: nc, wallMs: (performance.now() - t0) / nc, bytes: big });
      await cycle(2, false);
      t0 = performance.now();
      await cycle(nc, false);
      out.push({ piece: '  the same use of a kept 64 MB buffer (submit only)', calls: nc, wallMs: (performance.now() - t0) / nc, bytes: 4 });
      kept.destroy();
    } finally {
      src.destroy();
      dst.destroy();
      small.destroy();
    }
  } finally {
    x.dispose();
    y.dispose();
  }

  // latency: an idle sync, and a 4-float dispatch + host read-back
  {
    const k = Math.max(10, Math.min(n, 50));
    await sync(be);
    let t0 = performance.now();
    for (let i = 0; i < k; i++) await sync(be);
    out.push({ piece: 'sync with nothing queued (onSubmittedWorkDone)', calls: k, wallMs: (performance.now() - t0) / k, bytes: 0 });
    const v = tf.tensor1d([1, 2, 3, 4]);
    const onGpu = be.runWebGPUProgram(copyProgram([4]), [v as unknown as TensorInfoLike], 'float32');
    await be.read(onGpu.dataId);
    t0 = performance.now();
    for (let i = 0; i < k; i++) {
      const o = be.runWebGPUProgram(copyProgram([4]), [onGpu], 'float32');
      await be.read(o.dataId);
      be.disposeData(o.dataId);
    }
    out.push({ piece: 'dispatch + host read-back of 4 floats (tfjs read)', calls: k, wallMs: (performance.now() - t0) / k, bytes: 32 });
    be.disposeData(onGpu.dataId);
    v.dispose();
  }
  return out;
}

// ------------------------------------------------------------ the suite

interface ProfileSize {
  name: string;
  m: number;
  r: number;
  /** Per-step dispatches and whether the step's window was found as a period. */
  perStep: number;
  periodic: boolean;
  dispatches: PieceTiming[];
  sumWallMs: number;
  sumKernelMs?: number;
  step: { msPerStep: number; steps: number; readEvery: number };
  /** Dawn buffers created per steady-state step (tfjs' pool misses), and their bytes. */
  buffersPerStep: number;
  bytesPerStep: number;
  overheads: PieceTiming[];
}

interface ProfileResult {
  adapter: string;
  software: boolean;
  timestampQuery: boolean;
  sizes: ProfileSize[];
  failures: string[];
}

async function profileSize(backend: Backend, be: WebGPUBackendInternals, m: number, r: number, n: number, software: boolean, log: (s: string) => void): Promise<ProfileSize> {
  const name = `quadratic ${m} x ${m}, r = ${r}`;
  // the trainer as it runs: read-back every DEFAULT_READ_EVERY steps, timed as the GPU table times it (GPU_PLAN)
  const plan = software ? { warmupSteps: DEFAULT_READ_EVERY, warmupMs: 0, minSteps: DEFAULT_READ_EVERY, minMs: 0, maxSteps: 3 * DEFAULT_READ_EVERY } : GPU_PLAN;
  const whole = await timeWorkload(backend, (rng) => quadraticWorkload(backend.tf, 'quadratic', m, m, r, rng), r, plan, DEFAULT_READ_EVERY);
  log(`${name}: whole step ${whole.msPerStep.toFixed(4)} ms (read-back every ${whole.readEvery}, ${whole.steps} steps)`);
  const S = 8;
  const a = await capture(backend, be, m, r, S, true);
  const b = await capture(backend, be, m, r, 2 * S, true);
  release(be, a.calls);
  const { window, perStep, periodic } = stepWindow(a.calls, b.calls, S);
  const ca = await capture(backend, be, m, r, S, false);
  const cb = await capture(backend, be, m, r, 2 * S, false);
  const buffersPerStep = (cb.buffersCreated - ca.buffersCreated) / S;
  const bytesPerStep = (cb.bytesCreated - ca.bytesCreated) / S;
  log(`  ${perStep} dispatches a step (${periodic ? 'periodic window found' : 'NO periodic window: the last one before the end taken'}); Dawn buffers created a step: ${buffersPerStep}`);
  const dispatches: PieceTiming[] = [];
  try {
    for (const c of window) {
      const t = await replay(backend, be, c, n);
      log(`  ${c.name} [${c.dispatch.join(',')}]x[${c.workgroup.join(',')}]: ${t.wallMs.toFixed(4)} ms${t.kernelMs !== undefined ? `, kernel ${t.kernelMs.toFixed(4)} ms` : ''}`);
      dispatches.push(t);
    }
  } finally {
    release(be, b.calls);
  }
  const over = await overheads(backend, be, m, n);
  for (const o of over) log(`  ${o.piece}: ${o.wallMs.toFixed(4)} ms${o.kernelMs !== undefined ? `, kernel ${o.kernelMs.toFixed(4)} ms` : ''}`);
  const sumKernel = dispatches.every((d) => d.kernelMs !== undefined) && dispatches.length > 0 ? dispatches.reduce((s, d) => s + d.kernelMs!, 0) : undefined;
  return {
    name,
    m,
    r,
    perStep,
    periodic,
    dispatches,
    sumWallMs: dispatches.reduce((s, d) => s + d.wallMs, 0),
    ...(sumKernel !== undefined ? { sumKernelMs: sumKernel } : {}),
    step: { msPerStep: whole.msPerStep, steps: whole.steps, readEvery: whole.readEvery },
    buffersPerStep,
    bytesPerStep,
    overheads: over,
  };
}

async function runProfile(opts: { quick: boolean; log: (s: string) => void }): Promise<ProfileResult | { skipped: string }> {
  const { quick, log } = opts;
  const opened = await openWebgpu();
  if ('skipped' in opened) return opened;
  const backend: Backend = opened;
  const a = backend.adapter!;
  if (a.software && process.env.LORACHECK_BENCH_GPU_SOFTWARE !== '1')
    return { skipped: `the only WebGPU adapter is a software rasteriser (${a.label}): the profile needs a hardware adapter (LORACHECK_BENCH_GPU_SOFTWARE=1 runs it at a toy size)` };
  const be = backend.tf.backend() as unknown as WebGPUBackendInternals;
  log(`webgpu adapter: ${a.label}${a.software ? ' (software)' : ''}; timestamp-query: ${be.supportTimestampQuery ? 'yes' : 'no'}`);
  // LORACHECK_PROFILE_SIZES=MxR,... (e.g. 512x16) overrides the sizes: a rehearsal at the real code path
  const env = process.env.LORACHECK_PROFILE_SIZES;
  const sizes: [number, number][] = env
    ? env.split(',').map((x) => {
        const [m, r] = x.split('x').map(Number);
        if (!(Number.isInteger(m) && Number.isInteger(r) && m! > 0 && r! > 0)) throw new Error(`LORACHECK_PROFILE_SIZES: '${x}' is not MxR (e.g. 4096x16)`);
        return [m!, r!] as [number, number];
      })
    : a.software
      ? [[64, 4]]
      : quick
        ? [[4096, 16]]
        : [[4096, 16], [8192, 32]];
  const n = a.software ? 5 : 50;
  const out: ProfileSize[] = [];
  const failures: string[] = [];
  for (const [m, r] of sizes) {
    try {
      out.push(await profileSize(backend, be, m, r, n, a.software, log));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      log(`quadratic ${m} x ${m}, r = ${r}: FAILED: ${why}`);
      failures.push(`quadratic ${m} x ${m}, r = ${r}: ${why}`);
    }
  }
  return { adapter: a.label, software: a.software, timestampQuery: be.supportTimestampQuery, sizes: out, failures };
}

const cell = (x: number | undefined, d = 3): number | string => (x === undefined ? '-' : sig(x, d));
const gbs = (bytes: number, ms: number | undefined): number | string => (ms === undefined || !(ms > 0) || bytes < 1024 ? '-' : cell(bytes / (ms / 1000) / 1e9));

export function profileTables(res: ProfileResult | { skipped: string }): BenchTable[] {
  if ('skipped' in res) return [skippedTable('webgpu profile of one LoRA step', res.skipped)];
  const tables: BenchTable[] = [];
  const columns = ['piece', 'workgroups', 'workgroup size', 'calls', 'ms / call (wall)', 'ms / call (timestamps)', 'MB moved', 'GB/s (wall)', 'GB/s (timestamps)'];
  const row = (p: PieceTiming, prefix = ''): (string | number)[] => [
    prefix + p.piece,
    p.dispatch ? p.dispatch.join('x') : '-',
    p.workgroup ? p.workgroup.join('x') : '-',
    p.calls,
    cell(p.wallMs),
    cell(p.kernelMs),
    cell(p.bytes / 1e6),
    gbs(p.bytes, p.wallMs),
    gbs(p.bytes, p.kernelMs),
  ];
  for (const s of res.sizes) {
    const rows: (string | number)[][] = s.dispatches.map((d, i) => row(d, `#${i + 1} `));
    rows.push(['sum of the step\'s dispatches, each alone', '-', '-', '-', cell(s.sumWallMs), cell(s.sumKernelMs), '-', '-', '-']);
    rows.push([`whole step (trainer, read-back every ${s.step.readEvery}, ${s.step.steps} steps)`, '-', '-', s.step.steps, cell(s.step.msPerStep), '-', '-', '-', '-']);
    for (const o of s.overheads) rows.push(row(o));
    tables.push({
      title: `webgpu profile of one LoRA step, ${s.name}, rule (8), on ${res.adapter}${res.software ? ' (SOFTWARE adapter: plumbing check, not a GPU measurement)' : ''}`,
      columns,
      rows,
      notes: [
        `${s.perStep} GPU dispatches a step${s.periodic ? '' : ' (NO periodic window found: the rows are the last step-sized window before the end, maybe not one step)'}; each row #k is that dispatch replayed alone on the step's own inputs, N calls and one sync at the end (wall) / tf.time's kernelMs over N (timestamps)`,
        `MB moved: the dispatch's distinct inputs read once and its output written once (a lower bound: a matmul tile re-reads its operands)`,
        `Dawn buffers created per steady-state step by the trainer: ${cell(s.buffersPerStep)} (${cell(s.bytesPerStep / 1e6)} MB): nonzero means tfjs' pool misses and Dawn allocates (and zero-fills) inside the step`,
        `timestamp-query on this device: ${res.timestampQuery ? 'yes (kernelMs: one compute pass per dispatch)' : 'no (tfjs asks for it only when the adapter offers it; Dawn may need its allow_unsafe_apis toggle)'}`,
        'whole step minus the sum of the dispatches ~ what the step spends outside the GPU programs (JS, tfjs bookkeeping, submits, the read-back every DEFAULT_READ_EVERY steps) or in running them back to back',
      ],
    });
  }
  if (res.failures.length) tables.push({ title: 'webgpu profile: failures', columns: ['size: error'], rows: res.failures.map((f) => [f]) });
  return tables;
}

export const suite: BenchSuite = {
  name: 'webgpu-profile',
  async run(opts: BenchOptions): Promise<BenchTable[]> {
    const res = await runProfile(opts);
    if ('skipped' in res) opts.log(`webgpu-profile skipped: ${res.skipped}`);
    return profileTables(res);
  },
};
