import { describe, expect, it } from 'vitest';
import { Rational } from '../../numeric/rational.ts';
import { claimById } from '../../theory/index.ts';
import type { SquareInput } from '../../theory/inputs.ts';
import { failureTest } from './handler.ts';
import { complexity, convergents, simplerValues, simplestIn, simplify, smallerSizes, sternBrocotPath } from './simplify.ts';
import { repairer } from './violation.ts';
import { coordinates } from './slots.ts';

const q = (p: number, d = 1) => Rational.of(p, d);

describe('simpler values', () => {
  it('orders values by how they read: 0, +-1, then small integers and fractions', () => {
    expect(complexity(q(0))).toBeLessThan(complexity(q(1)));
    expect(complexity(q(1))).toBeLessThan(complexity(q(1, 2)));
    expect(complexity(q(1, 2))).toBeLessThan(complexity(q(37, 64)));
  });

  it('proposes only simpler values, simplest first, and none below 0 under nonneg', () => {
    const v = simplerValues(q(37, 64), false).map(String);
    expect(v[0]).toBe('0');
    expect(v).toContain('1/2');
    expect(v).not.toContain('37/64');
    expect(simplerValues(q(5, 3), true).every((x) => (x as Rational).sign() >= 0)).toBe(true);
    expect(simplerValues(q(0), false)).toEqual([]);
  });

  it('keeps doubles as doubles (only fractions a double holds exactly)', () => {
    const v = simplerValues(0.7071067811865476, false);
    expect(v.every((x) => typeof x === 'number')).toBe(true);
    expect(v).toContain(1);
    expect(v).toContain(0.75);
  });

  it('gives the continued-fraction convergents', () => {
    expect(convergents(q(355, 113), 200n).map(String)).toEqual(['3', '22/7', '355/113']);
    expect(convergents(q(355, 113)).map(String)).toEqual(['3', '22/7']); // denominators up to 64 by default
    expect(convergents(q(-7, 3)).map(String)).toEqual(['-3', '-2', '-7/3']); // -7/3 = [-3; 1, 2]
  });
});

describe('the greedy pass', () => {
  const A2sym = claimById('A2.sym')!;
  // (15) fails for this non-symmetric M (the top-right 2x1 block carries all of ||M||)
  const M = { rows: 3, cols: 3, data: [q(0), q(0), q(7, 3), q(0), q(1, 8), q(-5, 2), q(0), q(0), q(0)] };
  const input: SquareInput = { m: 2, n: 1, M };

  it('shrinks sizes and entries while the input stays a confirmed failure', () => {
    const stillFails = failureTest(A2sym, ['symmetric'], 'exact');
    expect(stillFails(input)).toBe(true);
    const s = simplify(input, { enforced: new Set(), stillFails, deadline: performance.now() + 5000 });
    const out = s.input as SquareInput;
    expect([out.m, out.n]).toEqual([1, 1]);
    expect(out.M.data.map((x) => String((x as Rational).abs())).sort()).toEqual(['0', '0', '0', '1']);
    expect(stillFails(out)).toBe(true);
  });

  it('never breaks a hypothesis that was not dropped (a symmetric M stays symmetric)', () => {
    const S = { rows: 2, cols: 2, data: [q(3, 7), q(5, 4), q(5, 4), q(9, 8)] };
    const coords = coordinates({ m: 1, n: 1, M: S }, { enforced: new Set(['symmetric']) });
    expect(coords.map((c) => c.slots.length).sort()).toEqual([1, 1, 2]);
    // with symmetric enforced, a "failure" test that only asks for symmetry sees every step keep it
    const sym = (x: unknown) => {
      const d = (x as SquareInput).M.data;
      return String(d[1]) === String(d[2]);
    };
    const s = simplify({ m: 1, n: 1, M: S }, { enforced: new Set(['symmetric']), stillFails: sym, deadline: performance.now() + 2000 });
    expect((s.input as SquareInput).M.data.map(String)).toEqual(['0', '0', '0', '0']);
  });

  it('lists smaller sizes only for kinds whose sizes live in the input alone', () => {
    expect(smallerSizes(input)).toHaveLength(2); // drop row/col 0 or 1 of the top block (n = 1 stays)
    expect(smallerSizes({ loss: {}, V: { rows: 2, cols: 1, data: [q(1), q(2)] } })).toEqual([]);
  });
});

