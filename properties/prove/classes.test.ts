/**
 * The fixed-size classes (classes.ts) against theory/'s own hypotheses, with no solver: at
 * seeded rational points of each class's variables, the class (its variables' signs and its
 * assumptions, decided exactly) must agree with what the claim's `hypothesesHold` (theory/,
 * numeric/losses) says of the input the class builds there:
 * - a point of the class is an input that satisfies every hypothesis not dropped (so a model the
 *   solver picks there is an input of the claim as stated; a wrong or missing relation would let
 *   `prove` search outside the claim's hypotheses);
 * - a convex input (h_i >= 0, L > 0, eta > 0: the generators' family) that satisfies the kept hypotheses
 *   is a point of the class (so "proved for the class" covers it; a relation too strong, e.g. a
 *   dropped hypothesis still assumed, would prove a claim only where it was never in doubt).
 * The input must also be one the claim evaluates (sizes and names consistent).
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../numeric/compare.ts';
import type { Num } from '../../numeric/field.ts';
import { mulberry32 } from '../../numeric/random.ts';
import { Rational } from '../../numeric/rational.ts';
import { exact } from '../../numeric/real.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import { CATALOGUE } from '../../theory/index.ts';
import { evaluateCase } from '../_internals/evaluate.ts';
import { classesFor, type ClassTemplate } from './classes.ts';
import { inClass } from './witness.ts';

/** Computed inside each test (not at import, where a mutated classesFor would go unseen). */
const withClasses = () => CATALOGUE.filter((c) => classesFor(c, new Set()).length > 0);
const drops = (c: Claim): HypothesisName[][] => [[], ...c.hypotheses.map((h) => [h])];

/** Small rationals of both signs, zero among them; ties (L = h, L* = 0, M12 = M21) are frequent. */
const POOL = [-2, -1, Rational.of(-1, 2), 0, Rational.of(1, 3), Rational.of(1, 2), 1, Rational.of(3, 2), 2, 3];

function draw(rng: () => number, t: ClassTemplate): Record<string, Rational> {
  const p: Record<string, Rational> = {};
  for (const v of t.vars) {
    const x = POOL[Math.floor(rng() * POOL.length)]!;
    p[v.name] = typeof x === 'number' ? Rational.fromNumber(x) : x;
  }
  // often tie a mirrored pair (M12 = M21) or a smoothness bound (L = h), as hypotheses need them
  for (const v of t.vars) {
    const m = /^M(\d)(\d)$/.exec(v.name);
    if (m && rng() < 0.7) p[`M${m[2]}${m[1]}`] = p[v.name]!;
    if (/^h/.test(v.name) && p.L && rng() < 0.2) p.L = p[v.name]!;
  }
  return p;
}

function names(t: ClassTemplate, p: Record<string, Rational>): { input: unknown; asked: Set<string> } {
  const asked = new Set<string>();
  const input = t.input((name) => {
    asked.add(name);
    const x = p[name];
    if (!x) throw new Error(`no variable ${name}`);
    return x as Num;
  });
  return { input, asked };
}

function inTemplate(t: ClassTemplate, p: Record<string, Rational>): boolean {
  const signs = t.vars.every((v) => (v.sign === 'positive' ? p[v.name]!.sign() > 0 : v.sign === 'nonneg' ? p[v.name]!.sign() >= 0 : true));
  const vals: Record<string, ReturnType<typeof exact.lift>> = {};
  for (const [k, x] of Object.entries(p)) vals[k] = exact.lift(x);
  return signs && t.assumptions(exact, vals).every((a) => decide(exact, a.cmp).holds === true);
}

/** The generators' family: convex (h_i >= 0), stated L > 0 and step sizes (eta, etaScale) > 0. */
function convex(p: Record<string, Rational>): boolean {
  return Object.entries(p).every(([k, x]) => (/^h/.test(k) ? x.sign() >= 0 : /^(L|eta|etaScale)$/.test(k) ? x.sign() > 0 : true));
}

