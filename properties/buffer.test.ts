/**
 * Entry grids (properties/_internals/buffer.ts), the shrinkable part of every generated matrix,
 * against what their comment promises, checked from outside: a matrix reads the grid's top-left
 * block (so entry (i, j) stays put when a size shrinks), the head is read as written, the hashed
 * entries beyond it are simple rationals p/q with the head's ranges (|p| <= 9, the mode's
 * denominators, the sign constraint), spread over all of them, a scaled grid is the plain grid
 * times 2^-e exactly, a symmetric grid mirrors the upper triangle, and the arbitrary draws heads of
 * side^2 entries with one grid in three scaled.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Mode, Num } from '../numeric/field.ts';
import { Rational } from '../numeric/rational.ts';
import { buffer, grid, gridVector, symmetricGrid, type Buffer } from './_internals/buffer.ts';

const q = (x: Num): Rational => (typeof x === 'number' ? exactOfDouble(x) : x);

/** The exact value of a double that is a short dyadic (p / 2^k, k <= 30). */
function exactOfDouble(x: number): Rational {
  let k = 0;
  while (!Number.isInteger(x * 2 ** k)) k++;
  expect(k).toBeLessThanOrEqual(30);
  return Rational.of(BigInt(x * 2 ** k), 2n ** BigInt(k));
}

const buf = (mode: Mode, side: number, head: Num[], seed = 12345, scaleExp = 0, sign: Buffer['sign'] = 'any'): Buffer => ({ mode, sign, side, head, seed, scaleExp });

describe('grid: the top-left block of the grid', () => {
  it('reads the head row-major, and the same (i, j) whatever the size asked for', () => {
    const head = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => Rational.of(k, 1));
    const b = buf('exact', 3, head);
    expect(grid(b, 3, 3).data.map(String)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(grid(b, 2, 3)).toMatchObject({ rows: 2, cols: 3 });
    expect(grid(b, 2, 3).data.map(String)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(grid(b, 3, 1).data.map(String)).toEqual(['1', '4', '7']);
    // beyond the head: entry (i, j) of a 6 x 7 grid is entry (i, j) of the 8 x 8 one
    const big = grid(b, 8, 8);
    const small = grid(b, 6, 7);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 7; j++) expect(String(small.data[i * 7 + j])).toBe(String(big.data[i * 8 + j]));
    expect(big.data.slice(0, 3).map(String)).toEqual(['1', '2', '3']);
    // another seed changes the hashed part, not the head
    const other = grid(buf('exact', 3, head, 999), 8, 8);
    expect(other.data.slice(0, 3).map(String)).toEqual(['1', '2', '3']);
    expect(other.data.map(String)).not.toEqual(big.data.map(String));
  });

  it('hashed entries are p/q with the sign constraint, |p| <= 9, q among the mode denominators, every p and q met', () => {
    const cases: [Mode, Buffer['sign'], number, number, readonly number[]][] = [
      ['exact', 'any', -9, 9, [1, 2, 3, 4, 8]],
      ['exact', 'nonneg', 0, 9, [1, 2, 3, 4, 8]],
      ['exact', 'positive', 1, 9, [1, 2, 3, 4, 8]],
      ['float64', 'any', -9, 9, [1, 2, 4, 8, 16]],
    ];
    for (const [mode, sign, lo, hi, dens] of cases) {
      const g = grid(buf(mode, 1, [mode === 'float64' ? 0 : Rational.of(0, 1)], 7, 0, sign), 30, 30);
      const integers = new Set<number>();
      const denominators = new Set<number>();
      for (const x of g.data.slice(1)) {
        expect(typeof x === 'number').toBe(mode === 'float64');
        const r = q(x);
        // some q among dens makes p = r q an integer in [lo, hi]
        const p = dens.map((k) => r.mul(Rational.of(k, 1))).find((v) => v.den === 1n && Number(v.num) >= lo && Number(v.num) <= hi);
        expect(p, `${mode} ${sign}: ${r} is no p/q with p in [${lo}, ${hi}], q in ${dens}`).toBeDefined();
        if (lo > 0) expect(r.sign()).toBe(1);
        if (r.den === 1n) integers.add(Number(r.num));
        denominators.add(Number(r.den));
      }
      // spread over 899 entries: every integer of the range (q = 1, one draw in five), the largest denominator, 3 in exact only
      expect([...integers].sort((a, b) => a - b), `${mode} ${sign}`).toEqual(Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
      expect(denominators.has(dens.at(-1)!)).toBe(true);
      expect(denominators.has(3)).toBe(mode !== 'float64');
    }
  });

  it('scaleExp e multiplies every entry by exactly 2^-e, head and hashed part alike', () => {
    for (const mode of ['exact', 'float64'] as const) {
      const head = mode === 'exact' ? [Rational.of(3, 1), Rational.of(-5, 4), Rational.of(7, 3), Rational.of(0, 1)] : [3, -1.25, 0.5, 0];
      const plain = grid(buf(mode, 2, head, 42, 0), 5, 4).data.map(q);
      const scaled = grid(buf(mode, 2, head, 42, 3), 5, 4).data.map(q);
      scaled.forEach((x, i) => expect(x.eq(plain[i]!.mul(Rational.of(1, 8))), `${mode} entry ${i}`).toBe(true));
      expect(typeof grid(buf(mode, 2, head, 42, 3), 1, 1).data[0]).toBe(mode === 'float64' ? 'number' : 'object');
    }
  });
});

describe('symmetricGrid and gridVector', () => {
  it('symmetricGrid mirrors the upper triangle of the grid; gridVector is the block row-major', () => {
    const head = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => Rational.of(k, 1));
    const b = buf('exact', 3, head);
    const S = symmetricGrid(b, 5);
    const G = grid(b, 5, 5);
    expect([S.rows, S.cols, S.data.length, G.data.length]).toEqual([5, 5, 25, 25]);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) {
        expect(String(S.data[i * 5 + j])).toBe(String(S.data[j * 5 + i]));
        expect(String(S.data[i * 5 + j])).toBe(String(G.data[Math.min(i, j) * 5 + Math.max(i, j)]));
      }
    expect(S.data.slice(0, 3).map(String)).toEqual(['1', '2', '3']);
    expect(S.data.slice(5, 8).map(String)).toEqual(['2', '5', '6']);
    const v = gridVector(b, 2, 3);
    expect(v.map(String)).toEqual(['1', '2', '3', '4', '5', '6']);
  });
});

