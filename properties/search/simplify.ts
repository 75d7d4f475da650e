/**
 * The second, greedy shrinking pass after fast-check's: entry by entry, replace a value by
 * a simpler one (0, +-1, a nearby integer, a nearby fraction with a small denominator) as
 * long as the input still fails. fast-check shrinks along the generator's structure; this
 * pass reaches simple values the generator's shrink tree does not (e.g. a float64 entry
 * 0.7071... -> 1, or p/q -> a convergent with a smaller denominator).
 *
 * Only coordinates move (slots.ts), so sizes, the loss, symmetry and signs are kept; the
 * caller's `stillFails` re-confirms every step in exact or precise arithmetic and may check
 * the hypotheses too.
 */
import type { Num } from '../../numeric/field.ts';
import { Rational } from '../../numeric/rational.ts';
import { coordinates, getCoord, setCoords, type Coord } from './slots.ts';

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

/** Simpler values near x, simplest first (all strictly simpler than x; >= 0 when nonneg). */
export function simplerValues(x: Num, nonneg: boolean): Num[] {
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
    if (nonneg && c.sign() < 0) continue;
    // a double input keeps double entries: only fractions a double holds exactly
    if (asFloat && !Rational.fromNumber(c.toNumber()).eq(c)) continue;
    const cx = complexity(c);
    if (cx >= c0) continue;
    keep.push({ v: asFloat ? c.toNumber() : c, c: cx, d: Math.abs(c.sub(r).toNumber()) });
  }
  keep.sort((a, b) => a.c - b.c || a.d - b.d);
  return keep.map((k) => k.v);
}

export function simplify(input: unknown, opts: SimplifyOptions): Simplified {
  let cur = input;
  let steps = 0;
  let tried = 0;
  const coords: Coord[] = coordinates(input, { enforced: opts.enforced });
  const sweeps = opts.maxSweeps ?? 3;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let changed = false;
    for (const c of coords) {
      for (const v of simplerValues(getCoord(cur, c), c.nonneg)) {
        if (performance.now() >= opts.deadline) return { input: cur, steps, tried, timedOut: true };
        const next = setCoords(cur, [c], [v]);
        tried++;
        let ok = false;
        try {
          ok = opts.stillFails(next);
        } catch {
          ok = false;
        }
        if (ok) {
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
