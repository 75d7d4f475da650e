/**
 * The per-claim outcome of the prover (prove.ts) on planted claims whose answer is known by
 * hand, so that each verdict is tested against something outside the engine:
 * - a solver 'unknown' (a timeout on a system nlsat cannot decide in the budget, or a formula
 *   outside its fragment: test-queries.ts) is never "proved", on any path of any encoding;
 * - a claim true on some classes only (decided by the weights, fixed per class) is proved for
 *   exactly those classes, and the scope stops at the first class that is not proved;
 * - a false claim is refuted with a witness that evaluateCase confirms in the exact field; a
 *   claim false only at sqrt 2 (no rational point fails) is not;
 * - a proof that needs a fact proved elsewhere (from '(19)') says so; one that does not, does not;
 * - no time, an abort or too many branch paths give 'unknown', never "proved".
 */
import { describe, expect, it } from 'vitest';
import { Rational } from '../../numeric/rational.ts';
import { exact } from '../../numeric/real.ts';
import type { Sym, SymbolicField } from '../../numeric/z3-field.ts';
import type { Claim, Comparison, ScalarVariable } from '../../theory/claim.ts';
import { decode } from '../../theory/codec.ts';
import { claimById } from '../../theory/index.ts';
import { evaluateCase } from '../_internals/evaluate.ts';
import { proveClaim, proveClaims, unionText } from './index.ts';
import { hardCubics, opaque, z3ForFile } from './test-queries.ts';
import type { Z3 } from './z3.ts';

let z3: Z3;
z3ForFile((z) => (z3 = z));

const BUDGET = 10_000;
const E19 = claimById('E19')!;
const A1 = claimById('A1')!;
const real = (name: string): ScalarVariable => ({ name, sign: 'real', text: name });
const cmp = <T,>(lhs: T, rel: Comparison<T>['rel'], rhs: T): Comparison<T> => ({ label: 'planted', lhs, rel, rhs });

/** A claim with only a scalar form (no classes). */
function scalarClaim(id: string, vars: ScalarVariable[], at: (F: SymbolicField, v: Record<string, Sym>) => { comparisons: Comparison<Sym>[]; assumptions?: { from: string; cmp: Comparison<Sym> }[] }): Claim {
  return {
    ...E19,
    id,
    inputKind: 'unknown' as never,
    scalar: {
      vars,
      at: (F, v) => {
        const r = at(F as never, v as never);
        return { comparisons: r.comparisons, assumptions: r.assumptions ?? [] } as never;
      },
    },
  };
}

type Weights = { w1: number; w2: number };
/** Lemma A.1's classes (w1 : w2 = 1 : 1, 1 : 2, 2 : 1, 1 : 3, 2 : 3; x1, x2 >= 0) with planted
 *  comparisons chosen per weight ratio; over the exact field `opaque` is never reached. */
function amgmClaim(id: string, pick: (w: Weights, F: any, x1: any, x2: any) => Comparison<any>, scalar?: Claim['scalar']): Claim {
  return {
    ...A1,
    id,
    scalar,
    comparisons: (F, input: Weights & { x1: unknown; x2: unknown }) => [pick(input, F, F.lift(input.x1 as never), F.lift(input.x2 as never))],
  };
}
const holds = (F: any, x1: any) => cmp(F.mul(x1, x1), '>=', F.zero); // x1^2 >= 0: true everywhere
const undecided = (F: any, x1: any) => cmp({ e: opaque(z3.Z, x1.e) }, '<=', F.zero); // f(x1) <= 0: nlsat gives up

