/**
 * The cross-entropy pieces of the softmax workloads (softmax.ts, SoftmaxData.crossEntropy) as two
 * WebGPU kernels, for the webgpu backend only, instead of about fourteen tfjs ops (logSumExp
 * alone is six): with Z the N x C logits and Y the one-hot labels,
 *   LoracheckCrossEntropyTerms  row i -> logsumexp(Z_i) - <Z_i, Y_i>
 *   LoracheckCrossEntropyGrad   (softmax(Z_i) - Y_i) / N, one thread per entry
 * logsumexp shifted by the row maximum, as tfjs' logSumExp does. Y is read through f32(): tfjs may
 * keep the one-hot labels in an int32 buffer after casting them. The SwiftShader tests compare
 * the traces with the wasm backend's and with these kernels turned off.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { TF } from '../backend.ts';
import { customKernelsEnabled, registerWebgpuKernel, type WebGPUProgram } from '../webgpu-kernels.ts';

const TERMS_KERNEL = 'LoracheckCrossEntropyTerms';
const GRAD_KERNEL = 'LoracheckCrossEntropyGrad';
const WG = 64;

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
