/**
 * The LoRA step on the quadratic (full batch, one adapter pair) dispatched straight on Dawn's
 * GPUDevice instead of through tfjs-backend-webgpu: the trainer's own WGSL (the programs of
 * workloads/quadratic-webgpu.ts and step-webgpu.ts, their getUserCode verbatim; only tfjs'
 * preamble, bindings and uniform struct are rebuilt here, shaderOf), with pipelines, buffers and
 * bind groups made ONCE and up to `maxBatch` steps encoded into one compute pass and one
 * queue.submit. Each step's record [J terms | ||V||^2 rows | ||G||^2 rows | ||grad J||^2 rows |
 * eta] (the layout of step-webgpu.ts' record kernel) and, where asked, its ||W_t - W*||^2 rows
 * go into the step's slot of one GPU buffer, copied to a mappable buffer and read back once per
 * batch; the caller sums them in float64 (trainer.ts unpack).
 *
 * Why: each dispatch through tfjs costs about 0.1 ms of host work (bench/webgpu-profile.ts),
 * more than the GPU time of the whole step at 4096 x 4096, r = 16. The trainer takes this path
 * where it applies (directApplies); bench/webgpu-direct.ts compares its records with the tfjs
 * path's and times both.
 *
 * One step, 7 dispatches (8 with the distance rows):
 *   rowstep      [loss terms | ||G||^2 rows | G A^T]  (LoracheckQuadraticRowStep)
 *   colpartials  B^T G over chunks of rows            (LoracheckQuadraticColPartials)
 *   sumchunks    grad_A = the chunks summed           (LoracheckSumChunks)
 *   rowsquares   rows of B, A, grad_B, grad_A squared (LoracheckRowSquares)
 *   record       the record and eta, into the step's slot (LoracheckStepRecord)
 *   distance     rows of ||BA - C||^2 (small runs: train-common.ts recordsDistance)
 *   update x 2   B, A <- B, A - eta grad  (3), ping-pong buffers (LoracheckStepUpdate)
 */
import type { TF } from './backend.ts';
import type { Rule } from './rules.ts';
import { recordProgram, recordUniforms, rowsProgram, updateProgram, type CopyPlan } from './step-webgpu.ts';
import { customKernelsEnabled, type WebGPUProgram } from './webgpu-kernels.ts';
import { chunkRows, colPartialsProgram, rowStepProgram, STEP_MAX_RANK, sumChunksProgram } from './workloads/quadratic-webgpu.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type GPUDevice = any;
type GPUBuffer = any;

/** Most steps in one submit (the record slots are 2 x this: one batch in flight while the other is read). */
const DIRECT_MAX_BATCH = 64;

const g = (): any => globalThis as any;

/** LORACHECK_WEBGPU_DIRECT=0 turns the direct path off (the trainer then dispatches through tfjs). */
export function directEnabled(): boolean {
  return process.env.LORACHECK_WEBGPU_DIRECT !== '0';
}

/** The webgpu backend's GPUDevice (tfjs-backend-webgpu keeps it as `device`), or undefined. */
export function webgpuDevice(tf: TF): GPUDevice | undefined {
  return tf.getBackend() === 'webgpu' ? (tf.backend() as any).device : undefined;
}

/** Why the direct step cannot run m x n, rank r on this device, or undefined when it can. */
export function directUnsupported(device: GPUDevice | undefined, m: number, n: number, r: number): string | undefined {
  if (!device) return 'not on webgpu';
  if (!customKernelsEnabled()) return 'custom kernels off (LORACHECK_WEBGPU_KERNELS=0)';
  if (r > STEP_MAX_RANK) return `r = ${r} > ${STEP_MAX_RANK}`;
  const align = device.limits?.minStorageBufferOffsetAlignment ?? 256;
  if ((2 * m * 4) % align !== 0) return `m = ${m}: grad_B's offset in the row kernel's output (${8 * m} bytes) is not a multiple of ${align}`;
  if (2 * m + 2 * r > 65535 || m > 65535) return `m = ${m}: more rows than one dispatch has workgroups`;
  if (n < 1) return 'n = 0';
  return undefined;
}

/** tfjs' shader preamble, cut to what these programs use (webgpu_program.js makeShader):
 *  the builtins as private variables, the flat index, the uniform struct, the bindings, _start. */
