/**
 * Small helpers on descriptor values (`Num` = Rational | double) shared by the loss families:
 * exact arithmetic on Nums (doubles are dyadic rationals, so nothing is rounded) and argument
 * validation whose messages name the argument (e.g. "quadraticLoss: argument L must be > 0, got -1").
 */
import type { Num } from '../field.ts';
import type { Matrix } from '../matrix.ts';
import { Rational } from '../rational.ts';

/** Where a check runs: `fn` prefixes the message, `kind` is "argument" (builders) or "field" (descriptors). */
export interface Ctx {
  fn: string;
  kind: 'argument' | 'field';
}

export function fmtNum(x: unknown): string {
  if (x instanceof Rational) return x.toString();
  if (typeof x === 'number') return String(x);
  if (x === undefined) return 'undefined';
  if (x === null) return 'null';
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

function isNum(x: unknown): x is Num {
  return typeof x === 'number' ? Number.isFinite(x) : x instanceof Rational;
}

export { toRational, numSign, numAbs } from '../num.ts';
import { toRational, numSign, numCmp, numAbs } from '../num.ts';

export function maxAbs(xs: readonly Num[]): Num {
  if (xs.length === 0) return 0;
  let best: Num = numAbs(xs[0]!);
  for (const x of xs) {
    const a = numAbs(x);
    if (numCmp(a, best) > 0) best = a;
  }
  return best;
}

/** Whether every entry is a double (a plain loop: data arrays can be tens of millions long). */
export function allDoubles(xs: readonly unknown[]): boolean {
  for (let k = 0; k < xs.length; k++) if (typeof xs[k] !== 'number') return false;
  return true;
}

/** Whether a descriptor's values are doubles (then derived constants are reported as doubles too). */
export function usesDoubles(xs: readonly Num[]): boolean {
  return xs.some((x) => typeof x === 'number');
}

/** Exact product of Nums as a Rational (no rounding even when the inputs are doubles). */
export function exactProduct(...xs: Num[]): Rational {
  return xs.reduce<Rational>((acc, x) => acc.mul(toRational(x)), Rational.ONE);
}

/**
 * max(1, x): the smallest L that Assumption 3.1 (L >= 1) allows for a loss whose true
 * smoothness is x. Returned in the descriptor's number kind (double if `asDouble`).
 */
export function maxOne(x: Num, asDouble: boolean): Num {
  const one: Num = asDouble ? 1 : Rational.ONE;
  return numCmp(x, 1) >= 0 ? x : one;
}

// ---------------------------------------------------------------- validation

function fail(c: Ctx, name: string, msg: string): never {
  throw new RangeError(`${c.fn}: ${c.kind} ${name} ${msg}`);
}

export function checkNum(c: Ctx, name: string, x: unknown): Num {
  if (!isNum(x)) fail(c, name, `must be a finite number or a Rational, got ${fmtNum(x)}`);
  return x;
}

export function checkPositive(c: Ctx, name: string, x: unknown): Num {
  const v = checkNum(c, name, x);
  if (numSign(v) <= 0) fail(c, name, `must be > 0, got ${fmtNum(v)}`);
  return v;
}

export function checkNonzero(c: Ctx, name: string, x: unknown): Num {
  const v = checkNum(c, name, x);
  if (numSign(v) === 0) fail(c, name, `must be nonzero, got ${fmtNum(v)}`);
  return v;
}

export function checkSize(c: Ctx, name: string, x: unknown, min = 1): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min)
    fail(c, name, `must be an integer >= ${min}, got ${fmtNum(x)}`);
  return x;
}

export function checkNumVector(c: Ctx, name: string, v: unknown, len: number): Num[] {
  if (!Array.isArray(v)) fail(c, name, `must be an array of ${len} numbers, got ${fmtNum(v)}`);
  if (v.length !== len) fail(c, name, `must have ${len} entries, got ${v.length}`);
  v.forEach((x, i) => {
    if (!isNum(x)) fail(c, `${name}[${i}]`, `must be a finite number or a Rational, got ${fmtNum(x)}`);
  });
  return v as Num[];
}

export function checkMatrix(c: Ctx, name: string, M: unknown, rows: number, cols: number, entries = true): Matrix<Num> {
  const A = M as Matrix<Num> | undefined;
  if (!A || typeof A !== 'object' || !Array.isArray(A.data))
    fail(c, name, `must be a ${rows} x ${cols} matrix, got ${fmtNum(M)}`);
  if (A.rows !== rows || A.cols !== cols) fail(c, name, `must be ${rows} x ${cols}, got ${A.rows} x ${A.cols}`);
  if (A.data.length !== rows * cols) fail(c, name, `has ${A.data.length} entries, expected ${rows * cols}`);
  if (entries) {
    // One tight pass (data matrices reach tens of millions of entries).
    const data = A.data;
    for (let k = 0; k < data.length; k++) {
      const x = data[k];
      if (typeof x === 'number' ? x - x === 0 : x instanceof Rational) continue; // x - x === 0 iff finite
      fail(c, `${name}[${Math.floor(k / cols)}][${k % cols}]`, `must be a finite number or a Rational, got ${fmtNum(x)}`);
    }
  }
  return A;
}

/** Householder vectors: each has `len` entries and is nonzero (H_u needs u^T u > 0). */
export function checkReflectors(c: Ctx, name: string, u: unknown, len: number): Num[][] {
  if (!Array.isArray(u)) fail(c, name, `must be an array of vectors, got ${fmtNum(u)}`);
  return u.map((v, j) => {
    const vec = checkNumVector(c, `${name}[${j}]`, v, len);
    if (vec.every((x) => numSign(x) === 0)) fail(c, `${name}[${j}]`, 'must be a nonzero vector (H_u needs u^T u > 0)');
    return vec;
  });
}
