/**
 * One interface for every scalar field a claim is evaluated over (README "Claims and arithmetic").
 *
 * - `exact`   : lazy exact reals. Rational values stay BigInt rationals; sqrt/cbrt/min/max
 *               of irrational values become nodes that are enclosed in intervals on demand
 *               and refined until a comparison is decided (or reported undecided).
 * - `precise` : decimal intervals (>= 50 significant digits, directed rounding): every value
 *               carries a certified enclosure; exp/log available. A verdict carries its error bound.
 * - `float64` : plain doubles, fast screening. A float64 failure is only a *candidate*.
 *
 * Claims in theory/ are written once as functions over `Field<T>`; no claim knows which
 * field it runs on.
 */
import type { Rational } from './rational.ts';

export type Mode = 'exact' | 'precise' | 'float64';
export const MODES: readonly Mode[] = ['exact', 'precise', 'float64'];

/** A value a generator draws: exact rational (exact/precise inputs) or a double (float64 inputs). */
export type Num = Rational | number;

/** Certified sign: -1, 0, 1, or undefined when it could not be decided at the configured precision. */
export type Sign = -1 | 0 | 1 | undefined;

/** A dense row-major matrix over a field (the kernels: numeric/matrix.ts, the float64 ones numeric/matrix-f64.ts). */
export interface Matrix<T> {
  readonly rows: number;
  readonly cols: number;
  /** Row-major entries, length rows * cols. */
  readonly data: readonly T[];
}

export interface Field<T> {
  readonly mode: Mode;
  readonly zero: T;
  readonly one: T;
  /** Lifts an input value. Exact fields convert a double exactly (doubles are rationals). */
  lift(x: Num): T;
  fromInt(n: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** Throws RangeError on a certain division by zero. */
  div(a: T, b: T): T;
  neg(a: T): T;
  abs(a: T): T;
  min(a: T, b: T): T;
  max(a: T, b: T): T;
  /** Square root of a value >= 0. Throws RangeError on a certainly negative argument. */
  sqrt(a: T): T;
  /** Real cube root. */
  cbrt(a: T): T;
  /** a^k for an integer k (k < 0 allowed when a != 0). */
  powInt(a: T, k: number): T;
  /** exp and natural log. The exact field throws ModeError: these need `precise`. */
  exp(a: T): T;
  log(a: T): T;
  /** Certified sign of a (undefined = undecided at the configured precision). */
  sign(a: T): Sign;
  /** True only when a is certainly exactly zero. */
  isZero(a: T): boolean;
  /** Optional cheap test for kernels that skip zero terms (a sparsity shortcut, not a decision):
   *  true only when a is zero without any work. Fields whose isZero is a decision with
   *  consequences (the symbolic field of numeric/z3-field.ts branches on it) provide it. */
  knownZero?(a: T): boolean;
  /** Best double approximation (display, slack statistics, never a verdict). */
  toNumber(a: T): number;
  /** Round-trip text: "p/q" for rationals, shortest round-trip double, or "[lo, hi]" enclosures. */
  format(a: T): string;
  /** Width of a certified enclosure of a (0 for exact rationals and for float64, where it is unknown). */
  errorBound(a: T): number;
}

/** Raised when an operation is not available in the chosen arithmetic mode. */
export class ModeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModeError';
  }
}
