/**
 * The `exact` field (README "Claims and arithmetic"): lazy exact reals.
 *
 * A Real is either a BigInt Rational (the common case: rational matrices, squared norms,
 * quadratic losses; these never touch the machinery below) or a RealNode, an expression DAG
 * over + - * / neg sqrt cbrt min max abs powInt whose leaves are rationals. Nothing is ever
 * rounded: a node's value is the exact real it denotes.
 *
 * The sign of a node is decided by, in order:
 *   0. an outward-rounded float64 interval (numeric/interval-f64.ts): decides most signs,
 *      which are far from 0, at the cost of a few double operations per node;
 *   1. a directed-rounding decimal enclosure at `startDigits` (numeric/precise.ts kernel);
 *   2. an exact algebraic decision (numeric/real-algebra.ts): first a sum of monomials
 *      c * prod R^e * prod |A|^f over opaque subexpressions A (ties such as
 *      cbrt(4 sqrt2 L g / 4) = cbrt(sqrt2 L g) for any g, rational or not; two terms are
 *      compared through exact N-th powers), then a normal form sum of q_i * u_i^(1/6)
 *      (covers sqrt, cbrt and the cube roots of (22)) whose sign is decided by squaring /
 *      raising to the 6th power with sign case-splits;
 *   3. enclosures at doubling precision up to `maxDigits`.
 * If none decides, the sign is `undefined` (undecided): never a guess.
 */
import { ModeError, type Field, type Num, type Sign } from './field.ts';
import { IntervalArith, type Interval } from './precise.ts';
import { cbrtExact, sqrtExact } from './bigmath.ts';
import { Rational } from './rational.ts';
import { algebraicSign, type AlgebraHooks, type Leaf } from './real-algebra.ts';
import * as I64 from './interval-f64.ts';
import { shortest } from './float64.ts';
import { ratToNumber } from './bigmath.ts';

export type Real = Rational | RealNode;

type RealOp = 'add' | 'sub' | 'mul' | 'div' | 'neg' | 'sqrt' | 'cbrt' | 'min' | 'max' | 'abs' | 'pow';

const WEIGHT_CAP = 1e9;

/** An irrational (or not yet simplified) exact real: an expression node over Reals. */
class RealNode {
  readonly op: RealOp;
  readonly a: Real;
  readonly b: Real | undefined;
  /** Exponent of 'pow'. */
  readonly k: number;
  /** Size of the expression tree (shared nodes counted again), capped; gates the algebraic step. */
  readonly weight: number;
  /** Enclosures by precision (digits). */
  ivs: Map<number, Interval> | undefined;
  /** float64 enclosure [flo, fhi] (NaN until computed). */
  flo = Number.NaN;
  fhi = Number.NaN;
  /** Certified sign once decided (a decided sign never changes). */
  signMemo: -1 | 0 | 1 | undefined;
  /** Precision-setting generation at which a complete decision left the sign undecided (0: never). */
  undecidedGen = 0;
  /** Normal form cache for real-algebra.ts (null: not normalisable). */
  normal: unknown;
  /** Monomial-view cache for real-algebra.ts. */
  mono: unknown;

  constructor(op: RealOp, a: Real, b?: Real, k = 0) {
    this.op = op;
    this.a = a;
    this.b = b;
    this.k = k;
    const w = 1 + weightOf(a) + (b === undefined ? 0 : weightOf(b));
    this.weight = w > WEIGHT_CAP ? WEIGHT_CAP : w;
  }
}

function weightOf(x: Real): number {
  return x instanceof RealNode ? x.weight : 1;
}

export function isRational(x: Real): x is Rational {
  return x instanceof Rational;
}

/** The rational value of x when x is (syntactically) a rational, else undefined. */
export function toRational(x: Real): Rational | undefined {
  return x instanceof Rational ? x : undefined;
}

// ---------------------------------------------------------------------------------------
// Precision configuration

interface ExactPrecision {
  /** First enclosure precision (significant digits). */
  startDigits: number;
  /** Largest enclosure precision tried before "undecided". */
  maxDigits: number;
  /** Whether to try the exact algebraic decision (step 2). */
  algebraic: boolean;
  /**
   * Work budget of one sign decision, its sub-decisions included: decimal node evaluations
   * (weighted by digits / startDigits) plus normal-form term operations. Past it the sign is
   * undefined (undecided), never a guess. Deterministic, unlike `budgetMs`.
   */
  maxWork: number;
  /** Wall-clock budget (ms) of one sign decision (a safety net for costly BigInt steps). */
  budgetMs: number;
}

