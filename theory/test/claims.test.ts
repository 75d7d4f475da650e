/**
 * Per claim, a few hand-made inputs whose answer is known, evaluated in float64 and exact
 * (multi-step claims: float64 and precise). Each false case says which hypothesis it drops or
 * which printed line it refutes; each true case checks hand-computed values where they are short.
 */
import { describe, expect, it } from 'vitest';
import type { Mode } from '../../numeric/field.ts';
import { ModeError } from '../../numeric/field.ts';
import { fieldFor } from '../../numeric/fields.ts';
import { claimById, isVacuous } from '../index.ts';
import { integerWeights } from '../claims/a1-amgm.ts';
import type { AmGmInput, LoraInput, LoraRunInput } from '../inputs.ts';
import { V2, evaluate, identityTwoLoss, mat, q, scalarLoss, verdicts } from './fixtures.ts';

const ALG: Mode[] = ['float64', 'exact'];
const RUN: Mode[] = ['float64', 'precise'];
const claim = (id: string) => {
  const c = claimById(id);
  if (!c) throw new Error(`no claim ${id}`);
  return c;
};
const all = (modes: Mode[], v: boolean | 'undecided') => Object.fromEntries(modes.map((m) => [m, v]));
/** The exact field's text of a value. */
const fmt = (x: unknown) => fieldFor('exact').format(x);

// V = [1; 2], L(W) = (W - c)^2 / 2: W = 2, G = 2 - c.
const base: LoraInput = { loss: scalarLoss(), V: V2('1', '2') };

describe('A1 (13)-(14)', () => {
  const A1 = claim('A1');
  it('holds for nonnegative inputs, with the powered form for root order 5', () => {
    expect(verdicts(A1, ALG, { x1: q(1), x2: q(4), w1: q(1), w2: q(2) })).toEqual(all(ALG, true));
    const five: AmGmInput = { x1: q(1), x2: q(4), w1: q(2), w2: q(3) }; // 14/5 >= (1 * 64)^(1/5)
    const e = evaluate(A1, 'exact', five);
    expect(e.verdict).toBe(true);
    expect(e.comparisons[0]!.label).toContain('powered form');
    expect(fmt(e.comparisons[0]!.rhs)).toBe('64');
  });
  it('is an equality at x1 = x2 (decided exactly)', () => {
    const e = evaluate(A1, 'exact', { x1: q(2), x2: q(2), w1: q(1), w2: q(1) });
    expect(e.decisions.map((d) => [d.holds, d.slack])).toEqual([
      [true, 0],
      [true, 0],
    ]);
  });
  it('fails for negative x when nonneg is dropped', () => {
    const neg: AmGmInput = { x1: q(-1), x2: q(-1), w1: q(1), w2: q(1) }; // -1 >= sqrt(1)
    expect(verdicts(A1, ALG, neg)).toEqual(all(ALG, false));
    expect(A1.hypothesesHold!(neg)).toEqual({ nonneg: false });
  });
  it('treats w1 = w2 = 0 as outside the statement', () => {
    const zero: AmGmInput = { x1: q(1), x2: q(2), w1: q(0), w2: q(0) };
    expect(isVacuous(evaluate(A1, 'exact', zero).comparisons[0]!)).toBe(true);
    expect(A1.nonTrivial(zero)).toBe(false);
  });
  it('uses exp/log for weights that are not small rationals (float64, not exact)', () => {
    const dbl: AmGmInput = { x1: 1, x2: 4, w1: 0.1, w2: 0.3 };
    expect(evaluate(A1, 'float64', dbl).verdict).toBe(true);
    expect(() => evaluate(A1, 'exact', dbl)).toThrow(ModeError);
  });
});

