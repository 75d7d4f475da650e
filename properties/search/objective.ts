/**
 * What tightness and ablation-by-optimisation maximise: a claim's normalised quantity
 * (theory/_internals/constant.ts; README "Searching, ablation, tightness") turned into one score per
 * input, with "> 1" meaning "the claim fails here":
 *
 *   sup constant c (quantity <= c):  score = q / c
 *   inf constant c (quantity >= c):  score = c / q   (+infinity for q <= 0: the claim fails)
 *
 * over the parts whose denominator is > 0 (the largest score wins). A comparison of the claim
 * whose part is degenerate still counts when it is violated: such a point scores
 * 1 + (lhs - rhs) / (|lhs| + |rhs|) (rhs - lhs for >=), > 1 as well. So one score serves the
 * tightness search (its best point is the worst case of the constant) and the ablation (any
 * point scoring > 1 is a candidate counterexample, confirmed exactly before it counts).
 */
import type { Field } from '../../numeric/field.ts';
import { float64 } from '../../numeric/float64.ts';
import type { Claim, Comparison, ConstantSpec } from '../../theory/claim.ts';
import { constantOf, isVacuous } from '../../theory/index.ts';

/** Float64 resolution guard: a part whose denominator is below this share of its scale is skipped. */
const RESOLUTION = 1e-9;

export interface Score {
  /** The largest score over the parts (> 1: the claim fails there); -Infinity when none is defined. */
  score: number;
  /** The quantity at the part that gives the score (undefined when a violated comparison gave it). */
  q?: number;
  label?: string;
}

/** The printed constant's value as a double ("1/4" -> 0.25). */
export function printedValue(spec: Pick<ConstantSpec, 'printed'>): number {
  const [p, q] = spec.printed.split('/');
  return Number(p) / (q === undefined ? 1 : Number(q));
}

/** The score of a quantity value q against the constant. */
export function scoreOfQ(spec: ConstantSpec, c: number, q: number): number {
  if (spec.direction === 'sup') return q / c;
  return q > 0 ? c / q : Infinity;
}

/** 1 + the relative violation (lhs - rhs) / (|lhs| + |rhs|) of a comparison (rhs - lhs for >=,
 *  |lhs - rhs| for =): above 1 exactly when it is violated; -Infinity when it holds. */
function violationScore(F: Field<any>, cmp: Comparison<any>): Score {
  if (isVacuous(cmp)) return { score: -Infinity };
  const [l, r] = [F.toNumber(cmp.lhs), F.toNumber(cmp.rhs)];
  const diff = cmp.rel === '<=' ? l - r : cmp.rel === '>=' ? r - l : Math.abs(l - r);
  const size = Math.abs(l) + Math.abs(r);
  if (!(diff > 0) || !(size > 0)) return { score: -Infinity };
  return { score: 1 + diff / size, ...(cmp.label !== undefined ? { label: cmp.label } : {}) };
}

/** The score of an input in float64 (exceptions and NaN count as undefined: -Infinity). */
export function scoreOf(claim: Claim, input: unknown, F: Field<any> = float64): Score {
  const spec = constantOf(claim);
  const c = printedValue(spec);
  let best: Score = { score: -Infinity };
  const offer = (s: Score) => {
    if (Number.isFinite(s.score) || s.score === Infinity) if (s.score > best.score) best = s;
  };
  let degenerate = false;
  try {
    for (const p of spec.parts(F, input)) {
      if (!p) {
        degenerate = true;
        continue;
      }
      const num = F.toNumber(p.num);
      const den = F.toNumber(p.den);
      if (!(den > 0) || !Number.isFinite(num)) {
        degenerate = true;
        continue;
      }
      if (p.scale !== undefined && den < RESOLUTION * Math.abs(F.toNumber(p.scale))) continue;
      const q = num / den;
      offer({ score: scoreOfQ(spec, c, q), q, ...(p.label !== undefined ? { label: p.label } : {}) });
    }
    // violated comparisons where a part was degenerate (a denominator <= 0: e.g. J(V_0) < L*)
    if (degenerate) for (const cmp of claim.comparisons(F, input)) offer(violationScore(F, cmp));
  } catch {
    return { score: -Infinity };
  }
  return best;
}
