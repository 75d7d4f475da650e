/**
 * The cross-entropy pieces of the softmax workloads (softmax.ts, SoftmaxData.crossEntropy) as two
 * WebGPU kernels, for the webgpu backend only, instead of about fourteen tfjs ops (logSumExp
 * alone is six): with Z the N x C logits and Y the one-hot labels,
 *   LoracheckCrossEntropyTerms  row i -> logsumexp(Z_i) - <Z_i, Y_i>
 *   LoracheckCrossEntropyGrad   (softmax(Z_i) - Y_i) / N, one thread per entry
 * logsumexp shifted by the row maximum, as tfjs' logSumExp does. Y is read through f32(): tfjs may
 * keep the one-hot labels in an int32 buffer after casting them. The SwiftShader tests compare
 * the traces with the wasm backend's and with these kernels turned off.
 *
 * The LoRA step of softmax regression from the adapters (full batch), five kernels instead of
 * W = W0 + BA, Z = X W^T, the two above, dZ^T X, G A^T and B^T G:
 *   LoracheckSoftmaxWeight        W^T = (W0 + BA)^T, rows padded to CP entries
 *   LoracheckSoftmaxLogits        one pass over X: per row, Z_i = W x_i (tiles of X and W^T in
 *                                 workgroup memory), its loss term and dZ_i = (softmax(Z_i) - Y_i) / N
 *   LoracheckSoftmaxGradPartials  one pass over X: dZ^T X over chunks of rows (split-K), one
 *                                 thread per column of X and chunk
 *   LoracheckSumChunks            G = the chunks summed (quadratic-webgpu.ts)
 *   LoracheckSoftmaxAdapterGrads  grad_B = G A^T (one workgroup per row of G) and grad_A = B^T G
 * The classes are packed four to a vec4 (CP = 4 ceil(C / 4)): dZ rows have CP entries, padded
 * with zeros. The trainer's tfjs path runs them through tfjs (softmaxAdapterStepWebgpu), its
 * direct path straight on Dawn (direct-softmax.ts): the same WGSL, the same records.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { TF } from '../backend.ts';
import { customKernelsEnabled, registerWebgpuKernel, type WebGPUProgram } from '../webgpu-kernels.ts';
import { sumChunksWebgpu } from './quadratic-webgpu.ts';

const TERMS_KERNEL = 'LoracheckCrossEntropyTerms';
const GRAD_KERNEL = 'LoracheckCrossEntropyGrad';
const WG = 64;
/** Threads of an adapter-gradient workgroup (adapterGradsProgram). */
const ADAPTER_WG = 64;
/** Largest rank of the adapter-gradient kernel: its r sums of ADAPTER_WG threads in 16 KB of workgroup
 *  memory (the quadratic's row kernel reduces in rounds and goes further: quadratic-webgpu.ts STEP_MAX_RANK). */
export const SOFTMAX_MAX_RANK = Math.floor(16384 / (4 * ADAPTER_WG));

/** WGSL: lse of row `i` of Z (C columns), shifted by the row maximum. */
const LSE = (C: number) => `
      fn rowLse(i : i32) -> f32 {
        var mx = Z[i * ${C}];
        for (var j = 1; j < ${C}; j = j + 1) { mx = max(mx, Z[i * ${C} + j]); }
        var s = 0.0;
        for (var j = 0; j < ${C}; j = j + 1) { s = s + exp(Z[i * ${C} + j] - mx); }
        return log(s) + mx;
      }`;

