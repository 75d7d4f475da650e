/**
 * For the tests of dJ (direct-webgpu.test.ts, decrease-tf.test.ts): J(V) = 1/2 sum_ij H_ij
 * ((B A)_ij - C_ij)^2 of float32 factors in float64. The products of float32 values are exact in
 * float64; the float64 sums' own error (about 1e-16 of the sum of |terms|) is far below a dJ bound.
 */
export function quadraticJ64(B: Float32Array, A: Float32Array, C: Float32Array, H: (i: number, j: number) => number, m: number, n: number, r: number): number {
  let s = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let w = 0;
      for (let q = 0; q < r; q++) w += B[i * r + q]! * A[q * n + j]!;
      const e = w - C[i * n + j]!;
      s += 0.5 * H(i, j) * e * e;
    }
  return s;
}