let config: ExactPrecision = { startDigits: 40, maxDigits: 640, algebraic: true, maxWork: 2_000_000, budgetMs: 3_000 };
/** Bumped by every setExactPrecision: an "undecided" memo holds for one setting only. */
let generation = 1;

export function getExactPrecision(): ExactPrecision {
  return { ...config };
}

/** Sets the refinement schedule of the exact field; returns the previous setting (to restore it). */
export function setExactPrecision(opts: Partial<ExactPrecision>): ExactPrecision {
  const prev = getExactPrecision();
  const next = { ...config, ...opts };
  for (const key of ['startDigits', 'maxDigits'] as const) {
    const v = next[key];
    if (!Number.isInteger(v) || v < 10 || v > 100_000)
      throw new RangeError(`setExactPrecision: argument ${key} must be an integer in 10..100000, got ${v}`);
  }
  if (next.maxDigits < next.startDigits)
    throw new RangeError(`setExactPrecision: argument maxDigits (${next.maxDigits}) must be >= startDigits (${next.startDigits})`);
  for (const key of ['maxWork', 'budgetMs'] as const) {
    const v = next[key];
    if (!(typeof v === 'number' && v > 0)) throw new RangeError(`setExactPrecision: argument ${key} must be a positive number, got ${v}`);
  }
  config = next;
  generation++;
  return prev;
}

function schedule(): number[] {
  const out: number[] = [];
  for (let p = config.startDigits; p < config.maxDigits; p *= 2) out.push(p);
  out.push(config.maxDigits);
  return out;
}

// ---------------------------------------------------------------------------------------
// Cost budget: one sign decision (or one display refinement) may not run unbounded: a large
// DAG at 640 digits, or a normal form that keeps growing, ends as "undecided" instead.

/** Thrown by tick() when the running budget is spent; caught where the budget was opened. */
const BUDGET_SPENT = new Error('exact: cost budget spent');
/** Nesting depth of budgeted work; 0: no budget open (tick is free). */
let budgetDepth = 0;
let work = 0;
let deadline = Number.POSITIVE_INFINITY;
let ticks = 0;

function tick(cost: number): void {
  if (budgetDepth === 0) return;
  work += cost;
  if (work > config.maxWork) throw BUDGET_SPENT;
  // the clock is read every 64 ticks only (cheap cases never notice it)
  if ((++ticks & 63) === 0 && performance.now() > deadline) throw BUDGET_SPENT;
}

/** Runs fn under the budget (a fresh one at the outermost level); onSpent() when it runs out. */
function budgeted<R>(fn: () => R, onSpent: () => R): R {
  const outer = budgetDepth === 0;
  if (outer) {
    work = 0;
    ticks = 0;
    deadline = performance.now() + config.budgetMs;
  }
  budgetDepth++;
  try {
    return fn();
  } catch (e) {
    if (e === BUDGET_SPENT && outer) return onSpent();
    throw e;
  } finally {
    budgetDepth--;
  }
}

// ---------------------------------------------------------------------------------------
// Enclosures

const rationalCache = new Map<number, WeakMap<Rational, Interval>>();

function encloseRational(q: Rational, p: number): Interval {
  let m = rationalCache.get(p);
  if (!m) {
    m = new WeakMap();
    rationalCache.set(p, m);
  }
  let iv = m.get(q);
  if (!iv) {
    iv = IntervalArith.at(p).fromRational(q);
    m.set(q, iv);
  }
  return iv;
}

/**
 * A certified enclosure of x at `digits` significant digits (memoised per node and precision).
 * Evaluated iteratively, so deep expressions (long gradient-descent chains) cannot overflow the stack.
 */
export function enclose(x: Real, digits: number): Interval {
  if (x instanceof Rational) return encloseRational(x, digits);
  const hit = x.ivs?.get(digits);
  if (hit) return hit;
  const A = IntervalArith.at(digits);
  const stack: RealNode[] = [x];
  while (stack.length > 0) {
    const n = stack[stack.length - 1]!;
    if (n.ivs?.has(digits)) {
      stack.pop();
      continue;
    }
    let pending = false;
    if (n.a instanceof RealNode && !n.a.ivs?.has(digits)) {
      stack.push(n.a);
      pending = true;
    }
    if (n.b instanceof RealNode && !n.b.ivs?.has(digits)) {
      stack.push(n.b);
      pending = true;
    }
    if (pending) continue;
    tick(digits / config.startDigits);
    const iv = evalNode(A, n, digits);
    (n.ivs ??= new Map()).set(digits, iv);
    stack.pop();
  }
  return x.ivs!.get(digits)!;
}

