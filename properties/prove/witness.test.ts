/**
 * From a model to a counterexample (witness.ts), with hand-written models and no solver. The
 * expected answers come from outside the code: Lemma A.1's (13) with w1 = w2 = 1 is
 * sqrt(x1 x2) <= (x1 + x2)/2, false at x1 = x2 = -1 (outside `nonneg`); the printed first line
 * of (22) fails at small ||V_t||, ||G|| (the paper's x1 = x2 = 1/1000, the claim's note) and holds
 * at ||V_t|| = ||G|| = 1; a witness is re-checked here by evaluateCase in the exact field, not by
 * the engine's own check.
 */
import { describe, expect, it } from 'vitest';
import { Rational } from '../../numeric/rational.ts';
import { exact } from '../../numeric/real.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import { decode } from '../../theory/codec.ts';
import { claimById } from '../../theory/index.ts';
import { evaluateCase } from '../_internals/evaluate.ts';
import { encodingsFor } from './encode.ts';
import type { ModelValue } from './solve.ts';
import { candidatePoints, classWitness, inClass, modelText, replayInput, scalarModel } from './witness.ts';

const q = (s: string) => Rational.parse(s);
const ex = (s: string): ModelValue => ({ exact: q(s) });
const alg = (...e: [string, string][]): ModelValue => ({ algebraic: '(root-obj (+ (^ x 2) (- 2)) 1)', enclosures: e.map(([a, b]) => [q(a), q(b)]) });
const show = (p: Record<string, Rational>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.toString()]));

const A1 = claimById('A1')!;
const classOf = (claim: Claim, dropped: HypothesisName[]) => encodingsFor(claim, new Set(dropped)).find((e) => e.kind === 'class')!;

describe('candidatePoints', () => {
  it('keeps exact values and takes the simplest rational of each enclosure, finest last, without repeats', () => {
    const pts = candidatePoints({ x: ex('-3/7'), y: alg(['1', '2'], ['7/5', '3/2'], ['1.41', '1.42'], ['1.414', '1.4143']) });
    expect(pts.map(show)).toEqual([
      { x: '-3/7', y: '1' },
      { x: '-3/7', y: '3/2' },
      { x: '-3/7', y: '17/12' },
      { x: '-3/7', y: '99/70' },
    ]);
    // a shorter ladder stays at its finest enclosure; equal points are tried once
    expect(candidatePoints({ x: alg(['0', '1']), y: alg(['3', '4'], ['7/2', '4'], ['7/2', '4']) }).map(show)).toEqual([
      { x: '0', y: '3' },
      { x: '0', y: '4' },
    ]);
    expect(candidatePoints({ x: ex('5') }).map(show)).toEqual([{ x: '5' }]);
  });

  it('writes a model as text and a replay as a check command', () => {
    expect(modelText({ x: ex('-1/2'), y: alg(['1', '2']) })).toEqual({ x: '-1/2', y: '(root-obj (+ (^ x 2) (- 2)) 1)' });
    expect(replayInput('A1', { x1: q('1/2') })).toBe(`npx loracheck check --claim A1 --input '{"x1":"1/2"}'`);
  });
});

describe('inClass', () => {
  const input = (x1: string, x2: string) => ({ x1: q(x1), x2: q(x2), w1: 1, w2: 1 });
  it('is every hypothesis theory/ decides, except the dropped ones', () => {
    expect(inClass(A1, input('1', '2'), new Set())).toBe(true);
    expect(inClass(A1, input('-1', '2'), new Set())).toBe(false);
    expect(inClass(A1, input('-1', '2'), new Set(['nonneg']))).toBe(true);
    expect(inClass(A1, input('-1', '2'), new Set(['symmetric']))).toBe(false);
  });
  it('takes an undecided hypothesis as holding, a claim without any as holding, and a throw as outside', () => {
    const undecided: Claim = { ...A1, hypothesesHold: () => ({ nonneg: undefined }) };
    expect(inClass(undecided, input('1', '2'), new Set())).toBe(true);
    expect(inClass({ ...A1, hypothesesHold: undefined }, input('-1', '2'), new Set())).toBe(true);
    expect(inClass({ ...A1, hypothesesHold: () => { throw new Error('bad input'); } }, input('1', '2'), new Set())).toBe(false);
  });
});