function termsProgram(N: number, C: number): WebGPUProgram {
  return {
    variableNames: ['Z', 'Y'],
    outputShape: [N],
    shaderKey: `loracheck_ce_terms_${C}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(N / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    size: true,
    getUserCode: () => `${LSE(C)}
      fn main(index : i32) {
        if (index < uniforms.size) {
          var zy = 0.0;
          for (var j = 0; j < ${C}; j = j + 1) { zy = zy + Z[index * ${C} + j] * f32(Y[index * ${C} + j]); }
          result[index] = rowLse(index) - zy;
        }
      }`,
  };
}

function gradProgram(N: number, C: number): WebGPUProgram {
  return {
    variableNames: ['Z', 'Y'],
    outputShape: [N, C],
    shaderKey: `loracheck_ce_grad_${C}`,
    dispatchLayout: { x: [0, 1] },
    dispatch: [Math.ceil((N * C) / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    size: true,
    uniforms: 'invN : f32,',
    getUserCode: () => `${LSE(C)}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let i = index / ${C};
          result[index] = (exp(Z[index] - rowLse(i)) - f32(Y[index])) * uniforms.invN;
        }
      }`,
  };
}

function register(tf: TF): void {
  registerWebgpuKernel(tf, TERMS_KERNEL, ({ Z, Y }) => ({ program: termsProgram(Z!.shape[0]!, Z!.shape[1]!), inputs: [Z!, Y!] }));
  registerWebgpuKernel(tf, GRAD_KERNEL, ({ Z, Y }, attrs) => ({
    program: gradProgram(Z!.shape[0]!, Z!.shape[1]!),
    inputs: [Z!, Y!],
    uniforms: [{ type: 'float32', data: [(attrs as { invN: number }).invN] }],
  }));
}

/** Whether the kernels apply: the active backend is webgpu (and they are not turned off). */
export function crossEntropyKernelsAvailable(tf: TF): boolean {
  return tf.getBackend() === 'webgpu' && customKernelsEnabled();
}

/** Per-row cross-entropy terms and, with withGrad, dL/dZ = (softmax(Z) - Y) / Nb. Call inside tf.tidy. */
export function crossEntropyWebgpu(tf: TF, Z: Tensor2D, Y: Tensor2D, Nb: number, withGrad: boolean): { Jterms: Tensor1D; dZ?: Tensor2D } {
  register(tf);
  const Jterms = tf.engine().runKernel(TERMS_KERNEL, { Z, Y } as never, {}) as Tensor1D;
  if (!withGrad) return { Jterms };
  return { Jterms, dZ: tf.engine().runKernel(GRAD_KERNEL, { Z, Y } as never, { invN: 1 / Nb } as never) as Tensor2D };
}

const WEIGHT_KERNEL = 'LoracheckSoftmaxWeight';
const LOGITS_KERNEL = 'LoracheckSoftmaxLogits';
const PARTIALS_KERNEL = 'LoracheckSoftmaxGradPartials';
const ADAPTER_KERNEL = 'LoracheckSoftmaxAdapterGrads';

/** Most classes of the LoRA kernels (their logits and partial sums live in registers, CP / 4 vec4s;
 *  a W^T tile, TILE x CP / 4 vec4s, is loaded one vec4 a thread). */
export const SOFTMAX_MAX_CLASSES = 16;
/** Rows a logits workgroup takes (a thread each), and the columns of X one tile of workgroup memory holds. */
const LOGITS_ROWS = 64;
const TILE = 16;
/** Columns of X a partials workgroup takes (a thread each), and the rows a thread loads before it adds them. */
const PART_COLS = 64;
const UNROLL = 4;

/** Classes padded to whole vec4s. */
export const paddedClasses = (C: number): number => 4 * Math.ceil(C / 4);

/** Rows per chunk of the dZ^T X partials: about 128 chunks (at least 64 rows, a multiple of UNROLL). */
export const partialRows = (N: number): number => Math.max(64, UNROLL * Math.ceil(N / (128 * UNROLL)));

/** W^T = (W0 + BA)^T, its rows padded to CP entries (zeros), for the logits kernel: one thread an entry. */
export function weightProgram(n: number, C: number, r: number): WebGPUProgram {
  const CP = paddedClasses(C);
  return {
    variableNames: ['W0', 'B', 'A'],
    outputShape: [n * CP],
    shaderKey: `loracheck_softmax_weight_${n}_${C}_${r}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil((n * CP) / 256), 1, 1],
    workgroupSize: [256, 1, 1],
    size: true,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let k = index / ${CP};
          let c = index - k * ${CP};
          var w = 0.0;
          if (c < ${C}) {
            var ba = 0.0;
            for (var q = 0; q < ${r}; q = q + 1) { ba = ba + B[c * ${r} + q] * A[q * ${n} + k]; }
            w = W0[c * ${n} + k] + ba;
          }
          result[index] = w;
        }
      }`,
  };
}

/** Which rows of X a pass reads: all N in order, or (a mini-batch) the `batch` rows whose indices
 *  the input I holds (i32 through tfjs, whole floats on the direct path: read as i32(I[k])); and
 *  whether the logits pass writes dZ (false: the loss terms only, the full-data J of a mini-batch run). */
interface SoftmaxRows {
  batch?: number;
  grad?: boolean;
}

/**
 * Row i -> result[i * CP + c] = (softmax(Z_i)_c - Y_ic) / N (zero for c >= C) and
 * result[jOff + i] = logsumexp(Z_i) - <Z_i, Y_i>, with Z_i = W x_i summed over the columns in
 * order. Tiles of X (LOGITS_ROWS rows x TILE columns, read row by row: coalesced) and of W^T go
 * through workgroup memory; each thread loads its share of the next tile into registers while it
 * works on the current one, and keeps its row's logits in CP / 4 vec4s. A mini-batch (rows.batch)
 * takes row i from X's row I[i] (invN then 1 / batch); rows.grad false writes the loss terms only
 * (result[jOff + i], i < N).
 */
export function logitsProgram(N: number, n: number, C: number, rows: SoftmaxRows = {}): WebGPUProgram {
  const CP = paddedClasses(C);
  const C4 = CP / 4;
  const zs = Array.from({ length: C }, (_, c) => `z${c >> 2}[${c & 3}]`);
  const each = (f: (c: number) => string, sep = ' ') => Array.from({ length: C4 }, (_, c) => f(c)).join(sep);
  const grad = rows.grad ?? true;
  // full data: the text as before mini-batches (its records and pipelines unchanged)
  const R = rows.batch ?? N;
  const xRow = rows.batch === undefined ? 'gi' : 'i32(I[gi])';
  const yRow = rows.batch === undefined ? 'i' : 'yi';
  const tag = `${rows.batch === undefined ? '' : `_batch${rows.batch}`}${grad ? '' : '_loss'}`;
  return {
    variableNames: rows.batch === undefined ? ['X', 'Y', 'Wt'] : ['X', 'Y', 'Wt', 'I'],
    outputShape: grad ? [R * CP + R] : [R],
    shaderKey: `loracheck_softmax_logits_${N}_${n}_${C}${tag}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(R / LOGITS_ROWS), 1, 1],
    workgroupSize: [LOGITS_ROWS, 1, 1],
    uniforms: 'jOff : i32, invN : f32,',
    getUserCode: () => `
      var<workgroup> xs : array<f32, ${LOGITS_ROWS * (TILE + 1)}>;
      var<workgroup> ws : array<vec4<f32>, ${TILE * C4}>;
      var<private> px : array<f32, ${TILE}>;
      var<private> pw : vec4<f32>;
      // this thread's share of the tile at column k0: entries t, t + ${LOGITS_ROWS}, ... of X's and of W^T's
      fn fetch(row0 : i32, k0 : i32, t : i32) {
        for (var u = 0; u < ${TILE}; u = u + 1) {
          let e = t + u * ${LOGITS_ROWS};
          let gi = row0 + e / ${TILE};
          let gc = k0 + e % ${TILE};
          var v = 0.0;
          if (gi < ${R} && gc < ${n}) { v = X[${xRow} * ${n} + gc]; }
          px[u] = v;
        }
        let k = k0 * ${C4} + t;
        pw = vec4<f32>(0.0);
        if (t < ${TILE * C4} && k < ${n * C4}) { pw = vec4<f32>(Wt[4 * k], Wt[4 * k + 1], Wt[4 * k + 2], Wt[4 * k + 3]); }
      }
      fn main(index : i32) {
        let t = i32(localId.x);
        let row0 = i32(workgroupId.x) * ${LOGITS_ROWS};
        ${each((c) => `var z${c} = vec4<f32>(0.0);`)}
        fetch(row0, 0, t);
        for (var k0 = 0; k0 < ${n}; k0 = k0 + ${TILE}) {
          workgroupBarrier();
          for (var u = 0; u < ${TILE}; u = u + 1) {
            let e = t + u * ${LOGITS_ROWS};
            xs[(e / ${TILE}) * ${TILE + 1} + e % ${TILE}] = px[u];
          }
          if (t < ${TILE * C4}) { ws[t] = pw; }
          workgroupBarrier();
          if (k0 + ${TILE} < ${n}) { fetch(row0, k0 + ${TILE}, t); }
          for (var cc = 0; cc < ${TILE}; cc = cc + 1) {
            let x = xs[t * ${TILE + 1} + cc];
            ${each((c) => `z${c} = z${c} + ws[cc * ${C4} + ${c}] * x;`)}
          }
        }
        let i = row0 + t;
        if (i < ${R}) {${rows.batch === undefined ? '' : '\n          let yi = i32(I[i]);'}
          var mx = ${zs[0]};
          ${zs.slice(1).map((v) => `mx = max(mx, ${v});`).join(' ')}
          var s = 0.0;
          ${zs.map((v) => `s = s + exp(${v} - mx);`).join(' ')}
          let lse = log(s) + mx;
          var zy = 0.0;
          ${zs.map((v, c) => `zy = zy + ${v} * f32(Y[${yRow} * ${C} + ${c}]);`).join(' ')}
          result[uniforms.jOff + i] = lse - zy;${grad ? `
          ${zs.map((v, c) => `result[i * ${CP} + ${c}] = (exp(${v} - lse) - f32(Y[${yRow} * ${C} + ${c}])) * uniforms.invN;`).join('\n          ')}
          ${Array.from({ length: CP - C }, (_, k) => `result[i * ${CP} + ${C + k}] = 0.0;`).join(' ')}` : ''}
        }
      }`,
  };
}

