/**
 * The second, greedy shrinking pass after fast-check's: entry by entry, replace a value by
 * a simpler one (0, +-1, a nearby integer, a nearby fraction with a small denominator) as
 * long as the input still fails. fast-check shrinks along the generator's structure; this
 * pass reaches simple values the generator's shrink tree does not (e.g. a float64 entry
 * 0.7071... -> 1, or p/q -> a convergent with a smaller denominator).
 *
 * First sizes (smallerSizes, for the kinds whose sizes live in the input alone), then
 * entries: only coordinates move (slots.ts), so the loss, symmetry and signs are kept. The
 * caller's `stillFails` re-confirms every step in exact or precise arithmetic and checks
 * the hypotheses that were not dropped.
 */
import type { Num } from '../../numeric/field.ts';
import type { Matrix } from '../../numeric/matrix.ts';
import { Rational } from '../../numeric/rational.ts';
import { coordinates, getCoord, isMatrix, setCoords, type Coord } from './slots.ts';

export interface SimplifyOptions {
  enforced: ReadonlySet<string>;
  /** True when the candidate input is still a confirmed failure (and keeps the hypotheses). */
  stillFails(input: unknown): boolean;
  /** performance.now() deadline. */
  deadline: number;
  /** Sweeps over all coordinates (default 3). */
  maxSweeps?: number;
}

export interface Simplified {
  input: unknown;
  /** Accepted replacements. */
  steps: number;
  /** Candidates tried (each one re-confirmation). */
  tried: number;
  timedOut: boolean;
}

function toRational(x: Num): Rational {
  return typeof x === 'number' ? Rational.fromNumber(x) : x;
}

function bits(n: bigint): number {
  return n === 0n ? 0 : (n < 0n ? -n : n).toString(2).length;
}

/** How complicated a value reads: about log2|p| + log2 q (0 is simplest, then +-1, +-2, 1/2 ...). */
export function complexity(x: Num): number {
  const r = toRational(x);
  const p = r.num < 0n ? -r.num : r.num;
  if (p < 1024n && r.den < 1024n) return Math.log2(Number(p) + 1) + Math.log2(Number(r.den));
  return bits(p) + bits(r.den);
}

/** Continued-fraction convergents of r with denominators up to maxDen. */
export function convergents(r: Rational, maxDen = 64n): Rational[] {
  const out: Rational[] = [];
  let [p0, q0, p1, q1] = [0n, 1n, 1n, 0n];
  let num = r.num;
  let den = r.den;
  for (let i = 0; i < 64 && den !== 0n; i++) {
    let a = num / den;
    if (num < 0n && a * den !== num) a -= 1n; // floor for negatives
    [p0, q0, p1, q1] = [p1, q1, a * p1 + p0, a * q1 + q0];
    if (q1 > maxDen) break;
    out.push(Rational.of(p1, q1));
    [num, den] = [den, num - a * den];
  }
  return out;
}

/** Simpler values near x, simplest first (all strictly simpler than x; >= 0 when nonneg,
 *  > 0 when positive). */
export function simplerValues(x: Num, nonneg: boolean, positive = false): Num[] {
  const r = toRational(x);
  const asFloat = typeof x === 'number';
  const cands: Rational[] = [Rational.ZERO, Rational.ONE, Rational.ONE.neg()];
  const floor = r.num >= 0n ? r.num / r.den : -((-r.num + r.den - 1n) / r.den);
  cands.push(Rational.of(floor), Rational.of(floor + 1n));
  for (const q of [2n, 4n, 8n, 3n]) {
    const s = r.mul(Rational.of(q));
    const f = s.num >= 0n ? s.num / s.den : -((-s.num + s.den - 1n) / s.den);
    cands.push(Rational.of(f, q), Rational.of(f + 1n, q));
  }
  cands.push(...convergents(r));
  const c0 = complexity(r);
  const seen = new Set<string>();
  const keep: { v: Num; c: number; d: number }[] = [];
  for (const c of cands) {
    const key = c.toString();
    if (seen.has(key) || c.eq(r)) continue;
    seen.add(key);
    if ((nonneg && c.sign() < 0) || (positive && c.sign() <= 0)) continue;
    // a double input keeps double entries: only fractions a double holds exactly
    if (asFloat && !Rational.fromNumber(c.toNumber()).eq(c)) continue;
    const cx = complexity(c);
    if (cx >= c0) continue;
    keep.push({ v: asFloat ? c.toNumber() : c, c: cx, d: Math.abs(c.sub(r).toNumber()) });
  }
  keep.sort((a, b) => a.c - b.c || a.d - b.d);
  return keep.map((k) => k.v);
}