describe('classesFor: the classes are the claims\' hypotheses, no more and no less', () => {
  it('covers every input kind with classes, each variable named once and read by the input', () => {
    expect(new Set(withClasses().map((c) => c.inputKind))).toEqual(new Set(['lora', 'lora-pair', 'loss-point', 'lora-run', 'square', 'block', 'amgm', 'two-pair', 'two-lora']));
    for (const c of withClasses())
      for (const d of drops(c))
        for (const t of classesFor(c, new Set(d))) {
          const vars = t.vars.map((v) => v.name);
          expect(new Set(vars).size, `${c.id} ${t.text}`).toBe(vars.length);
          const p = Object.fromEntries(vars.map((v) => [v, Rational.ONE]));
          expect([...names(t, p).asked].sort(), `${c.id} without [${d}] ${t.text}`).toEqual([...vars].sort());
        }
  });

  it('has the variables README names: h, c, L, V = [b; a], eta where eta_rule is dropped, L* where lower_bound is named', () => {
    const vars = (id: string, d: HypothesisName[] = []) => classesFor(CATALOGUE.find((c) => c.id === id)!, new Set(d)).map((t) => t.vars.map((v) => `${v.name}:${v.sign}`).join(' '));
    expect(vars('E19')).toEqual([
      'h:real c:real L:positive b:real a:real',
      'h1:real h2:real c11:real c12:real L:positive b:real a11:real a21:real',
      'h1:real h2:real c11:real c21:real L:positive b11:real b21:real a:real',
    ]);
    expect(vars('L34', ['eta_rule'])[0]).toBe('h:real c:real L:positive b:real a:real eta:positive');
    expect(vars('L34')[0]).toBe('h:real c:real L:positive b:real a:real');
    expect(vars('E23')[0]).toBe('h:real c:real L:positive Lstar:real w:real');
    expect(vars('GV', ['eta_rule'])).toEqual(['h:real c:real L:positive Lstar:real b:real a:real etaScale:positive']);
    expect(vars('GV')).toEqual(['h:real c:real L:positive Lstar:real b:real a:real']);
    expect(vars('A1')[0]).toBe('x1:nonneg x2:nonneg');
    expect(vars('A1', ['nonneg'])[0]).toBe('x1:real x2:real');
  });

  it('agrees with theory/ on seeded points, for the claim as stated and with each hypothesis dropped', () => {
    const rng = mulberry32(20261126);
    let inside = 0;
    let outside = 0;
    let checked = 0;
    for (const c of withClasses() as Claim[]) {
      for (const d of drops(c)) {
        const dropped = new Set(d);
        for (const t of classesFor(c, dropped)) {
          for (let k = 0; k < 30; k++) {
            const p = draw(rng, t);
            const { input } = names(t, p);
            const ours = inTemplate(t, p);
            const theirs = inClass(c, input, dropped);
            const where = `${c.id} without [${d}] ${t.text} at ${JSON.stringify(Object.fromEntries(Object.entries(p).map(([a, b]) => [a, b.toString()])))}`;
            if (ours) {
              inside++;
              expect(theirs, `class point outside the hypotheses: ${where}`).toBe(true);
              expect(evaluateCase(c, exact, input).status, where).not.toBe('error');
            } else outside++;
            // a claim that decides no hypothesis (S1) is taken on the generators' family, which the class is
            if (c.hypothesesHold && theirs && convex(p)) expect(ours, `input of the claim left out of the class: ${where}`).toBe(true);
            checked++;
          }
        }
      }
    }
    // both sides of every boundary are exercised
    expect(inside).toBeGreaterThan(checked / 10);
    expect(outside).toBeGreaterThan(checked / 10);
  });

  it('names the classes as README does, smallest first', () => {
    const texts = (id: string, d: HypothesisName[] = []) => classesFor(CATALOGUE.find((c) => c.id === id)!, new Set(d)).map((t) => t.text);
    expect(texts('E19')).toEqual(['m = n = r = 1 quadratics', 'm = 1, n = 2, r = 1 quadratics with H diagonal', 'm = 2, n = 1, r = 1 quadratics with H diagonal']);
    expect(texts('A2.sym')).toEqual(['m = n = 1 (M is 2 x 2, symmetric)', 'm = 1, n = 2 (M is 3 x 3, symmetric)', 'm = 2, n = 1 (M is 3 x 3, symmetric)']);
    expect(texts('A2.sym', ['symmetric'])[0]).toBe('m = n = 1 (M is 2 x 2)');
    expect(texts('A1')).toEqual(['w1 : w2 = 1 : 1', 'w1 : w2 = 1 : 2', 'w1 : w2 = 2 : 1', 'w1 : w2 = 1 : 3', 'w1 : w2 = 2 : 3']);
    expect(texts('E23')).toEqual(['m = n = 1 quadratics', 'm = 1, n = 2 quadratics with H diagonal', 'm = 2, n = 1 quadratics with H diagonal']);
    expect(texts('GV')).toEqual(['m = n = r = 1 quadratics, T = 1 step']);
    expect(texts('A2.embed')).toEqual(['1 x 1 matrices X', '1 x 2 matrices X', '2 x 2 matrices X']);
    expect(texts('L36')).toEqual(['m1 = n1 = m2 = n2 = 1 two-matrix quadratics with H diagonal']);
    expect(texts('M36')).toEqual(['m1 = n1 = m2 = n2 = 1 two-matrix quadratics with H diagonal, r1 = r2 = 1']);
    // and the inputs have the sizes the texts say: V is (m + n) x 1, the loss m x n
    const sizes = classesFor(CATALOGUE.find((c) => c.id === 'E19')!, new Set()).map((t) => {
      const input = t.input(() => Rational.ONE) as { loss: { m: number; n: number; C: { rows: number; cols: number } }; V: { rows: number; cols: number } };
      return [input.loss.m, input.loss.n, input.loss.C.rows, input.loss.C.cols, input.V.rows, input.V.cols];
    });
    expect(sizes).toEqual([
      [1, 1, 1, 1, 2, 1],
      [1, 2, 1, 2, 3, 1],
      [2, 1, 2, 1, 3, 1],
    ]);
  });
});
