/** The claim catalogue (SPEC "Claim catalogue"). Filled in by the claim files. */
import type { Claim } from './claim.ts';

export const CATALOGUE: Claim[] = [];

export function claimById(id: string): Claim | undefined {
  return CATALOGUE.find((c) => c.id === id);
}
