/**
 * The claim catalogue (README "Claims and arithmetic"), in paper order, and the public names of
 * theory/: the shared LoRA computations (lora.ts), the update rules of the RAC-LoRA family
 * (rac.ts: FPFT, LoRA with W0, Asymmetric LoRA, COLA's merge, RAC-LoRA's projected step), the
 * seeded sketches (sketch.ts) and the scalar-level sides the trace verifier uses (trace-sides.ts).
 */
import type { Claim } from './claim.ts';
import { A1 } from './claims/a1-amgm.ts';
import { A2embed, A2sub, A2sym } from './claims/a2-extractors.ts';
import { E19 } from './claims/e19-gradient-bound.ts';
import { E23 } from './claims/e23-gradient-vs-gap.ts';
import { G7 } from './claims/g7-gradient.ts';
import { GV, GVstep } from './claims/gv-growth.ts';
import { L33 } from './claims/l33-descent-lemma.ts';
import { L34 } from './claims/l34-descent-step.ts';
import { L34s18 } from './claims/l34-s18.ts';
import { L34s20, L34s21 } from './claims/l34-s20-s21.ts';
import { L34s22 } from './claims/l34-s22.ts';
import { L36, L36grad } from './claims/l36-two-matrix-smoothness.ts';
import { M36 } from './claims/m36-multi-matrix-step.ts';
import { S1 } from './claims/s1-restructure.ts';
import { T10 } from './claims/t10-min-gradient.ts';
import { T35 } from './claims/t35-step-sizes.ts';
import { RACH } from './claims/rac-projection.ts';
import { RACstep } from './claims/rac-step.ts';
import { RACsum } from './claims/rac-sum.ts';
import { RACEH } from './claims/rac-mean-projection.ts';
import { RACT53 } from './claims/rac-t53.ts';
import { RACT55 } from './claims/rac-t55.ts';
import { ASYMsubspace } from './claims/asym-subspace.ts';
import { LORArank } from './claims/lora-rank.ts';

/** In paper order (A.1 helper lemmas first, then Sec. 3.2 with its proofs,
 *  then the RAC-LoRA family). */
export const CATALOGUE: Claim[] = [
  A1,
  A2sub,
  A2embed,
  A2sym,
  S1,
  G7,
  L33,
  E19,
  L34,
  ...L34s18,
  ...L34s20,
  ...L34s21,
  ...L34s22,
  E23,
  GV,
  GVstep,
  T10,
  T35,
  L36,
  L36grad,
  M36,
  // the RAC-LoRA family (Malinovsky et al., arXiv 2410.08305): projections, descent, rates, subspace and rank limits
  RACH,
  RACstep,
  RACsum,
  RACEH,
  RACT53,
  RACT55,
  ASYMsubspace,
  LORArank,
];

export function claimById(id: string): Claim | undefined {
  return CATALOGUE.find((c) => c.id === id);
}

export * from './lora.ts';
export * from './rac.ts';
export * from './trace-sides.ts';
export { isVacuous } from './_internals/sides.ts';
export { constantOf, declaresConstant } from './_internals/constant.ts';
