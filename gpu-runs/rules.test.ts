/**
 * The step-size rules against the paper, computed here independently: (8) for `theory`,
 * Sec. 4's eta^adapt, eta^adapt2 and eta^norm with Table 1's alphas (logistic regression
 * column), the constant rules, the parse errors, and the float32 rounding that keeps an
 * applied step at or below its rule.
 */
import { describe, expect, it } from 'vitest';
import { UNIT_ROUNDOFF, WIDER_SUM_ULPS } from './precision.ts';
import {
  DEFAULT_ALPHA,
  ETA_MARGIN,
  RuleError,
  constantRule,
  parseRule,
  roundDownF32,
  roundUpF32,
  ruleAlpha,
  stepSize,
  type StepScalars,
} from './rules.ts';

const u32 = UNIT_ROUNDOFF.float32!;
const isF32 = (x: number) => Math.fround(x) === x;
/** The float32 spacing at x (x a positive normal float32): 2^(e - 23) for x in [2^e, 2^(e+1)). */
const ulpF32 = (x: number) => 2 ** (Math.floor(Math.log2(x)) - 23);

/** (8): eta = min{1 / (4 sqrt2 L (||V||^2 + ||G||)), 1}, written out from the paper. */
const eta8Paper = (s: StepScalars) => Math.min(1 / (4 * Math.SQRT2 * s.L * (s.Vsq + s.Gnorm)), 1);

function ruleError(text: string): RuleError {
  try {
    parseRule(text);
  } catch (e) {
    if (e instanceof RuleError) return e;
    throw e;
  }
  throw new Error(`expected a RuleError for "${text}"`);
}

describe('parseRule', () => {
  it('reads the named rules, const:<lr> and <c>/L, keeping the text', () => {
    for (const name of ['theory', 'adapt', 'adapt2', 'norm'] as const) expect(parseRule(name)).toEqual({ kind: name, text: name });
    expect(parseRule('const:0.05')).toEqual({ kind: 'const', text: 'const:0.05', lr: 0.05 });
    expect(parseRule('const:1e-3')).toMatchObject({ kind: 'const', lr: 0.001 });
    expect(parseRule('0.5/L')).toEqual({ kind: 'overL', text: '0.5/L', factor: 0.5 });
    expect(parseRule('2/L')).toMatchObject({ kind: 'overL', factor: 2 });
  });

  it('rejects bad input with one line naming the rule, never a stack trace', () => {
    const bad = {
      lr: ['const: ', 'const:0', 'const:-0.1', 'const:abc', 'const:Infinity', 'const:NaN', 'const:1/L'],
      factor: ['/L', ' /L', '0/L', '-1/L', 'x/L', 'Infinity/L', 'NaN/L'],
      unknown: ['', 'const:', 'xconst:0.1', '1/Lx', 'Theory', 'adapt3', 'const', 'constant:0.1', '1/l', 'norm '],
    };
    for (const text of bad.lr) expect(ruleError(text).message, text).toBe(`rule "${text}": the learning rate after const: must be a finite number > 0`);
    for (const text of bad.factor) expect(ruleError(text).message, text).toMatch(/^rule ".*": the factor before \/L must be a finite number > 0/);
    for (const text of bad.unknown)
      expect(ruleError(text).message, text).toBe(`rule "${text}" is not one of theory, adapt, adapt2, norm, const:<lr>, <c>/L`);
    // the whole text must match: nothing after a const: number or after /L on another line
    expect(() => parseRule('const:0.1\nx')).toThrow(RuleError);
    expect(() => parseRule('x\n1/L')).toThrow(RuleError);
    for (const text of [...bad.lr, ...bad.factor, ...bad.unknown]) {
      const e = ruleError(text);
      expect(e.name).toBe('RuleError');
      expect(e.message).not.toContain('\n');
    }
  });
});

