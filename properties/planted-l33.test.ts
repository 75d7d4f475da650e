/**
 * Planted bug: Lemma 3.3 with its ||G(V1)|| ||d||^2 term divided by 4, a genuinely false lemma
 * (near V1 = 0 the second-order change <G, dB dA> reaches ||G|| ||d||^2 / 2). theory/lora.ts is
 * mocked so that the point L33 reads carries ||G|| / 4 (L33 reads ||G|| nowhere else). Random
 * sampling at the suite's budget does not find it (the failure lives near V1 = 0 with d aligned
 * to G); the ascent on L33's normalised quantity (properties/search/violation.ts) must, with a
 * confirmed exact witness. (Separate file: the mock must not leak.)
 */
import { describe, expect, it, vi } from 'vitest';
import type { Field } from '../numeric/field.ts';
import type { Loss } from '../numeric/loss.ts';
import type { Matrix } from '../numeric/matrix.ts';

vi.mock('../theory/lora.ts', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../theory/lora.ts')>();
  return {
    ...orig,
    pointOf: <T>(F: Field<T>, loss: Loss<T>, V: Matrix<T>) => {
      const p = orig.pointOf(F, loss, V);
      return { ...p, Gnorm: F.div(p.Gnorm, F.fromInt(4)) };
    },
  };
});

const { claimById } = await import('../theory/index.ts');
const { ascentSearch } = await import('./search/violation.ts');
const { failureTest } = await import('./search/handler.ts');
const { confirm } = await import('./_internals/evaluate.ts');
const { PLANTED_BUDGET } = await import('./_internals/claim-suite.ts');

describe('planted bug: Lemma 3.3 with ||G|| ||d||^2 / 4', () => {
  it('the ascent finds a confirmed exact counterexample', () => {
    const L33 = claimById('L33')!;
    const r = ascentSearch({ claim: L33, dropped: [], ...PLANTED_BUDGET.spec }, 7, PLANTED_BUDGET.batches, failureTest(L33, [], 'exact'));
    console.log(`L33 / 4: ${r.batches} ascent batches, ${r.ascents} restarts, ${r.evaluations} evaluations, best score ${r.bestScore.toPrecision(6)}`);
    expect(r.failure, 'a confirmed failure of the planted L33').toBeDefined();
    expect(confirm(L33, r.failure, 'exact').status).toBe('fail');
  });
});
