import { describe, expect, it } from 'vitest';
import { Decimal as D0 } from 'decimal.js';

const Decimal = D0.clone({ precision: 100 });
type Decimal = D0;
import { precise, type Interval } from '../precise.ts';
import { Rational } from '../rational.ts';
import { exact } from '../real.ts';
import { float64 } from '../float64.ts';
import { analyzeLoss } from './bounds.ts';
import { evaluatorFor } from './evaluate.ts';
import { LossExprError, parseLoss } from './parse.ts';
import { resolveUserLoss, LossSetupError } from './resolve.ts';

function parseError(text: string): LossExprError {
  try {
    parseLoss(text);
  } catch (e) {
    if (e instanceof LossExprError) return e;
    throw e;
  }
  throw new Error(`no error for ${text}`);
}

describe('parseLoss: bad expressions get one line with the problem and its position', () => {
  it.each([
    ['w +* 2', /syntax error: Value expected at position 4/, 4],
    ['foo(w - c)', /unknown function foo at position 1/, 1],
    ['(w - c)^2 + y', /unknown variable y at position 13/, 13],
    ['abs(w - c)', /unknown function abs \(not differentiable everywhere\) at position 1/, 1],
    ['log(w, 2)', /function log takes one argument, got 2 at position 1/, 1],
    ['w % 2', /operator % is not supported .* at position 3/, 3],
  ])('%s', (text, msg, pos) => {
    const e = parseError(text);
    expect(e.message).toMatch(msg);
    expect(e.message).not.toContain('\n');
    expect(e.position).toBe(pos);
  });

  it('rejects a loss that does not depend on w, and assignments', () => {
    expect(parseError('c^2').message).toMatch(/does not depend on w/);
    expect(parseError('a = w').message).toMatch(/not an assignment/);
  });

  it('reads literals as the decimals they are written as', () => {
    const p = parseLoss('0.1 * (w - c)^2');
    const v = evaluatorFor(exact)(p.f, { w: Rational.of(3), c: Rational.ZERO });
    expect((v as Rational).eq(Rational.of(9, 10))).toBe(true);
  });
});

/** [f(w + h) - f(w - h)] / 2h with h = 10^-20 in 60-digit intervals: O(h^2) from the derivative. */
function centralDifference(expr: 'f' | 'df', text: string, w: string, c: string): Decimal {
  const F = precise(60);
  const p = parseLoss(text);
  const ev = evaluatorFor(F);
  const h = new Decimal('1e-20');
  const at = (x: Decimal) => ev(p[expr], { w: F.lift(Rational.parse(x.toString())), c: F.lift(Rational.parse(c)) });
  const mid = (i: Interval) => i.lo.add(i.hi).div(2);
  const wd = new Decimal(w);
  return mid(F.sub(at(wd.add(h)), at(wd.sub(h)))).div(h.mul(2));
}

describe("f' and f'' (mathjs' symbolic derivatives) against central differences in precise mode", () => {
  const losses = ['log(cosh(w - c))', 'sqrt(1 + (w - c)^2) - 1', '(w - c)^2 / 2 + sin(w)', 'log(1 + exp(-(w - c)))', 'w^4 / 12 + atan(w) * c', '2^w - w * c'];
  const points: [string, string][] = [
    ['0.75', '-1.5'],
    ['-2.25', '3'],
    ['5', '0.5'],
  ];
  it.each(losses)('%s', (text) => {
    const F = precise(60);
    const p = parseLoss(text);
    const ev = evaluatorFor(F);
    let checked = 0;
    for (const [w, c] of points) {
      const env = { w: F.lift(Rational.parse(w)), c: F.lift(Rational.parse(c)) };
      const d1 = ev(p.df, env);
      const d2 = ev(p.d2f, env);
      // the symbolic values are enclosures: narrow, and within O(h^2) = 1e-35 of the differences
      expect(F.errorBound(d1)).toBeLessThan(1e-40);
      const fd1 = centralDifference('f', text, w, c);
      const fd2 = centralDifference('df', text, w, c);
      const scale1 = Decimal.max(1, d1.lo.abs());
      const scale2 = Decimal.max(1, d2.lo.abs());
      expect(fd1.sub(d1.lo).abs().div(scale1).toNumber()).toBeLessThan(1e-30);
      expect(fd2.sub(d2.lo).abs().div(scale2).toNumber()).toBeLessThan(1e-30);
      // and the difference really tests something: a wrong derivative (times 1 + 1e-10) is caught
      expect(fd1.sub(d1.lo.mul('1.0000000001')).abs().div(scale1).toNumber()).toBeGreaterThan(1e-12);
      checked++;
    }
    expect(checked).toBe(points.length);
  });

  it('evaluates the same tree in every field (exact where rational, doubles in float64)', () => {
    const p = parseLoss('sqrt(1 + (w - c)^2) - 1');
    const e = evaluatorFor(exact)(p.f, { w: Rational.of(3), c: Rational.of(-1) }); // sqrt(17) - 1
    expect(exact.sign(exact.sub(exact.mul(exact.add(e, exact.one), exact.add(e, exact.one)), exact.fromInt(17)))).toBe(0);
    expect(evaluatorFor(float64)(p.f, { w: 3, c: -1 })).toBeCloseTo(Math.sqrt(17) - 1, 14);
    expect(() => evaluatorFor(exact)(parseLoss('log(cosh(w - c))').f, { w: Rational.ONE, c: Rational.ZERO })).toThrow(/precise or float64/);
  });
});

