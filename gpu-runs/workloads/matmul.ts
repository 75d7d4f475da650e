/**
 * a (or a^T) times b (or b^T), the one way every product in the trainer and the workloads is
 * formed: on webgpu with matMul's transpose flags (its shaders read a transposed operand in
 * place, so a transpose costs no dispatch), elsewhere with explicit transposes (the wasm and
 * cpu backends' fast matMul kernels skip transposed operands: 10-20x slower on wasm).
 *
 * On webgpu the thin products of a step (an output with few rows or few columns, a long shared
 * dimension: G A^T, B^T G, dZ^T X, S^T G) get the matMul program that was fastest for them on an
 * NVIDIA H200 (bench suite webgpu, "the step's thin products"; tfjs picks by output tiles only):
 *   output rows <= THIN and shared dimension >= LONG:  split-K       (B^T G 0.16 ms vs tfjs 0.23;
 *                                                                     dZ^T X 0.64 ms vs 12.8)
 *   output cols <= THIN (and more rows), shared >= LONG: small output (G A^T 0.20 ms vs tfjs 0.42)
 *   anything else: tfjs' own choice.
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import type { TF } from '../backend.ts';

/** An output side this short is thin (r and the class count are <= 64 in the workloads). */
const THIN = 64;
/** A shared dimension this long is worth splitting (tfjs' own split-K threshold is 2000). */
export const LONG = 2000;

/** tfjs-backend-webgpu's MatMulProgramType values (webgpu_util.ts); -1: let tfjs choose. */
export const MATMUL_PROGRAM = { auto: -1, splitK: 1, smallOutput: 2 } as const;

/** The program for an (M x K) times (K x N) product on webgpu, by the rule above. */
export function matmulProgramFor(M: number, N: number, K: number): number {
  if (K < LONG) return MATMUL_PROGRAM.auto;
  if (M <= THIN) return MATMUL_PROGRAM.splitK;
  if (N <= THIN) return MATMUL_PROGRAM.smallOutput;
  return MATMUL_PROGRAM.auto;
}

const FLAG = 'WEBGPU_MATMUL_PROGRAM_TYPE';

export function matMulT(tf: TF, a: Tensor2D, b: Tensor2D, transposeA = false, transposeB = false): Tensor2D {
  if (tf.getBackend() === 'webgpu') {
    const [M, K] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
    const N = transposeB ? b.shape[0] : b.shape[1];
    const program = matmulProgramFor(M, N, K);
    // a flag someone set (the bench's forced programs) is left alone
    if (program === MATMUL_PROGRAM.auto || tf.env().getNumber(FLAG) !== -1) return tf.matMul(a, b, transposeA, transposeB) as Tensor2D;
    tf.env().set(FLAG, program);
    try {
      return tf.matMul(a, b, transposeA, transposeB) as Tensor2D;
    } finally {
      tf.env().set(FLAG, -1);
    }
  }
  return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b) as Tensor2D;
}
