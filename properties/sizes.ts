/**
 * Sizes m, n (of W = BA) and the rank r, and the per-mode generation profile.
 *
 * The paper takes r < min{m, n}; every claim in the catalogue holds for any r >= 1, and the
 * harness draws 1 <= r <= min{m, n} (so m = n = r = 1 is the smallest case a witness can
 * shrink to). Exact mode stays small (the price of BigInt rationals and lazy reals); float64
 * screens sizes up to a few hundred.
 *
 * @remarks Since 0.1.0
 */
import fc from 'fast-check';
import type { Mode } from '../numeric/field.ts';

interface Sizes {
  m: number;
  n: number;
  r: number;
}

export interface Profile {
  readonly mode: Mode;
  readonly maxM: number;
  readonly maxN: number;
  readonly maxR: number;
  /** Side of the explicit (shrinkable) top-left corner of every entry grid; entries beyond it are hashed. */
  readonly headSide: number;
  /** Steps of a multi-step run (GV, T10, T35): 1..maxT. */
  readonly maxT: number;
}

const PROFILES: Readonly<Record<Mode, Profile>> = {
  exact: { mode: 'exact', maxM: 4, maxN: 4, maxR: 4, headSide: 8, maxT: 4 },
  precise: { mode: 'precise', maxM: 3, maxN: 3, maxR: 3, headSide: 8, maxT: 40 },
  float64: { mode: 'float64', maxM: 200, maxN: 200, maxR: 16, headSide: 8, maxT: 300 },
};

export function profileFor(mode: Mode, overrides: Partial<Omit<Profile, 'mode'>> = {}): Profile {
  return { ...PROFILES[mode], ...overrides };
}

/** m in 1..maxM, n in 1..maxN, r in 1..min(m, n, maxR); each shrinks towards 1 on its own. */
export function sizes(p: Profile): fc.Arbitrary<Sizes> {
  return fc
    .tuple(fc.integer({ min: 1, max: p.maxM }), fc.integer({ min: 1, max: p.maxN }), fc.integer({ min: 1, max: p.maxR }))
    .map(([m, n, r]) => ({ m, n, r: Math.min(r, m, n) }));
}

/** A size in 1..max (shrinks to 1). */
export function size(max: number): fc.Arbitrary<number> {
  return fc.integer({ min: 1, max });
}
