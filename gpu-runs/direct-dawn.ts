/**
 * What the direct webgpu steps share (the quadratic's direct-webgpu.ts, the softmax regression's
 * direct-softmax.ts): the trainer's WGSL programs (WebGPUProgram, as tfjs' kernel registry runs
 * them) compiled straight on Dawn's GPUDevice, with tfjs' preamble, bindings and uniform struct
 * rebuilt (shaderOf); buffers, pipelines and bind groups made ONCE (DawnKit); and the batches
 * (directBatches): up to `maxBatch` steps encoded into one compute pass and one queue.submit, each
 * step writing its record into its slot of one or more GPU buffers (regions), the slots of a batch
 * copied to a mappable buffer and read back once per batch, while the next batch runs.
 *
 * Why: each dispatch through tfjs costs about 0.1 ms of host work (bench/webgpu-profile.ts),
 * more than the GPU time of a whole step at the sizes the bench times.
 */
import type { TF } from './backend.ts';
import type { Rule } from './rules.ts';
import type { PartialsLayout } from './train-common.ts';
import type { WebGPUProgram } from './webgpu-kernels.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type GPUDevice = any;
export type GPUBuffer = any;

/** Most steps in one submit (the record slots are 2 x this: one batch in flight while the other is read). */
export const DIRECT_MAX_BATCH = 64;

const g = (): any => globalThis as any;

/** LORACHECK_WEBGPU_DIRECT=0 turns the direct path off (the trainer then dispatches through tfjs). */
export function directEnabled(): boolean {
  return process.env.LORACHECK_WEBGPU_DIRECT !== '0';
}

/** The webgpu backend's GPUDevice (tfjs-backend-webgpu keeps it as `device`), or undefined. */
export function webgpuDevice(tf: TF): GPUDevice | undefined {
  return tf.getBackend() === 'webgpu' ? (tf.backend() as any).device : undefined;
}

