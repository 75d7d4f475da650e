/**
 * Tightness: the optimiser on plain functions, then on A2.sym, where (15) is attained at
 * M = [[0, X], [X^T, 0]]: the search must find the ratio 1, and exactly 1 once re-evaluated.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { claimById, constantOf } from '../../theory/index.ts';
import { printedValue } from './objective.ts';
import { ascend, mulberry32 } from './ascent.ts';
import { WorkerPool } from './pool.ts';
import { HANDLER } from './search.ts';
import { isInequality, ratioOf } from './tighten.ts';
import { tightenClaims } from './tighten-run.ts';
import { constantResult } from './constant.ts';
import type { TightnessRow } from '../../theory/results.ts';

describe('ascent on a ratio of two sides', () => {
  it('climbs a smooth ratio to its maximum (2xy / (x^2 + y^2) <= 1, attained at x = y)', () => {
    const ratio = (v: Float64Array) => (2 * v[0]! * v[1]!) / (v[0]! ** 2 + v[1]! ** 2);
    const r = ascend(ratio, Float64Array.from([3, -0.5]), { deadline: performance.now() + 2000, rng: mulberry32(1) });
    expect(r.value).toBeGreaterThan(1 - 1e-12);
    expect(r.value).toBeLessThanOrEqual(1 + 1e-15);
    expect(r.x[0]! / r.x[1]!).toBeCloseTo(1, 5);
  });

  it('reaches a maximum on the boundary of a projection (x >= 0)', () => {
    const f = (v: Float64Array) => -((v[0]! + 1) ** 2) - (v[1]! - 2) ** 2;
    const r = ascend(f, Float64Array.from([5, 5]), {
      deadline: performance.now() + 2000,
      rng: mulberry32(2),
      project: (x) => {
        if (x[0]! < 0) x[0] = 0;
      },
    });
    expect(r.x[0]).toBe(0);
    expect(r.x[1]).toBeCloseTo(2, 5);
  });

  it('ends when the step size collapses at a local maximum', () => {
    const r = ascend((v) => -(v[0]! ** 2), Float64Array.from([1]), { deadline: performance.now() + 5000, rng: mulberry32(3) });
    expect(r.reason).toBe('converged');
  });
});

describe('claim ratios', () => {
  it('is lhs/rhs of an inequality and undefined for equalities', () => {
    const A2sym = claimById('A2.sym')!;
    const M = { rows: 2, cols: 2, data: [0, 1, 1, 0] };
    expect(ratioOf(A2sym, { m: 1, n: 1, M }).value).toBeCloseTo(1, 12);
    expect(ratioOf(A2sym, { m: 1, n: 1, M: { rows: 2, cols: 2, data: [1, 1, 1, 1] } }).value).toBeCloseTo(Math.SQRT1_2, 12);
    expect(isInequality(A2sym)).toBe(true);
    expect(isInequality(claimById('A2.embed')!)).toBe(false);
  });
});

describe('a better constant', () => {
  it('is never the printed constant itself (found just below 1 for RAC.sum: no "better constant 1")', () => {
    const claim = claimById('RAC.sum')!;
    const r = constantResult(claim, { best: { type: 'best', score: 0.99996, q: 0.99996, input: null }, evaluations: 10, worstTried: 1 + 1e-9 });
    expect(r.better).toBeUndefined();
    const lower = constantResult(claim, { best: { type: 'best', score: 0.5, q: 0.5, input: null }, evaluations: 10, worstTried: 0.5 });
    expect(lower.better?.value).toBe('1/2');
    expect(lower.better?.holdsOnTried).toBe(true);
  });

  it('a sup constant whose worst value found is at or below 0 has no gap (printed / found would be negative: no failure)', () => {
    const claim = claimById('RAC.T53')!;
    expect(constantOf(claim).direction).toBe('sup');
    for (const q of [-0.5, 0]) {
      const r = constantResult(claim, { best: { type: 'best', score: q, q, input: null }, evaluations: 10, worstTried: q });
      expect(r.found).toBe(q);
      expect(r.gap).toBeUndefined();
      expect(r.better).toBeUndefined();
    }
    // above 0 the ratio is there; above the printed constant it is below 1 (a failure)
    const c = printedValue(constantOf(claim));
    expect(constantResult(claim, { best: { type: 'best', score: c / 2, q: c / 2, input: null }, evaluations: 10, worstTried: c / 2 }).gap).toBeCloseTo(2, 12);
    expect(constantResult(claim, { best: { type: 'best', score: 2 * c, q: 2 * c, input: null }, evaluations: 10, worstTried: 2 * c }).gap).toBeCloseTo(0.5, 12);
  });
});

describe('tighten across workers', () => {
  const pool = new WorkerPool({ workers: 2, handler: HANDLER });
  afterAll(() => pool.close());

  it('finds ratio 1 for A2.sym, certified exactly 1 (the bound is attained)', async () => {
    const { rows } = await tightenClaims({ claims: [claimById('A2.sym')!], seconds: 3, seed: 4, pool: () => pool });
    const row = rows[0]!;
    expect(row.paperRatio).toBe(1);
    expect(row.worstRatio).toBeGreaterThan(1 - 1e-9);
    expect(row.worstRatioCertified).toBe('1');
    expect(row.witness?.confirmedIn).toBe('exact');
    expect(row.witness?.comparisons[0]!.holds).toBe(true); // attained, not exceeded
    expect(row.restarts).toBeGreaterThan(1);
  });

  it('a claim Ctrl-C stops before its budget: its row is shown, not recorded (the earlier, longer one stays)', async () => {
    const stop = new AbortController();
    const cut: TightnessRow[] = [];
    setTimeout(() => stop.abort(), 800);
    const out = await tightenClaims({ claims: [claimById('L33')!, claimById('E19')!], seconds: 60, seed: 4, pool: () => pool, signal: stop.signal, onCut: (r) => cut.push(r) });
    expect(out).toEqual({ rows: [], interrupted: true });
    expect(cut.map((r) => r.claim)).toEqual(['L33']);
    expect(cut[0]!.evaluations).toBeGreaterThan(0);
  }, 30_000);
});

