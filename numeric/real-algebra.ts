/**
 * Exact algebraic sign decisions for the `exact` field (numeric/real.ts), used when interval
 * enclosures cannot separate a value from 0 (exact ties such as sqrt(8) - 2 sqrt(2), or
 * near-ties). Internal to numeric/: real.ts is the public face.
 *
 * Normal form: a finite sum  sum_i q_i * u_i^(1/6)  with rational q_i and integers u_i >= 1
 * (a Poly, keyed by u). Since sqrt(r) = (r^3)^(1/6) and cbrt(s) = (s^2)^(1/6), sums of square
 * roots, cube roots and the sixth roots of (22) (the cube root of q sqrt 2) all have this form.
 *
 * Sign of a Poly:
 *  - terms whose u differ by a rational cube form one "cube class" u_rep^(1/6) * S with
 *    S = sum q_i sqrt(c_i), c_i rational;
 *  - the sign of S is decided over a pairwise coprime base b_1..b_k of the radicands
 *    (gcd refinement, no factoring): S = A + B sqrt(b_k) with A, B free of b_k, and
 *    sign(S) = sign(A) when signs agree, else sign(A) * sign(A^2 - b_k B^2) (recursing on
 *    fewer base elements, so it terminates);
 *  - two classes G1 + G2 of opposite signs compare |G1|^6 = u_1 S_1^6 with u_2 S_2^6.
 * Anything else (three or more cube classes, roots the form cannot hold): undefined.
 *
 * Before the normal form, the cheaper monomial view (end of this file) is tried: it needs no
 * normal form of the opaque subexpressions, only their certified signs.
 */
import type { Sign } from './field.ts';
import { IntervalArith, type Interval } from './precise.ts';
import { cbrtExact, icbrtFast as icbrt, isqrtFast as isqrt, sqrtExact } from './bigmath.ts';
import { Rational, gcd } from './rational.ts';

/** The structural view of a RealNode (numeric/real.ts) this module needs. */
interface AlgebraNode {
  readonly op: string;
  readonly a: Rational | AlgebraNode;
  readonly b: Rational | AlgebraNode | undefined;
  readonly k: number;
  readonly weight: number;
  /** Memo slots owned by this module (Poly normal form; monomial view). */
  normal: unknown;
  mono: unknown;
}

export type Leaf = Rational | AlgebraNode;

/** Callbacks into the field (so that this module does not import real.ts). */
export interface AlgebraHooks {
  sign(x: Leaf): Sign;
  sub(a: Leaf, b: Leaf): Leaf;
  /** Digits of the quick enclosures used to prune the case-splits. */
  digits: number;
  /** Charges `cost` units of work to the caller's budget; throws when it is spent. */
  tick?(cost: number): void;
}

/** The running decision's budget (set by algebraicSign for its duration; free outside it). */
let tick: (cost: number) => void = () => {};

/** Expressions larger than this (tree size) are left to the interval refinement. */
const MAX_WEIGHT = 1000;
/** A normal form with more terms is abandoned (undefined, never a guess). */
const MAX_TERMS = 256;
/** At most this many coprime radicands (the case-split costs up to 3^k sub-decisions). */
const MAX_BASE = 10;

type Poly = Map<bigint, Rational>;
type MaskPoly = Map<number, Rational>;

/** Decides the sign of x exactly, or undefined when x is outside the normal form. */
export function algebraicSign(x: AlgebraNode, hooks: AlgebraHooks): Sign {
  const outerTick = tick;
  if (hooks.tick) tick = hooks.tick;
  try {
    // the monomial view first: cheap (it never expands a product of sums), and it needs no
    // normal form of the opaque parts, so it also works on expressions too large for a Poly
    const m = monomialSign(x, hooks);
    if (m !== undefined) return m;
    if (x.weight > MAX_WEIGHT) return undefined;
    const P = normalise(x, hooks);
    return P ? polySign(P, hooks.digits) : undefined;
  } finally {
    tick = outerTick;
  }
}

// ---------------------------------------------------------------------------------------
// Integer helpers

const SMALL_PRIMES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 53n, 59n, 61n, 67n, 71n, 73n, 79n, 83n, 89n, 97n];

/** u = c^6 * w with small-prime sixth powers (and a perfect sixth-power rest) pulled out. */
function pull6(u: bigint): [bigint, bigint] {
  let c = 1n;
  let w = u;
  if (w === 1n) return [1n, 1n];
  for (const p of SMALL_PRIMES) {
    const p6 = p ** 6n;
    if (w < p6) break;
    while (w % p6 === 0n) {
      w /= p6;
      c *= p;
    }
  }
  const r = isqrt(w);
  if (r * r === w) {
    const t = icbrt(r);
    if (t * t * t === r) return [c * t, 1n];
  }
  return [c, w];
}

function ratPow(q: Rational, k: number): Rational {
  return q.pow(k);
}

// ---------------------------------------------------------------------------------------
// Polys: sum q * u^(1/6)