/** The device's alignment of storage-buffer binding offsets (WebGPU's default: 256 bytes). */
export function offsetAlignment(device: GPUDevice): number {
  return device.limits?.minStorageBufferOffsetAlignment ?? 256;
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

/** A buffer range bound to a slot. */
export interface Range {
  buffer: GPUBuffer;
  offset?: number;
  size?: number;
}

/** A program's pipeline, bind-group layout and (default) uniform buffer. */
export interface Kernel {
  program: WebGPUProgram;
  pipeline: any;
  layout: any;
  uniforms: GPUBuffer;
}

type UniformValue = { type: 'int32' | 'float32'; data: number[] };

/** Pipelines by device and shader text (SwiftShader takes about a second to compile a big one). */
const compiled = new WeakMap<GPUDevice, Map<string, { layout: any; pipeline: any }>>();

/** Runs f with Dawn's validation and out-of-memory errors caught, thrown as one Error naming `what`. */
export async function check(device: GPUDevice, what: string, f: () => void): Promise<void> {
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  f();
  const oom = await device.popErrorScope();
  const val = await device.popErrorScope();
  if (oom || val) {
    compiled.delete(device); // a pipeline made in f may be the invalid one
    throw new Error(`${what}: ${(val ?? oom).message}`);
  }
}

/** Work a direct step has encoded: dispatches, submits, read-backs (mapAsync) and host-to-GPU writes
 *  inside the run (a mini-batch's indices), for the bench's counts. */
interface DirectCounts {
  dispatches: number;
  submits: number;
  reads: number;
  writes: number;
}

/** The same counts over every kit of the process (the bench's step-structure table takes differences of these, as it does of tfjs' dispatches). */
export const directTotals: DirectCounts = { dispatches: 0, submits: 0, reads: 0, writes: 0 };

/** Buffers, pipelines and bind groups on one device, all destroyed together. */
export class DawnKit {
  private readonly made: GPUBuffer[] = [];
  readonly counts: DirectCounts = { dispatches: 0, submits: 0, reads: 0, writes: 0 };
  readonly usage: any = g().GPUBufferUsage;

  constructor(readonly device: GPUDevice) {}

  /** A zeroed buffer (storage, copy source and destination unless told). */
  buffer(bytes: number, usage = this.usage.STORAGE | this.usage.COPY_SRC | this.usage.COPY_DST): GPUBuffer {
    const b = this.device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage });
    this.made.push(b);
    return b;
  }

  upload(data: Float32Array): GPUBuffer {
    const b = this.buffer(data.byteLength);
    this.device.queue.writeBuffer(b, 0, data);
    return b;
  }

  /** A uniform buffer holding the program's uniform struct: NAN, INFINITY, [size], then `values`. */
  uniforms(program: WebGPUProgram, values: UniformValue[]): GPUBuffer {
    const sizeU = program.size ? [{ type: 'int32' as const, data: [program.outputShape.reduce((a, b) => a * b, 1)] }] : [];
    const vals = [{ type: 'float32' as const, data: [NaN] }, { type: 'float32' as const, data: [Infinity] }, ...sizeU, ...values];
    const ab = new ArrayBuffer(Math.max(16, Math.ceil((vals.length * 4) / 16) * 16));
    vals.forEach((v, i) => (v.type === 'int32' ? new Int32Array(ab, i * 4, 1).set(v.data) : new Float32Array(ab, i * 4, 1).set(v.data)));
    const u = this.buffer(ab.byteLength, this.usage.UNIFORM | this.usage.COPY_DST);
    this.device.queue.writeBuffer(u, 0, ab);
    return u;
  }

  /** The program's pipeline (compiled once per device and shader: later steps of the same size reuse it) and a uniform buffer. */
  kernel(program: WebGPUProgram, values: UniformValue[]): Kernel {
    const code = shaderOf(program);
    let cache = compiled.get(this.device);
    if (!cache) compiled.set(this.device, (cache = new Map()));
    let made = cache.get(code);
    if (!made) {
      const COMPUTE = g().GPUShaderStage.COMPUTE;
      const layout = this.device.createBindGroupLayout({
        entries: [
          { binding: 0, visibility: COMPUTE, buffer: { type: 'storage' } },
          ...program.variableNames.map((_, i) => ({ binding: 1 + i, visibility: COMPUTE, buffer: { type: 'read-only-storage' } })),
          { binding: 1 + program.variableNames.length, visibility: COMPUTE, buffer: { type: 'uniform' } },
        ],
      });
      const module = this.device.createShaderModule({ code });
      const pipeline = this.device.createComputePipeline({ layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: '_start' } });
      cache.set(code, (made = { layout, pipeline }));
    }
    return { program, ...made, uniforms: this.uniforms(program, values) };
  }

  bind(k: Kernel, out: Range, ins: Range[], uniforms: GPUBuffer = k.uniforms): any {
    return this.device.createBindGroup({
      layout: k.layout,
      entries: [out, ...ins, { buffer: uniforms }].map((v, i) => ({ binding: i, resource: v })),
    });
  }

  dispatch(pass: any, k: Kernel, group: any): void {
    pass.setPipeline(k.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(...k.program.dispatch);
    this.counts.dispatches++;
    directTotals.dispatches++;
  }

  /** Writes `data` into a buffer at `offset` bytes (queue-ordered: before any later submit), counted. */
  write(dst: GPUBuffer, offset: number, data: Float32Array): void {
    this.device.queue.writeBuffer(dst, offset, data);
    this.counts.writes++;
    directTotals.writes++;
  }

  /** `bytes` of a buffer from `offset`, copied out and mapped (a one-off read, not a batch's). */
  async read(src: GPUBuffer, bytes: number, offset = 0): Promise<Float32Array> {
    const st = this.buffer(bytes, this.usage.MAP_READ | this.usage.COPY_DST);
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(src, offset, st, 0, bytes);
    this.device.queue.submit([enc.finish()]);
    await st.mapAsync(g().GPUMapMode.READ, 0, bytes);
    const v = new Float32Array(st.getMappedRange(0, bytes).slice(0));
    st.unmap();
    return v;
  }

  destroy(): void {
    this.made.forEach((b) => b.destroy());
    this.made.length = 0;
  }
}

/** A submitted batch of steps t0 .. t0 + count - 1. */
export interface DirectBatch {
  t0: number;
  count: number;
  half: number;
}

/** Where the trainer finds each quantity in a direct step's record (trainer.ts unpack). */
interface DirectLayout extends PartialsLayout {
  /** Rows of ||W_t - W*||^2 after the record (0: none). */
  dist: number;
  /** After those: the rows of dJ = J(V_{t+1}) - J(V_t), then the rows of its error bound (m each; 0: none). */
  dec?: number;
}

/** What every direct step is given besides its workload's data. */
export interface DirectStepInputs {
  /** The iterate at t = 0. */
  B0: Float32Array;
  A0: Float32Array;
  rule: Rule;
  alpha: number | null;
  /** The theory's constant (fixed for the run). */
  L: number;
  /** Steps a submit at most (<= DIRECT_MAX_BATCH). */
  maxBatch: number;
  /** Scales eta's numerator: 1 is the trainer's step; the benches' tests pass another value to see their checks fail. */
  numScale?: number;
}

