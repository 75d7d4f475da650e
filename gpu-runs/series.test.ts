/**
 * The constant-memory summaries of series.ts against direct computations on the whole series:
 * the downsampler against a model of what it must keep, the running fits against two-pass sums.
 */
import { describe, expect, it } from 'vitest';
import { slope } from './experiments/stats.ts';
import { Downsampler, MAX_SERIES_POINTS, RunningOriginFit, RunningSlope } from './series.ts';

function run(n: number, max: number): { i: number; row: string }[] {
  const d = new Downsampler<string>(max);
  for (let i = 0; i < n; i++) d.push(i, `row ${i}`);
  return d.points();
}

/**
 * What must be kept of points 0..n-1: the multiples of the smallest power-of-two stride s that
 * leaves at most `max` of them, then the last point, which replaces the last multiple when
 * there is no room for both.
 */
function expected(n: number, max: number): number[] {
  if (n === 0) return [];
  let s = 1;
  while (Math.ceil(n / s) > max) s *= 2;
  const out: number[] = [];
  for (let i = 0; i < n; i += s) out.push(i);
  if (out[out.length - 1] !== n - 1) {
    if (out.length >= max) out.pop();
    out.push(n - 1);
  }
  return out;
}

describe('Downsampler', () => {
  it('keeps exactly the evenly spaced points and the last one, at most max, for every length', () => {
    let thinned = 0;
    for (const max of [2, 3, 4, 5, 8, 10]) {
      for (let n = 0; n <= 6 * max; n++) {
        const got = run(n, max);
        expect(got.map((p) => p.i), `n = ${n}, max = ${max}`).toEqual(expected(n, max));
        expect(got.every((p) => p.row === `row ${p.i}`)).toBe(true); // each point keeps its own row
        expect(got.length).toBeLessThanOrEqual(max);
        if (n > 0) expect([got[0]!.i, got[got.length - 1]!.i]).toEqual([0, n - 1]);
        if (n > max) {
          thinned++;
          expect(got.length, `n = ${n}, max = ${max}`).toBeGreaterThanOrEqual(Math.floor(max / 2));
        }
      }
    }
    expect(thinned).toBeGreaterThan(100);
  });

  it('keeps every point while there are at most max (the default is MAX_SERIES_POINTS)', () => {
    const d = new Downsampler<number>();
    for (let i = 0; i < MAX_SERIES_POINTS; i++) d.push(i, i);
    expect(d.points().map((p) => p.i)).toEqual(Array.from({ length: MAX_SERIES_POINTS }, (_, i) => i));
    d.push(MAX_SERIES_POINTS, MAX_SERIES_POINTS);
    expect(d.points().length).toBeLessThan(MAX_SERIES_POINTS);
  });

  it('points() does not disturb what is kept (the series can be read before its end)', () => {
    const d = new Downsampler<number>(4);
    const seen: number[][] = [];
    for (let i = 0; i < 30; i++) {
      d.push(i, i);
      seen.push(d.points().map((p) => p.i));
    }
    for (let n = 1; n <= 30; n++) expect(seen[n - 1], `n = ${n}`).toEqual(expected(n, 4));
  });

  it('needs room for two points (the first and the last)', () => {
    for (const max of [1, 0, -3, NaN]) expect(() => new Downsampler(max), String(max)).toThrow(RangeError);
    expect(() => new Downsampler(2)).not.toThrow();
  });
});

describe('RunningSlope', () => {
  it('is the least-squares slope of the whole series (two-pass), or undefined without two distinct x', () => {
    const x = Array.from({ length: 50 }, (_, i) => 1000 + i * 0.5);
    const y = x.map((v, i) => 3 - 0.25 * v + Math.sin(i)); // offset x: a one-pass sum of squares would lose digits
    const r = new RunningSlope();
    x.forEach((v, i) => r.add(v, y[i]!));
    expect(r.slope()).toBeCloseTo(slope(x, y), 12);
    expect(r.slope()).toBeCloseTo(-0.25, 1);
    const one = new RunningSlope();
    expect(one.slope()).toBeUndefined();
    one.add(1, 2);
    expect(one.slope()).toBeUndefined();
    one.add(1, 5); // two points, one x
    expect(one.slope()).toBeUndefined();
    one.add(2, 5);
    expect(one.slope()).toBeCloseTo(slope([1, 1, 2], [2, 5, 5]), 14);
  });
});

describe('RunningOriginFit', () => {
  it('is the fit y ~ c x through the origin with its uncentred R^2 and the envelope max y/x', () => {
    const x = [1, 2, 3, 4, 5, 6];
    const y = [2.2, 3.9, 6.3, 7.8, 10.4, 11.7];
    const f = new RunningOriginFit();
    x.forEach((v, i) => f.add(v, y[i]!));
    const sxy = x.reduce((a, v, i) => a + v * y[i]!, 0);
    const sxx = x.reduce((a, v) => a + v * v, 0);
    const c = sxy / sxx;
    const res = x.reduce((a, v, i) => a + (y[i]! - c * v) ** 2, 0);
    const syy = y.reduce((a, v) => a + v * v, 0);
    const fit = f.fit()!;
    expect(fit.c).toBeCloseTo(c, 14);
    expect(fit.r2).toBeCloseTo(1 - res / syy, 12);
    expect(fit.r2).toBeLessThan(1);
    expect(fit.envelope).toBe(Math.max(...y.map((v, i) => v / x[i]!)));
    expect(fit.envelope).toBe(2.2);
  });

  it('needs three points with some x != 0; all-zero y fits exactly (R^2 = 1)', () => {
    const f = new RunningOriginFit();
    f.add(1, 1);
    f.add(2, 2);
    expect(f.fit()).toBeUndefined();
    f.add(3, 3);
    expect(f.fit()).toEqual({ c: 1, r2: 1, envelope: 1 });
    const zeros = new RunningOriginFit();
    for (let i = 0; i < 3; i++) zeros.add(0, 1);
    expect(zeros.fit()).toBeUndefined();
    const flat = new RunningOriginFit();
    for (let i = 1; i <= 3; i++) flat.add(i, 0);
    expect(flat.fit()).toEqual({ c: 0, r2: 1, envelope: 0 });
  });

  it('R^2 stays at most 1 when rounding makes the residual sum negative', () => {
    // y exactly c x: the residual syy - c sxy may round to a tiny negative number; it is clamped at 0
    const f = new RunningOriginFit();
    let syy = 0;
    let sxy = 0;
    let sxx = 0;
    for (let i = 1; i <= 7; i++) {
      const x = i * 0.1 * 3;
      f.add(x, x * 0.3);
      [syy, sxy, sxx] = [syy + (x * 0.3) ** 2, sxy + x * x * 0.3, sxx + x * x];
    }
    expect(syy - (sxy / sxx) * sxy).toBeLessThan(0); // this input does round below 0
    const fit = f.fit()!;
    expect(fit.r2).toBeLessThanOrEqual(1);
    expect(fit.r2).toBeGreaterThan(1 - 1e-12);
  });
});