/** Removes row and column i of a square matrix (keeps symmetry). */
function dropRowCol(M: Matrix<Num>, i: number): Matrix<Num> {
  const n = M.rows;
  const data: Num[] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (r !== i && c !== i) data.push(M.data[r * n + c]!);
  return { rows: n - 1, cols: n - 1, data };
}

function dropRow(X: Matrix<Num>, i: number): Matrix<Num> {
  return { rows: X.rows - 1, cols: X.cols, data: X.data.filter((_, k) => Math.floor(k / X.cols) !== i) };
}

function dropCol(X: Matrix<Num>, j: number): Matrix<Num> {
  return { rows: X.rows, cols: X.cols - 1, data: X.data.filter((_, k) => k % X.cols !== j) };
}

/**
 * Smaller inputs of the same kind, for the kinds whose sizes live in the input alone
 * (Lemma A.2's square M with its m, n, and block X). fast-check shrinks sizes too, but a
 * matrix read row-major from a flat buffer changes all its entries when a size shrinks, so
 * a failure that sits in one entry rarely survives that; deleting a row and column does
 * keep it. Kinds with a loss (whose sizes are tied to the loss data) are left to fast-check.
 */
export function smallerSizes(input: unknown): unknown[] {
  if (!input || typeof input !== 'object') return [];
  const x = input as Record<string, unknown>;
  const out: unknown[] = [];
  if (typeof x.m === 'number' && typeof x.n === 'number' && isMatrix(x.M) && !('loss' in x)) {
    const { m, n } = x as { m: number; n: number };
    for (let i = 0; i < m + n; i++) {
      if (i < m && m > 1) out.push({ ...x, m: m - 1, M: dropRowCol(x.M, i) });
      if (i >= m && n > 1) out.push({ ...x, n: n - 1, M: dropRowCol(x.M, i) });
    }
  } else if (isMatrix(x.X) && Object.keys(x).length === 1) {
    const X = x.X;
    for (let i = 0; X.rows > 1 && i < X.rows; i++) out.push({ X: dropRow(X, i) });
    for (let j = 0; X.cols > 1 && j < X.cols; j++) out.push({ X: dropCol(X, j) });
  }
  return out;
}

export function simplify(input: unknown, opts: SimplifyOptions): Simplified {
  let cur = input;
  let steps = 0;
  let tried = 0;
  const ok = (cand: unknown): boolean => {
    tried++;
    try {
      return opts.stillFails(cand);
    } catch {
      return false;
    }
  };
  // sizes first: a smaller input is the bigger simplification
  for (let shrunk = true; shrunk; ) {
    shrunk = false;
    for (const cand of smallerSizes(cur)) {
      if (performance.now() >= opts.deadline) return { input: cur, steps, tried, timedOut: true };
      if (ok(cand)) {
        cur = cand;
        steps++;
        shrunk = true;
        break;
      }
    }
  }
  const coords: Coord[] = coordinates(cur, { enforced: opts.enforced });
  const sweeps = opts.maxSweeps ?? 3;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let changed = false;
    for (const c of coords) {
      for (const v of simplerValues(getCoord(cur, c), c.nonneg, c.positive)) {
        if (performance.now() >= opts.deadline) return { input: cur, steps, tried, timedOut: true };
        const next = setCoords(cur, [c], [v]);
        if (ok(next)) {
          cur = next;
          steps++;
          changed = true;
          break; // candidates are simplest first: the first that fails is the one to keep
        }
      }
    }
    if (!changed) break;
  }
  return { input: cur, steps, tried, timedOut: false };
}
