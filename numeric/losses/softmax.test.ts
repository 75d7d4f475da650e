import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix as MLMatrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { ModeError } from '../field.ts';
import { float64 } from '../float64.ts';
import type { Matrix } from '../matrix.ts';
import { Rational } from '../rational.ts';
import { rationalField as Q } from '../rational-field.ts';
import { infimum, infimumInfo, lossOver, smoothnessInfo } from './index.ts';
import { softmaxLoss, softmaxSmoothness } from './softmax.ts';
import { diffNormSq, dot, plus, randMatrix, rng } from './test-helpers.ts';

/** lambda_max and its eigenvector of X^T X / N by ml-matrix's symmetric EVD (independent of softmax.ts). */
function topEigen(X: Matrix<number>): { lambda: number; v: number[] } {
  const M = new MLMatrix(Array.from({ length: X.rows }, (_, i) => X.data.slice(i * X.cols, (i + 1) * X.cols) as number[]));
  const A = M.transpose().mmul(M).div(X.rows);
  const evd = new EigenvalueDecomposition(A, { assumeSymmetric: true });
  const ev = evd.realEigenvalues;
  let k = 0;
  for (let i = 1; i < ev.length; i++) if (ev[i]! > ev[k]!) k = i;
  return { lambda: ev[k]!, v: evd.eigenvectorMatrix.getColumn(k) };
}

/** Rayleigh quotient v^T (X^T X / N) v / v^T v = ||X v||^2 / (N ||v||^2). */
function rayleigh(X: Matrix<number>, v: readonly number[]): number {
  let num = 0;
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let j = 0; j < X.cols; j++) s += X.data[i * X.cols + j]! * v[j]!;
    num += s * s;
  }
  return num / X.rows / v.reduce((a, t) => a + t * t, 0);
}

/** Exact check that mu I - X^T X / N is positive definite (all LDL^T pivots > 0), i.e. lambda_max < mu. */
function exactlyBelow(X: Matrix<number>, mu: number): boolean {
  const n = X.cols;
  const N = X.rows;
  const x = X.data.map((t) => Rational.fromNumber(t));
  const M: Rational[][] = [];
  for (let j = 0; j < n; j++) {
    M.push([]);
    for (let k = 0; k < n; k++) {
      let s = Rational.ZERO;
      for (let i = 0; i < N; i++) s = s.add(x[i * n + j]!.mul(x[i * n + k]!));
      s = s.div(Rational.of(N)).neg();
      M[j]!.push(j === k ? Rational.fromNumber(mu).add(s) : s);
    }
  }
  for (let p = 0; p < n; p++) {
    const piv = M[p]![p]!;
    if (piv.sign() <= 0) return false;
    for (let r = p + 1; r < n; r++) {
      const f = M[r]![p]!.div(piv);
      for (let c = p; c < n; c++) M[r]![c] = M[r]![c]!.sub(f.mul(M[p]![c]!));
    }
  }
  return true;
}

function labels(rand: () => number, N: number, m: number): number[] {
  return Array.from({ length: N }, () => Math.floor(rand() * m));
}

