/**
 * The quadratic's step as two WebGPU kernels (registered in tfjs' kernel registry for the
 * webgpu backend only), instead of eight tfjs ops over m x n matrices:
 *
 *   LoracheckQuadraticG      G_ij = H_ij ((B A)_ij - C_ij),  H_ij = 4 h_i k_j
 *                            one pass: reads C (and the small B, A, h, k), writes G; W = BA and
 *                            H are never stored (H is rebuilt from h and k, exactly: dyadic)
 *   LoracheckQuadraticGW     the same from W itself (the methods that train W: rac, full;
 *                            and W = W0 + BA where the adapters' kernel does not apply)
 *   LoracheckQuadraticRows   per row i, one workgroup: [ 1/2 sum_j G_ij^2 / H_ij , sum_j G_ij^2 ]
 *                            = the row's loss term 1/2 sum_j H_ij E_ij^2 and its ||G||^2 partial;
 *                            one pass over G
 *
 * The plain path (quadratic.ts, every backend) computes BA, W - C, H o E, (H o E) o E, a row
 * sum, a scaling, G o G and a row sum: 8 dispatches and about 14 passes over an m x n matrix
 * per step; this one: 2 dispatches (+2 small slices) and 2 passes, plus the two skinny products
 * G A^T and B^T G that both paths share. The SwiftShader tests compare the two paths' traces.
 */
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { TF } from '../backend.ts';
import { customKernelsEnabled, registerWebgpuKernel, type WebGPUProgram } from '../webgpu-kernels.ts';

const G_KERNEL = 'LoracheckQuadraticG';
const ROWS_KERNEL = 'LoracheckQuadraticRows';
const GW_KERNEL = 'LoracheckQuadraticGW';
const WG = 256;

/** G = H o (BA - C), one thread per entry (flat dispatch; tfjs folds it to 2-D past 65535 groups). */
function gProgram(m: number, n: number): WebGPUProgram {
  return {
    variableNames: ['B', 'A', 'C', 'hv', 'kv'],
    outputShape: [m, n],
    shaderKey: 'loracheck_quadratic_g',
    dispatchLayout: { x: [0, 1] },
    dispatch: [Math.ceil((m * n) / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    size: true,
    uniforms: 'n : i32, r : i32,',
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let i = index / uniforms.n;
          let j = index - i * uniforms.n;
          var w = 0.0;
          for (var q = 0; q < uniforms.r; q = q + 1) {
            w = w + B[i * uniforms.r + q] * A[q * uniforms.n + j];
          }
          result[index] = 4.0 * hv[i] * kv[j] * (w - C[index]);
        }
      }`,
  };
}

/** G = H o (W - C), one thread per entry. */
function gwProgram(m: number, n: number): WebGPUProgram {
  return {
    variableNames: ['W', 'C', 'hv', 'kv'],
    outputShape: [m, n],
    shaderKey: 'loracheck_quadratic_gw',
    dispatchLayout: { x: [0, 1] },
    dispatch: [Math.ceil((m * n) / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    size: true,
    uniforms: 'n : i32,',
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let i = index / uniforms.n;
          let j = index - i * uniforms.n;
          result[index] = 4.0 * hv[i] * kv[j] * (W[index] - C[index]);
        }
      }`,
  };
}

/** Row i -> result[i] = 1/2 sum_j G_ij^2 / H_ij, result[m + i] = sum_j G_ij^2 (one workgroup per row;
 *  64 threads for short rows, where a wide workgroup only adds barrier rounds). */