describe('constant rules', () => {
  it('resolves <c>/L to const:<c/L> rounded down to float32; other rules pass unchanged', () => {
    const r = constantRule(parseRule('1/L'), 3);
    expect(r).toMatchObject({ kind: 'const', text: '1/L', factor: 1 });
    // the largest float32 <= 1/3: not above c/L, less than one float32 spacing below it
    expect(isF32(r.lr!)).toBe(true);
    expect(r.lr!).toBeLessThanOrEqual(1 / 3);
    expect(1 / 3 - r.lr!).toBeLessThan(ulpF32(r.lr!));
    expect(constantRule(parseRule('0.5/L'), 4).lr).toBe(0.125);
    for (const t of ['theory', 'adapt', 'const:0.1']) {
      const rule = parseRule(t);
      expect(constantRule(rule, undefined)).toBe(rule);
    }
    for (const L of [undefined, 0, -1, NaN]) expect(() => constantRule(parseRule('1/L'), L), String(L)).toThrow(/rule "1\/L" needs the loss's smoothness constant L/);
  });
});

describe('ruleAlpha', () => {
  it("is Table 1's alpha for the adaptive rules unless given, null for theory and the constants", () => {
    expect(DEFAULT_ALPHA).toEqual({ adapt: 1, adapt2: 0.8, norm: 0.06 });
    expect(['adapt', 'adapt2', 'norm'].map((t) => ruleAlpha(parseRule(t)))).toEqual([1, 0.8, 0.06]);
    expect(['adapt', 'adapt2', 'norm'].map((t) => ruleAlpha(parseRule(t), 0.25))).toEqual([0.25, 0.25, 0.25]);
    for (const t of ['theory', 'const:0.1', '1/L']) expect(ruleAlpha(parseRule(t), 0.25), t).toBeNull();
  });
});

describe('stepSize', () => {
  // distinct magnitudes, so that swapping or dropping any term changes the result
  const s: StepScalars = { Vsq: 2, Gnorm: 3, J: 16, gradJsq: 81, L: 1 };

  it('theory is (8): the first term when it is below 1, else 1', () => {
    expect(stepSize(parseRule('theory'), null, s)).toBeCloseTo(eta8Paper(s), 15);
    expect(eta8Paper(s)).toBeLessThan(1); // the first term is the one that matters here
    const big = { ...s, L: 10 };
    expect(stepSize(parseRule('theory'), null, big)).toBeCloseTo(1 / (4 * Math.SQRT2 * 10 * 5), 15);
    // the cap: a small ||V||^2 + ||G|| makes the first term exceed 1, and at V = 0, G = 0 it is +infinity
    expect(stepSize(parseRule('theory'), null, { ...s, Vsq: 0.01, Gnorm: 0.02, L: 1 })).toBe(1);
    expect(stepSize(parseRule('theory'), null, { ...s, Vsq: 0, Gnorm: 0, L: 1 })).toBe(1);
  });

  it("adapt, adapt2, norm are Sec. 4's formulas", () => {
    expect(stepSize(parseRule('adapt'), 1, s)).toBeCloseTo(1 / (2 + 3), 15); // alpha / (||V||^2 + ||G||)
    expect(stepSize(parseRule('adapt2'), 0.8, s)).toBeCloseTo(0.8 / (2 + 4), 15); // alpha / (||V||^2 + sqrt(J))
    expect(stepSize(parseRule('norm'), 0.06, s)).toBeCloseTo(0.06 / 3, 15); // alpha / ||grad J||^(1/2), ||grad J|| = 9
    // alpha scales each of them
    for (const t of ['adapt', 'adapt2', 'norm']) expect(stepSize(parseRule(t), 2, s) / stepSize(parseRule(t), 1, s), t).toBeCloseTo(2, 14);
    // norm at a stationary point is +infinity (the trainer stops there)
    expect(stepSize(parseRule('norm'), 0.06, { ...s, gradJsq: 0 })).toBe(Infinity);
  });

  it('const is its learning rate; <c>/L must be resolved first', () => {
    expect(stepSize(parseRule('const:0.07'), null, s)).toBe(0.07);
    expect(stepSize(constantRule(parseRule('0.5/L'), 4), null, s)).toBe(0.125);
    expect(() => stepSize(parseRule('0.5/L'), null, s)).toThrow(/rule "0\.5\/L": resolve it with constantRule first/);
  });

  it('the applied eta (rounded down to float32) never exceeds (8); the device margin is below the rule', () => {
    let below = 0;
    for (let k = 0; k < 200; k++) {
      const x: StepScalars = { Vsq: 0.1 + ((k * 7919) % 997) / 37, Gnorm: ((k * 104729) % 991) / 53, J: 1, gradJsq: 1, L: 0.1 + (k % 13) };
      const applied = roundDownF32(stepSize(parseRule('theory'), null, x));
      expect(applied).toBeLessThanOrEqual(eta8Paper(x));
      if (applied < eta8Paper(x)) below++;
    }
    expect(below).toBeGreaterThan(150); // most values of (8) are not float32: the rounding is exercised
    // the device's eta is ETA_MARGIN below the rule, which must cover its error (about 8 units of
    // 2^-24, rules.ts) and stay inside the verifier's check that eta is (8) (16 units, precision.ts)
    expect(ETA_MARGIN).toBeGreaterThan(8 * u32);
    expect(ETA_MARGIN).toBeLessThan(WIDER_SUM_ULPS * u32);
  });
});

describe('float32 rounding', () => {
  it('roundDownF32 / roundUpF32 are the float32 neighbours of x: below and above, one spacing apart', () => {
    let inexact = 0;
    for (const x of [1 / 3, 2 / 3, 0.1, 0.07, Math.PI, 1e-7, 12345.678, 1 + 2 ** -30, 1 - 2 ** -30]) {
      const d = roundDownF32(x);
      const up = roundUpF32(x);
      expect(isF32(d) && isF32(up), String(x)).toBe(true);
      expect(d).toBeLessThanOrEqual(x);
      expect(up).toBeGreaterThanOrEqual(x);
      if (d !== x) {
        inexact++;
        expect(up - d, String(x)).toBe(ulpF32(d));
      }
      // the same for -x (mirror images)
      expect(roundDownF32(-x)).toBe(-up);
      expect(roundUpF32(-x)).toBe(-d);
    }
    expect(inexact).toBe(9);
    // float32 values (and non-finite ones) are returned as they are
    for (const x of [0.5, 1, 3, 2 ** -20, Infinity, -Infinity]) {
      expect(roundDownF32(x)).toBe(x);
      expect(roundUpF32(x)).toBe(x);
    }
    // below half the smallest float32 (2^-149) x rounds to 0: up is 2^-149, down is 0 (was NaN up)
    expect(roundUpF32(1e-50)).toBe(2 ** -149);
    expect(roundDownF32(1e-50)).toBe(0);
    expect(roundDownF32(-1e-50)).toBe(-(2 ** -149));
    expect(roundUpF32(2 ** -149)).toBe(2 ** -149);
    expect(roundDownF32(NaN)).toBeNaN();
    expect(roundUpF32(NaN)).toBeNaN();
  });
});