describe('prove: a solver unknown is never "proved"', () => {
  it('a scalar form beyond the budget (nlsat times out) is unknown, with the time', async () => {
    const vars = [0, 1, 2, 3, 4, 5].map((i) => real(`x${i}`));
    const hard = scalarClaim('hard', vars, (F, v) => {
      const [p0, p1, p2, p3] = hardCubics(z3.Z, vars.map((x) => v[x.name]!.e)).map((e) => ({ e }));
      // the query is p0 = p1 = 0, p3 >= 0, p2 > 0: hardSystem's with p3 >= 0 for p3 > 0
      return { comparisons: [cmp(p2!, '<=', F.zero)], assumptions: [cmp(p0!, '=', F.zero), cmp(p1!, '=', F.zero), cmp(p3!, '>=', F.zero)].map((c) => ({ from: 'planted', cmp: c })) };
    });
    const r = await proveClaim(hard, { budgetMs: 300 });
    expect(r.verdict).toBe('unknown');
    expect(r.text).toMatch(/^unknown \(\d+\.\d s\)$/);
    expect(r.class).toBeUndefined();
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ encoding: 'scalar', result: 'unknown', paths: 1 });
    expect(r.attempts[0]!.reason).toMatch(/^timeout after \d+\.\d s$/);
    // the printed time is the claim's time, and the attempt's lies within it
    expect(Number(/\((\d+\.\d) s\)/.exec(r.text)![1])).toBeCloseTo(r.timeMs / 1000, 1);
    expect(r.attempts[0]!.timeMs).toBeLessThanOrEqual(r.timeMs);
    expect(r.attempts[0]!.timeMs).toBeGreaterThan(0);
  });

  it('unknown on the last of three branch paths (x < 0) and unsat on the others: unknown, not proved', async () => {
    const last = scalarClaim('last-unknown', [real('x')], (F, v) => {
      const s = F.sign(v.x!);
      return { comparisons: [s === -1 ? cmp({ e: opaque(z3.Z, v.x!.e) }, '<=', F.zero) : cmp(F.mul(v.x!, v.x!), '>=', F.zero)] };
    });
    const r = await proveClaim(last, { budgetMs: BUDGET });
    expect(r.verdict).toBe('unknown');
    expect(r.attempts[0]).toMatchObject({ result: 'unknown', paths: 3 });
    expect(r.attempts[0]!.reason).toMatch(/^the solver gave up \(.+\)$/);
    // the same claim with the last path decidable is proved: the unknown was what stopped it
    const decided = scalarClaim('last-decided', [real('x')], (F, v) => {
      F.sign(v.x!);
      return { comparisons: [cmp(F.mul(v.x!, v.x!), '>=', F.zero)] };
    });
    expect(await proveClaim(decided, { budgetMs: BUDGET })).toMatchObject({ verdict: 'proved', class: 'all inputs', text: 'proved' });
  });

  it('undefined paths beside unsat ones: proved, and the attempt says where the sides are undefined', async () => {
    const c = scalarClaim('undefined-at-0', [real('x')], (F, v) => {
      if (F.sign(v.x!) === 0) throw new RangeError('undefined at x = 0');
      return { comparisons: [cmp(F.mul(v.x!, v.x!), '>=', F.zero)] };
    });
    const r = await proveClaim(c, { budgetMs: BUDGET });
    expect(r).toMatchObject({ verdict: 'proved', text: 'proved' });
    expect(r.attempts[0]).toMatchObject({ result: 'unsat', paths: 2, reason: '1 path(s) where the sides are undefined (undefined at x = 0)' });
  });

  it('an undefined path beside an unknown one: the reason names both', async () => {
    const c = scalarClaim('undefined-and-unknown', [real('x')], (F, v) => {
      const s = F.sign(v.x!);
      if (s === 0) throw new RangeError('undefined at x = 0');
      return { comparisons: [s === 1 ? cmp({ e: opaque(z3.Z, v.x!.e) }, '<=', F.zero) : cmp(F.mul(v.x!, v.x!), '>=', F.zero)] };
    });
    const r = await proveClaim(c, { budgetMs: BUDGET });
    expect(r.verdict).toBe('unknown');
    expect(r.attempts[0]).toMatchObject({ result: 'unknown', paths: 2 });
    expect(r.attempts[0]!.reason).toMatch(/^the solver gave up \(.+\); 1 path\(s\) where the sides are undefined \(undefined at x = 0\)$/);
  });

  it('no time in the budget, an abort, or more branch paths than allowed: unknown, though the claim is true', async () => {
    // x^2 >= 0 on the 3 x 3 branch paths of sign(x), sign(y)
    const t = scalarClaim('true', [real('x'), real('y')], (F, v) => {
      F.sign(v.x!);
      F.sign(v.y!);
      return { comparisons: [cmp(F.mul(v.x!, v.x!), '>=', F.zero)] };
    });
    const none = await proveClaim(t, { budgetMs: 0 });
    expect(none).toMatchObject({ verdict: 'unknown', text: 'unknown (0.0 s)', budgetMs: 0 });
    expect(none.attempts).toEqual([{ encoding: 'scalar', class: 'all inputs', result: 'unknown', paths: 0, timeMs: 0, reason: 'no time left in the budget' }]);
    const stop = new AbortController();
    stop.abort();
    expect(await proveClaim(t, { budgetMs: BUDGET, signal: stop.signal })).toMatchObject({ verdict: 'unknown', attempts: [] });
    const cut = await proveClaim(t, { budgetMs: BUDGET, maxPaths: 8 });
    expect(cut.verdict).toBe('unknown');
    expect(cut.attempts[0]).toMatchObject({ result: 'unknown', paths: 8, reason: 'more than 8 branch paths' });
    expect(await proveClaim(t, { budgetMs: BUDGET, maxPaths: 9 })).toMatchObject({ verdict: 'proved', text: 'proved' });
  });
});

