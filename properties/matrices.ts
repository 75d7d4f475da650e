/**
 * Matrix arbitraries over the input number type of a mode (Rational, or double in float64):
 * sizes and an entry grid drawn with `tuple` and mapped into the matrix, so that sizes shrink
 * towards 1 x 1 and entries towards small integers and simple fractions independently, and
 * entry (i, j) stays put when a size shrinks. Block matrices take one grid per block.
 *
 * @remarks Since 0.1.0
 */
import fc from 'fast-check';
import type { Num } from '../numeric/field.ts';
import { hstack, transpose, vstack, type Matrix } from '../numeric/matrix.ts';
import { buffer, grid, symmetricGrid, type Buffer } from './_internals/buffer.ts';
import type { Profile } from './sizes.ts';


/** Head side of a mode's grids: the explicit (shrinkable) corner. */
export function headSide(p: Profile): number {
  return Math.min(p.headSide, Math.max(p.maxM, p.maxN, p.maxR));
}

/** The four grids of a 2 x 2 block matrix. */
type BlockGrids = readonly [Buffer, Buffer, Buffer, Buffer];

export function blockGrids(p: Profile): fc.Arbitrary<BlockGrids> {
  const b = buffer(p.mode, headSide(p));
  return fc.tuple(b, b, b, b);
}

/**
 * [[M11, M12], [M21, M22]] with M11 r1 x c1, M12 r1 x c2, M21 r2 x c1, M22 r2 x c2, each from its
 * own grid. Symmetric (r1 = c1, r2 = c2 required): diagonal blocks mirrored, M21 = M12^T.
 */
export function blockMatrix(g: BlockGrids, r1: number, r2: number, c1: number, c2: number, symmetric = false): Matrix<Num> {
  if (symmetric) {
    const M12 = grid(g[1], r1, c2);
    return vstack(hstack(symmetricGrid(g[0], r1), M12), hstack(transpose(M12), symmetricGrid(g[3], r2)));
  }
  return vstack(hstack(grid(g[0], r1, c1), grid(g[1], r1, c2)), hstack(grid(g[2], r2, c1), grid(g[3], r2, c2)));
}