function rowsProgram(m: number, n: number): WebGPUProgram {
  const WG = n >= 2048 ? 256 : 64;
  return {
    variableNames: ['G', 'hv', 'kv'],
    outputShape: [2 * m],
    shaderKey: `loracheck_quadratic_rows_${WG}`,
    dispatchLayout: { x: [0] },
    dispatch: [m, 1, 1],
    workgroupSize: [WG, 1, 1],
    uniforms: 'm : i32, n : i32,',
    getUserCode: () => `
      var<workgroup> s0 : array<f32, ${WG}>;
      var<workgroup> s1 : array<f32, ${WG}>;
      fn main(index : i32) {
        let i = i32(workgroupId.x);
        let t = i32(localId.x);
        var a0 = 0.0;
        var a1 = 0.0;
        let hi = 4.0 * hv[i];
        for (var j = t; j < uniforms.n; j = j + ${WG}) {
          let g = G[i * uniforms.n + j];
          let g2 = g * g;
          a0 = a0 + g2 / (hi * kv[j]);
          a1 = a1 + g2;
        }
        s0[t] = a0;
        s1[t] = a1;
        workgroupBarrier();
        for (var s = ${WG / 2}; s > 0; s = s >> 1) {
          if (t < s) {
            s0[t] = s0[t] + s0[t + s];
            s1[t] = s1[t] + s1[t + s];
          }
          workgroupBarrier();
        }
        if (t == 0) {
          result[i] = 0.5 * s0[0];
          result[uniforms.m + i] = s1[0];
        }
      }`,
  };
}

function register(tf: TF): void {
  registerWebgpuKernel(tf, G_KERNEL, ({ B, A, C, h, k }) => {
    const [m, n] = C!.shape as [number, number];
    return { program: gProgram(m, n), inputs: [B!, A!, C!, h!, k!], uniforms: [{ type: 'int32', data: [n] }, { type: 'int32', data: [B!.shape[1]!] }] };
  });
  registerWebgpuKernel(tf, GW_KERNEL, ({ W, C, h, k }) => {
    const [m, n] = C!.shape as [number, number];
    return { program: gwProgram(m, n), inputs: [W!, C!, h!, k!], uniforms: [{ type: 'int32', data: [n] }] };
  });
  registerWebgpuKernel(tf, ROWS_KERNEL, ({ G, h, k }) => {
    const [m, n] = G!.shape as [number, number];
    return { program: rowsProgram(m, n), inputs: [G!, h!, k!], uniforms: [{ type: 'int32', data: [m] }, { type: 'int32', data: [n] }] };
  });
}

/** Whether the fused kernels apply: the active backend is webgpu (and they are not turned off). */
export function quadraticKernelsAvailable(tf: TF): boolean {
  return tf.getBackend() === 'webgpu' && customKernelsEnabled();
}

/**
 * G and the row vector [per-row loss terms | per-row ||G||^2 partials] (2m entries) of
 * 1/2 ||BA - C||_H^2, with H_ij = 4 h_i k_j. Call inside tf.tidy, with the webgpu backend active.
 */
export function quadraticStepWebgpu(tf: TF, B: Tensor2D, A: Tensor2D, C: Tensor2D, h: Tensor1D, k: Tensor1D): { G: Tensor2D; rows: Tensor1D } {
  register(tf);
  const m = C.shape[0];
  const G = tf.engine().runKernel(G_KERNEL, { B, A, C, h, k } as never, {}) as Tensor2D;
  const rows = tf.engine().runKernel(ROWS_KERNEL, { G, h, k } as never, {}) as Tensor;
  return { G, rows: tf.reshape(rows, [2 * m]) as Tensor1D };
}

/** The same as quadraticStepWebgpu from W itself. Call inside tf.tidy, with the webgpu backend active. */
export function quadraticStepFromWWebgpu(tf: TF, W: Tensor2D, C: Tensor2D, h: Tensor1D, k: Tensor1D): { G: Tensor2D; rows: Tensor1D } {
  register(tf);
  const m = C.shape[0];
  const G = tf.engine().runKernel(GW_KERNEL, { W, C, h, k } as never, {}) as Tensor2D;
  const rows = tf.engine().runKernel(ROWS_KERNEL, { G, h, k } as never, {}) as Tensor;
  return { G, rows: tf.reshape(rows, [2 * m]) as Tensor1D };
}
