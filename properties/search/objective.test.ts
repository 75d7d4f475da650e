/**
 * The score tightness and ablation maximise (objective.ts): the claim's quantity against its
 * printed constant, > 1 exactly where the claim fails; violated comparisons count where the
 * quantity is degenerate.
 */
import { describe, expect, it } from 'vitest';
import { quadraticLoss } from '../../numeric/losses/index.ts';
import { Rational } from '../../numeric/rational.ts';
import { claimById } from '../../theory/index.ts';
import { printedValue, scoreOf, scoreOfQ } from './objective.ts';

const q = (s: string | number) => Rational.parse(String(s));
const scalar = (d: string, c: string, L: string, Lstar = '0') => ({ ...quadraticLoss({ m: 1, n: 1, d: [q(d)], u: [], C: { rows: 1, cols: 1, data: [q(c)] } }), L: q(L), Lstar: q(Lstar) });
const V = (b: string, a: string) => ({ rows: 2, cols: 1, data: [q(b), q(a)] });

describe('scores', () => {
  it('printed constants and the score of a quantity: q / c for a sup, c / q for an inf (+infinity for q <= 0)', () => {
    expect(printedValue({ printed: '1/4' })).toBe(0.25);
    expect(printedValue({ printed: '2' })).toBe(2);
    const sup = claimById('E19')!.constant!;
    const inf = claimById('L34')!.constant!;
    expect(scoreOfQ(sup, 2, 1)).toBe(0.5);
    expect(scoreOfQ(inf, 0.25, 0.5)).toBe(0.5);
    expect(scoreOfQ(inf, 0.25, 0)).toBe(Infinity);
    expect(scoreOfQ(inf, 0.25, -1)).toBe(Infinity);
  });

  it('E19 on the scalar problem: ||grad J|| = ||G|| ||V|| exactly when |b| = |a|, score 1/2 against the 2', () => {
    const s = scoreOf(claimById('E19')!, { loss: scalar('1', '5', '1'), V: V('1', '1') });
    expect(s.q).toBeCloseTo(1, 12);
    expect(s.score).toBeCloseTo(0.5, 12);
  });

  it('L34: score > 1 where (9) fails (the corpus witness without L >= 1: L = 1/12, C = 64), < 1 where it holds', () => {
    const L34 = claimById('L34')!;
    const bad = scoreOf(L34, { loss: scalar('1/12', '64', '1/12'), V: V('1', '-1') });
    expect(bad.score).toBeGreaterThan(1);
    const good = scoreOf(L34, { loss: scalar('1', '1', '1'), V: V('1', '2') });
    expect(good.score).toBeGreaterThan(0);
    expect(good.score).toBeLessThan(1);
    expect(good.q).toBeGreaterThan(0.25);
  });

  it('T10 with L* above J(V_0) (its quantity has a negative denominator): the violated comparison scores > 1', () => {
    const s = scoreOf(claimById('T10')!, { loss: scalar('1', '1', '1', '100'), V0: V('1', '2'), T: 2 });
    expect(s.q).toBeUndefined();
    expect(s.score).toBeGreaterThan(1);
  });

  it('an input the claim cannot evaluate scores -Infinity', () => {
    expect(scoreOf(claimById('L34')!, { loss: scalar('1', '1', '1'), V: { rows: 3, cols: 1, data: [q(1), q(1), q(1)] } }).score).toBe(-Infinity);
  });
});
