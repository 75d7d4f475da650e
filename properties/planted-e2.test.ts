/**
 * Planted bug: an extractor E2 that takes the LEFT n columns ([I_n; 0]) instead of the right
 * ones ([0; I_n]). numeric/matrix.ts is mocked (only its exported `E2`); S1 checks
 * BA = E1 V V^T E2 with the explicit extractors, so it must fail with a confirmed, shrunk
 * counterexample. (Separate file: the mock must not leak.)
 */
import { describe, expect, it, vi } from 'vitest';
import type { Field } from '../numeric/field.ts';

vi.mock('../numeric/matrix.ts', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../numeric/matrix.ts')>();
  return {
    ...orig,
    E2: <T>(F: Field<T>, m: number, n: number) => {
      const data = new Array<T>((m + n) * n).fill(F.zero);
      for (let j = 0; j < n; j++) data[j * n + j] = F.one; // rows 0..n-1: the left n columns
      return { rows: m + n, cols: n, data };
    },
  };
});

const { claimById } = await import('../theory/index.ts');
const { checkClaim } = await import('./engine.ts');
const { countLine } = await import('./_internals/claim-suite.ts');

describe('planted bug: E2 extracts the left n columns', () => {
  it('S1 fails with a confirmed, shrunk counterexample', () => {
    const r = checkClaim(claimById('S1')!, { mode: 'exact', seed: 42, runs: 100 });
    console.log(countLine(r));
    expect(r.verdict).toBe('counterexample');
    const w = r.counterexample!;
    console.log(`  witness (${w.sizes}): ${JSON.stringify(w.input)}`);
    console.log(`  failing: ${r.failing!.join(' | ')}`);
    expect(w.confirmedIn).toBe('exact');
    expect(w.shrunk).toBe(true);
    expect(r.failing).toContain('BA = E1 V V^T E2, entry (i, j)');
    expect(w.sizes).toBe('m=1, n=1, r=1');
  });
});
