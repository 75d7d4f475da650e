/**
 * Flat entry buffers: the shrinkable part of every matrix. A buffer is a fixed-length array of
 * explicit entries (the head, shrunk entry by entry by fast-check) plus a 32-bit seed for a
 * hashed tail, used only where a matrix needs more entries than the head holds (float64 at
 * large sizes). Sizes are drawn separately and a matrix takes its first rows*cols entries, so
 * sizes and entries shrink independently (the `tuple` + `map` pattern; `chain` would redraw
 * the entries whenever a size shrinks).
 */
import fc from 'fast-check';
import type { Mode, Num } from '../../numeric/field.ts';
import type { Matrix } from '../../numeric/matrix.ts';
import { Rational } from '../../numeric/rational.ts';
import { SIMPLE_DENOMINATORS, entry, type SignConstraint } from '../scalars.ts';

export interface Buffer {
  readonly mode: Mode;
  readonly sign: SignConstraint;
  readonly head: readonly Num[];
  readonly seed: number;
  /** Every entry is multiplied by 2^-scaleExp: one case in three is scaled down (small V, small G ...),
   *  where several printed bounds are tight or fail. Shrinks to 0 (no scaling). */
  readonly scaleExp: number;
}

/** 0 two times in three, else 1..8 (cross-shrinks to 0). */
function scaleExponent(): fc.Arbitrary<number> {
  return fc.oneof({ withCrossShrink: true }, { weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 8 }) });
}

export function buffer(mode: Mode, headLength: number, sign: SignConstraint = 'any'): fc.Arbitrary<Buffer> {
  return fc
    .tuple(fc.array(entry(mode, sign), { minLength: headLength, maxLength: headLength }), fc.nat({ max: 0x7fffffff }), scaleExponent())
    .map(([head, seed, scaleExp]) => ({ mode, sign, head, seed, scaleExp }));
}

/** 32-bit mix of (seed, k) (murmur3 finaliser): random access into the tail. */
function hash(seed: number, k: number): number {
  let h = (seed ^ Math.imul(k + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Entry k of the buffer: the head where it reaches, else a hashed simple rational p/q with the
 *  same ranges as the head's simple entries. */
export function at(buf: Buffer, k: number): Num {
  const x = raw(buf, k);
  if (buf.scaleExp === 0) return x;
  // A power of two: exact for doubles too.
  return typeof x === 'number' ? x * 2 ** -buf.scaleExp : x.mul(Rational.of(1, 2 ** buf.scaleExp));
}

function raw(buf: Buffer, k: number): Num {
  if (k < buf.head.length) return buf.head[k]!;
  const h = hash(buf.seed, k);
  const lo = buf.sign === 'any' ? -9 : buf.sign === 'nonneg' ? 0 : 1;
  const p = lo + (h % (10 - lo));
  const q = SIMPLE_DENOMINATORS[(h >>> 8) % SIMPLE_DENOMINATORS.length]!;
  const r = Rational.of(p, q);
  return buf.mode === 'float64' ? r.toNumber() : r;
}

/** The first `len` entries (from `offset`). */
export function take(buf: Buffer, len: number, offset = 0): Num[] {
  const out = new Array<Num>(len);
  for (let k = 0; k < len; k++) out[k] = at(buf, offset + k);
  return out;
}

/** A rows x cols matrix from the buffer's first entries, row-major. */
export function takeMatrix(buf: Buffer, rows: number, cols: number, offset = 0): Matrix<Num> {
  return { rows, cols, data: take(buf, rows * cols, offset) };
}

/** A symmetric n x n matrix: the upper triangle (row by row) read from the buffer, mirrored. */
export function takeSymmetric(buf: Buffer, n: number): Matrix<Num> {
  const data = new Array<Num>(n * n);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const x = at(buf, k++);
      data[i * n + j] = x;
      data[j * n + i] = x;
    }
  return { rows: n, cols: n, data };
}
