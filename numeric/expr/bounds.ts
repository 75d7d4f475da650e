/**
 * Certified bounds for a user's loss f(w, c) (numeric/expr/parse.ts) by interval
 * branch-and-bound in the precise field's interval arithmetic:
 *
 * - smoothness: sup |f''| (the Hessian of L(W) = sum_ij f(W_ij, C_ij) is diagonal with entries
 *   f''(W_ij, C_ij), so this is the best constant of Assumption 3.1, (4));
 * - lower bound: inf f (so inf L >= m n inf f, Assumption 3.2);
 * - finiteness of f' on the generators' range (|w| <= 2^16, c in [-cMax, cMax]).
 *
 * The domain. When f'' (resp. f) depends on w and c only through x = w - c (mathjs' simplifier
 * removes c after w = x + c), the bound is over x on the whole real line and holds for every
 * C; when it depends on w alone, over w on the real line; otherwise over w on the real line
 * and c in [-cMax, cMax] (the generators draw |C_ij| <= 99, properties/scalars.ts).
 *
 * The unbounded variable is covered by boxes [a, 2a] and a last half-line [a, +inf): interval
 * arithmetic with infinite endpoints bounds the half-line whenever the formula allows it
 * (1/cosh(x)^2, 1 - sin(w), exp(-x) / (exp(-x) + 1)^2 ...). When it cannot (a dependency such
 * as x^2 / (x^2 + 1) on [a, inf) gives [0, inf)), the half-line is split until a = 2^40 and the
 * bound is reported for |x| <= 2^40 only (`domain`), and it says so. A value that keeps growing
 * there (12 w^2 for w^4) is reported as unbounded, with the certified value at the last point.
 *
 * Every result is an enclosure [lo, hi] of the supremum: hi bounds the objective on every box
 * of the covered domain; lo is the certified value at a point (so the true sup is >= lo).
 */
import { Decimal } from 'decimal.js';
import { precise, type Interval, type IntervalArith, arithOf } from '../precise.ts';
import { Rational } from '../rational.ts';
import { evaluatorFor } from './evaluate.ts';
import type { ParsedLoss } from './parse.ts';
import { mentions, type ENode, type Var } from './tree.ts';

/** Beyond this the half-lines are not split further (2^40, about 1.1e12). */
const R_MAX = 2 ** 40;
/** The range of w the generators and runs stay in, for the finiteness of f'. */
const R_GEN = 2 ** 16;
/** The default box for c when a bound depends on c beyond w - c. */
export const C_MAX = 128;
const DIGITS = 50;

interface Enclosure {
  /** Certified: the supremum is >= lo (attained at `at`). */
  lo: Rational;
  /** Certified: the supremum is <= hi on `domain`; null when no finite bound was found. */
  hi: Rational | null;
  at: string;
}

export interface BoundResult extends Enclosure {
  status: 'bounded' | 'unbounded' | 'undefined';
  /** The variables the bound ranges over. */
  over: 'x' | 'w' | 'w,c';
  /** 'R' (the whole real line) or '|x| <= 2^40'. */
  domain: string;
  /** One line: what is certified, or what went wrong. */
  note: string;
}

export interface LossAnalysis {
  expr: string;
  cMax: number;
  /** sup |f''| (smoothness constant of one entry). */
  smooth: BoundResult;
  /** inf f of one entry, as an enclosure lo <= inf f <= hi (status 'unbounded': f = lo = hi at `at`, far below). */
  lower: BoundResult;
  /** f' finite on |w| <= 2^16, c in [-cMax, cMax] (null when it is), else the problem. */
  gradientProblem: string | null;
}

type Box = Interval[];
interface Node {
  box: Box;
  hi: Decimal;
  key: number;
}

class Heap {
  private a: Node[] = [];
  get size(): number {
    return this.a.length;
  }
  push(n: Node): void {
    const a = this.a;
    a.push(n);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.key >= a[i]!.key) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  peek(): Node | undefined {
    return this.a[0];
  }
  pop(): Node | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.key > a[m]!.key) m = l;
        if (r < a.length && a[r]!.key > a[m]!.key) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
  all(): Node[] {
    return this.a;
  }
}

/** Thrown when the objective is certainly undefined (a domain error) at a point or on a box. */
class Undefined extends Error {}