describe('A2 (Lemma A.2, (15))', () => {
  it('A2.sub and A2.embed hold', () => {
    const sq = { m: 1, n: 2, M: mat([[1, 2, 3], [2, 0, 1], [3, 1, 5]]) };
    const e = evaluate(claim('A2.sub'), 'exact', sq);
    expect(e.verdict).toBe(true);
    expect(fmt(e.comparisons[0]!.lhs)).toBe('sqrt(13)');
    expect(verdicts(claim('A2.embed'), ALG, { X: mat([[1, 2, 3]]) })).toEqual(all(ALG, true));
    expect(claim('A2.sub').nonTrivial({ m: 1, n: 1, M: mat([[0, 0], [0, 0]]) })).toBe(false);
  });
  it('A2.sym is tight for a symmetric M with zero diagonal blocks, and fails without symmetry', () => {
    const sym = { m: 1, n: 1, M: mat([[0, 1], [1, 0]]) };
    const e = evaluate(claim('A2.sym'), 'exact', sym);
    expect(e.decisions[0]).toMatchObject({ holds: true, slack: 0 });
    const upper = { m: 1, n: 1, M: mat([[0, 1], [0, 0]]) }; // 1 > 1/sqrt2
    expect(verdicts(claim('A2.sym'), ALG, upper)).toEqual(all(ALG, false));
    expect(claim('A2.sym').hypothesesHold!(upper)).toEqual({ symmetric: false });
    expect(claim('A2.sym').hypothesesHold!(sym)).toEqual({ symmetric: true });
  });
});

describe('S1 and G7', () => {
  it('S1: BA = 2 and the step with eta = 1/2 lands on [-1; 1]', () => {
    const e = evaluate(claim('S1'), 'exact', { ...base, eta: q('1/2') });
    expect(e.verdict).toBe(true);
    expect(e.comparisons.map((c) => fmt(c.lhs))).toEqual(['2', '-1', '1']);
    expect(verdicts(claim('S1'), ALG, base)).toEqual(all(ALG, true)); // eta from (8), irrational
  });
  it('G7: (7) gives [G a; G b] = [4; 2], matches the stencil, and grad J(0) = 0', () => {
    const e = evaluate(claim('G7'), 'exact', base);
    expect(e.verdict).toBe(true);
    expect(e.comparisons.map((c) => fmt(c.lhs))).toEqual(['4', '2', '4', '2', '0']);
    expect(e.comparisons.map((c) => fmt(c.rhs))).toEqual(['4', '2', '4', '2', '0']);
    expect(evaluate(claim('G7'), 'float64', base).verdict).toBe(true);
    expect(claim('G7').nonTrivial({ loss: scalarLoss({ c: '2' }), V: V2('1', '2') })).toBe(false); // G = 0
  });
});

describe('L33, E19, L34', () => {
  it('L33 holds with the true L and fails when smooth is dropped (L = 1/4 < 1)', () => {
    expect(verdicts(claim('L33'), ALG, { loss: scalarLoss(), V1: V2('1', '2'), V2: V2('0', '1') })).toEqual(all(ALG, true));
    // V1 = 0, V2 = [1; 1]: J(V2) = 1/2 > (sqrt2 L / 4) ||d||^4 = sqrt2/4.
    const rough = { loss: scalarLoss({ L: '1/4' }), V1: V2('0', '0'), V2: V2('1', '1') };
    expect(verdicts(claim('L33'), ALG, rough)).toEqual(all(ALG, false));
    expect(claim('L33').hypothesesHold!(rough)).toMatchObject({ smooth: false });
    expect(verdicts(claim('L33'), ALG, { ...rough, loss: scalarLoss() })).toEqual(all(ALG, true));
  });
  it('E19 holds with ratio exactly 1/2 on the scalar problem', () => {
    const e = evaluate(claim('E19'), 'exact', base);
    expect(e.verdict).toBe(true);
    expect(e.decisions[0]!.ratio).toBeCloseTo(0.5, 12);
  });
  it('L34 holds with (8), fails for eta = 10 (eta_rule dropped) and for L = 1/100 (L_ge_1 dropped)', () => {
    const L34 = claim('L34');
    expect(verdicts(L34, ALG, base)).toEqual(all(ALG, true));
    expect(verdicts(L34, ALG, { ...base, eta: q(10) })).toEqual(all(ALG, false));
    // d = L = 1/100 (smooth holds), c = 10^4, V = [1/100; -1/100]: (8) gives eta |G| ~ 17.7, V flips and grows.
    const tiny: LoraInput = { loss: scalarLoss({ d: '1/100', L: '1/100', c: '10000' }), V: V2('1/100', '-1/100') };
    expect(verdicts(L34, ALG, tiny)).toEqual(all(ALG, false));
    expect(L34.hypothesesHold!(tiny)).toEqual({ smooth: true, L_ge_1: false, lower_bound: true, eta_rule: true });
    expect(verdicts(L34, ALG, { ...tiny, loss: scalarLoss({ d: '1/100', L: '1', c: '10000' }) })).toEqual(all(ALG, true));
  });
});

