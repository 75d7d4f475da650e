/**
 * a (or a^T) times b (or b^T), the one way every product in the trainer and the workloads is
 * formed: on webgpu with matMul's transpose flags (its shaders read a transposed operand in
 * place, so a transpose costs no dispatch), elsewhere with explicit transposes (the wasm and
 * cpu backends' fast matMul kernels skip transposed operands: 10-20x slower on wasm).
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import type { TF } from '../backend.ts';

export function matMulT(tf: TF, a: Tensor2D, b: Tensor2D, transposeA = false, transposeB = false): Tensor2D {
  if (tf.getBackend() === 'webgpu') return tf.matMul(a, b, transposeA, transposeB) as Tensor2D;
  return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b) as Tensor2D;
}
