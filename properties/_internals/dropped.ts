/** The set of dropped hypotheses an arbitrary widens for (ablation); empty for plain checks. */
import type { HypothesisName } from '../../theory/claim.ts';

export type Dropped = ReadonlySet<HypothesisName>;

export const NONE_DROPPED: Dropped = new Set<HypothesisName>();

export function droppedSet(d?: Iterable<HypothesisName> | Dropped): Dropped {
  return d instanceof Set ? d : new Set(d ?? []);
}