function shaderOf(p: WebGPUProgram): string {
  const flat = p.workgroupSize[0] * p.workgroupSize[1] * p.workgroupSize[2];
  const inputs = p.variableNames.map((x, i) => `@group(0) @binding(${1 + i}) var<storage, read> ${x}: array<f32>;`).join('\n');
  return `
var<private> localId: vec3<u32>;
var<private> localIndex: u32;
var<private> globalId: vec3<u32>;
var<private> numWorkgroups: vec3<u32>;
var<private> workgroupId: vec3<u32>;
fn getGlobalIndex() -> i32 {
  return i32((workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x) * ${flat}u + localIndex);
}
struct Uniforms { NAN : f32, INFINITY : f32, ${p.size ? 'size : i32, ' : ''}${p.uniforms ?? ''} };
@group(0) @binding(0) var<storage, read_write> result: array<f32>;
${inputs}
@group(0) @binding(${1 + p.variableNames.length}) var<uniform> uniforms: Uniforms;
${p.getUserCode()}
@compute @workgroup_size(${p.workgroupSize.join(', ')})
fn _start(@builtin(local_invocation_id) LocalId : vec3<u32>, @builtin(global_invocation_id) GlobalId : vec3<u32>,
          @builtin(local_invocation_index) LocalIndex : u32, @builtin(workgroup_id) WorkgroupId : vec3<u32>,
          @builtin(num_workgroups) NumWorkgroups : vec3<u32>) {
  localId = LocalId;
  localIndex = LocalIndex;
  globalId = GlobalId;
  numWorkgroups = NumWorkgroups;
  workgroupId = WorkgroupId;
  main(getGlobalIndex());
}`;
}

const DIST_WG = 64;

/** Row i of ||BA - C||^2, one workgroup per row (train-common.ts distanceRows on W = BA, W* = C). */
function distanceProgram(m: number, n: number, r: number): WebGPUProgram {
  return {
    variableNames: ['B', 'A', 'C'],
    outputShape: [m],
    shaderKey: `loracheck_direct_distance_${m}_${n}_${r}`,
    dispatchLayout: { x: [0] },
    dispatch: [m, 1, 1],
    workgroupSize: [DIST_WG, 1, 1],
    size: true,
    getUserCode: () => `
      var<workgroup> red : array<f32, ${DIST_WG}>;
      fn main(index : i32) {
        let i = i32(workgroupId.x);
        let t = i32(localId.x);
        var acc = 0.0;
        for (var j = t; j < ${n}; j = j + ${DIST_WG}) {
          var w = 0.0;
          for (var q = 0; q < ${r}; q = q + 1) { w = w + B[i * ${r} + q] * A[q * ${n} + j]; }
          let d = w - C[i * ${n} + j];
          acc = acc + d * d;
        }
        red[t] = acc;
        workgroupBarrier();
        for (var s = ${DIST_WG / 2}; s > 0; s = s >> 1) {
          if (t < s) { red[t] = red[t] + red[t + s]; }
          workgroupBarrier();
        }
        if (t == 0 && i < uniforms.size) { result[i] = red[0]; }
      }`,
  };
}

/** A buffer range bound to a slot. */
interface Range {
  buffer: GPUBuffer;
  offset?: number;
  size?: number;
}

interface Kernel {
  program: WebGPUProgram;
  pipeline: any;
  layout: any;
  uniforms: GPUBuffer;
}

interface DirectInputs {
  m: number;
  n: number;
  r: number;
  /** The quadratic's W* = C (m x n) and its levels h (m), k (n): H_ij = 4 h_i k_j (workloads/quadratic.ts). */
  C: Float32Array;
  h: Float32Array;
  k: Float32Array;
  /** The iterate at t = 0. */
  B0: Float32Array;
  A0: Float32Array;
  rule: Rule;
  alpha: number | null;
  /** The theory's constant (fixed for the run). */
  L: number;
  /** Also the rows of ||W_t - C||^2 after each record. */
  distance: boolean;
  /** Steps a submit at most (<= DIRECT_MAX_BATCH). */
  maxBatch: number;
  /** Scales eta's numerator: 1 is the trainer's step; the bench's test passes another value to see its check fail. */
  numScale?: number;
}

