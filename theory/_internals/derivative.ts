/**
 * An independent derivative for polynomial losses: the 5-point central stencil
 *   f'(0) = [8 (f(h) - f(-h)) - (f(2h) - f(-2h))] / (12 h),
 * whose error term is a multiple of h^4 f^(5): it is EXACT for polynomials of degree <= 4
 * (J is quartic in V for a quadratic L, and L~ is quadratic in M), in any exact field.
 */
import type { Field } from '../../numeric/field.ts';
import { add, scale, type Matrix } from '../../numeric/matrix.ts';

export function stencil5<T>(F: Field<T>, f: (t: T) => T, h: T = F.one): T {
  const at = (k: number) => f(F.mul(F.fromInt(k), h));
  const num = F.sub(F.mul(F.fromInt(8), F.sub(at(1), at(-1))), F.sub(at(2), at(-2)));
  return F.div(num, F.mul(F.fromInt(12), h));
}

/** Largest number of entries for which every unit direction E_ij is used. */
const MAX_UNIT_DIRECTIONS = 64;

interface Direction<T> {
  name: string;
  D: Matrix<T>;
}

/**
 * Deterministic directions for a rows x cols variable: every unit matrix E_ij when there are
 * at most MAX_UNIT_DIRECTIONS entries (then <grad, E_ij> is the entry (i, j) itself), else the
 * all-ones matrix and the fixed pattern ((i + 2j) mod 3) - 1.
 */
export function directions<T>(F: Field<T>, rows: number, cols: number): Direction<T>[] {
  const N = rows * cols;
  const make = (name: string, f: (i: number, j: number) => number): Direction<T> => ({
    name,
    D: { rows, cols, data: Array.from({ length: N }, (_, k) => F.fromInt(f(Math.floor(k / cols), k % cols))) },
  });
  if (N <= MAX_UNIT_DIRECTIONS) {
    const out: Direction<T>[] = [];
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) out.push(make(`E_{${i},${j}}`, (a, b) => (a === i && b === j ? 1 : 0)));
    return out;
  }
  return [make('ones', () => 1), make('((i + 2j) mod 3) - 1', (i, j) => ((i + 2 * j) % 3) - 1)];
}

/** X + t D. */
export function along<T>(F: Field<T>, X: Matrix<T>, t: T, D: Matrix<T>): Matrix<T> {
  return add(F, X, scale(F, t, D));
}