describe('classWitness: a model is a counterexample only when the exact field confirms it inside the class', () => {
  it('turns a failing model of A1 without nonneg into a simplified, exactly failing witness', () => {
    const enc = classOf(A1, ['nonneg']);
    expect(enc.text).toBe('w1 : w2 = 1 : 1');
    const w = classWitness(A1, enc, { x1: ex('-7/3'), x2: alg(['-3', '-2'], ['-5/2', '-12/5']) }, new Set(['nonneg']))!;
    expect(w).toBeDefined();
    const input = decode(w.witness.input as never) as { x1: Rational; x2: Rational };
    // re-checked here: (13) fails exactly, (14) is not needed
    expect(evaluateCase(A1, exact, input).status).toBe('fail');
    expect(w.witness).toMatchObject({ claim: 'A1', foundBy: 'smt', foundIn: 'exact', confirmedIn: 'exact', dropped: ['nonneg'], violates: ['nonneg'], shrunk: true });
    expect(w.witness.replay).toBe(replayInput('A1', w.input));
    expect(w.values).toEqual({ x1: input.x1.toString(), x2: input.x2.toString() });
    // simplified greedily from (-7/3, -12/5): both entries end up in {-1, 0}, not both 0 (0 <= 0 holds)
    for (const x of [input.x1, input.x2]) expect(['-1', '0']).toContain(x.toString());
    expect(input.x1.toString() + input.x2.toString()).not.toBe('00');
  });

  it('rejects a failing model outside the class, and a model where the claim holds', () => {
    expect(classWitness(A1, classOf(A1, []), { x1: ex('-1'), x2: ex('-1') }, new Set())).toBeUndefined();
    expect(classWitness(A1, classOf(A1, ['nonneg']), { x1: ex('-1'), x2: ex('4') }, new Set(['nonneg']))).toBeUndefined();
    expect(classWitness(A1, classOf(A1, ['nonneg']), { x1: ex('1'), x2: ex('4') }, new Set(['nonneg']))).toBeUndefined();
  });

  it('tries the finer enclosures when the coarse point does not fail', () => {
    // (13) with w1 = w2 = 1 at x1 = -1: sqrt(-x2) <= (x2 - 1)/2 fails for x2 <= 0 and is undefined
    // for x2 > 0 (the coarse point x2 = 1); no time to simplify (simplifyMs < 0)
    const w = classWitness(A1, classOf(A1, ['nonneg']), { x1: ex('-1'), x2: alg(['1/2', '3'], ['-3/4', '-1/4']) }, new Set(['nonneg']), -1);
    expect(w).toBeDefined();
    expect(w!.values).toEqual({ x1: '-1', x2: '-1/2' });
    expect(evaluateCase(A1, exact, w!.input).status).toBe('fail');
  });
});

describe('scalarModel: a model of the relaxation re-evaluated exactly', () => {
  const amgm1 = claimById('L34.s22.amgm1')!;
  const m = (Vn: ModelValue, Gn: string, gJn: string) => ({ L: ex('1'), Vn, Gn: ex(Gn), gJn: ex(gJn), eta: ex('1') });

  it('is the first candidate point where the printed first line of (22) fails and (19) holds', () => {
    const s = scalarModel(amgm1, m(alg(['0', '1'], ['1/200', '1/50']), '1/1000', '0'), new Set())!;
    expect(s).toBeDefined();
    expect(s.values).toEqual({ L: '1', Vn: '1/50', Gn: '1/1000', gJn: '0', eta: '1' });
    expect(s.assumptionsHold).toBe(true);
    expect(s.comparisons.map((c) => c.holds)).toEqual([false]);
    // the corrected line holds there
    expect(scalarModel(claimById('L34.s22.amgm1.corrected')!, m(ex('1/50'), '1/1000', '0'), new Set())).toBeUndefined();
  });

  it('leaves out the facts of a dropped hypothesis, needs every other assumption, and one failing comparison (T35)', () => {
    // L = 1, V_t = V_0 = 0, ||G|| = 1, J(V_t) = J(V_0) = L* = 0, t = 0: D_t = 0, so eta_t >= min{1/D_t, 1} = 1
    // fails (eta_t = (8) < 1), D_t <= t + ... holds; (23) ||G||^2 <= 2L (J(V_t) - L*) is 1 <= 0, false,
    // and it rests on `smooth`; every other assumption (J >= L*, (9), GV, L >= 1) holds
    const T35 = claimById('T35')!;
    const P = { L: ex('1'), eta: ex('1'), Vsq: ex('0'), Gn: ex('1'), Jt: ex('0'), J0: ex('0'), Lstar: ex('0'), Vsq0: ex('0'), t: ex('0') };
    const s = scalarModel(T35, P, new Set(['smooth']))!;
    expect(s.comparisons.map((c) => c.holds)).toEqual([false, true]);
    expect(scalarModel(T35, P, new Set())).toBeUndefined();
  });

  it('is no model where an assumption fails ((19): ||grad J|| <= 2 ||G|| ||V||) or the line holds', () => {
    expect(scalarModel(amgm1, m(ex('1/50'), '1/1000', '1'), new Set())).toBeUndefined();
    expect(scalarModel(amgm1, m(ex('1'), '1', '0'), new Set())).toBeUndefined();
    expect(scalarModel(claimById('E19')!, m(ex('1'), '1', '0'), new Set())).toBeUndefined();
  });
});
