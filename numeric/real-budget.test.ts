/**
 * The exact field's cost budget (numeric/real.ts `maxWork`, `budgetMs`): a sign decision on
 * a large expression DAG ends in bounded time, decided or undecided, never a guess.
 */
import { describe, expect, it } from 'vitest';
import { Rational } from './rational.ts';
import { exact, decideSign, getExactPrecision, setExactPrecision, type Real } from './real.ts';

/** sum_{i=1..k} sqrt(i + 1/3), added in the given order: an exact tie between the two orders. */
function rootSum(k: number, reverse: boolean): Real {
  let s: Real = Rational.ZERO;
  for (let j = 1; j <= k; j++) {
    const i = reverse ? k + 1 - j : j;
    s = exact.add(s, exact.sqrt(Rational.of(3 * i + 1, 3)));
  }
  return s;
}

describe('exact: cost budget of decideSign', () => {
  it('a large exact tie (weight past the normal-form cap) ends within seconds, decided or undecided', () => {
    const d = exact.sub(rootSum(700, false), rootSum(700, true));
    const t0 = performance.now();
    const s = decideSign(d);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(8000);
    // the value is exactly 0: a decided sign must be 0
    expect(s === undefined || s === 0).toBe(true);
    // a second ask is free: the undecided outcome (or the sign) is memoised
    const t1 = performance.now();
    expect(decideSign(d)).toBe(s);
    expect(performance.now() - t1).toBeLessThan(50);
  });

  it('a tiny work budget makes the decision undecided, and a fresh setting decides again', () => {
    const prev = setExactPrecision({ maxWork: 50 });
    try {
      // near-tie: sqrt(2) vs 1414213562373095/10^15 needs decimal digits beyond float64
      const x = exact.sub(exact.sqrt(Rational.of(2)), Rational.of(14142135623730951n, 10n ** 16n));
      const big = exact.mul(x, rootSum(200, false));
      expect(decideSign(big)).toBeUndefined();
      setExactPrecision({ maxWork: prev.maxWork });
      // positive * positive: decided once the budget allows the enclosures
      expect(decideSign(big)).toBe(-1);
    } finally {
      setExactPrecision(prev);
    }
  });

  it('rejects a non-positive budget', () => {
    expect(() => setExactPrecision({ maxWork: 0 })).toThrow(/maxWork/);
    expect(() => setExactPrecision({ budgetMs: -1 })).toThrow(/budgetMs/);
    expect(getExactPrecision().maxWork).toBeGreaterThan(0);
  });
});
