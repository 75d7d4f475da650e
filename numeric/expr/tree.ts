/**
 * The expression trees loracheck evaluates for a user's elementwise loss f(w, c): a small,
 * closed language (numbers, w, c, pi, e, + - * / ^, and the smooth functions in FUNCTIONS),
 * built from mathjs' parse and derivative trees (numeric/expr/parse.ts) and evaluated over
 * loracheck's own fields (numeric/expr/evaluate.ts), never through mathjs' number types.
 * Numbers are exact rationals: a literal 0.1 is 1/10.
 */
import type { Rational } from '../rational.ts';

/** w: the entry of W; c: the matching entry of the target C; x: w - c (used by the bounds only). */
export type Var = 'w' | 'c' | 'x';

/** Smooth functions on their domains (what mathjs can differentiate and we can enclose). */
export const FUNCTIONS = [
  'exp',
  'log',
  'sqrt',
  'cbrt',
  'sin',
  'cos',
  'tan',
  'sec',
  'csc',
  'cot',
  'sinh',
  'cosh',
  'tanh',
  'sech',
  'csch',
  'coth',
  'atan',
  'asinh',
] as const;
export type FnName = (typeof FUNCTIONS)[number];

/** Functions that need exp/log-type arithmetic (the exact field has only + - * / and roots). */
const TRANSCENDENTAL: ReadonlySet<FnName> = new Set(FUNCTIONS.filter((f) => f !== 'sqrt' && f !== 'cbrt'));

export type ENode =
  | { readonly k: 'num'; readonly q: Rational }
  | { readonly k: 'const'; readonly name: 'pi' | 'e' }
  | { readonly k: 'var'; readonly name: Var }
  | { readonly k: 'bin'; readonly op: '+' | '-' | '*' | '/' | '^'; readonly a: ENode; readonly b: ENode }
  | { readonly k: 'neg'; readonly a: ENode }
  | { readonly k: 'fn'; readonly name: FnName; readonly a: ENode };

/** Whether the tree mentions variable v. */
export function mentions(n: ENode, v: Var): boolean {
  switch (n.k) {
    case 'var':
      return n.name === v;
    case 'bin':
      return mentions(n.a, v) || mentions(n.b, v);
    case 'neg':
    case 'fn':
      return mentions(n.a, v);
    default:
      return false;
  }
}

/** Whether evaluating the tree needs more than the exact field offers (exp, log, trig, pi, e, or a
 *  power whose exponent is not a constant integer, half-integer or third). */
export function needsTranscendental(n: ENode): boolean {
  switch (n.k) {
    case 'const':
      return true;
    case 'fn':
      return TRANSCENDENTAL.has(n.name) || needsTranscendental(n.a);
    case 'neg':
      return needsTranscendental(n.a);
    case 'bin':
      if (n.op === '^' && constExponent(n.b) === undefined) return true;
      return needsTranscendental(n.a) || needsTranscendental(n.b);
    default:
      return false;
  }
}

/** An exponent the exact field can apply: k, k/2 or k/3 for an integer k (as [k, root]). */
export function constExponent(b: ENode): [number, 1 | 2 | 3] | undefined {
  const q = rationalOf(b);
  if (!q) return undefined;
  if (q.den !== 1n && q.den !== 2n && q.den !== 3n) return undefined;
  const k = Number(q.num);
  if (!Number.isSafeInteger(k) || Math.abs(k) > 4096) return undefined;
  return [k, Number(q.den) as 1 | 2 | 3];
}

/** The value of a constant rational subtree (numbers, + - * /, integer powers), else undefined. */
function rationalOf(n: ENode): Rational | undefined {
  switch (n.k) {
    case 'num':
      return n.q;
    case 'neg': {
      const a = rationalOf(n.a);
      return a?.neg();
    }
    case 'bin': {
      const a = rationalOf(n.a);
      const b = rationalOf(n.b);
      if (!a || !b) return undefined;
      switch (n.op) {
        case '+':
          return a.add(b);
        case '-':
          return a.sub(b);
        case '*':
          return a.mul(b);
        case '/':
          return b.isZero() ? undefined : a.div(b);
        case '^': {
          if (b.den !== 1n || b.num > 64n || b.num < -64n) return undefined;
          if (a.isZero() && b.num < 0n) return undefined;
          return a.pow(Number(b.num));
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The tree with variable v replaced by the tree `by`. */
export function substitute(n: ENode, v: Var, by: ENode): ENode {
  switch (n.k) {
    case 'var':
      return n.name === v ? by : n;
    case 'bin':
      return { ...n, a: substitute(n.a, v, by), b: substitute(n.b, v, by) };
    case 'neg':
    case 'fn':
      return { ...n, a: substitute(n.a, v, by) };
    default:
      return n;
  }
}
