import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModeError, type Field } from './field.ts';
import { float64 } from './float64.ts';
import { precise } from './precise.ts';
import { Rational } from './rational.ts';
import { rationalField } from './rational-field.ts';
import { exact } from './real.ts';

const rat = fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 12 })).map(([p, d]) => Rational.of(p, d));

/** Every field's value of an expression, compared with the exact rational result. */
function agrees<T>(F: Field<T>, got: T, want: Rational): boolean {
  switch (F.mode) {
    case 'float64':
      return Math.abs(F.toNumber(got) - want.toNumber()) <= 1e-12 * Math.max(1, Math.abs(want.toNumber()));
    case 'precise': {
      // the enclosure contains the exact value: got - want straddles or equals 0
      const d = F.sub(got, F.lift(want));
      return F.sign(d) === undefined || F.sign(d) === 0;
    }
    case 'exact':
      return F.isZero(F.sub(got, F.lift(want)));
  }
}

const FIELDS: [string, Field<any>][] = [
  ['exact', exact],
  ['Q', rationalField],
  ['precise', precise(60)],
  ['float64', float64],
];

describe.each(FIELDS)('field %s: operations agree with exact rationals', (_, F) => {
  it('add, sub, mul, div, neg, abs, min, max, powInt, sign, lift', () => {
    fc.assert(
      fc.property(rat, rat, fc.integer({ min: -3, max: 4 }), (a, b, k) => {
        const A = F.lift(a);
        const B = F.lift(b);
        expect(agrees(F, F.add(A, B), a.add(b))).toBe(true);
        expect(agrees(F, F.sub(A, B), a.sub(b))).toBe(true);
        expect(agrees(F, F.mul(A, B), a.mul(b))).toBe(true);
        if (!b.isZero()) expect(agrees(F, F.div(A, B), a.div(b))).toBe(true);
        expect(agrees(F, F.neg(A), a.neg())).toBe(true);
        expect(agrees(F, F.abs(A), a.abs())).toBe(true);
        expect(agrees(F, F.min(A, B), a.le(b) ? a : b)).toBe(true);
        expect(agrees(F, F.max(A, B), a.le(b) ? b : a)).toBe(true);
        if (!(k < 0 && a.isZero())) expect(agrees(F, F.powInt(A, k), a.pow(k))).toBe(true);
        // a lifted input is enclosed tightly enough that its sign is certain in every field
        expect(F.sign(A)).toBe(a.sign());
        expect(agrees(F, F.fromInt(7), Rational.of(7))).toBe(true);
        expect(F.toNumber(A)).toBeCloseTo(a.toNumber(), 12);
      }),
      { numRuns: 100 },
    );
  });

  it('sqrt and cbrt of squares and cubes are exact; sqrt of a negative is a RangeError', () => {
    fc.assert(
      fc.property(rat, (a) => {
        expect(agrees(F, F.sqrt(F.lift(a.mul(a))), a.abs())).toBe(true);
        expect(agrees(F, F.cbrt(F.lift(a.pow(3))), a)).toBe(true);
      }),
      { numRuns: 50 },
    );
    expect(() => F.sqrt(F.lift(Rational.of(-1, 3)))).toThrow(RangeError);
    expect(() => F.div(F.one, F.zero)).toThrow(/division by zero/);
    expect(F.isZero(F.zero)).toBe(true);
    expect(F.isZero(F.one)).toBe(false);
  });
});

describe('mode-specific behaviour', () => {
  it('exp/log only outside the exact modes', () => {
    expect(() => exact.exp(exact.one)).toThrow(ModeError);
    expect(() => rationalField.log(rationalField.one)).toThrow(ModeError);
    expect(float64.exp(0)).toBe(1);
    expect(precise(60).format(precise(60).exp(precise(60).zero))).toBe('1');
  });

  it('the rational field refuses irrational roots; the exact field keeps them', () => {
    expect(() => rationalField.sqrt(Rational.of(2))).toThrow(ModeError);
    expect(exact.sign(exact.sqrt(Rational.of(2)))).toBe(1);
  });

  it('format: p/q, shortest round-trip doubles, intervals', () => {
    expect(exact.format(Rational.of(-3, 4))).toBe('-3/4');
    expect(rationalField.format(Rational.of(6, 3))).toBe('2');
    expect(float64.format(0.1)).toBe('0.1');
    expect(Number(float64.format(1 / 3))).toBe(1 / 3);
    expect(precise(60).format(precise(60).lift(Rational.of(1, 4)))).toBe('0.25');
  });
});