function childIv(c: Real, p: number): Interval {
  return c instanceof Rational ? encloseRational(c, p) : c.ivs!.get(p)!;
}

function evalNode(A: IntervalArith, n: RealNode, p: number): Interval {
  const a = childIv(n.a, p);
  const b = n.b === undefined ? A.ZERO : childIv(n.b, p);
  switch (n.op) {
    case 'add':
      return A.add(a, b);
    case 'sub':
      return A.sub(a, b);
    case 'mul':
      return A.mul(a, b);
    case 'div':
      // the divisor is certainly non-zero (checked when the node was built); an enclosure
      // that still contains 0 is just too coarse at this precision
      return b.lo.lte(0) && b.hi.gte(0) ? A.WHOLE : A.div(a, b);
    case 'neg':
      return A.neg(a);
    case 'abs':
      return A.abs(a);
    case 'min':
      return A.min(a, b);
    case 'max':
      return A.max(a, b);
    case 'sqrt':
      return A.sqrt(a, 'exact.sqrt');
    case 'cbrt':
      return A.cbrt(a);
    case 'pow':
      return n.k < 0 && a.lo.lte(0) && a.hi.gte(0) ? A.WHOLE : A.powInt(a, n.k, 'exact.powInt');
  }
}

const rationalF64 = new WeakMap<Rational, I64.F64Interval>();

function f64OfRational(q: Rational): I64.F64Interval {
  let iv = rationalF64.get(q);
  if (!iv) {
    iv = I64.fromRationalF64(q);
    rationalF64.set(q, iv);
  }
  return iv;
}

function f64Of(c: Real): I64.F64Interval {
  return c instanceof Rational ? f64OfRational(c) : [c.flo, c.fhi];
}

/** The float64 enclosure of x (memoised on each node; iterative like `enclose`). */
function encloseF64(x: Real): I64.F64Interval {
  if (x instanceof Rational) return f64OfRational(x);
  if (!Number.isNaN(x.flo)) return [x.flo, x.fhi];
  const stack: RealNode[] = [x];
  while (stack.length > 0) {
    const n = stack[stack.length - 1]!;
    if (!Number.isNaN(n.flo)) {
      stack.pop();
      continue;
    }
    let pending = false;
    if (n.a instanceof RealNode && Number.isNaN(n.a.flo)) {
      stack.push(n.a);
      pending = true;
    }
    if (n.b instanceof RealNode && Number.isNaN(n.b.flo)) {
      stack.push(n.b);
      pending = true;
    }
    if (pending) continue;
    const [lo, hi] = evalNodeF64(n);
    n.flo = lo;
    n.fhi = hi;
    stack.pop();
  }
  return [x.flo, x.fhi];
}

function evalNodeF64(n: RealNode): I64.F64Interval {
  const a = f64Of(n.a);
  const b = n.b === undefined ? a : f64Of(n.b);
  switch (n.op) {
    case 'add':
      return I64.addF64(a, b);
    case 'sub':
      return I64.subF64(a, b);
    case 'mul':
      return I64.mulF64(a, b);
    case 'div':
      return I64.divF64(a, b);
    case 'neg':
      return I64.negF64(a);
    case 'abs':
      return I64.absF64(a);
    case 'min':
      return I64.minF64(a, b);
    case 'max':
      return I64.maxF64(a, b);
    case 'sqrt':
      return I64.sqrtF64(a);
    case 'cbrt':
      return I64.cbrtF64(a);
    case 'pow':
      return I64.powF64(a, n.k);
  }
}

// ---------------------------------------------------------------------------------------
// Certified sign

function intervalSign(x: Real, p: number): Sign {
  return IntervalArith.at(p).sign(enclose(x, p));
}

/**
 * Certified sign of x: -1, 0, 1, or undefined when undecided within the configured precision
 * and cost budget (`maxWork`, `budgetMs`: one budget covers a decision and its sub-decisions).
 */
