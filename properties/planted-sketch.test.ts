/**
 * Planted bug: a sketch sampler whose first coordinate is three times as large as the others
 * (rows of B_S, columns of A_S not exchangeable), so E[H] is no longer (r/m) I. theory/sketch.ts
 * is mocked (only `gaussianSketch`); RAC.EH must reject it statistically at level 2^-20 (with the
 * real sampler it passes: properties/claims-*.test.ts, theory/test/rac.test.ts). (Separate file:
 * the mock must not leak.)
 */
import { describe, expect, it, vi } from 'vitest';
import { Rational } from '../numeric/rational.ts';
import type { Side } from '../theory/inputs.ts';

vi.mock('../theory/sketch.ts', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../theory/sketch.ts')>();
  const { Rational } = await import('../numeric/rational.ts');
  return {
    ...orig,
    gaussianSketch: (rng: () => number, side: Side, m: number, n: number, r: number) => {
      const S = orig.gaussianSketch(rng, side, m, n, r);
      const first = (k: number) => (side === 'left' ? k < S.cols : k % S.cols === 0);
      return { ...S, data: S.data.map((x, k) => (first(k) ? x.mul(Rational.of(3)) : x)) };
    },
  };
});

const { claimById } = await import('../theory/index.ts');
const { checkClaim } = await import('./engine.ts');

describe('planted bug: a sketch sampler that is not isotropic', () => {
  it('RAC.EH rejects it (statistical counterexample at level 2^-20)', () => {
    const r = checkClaim(claimById('RAC.EH')!, { mode: 'exact', seed: 8, runs: 30, shrinkSeconds: 5 });
    console.log(`${r.verdict}: cases ${r.cases}, ${r.counterexample ? `${r.counterexample.sizes}, ${r.counterexample.comparisons.find((c) => c.holds === false)?.label}` : ''}`);
    expect(r.verdict).toBe('counterexample');
    expect(r.statistical?.deltaText).toBe('2^-20');
  });

  it('(the mock is what the claim sees: the same stream gives a first row three times the real one)', async () => {
    const real = await vi.importActual<typeof import('../theory/sketch.ts')>('../theory/sketch.ts');
    const mocked = await import('../theory/sketch.ts');
    const a = real.gaussianSketch(real.sketchStream(1), 'left', 3, 1, 1);
    const b = mocked.gaussianSketch(real.sketchStream(1), 'left', 3, 1, 1);
    expect(b.data.map(String)).toEqual(a.data.map((x, k) => String(k === 0 ? x.mul(Rational.of(3)) : x)));
  });
});
