/**
 * tighten's SMT bracket (bracket.ts): bisection on the constant c, each step one solver query.
 * The expected answers come from outside bracket.ts: weighted AM-GM at 1 : 1 is an equality
 * exactly when x1 = x2 (worst ratio 1, reached); (15) on 2 x 2 symmetric M is tight at 1 and a
 * witness's ratio is recomputed here in float64 from its matrix; (19) on 1x1 quadratics has worst
 * ratio exactly 1/2; the printed AM-GM line amgm2 of (22) is false (its witness fails when
 * evaluated exactly by evaluateCase). Every bracket must have lower <= upper.
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
});
