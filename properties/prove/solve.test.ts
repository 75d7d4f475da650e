/**
 * One solver query (solve.ts) on hand-written Z3 formulas whose answers are known without the
 * solver: x^2 < 0 has no real solution; x^2 = 2 with x > 0 has exactly the irrational solution
 * sqrt 2, so the model is algebraic and every enclosure must contain sqrt 2 (checked in exact
 * rationals: lo^2 <= 2 <= hi^2) and be as narrow as the digits asked for; 7x = 3 has the exact
 * solution 3/7; x^2 < 1 is unsat only together with x > 1. An uninterpreted function is outside
 * nlsat's fragment (the solver gives up: 'unknown', deterministically), and a dense cubic system
 * in six variables is far beyond a 100 ms budget: both must come back 'unknown', never 'unsat'
 * (an 'unsat' is what prove.ts turns into "proved").
 */
import { describe, expect, it } from 'vitest';
import { Rational } from '../../numeric/rational.ts';
import type { Z3Arith } from '../../numeric/z3-field.ts';
import { solve, type ModelValue, type SolverAnswer } from './solve.ts';
import { hardSystem, opaque, z3ForFile } from './test-queries.ts';
import type { Z3 } from './z3.ts';

let z3: Z3;
z3ForFile((z) => (z3 = z));

const BUDGET = 10_000;
/** solve's answer with every field optional, so that a test can assert a field is absent. */
type Loose = { answer: SolverAnswer; ms: number; model?: Record<string, ModelValue>; reason?: string };
const ask = (...args: Parameters<typeof solve>): Promise<Loose> => solve(...args);
const input = (name: string, e: unknown) => ({ name, e: e as Z3Arith });
const exactOf = (v: ModelValue | undefined): Rational => {
  if (!v || !('exact' in v)) throw new Error(`not an exact value: ${JSON.stringify(v)}`);
  return v.exact;
};

describe('solve: answers known without the solver', () => {
  it('x^2 < 0 is unsat, with no model', async () => {
    const x = z3.Z.Real.const('x');
    const r = await ask(z3, [x.mul(x).lt(0)], [input('x', x)], BUDGET);
    expect(r.answer).toBe('unsat');
    expect(r.model).toBeUndefined();
    expect(r.reason).toBeUndefined();
  });

  it('x^2 < 1 is unsat only with the assumption x > 1; alone its model is a point of (-1, 1)', async () => {
    const x = z3.Z.Real.const('x');
    expect((await ask(z3, [x.gt(1), x.mul(x).lt(1)], [input('x', x)], BUDGET)).answer).toBe('unsat');
    const r = await ask(z3, [x.mul(x).lt(1)], [input('x', x)], BUDGET);
    expect(r.answer).toBe('sat');
    const v = exactOf(r.model?.x);
    expect(v.mul(v).lt(Rational.ONE)).toBe(true);
  });

  it('7x = 3: the exact model value 3/7; an input the formula does not mention still gets a number (model completion)', async () => {
    const x = z3.Z.Real.const('x');
    const y = z3.Z.Real.const('y');
    const t0 = performance.now();
    const r = await ask(z3, [x.mul(7).eq(3)], [input('x', x), input('y', y)], BUDGET);
    const wall = performance.now() - t0;
    expect(r.answer).toBe('sat');
    expect(r.ms).toBeGreaterThan(0);
    expect(r.ms).toBeLessThanOrEqual(wall);
    expect(exactOf(r.model?.x).eq(Rational.of(3, 7))).toBe(true);
    expect(exactOf(r.model?.y)).toBeInstanceOf(Rational);
    expect(Object.keys(r.model!)).toEqual(['x', 'y']);
  });

  it('a query well within a 2 s budget is answered (the backstop interrupt does not cut it short)', async () => {
    const x = z3.Z.Real.const('x');
    const r = await ask(z3, [x.mul(x).eq(9), x.lt(0)], [input('x', x)], 2000);
    expect(r.answer).toBe('sat');
    expect(exactOf(r.model?.x).eq(Rational.of(-3))).toBe(true);
  });

  it('k^2 = 9, k > 0 over the integers: the numeral 3 (a model value that is no real literal)', async () => {
    const k = z3.Z.Int.const('k');
    const r = await ask(z3, [k.mul(k).eq(9), k.gt(0)], [input('k', k)], BUDGET);
    expect(r.answer).toBe('sat');
    expect(exactOf(r.model?.k).eq(Rational.of(3))).toBe(true);
  });

  it('x^2 = 2, x > 0: an algebraic model; every enclosure contains sqrt 2 exactly and is within 10^-d for d = 2, 4, ..., 64 digits', async () => {
    const x = z3.Z.Real.const('x');
    const r = await ask(z3, [x.mul(x).eq(2), x.gt(0)], [input('x', x)], BUDGET);
    expect(r.answer).toBe('sat');
    const v = r.model!.x!;
    if (!('algebraic' in v)) throw new Error(`sqrt 2 is irrational, yet the model is exact: ${v.exact}`);
    expect(v.algebraic).toMatch(/root-obj/);
    const two = Rational.of(2);
    expect(v.enclosures.map(([lo, hi]) => [lo.mul(lo).le(two), two.le(hi.mul(hi)), lo.sign() > 0, lo.le(hi)])).toEqual(v.enclosures.map(() => [true, true, true, true]));
    const digits = [2, 4, 8, 16, 32, 64];
    expect(v.enclosures).toHaveLength(digits.length);
    v.enclosures.forEach(([lo, hi], i) => expect(hi.sub(lo).le(Rational.of(1n, 10n ** BigInt(digits[i]!))), `enclosure ${i}: ${lo} .. ${hi}`).toBe(true));
    // the last one pins 64 digits of sqrt 2 = 1.41421356237309504880168872420969807856967187537694807317667973799...
    const sqrt2 = Rational.parse('1414213562373095048801688724209698078569671875376948073176679737990732478462/1000000000000000000000000000000000000000000000000000000000000000000000000000');
    const [lo, hi] = v.enclosures.at(-1)!;
    expect(lo.sub(sqrt2).abs().le(Rational.of(1n, 10n ** 63n))).toBe(true);
    expect(hi.sub(sqrt2).abs().le(Rational.of(1n, 10n ** 63n))).toBe(true);
  });
});