describe('prove: an error is never "proved"', () => {
  it('exp (no polynomial encoding) and a thrown string are errors of their encoding, and the claim is unknown', async () => {
    const r = await proveClaim(scalarClaim('exp', [real('x')], (F, v) => ({ comparisons: [cmp(F.exp(v.x!), '>=', F.zero)] })), { budgetMs: BUDGET });
    expect(r.verdict).toBe('unknown');
    expect(r.attempts[0]).toMatchObject({ result: 'error', paths: 0 });
    expect(r.attempts[0]!.reason).toMatch(/^not polynomial: /);
    const s = await proveClaim(
      scalarClaim('string', [real('x')], () => {
        throw 'boom';
      }),
      { budgetMs: BUDGET },
    );
    expect(s.verdict).toBe('unknown');
    expect(s.attempts).toEqual([{ encoding: 'scalar', class: 'all inputs', result: 'error', paths: 0, timeMs: 0, reason: 'boom' }]);
  });

  it('a class claim that reads x1 outside the field (x1 <= 1, false at x1 = 2) is an error, not proved from the placeholder value', async () => {
    const byValue = amgmClaim('byValue', (_w, F, _x1) => cmp(F.zero, '<=', F.zero));
    const c: Claim = { ...byValue, comparisons: (F, input: { x1: Rational }) => [cmp(F.lift(Rational.parse(input.x1.toString())), '<=', F.one)] };
    const x2 = { x1: Rational.of(2), x2: Rational.ZERO, w1: 1, w2: 1 };
    expect(evaluateCase(c, exact, x2).status).toBe('fail');
    const r = await proveClaim(c, { budgetMs: BUDGET });
    expect(r.verdict).toBe('unknown');
    expect(r.attempts).toEqual([{ encoding: 'class', class: 'w1 : w2 = 1 : 1', result: 'error', paths: 0, timeMs: expect.any(Number), reason: 'the claim reads its input numbers outside the field: no symbolic run' }]);
  });

  it('no encoding: says so, with no attempt', async () => {
    expect(await proveClaim({ ...E19, id: 'none', inputKind: 'unknown' as never }, { budgetMs: BUDGET })).toMatchObject({ verdict: 'no encoding', text: 'no encoding', attempts: [], dropped: [] });
  });
});

