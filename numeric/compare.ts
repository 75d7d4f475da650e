/**
 * Certified comparison of two sides of a claim (README "Claims and arithmetic").
 *
 * In `exact` and `precise` a comparison is decided by the certified sign of one difference
 * (rhs - lhs for '<=', lhs - rhs for '>=' and '='): true, false, or 'undecided' when the
 * field cannot tell at its configured precision. Never a float guess.
 *
 * In `float64` the verdict is a screening *candidate* only, with a small tolerance so that
 * rounding noise in a true equality or a tight inequality does not flood the search with
 * false alarms; every float64 failure is re-checked in exact or precise before it is
 * reported as a counterexample.
 */
import type { Field } from './field.ts';

type Relation = '<=' | '=' | '>=';

interface ScalarComparison<T> {
  label?: string;
  lhs: T;
  rel: Relation;
  rhs: T;
}

export interface Decision {
  /** Certified in exact/precise; a screening candidate in float64. */
  holds: boolean | 'undecided';
  /** rhs - lhs for '<=', lhs - rhs for '>=', -|lhs - rhs| for '=' (as a double; negative = violated). */
  slack: number;
  /** lhs / rhs for '<=' when rhs > 0, rhs / lhs for '>=' when lhs > 0 (> 1 = violated). */
  ratio?: number;
  /** Width of the enclosure of the decisive difference (precise mode, or irrational exact values). */
  errorBound?: number;
}

/** Same field names as theory/results.ts `EvaluatedComparison` (numeric/ may not import theory/). */
interface EvaluatedComparisonData extends Decision {
  label?: string;
  lhs: string;
  rel: Relation;
  rhs: string;
}

/** float64 screening: '=' holds when |lhs - rhs| <= FLOAT64_EQ_TOL * max(1, |lhs|, |rhs|). */
export const FLOAT64_EQ_TOL = 1e-9;
/** float64 screening: '<=' holds when lhs <= rhs + FLOAT64_LE_TOL * max(1, |lhs|, |rhs|) ('>=' mirrored). */
const FLOAT64_LE_TOL = 1e-12;

function checkRel(rel: string): asserts rel is Relation {
  if (rel !== '<=' && rel !== '=' && rel !== '>=')
    throw new RangeError(`decide: argument cmp.rel must be '<=', '=' or '>=', got ${JSON.stringify(rel)}`);
}

export function decide<T>(F: Field<T>, cmp: ScalarComparison<T>): Decision {
  checkRel(cmp.rel);
  if (F.mode === 'float64') return decideFloat64(F.toNumber(cmp.lhs), cmp.rel, F.toNumber(cmp.rhs));
  const { lhs, rel, rhs } = cmp;
  const d = rel === '<=' ? F.sub(rhs, lhs) : F.sub(lhs, rhs);
  const s = F.sign(d);
  const holds: boolean | 'undecided' = s === undefined ? 'undecided' : rel === '=' ? s === 0 : s >= 0;
  let slack = F.toNumber(d);
  // keep the reported slack consistent with the certified sign (the double may round to 0)
  if (s === 0) slack = 0;
  // a certified non-zero difference violates '=': its slack is negative even when the double is 0
  else if (rel === '=' && s !== undefined) slack = -Math.abs(slack) || -Number.MIN_VALUE;
  else if (s === 1 && !(slack >= 0)) slack = 0;
  else if (s === -1 && !(slack < 0)) slack = -Number.MIN_VALUE;
  if (rel === '=') slack = slack === 0 ? 0 : -Math.abs(slack); // no -0 in result files
  const out: Decision = { holds, slack };
  const ratio = certifiedRatio(F, rel, lhs, rhs);
  // a certified tie has ratio exactly 1 (the double of lhs/rhs might be 1 - 1e-16)
  if (ratio !== undefined) out.ratio = s === 0 && rel !== '=' ? 1 : ratio;
  const eb = F.errorBound(d);
  // an unbounded enclosure (a divisor straddling 0) has no finite bound: JSON could not carry it
  if (Number.isFinite(eb) && (F.mode === 'precise' || eb > 0)) out.errorBound = eb;
  return out;
}

function certifiedRatio<T>(F: Field<T>, rel: Relation, lhs: T, rhs: T): number | undefined {
  if (rel === '<=' && F.sign(rhs) === 1) return F.toNumber(F.div(lhs, rhs));
  if (rel === '>=' && F.sign(lhs) === 1) return F.toNumber(F.div(rhs, lhs));
  return undefined;
}

function decideFloat64(l: number, rel: Relation, r: number): Decision {
  if (Number.isNaN(l) || Number.isNaN(r)) return { holds: 'undecided', slack: Number.NaN };
  const scale = Math.max(1, Math.abs(l), Math.abs(r));
  let holds: boolean;
  let slack: number;
  let ratio: number | undefined;
  if (rel === '<=') {
    holds = l <= r + FLOAT64_LE_TOL * scale;
    slack = r - l;
    if (r > 0) ratio = l / r;
  } else if (rel === '>=') {
    holds = l + FLOAT64_LE_TOL * scale >= r;
    slack = l - r;
    if (l > 0) ratio = r / l;
  } else {
    holds = Math.abs(l - r) <= FLOAT64_EQ_TOL * scale;
    slack = l === r ? 0 : -Math.abs(l - r);
  }
  return ratio === undefined ? { holds, slack } : { holds, slack, ratio };
}

/** decide() plus both sides formatted with F.format (round-trip text), ready for a result file. */
export function evaluateComparison<T>(F: Field<T>, cmp: ScalarComparison<T>): EvaluatedComparisonData {
  const d = decide(F, cmp);
  const out: EvaluatedComparisonData = { lhs: F.format(cmp.lhs), rel: cmp.rel, rhs: F.format(cmp.rhs), ...d };
  return cmp.label === undefined ? out : { label: cmp.label, ...out };
}

export { requireSymmetric } from './validate.ts';