describe('buffer arbitrary', () => {
  it('draws side^2 head entries obeying the sign, a 31-bit seed, and scaleExp 0 about two times in three, else 1..8', () => {
    const draws = fc.sample(buffer('exact', 2, 'positive'), { seed: 5, numRuns: 600 });
    const exps = draws.map((d) => d.scaleExp);
    for (const d of draws) {
      expect([d.mode, d.sign, d.side, d.head.length]).toEqual(['exact', 'positive', 2, 4]);
      for (const x of d.head) expect((x as Rational).sign()).toBe(1);
      expect(Number.isInteger(d.seed) && d.seed >= 0 && d.seed <= 0x7fffffff).toBe(true);
      expect(Number.isInteger(d.scaleExp) && d.scaleExp >= 0 && d.scaleExp <= 8).toBe(true);
    }
    const zero = exps.filter((e) => e === 0).length;
    expect(zero).toBeGreaterThan(330); // 2/3 of 600 = 400
    expect(zero).toBeLessThan(470);
    expect(new Set(exps.filter((e) => e > 0)).size).toBe(8);
    expect(new Set(draws.map((d) => d.seed)).size).toBeGreaterThan(300);
    const f = fc.sample(buffer('float64', 3), { seed: 6, numRuns: 20 });
    for (const d of f) expect([d.mode, d.sign, d.head.length, d.head.every((x) => typeof x === 'number')]).toEqual(['float64', 'any', 9, true]);
  });

  it('a failing buffer shrinks to no scaling (scaleExp 0), also when its first draw was scaled', () => {
    let scaledFirst = 0;
    for (let seed = 1; seed <= 40; seed++) {
      if (fc.sample(buffer('exact', 1), { seed, numRuns: 1 })[0]!.scaleExp > 0) scaledFirst++;
      const d = fc.check(fc.property(buffer('exact', 1), () => false), { seed, numRuns: 1 });
      expect((d.counterexample![0] as Buffer).scaleExp, `seed ${seed}`).toBe(0);
    }
    expect(scaledFirst).toBeGreaterThan(5);
  });
});
