/**
 * loracheck's small WebGPU kernels against float64 on the host, on SwiftShader (skipped with a
 * message where its driver is absent): the axpy update (vec4 and scalar layouts), the row squares
 * (one dispatch and several), the quadratic's G from W and its adapter step without G (r = 3 and
 * 256), and matMulT's forced programs for thin products (split-K, small output) with a shared
 * dimension long enough for the rule to pick them. Without a GPU: the adapter kernels' WGSL for
 * r <= 62 against a digest of it taken before larger ranks were added.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Tensor2D } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chooseBackend, type Backend } from './backend.ts';
import { Rng } from './rng.ts';
import { axpyWebgpu, rowSquaresWebgpu } from './step-webgpu.ts';
import { LONG, MATMUL_PROGRAM, matMulT, matmulProgramFor } from './workloads/matmul.ts';
import { chunkRows, colPartialsProgram, quadraticAdapterStepWebgpu, quadraticStepFromWWebgpu, rowStepProgram, sumChunksProgram } from './workloads/quadratic-webgpu.ts';

const SWIFTSHADER = process.env.LORACHECK_SWIFTSHADER_ICD || '/usr/lib/chromium/vk_swiftshader_icd.json';
const HAS_SWIFTSHADER = existsSync(SWIFTSHADER);
if (!HAS_SWIFTSHADER) console.warn(`gpu-runs/webgpu-kernels.test.ts: ${SWIFTSHADER} not found: skipped`);

const U = 2 ** -24;

function mat(tf: Backend['tf'], rng: Rng, rows: number, cols: number): { t: Tensor2D; x: Float32Array } {
  const x = rng.gaussian(rows * cols, 1);
  return { t: tf.tensor2d(x, [rows, cols]), x };
}

describe.skipIf(!HAS_SWIFTSHADER)('webgpu kernels against float64', () => {
  it('axpy: X - eta D, vec4 (64 entries) and scalar (15 entries) layouts, one rounding each', async () => {
    const { tf } = await chooseBackend('webgpu');
    const rng = new Rng(3);
    for (const [r, c] of [
      [8, 8],
      [5, 3],
    ] as const) {
      const X = mat(tf, rng, r, c);
      const D = mat(tf, rng, r, c);
      const eta = 0.3;
      const Y = tf.tidy(() => axpyWebgpu(tf, X.t, D.t, eta));
      const y = (await Y.data()) as Float32Array;
      expect(Y.shape).toEqual([r, c]);
      for (let i = 0; i < r * c; i++) {
        const exact = X.x[i]! - Math.fround(eta) * D.x[i]!;
        expect(Math.abs(y[i]! - exact), `${r}x${c} entry ${i}`).toBeLessThanOrEqual(2 * U * (Math.abs(X.x[i]!) + Math.abs(eta * D.x[i]!)));
      }
      [X.t, D.t, Y].forEach((t) => t.dispose());
    }
  });

  it('row squares of 9 matrices (two dispatches) match float64 row sums', async () => {
    const { tf } = await chooseBackend('webgpu');
    const rng = new Rng(4);
    const ms = Array.from({ length: 9 }, (_, k) => mat(tf, rng, 2 + k, 3 + 40 * (k % 3)));
    const v = tf.tidy(() => rowSquaresWebgpu(tf, ms.map((m) => m.t)));
    const got = (await v.data()) as Float32Array;
    const want: number[] = [];
    for (const m of ms) {
      const [rows, cols] = m.t.shape;
      for (let i = 0; i < rows; i++) {
        let s = 0;
        for (let j = 0; j < cols; j++) s += m.x[i * cols + j]! ** 2;
        want.push(s);
      }
    }
    expect(got.length).toBe(want.length);
    want.forEach((s, i) => expect(Math.abs(got[i]! - s), `row ${i}`).toBeLessThanOrEqual(200 * U * s));
    [...ms.map((m) => m.t), v].forEach((t) => t.dispose());
  });

  it("the quadratic's G from W is H o (W - C) exactly (H dyadic), its rows the loss terms and ||G||^2 partials", async () => {
    const { tf } = await chooseBackend('webgpu');
    const rng = new Rng(5);
    const [m, n] = [6, 7];
    const W = mat(tf, rng, m, n);
    const C = mat(tf, rng, m, n);
    const h = Float32Array.from({ length: m }, (_, i) => (1 + (i % 8)) / 8);
    const k = Float32Array.from({ length: n }, (_, j) => (1 + ((3 * j) % 8)) / 8);
    const out = tf.tidy(() => quadraticStepFromWWebgpu(tf, W.t, C.t, tf.tensor1d(h), tf.tensor1d(k)));
    const G = (await out.G.data()) as Float32Array;
    const rows = (await out.rows.data()) as Float32Array;
    for (let i = 0; i < m; i++) {
      let J = 0;
      let Gsq = 0;
      for (let j = 0; j < n; j++) {
        const H = 4 * h[i]! * k[j]!;
        const e = Math.fround(W.x[i * n + j]! - C.x[i * n + j]!);
        expect(G[i * n + j]).toBe(Math.fround(H * e));
        J += 0.5 * H * e * e;
        Gsq += (H * e) ** 2;
      }
      expect(Math.abs(rows[i]! - J)).toBeLessThanOrEqual(40 * U * J);
      expect(Math.abs(rows[m + i]! - Gsq)).toBeLessThanOrEqual(40 * U * Gsq);
    }
    [W.t, C.t, out.G, out.rows].forEach((t) => t.dispose());
  });

  // r = 3: 3 chunks of rows in B^T G, the last partial; r = 256 (STEP_MAX_RANK): the row kernel's
  // r + 2 sums in 5 reduction rounds (64 + 3 x 64 + 2). (r = 64, 2 rounds: direct-webgpu.test.ts.)
  it.each([
    [150, 37, 3, 1],
    [64, 77, 256, 5],
  ])("the quadratic's adapter step without G at %i x %i, r = %i (%i reduction rounds): loss and ||G||^2 rows, G A^T and B^T G match float64", async (m, n, r, rounds) => {
    const { tf } = await chooseBackend('webgpu');
    // rounds per row, times the rows a workgroup takes (rowStepRows)
    expect(rowStepProgram(m, n, r, 1).getUserCode().match(/if \(t == 0\)/g)).toHaveLength(rounds);
    expect(rowStepProgram(m, n, r, 2).getUserCode().match(/if \(t == 0\)/g)).toHaveLength(2 * rounds);
    const rng = new Rng(7);
    const B = mat(tf, rng, m, r);
    const A = mat(tf, rng, r, n);
    const C = mat(tf, rng, m, n);
    const h = Float32Array.from({ length: m }, (_, i) => (1 + (i % 8)) / 8);
    const k = Float32Array.from({ length: n }, (_, j) => (1 + ((5 * j) % 8)) / 8);
    const out = tf.tidy(() => quadraticAdapterStepWebgpu(tf, B.t, A.t, C.t, tf.tensor1d(h), tf.tensor1d(k)));
    const rows = (await out.rows.data()) as Float32Array;
    const gB = (await out.gB.data()) as Float32Array;
    const gA = (await out.gA.data()) as Float32Array;
    expect([out.gB.shape, out.gA.shape]).toEqual([
      [m, r],
      [r, n],
    ]);
    const G = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let w = 0;
        for (let q = 0; q < r; q++) w += B.x[i * r + q]! * A.x[q * n + j]!;
        G[i * n + j] = 4 * h[i]! * k[j]! * (w - C.x[i * n + j]!);
      }
    const close = (got: number, want: number, scale: number, what: string) => expect(Math.abs(got - want), what).toBeLessThanOrEqual(400 * U * scale);
    for (let i = 0; i < m; i++) {
      let J = 0;
      let G2 = 0;
      for (let j = 0; j < n; j++) {
        J += (0.5 * G[i * n + j]! ** 2) / (4 * h[i]! * k[j]!);
        G2 += G[i * n + j]! ** 2;
      }
      close(rows[i]!, J, J, `J row ${i}`);
      close(rows[m + i]!, G2, G2, `G2 row ${i}`);
      for (let q = 0; q < r; q++) {
        let s = 0;
        let abs = 0;
        for (let j = 0; j < n; j++) {
          s += G[i * n + j]! * A.x[q * n + j]!;
          abs += Math.abs(G[i * n + j]! * A.x[q * n + j]!);
        }
        close(gB[i * r + q]!, s, abs, `gB (${i}, ${q})`);
      }
    }
    for (let q = 0; q < r; q++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        let abs = 0;
        for (let i = 0; i < m; i++) {
          s += B.x[i * r + q]! * G[i * n + j]!;
          abs += Math.abs(B.x[i * r + q]! * G[i * n + j]!);
        }
        close(gA[q * n + j]!, s, abs, `gA (${q}, ${j})`);
      }
    [B.t, A.t, C.t, out.rows, out.gB, out.gA].forEach((t) => t.dispose());
  });

  // The tuning knobs (rows a workgroup of the row kernel, columns a thread of the column partials)
  // regroup the same arithmetic: every row's and column's sums must come out bit for bit the same.
  // 150 x 38: the knobs fall back to what divides m and n (150: 2 rows; 38: 2 columns); r = 70: rounds.
  // A third number: rows a workgroup with A's tiles in workgroup memory (LORACHECK_ROWSTEP_SHARED).
  it.each([
    [64, 96, 16, [[2, 2, 0], [8, 4, 0], [1, 1, 4]]],
    [64, 32, 70, [[2, 2, 0]]],
    [150, 38, 3, [[2, 2, 0], [8, 4, 0], [1, 1, 2]]],
  ] as [number, number, number, [number, number, number][]][])('the row kernel over more rows a workgroup (registers or workgroup memory) and the column partials over more columns a thread equal the one-row, one-column kernels bit for bit at %i x %i, r = %i', async (m, n, r, configs) => {
    const { tf } = await chooseBackend('webgpu');
    const rng = new Rng(11);
    const B = mat(tf, rng, m, r);
    const A = mat(tf, rng, r, n);
    const C = mat(tf, rng, m, n);
    const h = tf.tensor1d(Float32Array.from({ length: m }, (_, i) => (1 + (i % 8)) / 8));
    const k = tf.tensor1d(Float32Array.from({ length: n }, (_, j) => (1 + ((3 * j) % 8)) / 8));
    const env = process.env;
    const run = async (rows: number, cols: number, shared = 0): Promise<{ keys: string[]; values: Float32Array[] }> => {
      env.LORACHECK_ROWSTEP_ROWS = String(rows);
      env.LORACHECK_COLPART_COLS = String(cols);
      env.LORACHECK_ROWSTEP_SHARED = String(shared);
      try {
        const keys = [rowStepProgram(m, n, r).shaderKey, colPartialsProgram(m, n, r).shaderKey];
        const out = tf.tidy(() => quadraticAdapterStepWebgpu(tf, B.t, A.t, C.t, h, k));
        const values = [(await out.rows.data()) as Float32Array, (await out.gB.data()) as Float32Array, (await out.gA.data()) as Float32Array];
        [out.rows, out.gB, out.gA].forEach((t) => t.dispose());
        return { keys, values };
      } finally {
        delete env.LORACHECK_ROWSTEP_ROWS;
        delete env.LORACHECK_COLPART_COLS;
        delete env.LORACHECK_ROWSTEP_SHARED;
      }
    };
    const one = await run(1, 1);
    expect(one.keys.some((key) => /_x|_s\d/.test(key))).toBe(false);
    let regrouped = 0;
    for (const [rows, cols, shared] of configs) {
      const got = await run(rows, cols, shared);
      regrouped += got.keys.filter((key) => /_x|_s\d/.test(key)).length;
      got.values.forEach((v, w) => expect(Buffer.from(v.buffer).equals(Buffer.from(one.values[w]!.buffer)), `output ${w} with ${rows} x ${cols}`).toBe(true));
    }
    // the regrouped programs did run (m and n here are even: a knob above 1 never falls back to 1)
    expect(regrouped).toBe(configs.map(([rows, cols, shared]) => Number(rows > 1 || shared > 0) + Number(cols > 1)).reduce((a, b) => a + b, 0));
    [B.t, A.t, C.t, h, k].forEach((t) => t.dispose());
  });

  it('matMulT: thin products with a long shared dimension take split-K / small output and match float64', async () => {
    const { tf } = await chooseBackend('webgpu');
    const rng = new Rng(6);
    const K = LONG + 48;
    expect(matmulProgramFor(4, 100, K)).toBe(MATMUL_PROGRAM.splitK);
    expect(matmulProgramFor(100, 4, K)).toBe(MATMUL_PROGRAM.smallOutput);
    expect(matmulProgramFor(100, 4, LONG - 1)).toBe(MATMUL_PROGRAM.auto);
    expect(matmulProgramFor(400, 400, K)).toBe(MATMUL_PROGRAM.auto);
    // (K x 4)^T (K x 100): B^T G's shape; (100 x K) (4 x K)^T: G A^T's shape
    for (const [ra, ca, rb, cb, ta, tb] of [
      [K, 4, K, 100, true, false],
      [100, K, 4, K, false, true],
    ] as const) {
      const a = mat(tf, rng, ra, ca);
      const b = mat(tf, rng, rb, cb);
      const p = tf.tidy(() => matMulT(tf, a.t, b.t, ta, tb));
      expect(tf.env().getNumber('WEBGPU_MATMUL_PROGRAM_TYPE')).toBe(-1);
      const got = (await p.data()) as Float32Array;
      const [M, N] = p.shape;
      const A = (i: number, l: number) => (ta ? a.x[l * ca + i]! : a.x[i * ca + l]!);
      const B = (l: number, j: number) => (tb ? b.x[j * cb + l]! : b.x[l * cb + j]!);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          let abs = 0;
          for (let l = 0; l < K; l++) {
            s += A(i, l) * B(l, j);
            abs += Math.abs(A(i, l) * B(l, j));
          }
          expect(Math.abs(got[i * N + j]! - s), `${M}x${N} (${i}, ${j})`).toBeLessThanOrEqual(K * U * abs);
        }
      [a.t, b.t, p].forEach((t) => t.dispose());
    }
  });
});

describe('the adapter kernels up to r = 62: the WGSL measured on the H200 (README, GPU section)', () => {
  it('is the same text, workgroup size and dispatch as before ranks above 62 were added (a SHA-256 over r = 1..62, four row lengths, two heights)', () => {
    const h = createHash('sha256');
    let programs = 0;
    for (let r = 1; r <= 62; r++)
      for (const n of [64, 2047, 2048, 4096])
        for (const m of [64, 4096])
          for (const p of [rowStepProgram(m, n, r, 1), colPartialsProgram(m, n, r, 1), sumChunksProgram(r * n, Math.ceil(m / chunkRows(r)), [r, n])]) {
            h.update(JSON.stringify([p.getUserCode(), p.workgroupSize, p.dispatch, p.variableNames, p.uniforms ?? '', p.outputShape]));
            programs++;
          }
    expect(programs).toBe(62 * 4 * 2 * 3);
    // taken from the programs of main at 1fc3dce (r <= 62 only, 64 or 128 threads a row)
    expect(h.digest('hex')).toBe('6d2972294dbdf32630e61948fd9e2e1938d125e255be025e637bf20d3ca2a856');
  });
});
