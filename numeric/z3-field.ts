/**
 * A Field whose values are Z3 terms (SMT-LIB real arithmetic), so that a claim's own sides,
 * written once over `Field<T>` in theory/, become solver formulas with no second copy of the
 * math. The prover (properties/prove/) uses it; z3-solver itself is loaded lazily there, this
 * file imports its types only.
 *
 * - Constants fold exactly (BigInt rationals): `4 * 1/2` stays the numeral 2, and a decision
 *   on a constant (sign, isZero) is made here, not by the solver.
 * - Non-polynomial operations become fresh variables pinned by their defining equation, so the
 *   solver sees polynomial real arithmetic only (decidable; Z3's nlsat decides it):
 *     sqrt(a) = s with s >= 0, s^2 = a              (domain: a >= 0)
 *     cbrt(a) = y with y^3 = a
 *     a / b   = q with q b = a                      (domain: b != 0; a constant b is a product)
 *   min, max and abs are if-then-else terms. exp and log have no encoding (ModeError).
 * - A decision on a non-constant value (sign, isZero: the places where a claim branches, e.g. a
 *   printed bound that is +infinity when its denominator vanishes) is a branch point: `choose`
 *   picks one outcome and the outcome's condition joins the path condition. The prover runs the
 *   claim once per path (a depth-first walk over the choices), so every branch is covered.
 * - Inputs: `symbol(name)` makes a placeholder Rational that `lift` maps to a solver variable,
 *   so a claim input (a loss descriptor, a matrix V) can carry variables where numbers go.
 */
import type { Arith, Bool, Context } from 'z3-solver';
import { ModeError, type Field, type Num } from './field.ts';
import { toRational } from './num.ts';
import { Rational } from './rational.ts';

export type Z3Context = Context<'main'>;
export type Z3Arith = Arith<'main'>;
export type Z3Bool = Bool<'main'>;

/** A value of the symbolic field: a Z3 term, and its exact value when it is a constant. */
export interface Sym {
  readonly e: Z3Arith;
  readonly q?: Rational;
}

/** Picks one outcome of a branch point (index into the conditions); see SymbolicField.choices. */
type Chooser = (what: string, arity: number) => number;

export interface SymbolicField extends Field<Sym> {
  /** Placeholder Rational for an input entry; `lift` turns it into the variable `name`. */
  symbol(name: string, nominal?: Rational): Rational;
  /** The variable a placeholder stands for (undefined for an ordinary number). */
  variableOf(x: Num): { name: string; e: Z3Arith } | undefined;
  /** Every variable made by `symbol`, in order. */
  readonly inputs: readonly { name: string; e: Z3Arith }[];
  /** Defining equations of the auxiliary variables (roots, quotients). */
  readonly definitions: Z3Bool[];
  /** Conditions under which every operation used is defined (radicands >= 0, divisors != 0). */
  readonly domain: Z3Bool[];
  /** Conditions of the branch outcomes taken so far. */
  readonly path: Z3Bool[];
  /** Human text of each branch taken, e.g. "sign(...) = 1". */
  readonly pathText: string[];
  /** Auxiliary variables made so far (names). */
  readonly auxiliaries: readonly string[];
  /** a rel b as a solver formula. */
  relation(a: Sym, rel: '<=' | '=' | '>=' | '<' | '>' | '!=', b: Sym): Z3Bool;
}

/**
 * A fresh symbolic field over the context Z. `choose` decides branch points (default: the first
 * outcome). Build one field per path: it records that path's definitions and conditions.
 */
