/**
 * Building blocks for the two sides of a printed relation, over any Field.
 *
 * Several printed bounds have a denominator that vanishes on some inputs (V = 0, G = 0,
 * grad J = 0): the printed expression is then +infinity and a relation "x <= +infinity" holds
 * vacuously. Fields have no infinity, so such sides are `Ext<T>` values (T or INF) and the
 * relation is reported as a *vacuous* comparison (0 <= 0, tagged in its label) instead of
 * dividing by zero. Nothing here rounds or guesses: whether a denominator is zero is decided
 * with F.isZero, which is certain in every field.
 */
import type { Field } from '../../numeric/field.ts';
import { E1, E2, matmul, type Matrix } from '../../numeric/matrix.ts';
import type { Comparison, Relation } from '../claim.ts';

/** +infinity, the value of 1/0 in a printed bound with a nonnegative denominator. */
const INF: unique symbol = Symbol('+infinity');
export type Ext<T> = T | typeof INF;

/** Tag carried in the label of every vacuous comparison (see isVacuous). */
const VACUOUS_TAG = '[vacuous]';

/** True for the comparisons that hold only because one side is +infinity or undefined. */
export function isVacuous(c: { label?: string }): boolean {
  return c.label?.includes(VACUOUS_TAG) ?? false;
}

/** A relation that holds vacuously (right side +infinity, or the input lies outside the statement). */
export function vacuous<T>(F: Field<T>, label: string, why: string): Comparison<T> {
  return { label: `${label} ${VACUOUS_TAG} ${why}`, lhs: F.zero, rel: '<=', rhs: F.zero };
}

/** A relation that certainly fails because its left side is +infinity and its right side finite. */
function infiniteFails<T>(F: Field<T>, label: string, side: string): Comparison<T> {
  return { label: `${label} [fails: ${side} is +infinity, the other side finite]`, lhs: F.one, rel: '<=', rhs: F.zero };
}

/** `lhs rel rhs` where either side may be +infinity. */
export function relate<T>(F: Field<T>, label: string, lhs: Ext<T>, rel: Relation, rhs: Ext<T>): Comparison<T> {
  const big = rel === '>=' ? lhs : rhs; // the side that may be +infinity for free
  const small = rel === '>=' ? rhs : lhs;
  if (rel === '=') {
    if (lhs === INF && rhs === INF) return vacuous(F, label, 'both sides are +infinity');
    if (lhs === INF || rhs === INF) return infiniteFails(F, label, lhs === INF ? 'left side' : 'right side');
  } else {
    if (big === INF) return vacuous(F, label, `${rel === '>=' ? 'left' : 'right'} side is +infinity`);
    if (small === INF) return infiniteFails(F, label, rel === '>=' ? 'right side' : 'left side');
  }
  return { label, lhs: lhs as T, rel, rhs: rhs as T };
}

export const sqrt2 = <T>(F: Field<T>): T => F.sqrt(F.fromInt(2));

/** Product of several field values. */
export function prod<T>(F: Field<T>, ...xs: T[]): T {
  return xs.reduce((a, b) => F.mul(a, b), F.one);
}

/** Sum of several field values. */
export function sum<T>(F: Field<T>, ...xs: T[]): T {
  return xs.reduce((a, b) => F.add(a, b), F.zero);
}

/** 1/x for a nonnegative x; +infinity when x is exactly zero. */
export function recip<T>(F: Field<T>, x: T): Ext<T> {
  return F.isZero(x) ? INF : F.div(F.one, x);
}

/** (1/x)^{1/k} for k = 2 or 3 and a nonnegative x, as printed; +infinity when x is exactly zero. */
export function rootOfRecip<T>(F: Field<T>, x: T, k: 2 | 3): Ext<T> {
  const r = recip(F, x);
  if (r === INF) return INF;
  return k === 2 ? F.sqrt(r) : F.cbrt(r);
}

/** A count (t, T) given as a JS integer or already as a field value. */
export function count<T>(F: Field<T>, x: number | T): T {
  if (typeof x === 'number') return Number.isInteger(x) ? F.fromInt(x) : F.lift(x);
  return x;
}

/** Entrywise equalities X = Y, labelled `name_{i,j}`. */
export function entrywise<T>(name: string, X: Matrix<T>, Y: Matrix<T>): Comparison<T>[] {
  if (X.rows !== Y.rows || X.cols !== Y.cols)
    throw new RangeError(`${name}: sides differ in shape (${X.rows} x ${X.cols} vs ${Y.rows} x ${Y.cols})`);
  return X.data.map((x, k) => ({
    label: `${name}, entry (${Math.floor(k / X.cols)}, ${k % X.cols})`,
    lhs: x,
    rel: '=' as const,
    rhs: Y.data[k]!,
  }));
}


/** E1 M E2 formed as the printed product with the explicit extractor matrices (Lemma A.2, Step 1). */
export function E1ME2printed<T>(F: Field<T>, M: Matrix<T>, m: number, n: number): Matrix<T> {
  return matmul(F, matmul(F, E1(F, m, n), M), E2(F, m, n));
}
