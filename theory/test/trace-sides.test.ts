import { describe, expect, it } from 'vitest';
import { decide } from '../../numeric/compare.ts';
import type { Field } from '../../numeric/field.ts';
import { float64 } from '../../numeric/float64.ts';
import { exact } from '../../numeric/real.ts';
import type { Comparison } from '../claim.ts';
import { Dt, descentStep, eta8, gvStep, gvTotal, t10, t35D, t35Eta } from '../trace-sides.ts';
import { q } from './fixtures.ts';

const holds = <T>(F: Field<T>, c: Comparison<T>) => decide(F, c).holds;
const X = (s: string) => exact.lift(q(s));

describe('eta8 (8)', () => {
  it('is 1 at V = 0, G = 0 (first term +infinity), 1/(4 sqrt2) at ||V||^2 = 1, G = 0, and capped at 1', () => {
    expect(eta8(float64, { Vsq: 0, Gnorm: 0, L: 1 })).toBe(1);
    expect(eta8(float64, { Vsq: 1, Gnorm: 0, L: 1 })).toBeCloseTo(1 / (4 * Math.SQRT2), 15);
    expect(eta8(float64, { Vsq: 0, Gnorm: 1e-3, L: 1 })).toBe(1);
    // exact: eta^2 = 1/32
    const e = eta8(exact, { Vsq: X('1'), Gnorm: X('0'), L: X('1') });
    expect(exact.sign(exact.sub(exact.mul(e, e), X('1/32')))).toBe(0);
  });
});

describe('per-step sides', () => {
  it('descentStep (9): holds at equality, fails above it', () => {
    expect(holds(exact, descentStep(exact, { J_t: X('1'), J_next: X('9/10'), eta: X('2/5'), gradJsq: X('1') }))).toBe(true);
    expect(holds(exact, descentStep(exact, { J_t: X('1'), J_next: X('19/20'), eta: X('2/5'), gradJsq: X('1') }))).toBe(false);
    expect(holds(float64, descentStep(float64, { J_t: 1, J_next: 0.95, eta: 0.4, gradJsq: 1 }))).toBe(false);
  });
  it('gvStep: 1 <= 1/(4 sqrt2) + 1 holds, 2 <= 1/(4 sqrt2) + 1 fails', () => {
    const s = { Vsq_t: X('1'), eta: X('1/2'), gradJsq: X('1'), L: X('1') };
    expect(holds(exact, gvStep(exact, { ...s, Vsq_next: X('2') }))).toBe(true);
    expect(holds(exact, gvStep(exact, { ...s, Vsq_next: X('3') }))).toBe(false);
  });
  it('gvTotal accepts T as a JS integer or a field value', () => {
    const s = { Vsq_0: 1, L: 1, J0: 1, Lstar: 0 };
    // ||V_0||^2 + T/(4 sqrt2) + 8 = 9 + 10/(4 sqrt2) = 10.7678
    expect(holds(float64, gvTotal(float64, { ...s, Vsq_T: 10.7, T: 10 }))).toBe(true);
    expect(holds(float64, gvTotal(float64, { ...s, Vsq_T: 10.8, T: 10 }))).toBe(false);
    const c = gvTotal(exact, { Vsq_T: X('10'), Vsq_0: X('1'), T: X('10'), L: X('1'), J0: X('1'), Lstar: X('0') });
    expect(holds(exact, c)).toBe(true);
  });
});

describe('t10 (10)', () => {
  it('uses the printed quotient, and the cleared form when sum eta = 0', () => {
    expect(holds(exact, t10(exact, { minGradJsq: X('2'), sumEta: X('2'), J0: X('1'), Lstar: X('0') }))).toBe(true);
    expect(holds(exact, t10(exact, { minGradJsq: X('3'), sumEta: X('2'), J0: X('1'), Lstar: X('0') }))).toBe(false);
    const cleared = t10(exact, { minGradJsq: X('3'), sumEta: X('0'), J0: X('1'), Lstar: X('0') });
    expect(cleared.label).toContain('cleared form');
    expect(holds(exact, cleared)).toBe(true);
  });
});

describe('T35 sides', () => {
  it('D_t and eta_t >= min{1/D_t, 1}', () => {
    // ||V||^2 = 1, L = 1, J0 - L* = 2: D = 4 sqrt2 (1 + 2) = 12 sqrt2.
    const s = { Vsq: X('1'), L: X('1'), J0: X('2'), Lstar: X('0') };
    const d = Dt(exact, s);
    expect('D' in d && exact.sign(exact.sub(exact.mul(d.D, d.D), X('288')))).toBe(0);
    expect(holds(exact, t35Eta(exact, { ...s, eta: X('1/16') }))).toBe(true); // 1/16 >= 1/(12 sqrt2) = 0.0589
    expect(holds(exact, t35Eta(exact, { ...s, eta: X('1/20') }))).toBe(false);
  });
  it('min{1/D_t, 1} = 1 when D_t = 0', () => {
    const c = t35Eta(exact, { eta: X('1'), Vsq: X('0'), L: X('1'), J0: X('0'), Lstar: X('0') });
    expect(exact.format(c.rhs)).toBe('1');
    expect(holds(exact, c)).toBe(true);
  });
  it('D_t <= t + const, and a failing guard when J(V_0) < L*', () => {
    // D_t = 12 sqrt2 = 16.97; t + 4 sqrt2 (||V_0||^2 + 16 + 2) = t + 4 sqrt2 * 19 = t + 107.5
    const s = { Vsq: X('1'), Vsq0: X('1'), L: X('1'), J0: X('2'), Lstar: X('0') };
    expect(holds(exact, t35D(exact, { ...s, t: 0 }))).toBe(true);
    expect(holds(exact, t35D(exact, { ...s, Vsq: X('30'), t: 0 }))).toBe(false); // 4 sqrt2 * 32 = 181
    const guard = t35D(exact, { ...s, Lstar: X('3'), t: 0 });
    expect(guard.label).toContain('J(V_0) - L* >= 0');
    expect(holds(exact, guard)).toBe(false);
  });
});