interface Problem {
  vars: Var[];
  /** Enclosure of the objective on a box (throws Undefined where it is certainly undefined). */
  enclose(box: Box): Interval;
}

interface MaxOptions {
  maxBoxes: number;
  /** Wall-clock budget (ms). */
  ms: number;
  relTol: number;
  /** Only split boxes whose bound is infinite (a finiteness check). */
  finiteOnly?: boolean;
  rMax: number;
}

interface MaxResult {
  lo: Decimal;
  loAt: Box | undefined;
  hi: Decimal;
  /** Half-lines beyond rMax whose bound stayed infinite (excluded from hi). */
  cut: boolean;
  /** A point where the objective is undefined or not finite. */
  singular?: { at: Box; why: string };
}

function keyOf(d: Decimal): number {
  const n = d.toNumber();
  return Number.isNaN(n) ? Number.POSITIVE_INFINITY : n;
}

function showBox(vars: Var[], b: Box): string {
  return vars
    .map((v, k) => {
      const i = b[k]!;
      const s = (d: Decimal) => (d.isFinite() ? d.toSignificantDigits(6).toString() : d.isNeg() ? '-inf' : 'inf');
      return i.lo.eq(i.hi) ? `${v} = ${s(i.lo)}` : `${v} in [${s(i.lo)}, ${s(i.hi)}]`;
    })
    .join(', ');
}

/** Splits dimension k of a box: finite at the midpoint, a half-line [a, inf) at max(2a, 1). */
function split(A: IntervalArith, b: Box, rMax: number): Box[] | undefined {
  let best = -1;
  let bestW = -1;
  for (let k = 0; k < b.length; k++) {
    const { lo, hi } = b[k]!;
    if (!lo.isFinite() || !hi.isFinite()) {
      const end = lo.isFinite() ? lo : hi;
      if (end.isFinite() && end.abs().gte(rMax)) continue; // cut tail
      best = k;
      bestW = Number.POSITIVE_INFINITY;
      break;
    }
    const w = hi.sub(lo).toNumber();
    if (w > bestW) {
      bestW = w;
      best = k;
    }
  }
  if (best < 0) return undefined;
  const { lo, hi } = b[best]!;
  let s: Decimal;
  if (!lo.isFinite() && !hi.isFinite()) s = new A.D(0);
  else if (!hi.isFinite()) s = lo.lt(0) ? new A.D(0) : lo.lt(1) ? lo.add(1) : lo.mul(2);
  else if (!lo.isFinite()) s = hi.gt(0) ? new A.D(0) : hi.gt(-1) ? hi.sub(1) : hi.mul(2);
  else {
    s = A.D.add(lo, hi).div(2);
    // too narrow to split (relative to the point): stop here
    if (s.lte(lo) || s.gte(hi) || hi.sub(lo).lte(new A.U(10).pow(-30).mul(Decimal.max(1, s.abs())))) return undefined;
  }
  const left = b.slice();
  const right = b.slice();
  left[best] = { lo, hi: s };
  right[best] = { lo: s, hi };
  return [left, right];
}

/** A point of the box: its midpoint, or the finite end of a half-line. */
function pointOf(A: IntervalArith, b: Box): Box {
  return b.map(({ lo, hi }) => {
    let p: Decimal;
    if (lo.isFinite() && hi.isFinite()) p = A.D.add(lo, hi).div(2);
    else if (lo.isFinite()) p = lo;
    else if (hi.isFinite()) p = hi;
    else p = new A.D(0);
    return { lo: p, hi: p };
  });
}

