/**
 * Structural shrinking, the pass after fast-check's (or after an ascent, whose failures come
 * as arbitrary doubles): as long as the input still fails,
 *  1. sizes: delete a row of B (row i of W = BA, with row i of C, of H's eigenvalues and of
 *     its Householder vectors: the loss shrinks with it), a column of A (column j of W), a
 *     column of V (the rank r), a Householder reflection, or steps of a run (T); zero rows
 *     and columns are tried first, and the largest cut first (T -> 1 before T - 1);
 *  2. entries: replace each value, the loss's numbers included, by the simplest rational that
 *     keeps the failure, in Stern-Brocot order (0, then +-1, then the nodes of the
 *     Stern-Brocot tree on the path to the value: each is the simplest rational of an interval
 *     around the value, so the first one that still fails is the simplest within the failing
 *     interval around it);
 *  3. sizes again (a zeroed row can now go), until nothing changes or the time is up.
 * A deletion that loses the failure can be repaired: the caller's `repair` re-optimises the
 * smaller input (a short ascent) and the point it reaches is re-confirmed like any candidate;
 * so a failure that needs, say, a far entry of C coupled in by a reflection can move into the
 * entries that remain.
 * fast-check shrinks along the generator's structure; a matrix read row-major from a flat
 * buffer changes all its entries when a size shrinks, so a failure that sits in one entry
 * rarely survives that, while deleting the row does keep it. Only coordinates move
 * (slots.ts), so symmetry and signs a kept hypothesis needs are kept; the caller's
 * `stillFails` re-confirms every step in exact or precise arithmetic and checks the
 * hypotheses that were not dropped (moving L or the loss's data can break them).
 */
import type { Num } from '../../numeric/field.ts';
import type { Matrix } from '../../numeric/matrix.ts';
import { Rational } from '../../numeric/rational.ts';
import { coordinates, getCoord, isMatrix, setCoords } from './slots.ts';

interface SimplifyOptions {
  enforced: ReadonlySet<string>;
  /** True when the candidate input is still a confirmed failure (and keeps the hypotheses). */
  stillFails(input: unknown): boolean;
  /** performance.now() deadline. */
  deadline: number;
  /** Sweeps over all coordinates (default 3). */
  maxSweeps?: number;
  /** A smaller input that no longer fails may fail again after its entries move: `repair`
   *  re-optimises it (violation.ts: a short ascent of the claim's score) and returns the point it
   *  reached, which must then pass `stillFails` like any candidate. */
  repair?(input: unknown): unknown | undefined;
}

