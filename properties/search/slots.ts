/**
 * The free numeric entries of a claim input, as coordinates the greedy simplifier and the
 * tightness ascent may move (theory/inputs.ts has the shapes).
 *
 * What moves: every entry of every matrix field (V, V1, V2, V0, M, M2, X, W, B1, A1, B2,
 * A2) and the scalar fields x1, x2, w1, w2, eta, etaScale. What never moves: the loss
 * (its constant L, its lower bound L* and its smoothness are facts about the loss; moving
 * its data would silently break `smooth`, `L_ge_1`, `lower_bound`) and the sizes (m, n, T).
 *
 * Two hypotheses constrain the entries themselves, and coordinates keep them by
 * construction while they are enforced (not dropped):
 * - `symmetric`: mirrored entries of a square matrix that are equal move together;
 * - `nonneg`: x1, x2, w1, w2 carry a lower bound 0.
 * Step sizes (eta, etaScale) stay positive in any case.
 * (`eta_rule` is a fact about eta: when it is enforced the claims compute eta from (8)
 * and the input carries none to move.)
 */
import type { Num } from '../../numeric/field.ts';
import type { Matrix } from '../../numeric/matrix.ts';
import { Rational } from '../../numeric/rational.ts';

const SCALAR_KEYS = new Set(['x1', 'x2', 'w1', 'w2', 'eta', 'etaScale']);
const NONNEG_KEYS = new Set(['x1', 'x2', 'w1', 'w2']);
/** Step sizes: positive whatever is dropped (dropping `eta_rule` means other step sizes, not
 *  steps uphill; the generators draw them > 0). */
const POSITIVE_KEYS = new Set(['eta', 'etaScale']);

/** One place in the input: a scalar field, or entry k of a matrix field. */
export interface Slot {
  key: string;
  k?: number;
}

/** A coordinate: slots that always carry the same value. */
export interface Coord {
  slots: Slot[];
  /** The value must stay >= 0 (nonneg enforced). */
  nonneg: boolean;
  /** The value must stay > 0 (a step size). */
  positive?: boolean;
}

export interface CoordOptions {
  /** Hypotheses enforced on the input (the claim's, minus the dropped ones). */
  enforced: ReadonlySet<string>;
}

export function isNum(x: unknown): x is Num {
  return typeof x === 'number' || x instanceof Rational;
}

export function isMatrix(x: unknown): x is Matrix<Num> {
  return (
    !!x &&
    typeof x === 'object' &&
    typeof (x as Matrix<Num>).rows === 'number' &&
    typeof (x as Matrix<Num>).cols === 'number' &&
    Array.isArray((x as Matrix<Num>).data) &&
    (x as Matrix<Num>).data.every(isNum)
  );
}

export function numEquals(a: Num, b: Num): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  const ra = typeof a === 'number' ? Rational.fromNumber(a) : a;
  const rb = typeof b === 'number' ? Rational.fromNumber(b) : b;
  return ra.eq(rb);
}

/** The coordinates of an input (an object of the shapes in theory/inputs.ts). */
export function coordinates(input: unknown, opts: CoordOptions): Coord[] {
  if (!input || typeof input !== 'object') return [];
  const out: Coord[] = [];
  const symmetric = opts.enforced.has('symmetric');
  const nonneg = opts.enforced.has('nonneg');
  for (const [key, v] of Object.entries(input as Record<string, unknown>)) {
    if (key === 'loss') continue;
    if (SCALAR_KEYS.has(key) && isNum(v)) {
      out.push({ slots: [{ key }], nonneg: nonneg && NONNEG_KEYS.has(key), ...(POSITIVE_KEYS.has(key) ? { positive: true } : {}) });
    } else if (isMatrix(v)) {
      const { rows, cols, data } = v;
      const tie = symmetric && rows === cols;
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          const k = i * cols + j;
          if (tie && j < i && numEquals(data[k]!, data[j * cols + i]!)) continue; // moved with (j, i)
          const slots: Slot[] = [{ key, k }];
          if (tie && j > i && numEquals(data[k]!, data[j * cols + i]!)) slots.push({ key, k: j * cols + i });
          out.push({ slots, nonneg: false });
        }
    }
  }
  return out;
}

export function getCoord(input: unknown, c: Coord): Num {
  const s = c.slots[0]!;
  const v = (input as Record<string, unknown>)[s.key];
  return s.k === undefined ? (v as Num) : (v as Matrix<Num>).data[s.k]!;
}

/** A copy of the input with the coordinates set to the values (other fields shared). */
export function setCoords(input: unknown, coords: readonly Coord[], values: readonly Num[]): unknown {
  const src = input as Record<string, unknown>;
  const out: Record<string, unknown> = { ...src };
  const copied = new Set<string>();
  coords.forEach((c, idx) => {
    const x = values[idx]!;
    for (const s of c.slots) {
      if (s.k === undefined) out[s.key] = x;
      else {
        if (!copied.has(s.key)) {
          const M = src[s.key] as Matrix<Num>;
          out[s.key] = { rows: M.rows, cols: M.cols, data: M.data.slice() };
          copied.add(s.key);
        }
        (out[s.key] as { data: Num[] }).data[s.k] = x;
      }
    }
  });
  return out;
}
