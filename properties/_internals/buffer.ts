/**
 * Entry grids: the shrinkable part of every matrix. A grid is an unbounded 2-D array of entries
 * whose top-left `side x side` corner is explicit (the head, shrunk entry by entry by
 * fast-check) and whose other entries come from a 32-bit seed through a hash (float64 at large
 * sizes). Sizes are drawn separately and a rows x cols matrix reads the grid's top-left
 * rows x cols block, so entry (i, j) stays entry (i, j) when a size shrinks: sizes and entries
 * shrink independently (the `tuple` + `map` pattern; `chain` would redraw the entries).
 * Block matrices (V = [B; A^T], M = [[M11, M12], [M21, M22]]) use one grid per block for the
 * same reason.
 */
import fc from 'fast-check';
import type { Mode, Num } from '../../numeric/field.ts';
import type { Matrix } from '../../numeric/matrix.ts';
import { Rational } from '../../numeric/rational.ts';
import { denominatorsFor, entry, type SignConstraint } from '../scalars.ts';

export interface Buffer {
  readonly mode: Mode;
  readonly sign: SignConstraint;
  /** The head is the top-left side x side corner, row-major. */
  readonly side: number;
  readonly head: readonly Num[];
  readonly seed: number;
  /** Every entry is multiplied by 2^-scaleExp: one grid in three is scaled down (small V, small G ...),
   *  where several printed bounds are tight or fail. Shrinks to 0 (no scaling). */
  readonly scaleExp: number;
}

/** 0 two times in three, else 1..8 (cross-shrinks to 0). */
function scaleExponent(): fc.Arbitrary<number> {
  return fc.oneof({ withCrossShrink: true }, { weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 8 }) });
}

/** A grid whose explicit head is side x side. */
export function buffer(mode: Mode, side: number, sign: SignConstraint = 'any'): fc.Arbitrary<Buffer> {
  const len = side * side;
  return fc
    .tuple(fc.array(entry(mode, sign), { minLength: len, maxLength: len }), fc.nat({ max: 0x7fffffff }), scaleExponent())
    .map(([head, seed, scaleExp]) => ({ mode, sign, side, head, seed, scaleExp }));
}

/** 32-bit mix of (seed, i, j) (murmur3 finaliser): random access into the hashed part. */
function hash(seed: number, i: number, j: number): number {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(j + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function rawAt(buf: Buffer, i: number, j: number): Num {
  if (i < buf.side && j < buf.side) return buf.head[i * buf.side + j]!;
  // Beyond the head: a simple rational with the head's ranges (|p| <= 9, the mode's denominators).
  const h = hash(buf.seed, i, j);
  const lo = buf.sign === 'any' ? -9 : buf.sign === 'nonneg' ? 0 : 1;
  const p = lo + (h % (10 - lo));
  const dens = denominatorsFor(buf.mode);
  const q = dens[(h >>> 8) % dens.length]!;
  const r = Rational.of(p, q);
  return buf.mode === 'float64' ? r.toNumber() : r;
}

/** Entry (i, j) of the grid. */
function at(buf: Buffer, i: number, j: number): Num {
  const x = rawAt(buf, i, j);
  if (buf.scaleExp === 0) return x;
  // A power of two: exact for doubles too.
  return typeof x === 'number' ? x * 2 ** -buf.scaleExp : x.mul(Rational.of(1, 2 ** buf.scaleExp));
}

/** The top-left rows x cols block of the grid. */
export function grid(buf: Buffer, rows: number, cols: number): Matrix<Num> {
  const data = new Array<Num>(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = at(buf, i, j);
  return { rows, cols, data };
}

/** A symmetric n x n matrix: entry (i, j) = grid entry (min, max), i.e. the upper triangle mirrored. */
export function symmetricGrid(buf: Buffer, n: number): Matrix<Num> {
  const data = new Array<Num>(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data[i * n + j] = at(buf, Math.min(i, j), Math.max(i, j));
  return { rows: n, cols: n, data };
}

/** vec of the rows x cols block (row-major), e.g. the eigenvalues d of H indexed like W. */
export function gridVector(buf: Buffer, rows: number, cols: number): Num[] {
  return grid(buf, rows, cols).data.slice();
}