function addTerm(P: Poly, u: bigint, q: Rational): void {
  if (q.isZero()) return;
  const [c, w] = pull6(u);
  const coef = c === 1n ? q : q.mul(Rational.of(c));
  const prev = P.get(w);
  const next = prev ? prev.add(coef) : coef;
  if (next.isZero()) P.delete(w);
  else P.set(w, next);
}

function constP(q: Rational): Poly {
  const P: Poly = new Map();
  if (!q.isZero()) P.set(1n, q);
  return P;
}

function addP(A: Poly, B: Poly, s: 1 | -1): Poly {
  tick(B.size);
  const out: Poly = new Map(A);
  for (const [u, q] of B) addTerm(out, u, s === 1 ? q : q.neg());
  return out;
}

function scaleP(A: Poly, q: Rational): Poly {
  const out: Poly = new Map();
  if (q.isZero()) return out;
  for (const [u, c] of A) out.set(u, c.mul(q));
  return out;
}

function mulP(A: Poly, B: Poly): Poly | null {
  if (A.size * B.size > MAX_TERMS * 8) return null;
  tick(A.size * B.size);
  const out: Poly = new Map();
  for (const [u1, q1] of A)
    for (const [u2, q2] of B) {
      const q = q1.mul(q2);
      if (u1 === 1n) addTerm(out, u2, q);
      else if (u2 === 1n) addTerm(out, u1, q);
      else {
        // u1 u2 = g^2 (u1/g)(u2/g): pulls shared factors out cheaply (sqrt(a) sqrt(ab) = a sqrt(b))
        const g = gcd(u1, u2);
        if (g === 1n) addTerm(out, u1 * u2, q);
        else {
          const [c, w] = pull6(g * g);
          addTerm(out, w * (u1 / g) * (u2 / g), c === 1n ? q : q.mul(Rational.of(c)));
        }
      }
    }
  return out.size > MAX_TERMS ? null : out;
}

/** sqrt(n/d) = sqrt(n d) / d = ((n d)^3)^(1/6) / d, for n/d >= 0. */
function sqrtRat(x: Rational): Poly {
  const P: Poly = new Map();
  if (x.isZero()) return P;
  const nd = x.num * x.den;
  addTerm(P, nd * nd * nd, Rational.of(1n, x.den));
  return P;
}

/** cbrt(n/d) = sign * cbrt(|n| d^2) / d = sign * ((|n| d^2)^2)^(1/6) / d. */
function cbrtRat(x: Rational): Poly {
  const P: Poly = new Map();
  if (x.isZero()) return P;
  const n = x.num < 0n ? -x.num : x.num;
  const m = n * x.den * x.den;
  addTerm(P, m * m, Rational.of(x.num < 0n ? -1n : 1n, x.den));
  return P;
}

function single(P: Poly): [bigint, Rational] | undefined {
  if (P.size !== 1) return undefined;
  return P.entries().next().value as [bigint, Rational];
}

/** 1/P for one term, or two terms x + y via (x^5 - x^4 y + ... - y^5) / (x^6 - y^6). */
function invP(P: Poly): Poly | null {
  if (P.size === 1) {
    const [u, q] = single(P)!;
    // 1/(q u^(1/6)) = (u^5)^(1/6) / (q u)
    const out: Poly = new Map();
    addTerm(out, u ** 5n, q.mul(Rational.of(u)).inv());
    return out;
  }
  if (P.size !== 2) return null;
  const [[ux, qx], [uy, qy]] = [...P.entries()] as [[bigint, Rational], [bigint, Rational]];
  const den = ratPow(qx, 6).mul(Rational.of(ux)).sub(ratPow(qy, 6).mul(Rational.of(uy)));
  if (den.isZero()) return null;
  const x: Poly = new Map([[ux, qx]]);
  const y: Poly = new Map([[uy, qy]]);
  const xs: Poly[] = [constP(Rational.ONE)];
  const ys: Poly[] = [constP(Rational.ONE)];
  for (let i = 1; i <= 5; i++) {
    const nx = mulP(xs[i - 1]!, x);
    const ny = mulP(ys[i - 1]!, y);
    if (!nx || !ny) return null;
    xs.push(nx);
    ys.push(ny);
  }
  let num: Poly = new Map();
  for (let i = 0; i <= 5; i++) {
    const t = mulP(xs[5 - i]!, ys[i]!);
    if (!t) return null;
    num = addP(num, t, i % 2 === 0 ? 1 : -1);
  }
  return scaleP(num, den.inv());
}

function powP(P: Poly, k: number): Poly | null {
  if (k === 0) return constP(Rational.ONE);
  if (k < 0) {
    const inv = invP(P);
    return inv ? powP(inv, -k) : null;
  }
  let result: Poly | null = constP(Rational.ONE);
  let base: Poly | null = P;
  let e = k;
  while (e > 0 && result && base) {
    if (e & 1) result = mulP(result, base);
    e = Math.floor(e / 2);
    if (e > 0) base = mulP(base, base);
  }
  return result && base ? result : null;
}

