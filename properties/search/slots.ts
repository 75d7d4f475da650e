/**
 * The free numeric entries of a claim input, as coordinates the greedy simplifier and the
 * tightness ascent may move (theory/inputs.ts has the shapes).
 *
 * What moves: every entry of every matrix field (V, V1, V2, V0, M, M2, X, W, B1, A1, B2,
 * A2) and the scalar fields x1, x2, w1, w2, eta, etaScale. What never moves: the sizes
 * (m, n, T), and by default the loss (its constant L, its lower bound L* and its smoothness
 * are facts about the loss; moving its data would silently break `smooth`, `L_ge_1`,
 * `lower_bound`). With `loss: true` its numbers move too, for a caller that re-checks the
 * hypotheses at every point (the tightness ascent).
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
interface Slot {
  key: string;
  k?: number;
  /** A place inside a nested field (the loss descriptor): keys/indices below input[key]. */
  path?: readonly (string | number)[];
}

/** A coordinate: slots that always carry the same value. */
export interface Coord {
  slots: Slot[];
  /** The value must stay >= 0 (nonneg enforced). */
  nonneg: boolean;
  /** The value must stay > 0 (a step size). */
  positive?: boolean;
}

interface CoordOptions {
  /** Hypotheses enforced on the input (the claim's, minus the dropped ones). */
  enforced: ReadonlySet<string>;
  /** Also the loss descriptor's numbers (its data and its stated L, L*): only for callers that
   *  re-check the hypotheses on every point they evaluate (the tightness ascent does). */
  loss?: boolean;
}

/** Loss fields that are sizes or labels, never moved. */
const LOSS_FIXED = new Set(['family', 'm', 'n', 'm1', 'n1', 'm2', 'n2', 'y']);

function lossCoords(loss: unknown, out: Coord[]): void {
  if (!loss || typeof loss !== 'object') return;
  for (const [f, v] of Object.entries(loss as Record<string, unknown>)) {
    if (LOSS_FIXED.has(f)) continue;
    if (isNum(v)) out.push({ slots: [{ key: 'loss', path: [f] }], nonneg: false });
    else if (isMatrix(v)) v.data.forEach((_, k) => out.push({ slots: [{ key: 'loss', path: [f, 'data', k] }], nonneg: false }));
    else if (Array.isArray(v))
      v.forEach((row, i) => {
        if (isNum(row)) out.push({ slots: [{ key: 'loss', path: [f, i] }], nonneg: false });
        else if (Array.isArray(row) && row.every(isNum)) row.forEach((_, j) => out.push({ slots: [{ key: 'loss', path: [f, i, j] }], nonneg: false }));
      });
  }
}

/** A copy of plain objects and arrays (class instances such as Rational are shared: immutable). */
function cloneTree(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(cloneTree);
  if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) o[k] = cloneTree(v);
    return o;
  }
  return x;
}

function isNum(x: unknown): x is Num {
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

function numEquals(a: Num, b: Num): boolean {
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
    if (key === 'loss') {
      if (opts.loss) lossCoords(v, out);
      continue;
    }
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
  if (s.path) return s.path.reduce<unknown>((o, p) => (o as Record<string | number, unknown>)[p], v) as Num;
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
      if (s.path) {
        if (!copied.has(s.key)) {
          out[s.key] = cloneTree(src[s.key]);
          copied.add(s.key);
        }
        let o = out[s.key] as Record<string | number, unknown>;
        for (const p of s.path.slice(0, -1)) o = o[p] as Record<string | number, unknown>;
        o[s.path[s.path.length - 1]!] = x;
      } else if (s.k === undefined) out[s.key] = x;
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