export function decideSign(x: Real): Sign {
  if (x instanceof Rational) return x.sign();
  if (x.signMemo !== undefined) return x.signMemo;
  // a complete decision already failed under this setting: it would fail again, at full cost
  if (x.undecidedGen === generation) return undefined;
  const f = I64.signF64(encloseF64(x));
  if (f !== undefined) return (x.signMemo = f);
  return budgeted(() => {
    const sched = schedule();
    let s = intervalSign(x, sched[0]!);
    if (s === undefined && config.algebraic) s = algebraicSign(x, hooks());
    for (let i = 1; s === undefined && i < sched.length; i++) s = intervalSign(x, sched[i]!);
    if (s !== undefined) x.signMemo = s;
    else x.undecidedGen = generation;
    return s;
  }, () => {
    // the same setting would spend the same budget again: undecided under it (sub-decisions
    // cut short by the throw keep no memo, so a later, larger budget starts afresh)
    x.undecidedGen = generation;
    return undefined;
  });
}

function hooks(): AlgebraHooks {
  return {
    sign: (y: Leaf) => decideSign(y as Real),
    sub: (a: Leaf, b: Leaf) => sub(a as Real, b as Real),
    digits: config.startDigits,
    tick,
  };
}

// ---------------------------------------------------------------------------------------
// Field operations (rationals take the fast path first)

function node(op: RealOp, a: Real, b?: Real, k = 0): RealNode {
  return new RealNode(op, a, b, k);
}

function add(a: Real, b: Real): Real {
  if (a instanceof Rational) {
    if (b instanceof Rational) return a.add(b);
    if (a.isZero()) return b;
  } else if (b instanceof Rational && b.isZero()) return a;
  return node('add', a, b);
}

function sub(a: Real, b: Real): Real {
  if (a instanceof Rational) {
    if (b instanceof Rational) return a.sub(b);
    if (a.isZero()) return neg(b);
  } else if (b instanceof Rational && b.isZero()) return a;
  if (a === b) return Rational.ZERO;
  return node('sub', a, b);
}

function mul(a: Real, b: Real): Real {
  if (a instanceof Rational) {
    if (b instanceof Rational) return a.mul(b);
    return scaleNode(a, b);
  }
  if (b instanceof Rational) return scaleNode(b, a);
  return node('mul', a, b);
}

function scaleNode(q: Rational, x: RealNode): Real {
  if (q.isZero()) return Rational.ZERO;
  if (q.den === 1n) {
    if (q.num === 1n) return x;
    if (q.num === -1n) return neg(x);
  }
  return node('mul', q, x);
}

function div(a: Real, b: Real): Real {
  if (b instanceof Rational) {
    if (b.isZero()) throw new RangeError('exact.div: division by zero (argument b is 0)');
    if (a instanceof Rational) return a.div(b);
    return scaleNode(b.inv(), a);
  }
  if (decideSign(b) === 0) throw new RangeError(`exact.div: division by zero (argument b = ${format(b)} is exactly 0)`);
  if (a instanceof Rational && a.isZero()) return Rational.ZERO;
  if (a === b) return Rational.ONE;
  return node('div', a, b);
}

function neg(a: Real): Real {
  if (a instanceof Rational) return a.neg();
  if (a.op === 'neg') return a.a;
  return node('neg', a);
}

/** Decides a <= b from the float64 enclosures only (cheap); undefined when they overlap. */
function cheapLe(a: Real, b: Real): boolean | undefined {
  const ia = encloseF64(a);
  const ib = encloseF64(b);
  if (ia[1] <= ib[0]) return true;
  if (ib[1] < ia[0]) return false;
  return undefined;
}

function min(a: Real, b: Real): Real {
  if (a instanceof Rational && b instanceof Rational) return a.le(b) ? a : b;
  if (a === b) return a;
  const le = cheapLe(a, b);
  if (le !== undefined) return le ? a : b;
  return node('min', a, b);
}

function max(a: Real, b: Real): Real {
  if (a instanceof Rational && b instanceof Rational) return a.le(b) ? b : a;
  if (a === b) return a;
  const le = cheapLe(a, b);
  if (le !== undefined) return le ? b : a;
  return node('max', a, b);
}

function abs(a: Real): Real {
  if (a instanceof Rational) return a.abs();
  const iv = encloseF64(a);
  if (iv[0] >= 0) return a;
  if (iv[1] <= 0) return neg(a);
  return node('abs', a);
}

