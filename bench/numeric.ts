/**
 * Throughput of the matrix kernels (README "Benchmarks"): exact rationals at the sizes
 * property checks use (2..8), float64 at screening sizes (16..256) through the generic
 * Field path, the Float64Array fast path (numeric/matrix-f64.ts) and ml-matrix for scale.
 */
import { Matrix as MlMatrix } from 'ml-matrix';
import { decide } from '../numeric/compare.ts';
import type { Field } from '../numeric/field.ts';
import { float64 } from '../numeric/float64.ts';
import * as Mx from '../numeric/matrix.ts';
import { innerF64, matmulF64, normSqF64 } from '../numeric/matrix-f64.ts';
import { Rational } from '../numeric/rational.ts';
import { rationalField } from '../numeric/rational-field.ts';
import { exact, type Real } from '../numeric/real.ts';
import { timeIt, type BenchOptions, type BenchSuite, type BenchTable, sig } from './types.ts';
import { mulberry32 as rng } from '../numeric/random.ts';


/** Small random rationals p/q, |p| <= 9, 1 <= q <= 9 (what the generators draw). */
function ratMatrix(rand: () => number, rows: number, cols: number): Mx.Matrix<Rational> {
  const data = Array.from({ length: rows * cols }, () => Rational.of(Math.floor(rand() * 19) - 9, 1 + Math.floor(rand() * 9)));
  return Mx.matrix(rows, cols, data);
}

function f64Matrix(rand: () => number, rows: number, cols: number): Mx.Matrix<number> {
  return Mx.matrix(rows, cols, Array.from({ length: rows * cols }, () => rand() * 2 - 1));
}


interface Kernel<T> {
  name: string;
  /** Scalar operations per call (multiply-adds count 2), for the rate column. */
  flops: (n: number) => number;
  /** Builds the inputs once and returns the timed closure. */
  setup: (n: number) => () => unknown;
  _t?: T;
}

function exactKernels<T>(F: Field<T>, lift: (M: Mx.Matrix<Rational>) => Mx.Matrix<T>): Kernel<T>[] {
  const rand = rng(1);
  return [
    {
      name: 'matmul n x n',
      flops: (n) => 2 * n ** 3,
      setup: (n) => {
        const A = lift(ratMatrix(rand, n, n));
        const B = lift(ratMatrix(rand, n, n));
        return () => Mx.matmul(F, A, B);
      },
    },
    {
      name: 'inner n x n',
      flops: (n) => 2 * n * n,
      setup: (n) => {
        const A = lift(ratMatrix(rand, n, n));
        const B = lift(ratMatrix(rand, n, n));
        return () => Mx.inner(F, A, B);
      },
    },
    {
      name: 'normSq n x n',
      flops: (n) => 2 * n * n,
      setup: (n) => {
        const A = lift(ratMatrix(rand, n, n));
        return () => Mx.normSq(F, A);
      },
    },
    {
      // g(V) = E1 V V^T E2 = B A, with m = n and rank r = ceil(n/2)
      name: 'gOfV m=n, r=n/2',
      flops: (n) => 2 * n * n * Math.ceil(n / 2),
      setup: (n) => {
        const r = Math.ceil(n / 2);
        const V = lift(ratMatrix(rand, 2 * n, r));
        return () => Mx.gOfV(F, V, n);
      },
    },
    {
      name: 'sym n x n',
      flops: (n) => 2 * n * n,
      setup: (n) => {
        const X = lift(ratMatrix(rand, n, n));
        return () => Mx.sym(F, X);
      },
    },
  ];
}

async function exactTable(opts: BenchOptions, ms: number): Promise<BenchTable> {
  const sizes = opts.quick ? [2, 4, 8] : [2, 3, 4, 5, 6, 7, 8];
  const rows: (string | number)[][] = [];
  const fields: [string, Field<unknown>][] = [
    ['exact', exact as Field<unknown>],
    ['Q', rationalField as Field<unknown>],
  ];
  const perCall = new Map<string, number>();
  const cells = fields.length * 5 * sizes.length;
  for (const [fname, F] of fields) {
    for (const k of exactKernels(F, (M) => M as Mx.Matrix<unknown>)) {
      for (const n of sizes) perCall.set(`${k.name}|${fname}|${n}`, timeIt(k.setup(n), ms).perCall);
      opts.log(`numeric: exact ${fname} ${k.name} done (${perCall.size} of ${cells} cells, about ${Math.ceil(((cells - perCall.size) * ms * 4) / 3000)} s left in this table)`);
    }
  }
  for (const [key, t] of perCall) {
    const [kernel, fname, n] = key.split('|') as [string, string, string];
    const flops = exactKernels(rationalField, (M) => M).find((k) => k.name === kernel)!.flops(Number(n));
    rows.push([kernel, fname, Number(n), sig(1 / t), sig(t * 1e6), sig(flops / t / 1e6), sig(perCall.get(`${kernel}|Q|${n}`)! / t)]);
  }
  return {
    title: 'Exact rational matrix kernels (small random rationals p/q, |p| <= 9, q <= 9)',
    columns: ['kernel', 'field', 'n', 'calls/s', 'us/call', 'Mop/s', 'x Q'],
    rows,
    notes: [
      'field "exact" is the lazy-real field used by claims (rationals take its fast path); "Q" is the plain rational field, the peer.',
      'x Q: Q\'s us/call over this row\'s, same kernel and n, timed in this run (above 1: faster than Q; the Q rows read 1).',
      'Mop/s counts scalar field operations (a multiply-add is 2).',
    ],
  };
}