describe('structural shrinking (rows, columns, rank, reflections, steps; Stern-Brocot entries)', () => {
  it('the Stern-Brocot path and the simplest rational in an interval', () => {
    expect(sternBrocotPath(q(3, 8)).map(String)).toEqual(['1', '1/2', '1/3', '2/5', '3/8']);
    expect(String(simplestIn(q(31, 100), q(34, 100)))).toBe('1/3');
    expect(String(simplestIn(q(-7, 4), q(-3, 2)))).toBe('-3/2');
    expect(String(simplestIn(q(-1), q(1)))).toBe('0');
    // a value like 1e-9 costs a few dozen nodes, not a billion
    expect(sternBrocotPath(Rational.fromNumber(1e-9), 1n << 40n).length).toBeLessThan(200);
  });

  it('deletes a zero row of B with the loss row it feeds, lowers the rank and the steps', () => {
    const L34 = claimById('L34')!;
    const dec = (x: unknown) => x as { loss: { m: number; n: number; C: { data: unknown[] }; d: unknown[] }; V: { rows: number; cols: number } };
    // a 1x1 failure (L = 1/16, C = -24, V = [-1/2; -1/2]) padded to m = 2, r = 2: B's second
    // row, the loss's second row and V's second column are zero
    const input = {
      loss: { family: 'quadratic', m: 2, n: 1, d: [q(1, 16), q(0)], u: [], C: { rows: 2, cols: 1, data: [q(-24), q(0)] }, L: q(1, 16), Lstar: q(0) },
      V: { rows: 3, cols: 2, data: [q(-1, 2), q(0), q(0), q(0), q(-1, 2), q(0)] },
    };
    const cands = smallerSizes(input).map(dec);
    expect(cands[0]!.V.cols, 'the zero column of V (rank) is tried first').toBe(1);
    expect(cands.some((c) => c.loss.m === 1 && c.V.rows === 2 && c.loss.d.length === 1 && c.loss.C.data.length === 1)).toBe(true);
    const run = { loss: input.loss, V0: input.V, T: 8 };
    expect(smallerSizes(run).slice(0, 3).map((c) => (c as { T: number }).T)).toEqual([1, 4, 7]);
    // the claim itself: L34 without L >= 1 fails here; the shrinker reaches m = n = r = 1
    const fails = failureTest(L34, ['L_ge_1'], 'exact');
    expect(fails(input)).toBe(true);
    const s = simplify(input, { enforced: new Set(['smooth', 'eta_rule']), stillFails: fails, deadline: performance.now() + 60_000 });
    const out = dec(s.input);
    expect([out.loss.m, out.loss.n, out.V.cols]).toEqual([1, 1, 1]);
  });

  it('repairs a deletion that loses the failure: a far C entry coupled in by a reflection moves into the entries that remain', () => {
    const L34 = claimById('L34')!;
    const input = {
      loss: { family: 'quadratic', m: 1, n: 2, d: [q(1, 16), q(0)], u: [[q(1), q(1, 2)]], C: { rows: 1, cols: 2, data: [q(0), q(64)] }, L: q(1, 16), Lstar: q(0) },
      V: { rows: 3, cols: 1, data: [q(1), q(-1), q(0)] },
    };
    const fails = failureTest(L34, ['L_ge_1'], 'exact');
    const opts = { enforced: new Set(['smooth', 'eta_rule']), stillFails: fails, deadline: performance.now() + 60_000 };
    const plain = simplify(input, opts).input as typeof input;
    expect(plain.loss.n, 'greedy deletion alone is stuck at n = 2').toBe(2);
    const repaired = simplify(input, { ...opts, repair: repairer(L34, ['L_ge_1']) }).input as typeof input;
    expect([repaired.loss.m, repaired.loss.n, repaired.V.cols]).toEqual([1, 1, 1]);
    expect(fails(repaired)).toBe(true);
  });
});