function sqrt(a: Real): Real {
  if (a instanceof Rational) {
    if (a.sign() < 0) throw new RangeError(`exact.sqrt: argument is negative (${a})`);
    return sqrtExact(a) ?? node('sqrt', a);
  }
  const s = decideSign(a);
  if (s === -1) throw new RangeError(`exact.sqrt: argument is negative (${format(a)})`);
  if (s === 0) return Rational.ZERO;
  return node('sqrt', a);
}

function cbrt(a: Real): Real {
  if (a instanceof Rational) return cbrtExact(a) ?? node('cbrt', a);
  if (decideSign(a) === 0) return Rational.ZERO;
  return node('cbrt', a);
}

function powInt(a: Real, k: number): Real {
  if (!Number.isInteger(k)) throw new RangeError(`exact.powInt: argument k must be an integer, got ${k}`);
  if (a instanceof Rational) {
    if (k < 0 && a.isZero()) throw new RangeError(`exact.powInt: 0 raised to the negative power k = ${k}`);
    return a.pow(k);
  }
  if (k === 0) return Rational.ONE;
  if (k === 1) return a;
  // (sqrt x)^(2j) = x^j for x >= 0, (cbrt x)^(3j) = x^j: keeps (22)-style expressions small
  if (a.op === 'sqrt' && k % 2 === 0 && (a.a instanceof Rational || decideSign(a.a) === 1)) return powInt(a.a, k / 2);
  if (a.op === 'cbrt' && k % 3 === 0) return powInt(a.a, k / 3);
  if (k < 0 && decideSign(a) === 0) throw new RangeError(`exact.powInt: 0 raised to the negative power k = ${k}`);
  return node('pow', a, undefined, k);
}

// ---------------------------------------------------------------------------------------
// Display

/** Enclosures this tight (relative, ~1e-9) are reported by their midpoint without decimal
 *  refinement: plenty for slack statistics, and it keeps decide() from paying for a decimal
 *  evaluation of a large expression on every case. */
const F64_DISPLAY_REL = 2 ** -30;

function tightF64(a: Real): I64.F64Interval | undefined {
  const [lo, hi] = encloseF64(a);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
  if (lo > 0 || hi < 0) {
    const mid = lo / 2 + hi / 2;
    if (hi - lo <= Math.abs(mid) * F64_DISPLAY_REL) return [lo, hi];
  }
  return undefined;
}

/**
 * A double approximation (display and slack statistics, never a verdict): within ~1e-9
 * relative of the value (usually far closer), from the float64 enclosure when it is that tight; otherwise the
 * nearest double from decimal enclosures; 0 for a certified 0.
 */
function toNumber(a: Real): number {
  if (a instanceof Rational) return ratToNumber(a);
  if (a.signMemo === 0) return 0;
  const t = tightF64(a);
  if (t) return t[0] / 2 + t[1] / 2;
  // a value whose enclosure touches 0 may be an exact 0 (a tie): its nearest double is 0
  if (decideSign(a) === 0) return 0;
  let last = Number.NaN;
  // display only: when the budget runs out, the best midpoint so far (else the float64 one)
  return budgeted(
    () => {
      for (const p of schedule()) {
        const A = IntervalArith.at(p);
        const iv = enclose(a, p);
        if (!A.isFinite(iv)) continue;
        if (iv.lo.eq(iv.hi)) return iv.lo.toNumber() + 0; // + 0 turns -0 into 0
        const mid = A.D.add(iv.lo, iv.hi).div(2);
        last = mid.toNumber() + 0;
        // 2^-60 relative width: the midpoint rounds to the nearest double (or a neighbour of it)
        if (A.U.sub(iv.hi, iv.lo).lte(mid.abs().mul(2 ** -60))) return last;
      }
      return last;
    },
    () => (Number.isNaN(last) ? f64Mid(a) : last),
  );
}

function f64Mid(a: Real): number {
  const [lo, hi] = encloseF64(a);
  return Number.isFinite(lo) && Number.isFinite(hi) ? lo / 2 + hi / 2 + 0 : Number.NaN;
}

function errorBound(a: Real): number {
  if (a instanceof Rational) return 0;
  if (a.signMemo === 0) return 0; // certified exactly 0: [0, 0] encloses it
  // the tightest enclosure computed so far (decimal if any, else float64)
  let best = 0;
  if (a.ivs) for (const p of a.ivs.keys()) if (p > best) best = p;
  if (best > 0) return IntervalArith.at(best).width(enclose(a, best));
  const [lo, hi] = encloseF64(a);
  return I64.up(hi - lo);
}