async function f64Table(opts: BenchOptions, ms: number): Promise<BenchTable> {
  const sizes = opts.quick ? [16, 64, 256] : [16, 32, 64, 128, 256];
  const rand = rng(2);
  const rows: (string | number)[][] = [];
  for (const n of sizes) {
    const A = f64Matrix(rand, n, n);
    const B = f64Matrix(rand, n, n);
    const mlA = new MlMatrix(Mx.toRows(A));
    const mlB = new MlMatrix(Mx.toRows(B));
    const V = VOf(A, n);
    const cases: [string, string, number, () => unknown][] = [
      ['matmul', 'generic', 2 * n ** 3, () => Mx.matmul(float64, A, B)],
      ['matmul', 'fast (matrix-f64)', 2 * n ** 3, () => matmulF64(A, B)],
      ['matmul', 'ml-matrix mmul', 2 * n ** 3, () => mlA.mmul(mlB)],
      ['inner', 'generic', 2 * n * n, () => Mx.inner(float64, A, B)],
      ['inner', 'fast (matrix-f64)', 2 * n * n, () => innerF64(A, B)],
      ['normSq', 'generic', 2 * n * n, () => Mx.normSq(float64, A)],
      ['normSq', 'fast (matrix-f64)', 2 * n * n, () => normSqF64(A)],
      ['gOfV r=n/2', 'generic', 2 * n * n * Math.ceil(n / 2), () => Mx.gOfV(float64, V, n)],
      [
        'gOfV r=n/2',
        'fast (matrix-f64)',
        2 * n * n * Math.ceil(n / 2),
        () => {
          const parts = Mx.splitV(V, n);
          return matmulF64(parts.B, parts.A);
        },
      ],
    ];
    const timed = cases.map(([kernel, path, flops, fn]) => ({ kernel, path, flops, perCall: timeIt(fn, ms).perCall }));
    const peer = (kernel: string, path: string) => timed.find((t) => t.kernel === kernel && t.path === path)?.perCall;
    for (const t of timed) {
      const ml = peer(t.kernel, 'ml-matrix mmul');
      rows.push([t.kernel, t.path, n, sig(1 / t.perCall), sig(t.perCall * 1e3), sig(t.flops / t.perCall / 1e9), sig(peer(t.kernel, 'generic')! / t.perCall), ml !== undefined ? sig(ml / t.perCall) : '-']);
    }
    opts.log(`numeric: float64 n=${n} done`);
  }
  return {
    title: 'float64 matrix kernels (uniform entries in [-1, 1])',
    columns: ['kernel', 'path', 'n', 'calls/s', 'ms/call', 'GFLOP/s', 'x generic', 'x ml-matrix'],
    rows,
    notes: [
      'GFLOP/s counts 2 n^3 for matmul and 2 n^2 for inner/normSq; gOfV is B A with B n x r, A r x n.',
      'x generic, x ml-matrix: the peer\'s ms/call over this row\'s, same kernel and n, timed in this run (above 1: faster than the peer); ml-matrix is timed on matmul only.',
    ],
  };
}

/** V = [B; A^T] ((2n) x ceil(n/2)) cut from A's entries, built once per size. */
const vCache = new WeakMap<Mx.Matrix<number>, Mx.Matrix<number>>();
function VOf(A: Mx.Matrix<number>, n: number): Mx.Matrix<number> {
  let V = vCache.get(A);
  if (!V) {
    const r = Math.ceil(n / 2);
    V = Mx.matrix(2 * n, r, Array.from({ length: 2 * n * r }, (_, k) => A.data[k % A.data.length]!));
    vCache.set(A, V);
  }
  return V;
}

/** The certified A2 equality ||E1 M E2|| = ||M|| / sqrt 2 end to end (irrational: uses the algebraic step). */
async function compareTable(opts: BenchOptions, ms: number): Promise<BenchTable> {
  const sizes = opts.quick ? [2, 4] : [2, 3, 4, 6, 8];
  const rand = rng(3);
  const F = exact;
  const rows: (string | number)[][] = [];
  for (const n of sizes) {
    const X = ratMatrix(rand, n, n) as Mx.Matrix<Real>;
    const E = Mx.embedE1TXE2T(F, X);
    const M = Mx.add(F, E, Mx.transpose(E));
    const run = () => {
      const lhs = Mx.norm(F, Mx.extractE1ME2(M, n));
      const rhs = F.div(Mx.norm(F, M), F.sqrt(F.fromInt(2)));
      return decide(F, { lhs, rel: '=', rhs });
    };
    const verdict = run().holds;
    const { perCall } = timeIt(run, ms);
    rows.push([`||E1 M E2|| = ||M||/sqrt 2`, 2 * n, String(verdict), sig(1 / perCall), sig(perCall * 1e6)]);
  }
  opts.log('numeric: certified comparisons done');
  return {
    title: 'Certified comparison in the exact field (M symmetric with zero diagonal blocks, 2n x 2n)',
    columns: ['comparison', 'size', 'holds', 'calls/s', 'us/call'],
    rows,
    notes: ['Each call rebuilds both sides and decides the sign of their difference from scratch (fresh nodes, no memo reuse).'],
  };
}

export const suite: BenchSuite = {
  name: 'numeric',
  async run(opts) {
    const ms = opts.quick ? 20 : 200;
    return [await exactTable(opts, ms), await f64Table(opts, opts.quick ? 20 : 300), await compareTable(opts, ms)];
  },
};
