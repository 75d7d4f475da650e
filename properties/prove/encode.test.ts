/**
 * The encodings (encode.ts) against hand-written expectations: planted scalar forms whose
 * branch points are known (sign(x), sign(y): 3 x 3 paths) must be walked completely, a failure
 * on the last path must be found (a walk that stopped early would print "proved" for a false
 * statement), the variables' signs must be the hand-written Z3 terms, a fact resting on a
 * dropped hypothesis must leave the assumptions, and a claim that reads its input numbers
 * outside the field must be caught. Solver calls here are on tiny formulas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModeError } from '../../numeric/field.ts';
import { Rational } from '../../numeric/rational.ts';
import type { Claim, Comparison, ScalarVariable } from '../../theory/claim.ts';
import { claimById } from '../../theory/index.ts';
import { encodingsFor, explore, hasEncoding, valueIndependent } from './encode.ts';
import { bracketConstant, proveClaim, releaseZ3 } from './index.ts';
import { loadZ3, type Z3 } from './z3.ts';

let z3: Z3;
beforeAll(async () => {
  z3 = await loadZ3();
}, 60_000);
afterAll(releaseZ3);

const E19 = claimById('E19')!;
const A1 = claimById('A1')!;
const XY: ScalarVariable[] = [
  { name: 'x', sign: 'real', text: 'x' },
  { name: 'y', sign: 'real', text: 'y' },
];

/** A scalar-only claim over x, y: 1 <= 0 (false) exactly where `fails(sign x, sign y)`, else 0 <= 0. */
function planted(fails: (sx: number | undefined, sy: number | undefined) => boolean, extra?: (F: any, v: any) => void): Claim {
  return {
    ...E19,
    id: 'planted',
    inputKind: 'unknown' as never,
    scalar: {
      vars: XY,
      at: (F, v) => {
        const sx = F.sign(v.x!);
        const sy = F.sign(v.y!);
        extra?.(F, v);
        const cmp: Comparison<any> = { label: 'planted', lhs: fails(sx, sy) ? F.one : F.zero, rel: '<=', rhs: F.zero };
        return { comparisons: [cmp], assumptions: [] };
      },
    },
  };
}

const scalarOf = (c: Claim, dropped: string[] = []) => encodingsFor(c, new Set(dropped as never))[0]!;

describe('explore: every branch path, in order', () => {
  it('walks the 3 x 3 outcomes of sign(x), sign(y) once each, and stops where told', () => {
    const exp = explore(z3.Z, scalarOf(planted(() => false)));
    expect(exp.truncated).toBe(false);
    expect(exp.undefinedPaths).toEqual([]);
    const texts = exp.paths.map((p) => p.pathText.join(' & '));
    const outcomes = (v: string) => [`${v} > 0`, `${v} = 0`, `${v} < 0`];
    expect(new Set(texts)).toEqual(new Set(outcomes('x').flatMap((a) => outcomes('y').map((b) => `${a} & ${b}`))));
    expect(texts).toHaveLength(9);
    const cut = explore(z3.Z, scalarOf(planted(() => false)), 8);
    expect(cut.truncated).toBe(true);
    expect(cut.paths).toHaveLength(8);
  });

  it('never proves a planted claim that fails on the last path only, and proves it when it fails nowhere', async () => {
    const last = planted((sx, sy) => sx === -1 && sy === -1);
    const r = await proveClaim(last, { budgetMs: 10_000 });
    expect(r.verdict).not.toBe('proved');
    expect(r.attempts[0]).toMatchObject({ encoding: 'scalar', result: 'sat', paths: 9 });
    expect(r.attempts[0]!.model!.x).toMatch(/^-/);
    const none = await proveClaim(planted(() => false), { budgetMs: 10_000 });
    expect(none).toMatchObject({ verdict: 'proved', class: 'all inputs', text: 'proved' });
  });

  it('records a path where the sides are undefined, and lets a ModeError (exp/log) through', () => {
    const undef = planted(() => false, (F, v) => {
      if (F.isZero(v.x)) throw new RangeError('undefined at x = 0');
    });
    const exp = explore(z3.Z, scalarOf(undef));
    // isZero(x) after sign(x) is no new branch: the three paths with x = 0 are undefined
    expect(exp.undefinedPaths).toEqual(['y > 0', 'y = 0', 'y < 0'].map((y) => ({ path: ['x = 0', y], error: 'undefined at x = 0' })));
    expect(exp.paths).toHaveLength(6);
    const mode = planted(() => false, () => {
      throw new ModeError('exp is not polynomial');
    });
    expect(() => explore(z3.Z, scalarOf(mode))).toThrow(ModeError);
  });
});