describe('prove: the scope of a proof is exactly the classes proved', () => {
  it('true at w1 = w2 only (unknown at 1 : 2): "proved for w1 : w2 = 1 : 1", and the larger classes are not tried', async () => {
    const c = amgmClaim('equal-weights', (w, F, x1) => (w.w1 === w.w2 ? holds(F, x1) : undecided(F, x1)));
    const r = await proveClaim(c, { budgetMs: BUDGET });
    expect(r).toMatchObject({ verdict: 'proved', class: 'w1 : w2 = 1 : 1', text: 'proved for w1 : w2 = 1 : 1' });
    expect(r.attempts.map((a) => [a.class, a.result])).toEqual([
      ['w1 : w2 = 1 : 1', 'unsat'],
      ['w1 : w2 = 1 : 2', 'unknown'],
    ]);
  });

  it('true at w1 <= w2 (unknown at 2 : 1): proved for the two classes before it', async () => {
    const c = amgmClaim('w1-le-w2', (w, F, x1) => (w.w1 <= w.w2 ? holds(F, x1) : undecided(F, x1)));
    const r = await proveClaim(c, { budgetMs: BUDGET });
    expect(r).toMatchObject({ verdict: 'proved', class: 'w1 : w2 in {1 : 1, 1 : 2}', text: 'proved for w1 : w2 in {1 : 1, 1 : 2}' });
    expect(r.attempts.map((a) => a.result)).toEqual(['unsat', 'unsat', 'unknown']);
    const smallest = await proveClaim(c, { budgetMs: BUDGET, smallestClassOnly: true });
    expect(smallest).toMatchObject({ verdict: 'proved', text: 'proved for w1 : w2 = 1 : 1' });
    expect(smallest.attempts).toHaveLength(1);
  });

  it('unknown on the smallest class (true on the others): unknown, and no larger class is tried', async () => {
    const c = amgmClaim('unequal-weights', (w, F, x1) => (w.w1 !== w.w2 ? holds(F, x1) : undecided(F, x1)));
    const r = await proveClaim(c, { budgetMs: BUDGET });
    expect(r.verdict).toBe('unknown');
    expect(r.class).toBeUndefined();
    expect(r.attempts.map((a) => [a.class, a.result])).toEqual([['w1 : w2 = 1 : 1', 'unknown']]);
  });

  it('a false scalar relaxation does not stop the classes: proved for all five, not for all inputs', async () => {
    const scalar: Claim['scalar'] = { vars: [real('x')], at: (F, v) => ({ comparisons: [cmp(v.x!, '<=', F.zero)], assumptions: [] }) };
    const r = await proveClaim(amgmClaim('classes-only', (_w, F, x1) => holds(F, x1), scalar), { budgetMs: BUDGET });
    expect(r).toMatchObject({ verdict: 'proved', class: 'w1 : w2 in {1 : 1, 1 : 2, 2 : 1, 1 : 3, 2 : 3}' });
    expect(r.attempts.map((a) => [a.encoding, a.result])).toEqual([['scalar', 'sat'], ...Array(5).fill(['class', 'unsat'])]);
    // x <= 0 fails at every x > 0: the scalar model is one, re-evaluated exactly
    const m = r.attempts[0]!.scalarModel!;
    expect(Rational.parse(m.values.x!).sign()).toBe(1);
    expect(m.comparisons.map((c) => c.holds)).toEqual([false]);
  });

  it('a proof of the scalar form covers every input: no class is tried', async () => {
    const scalar: Claim['scalar'] = { vars: [real('x')], at: (F, v) => ({ comparisons: [cmp(F.mul(v.x!, v.x!), '>=', F.zero)], assumptions: [] }) };
    const r = await proveClaim(amgmClaim('scalar-proved', (w, F, x1) => undecided(F, x1), scalar), { budgetMs: BUDGET });
    expect(r).toMatchObject({ verdict: 'proved', class: 'all inputs', text: 'proved' });
    expect(r.attempts.map((a) => a.encoding)).toEqual(['scalar']);
  });
});

