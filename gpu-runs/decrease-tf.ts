/**
 * train --decrease off the direct webgpu step: dJ = J(V_{t+1}) - J(V_t) on the quadratic
 * 1/2 <W - C, H o (W - C)> (W = BA), from both iterates' factors with TensorFlow.js ops in float32,
 * and a bound on its rounding: the same terms and bounds as the direct step's kernel
 * (direct-webgpu.ts decreaseProgram), with the row sums' bound for any summation order (a tfjs
 * matMul or sum does not say its order): d = (B1 - B0) A1 + B0 (A1 - A0), s = e_t + e_{t+1},
 * dJ = sum 1/2 H d s; per entry |d^ - d| <= gamma_{2r+4} Dabs, |s^ - s| <= gamma_{r+3} (Wabs +
 * 2 |C|) + u |s^|, two roundings of the product, and gamma_n of the row sum, as (n + 4) u |term|.
 * Rows go in chunks (about 2^20 entries a chunk) so that the temporaries stay small; the rows are
 * summed on the host in float64.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Backend } from './backend.ts';

const U = 2 ** -24;
/** gamma_k = k u / (1 - k u) of float32: the bound on k roundings. */
export const gamma32 = (k: number): number => (k * U) / (1 - k * U);

export async function decreaseTf(tf: Backend['tf'], B0: Tensor2D, A0: Tensor2D, B1: Tensor2D, A1: Tensor2D, H: Tensor2D, C: Tensor2D): Promise<{ dJ: number; dJerr: number }> {
  const [m, n] = C.shape;
  const r = B0.shape[1];
  const G1 = gamma32(2 * r + 4);
  const G2 = gamma32(r + 3);
  const KU = (n + 4) * U;
  const rows = Math.max(1, Math.floor(2 ** 20 / n));
  const terms = new Float32Array(m);
  const bounds = new Float32Array(m);
  for (let i0 = 0; i0 < m; i0 += rows) {
    const R = Math.min(rows, m - i0);
    const out = tf.tidy(() => {
      const b0 = tf.slice(B0, [i0, 0], [R, r]);
      const b1 = tf.slice(B1, [i0, 0], [R, r]);
      const c = tf.slice(C, [i0, 0], [R, n]);
      const halfH = tf.mul(tf.slice(H, [i0, 0], [R, n]), 0.5);
      const dB = tf.sub(b1, b0);
      const dA = tf.sub(A1, A0);
      const d = tf.add(tf.matMul(dB, A1), tf.matMul(b0, dA));
      const Dabs = tf.add(tf.matMul(tf.abs(dB), tf.abs(A1)), tf.matMul(tf.abs(b0), tf.abs(dA)));
      const s = tf.add(tf.sub(tf.matMul(b0, A0), c), tf.sub(tf.matMul(b1, A1), c));
      const Wabs = tf.add(tf.add(tf.matMul(tf.abs(b0), tf.abs(A0)), tf.matMul(tf.abs(b1), tf.abs(A1))), tf.mul(tf.abs(c), 2));
      const term = tf.mul(tf.mul(halfH, d), s);
      const as = tf.abs(s);
      const inner = tf.add(tf.mul(tf.mul(Dabs, as), G1), tf.mul(tf.add(tf.abs(d), tf.mul(Dabs, G1)), tf.add(tf.mul(Wabs, G2), tf.mul(as, U))));
      const bound = tf.add(tf.mul(halfH, inner), tf.mul(tf.abs(term), KU));
      return tf.concat([tf.sum(term, 1), tf.sum(bound, 1)]) as Tensor1D;
    });
    const v = (await out.data()) as Float32Array;
    out.dispose();
    terms.set(v.subarray(0, R), i0);
    bounds.set(v.subarray(R, 2 * R), i0);
  }
  // the bound's own float32 row sums: gamma_n, twice over
  return decreaseFromRows(terms, bounds, 2 * gamma32(n + 4));
}

/**
 * dJ and dJerr from the rows of dJ's terms and of their bounds (float32), both summed in float64
 * (here and for the direct step's kernel): the bound's own float32 sums cost `boundSumRel` of it
 * more, the float64 sum of the m rows gamma_m of float64 on their |values|, and 1e-25 covers float32
 * products a GPU may flush to zero (WGSL allows it; below 2^-126 each, m n (4 r + 10) of them at
 * most: under 1e-25 up to 2^40 of them).
 */
export function decreaseFromRows(terms: Float32Array, bounds: Float32Array, boundSumRel: number): { dJ: number; dJerr: number } {
  let dJ = 0;
  let abs = 0;
  let err = 0;
  for (let i = 0; i < terms.length; i++) {
    dJ += terms[i]!;
    abs += Math.abs(terms[i]!);
    err += bounds[i]!;
  }
  return { dJ, dJerr: err * (1 + boundSumRel) + (terms.length + 2) * 2 ** -52 * abs + 1e-25 };
}
