/**
 * The symbolic field of numeric/z3-field.ts: constants fold exactly, roots and quotients become
 * variables pinned by their defining equations, decisions on non-constants are branch points.
 * Each property is checked by asking Z3 itself, so a wrong definition would make a test fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadZ3, releaseZ3, type Z3 } from '../properties/prove/z3.ts';
import { Rational, simplestBetween } from './rational.ts';
import { symbolicField } from './z3-field.ts';

let z3: Z3;
beforeAll(async () => {
  z3 = await loadZ3();
});
afterAll(releaseZ3);

async function valid(...facts: ReturnType<Z3['Z']['Bool']['val']>[]): Promise<boolean> {
  // facts => goal is valid iff facts /\ not goal is unsat; callers pass [...facts, not goal]
  const s = new z3.Z.Solver();
  s.add(...facts);
  return (await s.check()) === 'unsat';
}

describe('symbolicField', () => {
  it('folds constants exactly and keeps sqrt of a perfect square rational', () => {
    const F = symbolicField(z3.Z);
    const x = F.div(F.mul(F.fromInt(4), F.lift(Rational.of(1, 2))), F.fromInt(3));
    expect(x.q?.toString()).toBe('2/3');
    expect(F.sqrt(F.lift(Rational.of(9, 4))).q?.toString()).toBe('3/2');
    expect(F.cbrt(F.fromInt(-27)).q?.toString()).toBe('-3');
    expect(F.definitions).toHaveLength(0);
    expect(() => F.div(F.one, F.zero)).toThrow(RangeError);
  });

  it('names sqrt2 once, with s >= 0 and s^2 = 2, so that sqrt2 * sqrt2 = 2 is provable', async () => {
    const F = symbolicField(z3.Z);
    const s = F.sqrt(F.fromInt(2));
    expect(F.sqrt(F.fromInt(2))).toBe(s); // memoised: one variable
    const two = F.mul(s, s);
    expect(await valid(...F.definitions, F.relation(two, '!=', F.fromInt(2)))).toBe(true);
    // and it is not 1.41421 (the definition pins the irrational value, not an approximation)
    expect(await valid(...F.definitions, F.relation(s, '=', F.lift(Rational.parse('1.41421'))))).toBe(true);
  });

  it('turns a symbolic input into a variable and a division by it into a quotient with its domain', async () => {
    const F = symbolicField(z3.Z);
    const x = F.lift(F.symbol('x'));
    const q = F.div(F.one, x);
    expect(F.domain.map((d) => d.sexpr())).toEqual(['(distinct x (to_real 0))']);
    // q * x = 1 wherever x != 0
    expect(await valid(...F.definitions, ...F.domain, F.relation(F.mul(q, x), '!=', F.one))).toBe(true);
  });

  it('decides sign, isZero and min on non-constants as recorded branch points, once per term', () => {
    const picks: string[] = [];
    const F = symbolicField(z3.Z, (what, n) => (picks.push(`${what}/${n}`), n - 1));
    const x = F.lift(F.symbol('x'));
    expect(F.sign(x)).toBe(-1); // last outcome of three: x < 0
    expect(F.isZero(x)).toBe(false); // known from the sign: no new branch
    expect(F.min(x, F.one)).toBe(F.one); // last outcome of two: x > 1 (contradicts x < 0: pruned by the solver later)
    expect(picks).toEqual(['sign(x)/3', 'x <= 1.0/2']);
    expect(F.pathText).toEqual(['x < 0', 'x > 1.0']);
    expect(F.knownZero!(F.zero)).toBe(true);
    expect(F.knownZero!(x)).toBe(false);
  });
});

describe('simplestBetween', () => {
  it('returns the simplest rational of an interval', () => {
    const t = (a: string, b: string) => simplestBetween(Rational.parse(a), Rational.parse(b)).toString();
    expect(t('0.7071', '0.7072')).toBe('99/140');
    expect(t('3.14159', '3.1416')).toBe('355/113');
    expect(t('1/3', '1/2')).toBe('1/2');
    expect(t('-0.5', '-0.4')).toBe('-1/2');
    expect(t('-1', '2')).toBe('0');
    expect(t('5/7', '5/7')).toBe('5/7');
    expect(() => t('1', '0')).toThrow(RangeError);
  });
});