describe('proof lines of Lemma 3.4: (18), (20), (21), (22)', () => {
  const lines = [
    'L34.s18.a', 'L34.s18.b', 'L34.s20.a', 'L34.s20.b', 'L34.s20.c', 'L34.s21.a',
    'L34.s22.amgm1', 'L34.s22.amgm1.corrected', 'L34.s22.amgm2', 'L34.s22.amgm2.corrected', 'L34.s22.amgm3',
    'L34.s22.a', 'L34.s22.b', 'L34.s22.c', 'L34.s22.d',
  ];
  const failing = (input: LoraInput) =>
    lines.filter((id) => evaluate(claim(id), 'exact', input).verdict !== true);

  it('every line holds at V = [1; 2], L = 1 (ties such as eta_t = (18) decided exactly)', () => {
    expect(failing(base)).toEqual([]);
    for (const id of lines) expect(evaluate(claim(id), 'float64', base).verdict, id).toBe(true);
    expect(evaluate(claim('L34.s18.a'), 'exact', base).decisions[0]!.slack).toBe(0);
  });
  it('printed AM-GM line 1 fails for small values: x1 = 4 sqrt2 * 2e-4, x2 = ||G|| = 1/1000', () => {
    const small: LoraInput = { loss: scalarLoss({ c: '11/10000' }), V: V2('1/100', '1/100') };
    expect(failing(small)).toEqual(['L34.s22.amgm1']);
    expect(evaluate(claim('L34.s22.amgm1'), 'float64', small).verdict).toBe(false);
  });
  it('printed AM-GM line 2 fails when ||G|| = 10 > 4 (scalar problem: ||grad J||^2 = ||G||^2 ||V||^2)', () => {
    const bigG: LoraInput = { loss: scalarLoss({ c: '12' }), V: V2('1', '2') };
    expect(failing(bigG)).toEqual(['L34.s22.amgm2']);
    expect(evaluate(claim('L34.s22.amgm2'), 'float64', bigG).verdict).toBe(false);
  });
  it('(18) and (20) need sqrt2 L >= 1, (22) needs 4 sqrt2 L >= 2 (L_ge_1 dropped)', () => {
    const half: LoraInput = { loss: scalarLoss({ d: '1/2', L: '1/2' }), V: V2('1', '2') };
    expect(failing(half)).toEqual(['L34.s18.b', 'L34.s20.a']);
    const quarter: LoraInput = { loss: scalarLoss({ d: '1/4', L: '1/4' }), V: V2('1', '2') };
    expect(failing(quarter)).toEqual(['L34.s18.b', 'L34.s20.a', 'L34.s22.b']);
  });
  it('the eta lines fail for eta = 10 (eta_rule dropped)', () => {
    expect(failing({ ...base, eta: q(10) })).toEqual(['L34.s18.a', 'L34.s20.a', 'L34.s22.a']);
  });
  it('at V = 0 the bounds with vanishing denominators hold vacuously and the input is trivial', () => {
    const zero: LoraInput = { loss: scalarLoss({ c: '1' }), V: V2('0', '0') };
    const e = evaluate(claim('L34.s20.b'), 'exact', zero);
    expect(e.verdict).toBe(true);
    expect(isVacuous(e.comparisons[0]!)).toBe(true);
    expect(claim('L34.s20.b').nonTrivial(zero)).toBe(false);
    expect(claim('L34.s20.b').nonTrivial(base)).toBe(true);
  });
});

