/**
 * The public face of numeric/: scalar fields behind one interface, matrices over any field,
 * certified comparison, and the loss families. Everything else in numeric/ is internal.
 */
export { Rational, gcd, isqrt, icbrt, bitLength } from './rational.ts';
export { MODES, ModeError, type Field, type Mode, type Num, type Sign } from './field.ts';
export { fieldFor, type FieldOptions } from './fields.ts';
export {
  exact,
  decideSign,
  enclose,
  setExactPrecision,
  getExactPrecision,
  isRational,
  toRational,
  RealNode,
  type Real,
  type RealOp,
  type ExactPrecision,
} from './real.ts';
export { precise, IntervalArith, MIN_PRECISE_DIGITS, type Interval } from './precise.ts';
export { float64, shortest } from './float64.ts';
export { rationalField } from './rational-field.ts';
/** Matrix kernels as a namespace (their names, add/sub/map/lift, would clash with scalar ones). */
export * as matrix from './matrix.ts';
export type { Matrix } from './matrix.ts';
export { matmulF64, transposeF64, innerF64, normSqF64 } from './matrix-f64.ts';
export {
  decide,
  evaluateComparison,
  FLOAT64_EQ_TOL,
  FLOAT64_LE_TOL,
  type Decision,
  type EvaluatedComparisonData,
  type Relation,
  type ScalarComparison,
} from './compare.ts';
export { requireSymmetric, requirePositive, requireShape } from './validate.ts';
export type * from './loss.ts';
export * from './losses/index.ts';