describe('prove: refuted only with an exact witness', () => {
  it('false at 2 : 1 only (x1 <= 0 there, x1 >= 0 in the class): refuted at 2 : 1, and evaluateCase confirms it', async () => {
    const c = amgmClaim('false-at-2-1', (w, F, x1) => (w.w1 === 2 && w.w2 === 1 ? cmp(x1, '<=', F.zero) : holds(F, x1)));
    const r = await proveClaim(c, { budgetMs: BUDGET });
    expect(r).toMatchObject({ verdict: 'refuted', text: 'refuted' });
    expect(r.class).toBeUndefined();
    expect(r.attempts.map((a) => a.result)).toEqual(['unsat', 'unsat', 'sat']);
    const input = decode(r.witness!.input as never) as { x1: Rational; w1: number; w2: number };
    expect([input.w1, input.w2]).toEqual([2, 1]);
    expect(input.x1.sign()).toBe(1);
    expect(evaluateCase(c, exact, input).status).toBe('fail');
  });

  it('with two hypotheses dropped the text names both', async () => {
    const c = amgmClaim('false', (_w, F, x1) => cmp(x1, '<=', F.zero));
    const r = await proveClaim(c, { budgetMs: BUDGET, dropped: ['nonneg', 'smooth'] });
    expect(r).toMatchObject({ verdict: 'refuted', text: 'refuted (without nonneg, smooth)', dropped: ['nonneg', 'smooth'] });
    expect(evaluateCase(c, exact, decode(r.witness!.input as never)).status).toBe('fail');
  });

  it('Lemma A.1 without nonneg: "refuted (without nonneg)", a witness with a negative entry that fails AM-GM exactly', async () => {
    const r = await proveClaim(A1, { budgetMs: BUDGET, dropped: ['nonneg'] });
    expect(r).toMatchObject({ verdict: 'refuted', text: 'refuted (without nonneg)', dropped: ['nonneg'] });
    const input = decode(r.witness!.input as never) as { x1: Rational; x2: Rational };
    expect(input.x1.sign() < 0 || input.x2.sign() < 0).toBe(true);
    expect(evaluateCase(A1, exact, input).status).toBe('fail');
    expect(r.witness!.foundBy).toBe('smt');
  });

  it('false only at x1 = sqrt 2, which no rational point reaches: a model, but unknown, not refuted (class and scalar form)', async () => {
    // false (1 <= 0) on the branch x^2 - 2 = 0, true (0 <= 0) on the branch x^2 - 2 != 0
    const atSqrt2 = (F: any, x: any) => cmp(F.isZero(F.sub(F.mul(x, x), F.fromInt(2))) ? F.one : F.zero, '<=', F.zero);
    const c = amgmClaim('sqrt2', (_w, F, x1) => atSqrt2(F, x1));
    const r = await proveClaim(c, { budgetMs: BUDGET });
    expect(r.verdict).toBe('unknown');
    expect(r.witness).toBeUndefined();
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ class: 'w1 : w2 = 1 : 1', result: 'unknown', paths: 2 });
    expect(r.attempts[0]!.reason).toMatch(/^a model was found \(.*root-obj.*\) but no rational point near it fails in exact arithmetic$/);
    expect(r.attempts[0]!.model!.x1).toMatch(/root-obj/);
    const s = await proveClaim(scalarClaim('sqrt2-scalar', [real('x')], (F, v) => ({ comparisons: [atSqrt2(F, v.x)] })), { budgetMs: BUDGET });
    expect(s.verdict).toBe('unknown');
    expect(s.attempts[0]).toMatchObject({ result: 'sat', reason: 'the model could not be confirmed exactly' });
    expect(s.attempts[0]!.model!.x).toMatch(/root-obj/);
    expect(s.attempts[0]!.scalarModel).toBeUndefined();
  });
});