describe('E23', () => {
  it('is tight for the scalar quadratic with L = d, and fails without smooth or lower_bound', () => {
    const at3 = { loss: scalarLoss(), W: mat([[3]]) }; // 9 <= 2 * 1 * 9/2
    expect(evaluate(claim('E23'), 'exact', at3).decisions[0]).toMatchObject({ holds: true, slack: 0 });
    expect(verdicts(claim('E23'), ALG, { ...at3, loss: scalarLoss({ L: '1/2' }) })).toEqual(all(ALG, false));
    const above = { loss: scalarLoss({ Lstar: '1' }), W: mat([[0]]) }; // 0 <= 2 (0 - 1)
    expect(verdicts(claim('E23'), ALG, above)).toEqual(all(ALG, false));
    expect(claim('E23').hypothesesHold!(above)).toMatchObject({ lower_bound: false, smooth: true });
  });
});

describe('runs: GV, GV.step, T10, T35', () => {
  // Stated L = 2 > d = 1: with L = d, (23) is an equality at t = 0, so eta_0 = min{1/D_0, 1}
  // exactly, a tie that interval arithmetic (precise) can only call undecided.
  const run: LoraRunInput = { loss: scalarLoss({ L: '2' }), V0: V2('1', '2'), T: 5 };
  const ids = ['GV', 'GV.step', 'T10', 'T35'];
  it('hold along 5 steps with (8), one comparison per prefix / step', () => {
    for (const id of ids) expect(verdicts(claim(id), RUN, run), id).toEqual(all(RUN, true));
    expect(evaluate(claim('GV'), 'precise', run).comparisons).toHaveLength(5);
    expect(evaluate(claim('T35'), 'precise', run).comparisons).toHaveLength(12);
  });
  it('GV.step fails when eta_t = 1000 x (8) (eta_rule dropped)', () => {
    const wild = { ...run, T: 1, etaScale: q(1000) };
    expect(verdicts(claim('GV.step'), RUN, wild)).toEqual(all(RUN, false));
    expect(claim('GV.step').hypothesesHold!(wild)).toMatchObject({ eta_rule: false });
  });
  it('GV, T10, T35 fail when L* = 100 lies above J(V_0) = 2 (lower_bound dropped)', () => {
    const above = { ...run, loss: scalarLoss({ L: '2', Lstar: '100' }) };
    for (const id of ['GV', 'T10', 'T35']) expect(verdicts(claim(id), RUN, above), id).toEqual(all(RUN, false));
    expect(evaluate(claim('T35'), 'precise', above).comparisons[0]!.label).toContain('J(V_0) - L* >= 0');
  });
  it('T35 at a tie (L = d makes (23) an equality at t = 0): undecided in precise, never false', () => {
    const tie = { ...run, loss: scalarLoss(), T: 1 };
    const e = evaluate(claim('T35'), 'precise', tie);
    expect(e.decisions[0]!.holds).toBe('undecided');
    expect(e.decisions.slice(1).every((d) => d.holds === true)).toBe(true);
  });
  it('a run from a stationary point is trivial', () => {
    expect(claim('T10').nonTrivial({ ...run, V0: V2('0', '0') })).toBe(false);
    expect(claim('T10').nonTrivial(run)).toBe(true);
  });
});

