/**
 * Planted bug: the gradient (7) without its factor 2, grad J(V) = Sym(E1^T G E2^T) V. The module
 * theory/lora.ts is mocked (only its exported `gradJ`), so every claim that reads (7) through it
 * sees the bug. G7 compares (7) with the blockwise chain rule and a 5-point derivative: it must
 * fail with a confirmed, shrunk counterexample. (Separate file: the mock must not leak.)
 */
import { describe, expect, it, vi } from 'vitest';
import type { Field } from '../numeric/field.ts';
import type { Loss } from '../numeric/loss.ts';
import { scale, type Matrix } from '../numeric/matrix.ts';

vi.mock('../theory/lora.ts', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../theory/lora.ts')>();
  return {
    ...orig,
    gradJ: <T>(F: Field<T>, loss: Loss<T>, V: Matrix<T>, Gv?: Matrix<T>): Matrix<T> =>
      scale(F, F.div(F.one, F.fromInt(2)), orig.gradJ(F, loss, V, Gv ?? orig.G(F, loss, V))),
  };
});

const { claimById } = await import('../theory/index.ts');
const { checkClaim } = await import('./engine.ts');
const { countLine } = await import('./_internals/claim-suite.ts');

describe('planted bug: (7) without its factor 2', () => {
  it('G7 fails with a confirmed, shrunk counterexample', () => {
    const r = checkClaim(claimById('G7')!, { mode: 'exact', seed: 41, runs: 100 });
    console.log(countLine(r));
    expect(r.verdict).toBe('counterexample');
    const w = r.counterexample!;
    console.log(`  witness (${w.sizes}): ${JSON.stringify(w.input)}`);
    console.log(`  failing: ${r.failing!.join(' | ')}`);
    expect(w.confirmedIn).toBe('exact');
    expect(w.shrunk).toBe(true);
    expect(w.sizes).toBe('m=1, n=1, r=1');
  });

  it('and the unmocked engine still needs the bug: the real (7) verifies on the same seed', async () => {
    const real = await vi.importActual<typeof import('../theory/lora.ts')>('../theory/lora.ts');
    const { lossOver } = await import('../numeric/losses/index.ts');
    const { rationalField } = await import('../numeric/rational-field.ts');
    const { lift } = await import('../numeric/matrix.ts');
    const { decode } = await import('../theory/codec.ts');
    const r = checkClaim(claimById('G7')!, { mode: 'exact', seed: 41, runs: 100 });
    const input = decode(r.counterexample!.input as never) as { loss: never; V: Matrix<never> };
    const F = rationalField;
    const loss = lossOver(F, input.loss);
    const V = lift(F, input.V as never);
    const mocked = (await import('../theory/lora.ts')).gradJ(F, loss, V);
    // The witness separates the planted (7) from the real one: they differ on it.
    expect(real.gradJ(F, loss, V).data.some((x, k) => !x.eq(mocked.data[k]!))).toBe(true);
  });
});
