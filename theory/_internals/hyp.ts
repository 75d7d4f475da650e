/**
 * Which loss hypotheses an input's descriptor satisfies, decided exactly from the stated
 * constants and what the loss family really has (numeric/losses). A hypothesis is left out
 * (unknown) when only a bound is known and the stated constant lies beyond it.
 */
import type { LossDesc, TwoMatrixLoss } from '../../numeric/loss.ts';
import { infimumInfo, smoothnessInfo } from '../../numeric/losses/index.ts';
import type { HypothesisName } from '../claim.ts';
import { numCmp } from './num.ts';

export type Holds = Partial<Record<HypothesisName, boolean>>;

/** smooth, L_ge_1 and lower_bound for a descriptor's stated L and L*. */
export function lossHypotheses(desc: LossDesc | TwoMatrixLoss): Holds {
  const out: Holds = { L_ge_1: numCmp(desc.L, 1) >= 0 };
  const s = smoothnessInfo(desc);
  // stated L >= true constant: holds; below an exact constant: fails; below a mere upper bound: unknown.
  if (s.kind !== 'unbounded' && numCmp(desc.L, s.value) >= 0) out.smooth = true;
  else if (s.kind === 'exact' || (s.lower !== undefined && numCmp(desc.L, s.lower) < 0)) out.smooth = false;
  const inf = infimumInfo(desc);
  if (inf.kind === 'unbounded') out.lower_bound = false;
  else if (inf.value !== null) {
    if (numCmp(desc.Lstar, inf.value) <= 0) out.lower_bound = true;
    else if (inf.kind === 'exact') out.lower_bound = false;
  }
  return out;
}