export function symbolicField(Z: Z3Context, choose: Chooser = () => 0): SymbolicField {
  const vars = new Map<object, { name: string; e: Z3Arith }>();
  const inputs: { name: string; e: Z3Arith }[] = [];
  const definitions: Z3Bool[] = [];
  const domain: Z3Bool[] = [];
  const path: Z3Bool[] = [];
  const pathText: string[] = [];
  const auxiliaries: string[] = [];
  const memo = new Map<string, Sym>();
  let aux = 0;

  const num = (q: Rational): Sym => ({ e: Z.Real.val({ numerator: q.num, denominator: q.den }) as Z3Arith, q });
  const zero = num(Rational.ZERO);
  const one = num(Rational.ONE);
  const fresh = (prefix: string): Z3Arith => {
    const name = `${prefix}!${aux++}`;
    auxiliaries.push(name);
    return Z.Real.const(name) as Z3Arith;
  };
  const key = (op: string, ...xs: Sym[]) => `${op}:${xs.map((x) => x.e.id()).join(',')}`;
  const memoised = (k: string, make: () => Sym): Sym => {
    let v = memo.get(k);
    if (!v) memo.set(k, (v = make()));
    return v;
  };
  const cmp = (a: Sym, rel: string, b: Sym): Z3Bool => {
    switch (rel) {
      case '<=':
        return a.e.le(b.e);
      case '>=':
        return a.e.ge(b.e);
      case '<':
        return a.e.lt(b.e);
      case '>':
        return a.e.gt(b.e);
      case '=':
        return a.e.eq(b.e);
      default:
        return a.e.neq(b.e);
    }
  };
  /** One branch point: the conditions of its outcomes, in the order choose() indexes them. */
  const branch = <R>(what: string, outcomes: { cond: Z3Bool; text: string; value: R }[]): R => {
    const i = choose(what, outcomes.length);
    const o = outcomes[i];
    if (!o) throw new RangeError(`symbolicField: chooser returned ${i} for a branch with ${outcomes.length} outcomes`);
    path.push(o.cond);
    pathText.push(o.text);
    return o.value;
  };
  // What this path has already decided about a term (by Z3's hash-consed ast id): the same
  // question asked twice is answered the same way, not branched on again.
  const signs = new Map<number, -1 | 0 | 1>();
  const zeros = new Map<number, boolean>();
  const order = new Map<string, boolean>();
  /** a <= b, decided as a branch point. */
  const atMost = (a: Sym, b: Sym): boolean => {
    const k = `${a.e.id()},${b.e.id()}`;
    let v = order.get(k);
    if (v === undefined)
      order.set(
        k,
        (v = branch(`${short(a)} <= ${short(b)}`, [
          { cond: a.e.le(b.e), text: `${short(a)} <= ${short(b)}`, value: true },
          { cond: a.e.gt(b.e), text: `${short(a)} > ${short(b)}`, value: false },
        ])),
      );
    return v;
  };
  const short = (a: Sym) => {
    const s = a.e.sexpr();
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  };

  const F: SymbolicField = {
    mode: 'exact',
    zero,
    one,
    inputs,
    definitions,
    domain,
    path,
    pathText,
    auxiliaries,
    symbol(name, nominal = Rational.ONE) {
      // A fresh object (Rational.of builds one), recognised by identity in lift.
      const ph = Rational.of(nominal.num, nominal.den);
      const v = { name, e: Z.Real.const(name) as Z3Arith };
      vars.set(ph, v);
      inputs.push(v);
      return ph;
    },
    variableOf: (x) => (typeof x === 'object' ? vars.get(x) : undefined),
    relation: cmp,
    lift(x: Num) {
      const v = typeof x === 'object' ? vars.get(x) : undefined;
      return v ? { e: v.e } : num(toRational(x));
    },
    fromInt: (n) => num(Rational.of(n)),
    add(a, b) {
      if (a.q && b.q) return num(a.q.add(b.q));
      if (a.q?.isZero()) return b;
      if (b.q?.isZero()) return a;
      return { e: a.e.add(b.e) };
    },
    sub(a, b) {
      if (a.q && b.q) return num(a.q.sub(b.q));
      if (b.q?.isZero()) return a;
      return { e: a.e.sub(b.e) };
    },
    mul(a, b) {
      if (a.q && b.q) return num(a.q.mul(b.q));
      if (a.q?.isZero() || b.q?.isZero()) return zero;
      if (a.q?.eq(Rational.ONE)) return b;
      if (b.q?.eq(Rational.ONE)) return a;
      return { e: a.e.mul(b.e) };
    },
    div(a, b) {
      if (b.q) {
        if (b.q.isZero()) throw new RangeError('symbolicField.div: division by zero');
        return F.mul(a, num(b.q.inv()));
      }
      if (a.q?.isZero()) return memoised(key('div0', b), () => (domain.push(b.e.neq(0)), zero));
      return memoised(key('div', a, b), () => {
        const q = fresh('quot');
        definitions.push(q.mul(b.e).eq(a.e));
        domain.push(b.e.neq(0));
        return { e: q };
      });
    },
    neg: (a) => (a.q ? num(a.q.neg()) : { e: a.e.neg() }),
    // abs, min and max are branch points too: each path stays a conjunction of polynomial
    // constraints, which nlsat decides far faster than if-then-else terms
    abs: (a) => (a.q ? num(a.q.abs()) : F.sign(a) === -1 ? F.neg(a) : a),
    min: (a, b) => (a.q && b.q ? (a.q.le(b.q) ? a : b) : atMost(a, b) ? a : b),
    max: (a, b) => (a.q && b.q ? (a.q.le(b.q) ? b : a) : atMost(a, b) ? b : a),
    sqrt(a) {
      if (a.q) {
        if (a.q.sign() < 0) throw new RangeError(`symbolicField.sqrt: argument is negative (${a.q})`);
        const r = a.q.sqrtExact();
        if (r) return num(r);
      }
      return memoised(key('sqrt', a), () => {
        const s = fresh('sqrt');
        definitions.push(s.ge(0), s.mul(s).eq(a.e));
        if (!a.q) domain.push(a.e.ge(0));
        return { e: s };
      });
    },
    cbrt(a) {
      const r = a.q?.cbrtExact();
      if (r) return num(r);
      return memoised(key('cbrt', a), () => {
        const y = fresh('cbrt');
        // y^3 = a has one real root; its sign is a's (stated too: it helps the solver)
        definitions.push(y.mul(y).mul(y).eq(a.e), Z.Or(Z.And(y.gt(0), a.e.gt(0)), Z.And(y.eq(0), a.e.eq(0)), Z.And(y.lt(0), a.e.lt(0))));
        return { e: y };
      });
    },
    powInt(a, k) {
      if (!Number.isInteger(k)) throw new RangeError(`symbolicField.powInt: argument k must be an integer, got ${k}`);
      if (k < 0) return F.div(one, F.powInt(a, -k));
      let out = one;
      for (let i = 0; i < k; i++) out = F.mul(out, a);
      return out;
    },
    exp() {
      throw new ModeError('the symbolic (SMT) field has no exp: the claim is not polynomial');
    },
    log() {
      throw new ModeError('the symbolic (SMT) field has no log: the claim is not polynomial');
    },
    sign(a) {
      if (a.q) return a.q.sign();
      const id = a.e.id();
      const known = signs.get(id);
      if (known !== undefined) return known;
      const z = zeros.get(id);
      const s: -1 | 0 | 1 =
        z === true
          ? 0
          : branch(`sign(${short(a)})`, [
              { cond: a.e.gt(0), text: `${short(a)} > 0`, value: 1 as const },
              ...(z === false ? [] : [{ cond: a.e.eq(0), text: `${short(a)} = 0`, value: 0 as const }]),
              { cond: a.e.lt(0), text: `${short(a)} < 0`, value: -1 as const },
            ]);
      signs.set(id, s);
      zeros.set(id, s === 0);
      return s;
    },
    isZero(a) {
      if (a.q) return a.q.isZero();
      const id = a.e.id();
      const known = zeros.get(id);
      if (known !== undefined) return known;
      const z = branch(`isZero(${short(a)})`, [
        { cond: a.e.neq(0), text: `${short(a)} != 0`, value: false },
        { cond: a.e.eq(0), text: `${short(a)} = 0`, value: true },
      ]);
      zeros.set(id, z);
      if (z) signs.set(id, 0);
      return z;
    },
    knownZero: (a) => a.q?.isZero() ?? false,
    toNumber: (a) => (a.q ? a.q.toNumber() : Number.NaN),
    format: (a) => (a.q ? a.q.toString() : a.e.sexpr()),
    errorBound: () => 0,
  };
  return F;
}