describe('a claim whose sides cannot be evaluated is never proved', () => {
  const throwing = (e: Error): Claim => ({
    ...E19,
    id: 'throwing',
    inputKind: 'unknown' as never,
    scalar: {
      vars: XY,
      at: () => {
        throw e;
      },
    },
  });
  it('takes a TypeError (a bug in the claim or the field) as an error, not as a path where the sides are undefined', async () => {
    const r = await proveClaim(throwing(new TypeError('F.foo is not a function')), { budgetMs: 5000 });
    expect(r.verdict).not.toBe('proved');
    expect(r.attempts[0]).toMatchObject({ result: 'error', reason: 'F.foo is not a function' });
  });
  it('does not prove a claim undefined on every path (no path left to decide)', async () => {
    const r = await proveClaim(throwing(new RangeError('exact.div: division by zero')), { budgetMs: 5000 });
    expect(r.verdict).toBe('unknown');
    expect(r.attempts[0]).toMatchObject({ result: 'error', paths: 0 });
    expect(r.attempts[0]!.reason).toMatch(/undefined on every branch path \(exact\.div: division by zero\)/);
  });
  it('gives no bracket (no proved upper bound) for such a claim', async () => {
    expect(await bracketConstant(throwing(new RangeError('exact.div: division by zero')), { budgetMs: 2000 })).toBeUndefined();
  });
});

describe('explore: the domain and the assumptions of a path', () => {
  it('gives each variable its sign as the hand-written Z3 term, and a real variable none', () => {
    const { Z } = z3;
    const p = explore(z3.Z, scalarOf(claimById('L34.s22.amgm1')!)).paths[0]!;
    const R = (n: string) => Z.Real.const(n);
    const want = [R('L').gt(0), R('Vn').ge(0), R('Gn').ge(0), R('gJn').ge(0), R('eta').gt(0)].map((t) => t.sexpr());
    expect(p.constraints.slice(0, 5).map((t) => t.sexpr())).toEqual(want);
    const xy = explore(z3.Z, scalarOf(planted(() => false))).paths[0]!;
    expect(xy.constraints.length).toBe(xy.F.definitions.length + xy.F.domain.length + xy.F.path.length);
  });

  it('leaves out the facts that rest on a dropped hypothesis (T35 without smooth keeps L* <= J and L >= 1 only)', () => {
    const T35 = claimById('T35')!;
    const from = (dropped: string[]) => [...new Set(explore(z3.Z, scalarOf(T35, dropped)).paths.flatMap((p) => p.assumptionFrom))].sort();
    expect(from([])).toEqual(['(23)', '(9)', 'GV', 'L_ge_1', 'lower_bound']);
    expect(from(['smooth'])).toEqual(['L_ge_1', 'lower_bound']);
    expect(from(['eta_rule'])).toEqual(['(23)', 'L_ge_1', 'lower_bound']);
    for (const p of explore(z3.Z, scalarOf(T35, ['smooth'])).paths) expect(p.assumptionTerms).toHaveLength(p.assumptionFrom.length);
  });

  it('names the scalar encoding "all inputs" and says which claims have an encoding', () => {
    expect(scalarOf(claimById('L34.s22.a')!)).toMatchObject({ kind: 'scalar', text: 'all inputs' });
    expect(hasEncoding(E19)).toBe(true);
    expect(hasEncoding(A1)).toBe(true); // classes only
    const line = claimById('L34.s22.a')!;
    expect(hasEncoding({ ...line, inputKind: 'unknown' as never })).toBe(true); // scalar form only
    expect(hasEncoding({ ...line, scalar: undefined, inputKind: 'unknown' as never })).toBe(false);
    expect(hasEncoding({ ...E19, inputKind: 'unknown' as never })).toBe(false); // E19 has classes only
  });
});

describe('valueIndependent: a claim must not read its input numbers outside the field', () => {
  const classes = (c: Claim, dropped: string[] = []) => encodingsFor(c, new Set(dropped as never)).filter((e) => e.kind === 'class');
  it('holds for the classes of A1 (nonneg variables first) and of E19', () => {
    for (const e of [...classes(A1), ...classes(A1, ['nonneg']), ...classes(E19)]) expect(valueIndependent(z3.Z, e), e.text).toBe(true);
  });

  it('fails for a claim that branches on the sign of x1, or takes its value as a constant', () => {
    const x1 = (input: any) => input.x1 as Rational;
    const bySign: Claim = { ...A1, id: 'bySign', comparisons: (F, input) => (x1(input).sign() < 0 ? [] : A1.comparisons(F, input)) };
    const byValue: Claim = { ...A1, id: 'byValue', comparisons: (F, input) => [{ label: 'c', lhs: F.lift(Rational.parse(x1(input).toString())), rel: '<=', rhs: F.one }] };
    for (const c of [bySign, byValue]) {
      const encs = classes(c, ['nonneg']);
      expect(encs.length).toBeGreaterThan(0);
      for (const e of encs) expect(valueIndependent(z3.Z, e), `${c.id} ${e.text}`).toBe(false);
    }
    // and the value-independent form of the same claim is accepted
    expect(valueIndependent(z3.Z, classes({ ...A1, id: 'ok', comparisons: (F, input) => [{ label: 'c', lhs: F.lift(x1(input)), rel: '<=', rhs: F.one }] }, ['nonneg'])[0]!)).toBe(true);
  });

  it('turns a class point into the claim input, and names a missing value', () => {
    const e = classes(A1)[1]!;
    expect(e.input!({ x1: Rational.ONE, x2: Rational.of(1, 2) })).toEqual({ x1: Rational.ONE, x2: Rational.of(1, 2), w1: 1, w2: 2 });
    expect(() => e.input!({ x1: Rational.ONE })).toThrow(/^class w1 : w2 = 1 : 2: no value for x2$/);
  });
});
