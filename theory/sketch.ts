/**
 * Seeded Gaussian-like sketches for the statistical claims (RAC.EH, RAC.T53, RAC.T55).
 *
 * Entries are iid sign(g) round(8 |g|) / 8 with g standard normal (numeric/random.ts), and a
 * sketch of less than full rank is drawn again. That law is not Gaussian, but it is invariant
 * under permutations and sign changes of the rows (left) or columns (right), and so is the
 * event "full rank". Then E[H] commutes with every signed permutation matrix, so E[H] = c I, and
 * trace H = r gives c = r/m (left) or r/n (right): E[H] = (r/m) I holds *exactly* for these
 * sketches, which makes lambda_min^H = r/m (r/n) known exactly for the rate claims.
 * Entries are rationals with denominator 8, so every projection is exact over Q.
 */
import { Rational } from '../numeric/rational.ts';
import { rationalField } from '../numeric/rational-field.ts';
import { columnPivots } from '../numeric/linalg.ts';
import { transpose, type Matrix } from '../numeric/matrix.ts';
import { gaussian, mulberry32 } from '../numeric/random.ts';
import type { Side } from './inputs.ts';

/** Entries are multiples of 1/SKETCH_DENOMINATOR. */
export const SKETCH_DENOMINATOR = 8;
/** Redraws before giving up (a full-rank draw has probability far above 1/2 at these sizes). */
const MAX_DRAWS = 1000;

/** A seeded stream of uniforms for the sketches of one case. */
export function sketchStream(seed: number): () => number {
  return mulberry32(seed);
}

/** The shape of a rank-r sketch for W of size m x n: B_S is m x r (left), A_S is r x n (right). */
export function sketchShape(side: Side, m: number, n: number, r: number): { rows: number; cols: number } {
  return side === 'left' ? { rows: m, cols: r } : { rows: r, cols: n };
}

/** One full-rank Gaussian-like sketch of the given shape, drawn from `rng`. */
export function gaussianSketch(rng: () => number, side: Side, m: number, n: number, r: number): Matrix<Rational> {
  const { rows, cols } = sketchShape(side, m, n, r);
  if (r > (side === 'left' ? m : n)) throw new RangeError(`gaussianSketch: argument r = ${r} exceeds ${side === 'left' ? `m = ${m}` : `n = ${n}`}`);
  for (let k = 0; k < MAX_DRAWS; k++) {
    const data = Array.from({ length: rows * cols }, () => {
      const g = gaussian(rng);
      const q = Math.round(Math.abs(g) * SKETCH_DENOMINATOR);
      return Rational.of(g < 0 ? -q : q, SKETCH_DENOMINATOR);
    });
    const S = { rows, cols, data };
    const pivots = columnPivots(rationalField, side === 'left' ? S : transpose(S));
    if (pivots.length === r) return S;
  }
  throw new RangeError(`gaussianSketch: no full-rank ${rows} x ${cols} sketch in ${MAX_DRAWS} draws`);
}
