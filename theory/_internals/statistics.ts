/**
 * Monte-Carlo tests for the statistical claims (RAC.EH, RAC.T53, RAC.T55), over the exact field
 * (certified decisions about the samples drawn) or float64 (screening).
 *
 * Every case fails with probability at most DELTA = 2^-20 when the claim holds:
 * - two-sided, bounded entries (RAC.EH): Hoeffding with a union bound;
 * - one-sided, E[Y] <= B (the rates): the empirical Bernstein bound of Maurer & Pontil (2009,
 *   Theorem 4) on samples clipped to an a-priori range [lo, R]: clipping from above only lowers
 *   the mean, so a lower confidence bound of the clipped mean above B refutes E[Y] <= B whatever
 *   the distribution of Y (no premise on Y's range is needed).
 * The logarithms are replaced by rational upper bounds (ln 2 < LN2_UP), which only widens the
 * bands. Samples are rounded to the grid 2^-GRID_BITS before they are summed (a sum of K exact
 * rationals with unrelated denominators grows without bound); the rounding error is added to the
 * band, so the statement stays certified.
 */
import { ModeError, type Field } from '../../numeric/field.ts';
import { Rational, bitLength } from '../../numeric/rational.ts';
import { toRational as realToRational } from '../../numeric/real.ts';

/** Per-case level: P(a case fails | the claim holds) <= DELTA. */
const DELTA_LOG2 = 20;
export const DELTA = 2 ** -DELTA_LOG2;
export const DELTA_TEXT = `2^-${DELTA_LOG2}`;
/** Samples are rounded to multiples of 2^-GRID_BITS. */
const GRID_BITS = 40;

/** ln 2 = 0.693147180559945... < LN2_UP. */
const LN2_UP = Rational.of(6931471806n, 10n ** 10n);
const GRID = Rational.of(1n, 1n << BigInt(GRID_BITS));

/** A rational upper bound of ln x for an integer x >= 1: ceil(log2 x) LN2_UP. */
export function lnUpper(x: number): Rational {
  if (!Number.isInteger(x) || x < 1) throw new RangeError(`lnUpper: argument x must be an integer >= 1, got ${x}`);
  const ceilLog2 = x === 1 ? 0 : bitLength(BigInt(x - 1));
  return LN2_UP.mul(Rational.of(ceilLog2));
}

/** 2^-GRID_BITS in F. */
export function gridStep<T>(F: Field<T>): T {
  return F.lift(GRID);
}

/** x rounded to the grid 2^-GRID_BITS: to the nearest point, or up. Exact field: exact on
 *  rational values; float64: in doubles (screening). Other fields cannot round certainly. */
export function gridRound<T>(F: Field<T>, x: T, dir: 'nearest' | 'up'): T {
  const scale = 2 ** GRID_BITS;
  if (F.mode === 'float64') {
    const v = F.toNumber(x) * scale;
    return F.lift((dir === 'up' ? Math.ceil(v) : Math.round(v)) / scale);
  }
  const q = F.mode === 'exact' ? realToRational(x as never) : undefined;
  if (!q) throw new ModeError(`gridRound: the statistical claims need rational samples (exact or float64 mode), got a ${F.mode} value`);
  const num = q.num << BigInt(GRID_BITS);
  // nearest: floor(x 2^P + 1/2) = floor((2 num 2^P + den) / (2 den)); up: ceil(x 2^P)
  const k = dir === 'nearest' ? floorDiv(2n * num + q.den, 2n * q.den) : -floorDiv(-num, q.den);
  return F.lift(Rational.of(k, 1n << BigInt(GRID_BITS)));
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/**
 * Hoeffding half-width for `events` two-sided means of K samples each in an interval of length
 * 1, with a union bound at total level DELTA: sqrt(ln(2 events / DELTA) / (2K)).
 */
export function hoeffdingHalfWidth<T>(F: Field<T>, events: number, K: number): T {
  const lnBound = lnUpper(2 * events).add(LN2_UP.mul(Rational.of(DELTA_LOG2)));
  return F.sqrt(F.lift(lnBound.div(Rational.of(2 * K))));
}

/**
 * The Maurer-Pontil lower confidence bound of E[Z] from n >= 2 samples in [lo, hi]:
 *   mean - sqrt(2 V ln(2/DELTA) / n) - 7 (hi - lo) ln(2/DELTA) / (3 (n - 1)),
 * V the sample variance (1/(n(n-1)) sum_{i<j} (z_i - z_j)^2). With probability >= 1 - DELTA it
 * lies below E[Z]. (Their Theorem 4 for Z in [0, 1], applied to (hi - Z)/(hi - lo).)
 */
export function bernsteinLower<T>(F: Field<T>, zs: readonly T[], lo: T, hi: T): T {
  const n = zs.length;
  if (n < 2) throw new RangeError(`bernsteinLower: argument zs needs at least 2 samples, got ${n}`);
  let s1 = F.zero;
  let s2 = F.zero;
  for (const z of zs) {
    s1 = F.add(s1, z);
    s2 = F.add(s2, F.mul(z, z));
  }
  const N = F.fromInt(n);
  const mean = F.div(s1, N);
  // V = (n s2 - s1^2) / (n (n - 1)), never negative in exact arithmetic (clamped for float64)
  let V = F.div(F.sub(F.mul(N, s2), F.mul(s1, s1)), F.mul(N, F.fromInt(n - 1)));
  if (F.sign(V) === -1) V = F.zero;
  const ln = F.lift(LN2_UP.mul(Rational.of(DELTA_LOG2 + 1))); // >= ln(2 / DELTA)
  const dev = F.sqrt(F.div(F.mul(F.mul(F.fromInt(2), V), ln), N));
  const range = F.sub(hi, lo);
  const tail = F.div(F.mul(F.mul(F.fromInt(7), range), ln), F.fromInt(3 * (n - 1)));
  return F.sub(F.sub(mean, dev), tail);
}

export const HOEFFDING_METHOD = 'Hoeffding (entries in an interval of length 1), union bound over the entries, ln bounded above rationally';
export const BERNSTEIN_METHOD = 'empirical Bernstein lower confidence bound (Maurer & Pontil 2009, Thm 4) of the clipped mean, ln bounded above rationally';
