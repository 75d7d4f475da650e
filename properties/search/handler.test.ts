import { describe, expect, it } from 'vitest';
import { claimById } from '../../theory/index.ts';
import { decode } from '../../theory/codec.ts';
import { confirm } from '../_internals/evaluate.ts';
import { finishAscentFailure } from './handler.ts';

// An ascent (violation.ts) climbs in float64 over every loss family, log-cosh included; the
// exact field cannot evaluate log-cosh (exp/log), so confirm() certifies such a failure in
// precise mode. The witness must be made in that mode too: it was made in exact, threw a
// ModeError, and the whole search (and ablate's pair L34 / smooth) ended as "error".
describe('finishAscentFailure: a witness whose loss needs exp/log', () => {
  it('is certified and written in precise mode (found by `search --claim L34 --drop smooth --seed 5`)', () => {
    const claim = claimById('L34')!;
    const input = decode({
      loss: { family: 'log-cosh', m: 1, n: 1, s: '16', a: '-1', C: { rows: 1, cols: 1, data: ['-1/2'] }, L: '1', Lstar: '0' },
      V: { rows: 2, cols: 1, data: ['2', '-1/3'] },
    } as never);
    // the input is a real failure of (9) once smoothness is dropped, and exact cannot say so
    expect(confirm(claim, input, 'exact')).toMatchObject({ status: 'fail', mode: 'precise' });
    const found = finishAscentFailure(claim, { claim: 'L34', mode: 'exact', dropped: ['smooth'], shrinkSeconds: 0, simplifySeconds: 0 }, input, 5, 'npx loracheck search --claim L34 --drop smooth --seed 5');
    expect(found.witness.confirmedIn).toBe('precise');
    expect(found.witness.comparisons.some((c) => c.holds === false)).toBe(true);
    expect(found.failing.length).toBeGreaterThan(0);
  });
});