describe('L36, L36.grad, M36', () => {
  const M = mat([[1, 5], [7, 2]]);
  it('L36 holds with L = 1 and fails for a stated L = 1/10 (smooth dropped)', () => {
    const pair = { loss: identityTwoLoss(), M, M2: mat([[0, 0], [0, 0]]) }; // 5 <= 4 * 79
    expect(verdicts(claim('L36'), ALG, pair)).toEqual(all(ALG, true));
    const diag = { loss: identityTwoLoss('1/10'), M: mat([[1, 0], [0, 2]]), M2: mat([[0, 0], [0, 0]]) }; // 5 > 4/100 * 5
    expect(verdicts(claim('L36'), ALG, diag)).toEqual(all(ALG, false));
    expect(claim('L36').hypothesesHold!(diag)).toMatchObject({ smooth: false });
    expect(claim('L36').nonTrivial({ ...pair, M2: mat([[1, 0], [0, 2]]) })).toBe(false); // differ off the diagonal only
  });
  it('L36.grad: grad L~(M) = diag(M11, M22), zero off the diagonal blocks', () => {
    const e = evaluate(claim('L36.grad'), 'exact', { loss: identityTwoLoss(), M, M2: M });
    expect(e.verdict).toBe(true);
    expect(e.comparisons.map((c) => fmt(c.lhs))).toEqual(['1', '0', '0', '2']);
    expect(e.comparisons.map((c) => fmt(c.rhs))).toEqual(['1', '0', '0', '2']);
  });
  it('M36 holds for equal ranks and, zero-padded, for unequal ones', () => {
    const loss = identityTwoLoss();
    const same = { loss, B1: mat([[1]]), A1: mat([[2]]), B2: mat([[3]]), A2: mat([['1/2']]), eta: q('1/10') };
    expect(verdicts(claim('M36'), ALG, same)).toEqual(all(ALG, true));
    const mixed = { ...same, B1: mat([[1, 1]]), A1: mat([[2], [1]]) };
    expect(verdicts(claim('M36'), ALG, mixed)).toEqual(all(ALG, true));
    expect(claim('M36').hypothesesHold!(mixed)).toMatchObject({ same_rank: false });
    // B1 A1 = 2, G1 = 2: (B1)_{t+1} = 1 - (1/10) * 2 * 2 = 3/5.
    expect(fmt(evaluate(claim('M36'), 'exact', same).comparisons[0]!.lhs)).toBe('3/5');
  });
});

describe('argument errors name the argument', () => {
  it('A2.sub and A2.sym: M must be (m+n) x (m+n)', () => {
    for (const id of ['A2.sub', 'A2.sym']) {
      expect(() => evaluate(claim(id), 'exact', { m: 1, n: 1, M: mat([[1, 2, 3]]) })).toThrow(`${id}: argument M must be (m+n) x (m+n) = 2 x 2, got 1 x 3`);
      expect(() => evaluate(claim(id), 'exact', { m: 1, n: 1, M: mat([[1, 2, 3], [4, 5, 6]]) })).toThrow('got 2 x 3'); // right rows, wrong columns
      expect(() => evaluate(claim(id), 'exact', { m: 1, n: 1, M: mat([[1, 2], [3, 4], [5, 6]]) })).toThrow('got 3 x 2'); // wrong rows, right columns
    }
  });
  it('M36: each adapter must fit its loss', () => {
    const loss = identityTwoLoss();
    const ok = { loss, B1: mat([[1]]), A1: mat([[2]]), B2: mat([[3]]), A2: mat([['1/2']]), eta: q('1/10') };
    expect(() => evaluate(claim('M36'), 'exact', { ...ok, B1: mat([[1], [2]]) })).toThrow('M36: argument B1 must be 1 x r, got 2 x 1');
    expect(() => evaluate(claim('M36'), 'exact', { ...ok, A2: mat([[1, 2]]) })).toThrow('M36: argument A2 must be 1 x 1, got 1 x 2');
    expect(() => evaluate(claim('M36'), 'exact', { ...ok, A1: mat([[1, 2]]) })).toThrow('M36: argument A1 must be 1 x 1, got 1 x 2');
    expect(() => evaluate(claim('M36'), 'exact', { ...ok, B2: mat([[1], [2]]) })).toThrow('M36: argument B2 must be 1 x r, got 2 x 1');
  });
});