function sqrtP(P: Poly): Poly | null {
  if (P.size === 0) return P;
  const one = single(P);
  if (one) {
    const [u, q] = one;
    if (q.sign() < 0) return null;
    if (u === 1n) return sqrtRat(q);
    // sqrt(q u^(1/6)) = sqrt(q) (w^2)^(1/12) = sqrt(q) w^(1/6) when u = w^2
    const w = isqrt(u);
    return w * w === u ? mulP(sqrtRat(q), new Map([[w, Rational.ONE]])) : null;
  }
  if (P.size === 2 && P.has(1n)) {
    // denesting: sqrt(a + b sqrt(c)) = sqrt((a+d)/2) + sgn(b) sqrt((a-d)/2) when a^2 - b^2 c = d^2
    const a = P.get(1n)!;
    const [u, b] = [...P.entries()].find(([k]) => k !== 1n)!;
    const c = icbrt(u);
    if (c * c * c !== u || a.sign() <= 0) return null;
    const d = sqrtExact(a.mul(a).sub(b.mul(b).mul(Rational.of(c))));
    if (!d) return null;
    const half = Rational.of(1n, 2n);
    return addP(sqrtRat(a.add(d).mul(half)), sqrtRat(a.sub(d).mul(half)), b.sign() < 0 ? -1 : 1);
  }
  return null;
}

function cbrtP(P: Poly): Poly | null {
  if (P.size === 0) return P;
  const one = single(P);
  if (!one) return null;
  const [u, q] = one;
  if (u === 1n) return cbrtRat(q);
  // cbrt(q u^(1/6)) = cbrt(q) w^(1/6) when u = w^3
  const w = icbrt(u);
  return w * w * w === u ? mulP(cbrtRat(q), new Map([[w, Rational.ONE]])) : null;
}

function normalise(x: Leaf, hooks: AlgebraHooks): Poly | null {
  if (x instanceof Rational) return constP(x);
  if (x.normal !== undefined) return x.normal as Poly | null;
  const P = computeNormal(x, hooks);
  const out = P && P.size <= MAX_TERMS ? P : null;
  x.normal = out;
  return out;
}