describe('softmax cross-entropy', () => {
  it('value and gradient equal the direct formulas (no max shift) and dL/dW is m x n', () => {
    const rand = rng(3);
    for (let trial = 0; trial < 20; trial++) {
      const m = 2 + (trial % 4);
      const n = 1 + (trial % 5);
      const N = 3 + trial;
      const X = randMatrix(rand, N, n, -2, 2);
      const y = labels(rand, N, m);
      const W = randMatrix(rand, m, n, -1, 1);
      const f = lossOver(float64, softmaxLoss({ X, y, classes: m }));
      let v = 0;
      const G = new Array<number>(m * n).fill(0);
      for (let i = 0; i < N; i++) {
        const z = Array.from({ length: m }, (_, c) => dot(float64, W.data.slice(c * n, (c + 1) * n), X.data.slice(i * n, (i + 1) * n)));
        const Z = z.reduce((a, t) => a + Math.exp(t), 0);
        v += Math.log(Z) - z[y[i]!]!;
        for (let c = 0; c < m; c++) for (let j = 0; j < n; j++) G[c * n + j]! += ((Math.exp(z[c]!) / Z - (c === y[i] ? 1 : 0)) * X.data[i * n + j]!) / N;
      }
      expect(Math.abs(f.value(W) - v / N)).toBeLessThan(1e-12);
      const g = f.grad(W);
      expect([g.rows, g.cols]).toEqual([m, n]);
      g.data.forEach((t, k) => expect(Math.abs(t - G[k]!)).toBeLessThan(1e-12));
    }
  });

  it('(1) float64 sanity: gradient agrees with central differences', () => {
    const rand = rng(5);
    for (let trial = 0; trial < 30; trial++) {
      const m = 2 + (trial % 3);
      const n = 2 + (trial % 4);
      const N = 5 + trial;
      const X = randMatrix(rand, N, n, -3, 3);
      const f = lossOver(float64, softmaxLoss({ X, y: labels(rand, N, m), classes: m }));
      const W = randMatrix(rand, m, n, -2, 2);
      const D = randMatrix(rand, m, n, -1, 1);
      const h = 1e-5;
      const fd = (f.value(plus(float64, W, h, D)) - f.value(plus(float64, W, -h, D))) / (2 * h);
      expect(Math.abs(fd - dot(float64, f.grad(W).data, D.data))).toBeLessThan(1e-7);
    }
  });

  it('large logits do not overflow (max shift)', () => {
    const X = { rows: 2, cols: 1, data: [1000, -1000] };
    const f = lossOver(float64, softmaxLoss({ X, y: [1, 0], classes: 2 }));
    const W = { rows: 2, cols: 1, data: [1, 0] };
    // logits (1000, 0) with label 1 and (-1000, 0) with label 0: each loses 1000 (+ log(1 + e^-1000)).
    expect(f.value(W)).toBe(1000);
    expect(f.grad(W).data.every(Number.isFinite)).toBe(true);
  });

  it('(2) the stated L = certified bound is never exceeded; at W = 0 with 2 classes along [u; -u] it is nearly attained, and 0.9 L is exceeded', () => {
    const rand = rng(9);
    for (let trial = 0; trial < 12; trial++) {
      const n = 2 + (trial % 5);
      const N = 10 + 3 * trial;
      const X = randMatrix(rand, N, n, trial % 2 ? 0 : -1, 1); // nonnegative and mixed-sign data
      const L = softmaxSmoothness(X).L;
      for (const m of [2, 3, 5]) {
        const f = lossOver(float64, softmaxLoss({ X, y: labels(rand, N, m), classes: m, L }));
        for (let k = 0; k < 20; k++) {
          const W = randMatrix(rand, m, n, -3, 3);
          const W2 = randMatrix(rand, m, n, -3, 3);
          const g = diffNormSq(float64, f.grad(W).data, f.grad(W2).data);
          expect(Math.sqrt(g)).toBeLessThanOrEqual(L * Math.sqrt(diffNormSq(float64, W.data, W2.data)) * (1 + 1e-12));
        }
      }
      // Hessian at W = 0, m = 2: (1/4) [[1, -1], [-1, 1]] (x) X^T X / N, top eigenvalue lambda_max / 2 along [u; -u].
      const f2 = lossOver(float64, softmaxLoss({ X, y: labels(rand, N, 2), classes: 2, L }));
      const { v } = topEigen(X);
      const t = 1e-4;
      const W0 = { rows: 2, cols: n, data: new Array<number>(2 * n).fill(0) };
      const W1 = { rows: 2, cols: n, data: [...v.map((x) => t * x), ...v.map((x) => -t * x)] };
      const ratio = Math.sqrt(diffNormSq(float64, f2.grad(W0).data, f2.grad(W1).data) / diffNormSq(float64, W0.data, W1.data));
      expect(ratio).toBeLessThanOrEqual(L);
      expect(ratio).toBeGreaterThan(0.9 * L);
    }
  });

  it('(3) Lstar = 0 is a lower bound (cross-entropy >= 0); the infimum is reported as a lower bound only', () => {
    const rand = rng(13);
    const X = randMatrix(rand, 20, 3, -1, 1);
    const desc = softmaxLoss({ X, y: labels(rand, 20, 4), classes: 4 });
    const f = lossOver(float64, desc);
    for (let k = 0; k < 100; k++) expect(f.value(randMatrix(rand, 4, 3, -20, 20))).toBeGreaterThanOrEqual(f.Lstar);
    expect(infimumInfo(desc).kind).toBe('lower-bound');
    expect(infimum(desc)).toBeNull();
    expect(smoothnessInfo(desc).kind).toBe('upper-bound');
  });

  it('(5) softmaxSmoothness: certified upper bound (exact rational check), >= Rayleigh quotients, within a few percent of lambda_max / 2', () => {
    const rand = rng(17);
    const methods = new Set<string>();
    for (let trial = 0; trial < 16; trial++) {
      const n = 2 + (trial % 6);
      const N = 5 + 4 * trial;
      const X = randMatrix(rand, N, n, trial % 2 ? 0 : -1, 1);
      const b = softmaxSmoothness(X);
      methods.add(b.method.split(' ')[0]!);
      const { lambda, v } = topEigen(X);
      expect(exactlyBelow(X, 2 * b.L)).toBe(true);
      for (let k = 0; k < 30; k++) expect(rayleigh(X, randMatrix(rand, 1, n).data) / 2).toBeLessThanOrEqual(b.L);
      expect(rayleigh(X, v) / 2).toBeLessThanOrEqual(b.L);
      expect(b.L).toBeLessThanOrEqual(1.03 * (lambda / 2));
      expect(b.lower).toBeLessThanOrEqual(b.L);
    }
    expect([...methods].sort()).toEqual(['Collatz-Wielandt', 'shifted']);
    // forced fallback (A not formed) on mixed-sign data: CW on |X|, still an upper bound
    const X = randMatrix(rand, 40, 6, -1, 1);
    const b = softmaxSmoothness(X, { formBudget: 0 });
    expect(b.method).toMatch(/\|X\|/);
    expect(exactlyBelow(X, 2 * b.L)).toBe(true);
    expect(b.L).toBeGreaterThanOrEqual(topEigen(X).lambda / 2);
  });

  it('the exact check itself can fail: 0.97 times the bound is not above lambda_max', () => {
    const X = randMatrix(rng(19), 30, 4, 0, 1);
    const b = softmaxSmoothness(X);
    expect(exactlyBelow(X, 2 * b.L * 0.97)).toBe(false);
  });

  it('rejects bad arguments naming them; exact mode is refused', () => {
    const X = { rows: 3, cols: 2, data: [1, 0, 0, 1, 1, 1] };
    expect(() => softmaxLoss({ X, y: [0, 1], classes: 2 })).toThrow('softmaxLoss: argument y must have one label per row of X (3), got 2');
    expect(() => softmaxLoss({ X, y: [0, 1, 2], classes: 2 })).toThrow('softmaxLoss: argument y[2] must be an integer in 0..1, got 2');
    expect(() => softmaxLoss({ X, y: [0, 1, 0], classes: 1 })).toThrow(/argument classes must be an integer >= 2, got 1/);
    expect(() => softmaxLoss({ X, y: [0, 1, 0], classes: 2, L: -1 })).toThrow('softmaxLoss: argument L must be > 0, got -1');
    expect(() => softmaxLoss({ X: { rows: 3, cols: 2, data: [1, 0, 0] }, y: [0, 1, 0], classes: 2 })).toThrow(/argument X has 3 entries, expected 6/);
    expect(() => softmaxSmoothness({ rows: 1, cols: 2, data: [1, NaN] })).toThrow(/argument X\[0\]\[1\] must be a finite number/);
    const desc = softmaxLoss({ X, y: [0, 1, 0], classes: 2 });
    expect(() => lossOver(Q, desc)).toThrow(ModeError);
    expect(() => lossOver(float64, { ...desc, n: 3 })).toThrow(/lossOver\(softmax-ce\): field X must be 3 x 3, got 3 x 2/);
    expect(() => lossOver(float64, desc).value({ rows: 2, cols: 3, data: [0, 0, 0, 0, 0, 0] })).toThrow(/argument W must be 2 x 2/);
  });

  it('default L = max(1, certified bound); rational X is handled (bound still certified)', () => {
    const X = { rows: 2, cols: 2, data: [1, 0, 0, 1] }; // A = I / 2, lambda_max / 2 = 1/4
    expect(softmaxLoss({ X, y: [0, 1], classes: 2 }).L).toBe(1);
    const big = { rows: 2, cols: 2, data: [4, 0, 0, 4] }; // lambda_max / 2 = 4
    const Lb = softmaxLoss({ X: big, y: [0, 1], classes: 2 }).L as number;
    expect(Lb).toBeGreaterThanOrEqual(4);
    expect(Lb).toBeLessThan(4 * (1 + 1e-8));
    const Xr = { rows: 2, cols: 2, data: [Rational.of(1, 3), Rational.ZERO, Rational.of(1, 7), Rational.of(2, 3)] };
    const s = smoothnessInfo(softmaxLoss({ X: Xr, y: [0, 1], classes: 2 }));
    expect(exactlyBelow({ rows: 2, cols: 2, data: Xr.data.map((r) => r.toNumber()) }, 2 * (s.value as number))).toBe(true);
  });

  const fm = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';
  it.skipIf(!existsSync(fm))('Fashion-MNIST (first 6000 images, pixels / 255): certified bound in well under a second, tight to 1e-6', () => {
    const buf = gunzipSync(readFileSync(fm));
    const N = 6000;
    const n = buf.readUInt32BE(8) * buf.readUInt32BE(12);
    const data = new Array<number>(N * n);
    for (let k = 0; k < N * n; k++) data[k] = buf[16 + k]! / 255;
    const t0 = performance.now();
    const b = softmaxSmoothness({ rows: N, cols: n, data });
    expect(performance.now() - t0).toBeLessThan(10_000); // generous for loaded CI
    expect(b.method).toMatch(/^Collatz-Wielandt/);
    expect(b.L).toBeGreaterThan(b.lower);
    expect(b.L).toBeLessThan(b.lower * (1 + 1e-6));
  });

  it('property: for nonnegative X the bound dominates every Rayleigh quotient fast-check finds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) =>
          fc.tuple(
            // entries 0 or in [1e-6, 10]: the bound's rounding allowance assumes X^T X does not underflow
            fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 10, noNaN: true })), { minLength: 3 * n, maxLength: 3 * n }),
            fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
            fc.constant(n),
          ),
        ),
        ([data, v, n]) => {
          const X = { rows: 3, cols: n, data };
          const b = softmaxSmoothness(X);
          if (v.reduce((a, t) => a + t * t, 0) < 1e-200) return; // no direction (or an underflowing one)
          expect(rayleigh(X, v) / 2).toBeLessThanOrEqual(b.L);
        },
      ),
      { numRuns: 200 },
    );
  });
});
