/**
 * The constant of an inequality claim (README "Searching, ablation, tightness") and the quantity that
 * measures it. A claim declares its own next to its sides (`constant` in its claim file: the
 * main lemmas, whose two sides share a large term); every other inequality (the proof lines of
 * (18)-(22), A.1, A.2, T35) is measured "as printed": the ratio of its two sides against 1, the
 * right measure for a relation between two expressions with no common term.
 */
import type { Field } from '../../numeric/field.ts';
import type { Claim, ConstantPart, ConstantSpec } from '../claim.ts';
import { isVacuous } from './sides.ts';

/** lhs / rhs of every '<=' and rhs / lhs of every '>=' the claim checks, against 1. */
const AS_PRINTED = {
  printed: '1',
  direction: 'sup',
  quantity: 'lhs / rhs of each printed relation (rhs / lhs for >=)',
  latex: '\\text{lhs} / \\text{rhs} \\;(\\text{rhs} / \\text{lhs} \\text{ for } \\geq)',
  degenerate: 'a relation whose dividing side is not > 0 (or that holds vacuously, a side being +infinity) is left out',
} as const;

function asPrinted(claim: Claim): ConstantSpec {
  return {
    ...AS_PRINTED,
    parts<T>(F: Field<T>, input: unknown): (ConstantPart<T> | undefined)[] {
      return claim.comparisons(F, input).map((c) => {
        if (c.rel === '=' || isVacuous(c)) return undefined;
        const [num, den] = c.rel === '<=' ? [c.lhs, c.rhs] : [c.rhs, c.lhs];
        return c.label === undefined ? { num, den } : { label: c.label, num, den };
      });
    },
  };
}

/** The claim's declared constant, or the as-printed one. */
export function constantOf(claim: Claim): ConstantSpec {
  return claim.constant ?? asPrinted(claim);
}

/** Whether the constant is the claim's own declaration (not the as-printed default). */
export function declaresConstant(claim: Claim): boolean {
  return claim.constant !== undefined;
}