describe('A1: every branch of (13) and (14)', () => {
  const A1 = claim('A1');
  const x = (x1: string | number, x2: string | number, w1: string | number, w2: string | number): AmGmInput => ({ x1: q(x1), x2: q(x2), w1: q(w1), w2: q(w2) });
  const label13 = (input: AmGmInput, mode: Mode = 'exact') => evaluate(A1, mode, input).comparisons[0]!.label!;
  it('integerWeights: coprime integers proportional to the weights, positive sum', () => {
    expect(integerWeights(q('1/2'), q('1/3'))).toEqual({ p1: 3n, p2: 2n }); // lcm of the denominators, not their product with the gcd
    expect(integerWeights(q('2/4'), q('3/6'))).toEqual({ p1: 1n, p2: 1n });
    expect(integerWeights(q(-1), q(-2))).toEqual({ p1: 1n, p2: 2n });
    expect(integerWeights(q(1), q(-1))).toBeUndefined();
  });
  it('root order 2 and 3 are taken as printed (sqrt, cbrt), 4..64 in powered form, above 64 in exp/log form', () => {
    expect(label13(x(1, 4, 1, 1))).not.toContain('['); // K = 2: sqrt
    expect(fmt(evaluate(A1, 'exact', x(1, 4, 1, 1)).comparisons[0]!.rhs)).toBe('2');
    expect(label13(x(1, 8, 1, 2))).not.toContain('['); // K = 3: cbrt
    expect(fmt(evaluate(A1, 'exact', x(1, 8, 1, 2)).comparisons[0]!.rhs)).toBe('4');
    expect(label13(x(1, 4, 1, 63))).toContain('powered form: both sides to the power 64');
    const big = x(1, 4, 1, 64); // K = 65: exp/log (float64, precise)
    expect(label13(big, 'float64')).toContain('exp/log form: root order 65 > 64');
    expect(evaluate(A1, 'precise', big).verdict).toBe(true);
  });
  it('zero and negative bases: 0^negative is undefined, 0^positive makes the root 0, negative bases with real exponents are undefined', () => {
    expect(isVacuous(evaluate(A1, 'exact', x(0, 4, -1, 3)).comparisons[0]!)).toBe(true); // p1 < 0 at x1 = 0
    expect(label13(x(0, 4, -1, 3))).toContain('0 raised to a negative power is undefined');
    expect(label13(x(1, 2, 0, 0))).toContain('w1 + w2 = 0: the printed quotient is 0/0');
    expect(label13(x(-1, 4, 1, 64), 'float64')).toContain('a negative base with a real exponent is undefined');
    expect(label13(x(-1, 4, 1, 1))).toContain('even root (order 2) of a negative number is undefined');
    expect(evaluate(A1, 'exact', x(-1, 4, 1, 1)).comparisons[1]!.label).toContain('sqrt(x1 x2) of a negative product is undefined');
    // a zero factor: the radicand and the product are 0 (defined), whatever the other sign
    expect(label13(x(-1, 0, 1, 1))).not.toContain('[vacuous]');
    expect(evaluate(A1, 'exact', x(-1, 0, 1, 1)).comparisons[1]!.label).not.toContain('[vacuous]');
    expect(A1.nonTrivial(x(0, 4, -1, 3)), 'one vacuous comparison is enough to be trivial').toBe(false);
    expect(isVacuous(evaluate(A1, 'exact', x(0, 4, 0, 1)).comparisons[0]!)).toBe(false); // p1 = 0: 0^0 is fine
    expect(evaluate(A1, 'exact', x(0, 4, 0, 1)).verdict).toBe(true);
    const zeroRoot = evaluate(A1, 'float64', x(0, 4, 1, 64)); // exp/log branch with x1 = 0: root 0
    expect(zeroRoot.comparisons[0]!.label).toBe('(13) (w1 x1 + w2 x2)/(w1 + w2) >= (x1^w1 x2^w2)^(1/(w1 + w2))');
    expect(fmt(fieldFor('exact').lift(zeroRoot.comparisons[0]!.rhs))).toBe('0');
    const zeroRoot2 = evaluate(A1, 'float64', x(4, 0, 64, 1));
    expect(fieldFor('exact').lift(zeroRoot2.comparisons[0]!.rhs)).toEqual(q(0));
    expect(zeroRoot2.comparisons[0]!.label).toBe(zeroRoot.comparisons[0]!.label); // the zero base, not the exp/log form
    const positive = evaluate(A1, 'float64', x(1, 4, 1, 64));
    expect(positive.comparisons[0]!.label).toContain('[exp/log form');
    expect(positive.comparisons[0]!.rhs).toBeGreaterThan(0);
    expect(isVacuous(evaluate(A1, 'float64', x(-1, 4, 1, 64)).comparisons[0]!)).toBe(true);
    expect(isVacuous(evaluate(A1, 'float64', x(1, -4, 1, 64)).comparisons[0]!)).toBe(true);
    expect(isVacuous(evaluate(A1, 'float64', x(1, 4, 1, 64)).comparisons[0]!)).toBe(false);
  });
  it('even roots of negative radicands are undefined; odd ones are real; a negative left side is below an even root', () => {
    expect(evaluate(A1, 'exact', x(-1, 4, 1, 1)).comparisons[0]!.label).toContain('[vacuous]'); // K = 2, radicand -4
    expect(evaluate(A1, 'exact', x(-1, -4, 1, 1)).comparisons[0]!.label).not.toContain('[vacuous]'); // radicand 4 > 0
    const odd = evaluate(A1, 'exact', x(-8, 0, 1, 2)); // K = 3, radicand 0: -8/3 >= cbrt(0) is false (nonneg dropped)
    expect(odd.comparisons[0]!.label).not.toContain('[vacuous]');
    expect(odd.decisions[0]!.holds).toBe(false);
    expect(evaluate(A1, 'exact', x(-8, -1, 2, 1)).comparisons[0]!.label).not.toContain('[vacuous]'); // K = 3, radicand 64 * -1 < 0: a real cube root
    expect(evaluate(A1, 'exact', x(-1, -1, 1, 3)).comparisons[0]!.label).toContain('[left side < 0 <= the root of order 4]');
    expect(evaluate(A1, 'exact', x(1, 1, 1, 3)).comparisons[0]!.label).toContain('[powered form: both sides to the power 4]');
    const oddNegative = evaluate(A1, 'exact', x(-1, -1, 2, 3)); // K = 5, left side -1 < 0: odd powers keep the order
    expect(oddNegative.comparisons[0]!.label).toContain('[powered form: both sides to the power 5]');
    expect(oddNegative.decisions[0]!.holds).toBe(true); // (13): (-1)^5 >= (-1)^2 (-1)^3
    // (14): sqrt(x1 x2) of a negative product is undefined, of a positive one defined
    expect(evaluate(A1, 'exact', x(-1, 4, 1, 1)).comparisons[1]!.label).toContain('[vacuous]');
    expect(evaluate(A1, 'exact', x(-1, -4, 1, 1)).comparisons[1]!.label).not.toContain('[vacuous]');
  });
  it('nonTrivial needs both weights, x1 != x2 and every expression defined; nonneg needs all four >= 0', () => {
    expect(A1.nonTrivial(x(1, 4, 1, 1))).toBe(true);
    expect(A1.nonTrivial(x(1, 4, 0, 1))).toBe(false);
    expect(A1.nonTrivial(x(1, 4, 1, 0))).toBe(false);
    expect(A1.nonTrivial(x(2, 2, 1, 1))).toBe(false);
    expect(A1.nonTrivial(x(-1, 4, 1, 1))).toBe(false); // a vacuous comparison
    expect(A1.hypothesesHold!(x(0, 4, 1, 1))).toEqual({ nonneg: true });
    for (const bad of [x(-1, 4, 1, 1), x(1, -4, 1, 1), x(1, 4, -1, 1), x(1, 4, 1, -1)]) expect(A1.hypothesesHold!(bad)).toEqual({ nonneg: false });
  });
});