function computeNormal(x: AlgebraNode, hooks: AlgebraHooks): Poly | null {
  tick(1);
  const A = normalise(x.a, hooks);
  if (!A) return null;
  switch (x.op) {
    case 'neg':
      return scaleP(A, Rational.of(-1n));
    case 'sqrt':
      return sqrtP(A);
    case 'cbrt':
      return cbrtP(A);
    case 'pow':
      return powP(A, x.k);
    case 'abs': {
      const s = hooks.sign(x.a);
      if (s === undefined) return null;
      return s >= 0 ? A : scaleP(A, Rational.of(-1n));
    }
  }
  const b = x.b!;
  switch (x.op) {
    case 'min':
    case 'max': {
      const s = hooks.sign(hooks.sub(x.a, b));
      if (s === undefined) return null;
      const pickA = x.op === 'min' ? s <= 0 : s >= 0;
      return pickA ? A : normalise(b, hooks);
    }
  }
  const B = normalise(b, hooks);
  if (!B) return null;
  switch (x.op) {
    case 'add':
      return addP(A, B, 1);
    case 'sub':
      return addP(A, B, -1);
    case 'mul':
      return mulP(A, B);
    case 'div': {
      const inv = B.size === 0 ? null : invP(B);
      return inv ? mulP(A, inv) : null;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Sign of a Poly

function polySign(P: Poly, digits: number): Sign {
  tick(P.size);
  const terms = [...P.entries()].filter(([, q]) => !q.isZero());
  if (terms.length === 0) return 0;
  if (terms.length === 1) return terms[0]![1].sign();
  const Ar = IntervalArith.at(digits);
  let sum: Interval = Ar.ZERO;
  for (const [u, q] of terms) {
    const t = u === 1n ? Ar.fromRational(q) : Ar.mul(Ar.fromRational(q), Ar.sqrt(Ar.cbrt(Ar.fromBigInt(u))));
    sum = Ar.add(sum, t);
  }
  const quick = Ar.sign(sum);
  if (quick !== undefined) return quick;

  // cube classes: u = rep * c^3 => u^(1/6) = rep^(1/6) * sqrt(c)
  const classes: { rep: bigint; items: [Rational, Rational][] }[] = [];
  for (const [u, q] of terms) {
    const cl = classes.find((k) => cbrtExact(Rational.of(u, k.rep)) !== undefined);
    if (cl) cl.items.push([cbrtExact(Rational.of(u, cl.rep))!, q]);
    else classes.push({ rep: u, items: [[Rational.ONE, q]] });
  }
  if (classes.length > 2) return undefined;
  // sqrt(n/d) = sqrt(n d) / d: integer radicands
  const sums = classes.map((cl) => cl.items.map(([c, q]) => [c.num * c.den, q.div(Rational.of(c.den))] as [bigint, Rational]));
  const base = coprimeBase(sums.flat().map(([r]) => r));
  if (!base) return undefined;
  const masks = sums.map((s) => toMask(s, base));
  if (masks.some((m) => m === null)) return undefined;
  const [M1, M2] = masks as MaskPoly[];
  const s1 = maskSign(M1!, base, digits);
  if (classes.length === 1 || s1 === undefined) return s1;
  const s2 = maskSign(M2!, base, digits);
  if (s2 === undefined) return undefined;
  if (s2 === 0) return s1;
  if (s1 === 0 || s1 === s2) return s2;
  // opposite signs: compare |G1|^6 = rep1 S1^6 with |G2|^6 = rep2 S2^6
  const p1 = maskPow6(M1!, base);
  const p2 = maskPow6(M2!, base);
  if (!p1 || !p2) return undefined;
  const D = maskAdd(maskScale(p1, Rational.of(classes[0]!.rep)), maskScale(p2, Rational.of(classes[1]!.rep)), -1);
  const sD = maskSign(D, base, digits);
  return sD === undefined ? undefined : sD === 0 ? 0 : ((s1 * sD) as Sign);
}

/** Pairwise coprime integers > 1 of which every radicand is a product (gcd refinement; no factoring). */
function coprimeBase(nums: readonly bigint[]): bigint[] | null {
  const list: bigint[] = [];
  for (const n of nums) if (n > 1n && !list.includes(n)) list.push(n);
  // Each refinement replaces x, y by x/g, g, y/g: the product of the list strictly drops, so this ends.
  for (let guard = 0; ; guard++) {
    tick(list.length);
    if (guard > 100_000) return null;
    let done = true;
    search: for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const g = gcd(list[i]!, list[j]!);
        if (g === 1n) continue;
        const x = list[i]! / g;
        const y = list[j]! / g;
        list.splice(j, 1);
        list.splice(i, 1);
        for (const v of [x, g, y]) if (v > 1n && !list.includes(v)) list.push(v);
        done = false;
        break search;
      }
    if (done) break;
  }
  // b = c^2 => use c (same prime support, so the base stays coprime)
  const base = list.map((b) => {
    let x = b;
    for (let r = isqrt(x); r > 1n && r * r === x; r = isqrt(x)) x = r;
    return x;
  });
  return base.length > MAX_BASE ? null : base;
}

/** sum q sqrt(r) over the base: r = s^2 * prod_{j in mask} b_j. */
function toMask(terms: readonly [bigint, Rational][], base: readonly bigint[]): MaskPoly | null {
  const out: MaskPoly = new Map();
  for (const [r0, q0] of terms) {
    let r = r0;
    let q = q0;
    let mask = 0;
    base.forEach((b, j) => {
      let e = 0;
      while (r % b === 0n) {
        r /= b;
        e++;
      }
      if (e >= 2) q = q.mul(Rational.of(b ** BigInt(e >> 1)));
      if (e & 1) mask |= 1 << j;
    });
    if (r !== 1n) return null;
    addMask(out, mask, q);
  }
  return out;
}

function addMask(M: MaskPoly, mask: number, q: Rational): void {
  if (q.isZero()) return;
  const prev = M.get(mask);
  const next = prev ? prev.add(q) : q;
  if (next.isZero()) M.delete(mask);
  else M.set(mask, next);
}

function maskAdd(A: MaskPoly, B: MaskPoly, s: 1 | -1): MaskPoly {
  const out: MaskPoly = new Map(A);
  for (const [m, q] of B) addMask(out, m, s === 1 ? q : q.neg());
  return out;
}

function maskScale(A: MaskPoly, q: Rational): MaskPoly {
  const out: MaskPoly = new Map();
  if (!q.isZero()) for (const [m, c] of A) out.set(m, c.mul(q));
  return out;
}

function maskProduct(mask: number, base: readonly bigint[]): bigint {
  let p = 1n;
  for (let j = 0; j < base.length; j++) if (mask & (1 << j)) p *= base[j]!;
  return p;
}

/** sqrt(prod_{m1}) sqrt(prod_{m2}) = prod_{m1 & m2} * sqrt(prod_{m1 ^ m2}). */
function maskMul(A: MaskPoly, B: MaskPoly, base: readonly bigint[]): MaskPoly {
  tick(A.size * B.size);
  const out: MaskPoly = new Map();
  for (const [m1, q1] of A)
    for (const [m2, q2] of B) {
      const common = m1 & m2;
      const q = q1.mul(q2);
      addMask(out, m1 ^ m2, common === 0 ? q : q.mul(Rational.of(maskProduct(common, base))));
    }
  return out;
}

function maskPow6(M: MaskPoly, base: readonly bigint[]): MaskPoly | null {
  const sq = maskMul(M, M, base);
  const cube = maskMul(sq, M, base);
  return maskMul(cube, cube, base);
}

function maskSign(M: MaskPoly, base: readonly bigint[], digits: number): Sign {
  tick(M.size);
  const entries = [...M.entries()].filter(([, q]) => !q.isZero());
  if (entries.length === 0) return 0;
  if (entries.length === 1) return entries[0]![1].sign();
  // prune with one enclosure: most sub-decisions are not ties
  const Ar = IntervalArith.at(digits);
  let sum: Interval = Ar.ZERO;
  let top = 0;
  for (const [m, q] of entries) {
    const t = m === 0 ? Ar.fromRational(q) : Ar.mul(Ar.fromRational(q), Ar.sqrt(Ar.fromBigInt(maskProduct(m, base))));
    sum = Ar.add(sum, t);
    if (m > top) top = m;
  }
  const quick = Ar.sign(sum);
  if (quick !== undefined) return quick;
  const j = 31 - Math.clz32(top);
  const bit = 1 << j;
  // M = A + B sqrt(b_j), A and B free of b_j
  const A: MaskPoly = new Map();
  const B: MaskPoly = new Map();
  for (const [m, q] of entries) {
    if (m & bit) B.set(m ^ bit, q);
    else A.set(m, q);
  }
  const sA = maskSign(A, base, digits);
  const sB = maskSign(B, base, digits);
  if (sA === undefined || sB === undefined) return undefined;
  if (sB === 0) return sA;
  if (sA === 0 || sA === sB) return sB;
  // opposite signs: |A| vs |B| sqrt(b_j) <=> A^2 vs b_j B^2
  const D = maskAdd(maskMul(A, A, base), maskScale(maskMul(B, B, base), Rational.of(base[j]!)), -1);
  const sD = maskSign(D, base, digits);
  return sD === undefined ? undefined : sD === 0 ? 0 : ((sA * sD) as Sign);
}

// ---------------------------------------------------------------------------------------
// Sums of monomials over opaque atoms
//
// A product of rationals, roots and *opaque atoms* (any subexpression of certified non-zero
// sign, e.g. a gradient norm that is a long sum of square roots) is a monomial
//     coef * prod_R R^e * prod_A |A|^f      (R integers > 1, 0 < e < 1; f rational)
// built by structural recursion through * / neg abs sqrt cbrt pow only: no normal form of A,
// no factoring. Two monomials with the same atoms and exponents differ by a positive
// radical factor, so sum_i m_i splits into groups G = |A...|^f * sum_j c_j prod R^e with a
// positive opaque part; a group's sign is that of a sum of radical monomials, decided by
// cancelling equal terms, comparing two terms through their N-th powers (N = lcm of the
// exponent denominators: rationals, exact), or the Poly machinery above for sixth roots.
// This decides ties like 3 cbrt(4 sqrt2 L X / 4) = 3 cbrt(sqrt2 L X) for any X, rational or not.

interface Mono {
  coef: Rational;
  /** R -> e, 0 < e < 1 (R^e with R an integer > 1). */
  rads: ReadonlyMap<bigint, Rational>;
  /** atom -> f != 0: the factor |atom|^f. */
  atoms: ReadonlyMap<AlgebraNode, Rational>;
}

/** Flattened sums with more terms keep their remaining sub-sums as atoms. */
const MAX_FLAT_TERMS = 64;
/** Multiplicative chains deeper than this become atoms (keeps the recursion shallow). */
const MAX_MONO_DEPTH = 200;
/** Radicands / powers larger than this many bits are abandoned (undefined, never a guess). */
const MAX_MONO_BITS = 1 << 16;
/** At most this many distinct radicands or atoms in one monomial. */
const MAX_MONO_FACTORS = 32;

const EMPTY_RADS: ReadonlyMap<bigint, Rational> = new Map();
const EMPTY_ATOMS: ReadonlyMap<AlgebraNode, Rational> = new Map();
const ZERO_MONO: Mono = { coef: Rational.ZERO, rads: EMPTY_RADS, atoms: EMPTY_ATOMS };

function bits(n: bigint): number {
  return (n < 0n ? -n : n).toString(16).length * 4;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/**
 * r^e (r > 0 rational, e rational) as factor * R^E with 0 <= E < 1 and R an integer
 * (R = 1 when E = 0): perfect squares / cubes are taken out exactly, the integer part of
 * e goes to the factor, and the radicand is made an integer: (n/d)^(j/m) = (n d^(m-1))^(j/m) / d^j.
 */
function radPow(r: Rational, e: Rational): [Rational, bigint, Rational] | null {
  if (e.isZero() || (r.num === 1n && r.den === 1n)) return [Rational.ONE, 1n, Rational.ZERO];
  for (;;) {
    if (e.den % 2n === 0n) {
      const s = r.sqrtExact();
      if (s) {
        r = s;
        e = e.mul(Rational.of(2));
        continue;
      }
    }
    if (e.den % 3n === 0n) {
      const c = r.cbrtExact();
      if (c) {
        r = c;
        e = e.mul(Rational.of(3));
        continue;
      }
    }
    break;
  }
  const fl = floorDiv(e.num, e.den);
  if (fl > 4096n || fl < -4096n) return null;
  let factor = fl === 0n ? Rational.ONE : r.pow(Number(fl));
  e = e.sub(Rational.of(fl));
  if (e.isZero() || (r.num === 1n && r.den === 1n)) return [factor, 1n, Rational.ZERO];
  let R = r.num;
  if (r.den !== 1n) {
    const m = e.den;
    if (bits(r.den) * Number(m) > MAX_MONO_BITS) return null;
    R = r.num * r.den ** (m - 1n);
    factor = factor.div(Rational.of(r.den ** e.num));
  }
  if (bits(R) > MAX_MONO_BITS) return null;
  return [factor, R, e];
}

/** Mutable accumulator for building a Mono. */
interface MonoAcc {
  coef: Rational;
  rads: Map<bigint, Rational>;
  atoms: Map<AlgebraNode, Rational>;
}

/** acc *= r^e, merging with an equal radicand already present. */
function putRad(acc: MonoAcc, r: Rational, e: Rational): boolean {
  const p = radPow(r, e);
  if (!p) return false;
  const [f, R, E] = p;
  if (!(f.num === 1n && f.den === 1n)) acc.coef = acc.coef.mul(f);
  if (E.isZero()) return true;
  const prev = acc.rads.get(R);
  if (prev === undefined) {
    acc.rads.set(R, E);
    return true;
  }
  // merging two entries into one: the recursion ends (fewer entries each time)
  acc.rads.delete(R);
  return putRad(acc, Rational.of(R), prev.add(E));
}

function putAtom(acc: MonoAcc, a: AlgebraNode, f: Rational): void {
  const prev = acc.atoms.get(a);
  const next = prev === undefined ? f : prev.add(f);
  if (next.isZero()) acc.atoms.delete(a);
  else acc.atoms.set(a, next);
}

function finish(acc: MonoAcc): Mono | null {
  if (acc.coef.isZero()) return ZERO_MONO;
  if (acc.rads.size > MAX_MONO_FACTORS || acc.atoms.size > MAX_MONO_FACTORS) return null;
  return acc;
}

function monoMul(a: Mono, b: Mono): Mono | null {
  if (a.coef.isZero() || b.coef.isZero()) return ZERO_MONO;
  const acc: MonoAcc = { coef: a.coef.mul(b.coef), rads: new Map(a.rads), atoms: new Map(a.atoms) };
  for (const [R, e] of b.rads) if (!putRad(acc, Rational.of(R), e)) return null;
  for (const [A, f] of b.atoms) putAtom(acc, A, f);
  return finish(acc);
}

/** m^k for an integer k (m != 0 when k < 0). */
function monoPowInt(m: Mono, k: number): Mono | null {
  if (m.coef.isZero()) return k > 0 ? ZERO_MONO : null;
  if (bits(m.coef.num) * Math.abs(k) > MAX_MONO_BITS || bits(m.coef.den) * Math.abs(k) > MAX_MONO_BITS) return null;
  const K = Rational.of(k);
  const acc: MonoAcc = { coef: m.coef.pow(k), rads: new Map(), atoms: new Map() };
  for (const [R, e] of m.rads) if (!putRad(acc, Rational.of(R), e.mul(K))) return null;
  for (const [A, f] of m.atoms) putAtom(acc, A, f.mul(K));
  return finish(acc);
}

/** The real n-th root (n = 2: m >= 0 required; n = 3: odd, any sign). */
function monoRoot(m: Mono, n: 2 | 3): Mono | null {
  const s = m.coef.sign();
  if (s === 0) return ZERO_MONO;
  if (s < 0 && n === 2) return null;
  const inv = Rational.of(1n, BigInt(n));
  const acc: MonoAcc = { coef: Rational.of(s), rads: new Map(), atoms: new Map() };
  if (!putRad(acc, m.coef.abs(), inv)) return null;
  for (const [R, e] of m.rads) if (!putRad(acc, Rational.of(R), e.mul(inv))) return null;
  for (const [A, f] of m.atoms) putAtom(acc, A, f.mul(inv));
  return finish(acc);
}

const MULTIPLICATIVE = new Set(['mul', 'div', 'neg', 'abs', 'pow', 'sqrt', 'cbrt']);

/**
 * The monomial of x, or null. `top` (the value whose sign is being decided) may not become
 * an atom: its sign is the question. Only successes are memoised (an atom whose sign is
 * undecided now may be decided at another precision setting).
 */
function monoOf(x: Leaf, hooks: AlgebraHooks, top: AlgebraNode, depth: number): Mono | null {
  tick(1);
  if (x instanceof Rational) return x.isZero() ? ZERO_MONO : { coef: x, rads: EMPTY_RADS, atoms: EMPTY_ATOMS };
  if (x.mono) return x.mono as Mono;
  const m = depth > MAX_MONO_DEPTH || !MULTIPLICATIVE.has(x.op) ? atomMono(x, hooks, top) : productMono(x, hooks, top, depth + 1);
  if (m) x.mono = m;
  return m;
}

function atomMono(x: AlgebraNode, hooks: AlgebraHooks, top: AlgebraNode): Mono | null {
  if (x === top) return null;
  const s = hooks.sign(x);
  if (s === undefined) return null;
  if (s === 0) return ZERO_MONO;
  return { coef: Rational.of(s), rads: EMPTY_RADS, atoms: new Map([[x, Rational.ONE]]) };
}

function productMono(x: AlgebraNode, hooks: AlgebraHooks, top: AlgebraNode, depth: number): Mono | null {
  const A = monoOf(x.a, hooks, top, depth);
  if (!A) return null;
  switch (x.op) {
    case 'neg':
      return { coef: A.coef.neg(), rads: A.rads, atoms: A.atoms };
    case 'abs':
      return { coef: A.coef.abs(), rads: A.rads, atoms: A.atoms };
    case 'pow':
      return monoPowInt(A, x.k);
    case 'sqrt':
      return monoRoot(A, 2);
    case 'cbrt':
      return monoRoot(A, 3);
  }
  const B = monoOf(x.b!, hooks, top, depth);
  if (!B) return null;
  if (x.op === 'mul') return monoMul(A, B);
  // div: the divisor is certified non-zero when the node is built
  const inv = B.coef.isZero() ? null : monoPowInt(B, -1);
  return inv ? monoMul(A, inv) : null;
}

/**
 * x as sum_i s_i * y_i through + - neg and rational scaling (breadth first, capped), not
 * expanding the nodes in `keep`; also the sums it expanded.
 */
function flatten(x: AlgebraNode, keep: ReadonlySet<AlgebraNode>): [[Rational, Leaf][], AlgebraNode[]] {
  const queue: [Rational, Leaf][] = [[Rational.ONE, x]];
  const out: [Rational, Leaf][] = [];
  const expanded: AlgebraNode[] = [];
  while (queue.length > 0) {
    const [s, y] = queue.shift()!;
    if (y instanceof Rational || (y !== x && keep.has(y)) || out.length + queue.length + 1 >= MAX_FLAT_TERMS) {
      out.push([s, y]);
      continue;
    }
    switch (y.op) {
      case 'add':
        queue.push([s, y.a], [s, y.b!]);
        expanded.push(y);
        continue;
      case 'sub':
        queue.push([s, y.a], [s.neg(), y.b!]);
        expanded.push(y);
        continue;
      case 'neg':
        queue.push([s.neg(), y.a]);
        continue;
      case 'mul':
        if (y.a instanceof Rational) {
          queue.push([s.mul(y.a), y.b!]);
          continue;
        }
        if (y.b instanceof Rational) {
          queue.push([s.mul(y.b), y.a]);
          continue;
        }
    }
    out.push([s, y]);
  }
  return [out, expanded];
}

function factorKey<K>(m: ReadonlyMap<K, Rational>, id: (k: K) => string): string {
  return [...m].map(([k, e]) => `${id(k)}^${e}`).sort().join('*');
}

let nextAtomId = 0;
const atomIds = new WeakMap<AlgebraNode, number>();
/** Identity of an atom: the same node object. */
function identityId(a: AlgebraNode): string {
  let id = atomIds.get(a);
  if (id === undefined) atomIds.set(a, (id = nextAtomId++));
  return String(id);
}

/**
 * Structural identity (hash-consing, exact: no hash collisions): two atoms get the same id
 * iff they are the same expression tree (rationals compared by value), e.g. one quantity
 * computed twice. The table lives for one decision only, so it cannot grow without bound.
 */
function structuralIds(): (a: AlgebraNode) => string {
  const ids = new Map<AlgebraNode, number>();
  const table = new Map<string, number>();
  const key = (c: Leaf | undefined): string => (c === undefined ? '' : c instanceof Rational ? c.toString() : `#${ids.get(c)!}`);
  return (a: AlgebraNode): string => {
    // iterative post-order: deep chains must not overflow the stack
    const stack: AlgebraNode[] = [a];
    while (stack.length > 0) {
      const n = stack[stack.length - 1]!;
      if (ids.has(n)) {
        stack.pop();
        continue;
      }
      let pending = false;
      for (const c of [n.a, n.b]) {
        if (c !== undefined && !(c instanceof Rational) && !ids.has(c)) {
          stack.push(c);
          pending = true;
        }
      }
      if (pending) continue;
      const k = `${n.op}|${n.k}|${key(n.a)}|${key(n.b)}`;
      let id = table.get(k);
      if (id === undefined) table.set(k, (id = table.size));
      ids.set(n, id);
      stack.pop();
    }
    return `s${ids.get(a)!}`;
  };
}

/** Sign of x by the monomial view, or undefined. */
function monomialSign(x: AlgebraNode, hooks: AlgebraHooks): Sign {
  // Sums are expanded into terms; but a sum that also occurs as a factor elsewhere (g and
  // sqrt(g) sqrt(g)) must stay whole to meet its twin, so those are kept and it is retried.
  const keep = new Set<AlgebraNode>();
  for (let round = 0; round < 4; round++) {
    const [flat, expanded] = flatten(x, keep);
    const terms: Mono[] = [];
    for (const [s, y] of flat) {
      const m = monoOf(y, hooks, x, 0);
      if (!m) return undefined;
      if (!m.coef.isZero()) terms.push(s.eq(Rational.ONE) ? m : { coef: m.coef.mul(s), rads: m.rads, atoms: m.atoms });
    }
    const [sign, groups] = groupedSign(terms, identityId, hooks.digits);
    if (sign !== undefined) return sign;
    // atoms that are equal expressions but distinct objects: retry with structural identity
    if (groups > 1) {
      const s2 = groupedSign(terms, structuralIds(), hooks.digits)[0];
      if (s2 !== undefined) return s2;
    }
    const more = expanded.filter((n) => !keep.has(n) && terms.some((t) => t.atoms.has(n)));
    if (more.length === 0) return undefined;
    for (const n of more) keep.add(n);
  }
  return undefined;
}

/** Sign of a sum of monomials grouped by their opaque parts; also the number of groups. */
function groupedSign(terms: readonly Mono[], atomId: (a: AlgebraNode) => string, digits: number): [Sign, number] {
  tick(terms.length);
  // group key (atoms) -> radical key -> term
  const groups = new Map<string, Map<string, MonoAcc>>();
  for (const m of terms) {
    const gk = factorKey(m.atoms, atomId);
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = new Map()));
    const rk = factorKey(m.rads, String);
    const prev = g.get(rk);
    if (prev) prev.coef = prev.coef.add(m.coef);
    else g.set(rk, { coef: m.coef, rads: m.rads as Map<bigint, Rational>, atoms: m.atoms as Map<AlgebraNode, Rational> });
  }
  // each group is (positive opaque part) * (sum of radical monomials)
  let sign: Sign = 0;
  for (const g of groups.values()) {
    const sg = radicalSumSign([...g.values()].filter((t) => !t.coef.isZero()), digits);
    if (sg === undefined) return [undefined, groups.size];
    if (sg === 0) continue;
    if (sign !== 0 && sign !== sg) return [undefined, groups.size]; // groups of opposite signs: not comparable here
    sign = sg;
  }
  return [sign, groups.size];
}

/** Sign of sum_j c_j prod R^e (positive radicals). */
function radicalSumSign(terms: readonly Mono[], digits: number): Sign {
  if (terms.length === 0) return 0;
  if (terms.length === 1) return terms[0]!.coef.sign();
  const s0 = terms[0]!.coef.sign();
  if (terms.every((t) => t.coef.sign() === s0)) return s0;
  if (terms.length === 2) return twoTermSign(terms[0]!, terms[1]!);
  const P = radicalPoly(terms);
  return P ? polySign(P, digits) : undefined;
}

/** sign(t1 + t2) for coefficients of opposite signs: |t1| vs |t2| through their N-th powers. */
function twoTermSign(t1: Mono, t2: Mono): Sign {
  // ratio |t1|/|t2| = |c1/c2| * prod R^e (exponents of t2 negated)
  const ratio = new Map<bigint, Rational>(t1.rads);
  for (const [R, e] of t2.rads) {
    const next = (ratio.get(R) ?? Rational.ZERO).sub(e);
    if (next.isZero()) ratio.delete(R);
    else ratio.set(R, next);
  }
  const c = t1.coef.div(t2.coef).abs();
  let N = 1n;
  for (const e of ratio.values()) N = (N / gcd(N, e.den)) * e.den;
  let cost = (bits(c.num) + bits(c.den)) * Number(N);
  for (const [R, e] of ratio) cost += bits(R) * Math.abs(Number(e.num) * Number(N / e.den));
  if (N > 720n || cost > 4 * MAX_MONO_BITS) return undefined;
  let v = c.pow(Number(N));
  for (const [R, e] of ratio) v = v.mul(Rational.of(R).pow(Number(e.num * (N / e.den))));
  const cmp = v.cmp(Rational.ONE);
  return cmp === 0 ? 0 : cmp > 0 ? t1.coef.sign() : t2.coef.sign();
}

/** Terms whose exponents are all sixths, as a Poly (R^(j/6) = (R^j)^(1/6)); else null. */
function radicalPoly(terms: readonly Mono[]): Poly | null {
  let P: Poly = new Map();
  for (const t of terms) {
    let T: Poly | null = constP(t.coef);
    for (const [R, e] of t.rads) {
      if (6n % e.den !== 0n) return null;
      const j = e.num * (6n / e.den);
      if (bits(R) * Number(j) > MAX_MONO_BITS) return null;
      T = mulP(T, new Map([[R ** j, Rational.ONE]]));
      if (!T) return null;
    }
    P = addP(P, T, 1);
    if (P.size > MAX_TERMS) return null;
  }
  return P;
}
