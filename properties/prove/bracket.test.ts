/**
 * tighten's SMT bracket (bracket.ts): bisection on the constant c, each step one solver query.
 * The expected answers come from outside bracket.ts: weighted AM-GM at 1 : 1 is an equality
 * exactly when x1 = x2 (worst ratio 1, reached); (15) on 2 x 2 symmetric M is tight at 1 and a
 * witness's ratio is recomputed here in float64 from its matrix; (19) on 1x1 quadratics has worst
 * ratio exactly 1/2; the printed AM-GM line amgm2 of (22) is false (its witness fails when
 * evaluated exactly by evaluateCase). Every bracket must have lower <= upper. A solver `unknown`
 * is planted through `opts.solve` where Z3 would have answered (no test can make Z3 run out of
 * time without depending on the machine's speed): it must stop the bisection and prove nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Rational } from '../../numeric/rational.ts';
import { exact } from '../../numeric/real.ts';
import type { Claim } from '../../theory/claim.ts';
import { decode } from '../../theory/codec.ts';
import { claimById } from '../../theory/index.ts';
import type { SmtBracket } from '../../theory/results.ts';
import { evaluateCase } from '../_internals/evaluate.ts';
import { bracketConstant, releaseZ3 } from './index.ts';
import { solve } from './solve.ts';

afterAll(releaseZ3);

const bracket = async (id: string, opts: { budgetMs?: number; maxSteps?: number } = {}): Promise<SmtBracket | undefined> => {
  const b = await bracketConstant(claimById(id)!, { budgetMs: opts.budgetMs ?? 30_000, maxSteps: opts.maxSteps });
  if (b?.lower && b.upper) expect(b.lower.value).toBeLessThanOrEqual(b.upper.value);
  return b;
};

describe('SMT bracket (tighten)', () => {
  it('brackets the constant of (19) on 1x1 quadratics at exactly 1/2: a witness at 1/2 and a proof of 1/2', async () => {
    const b = (await bracket('E19'))!;
    expect(b.lower?.ratio).toBe('1/2');
    expect(b.upper).toMatchObject({ ratio: '1/2', class: 'm = n = r = 1 quadratics' });
    expect(b.steps).toBeGreaterThan(1);
  });

  it('A1 at 1 : 1: proved <= 1 and reached at 1 by a witness with x1 = x2 (the equality case of AM-GM)', async () => {
    const b = (await bracket('A1'))!;
    expect(b.upper).toMatchObject({ ratio: '1', value: 1, class: 'w1 : w2 = 1 : 1' });
    expect(b.lower).toMatchObject({ ratio: '1', value: 1, class: 'w1 : w2 = 1 : 1' });
    const input = decode(b.lower!.input!) as { x1: unknown; x2: unknown; w1: number; w2: number };
    expect(String(input.x1)).toBe(String(input.x2));
    expect([input.w1, input.w2]).toEqual([1, 1]);
    expect(evaluateCase(claimById('A1')!, exact, input).status).toBe('pass');
  });

  it('(15) on 2 x 2 symmetric M: proved <= 1, a witness just below 1 whose ratio |M01| / (||M|| / sqrt 2) is recomputed here', async () => {
    const b = (await bracket('A2.sym'))!;
    expect(b.upper).toMatchObject({ ratio: '1', value: 1 });
    expect(b.lower!.value).toBeGreaterThan(0.99);
    expect(b.lower!.value).toBeLessThan(1);
    const { M } = decode(b.lower!.input!) as { M: { rows: number; cols: number; data: { toNumber(): number }[] } };
    expect([M.rows, M.cols]).toEqual([2, 2]);
    const [a, b01, b10, d] = M.data.map((x) => x.toNumber());
    expect(b01).toBe(b10);
    const ratio = Math.abs(b01!) / (Math.hypot(a!, b01!, b10!, d!) / Math.SQRT2);
    expect(Math.abs(ratio - b.lower!.value)).toBeLessThan(1e-12);
    // an irrational ratio is no candidate for the closing step: the loop's steps only
    expect(b.lower!.ratio).toMatch(/sqrt/);
  });

  it('the scalar form proves the upper bound for every input; the witness comes from the class query', async () => {
    const b = (await bracket('L34.s18.a'))!;
    expect(b.upper).toMatchObject({ ratio: '1', class: 'all inputs' });
    expect(b.lower).toMatchObject({ ratio: '1', class: 'm = n = r = 1 quadratics' });
    const input = decode(b.lower!.input!) as { loss: { m: number; n: number } };
    expect([input.loss.m, input.loss.n]).toEqual([1, 1]);
  });

  it('a false printed line: amgm2 of (22) has a witness above 1 that fails exactly; no run proves a bound below another run\'s witness', async () => {
    const b = (await bracket('L34.s22.amgm2', { maxSteps: 3 }))!;
    const longer = (await bracket('L34.s22.amgm2', { maxSteps: 5 }))!;
    for (const x of [b, longer]) {
      expect(x.lower!.value).toBeGreaterThan(1);
      expect(evaluateCase(claimById('L34.s22.amgm2')!, exact, decode(x.lower!.input!)).status).toBe('fail');
    }
    // the longer run's witness lies above the shorter run's: a bound the shorter run called
    // proved (its closing step tries its own witnessed ratio) would be contradicted
    expect(longer.lower!.value).toBeGreaterThan(b.lower!.value);
    if (b.upper) expect(b.upper.value).toBeGreaterThanOrEqual(longer.lower!.value);
    // three bisection steps, and one more to try the witnessed ratio when it is a rational
    expect(/^-?\d+(\/\d+)?$/.test(b.lower!.ratio)).toBe(true);
    expect(b.steps).toBe(4);
  });

  it('stops at maxSteps and at the budget', async () => {
    const one = (await bracket('A2.sym', { maxSteps: 1 }))!;
    expect(one.steps).toBe(1);
    expect(one.upper).toMatchObject({ ratio: '1' });
    expect(one.lower).toBeUndefined();
    const none = (await bracket('A2.sym', { budgetMs: 0 }))!;
    expect(none).toMatchObject({ steps: 0 });
    expect(none.upper).toBeUndefined();
    expect(none.lower).toBeUndefined();
  });

  it('no bracket for a claim with no encoding, or one that reads its input numbers outside the field', async () => {
    expect(await bracket('RAC.EH')).toBeUndefined();
    // x1 <= 1 with x1 read as a constant: a symbolic run would see one nominal x1 and could
    // "prove" a bound on a ratio that is unbounded (x1 / 1 over x1 >= 0)
    const A1 = claimById('A1')!;
    const byValue: Claim = {
      ...A1,
      id: 'byValue',
      scalar: undefined,
      comparisons: (F, input) => [{ label: 'c', lhs: F.lift(Rational.parse(String((input as { x1: Rational }).x1))), rel: '<=', rhs: F.one }],
    };
    expect(await bracketConstant(byValue, { budgetMs: 5_000 })).toBeUndefined();
  });

  type Outcome = Awaited<ReturnType<typeof solve>>;
  const UNKNOWN: Outcome = { answer: 'unknown', ms: 0, reason: 'planted unknown' };
  /** Z3's own answers, but `instead` at the calls whose 1-based index `plant` picks; `answers` logs what was returned. */
  const planted = (plant: (call: number) => boolean, answers: string[] = [], instead: Outcome = UNKNOWN): typeof solve => {
    let call = 0;
    return async (...args) => {
      const r = plant(++call) ? instead : await solve(...args);
      answers.push(r.answer);
      return r;
    };
  };

  it('a solver unknown where the true answer is sat stops the bisection and proves no bound below the worst case (A1: ratio 1 at x1 = x2)', async () => {
    const real: string[] = [];
    const b0 = (await bracketConstant(claimById('A1')!, { budgetMs: 30_000, solve: planted(() => false, real) }))!;
    // one path: c = 1 unsat, then c = 1/2 sat (AM-GM's equality case x1 = x2 has ratio 1 > 1/2)
    expect(real).toEqual(['unsat', 'sat']);
    expect(b0.upper?.ratio).toBe('1');
    const b = (await bracketConstant(claimById('A1')!, { budgetMs: 30_000, solve: planted((k) => k === 2) }))!;
    expect(b.stoppedAt).toBe('c = 1/2: planted unknown');
    expect(b.steps).toBe(2);
    // taking the unknown as unsat would "prove" ratio <= 1/2, below the equality case's 1
    expect(b.upper).toMatchObject({ ratio: '1', value: 1 });
    expect(b.lower).toBeUndefined();
    // a sat answer whose model gives no input (no value for any variable): no witness, so unknown too
    const noPoint = (await bracketConstant(claimById('A1')!, { budgetMs: 30_000, solve: planted((k) => k === 2, [], { answer: 'sat', ms: 0, model: {} }) }))!;
    expect(noPoint.stoppedAt).toBe('c = 1/2: a model was found but no rational point near it is certified above c');
    expect(noPoint.upper).toMatchObject({ ratio: '1', value: 1 });
    expect(noPoint.lower).toBeUndefined();
  });

  it('an unknown on one path is no proof even when every other path is unsat ((19), three paths at c = 1)', async () => {
    for (const at of [1, 3]) {
      const answers: string[] = [];
      const b = (await bracketConstant(claimById('E19')!, { budgetMs: 30_000, solve: planted((k) => k === at, answers) }))!;
      expect(answers).toEqual(at === 1 ? ['unknown', 'unsat', 'unsat'] : ['unsat', 'unsat', 'unknown']);
      expect(b.stoppedAt).toBe('c = 1: planted unknown');
      expect(b.upper).toBeUndefined();
      expect(b.steps).toBe(1);
    }
  });

  it("an unknown at the closing step (amgm2's witnessed ratio tried as the bound) leaves that bound unproved", async () => {
    const real: string[] = [];
    const b0 = (await bracketConstant(claimById('L34.s22.amgm2')!, { budgetMs: 30_000, maxSteps: 1, solve: planted(() => false, real) }))!;
    // one bisection step (c = 1: sat, and a class query for the witness), then the closing step
    expect(b0.steps).toBe(2);
    expect(real).toEqual(['sat', 'sat', 'sat']);
    // the closing step's first query (Z3 answered sat on its first path) and every one after
    const closing = real.length;
    const answers: string[] = [];
    const b = (await bracketConstant(claimById('L34.s22.amgm2')!, { budgetMs: 30_000, maxSteps: 1, solve: planted((k) => k >= closing, answers) }))!;
    expect(b.steps).toBe(2);
    expect(answers.slice(0, closing - 1)).toEqual(['sat', 'sat']);
    expect(answers.slice(closing - 1).every((a) => a === 'unknown')).toBe(true);
    expect(b.lower?.ratio).toBe(b0.lower?.ratio);
    // the printed line is false and its ratio unbounded above the witness (a longer run finds more):
    // the witnessed ratio is no bound, and an unknown must not make it one
    expect(b.upper).toBeUndefined();
  });
});