describe('solve: never an unsat it did not get', () => {
  it('a formula outside nlsat (an uninterpreted function) is unknown: the solver gave up, no timeout', async () => {
    const x = z3.Z.Real.const('x');
    const t0 = performance.now();
    const r = await ask(z3, [opaque(z3.Z, x).gt(0)], [input('x', x)], BUDGET);
    expect(r.ms).toBeLessThanOrEqual(performance.now() - t0);
    expect(r.answer).toBe('unknown');
    expect(r.reason).toMatch(/^the solver gave up \(.+\)$/);
    expect(r.model).toBeUndefined();
  });

  it('a query beyond its 100 ms budget is unknown with the time spent, not unsat', async () => {
    const xs = Array.from({ length: 6 }, (_, i) => z3.Z.Real.const(`x${i}`));
    const r = await ask(z3, hardSystem(z3.Z, xs), xs.map((x, i) => input(`x${i}`, x)), 100);
    expect(r.answer).toBe('unknown');
    expect(r.reason).toMatch(/^timeout after \d+\.\d s$/);
    expect(r.ms).toBeGreaterThan(0);
    expect(Number(/(\d+\.\d) s/.exec(r.reason!)![1])).toBeCloseTo(r.ms / 1000, 1);
  });

  it('no time left: unknown without asking the solver (0 ms spent)', async () => {
    const x = z3.Z.Real.const('x');
    for (const t of [0, -5]) expect(await ask(z3, [x.mul(x).lt(0)], [input('x', x)], t)).toEqual({ answer: 'unknown', ms: 0, reason: 'no time left in the budget' });
  });

  it('an error (a model value that is no number) is unknown with its message, not a throw and not sat', async () => {
    const b = z3.Z.Bool.const('b');
    const t0 = performance.now();
    const r = await ask(z3, [b], [input('b', b)], BUDGET);
    expect(r.ms).toBeLessThanOrEqual(performance.now() - t0);
    expect(r.answer).toBe('unknown');
    expect(r.reason).toBe('solver error: solve: model value true is not a number');
    expect(r.model).toBeUndefined();
  });
});
