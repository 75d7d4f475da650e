/**
 * Solver formulas for the prover's tests (solve.test.ts, outcome.test.ts) whose answer is known
 * without running prove.ts: a query that times out and one that the solver gives up on; and Z3
 * loaded once per test file.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Z3Arith, Z3Bool, Z3Context } from '../../numeric/z3-field.ts';
import { loadZ3, releaseZ3, type Z3 } from './z3.ts';

/** Loads Z3 before a test file's tests (handing it to `set`) and releases it after them. */
export function z3ForFile(set: (z3: Z3) => void): void {
  beforeAll(async () => set(await loadZ3()), 60_000);
  afterAll(releaseZ3);
}

/**
 * A dense system of cubics in the given variables (six here) with seeded integer coefficients:
 * nlsat does not decide it in 2 s on this machine (measured: 'timeout after 2.0 s'), so a budget
 * of a few hundred ms always ends in a timeout.
 */
export function hardSystem(Z: Z3Context, xs: readonly Z3Arith[]): Z3Bool[] {
  const [p0, p1, p2, p3] = hardCubics(Z, xs);
  return [p0!.eq(0), p1!.eq(0), p2!.gt(0), p3!.gt(0)];
}

/** The four cubics of hardSystem (p0 = p1 = 0, p2 > 0, p3 > 0). */
export function hardCubics(Z: Z3Context, xs: readonly Z3Arith[]): Z3Arith[] {
  let s = 12345;
  const coef = () => ((s = (s * 1103515245 + 12345) % 2147483648), (s % 21) - 10);
  const n = xs.length;
  const out: Z3Arith[] = [];
  for (let j = 0; j < 4; j++) {
    let p = Z.Real.val(coef()) as Z3Arith;
    for (let a = 0; a < n; a++) for (let b = a; b < n; b++) p = p.add(xs[a]!.mul(xs[b]!).mul(xs[(a + b) % n]!).mul(coef()));
    out.push(p);
  }
  return out;
}

/** f(x) for an uninterpreted f: outside nlsat's fragment, so any formula with it is 'unknown'
 *  (the solver gives up at once; no timeout involved). */
export function opaque(Z: Z3Context, x: Z3Arith): Z3Arith {
  const f = Z.Function.declare('f', Z.Real.sort(), Z.Real.sort());
  return f.call(x) as Z3Arith;
}