describe('hypotheses and non-triviality of the LoRA claims', () => {
  it('L34: eta_rule holds exactly when no eta is given', () => {
    expect(claim('L34').hypothesesHold!(base)).toMatchObject({ eta_rule: true });
    expect(claim('L34').hypothesesHold!({ ...base, eta: q(1) })).toMatchObject({ eta_rule: false });
  });
  it('S1 and E19: trivial at V = 0 and where G = 0 (V != 0)', () => {
    const minimum = { loss: scalarLoss({ c: '0' }), V: V2('1', '0') }; // BA = 0 = C: G = 0
    for (const id of ['S1', 'E19']) {
      expect(claim(id).nonTrivial(base), id).toBe(true);
      expect(claim(id).nonTrivial({ ...base, V: V2('0', '0') }), id).toBe(false);
      expect(claim(id).nonTrivial(minimum), id).toBe(false);
    }
  });
  it('L36: a difference in either diagonal block exercises it, one off the diagonal does not', () => {
    const L36 = claim('L36');
    const M = mat([[0, 0], [0, 0]]);
    const loss = identityTwoLoss();
    expect(L36.nonTrivial({ loss, M, M2: mat([[1, 0], [0, 0]]) })).toBe(true);
    expect(L36.nonTrivial({ loss, M, M2: mat([[0, 0], [0, 1]]) })).toBe(true);
    expect(L36.nonTrivial({ loss, M, M2: mat([[0, 1], [0, 0]]) })).toBe(false);
    expect(L36.nonTrivial({ loss, M, M2: mat([[0, 0], [1, 0]]) })).toBe(false);
  });
  it('M36: trivial when eta = 0 or an adapter is zero; same_rank is r1 = r2', () => {
    const M36 = claim('M36');
    const loss = identityTwoLoss();
    const ok = { loss, B1: mat([[1]]), A1: mat([[2]]), B2: mat([[3]]), A2: mat([['1/2']]), eta: q('1/10') };
    expect(M36.nonTrivial(ok)).toBe(true);
    expect(M36.nonTrivial({ ...ok, eta: q(0) })).toBe(false);
    for (const k of ['B1', 'A1', 'B2', 'A2'] as const) expect(M36.nonTrivial({ ...ok, [k]: mat([[0]]) }), k).toBe(false);
    expect(M36.hypothesesHold!(ok)).toMatchObject({ same_rank: true });
    expect(M36.hypothesesHold!({ ...ok, B1: mat([[1, 1]]), A1: mat([[2], [1]]) })).toMatchObject({ same_rank: false });
  });
  it('GV.step: one comparison per step t = 0..T-1 (and GV, T10 one per prefix)', () => {
    const run: LoraRunInput = { loss: scalarLoss(), V0: V2('1', '2'), T: 3 };
    expect(claim('GV.step').comparisons(fieldFor('float64'), run).map((c) => c.label!.slice(0, 5))).toEqual(['t = 0', 't = 1', 't = 2']);
    expect(claim('GV').comparisons(fieldFor('float64'), run).map((c) => c.label!.slice(0, 5))).toEqual(['T = 1', 'T = 2', 'T = 3']);
    expect(claim('T10').comparisons(fieldFor('float64'), run)).toHaveLength(3);
  });
});