interface Simplified {
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

/**
 * The Stern-Brocot path to r: every mediant the descent from 0/1, 1/0 visits (the semiconvergents
 * of r), simplest first, stopping at denominators above maxDen; r >= 0. Long runs of one
 * continued-fraction term are sampled (their ends and powers of two between), so that a value
 * like 1e-9 costs a few dozen nodes, not a billion.
 */
export function sternBrocotPath(r: Rational, maxDen = 1024n): Rational[] {
  if (r.sign() < 0) return sternBrocotPath(r.neg(), maxDen).map((x) => x.neg());
  const out: Rational[] = [];
  let [p0, q0, p1, q1] = [0n, 1n, 1n, 0n]; // convergents p_{k-2}/q_{k-2}, p_{k-1}/q_{k-1}
  let num = r.num;
  let den = r.den;
  for (let i = 0; i < 64 && den !== 0n; i++) {
    const a = num / den;
    // semiconvergents (p0 + j p1) / (q0 + j q1), j = 1..a (j = a is the convergent)
    const js: bigint[] = [];
    for (let j = 1n; j <= a; j = j < 8n ? j + 1n : j * 2n) js.push(j);
    if (js[js.length - 1] !== a && a > 0n) js.push(a);
    for (const j of js) {
      const q = q0 + j * q1;
      if (q > maxDen) return out;
      if (q > 0n) out.push(Rational.of(p0 + j * p1, q));
    }
    [p0, q0, p1, q1] = [p1, q1, a * p1 + p0, a * q1 + q0];
    [num, den] = [den, num - a * den];
  }
  return out;
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
  cands.push(...sternBrocotPath(r));
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

const isZeroNum = (v: Num) => (typeof v === 'number' ? v === 0 : v.isZero());

/** A loss descriptor on (m - 1) x n (row i of W deleted) or m x (n - 1) (column j deleted):
 *  the same family with the matching entries of C, of H's eigenvalues d and of its Householder
 *  vectors u (indexed like vec W, row-major) removed; undefined for families it cannot cut. */
function cutLoss(loss: Record<string, unknown>, what: 'row' | 'col', k: number): Record<string, unknown> | undefined {
  const m = loss.m as number;
  const n = loss.n as number;
  if (what === 'row' ? m <= 1 : n <= 1) return undefined;
  if (!isMatrix(loss.C)) return undefined;
  const keep = (idx: number) => (what === 'row' ? Math.floor(idx / n) !== k : idx % n !== k);
  const out: Record<string, unknown> = { ...loss, C: what === 'row' ? dropRow(loss.C, k) : dropCol(loss.C, k) };
  if (what === 'row') out.m = m - 1;
  else out.n = n - 1;
  if (loss.family === 'quadratic') {
    const d = (loss.d as Num[]).filter((_, idx) => keep(idx));
    if (d.every(isZeroNum)) return undefined; // a loss with H = 0: G = 0, nothing can fail
    out.d = d;
    out.u = (loss.u as Num[][]).map((u) => u.filter((_, idx) => keep(idx))).filter((u) => !u.every(isZeroNum));
  } else if (!['pseudo-huber', 'log-cosh', 'logistic'].includes(loss.family as string)) return undefined;
  return out;
}

function isZeroRow(X: Matrix<Num>, i: number): boolean {
  return X.data.slice(i * X.cols, (i + 1) * X.cols).every(isZeroNum);
}

function isZeroCol(X: Matrix<Num>, j: number): boolean {
  for (let i = 0; i < X.rows; i++) if (!isZeroNum(X.data[i * X.cols + j]!)) return false;
  return true;
}

/** Smaller inputs of a kind with a loss and V = [B; A^T] (lora, lora-pair, lora-run, and
 *  loss-point's W): fewer rows of B / W, fewer columns of A / W, lower rank, fewer reflections,
 *  fewer steps. The ones that delete only zeros come first. */
function smallerLoraInputs(x: Record<string, unknown>): unknown[] {
  const loss = x.loss as Record<string, unknown>;
  const m = loss.m as number;
  const n = loss.n as number;
  const Vkeys = ['V', 'V1', 'V2', 'V0'].filter((k) => isMatrix(x[k]));
  const Ws = isMatrix(x.W) ? ['W'] : [];
  const zeroFirst: unknown[] = [];
  const rest: unknown[] = [];
  const push = (cand: unknown, zero: boolean) => (zero ? zeroFirst : rest).push(cand);
  // fewer steps of a run first (T -> 1, T / 2, T - 1): every later confirmation is cheaper
  const fewerSteps: unknown[] = [];
  if (typeof x.T === 'number' && x.T > 1) for (const T of [...new Set([1, Math.floor(x.T / 2), x.T - 1])]) if (T >= 1 && T < x.T) fewerSteps.push({ ...x, T });
  // fewer Householder reflections
  if (Array.isArray(loss.u)) (loss.u as unknown[]).forEach((_, i) => rest.push({ ...x, loss: { ...loss, u: (loss.u as unknown[]).filter((__, j) => j !== i) } }));
  // lower rank: delete column c of every V
  const r = Vkeys.length ? (x[Vkeys[0]!] as Matrix<Num>).cols : 0;
  for (let c = 0; r > 1 && c < r; c++) {
    const cand: Record<string, unknown> = { ...x };
    for (const k of Vkeys) cand[k] = dropCol(x[k] as Matrix<Num>, c);
    push(cand, Vkeys.every((k) => isZeroCol(x[k] as Matrix<Num>, c)));
  }
  // row i of W: row i of B (row i of V) and of C, d, u
  for (let i = 0; i < m; i++) {
    const cut = cutLoss(loss, 'row', i);
    if (!cut) continue;
    const cand: Record<string, unknown> = { ...x, loss: cut };
    for (const k of Vkeys) cand[k] = dropRow(x[k] as Matrix<Num>, i);
    for (const k of Ws) cand[k] = dropRow(x[k] as Matrix<Num>, i);
    push(cand, Vkeys.every((k) => isZeroRow(x[k] as Matrix<Num>, i)) && Ws.every((k) => isZeroRow(x[k] as Matrix<Num>, i)));
  }
  // column j of W: row m + j of V (row j of A^T), column j of C, d, u
  for (let j = 0; j < n; j++) {
    const cut = cutLoss(loss, 'col', j);
    if (!cut) continue;
    const cand: Record<string, unknown> = { ...x, loss: cut };
    for (const k of Vkeys) cand[k] = dropRow(x[k] as Matrix<Num>, m + j);
    for (const k of Ws) cand[k] = dropCol(x[k] as Matrix<Num>, j);
    push(cand, Vkeys.every((k) => isZeroRow(x[k] as Matrix<Num>, m + j)) && Ws.every((k) => isZeroCol(x[k] as Matrix<Num>, j)));
  }
  return [...fewerSteps, ...zeroFirst, ...rest];
}

/**
 * Smaller inputs of the same kind: Lemma A.2's square M with its m, n (a row and column of M
 * together) and block X; the kinds with a single-matrix loss (smallerLoraInputs). Two-matrix
 * inputs (Lemma 3.6, Sec. 3.2) are left to fast-check.
 */
export function smallerSizes(input: unknown): unknown[] {
  if (!input || typeof input !== 'object') return [];
  const x = input as Record<string, unknown>;
  const out: unknown[] = [];
  const loss = x.loss as Record<string, unknown> | undefined;
  if (loss && typeof loss === 'object' && typeof loss.m === 'number' && typeof loss.n === 'number') return smallerLoraInputs(x);
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
  const late = () => performance.now() >= opts.deadline;
  /** Sizes: a smaller input is the bigger simplification. */
  const shrinkSizes = (): boolean => {
    let any = false;
    for (let shrunk = true; shrunk; ) {
      shrunk = false;
      for (const cand of smallerSizes(cur)) {
        if (late()) return any;
        let next: unknown = ok(cand) ? cand : undefined;
        if (next === undefined && opts.repair) {
          const fixed = opts.repair(cand);
          if (fixed !== undefined && ok(fixed)) next = fixed;
        }
        if (next !== undefined) {
          cur = next;
          steps++;
          shrunk = any = true;
          break;
        }
      }
    }
    return any;
  };
  /** Entries, the loss's numbers included: the simplest value that keeps the failure. */
  const simplifyEntries = (): boolean => {
    let any = false;
    const sweeps = opts.maxSweeps ?? 3;
    for (let sweep = 0; sweep < sweeps; sweep++) {
      let changed = false;
      for (const c of coordinates(cur, { enforced: opts.enforced, loss: true })) {
        for (const v of simplerValues(getCoord(cur, c), c.nonneg, c.positive)) {
          if (late()) return any;
          const next = setCoords(cur, [c], [v]);
          if (ok(next)) {
            cur = next;
            steps++;
            changed = any = true;
            break; // candidates are simplest first: the first that fails is the one to keep
          }
        }
      }
      if (!changed) break;
    }
    return any;
  };
  for (let round = 0; round < 4; round++) {
    shrinkSizes();
    const simpler = simplifyEntries();
    if (late()) return { input: cur, steps, tried, timedOut: true };
    if (!simpler) break;
  }
  return { input: cur, steps, tried, timedOut: false };
}

/**
 * The simplest rational in [lo, hi] (lo <= hi): the first node of the Stern-Brocot tree that
 * falls in the interval, found by continued-fraction descent (so it is fast even for tiny
 * intervals). Simplest = smallest denominator, then smallest |numerator|.
 */
export function simplestIn(lo: Rational, hi: Rational): Rational {
  if (lo.cmp(hi) > 0) throw new RangeError(`simplestIn: argument lo must be <= hi, got ${lo} > ${hi}`);
  if (lo.sign() <= 0 && hi.sign() >= 0) return Rational.ZERO;
  if (hi.sign() < 0) return simplestIn(hi.neg(), lo.neg()).neg();
  // 0 < lo <= hi: the classic recursion on continued fractions
  const fl = lo.num / lo.den; // floor(lo)
  if (Rational.of(fl).cmp(lo) === 0) return lo; // lo is an integer
  if (Rational.of(fl + 1n).cmp(hi) <= 0) return Rational.of(fl + 1n); // an integer in (lo, hi]
  // lo, hi share the integer part fl: fl + 1 / simplestIn(1/(hi - fl), 1/(lo - fl))
  const f = Rational.of(fl);
  const inner = simplestIn(Rational.ONE.div(hi.sub(f)), Rational.ONE.div(lo.sub(f)));
  return f.add(Rational.ONE.div(inner));
}
