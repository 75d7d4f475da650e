/**
 * Evaluates a loss expression tree (numeric/expr/tree.ts) over any Field: the same tree gives
 * exact values in the exact field (numbers, + - * /, integer powers, square and cube roots;
 * exp/log/trig/pi/e raise ModeError there, as for the separable losses of
 * numeric/losses/separable.ts), certified enclosures in the precise field (the functions of
 * numeric/expr/intervals.ts) and doubles in float64.
 */
import { ModeError, type Field } from '../field.ts';
import { arithOf, type Interval } from '../precise.ts';
import { applyFn, constant } from './intervals.ts';
import { constExponent, type ENode, type FnName, type Var } from './tree.ts';

type Env<T> = Partial<Record<Var, T>>;

const MATH: Record<FnName, (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  cbrt: Math.cbrt,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  sec: (x) => 1 / Math.cos(x),
  csc: (x) => 1 / Math.sin(x),
  cot: (x) => 1 / Math.tan(x),
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  sech: (x) => 1 / Math.cosh(x),
  csch: (x) => 1 / Math.sinh(x),
  coth: (x) => 1 / Math.tanh(x),
  atan: Math.atan,
  asinh: Math.asinh,
};

interface Extra<T> {
  fn(name: FnName, a: T): T;
  constant(name: 'pi' | 'e'): T;
}

function extraFor<T>(F: Field<T>): Extra<T> {
  if (F.mode === 'float64')
    return {
      fn: (name, a) => MATH[name](a as number) as T,
      constant: (name) => (name === 'pi' ? Math.PI : Math.E) as T,
    };
  if (F.mode === 'precise') {
    const A = arithOf(F as unknown as Field<Interval>);
    if (!A) throw new RangeError('evaluate: the precise field has no interval kernel registered');
    return {
      fn: (name, a) => applyFn(A, name, a as Interval) as T,
      constant: (name) => constant(A, name) as T,
    };
  }
  const noExact = (what: string): never => {
    throw new ModeError(`loss expression: ${what} needs the precise or float64 mode (the exact field has + - * /, powers and roots)`);
  };
  return {
    fn: (name, a) => (name === 'sqrt' ? F.sqrt(a) : name === 'cbrt' ? F.cbrt(a) : noExact(name)),
    constant: (name) => noExact(name),
  };
}

/** A function that evaluates trees over F at an environment of variable values. */
export function evaluatorFor<T>(F: Field<T>): (n: ENode, env: Env<T>) => T {
  const X = extraFor(F);
  const go = (n: ENode, env: Env<T>): T => {
    switch (n.k) {
      case 'num':
        return F.lift(n.q);
      case 'const':
        return X.constant(n.name);
      case 'var': {
        const v = env[n.name];
        if (v === undefined) throw new RangeError(`evaluate: variable ${n.name} has no value`);
        return v;
      }
      case 'neg':
        return F.neg(go(n.a, env));
      case 'fn':
        return X.fn(n.name, go(n.a, env));
      case 'bin': {
        if (n.op === '^') return power(n.a, n.b, env);
        const a = go(n.a, env);
        const b = go(n.b, env);
        if (n.op === '+') return F.add(a, b);
        if (n.op === '-') return F.sub(a, b);
        if (n.op === '*') return F.mul(a, b);
        return F.div(a, b);
      }
    }
  };
  const power = (base: ENode, exponent: ENode, env: Env<T>): T => {
    const e = constExponent(exponent);
    const a = go(base, env);
    if (e) {
      const [k, root] = e;
      const r = root === 1 ? a : root === 2 ? F.sqrt(a) : F.cbrt(a);
      return F.powInt(r, k);
    }
    // a^b = exp(b log a), a > 0.
    return X.fn('exp', F.mul(go(exponent, env), X.fn('log', a)));
  };
  return go;
}