const MAX_CLOSED_FORM_WEIGHT = 12;
const MAX_CLOSED_FORM_CHARS = 80;

const PREC: Record<RealOp, number> = {
  add: 1,
  sub: 1,
  mul: 2,
  div: 2,
  neg: 3,
  pow: 4,
  sqrt: 5,
  cbrt: 5,
  min: 5,
  max: 5,
  abs: 5,
};

/** [text, precedence] of a closed form (small expressions only). */
function expr(x: Real): [string, number] {
  if (x instanceof Rational) {
    if (x.sign() < 0) return [x.toString(), 0];
    return [x.toString(), x.den === 1n ? 5 : 2];
  }
  const p = PREC[x.op];
  const wrap = (c: Real, strict: boolean): string => {
    const [s, cp] = expr(c);
    return cp < p || (strict && cp === p) ? `(${s})` : s;
  };
  switch (x.op) {
    case 'add':
      return [`${wrap(x.a, false)} + ${wrap(x.b!, false)}`, p];
    case 'sub':
      return [`${wrap(x.a, false)} - ${wrap(x.b!, true)}`, p];
    case 'mul': {
      // q * x prints as "x/d", "n*x/d" (the usual way to write sqrt(2)/4)
      if (x.a instanceof Rational && x.a.den !== 1n) {
        const n = x.a.num;
        const body = n === 1n || n === -1n ? wrap(x.b!, false) : `${n < 0n ? -n : n}*${wrap(x.b!, false)}`;
        return [`${n < 0n ? '-' : ''}${body}/${x.a.den}`, n < 0n ? 0 : p];
      }
      return [`${wrap(x.a, false)}*${wrap(x.b!, false)}`, p];
    }
    case 'div':
      return [`${wrap(x.a, false)}/${wrap(x.b!, true)}`, p];
    case 'neg':
      return [`-${wrap(x.a, true)}`, p];
    case 'pow':
      return [`${wrap(x.a, true)}^${x.k < 0 ? `(${x.k})` : x.k}`, p];
    case 'sqrt':
    case 'cbrt':
    case 'abs':
      return [`${x.op}(${expr(x.a)[0]})`, p];
    case 'min':
    case 'max':
      return [`${x.op}(${expr(x.a)[0]}, ${expr(x.b!)[0]})`, p];
  }
}

/**
 * "p/q" for rationals; for a node, its closed form when small ("sqrt(2)/4"), else a
 * certified decimal enclosure "[lo, hi]" (endpoints rounded outward): never a rounded
 * value that pretends to be exact.
 */
function format(a: Real): string {
  if (a instanceof Rational) return a.toString();
  if (a.signMemo === 0) return '0';
  if (a.weight <= MAX_CLOSED_FORM_WEIGHT) {
    const s = expr(a)[0];
    if (s.length <= MAX_CLOSED_FORM_CHARS) return s;
  }
  const t = tightF64(a);
  if (t) return `[${shortest(t[0])}, ${shortest(t[1])}]`;
  const f64Text = (): string => {
    const [lo, hi] = encloseF64(a);
    return `[${shortest(lo)}, ${shortest(hi)}]`; // still a certified enclosure, only wider
  };
  return budgeted(() => {
    for (const p of schedule()) {
      const A = IntervalArith.at(p);
      const iv = enclose(a, p);
      if (A.isFinite(iv)) return A.formatShort(iv, 20);
    }
    return '[-Infinity, Infinity]';
  }, f64Text);
}

// ---------------------------------------------------------------------------------------

export const exact: Field<Real> = {
  mode: 'exact',
  zero: Rational.ZERO,
  one: Rational.ONE,
  lift: (x: Num) => (typeof x === 'number' ? Rational.fromNumber(x) : x),
  fromInt: (n) => Rational.of(n),
  add,
  sub,
  mul,
  div,
  neg,
  abs,
  min,
  max,
  sqrt,
  cbrt,
  powInt,
  exp: () => {
    throw new ModeError('exact.exp: exp needs precise mode (--mode precise)');
  },
  log: () => {
    throw new ModeError('exact.log: log needs precise mode (--mode precise)');
  },
  sign: decideSign,
  isZero: (a) => (a instanceof Rational ? a.isZero() : decideSign(a) === 0),
  toNumber,
  format,
  errorBound,
};
