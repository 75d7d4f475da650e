/**
 * decrease-tf.ts on wasm: dJ = J(V_{t+1}) - J(V_t) of float32 iterates against float64 from the
 * factors (products of float32 values are exact in float64; the float64 sums' own error is far
 * below dJerr), at sizes whose rows go in several chunks and in one.
 */
import { describe, expect, it } from 'vitest';
import { chooseBackend } from './backend.ts';
import { decreaseTf } from './decrease-tf.ts';
import { Rng } from './rng.ts';
import { quadraticJ64 } from './test-quadratic.ts';

describe('decreaseTf (train --decrease where the host takes the step)', () => {
  it.each([
    [40, 56, 3],
    [600, 2048, 2], // 2^20 / 2048 = 512 rows a chunk: two chunks
  ])('at %i x %i, r = %i: |dJ - exact| <= dJerr, and dJerr below 1e-3 |dJ|', async (m, n, r) => {
    const { tf } = await chooseBackend('wasm');
    const rng = new Rng(9);
    const f32 = (k: number, s: number) => Float32Array.from(rng.gaussian(k, s));
    const C = f32(m * n, 1);
    const h = Float32Array.from({ length: m * n }, (_, e) => (4 * (1 + (Math.floor(e / n) % 8)) * (1 + ((3 * (e % n)) % 8))) / 64);
    const B0 = f32(m * r, 0.3);
    const A0 = f32(r * n, 0.3);
    // a gradient step (grad_B = G A^T, grad_A = B^T G, G = H o (BA - C), in float64), stored in float32
    const gB = new Float64Array(m * r);
    const gA = new Float64Array(r * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let w = 0;
        for (let q = 0; q < r; q++) w += B0[i * r + q]! * A0[q * n + j]!;
        const g = h[i * n + j]! * (w - C[i * n + j]!);
        for (let q = 0; q < r; q++) {
          gB[i * r + q] += g * A0[q * n + j]!;
          gA[q * n + j] += B0[i * r + q]! * g;
        }
      }
    const eta = 1e-3 / Math.sqrt([...gB, ...gA].reduce((a, x) => a + x * x, 0));
    const B1 = B0.map((x, i) => Math.fround(x - eta * gB[i]!));
    const A1 = A0.map((x, i) => Math.fround(x - eta * gA[i]!));
    const J = (B: Float32Array, A: Float32Array): number => quadraticJ64(B, A, C, (i, j) => h[i * n + j]!, m, n, r);
    const t = (x: Float32Array, a: number, b: number) => tf.tensor2d(x, [a, b]);
    const ts = [t(B0, m, r), t(A0, r, n), t(B1, m, r), t(A1, r, n), t(h, m, n), t(C, m, n)] as const;
    const { dJ, dJerr } = await decreaseTf(tf, ...ts);
    ts.forEach((x) => x.dispose());
    const ref = J(B1, A1) - J(B0, A0);
    expect(Math.abs(dJ - ref), `dJ ${dJ}, exact ${ref}, bound ${dJerr}`).toBeLessThanOrEqual(dJerr);
    expect(dJerr).toBeLessThan(1e-3 * Math.abs(ref));
  });
});