describe('prove: the facts a proof rests on', () => {
  const xAtLeast1 = (F: SymbolicField, v: Record<string, Sym>, from: string) => ({ from, cmp: cmp(v.x!, '>=', F.one) });
  it('x^2 >= 1 from the fact x >= 1 of (19): "proved (from (19))"; x^2 >= 0 beside it: "proved"', async () => {
    const needs = await proveClaim(scalarClaim('needs-19', [real('x')], (F, v) => ({ comparisons: [cmp(F.mul(v.x!, v.x!), '>=', F.one)], assumptions: [xAtLeast1(F, v, '(19)')] })), { budgetMs: BUDGET });
    expect(needs).toMatchObject({ verdict: 'proved', class: 'all inputs', text: 'proved (from (19))', assumes: ['(19)'] });
    expect(needs.attempts[0]!.assumes).toEqual(['(19)']);
    const not = await proveClaim(scalarClaim('not-19', [real('x')], (F, v) => ({ comparisons: [cmp(F.mul(v.x!, v.x!), '>=', F.zero)], assumptions: [xAtLeast1(F, v, '(19)')] })), { budgetMs: BUDGET });
    expect(not).toMatchObject({ verdict: 'proved', text: 'proved' });
    expect(not.assumes).toBeUndefined();
    expect(not.attempts[0]!.assumes).toBeUndefined();
  });

  it('with maxPaths above 64, the facts are looked for on every path: needed on the last of 72 paths only', async () => {
    // sign(x), sign(y), isZero(a), isZero(b), isZero(c): 3 * 3 * 2 * 2 * 2 = 72 paths; x^2 >= 1
    // (needing x >= 1) on the last one, x^2 >= 0 on the others
    const c = scalarClaim('late-fact', ['x', 'y', 'a', 'b', 'c'].map(real), (F, v) => {
      const last = [F.sign(v.x!) === -1, F.sign(v.y!) === -1, !F.isZero(v.a!), !F.isZero(v.b!), !F.isZero(v.c!)].every(Boolean);
      return { comparisons: [cmp(F.mul(v.x!, v.x!), '>=', last ? F.one : F.zero)], assumptions: [xAtLeast1(F, v, '(19)')] };
    });
    const r = await proveClaim(c, { budgetMs: BUDGET, maxPaths: 100 });
    expect(r).toMatchObject({ verdict: 'proved', text: 'proved (from (19))', assumes: ['(19)'] });
    expect(r.attempts[0]!.paths).toBe(72);
  });

  it('a hypothesis (or a sign, or convexity) is no fact: x^2 >= 1 from x >= 1 named L_ge_1, sign or convex is "proved"', async () => {
    for (const from of ['L_ge_1', 'sign', 'convex']) {
      const r = await proveClaim(scalarClaim('hyp', [real('x')], (F, v) => ({ comparisons: [cmp(F.mul(v.x!, v.x!), '>=', F.one)], assumptions: [xAtLeast1(F, v, from)] })), { budgetMs: BUDGET });
      expect(r, from).toMatchObject({ verdict: 'proved', text: 'proved' });
      expect(r.assumes, from).toBeUndefined();
    }
  });

  it('facts beside a hypothesis: only the facts are named, and the re-proof keeps the hypothesis', async () => {
    // y >= 0 is the hypothesis L_ge_1 here; x >= 1 the fact (19), y >= 1 the fact (20)
    const at = (lhs: (F: SymbolicField, v: Record<string, Sym>) => Sym) => (F: SymbolicField, v: Record<string, Sym>) => ({
      comparisons: [cmp(lhs(F, v), '>=', F.zero)],
      assumptions: [xAtLeast1(F, v, '(19)'), { from: 'L_ge_1', cmp: cmp(v.y!, '>=', F.zero) }, { from: '(20)', cmp: cmp(v.y!, '>=', F.one) }],
    });
    const xy = [real('x'), real('y')];
    // x^2 - 1 >= 0 needs (19): every fact is named (the facts are not minimised one by one)
    const both = await proveClaim(scalarClaim('facts', xy, at((F, v) => F.sub(F.mul(v.x!, v.x!), F.one))), { budgetMs: BUDGET });
    expect(both).toMatchObject({ verdict: 'proved', text: 'proved (from (19), (20))', assumes: ['(19)', '(20)'] });
    // x^2 + y >= 0 needs y >= 0 only, which the hypothesis gives: no fact needed
    const hyp = await proveClaim(scalarClaim('hyp-only', xy, at((F, v) => F.add(F.mul(v.x!, v.x!), v.y!))), { budgetMs: BUDGET });
    expect(hyp).toMatchObject({ verdict: 'proved', text: 'proved' });
  });
});

describe('unionText', () => {
  it('one class as it is; classes without a common "prefix = value" form joined by "; "', () => {
    expect(unionText(['w1 : w2 = 1 : 1'])).toBe('w1 : w2 = 1 : 1');
    expect(unionText(['1 x 1 matrices X', '1 x 2 matrices X'])).toBe('1 x 1 matrices X; 1 x 2 matrices X');
    expect(unionText(['w1 : w2 = 1 : 1', '1 x 2 matrices X'])).toBe('w1 : w2 = 1 : 1; 1 x 2 matrices X');
    expect(unionText(['a = 1', 'b = 2'])).toBe('a = 1; b = 2');
    expect(unionText(['a = 1; b = 2', 'a = 3'])).toBe('a = 1; b = 2; a = 3');
  });
});

describe('proveClaims', () => {
  it('each claim with its own dropped hypotheses, onClaim after each; an abort keeps the claims done', async () => {
    const seen: string[] = [];
    const stop = new AbortController();
    const out = await proveClaims([A1, A1, A1], {
      budgetMs: BUDGET,
      smallestClassOnly: true,
      dropped: (c) => (seen.length === 0 ? [] : ['nonneg']),
      signal: stop.signal,
      onClaim: (r) => {
        seen.push(`${r.id}/${r.dropped.join()}: ${r.text}`);
        if (seen.length === 2) stop.abort();
      },
    });
    expect(seen).toEqual(['A1/: proved for w1 : w2 = 1 : 1', 'A1/nonneg: refuted (without nonneg)']);
    expect(out.interrupted).toBe(true);
    expect(out.results.map((r) => r.verdict)).toEqual(['proved', 'refuted']);
    const all = await proveClaims([A1], { budgetMs: BUDGET, smallestClassOnly: true });
    expect(all.interrupted).toBe(false);
    expect(all.results.map((r) => r.dropped)).toEqual([[]]);
  });
});