/** Work done on the direct path since the process began (the bench's step-structure table counts with these, as it counts tfjs' dispatches). */
export const directCounts = { dispatches: 0, submits: 0, reads: 0 };

/** A submitted batch of steps t0 .. t0 + count - 1. */
export interface DirectBatch {
  t0: number;
  count: number;
  half: number;
}

/** The direct step at one size: buffers, pipelines and bind groups made once. */
interface DirectStep {
  /** Values a step's record has: [J m | V m + r | G m | D m + r | eta], then m distance rows where asked. */
  readonly recordLength: number;
  /** The index of eta in a record. */
  readonly etaIndex: number;
  /** Encodes `count` (<= maxBatch) more steps in one submit; `updateLast` false: the last one only records (no step (3)). */
  submit(count: number, updateLast?: boolean): DirectBatch;
  /** Maps a submitted batch's records back, one Float32Array (recordLength) per step. Batches are read in order. */
  read(b: DirectBatch): Promise<Float32Array[]>;
  /** The current iterate B, A (after the steps submitted so far). */
  weights(): Promise<{ B: Float32Array; A: Float32Array }>;
  destroy(): void;
}

async function check(device: GPUDevice, what: string, f: () => void): Promise<void> {
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  f();
  const oom = await device.popErrorScope();
  const val = await device.popErrorScope();
  if (oom || val) throw new Error(`${what}: ${(val ?? oom).message}`);
}

