/**
 * Toy claims for the engine's tests (properties/engine*.test.ts): a block-input claim (X any
 * matrix) with the given comparisons, every mode, and non-trivial when some entry of X is not 0,
 * so that its truth on each input is known by construction.
 */
import type { Claim } from '../../theory/claim.ts';
import type { BlockInput } from '../../theory/inputs.ts';

export function toyClaim(id: string, body: Partial<Claim<BlockInput>> & Pick<Claim<BlockInput>, 'comparisons'>): Claim<BlockInput> {
  return {
    id,
    paper: 'toy',
    title: id,
    latex: '',
    hypotheses: [],
    inputKind: 'block',
    modes: ['exact', 'float64', 'precise'],
    nonTrivial: (x) => x.X.data.some((v) => (typeof v === 'number' ? v !== 0 : !v.isZero())),
    ...body,
  };
}