describe('certified bounds (interval branch-and-bound) match hand-derived constants', () => {
  it("log cosh: sup |f''| = sup sech^2 = 1 exactly, inf f = 0, over the whole line in x = w - c", () => {
    const a = analyzeLoss(parseLoss('log(cosh(w - c))'));
    expect(a.smooth.status).toBe('bounded');
    expect(a.smooth.over).toBe('x');
    expect(a.smooth.domain).toBe('x in R');
    expect(a.smooth.lo.toString()).toBe('1');
    expect(a.smooth.hi!.toString()).toBe('1');
    expect(a.lower.lo.toString()).toBe('0');
    expect(a.gradientProblem).toBeNull();
  });

  it("(w - c)^2 / 2 + sin(w): sup |1 - sin w| = 2 (at w = -pi/2), enclosed to 1e-11", () => {
    const a = analyzeLoss(parseLoss('(w - c)^2 / 2 + sin(w)'));
    expect(a.smooth.status).toBe('bounded');
    expect(a.smooth.lo.toNumber()).toBeLessThanOrEqual(2);
    expect(a.smooth.hi!.toNumber()).toBeGreaterThanOrEqual(2);
    expect(a.smooth.hi!.sub(a.smooth.lo).toNumber()).toBeLessThan(1e-10);
    // inf over w of (w - c)^2/2 + sin w for c in [-128, 128]: in [-1, -1 + 1e-11]
    expect(a.lower.lo.toNumber()).toBeLessThanOrEqual(-1 + 1e-12);
    expect(a.lower.lo.toNumber()).toBeGreaterThan(-1.000001);
  });

  it('c w^2 depends on c: bounded over c in [-128, 128] (sup |2c| = 256) and unbounded below', () => {
    const a = analyzeLoss(parseLoss('c * w^2'));
    expect(a.smooth.over).toBe('w,c');
    expect(a.smooth.hi!.toString()).toBe('256');
    expect(a.lower.status).toBe('unbounded');
  });

  it("w^4: f'' = 12 w^2 grows without bound; log(w): not finite at 0", () => {
    expect(analyzeLoss(parseLoss('w^4')).smooth.status).toBe('unbounded');
    const r = analyzeLoss(parseLoss('log(w)'));
    expect(r.gradientProblem).toMatch(/not finite at w = 0/);
  });

  it('resolveUserLoss: automatic L for log cosh, refusal for w^4 without --L, the user L kept as stated', () => {
    expect(resolveUserLoss({ expr: 'log(cosh(w - c))' }).Lref.toString()).toBe('1');
    expect(() => resolveUserLoss({ expr: 'w^4' })).toThrow(LossSetupError);
    expect(() => resolveUserLoss({ expr: 'w^4' })).toThrow(/not globally smooth.*--L/);
    const r = resolveUserLoss({ expr: 'log(cosh(w - c))', L: '0.25' });
    expect(r.Lstated!.toString()).toBe('1/4');
    expect(r.notes.join('\n')).toMatch(/below sup \|f''\| >= 1/);
    expect(resolveUserLoss({ expr: 'w^4', L: '12' }).Lref.toString()).toBe('12');
  });
});