export async function makeDirect(device: GPUDevice, x: DirectInputs): Promise<DirectStep> {
  const { m, n, r } = x;
  const why = directUnsupported(device, m, n, r);
  if (why) throw new Error(`direct step: ${why}`);
  const maxBatch = Math.max(1, Math.min(DIRECT_MAX_BATCH, x.maxBatch));
  const U = g().GPUBufferUsage;
  const STORAGE = U.STORAGE | U.COPY_SRC | U.COPY_DST;
  const align = device.limits?.minStorageBufferOffsetAlignment ?? 256;
  const made: GPUBuffer[] = [];
  const buffer = (bytes: number, usage = STORAGE): GPUBuffer => {
    const b = device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage });
    made.push(b);
    return b;
  };
  const upload = (data: Float32Array): GPUBuffer => {
    const b = buffer(data.byteLength);
    device.queue.writeBuffer(b, 0, data);
    return b;
  };

  // the trainer's record layout for one adapter pair (trainer.ts plan; X0 = the row kernel's output, X1 = the row squares)
  const plan: CopyPlan = {
    J: [{ input: 0, from: 0, length: m }],
    full: [],
    V: [{ input: 1, from: 0, length: m }, { input: 1, from: m, length: r }],
    G: [{ input: 0, from: m, length: m }],
    D: [{ input: 1, from: m + r, length: m }, { input: 1, from: 2 * m + r, length: r }],
  };
  const rec = recordProgram(plan, 2, x.rule);
  const total = rec.total; // eta at [total]
  const S = Math.ceil(m / chunkRows(r));
  const { num, c } = recordUniforms(x.rule, x.alpha, x.L);

  const kernel = (program: WebGPUProgram, uni: { type: 'int32' | 'float32'; data: number[] }[]): Kernel => {
    const sizeU = program.size ? [{ type: 'int32' as const, data: [program.outputShape.reduce((a, b) => a * b, 1)] }] : [];
    const vals = [{ type: 'float32' as const, data: [NaN] }, { type: 'float32' as const, data: [Infinity] }, ...sizeU, ...uni];
    const ab = new ArrayBuffer(Math.max(16, Math.ceil((vals.length * 4) / 16) * 16));
    vals.forEach((v, i) => (v.type === 'int32' ? new Int32Array(ab, i * 4, 1).set(v.data) : new Float32Array(ab, i * 4, 1).set(v.data)));
    const uniforms = buffer(ab.byteLength, U.UNIFORM | U.COPY_DST);
    device.queue.writeBuffer(uniforms, 0, ab);
    const COMPUTE = g().GPUShaderStage.COMPUTE;
    const layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: COMPUTE, buffer: { type: 'storage' } },
        ...program.variableNames.map((_, i) => ({ binding: 1 + i, visibility: COMPUTE, buffer: { type: 'read-only-storage' } })),
        { binding: 1 + program.variableNames.length, visibility: COMPUTE, buffer: { type: 'uniform' } },
      ],
    });
    const module = device.createShaderModule({ code: shaderOf(program) });
    const pipeline = device.createComputePipeline({ layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: '_start' } });
    return { program, pipeline, layout, uniforms };
  };
  const bind = (kk: Kernel, out: Range, ins: Range[]): any =>
    device.createBindGroup({
      layout: kk.layout,
      entries: [out, ...ins, { buffer: kk.uniforms }].map((v, i) => ({ binding: i, resource: v })),
    });

  let kRow!: Kernel, kCol!: Kernel, kSum!: Kernel, kSq!: Kernel, kRec!: Kernel, kUpB!: Kernel, kUpA!: Kernel;
  let kDist: Kernel | undefined;
  await check(device, `pipelines at ${m} x ${n}, r = ${r}`, () => {
    kRow = kernel(rowStepProgram(m, n, r), [{ type: 'int32', data: [m] }, { type: 'int32', data: [n] }]);
    kCol = kernel(colPartialsProgram(m, n, r), [{ type: 'int32', data: [m] }, { type: 'int32', data: [n] }, { type: 'int32', data: [S] }]);
    kSum = kernel(sumChunksProgram(r * n, S, [r, n]), []);
    kSq = kernel(rowsProgram([[m, r], [r, n], [m, r], [r, n]]), []);
    // jscale = 1: the quadratic's J is the sum of its row terms
    kRec = kernel(rec.program, [{ type: 'float32', data: [(x.numScale ?? 1) * num] }, { type: 'float32', data: [c] }, { type: 'float32', data: [1] }]);
    kUpB = kernel(updateProgram([m, r]), [{ type: 'int32', data: [total] }]);
    kUpA = kernel(updateProgram([r, n]), [{ type: 'int32', data: [total] }]);
    if (x.distance) kDist = kernel(distanceProgram(m, n, r), []);
  });

  // a slot: [record (total + 1) | pad | distance rows (m)], both parts at aligned offsets
  const recBytes = Math.ceil(((total + 1) * 4) / align) * align;
  const slotBytes = recBytes + (x.distance ? Math.ceil((m * 4) / align) * align : 0);
  const slots = 2 * maxBatch;
  let Cb!: GPUBuffer, hb!: GPUBuffer, kb!: GPUBuffer, Bb!: GPUBuffer[], Ab!: GPUBuffer[], rowOut!: GPUBuffer, parts!: GPUBuffer, gA!: GPUBuffer, sq!: GPUBuffer, records!: GPUBuffer, staging!: GPUBuffer[];
  await check(device, `buffers at ${m} x ${n}, r = ${r}`, () => {
    Cb = upload(x.C);
    hb = upload(x.h);
    kb = upload(x.k);
    Bb = [upload(x.B0), buffer(m * r * 4)];
    Ab = [upload(x.A0), buffer(r * n * 4)];
    rowOut = buffer((2 * m + m * r) * 4);
    parts = buffer(S * r * n * 4);
    gA = buffer(r * n * 4);
    sq = buffer((2 * m + 2 * r) * 4);
    records = buffer(slots * slotBytes); // two halves: a batch in flight while the other is read
    staging = [buffer(maxBatch * slotBytes, U.MAP_READ | U.COPY_DST), buffer(maxBatch * slotBytes, U.MAP_READ | U.COPY_DST)];
  });
  const gB: Range = { buffer: rowOut, offset: 2 * m * 4, size: m * r * 4 };
  const slot = (s: number): Range => ({ buffer: records, offset: s * slotBytes, size: (total + 1) * 4 });
  const distSlot = (s: number): Range => ({ buffer: records, offset: s * slotBytes + recBytes, size: m * 4 });
  // bind groups: by parity p (B_p, A_p are the iterates read) and record slot s
  type Groups = { row: any; col: any; sum: any; sq: any; rec: any[]; dist: any[]; upB: any[]; upA: any[] };
  const groups: Groups[] = [];
  await check(device, `bind groups at ${m} x ${n}, r = ${r}`, () => {
    for (const p of [0, 1]) {
      const ins = [{ buffer: Bb[p] }, { buffer: Ab[p] }, { buffer: Cb }, { buffer: hb }, { buffer: kb }];
      groups.push({
        row: bind(kRow, { buffer: rowOut }, ins),
        col: bind(kCol, { buffer: parts }, ins),
        sum: bind(kSum, { buffer: gA }, [{ buffer: parts }]),
        sq: bind(kSq, { buffer: sq }, [{ buffer: Bb[p] }, { buffer: Ab[p] }, gB, { buffer: gA }]),
        rec: Array.from({ length: slots }, (_, s) => bind(kRec, slot(s), [{ buffer: rowOut }, { buffer: sq }])),
        dist: kDist ? Array.from({ length: slots }, (_, s) => bind(kDist!, distSlot(s), [{ buffer: Bb[p] }, { buffer: Ab[p] }, { buffer: Cb }])) : [],
        upB: Array.from({ length: slots }, (_, s) => bind(kUpB, { buffer: Bb[1 - p] }, [{ buffer: Bb[p] }, gB, slot(s)])),
        upA: Array.from({ length: slots }, (_, s) => bind(kUpA, { buffer: Ab[1 - p] }, [{ buffer: Ab[p] }, { buffer: gA }, slot(s)])),
      });
    }
  });

  let t = 0; // the next step's index
  let parity = 0; // which of Bb, Ab hold the iterate
  let k = 0; // batches submitted (their halves alternate)
  const dispatch = (pass: any, kk: Kernel, group: any): void => {
    pass.setPipeline(kk.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(...kk.program.dispatch);
    directCounts.dispatches++;
  };
  const recordLength = total + 1 + (x.distance ? m : 0);
  const readBuffer = async (src: GPUBuffer, bytes: number): Promise<Float32Array> => {
    const st = buffer(bytes, U.MAP_READ | U.COPY_DST);
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(src, 0, st, 0, bytes);
    device.queue.submit([enc.finish()]);
    await st.mapAsync(g().GPUMapMode.READ, 0, bytes);
    const v = new Float32Array(st.getMappedRange(0, bytes).slice(0));
    st.unmap();
    return v;
  };
  return {
    recordLength,
    etaIndex: total,
    submit(count: number, updateLast = true): DirectBatch {
      if (!(count >= 1 && count <= maxBatch)) throw new Error(`direct step: batch of ${count} outside 1..${maxBatch}`);
      const half = k++ % 2;
      const t0 = t;
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      for (let s = 0; s < count; s++, t++) {
        const G = groups[parity]!;
        const at = half * maxBatch + s;
        dispatch(pass, kRow, G.row);
        dispatch(pass, kCol, G.col);
        dispatch(pass, kSum, G.sum);
        dispatch(pass, kSq, G.sq);
        dispatch(pass, kRec, G.rec[at]);
        if (kDist) dispatch(pass, kDist, G.dist[at]);
        if (s < count - 1 || updateLast) {
          dispatch(pass, kUpB, G.upB[at]);
          dispatch(pass, kUpA, G.upA[at]);
          parity = 1 - parity;
        }
      }
      pass.end();
      enc.copyBufferToBuffer(records, half * maxBatch * slotBytes, staging[half], 0, count * slotBytes);
      device.queue.submit([enc.finish()]);
      directCounts.submits++;
      return { t0, count, half };
    },
    async read(b: DirectBatch): Promise<Float32Array[]> {
      const st = staging[b.half];
      directCounts.reads++;
      await st.mapAsync(g().GPUMapMode.READ, 0, b.count * slotBytes);
      const vals = new Float32Array(st.getMappedRange(0, b.count * slotBytes).slice(0));
      st.unmap();
      return Array.from({ length: b.count }, (_, s) => {
        const out = new Float32Array(recordLength);
        const at = (s * slotBytes) / 4;
        out.set(vals.subarray(at, at + total + 1));
        if (x.distance) out.set(vals.subarray(at + recBytes / 4, at + recBytes / 4 + m), total + 1);
        return out;
      });
    },
    async weights() {
      return { B: await readBuffer(Bb[parity], m * r * 4), A: await readBuffer(Ab[parity], r * n * 4) };
    },
    destroy() {
      made.forEach((b) => b.destroy());
    },
  };
}