/** Maximises the objective of `P` over `start` (certified enclosure of the supremum). */
function maximize(A: IntervalArith, P: Problem, start: Box, o: MaxOptions): MaxResult {
  const heap = new Heap();
  const finals: Node[] = [];
  let lo = new A.D(-Infinity);
  let loAt: Box | undefined;
  let cut = false;
  const enclose = (b: Box): Interval => P.enclose(b);
  const visitPoint = (b: Box) => {
    const p = pointOf(A, b);
    let v: Interval;
    try {
      v = enclose(p);
    } catch (e) {
      throw Object.assign(new Undefined(`undefined at ${showBox(P.vars, p)}`), { at: p, why: e instanceof Error ? e.message : String(e) });
    }
    if (v.lo.gt(lo)) {
      lo = v.lo;
      loAt = p;
    }
  };
  const add = (b: Box) => {
    let e: Interval;
    try {
      e = enclose(b);
    } catch (err) {
      // certainly undefined on the whole box
      const p = pointOf(A, b);
      throw Object.assign(new Undefined(), { at: p, why: err instanceof Error ? err.message : String(err) });
    }
    heap.push({ box: b, hi: e.hi, key: keyOf(e.hi) });
    visitPoint(b);
  };
  try {
    add(start);
    let boxes = 1;
    const deadline = performance.now() + o.ms;
    while (heap.size && boxes < o.maxBoxes && performance.now() < deadline) {
      const top = heap.peek()!;
      if (o.finiteOnly ? top.hi.isFinite() : top.hi.isFinite() && top.hi.sub(lo).lte(Decimal.max(lo.abs(), 1).mul(o.relTol))) break;
      heap.pop();
      const kids = split(A, top.box, o.rMax);
      if (!kids) {
        if (!top.hi.isFinite() && top.box.every((i) => i.lo.isFinite() && i.hi.isFinite()))
          return { lo, loAt, hi: top.hi, cut, singular: { at: pointOf(A, top.box), why: 'no finite bound on an arbitrarily small box' } };
        finals.push(top);
        continue;
      }
      for (const k of kids) add(k);
      boxes += 2;
    }
  } catch (e) {
    if (e instanceof Undefined) {
      const x = e as Undefined & { at: Box; why: string };
      return { lo, loAt, hi: new A.U(Infinity), cut, singular: { at: x.at, why: x.why } };
    }
    throw e;
  }
  let hi = new A.D(-Infinity);
  for (const n of [...heap.all(), ...finals]) {
    const tail = n.box.some((i) => !i.lo.isFinite() || !i.hi.isFinite());
    if (!n.hi.isFinite() && tail && !split(A, n.box, o.rMax)) {
      cut = true; // a half-line beyond rMax without a finite bound: excluded from the domain
      continue;
    }
    if (n.hi.gt(hi)) hi = n.hi;
  }
  return { lo, loAt, hi, cut };
}

function decToRational(d: Decimal): Rational {
  return Rational.parse(d.toString());
}

/** Rounds a decimal up (or down) to 12 significant digits: a short certified number. */
function shortUp(d: Decimal, up: boolean): Rational {
  if (!d.isFinite()) throw new RangeError('shortUp: not finite');
  return decToRational(d.toSignificantDigits(12, up ? Decimal.ROUND_CEIL : Decimal.ROUND_FLOOR));
}

interface Target {
  tree: ENode;
  vars: Var[];
  over: BoundResult['over'];
}

/** Which tree and variables a bound uses: x = w - c alone, w alone, or (w, c). */
function target(full: ENode, shifted: ENode): Target {
  if (!mentions(full, 'c')) return { tree: full, vars: ['w'], over: 'w' };
  if (!mentions(shifted, 'c')) return { tree: shifted, vars: ['x'], over: 'x' };
  return { tree: full, vars: ['w', 'c'], over: 'w,c' };
}

function problem(A: IntervalArith, t: Target, objective: (v: Interval) => Interval): Problem {
  const F = precise(DIGITS);
  const ev = evaluatorFor(F);
  return {
    vars: t.vars,
    enclose: (box) => {
      const env: Partial<Record<Var, Interval>> = {};
      t.vars.forEach((v, k) => (env[v] = box[k]!));
      const v = ev(t.tree, env);
      if (v.lo.isNaN() || v.hi.isNaN()) return A.WHOLE;
      return objective(v);
    },
  };
}

function startBox(A: IntervalArith, vars: Var[], cMax: number, rW: number | null): Box {
  return vars.map((v) =>
    v === 'c' ? { lo: new A.D(-cMax), hi: new A.U(cMax) } : rW === null ? A.WHOLE : { lo: new A.D(-rW), hi: new A.U(rW) },
  );
}

function describeDomain(t: Target, cut: boolean, cMax: number): string {
  const v = t.over === 'w,c' ? 'w' : t.over;
  const line = cut ? `|${v}| <= 2^40` : `${v} in R`;
  return t.over === 'w,c' ? `${line}, c in [-${cMax}, ${cMax}]` : line;
}

const BUDGET = 4000;
/** Per bound; a bound that is not finite by then is reported as not found (ask for --L). */
const BUDGET_MS = 3000;

