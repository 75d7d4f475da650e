/**
 * Hand-made inputs for the theory tests, with answers worked out by hand.
 *
 * The workhorse is the scalar LoRA problem m = n = r = 1: V = [b; a], W = ba,
 * L(W) = (d/2) (W - c)^2, so G = d (ba - c), grad J(V) = [G a; G b], ||V||^2 = a^2 + b^2 and
 * ||grad J||^2 = G^2 ||V||^2 (the bound (19) is off by exactly the factor 2 here).
 */
import type { Mode, Num } from '../../numeric/field.ts';
import { fieldFor } from '../../numeric/fields.ts';
import { decide, type Decision } from '../../numeric/compare.ts';
import type { QuadraticLoss, TwoMatrixLoss } from '../../numeric/loss.ts';
import { quadraticLoss, twoQuadraticLoss } from '../../numeric/losses/index.ts';
import { fromRows, type Matrix } from '../../numeric/matrix.ts';
import { Rational } from '../../numeric/rational.ts';
import type { Claim, Comparison } from '../claim.ts';

/** Exact rational from "p/q", a decimal string or an integer. */
export const q = (x: string | number): Rational => Rational.parse(String(x));

/** A matrix of exact rationals from rows of strings/integers. */
export const mat = (rows: (string | number)[][]): Matrix<Num> => fromRows(rows.map((r) => r.map(q)));

/** L(W) = (d/2)(W - c)^2 on 1 x 1 matrices, stated constants L (default max(1, d)) and Lstar (default 0). */
export function scalarLoss(o: { d?: string; c?: string; L?: string; Lstar?: string } = {}): QuadraticLoss {
  return quadraticLoss({
    m: 1,
    n: 1,
    d: [q(o.d ?? '1')],
    u: [],
    C: mat([[o.c ?? '0']]),
    ...(o.L !== undefined ? { L: q(o.L) } : {}),
    ...(o.Lstar !== undefined ? { Lstar: q(o.Lstar) } : {}),
  });
}

/** V = [b; a] for the scalar problem. */
export const V2 = (b: string, a: string): Matrix<Num> => mat([[b], [a]]);

/** L(W1, W2) = 1/2 (||W1||^2 + ||W2||^2) on 1 x 1 blocks (H = I): grad L~(M) = diag(M11, M22). */
export function identityTwoLoss(L = '1'): TwoMatrixLoss {
  return twoQuadraticLoss({ m1: 1, n1: 1, m2: 1, n2: 1, d: [q(1), q(1)], u: [], C1: mat([[0]]), C2: mat([[0]]), L: q(L) });
}

export interface Evaluated {
  comparisons: Comparison<any>[];
  decisions: Decision[];
  /** true if every comparison holds, false if one certainly fails, else 'undecided'. */
  verdict: boolean | 'undecided';
}

export function evaluate<I>(claim: Claim<I>, mode: Mode, input: I): Evaluated {
  const F = fieldFor(mode);
  const comparisons = claim.comparisons(F, input);
  const decisions = comparisons.map((c) => decide(F, c));
  const verdict = decisions.some((d) => d.holds === false)
    ? false
    : decisions.every((d) => d.holds === true)
      ? true
      : 'undecided';
  return { comparisons, decisions, verdict };
}

/** The verdict of a claim on an input in every listed mode (the claim must support them). */
export function verdicts<I>(claim: Claim<I>, modes: readonly Mode[], input: I): Record<string, boolean | 'undecided'> {
  const out: Record<string, boolean | 'undecided'> = {};
  for (const m of modes) {
    if (!claim.modes.includes(m)) throw new Error(`${claim.id} does not list mode ${m}`);
    out[m] = evaluate(claim, m, input).verdict;
  }
  return out;
}