/** A direct step at one size: buffers, pipelines and bind groups made once. */
export interface DirectStep {
  /** Values a step's record has: [J terms | full-J terms | V rows | G rows | D rows | eta], then the distance rows
   *  where asked (full-J terms: mini-batch steps that evaluate the full-data loss; the other steps' records are shorter). */
  readonly recordLength: number;
  /** The index of eta in a record (of a record with every segment: eta is always a record's last value but the distance rows). */
  readonly etaIndex: number;
  readonly layout: DirectLayout;
  /** Dispatches, submits and read-backs so far. */
  readonly counts: DirectCounts;
  /** Encodes `count` (<= maxBatch) more steps in one submit; `updateLast` false: the last one only records (no step (3)). */
  submit(count: number, updateLast?: boolean): DirectBatch;
  /** Maps a submitted batch's records back, one Float32Array (recordLength) per step. Batches are read in order. */
  read(b: DirectBatch): Promise<Float32Array[]>;
  /** The current iterate B, A (after the steps submitted so far). */
  weights(): Promise<{ B: Float32Array; A: Float32Array }>;
  destroy(): void;
}

/** Slot s of a region lies at base + s * stride bytes of its buffer (2 maxBatch slots: a batch uses one half). */
interface SlotRegion {
  buffer: GPUBuffer;
  base: number;
  stride: number;
}

interface Batches {
  /** Encodes `count` steps (encodeStep(pass, slot, update) each) into one pass and one submit, then the
   *  copies of their slots into this half's staging buffer. */
  submit(count: number, updateLast: boolean): DirectBatch;
  /** Each step's slot in each region (stride / 4 floats a view), mapped back. */
  read(b: DirectBatch): Promise<Float32Array[][]>;
}

/**
 * The batch engine: `encodeStep(pass, slot, update)` encodes one step whose record goes into
 * slot `slot` (0 .. 2 maxBatch - 1) of every region, and step (3) unless update is false.
 * `prepare(slot, count)`, where given, runs before a batch's steps are encoded (slots slot ..
 * slot + count - 1): its queue writes land before the batch's submit (a mini-batch's indices).
 * Staging: one mappable buffer per half, the regions' slots of a batch one after another.
 */
export function directBatches(
  kit: DawnKit,
  maxBatch: number,
  regions: SlotRegion[],
  encodeStep: (pass: any, slot: number, update: boolean) => void,
  prepare?: (slot: number, count: number) => void,
): Batches {
  const { device } = kit;
  const at: number[] = [];
  let bytes = 0;
  for (const r of regions) {
    at.push(bytes);
    bytes += maxBatch * r.stride;
  }
  const staging = [kit.buffer(bytes, kit.usage.MAP_READ | kit.usage.COPY_DST), kit.buffer(bytes, kit.usage.MAP_READ | kit.usage.COPY_DST)];
  let t = 0; // the next step's index
  let k = 0; // batches submitted (their halves alternate)
  return {
    submit(count: number, updateLast: boolean): DirectBatch {
      if (!(count >= 1 && count <= maxBatch)) throw new Error(`direct step: batch of ${count} outside 1..${maxBatch}`);
      const half = k++ % 2;
      const t0 = t;
      prepare?.(half * maxBatch, count);
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      for (let s = 0; s < count; s++, t++) encodeStep(pass, half * maxBatch + s, s < count - 1 || updateLast);
      pass.end();
      regions.forEach((r, i) => enc.copyBufferToBuffer(r.buffer, r.base + half * maxBatch * r.stride, staging[half], at[i], count * r.stride));
      device.queue.submit([enc.finish()]);
      kit.counts.submits++;
      directTotals.submits++;
      return { t0, count, half };
    },
    async read(b: DirectBatch): Promise<Float32Array[][]> {
      const st = staging[b.half];
      const last = regions.length - 1;
      const end = at[last]! + b.count * regions[last]!.stride;
      await st.mapAsync(g().GPUMapMode.READ, 0, end);
      kit.counts.reads++;
      directTotals.reads++;
      const parts = regions.map((r, i) => new Float32Array(st.getMappedRange(at[i], b.count * r.stride).slice(0)));
      st.unmap();
      return Array.from({ length: b.count }, (_, s) => regions.map((r, i) => parts[i]!.subarray((s * r.stride) / 4, ((s + 1) * r.stride) / 4)));
    },
  };
}