function boundSup(A: IntervalArith, t: Target, cMax: number, what: string, abs: boolean): BoundResult {
  const valueText = (d: Decimal) => (abs ? `|f''| >= ${d.toSignificantDigits(6).toString()}` : `f <= ${d.neg().toSignificantDigits(6).toString()}`);
  const P = problem(A, t, abs ? (v) => A.abs(v) : (v) => A.neg(v));
  const r = maximize(A, P, startBox(A, t.vars, cMax, null), { maxBoxes: BUDGET, ms: BUDGET_MS, relTol: 1e-12, rMax: R_MAX });
  const at = r.loAt ? showBox(t.vars, r.loAt) : '';
  const domain = describeDomain(t, r.cut, cMax);
  if (r.singular)
    return {
      status: 'undefined',
      lo: Rational.ZERO,
      hi: null,
      at: showBox(t.vars, r.singular.at),
      over: t.over,
      domain,
      note: `${what} is not finite or not defined at ${showBox(t.vars, r.singular.at)} (${r.singular.why})`,
    };
  const lo = r.lo.isFinite() ? r.lo : new A.D(0);
  // Growth on the cut half-lines: the certified value at the last point is huge.
  if (r.cut && (!r.hi.isFinite() || lo.gt(Decimal.max(r.hi, 1).mul(1e6)) || lo.gt(1e12)))
    return {
      status: 'unbounded',
      lo: shortUp(lo, false),
      hi: null,
      at,
      over: t.over,
      domain,
      note: `${abs ? `${what} grows without bound` : 'f is unbounded below'}: ${valueText(lo)} at ${at} (certified)`,
    };
  if (!r.hi.isFinite())
    return { status: 'unbounded', lo: shortUp(lo, false), hi: null, at, over: t.over, domain, note: `${what}: no finite bound found on ${domain}` };
  const hi = Decimal.max(r.hi, lo);
  return {
    status: 'bounded',
    lo: shortUp(lo, false),
    hi: shortUp(hi, true),
    at,
    over: t.over,
    domain,
    note: r.cut
      ? `certified on ${domain} only: beyond 2^40 interval arithmetic cannot bound ${what} (the generators stay far inside)`
      : `certified on ${domain}`,
  };
}

function gradientProblem(A: IntervalArith, p: ParsedLoss, cMax: number): string | null {
  const t = target(p.df, p.dfx);
  const P = problem(A, t, (v) => A.abs(v));
  // x = w - c ranges over |x| <= 2^16 + cMax when w does over |w| <= 2^16.
  const r = maximize(A, P, startBox(A, t.vars, cMax, t.over === 'x' ? R_GEN + cMax : R_GEN), {
    maxBoxes: 2000,
    ms: BUDGET_MS,
    relTol: 1,
    finiteOnly: true,
    rMax: R_MAX,
  });
  if (r.singular) return `f' = ${p.dfText} is not finite at ${showBox(t.vars, r.singular.at)} (${r.singular.why})`;
  if (!r.hi.isFinite()) return `f' = ${p.dfText} could not be bounded on |w| <= 2^16 within the budget`;
  return null;
}

const cache = new Map<string, LossAnalysis>();

/**
 * sup |f''|, inf f and the finiteness of f' for a parsed loss, c in [-cMax, cMax] where c matters.
 * Cached per expression and cMax (a few thousand interval evaluations at most).
 */
export function analyzeLoss(p: ParsedLoss, cMax = C_MAX): LossAnalysis {
  const key = `${cMax}\u0000${p.text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const A = arithOf(precise(DIGITS))!;
  const smooth = boundSup(A, target(p.d2f, p.d2fx), cMax, "f''", true);
  const negInf = boundSup(A, target(p.f, p.fx), cMax, 'f', false);
  // maximize(-f) = -inf f: flip the enclosure back.
  const lower: BoundResult =
    negInf.status === 'bounded'
      ? { ...negInf, lo: negInf.hi!.neg(), hi: negInf.lo.neg() }
      : negInf.status === 'unbounded'
        ? { ...negInf, lo: negInf.lo.neg(), hi: negInf.lo.neg() } // a value attained: inf f <= it
        : negInf;
  const out: LossAnalysis = { expr: p.text, cMax, smooth, lower, gradientProblem: gradientProblem(A, p, cMax) };
  cache.set(key, out);
  return out;
}