/**
 * Partial sums of dZ^T X over chunks of R rows: result[(s * C + c) * n + j] = sum_{i in chunk s} dZ_ic X_ij,
 * the rows in order. One thread a column j of a chunk (64 a workgroup: each row read coalesced),
 * UNROLL rows loaded before they are added; dZ read as vec4s (rows padded to CP entries). A
 * mini-batch (batch): dZ's row i pairs with X's row I[i].
 */
export function gradPartialsProgram(N: number, n: number, C: number, batch?: number): WebGPUProgram {
  const CP = paddedClasses(C);
  const C4 = CP / 4;
  const rowsIn = batch ?? N;
  const R = partialRows(rowsIn);
  const S = Math.ceil(rowsIn / R);
  const xRow = (i: string) => (batch === undefined ? i : `i32(I[${i}])`);
  const each = (f: (c: number) => string, sep = ' ') => Array.from({ length: C4 }, (_, c) => f(c)).join(sep);
  const rows = (f: (u: number) => string, sep = ' ') => Array.from({ length: UNROLL }, (_, u) => f(u)).join(sep);
  return {
    variableNames: batch === undefined ? ['D', 'X'] : ['D', 'X', 'I'],
    outputShape: [S * C * n],
    shaderKey: `loracheck_softmax_partials_${N}_${n}_${C}${batch === undefined ? '' : `_batch${batch}`}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(n / PART_COLS), S, 1],
    workgroupSize: [PART_COLS, 1, 1],
    size: true, // (the shader must read `uniforms`, or its binding is dropped from the layout)
    getUserCode: () => `
      fn dz(i : i32, c : i32) -> vec4<f32> {
        let b = i * ${CP} + 4 * c;
        return vec4<f32>(D[b], D[b + 1], D[b + 2], D[b + 3]);
      }
      fn main(index : i32) {
        let j = i32(workgroupId.x) * ${PART_COLS} + i32(localId.x);
        let s = i32(workgroupId.y);
        if (j >= ${n} || uniforms.size == 0) { return; }
        let i1 = min(${rowsIn}, (s + 1) * ${R});
        ${each((c) => `var acc${c} = vec4<f32>(0.0);`)}
        var i = s * ${R};
        for (; i + ${UNROLL - 1} < i1; i = i + ${UNROLL}) {
          ${rows((u) => `let x${u} = X[${xRow(`(i + ${u})`)} * ${n} + j];`)}
          ${rows((u) => each((c) => `acc${c} = acc${c} + dz(i + ${u}, ${c}) * x${u};`), '\n          ')}
        }
        for (; i < i1; i = i + 1) {
          let x = X[${xRow('i')} * ${n} + j];
          ${each((c) => `acc${c} = acc${c} + dz(i, ${c}) * x;`)}
        }
        ${Array.from({ length: C }, (_, c) => `result[(s * ${C} + ${c}) * ${n} + j] = acc${c >> 2}[${c & 3}];`).join('\n        ')}
      }`,
  };
}

/**
 * result[g * r + q] = (G A^T)_gq for g < C (one workgroup a row of G: each thread r sums over its
 * columns, then a tree), and result[aOff + q * n + j] = (B^T G)_qj (one thread an entry, the C
 * terms in order) in the workgroups after them.
 */
export function adapterGradsProgram(C: number, n: number, r: number): WebGPUProgram {
  const WG = ADAPTER_WG;
  return {
    variableNames: ['G', 'B', 'A'],
    outputShape: [C * r + r * n],
    shaderKey: `loracheck_softmax_adapter_${C}_${n}_${r}`,
    dispatchLayout: { x: [0] },
    dispatch: [C + Math.ceil((r * n) / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    uniforms: 'aOff : i32,',
    getUserCode: () => `
      var<workgroup> red : array<f32, ${r * WG}>;
      fn main(index : i32) {
        let g = i32(workgroupId.x);
        let t = i32(localId.x);
        var acc : array<f32, ${r}>;
        for (var q = 0; q < ${r}; q = q + 1) { acc[q] = 0.0; }
        if (g < ${C}) {
          for (var j = t; j < ${n}; j = j + ${WG}) {
            let gv = G[g * ${n} + j];
            for (var q = 0; q < ${r}; q = q + 1) { acc[q] = acc[q] + gv * A[q * ${n} + j]; }
          }
        }
        for (var q = 0; q < ${r}; q = q + 1) { red[q * ${WG} + t] = acc[q]; }
        workgroupBarrier();
        for (var s = ${WG / 2}; s > 0; s = s >> 1) {
          if (t < s) {
            for (var q = 0; q < ${r}; q = q + 1) { red[q * ${WG} + t] = red[q * ${WG} + t] + red[q * ${WG} + t + s]; }
          }
          workgroupBarrier();
        }
        if (g < ${C}) {
          if (t == 0) {
            for (var q = 0; q < ${r}; q = q + 1) { result[g * ${r} + q] = red[q * ${WG}]; }
          }
        } else {
          let e = (g - ${C}) * ${WG} + t;
          if (e < ${r * n}) {
            let q = e / ${n};
            let j = e - q * ${n};
            var v = 0.0;
            for (var c = 0; c < ${C}; c = c + 1) { v = v + B[c * ${r} + q] * G[c * ${n} + j]; }
            result[uniforms.aOff + e] = v;
          }
        }
      }`,
  };
}

function registerAdapters(tf: TF): void {
  registerWebgpuKernel(tf, WEIGHT_KERNEL, ({ W0, B, A }) => {
    const [C, n] = W0!.shape as [number, number];
    return { program: weightProgram(n, C, B!.shape[1]!), inputs: [W0!, B!, A!] };
  });
  // I (optional): a mini-batch's row indices; attrs.grad false: the loss terms only
  registerWebgpuKernel(tf, LOGITS_KERNEL, ({ X, Y, Wt, I }, attrs) => {
    const [N, n] = X!.shape as [number, number];
    const { classes: C, grad } = attrs as { classes: number; grad: boolean };
    const R = I ? I.shape[0]! : N;
    return {
      program: logitsProgram(N, n, C, { ...(I ? { batch: R } : {}), grad }),
      inputs: I ? [X!, Y!, Wt!, I] : [X!, Y!, Wt!],
      uniforms: [{ type: 'int32', data: [grad ? R * paddedClasses(C) : 0] }, { type: 'float32', data: [1 / R] }],
    };
  });
  registerWebgpuKernel(tf, PARTIALS_KERNEL, ({ D, X, I }, attrs) => {
    const [N, n] = X!.shape as [number, number];
    return { program: gradPartialsProgram(N, n, (attrs as { classes: number }).classes, I?.shape[0]), inputs: I ? [D!, X!, I] : [D!, X!] };
  });
  registerWebgpuKernel(tf, ADAPTER_KERNEL, ({ G, B, A }) => {
    const [C, n] = G!.shape as [number, number];
    const r = B!.shape[1]!;
    return { program: adapterGradsProgram(C, n, r), inputs: [G!, B!, A!], uniforms: [{ type: 'int32', data: [C * r] }] };
  });
}

/** The most workgroups along one dimension of the LoRA kernels' dispatches (WebGPU allows 65535):
 *  weight, logits, partials (columns, chunks), sumchunks, adapter, and the [B | A] update. */
export function softmaxDispatchGroups(N: number, n: number, C: number, r: number): number {
  const CP = paddedClasses(C);
  return Math.max(Math.ceil((n * CP) / 256), Math.ceil(N / LOGITS_ROWS), Math.ceil(n / PART_COLS), Math.ceil(N / partialRows(N)), Math.ceil((C * n) / 256), C + Math.ceil((r * n) / 64), Math.ceil((r * n + 64) / 256));
}

/** Whether the LoRA kernels apply: webgpu with the kernels on, at most SOFTMAX_MAX_CLASSES classes, r <= SOFTMAX_MAX_RANK,
 *  dispatches within WebGPU's limit. */
export function softmaxAdapterKernelsApply(tf: TF, N: number, n: number, C: number, r: number): boolean {
  return crossEntropyKernelsAvailable(tf) && C <= SOFTMAX_MAX_CLASSES && r <= SOFTMAX_MAX_RANK && softmaxDispatchGroups(N, n, C, r) <= 65535;
}

/**
 * The LoRA step's loss terms and gradients from the adapters (W^T formed padded, dZ as the logits
 * kernel leaves it): Jterms (N, or the batch's rows), G (C x n), grad_B = G A^T and grad_A = B^T G,
 * in five kernels (and slices). A mini-batch (`batch`: the row indices, int32) reads its rows of X
 * and Y through them; `withFull` adds the full-data loss terms at the same W (fullJterms, N: one more
 * pass over X, the loss terms only). Call inside tf.tidy, where softmaxAdapterKernelsApply.
 */
export function softmaxAdapterStepWebgpu(
  tf: TF,
  X: Tensor2D,
  Y: Tensor2D,
  W0: Tensor2D,
  B: Tensor2D,
  A: Tensor2D,
  batch?: Tensor1D,
  withFull = false,
): { Jterms: Tensor1D; G: Tensor2D; gB: Tensor2D; gA: Tensor2D; fullJterms?: Tensor1D } {
  registerAdapters(tf);
  const [N, n] = X.shape;
  const R = batch ? batch.shape[0] : N;
  const C = W0.shape[0];
  const r = B.shape[1];
  const I = batch ? { I: batch } : {};
  const Wt = tf.engine().runKernel(WEIGHT_KERNEL, { W0, B, A } as never, {}) as Tensor1D;
  const out = tf.engine().runKernel(LOGITS_KERNEL, { X, Y, Wt, ...I } as never, { classes: C, grad: true } as never) as Tensor1D;
  const fullJterms = withFull ? (tf.engine().runKernel(LOGITS_KERNEL, { X, Y, Wt } as never, { classes: C, grad: false } as never) as Tensor1D) : undefined;
  const parts = tf.engine().runKernel(PARTIALS_KERNEL, { D: out, X, ...I } as never, { classes: C } as never) as Tensor1D;
  const G = sumChunksWebgpu(tf, parts, [C, n]) as Tensor2D;
  const grads = tf.engine().runKernel(ADAPTER_KERNEL, { G, B, A } as never, {}) as Tensor1D;
  return {
    Jterms: tf.slice(out, [R * paddedClasses(C)], [R]) as Tensor1D,
    G,
    gB: tf.reshape(tf.slice(grads, [0], [C * r]), [C, r]) as Tensor2D,
    gA: tf.reshape(tf.slice(grads, [C * r], [r * n]), [r, n]) as Tensor2D,
    ...(fullJterms ? { fullJterms } : {}),
  };
}
