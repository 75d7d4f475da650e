/**
 * Encodings of a claim for the solver, generated from the claim's own sides in theory/:
 * its scalar form (theory/claim.ts ScalarForm: a statement about a few reals, proved for every
 * input) and its fixed-size classes (classes.ts: the claim's own `comparisons` on an input whose
 * numbers are variables). Either is run over the symbolic field once per branch path.
 */
import { Rational } from '../../numeric/rational.ts';
import { symbolicField, type Sym, type SymbolicField, type Z3Bool, type Z3Context } from '../../numeric/z3-field.ts';
import type { Assumption, Claim, Comparison, HypothesisName, ScalarVariable } from '../../theory/claim.ts';
import { isVacuous } from '../../theory/_internals/sides.ts';
import { classesFor, type ClassTemplate } from './classes.ts';

export interface Encoding {
  kind: 'scalar' | 'class';
  /** What a proof covers: "all inputs" (scalar form) or the class, e.g. "m = n = r = 1 quadratics". */
  text: string;
  vars: readonly ScalarVariable[];
  /** The comparisons and assumptions at the variables, over F (placeholders from F.symbol). */
  build(F: SymbolicField, nominal: (v: ScalarVariable, i: number) => Rational): Built;
  /** For a class: the claim input at exact values of the variables. */
  input?(values: Readonly<Record<string, Rational>>): unknown;
}

interface Built {
  comparisons: Comparison<Sym>[];
  assumptions: Assumption<Sym>[];
}

/** Placeholders for every variable, and their symbolic values. */
function placeholders(F: SymbolicField, vars: readonly ScalarVariable[], nominal: (v: ScalarVariable, i: number) => Rational) {
  const ph: Record<string, Rational> = {};
  const val: Record<string, Sym> = {};
  vars.forEach((v, i) => {
    ph[v.name] = F.symbol(v.name, nominal(v, i));
    val[v.name] = F.lift(ph[v.name]!);
  });
  return { ph, val };
}

function scalarEncoding(claim: Claim, dropped: ReadonlySet<HypothesisName>): Encoding | undefined {
  const form = claim.scalar;
  if (!form) return undefined;
  return {
    kind: 'scalar',
    text: 'all inputs',
    vars: form.vars,
    build(F, nominal) {
      const { val } = placeholders(F, form.vars, nominal);
      const { comparisons, assumptions } = form.at(F, val, dropped);
      // a fact resting on a dropped hypothesis no longer holds
      const kept = assumptions.filter((a) => !(a.needs ?? []).some((h) => dropped.has(h)));
      return { comparisons, assumptions: kept };
    },
  };
}

function classEncoding(claim: Claim, t: ClassTemplate): Encoding {
  return {
    kind: 'class',
    text: t.text,
    vars: t.vars,
    build(F, nominal) {
      const { ph, val } = placeholders(F, t.vars, nominal);
      const input = t.input((name) => {
        const p = ph[name];
        if (!p) throw new RangeError(`class ${t.text}: no variable ${name}`);
        return p;
      });
      return { comparisons: claim.comparisons(F, input), assumptions: t.assumptions(F, val) };
    },
    input: (values) =>
      t.input((name) => {
        const x = values[name];
        if (!x) throw new RangeError(`class ${t.text}: no value for ${name}`);
        return x;
      }),
  };
}

/** The encodings of a claim, scalar form first, then its classes smallest first. */
export function encodingsFor(claim: Claim, dropped: ReadonlySet<HypothesisName>): Encoding[] {
  const out: Encoding[] = [];
  const s = scalarEncoding(claim, dropped);
  if (s) out.push(s);
  for (const t of classesFor(claim, dropped)) out.push(classEncoding(claim, t));
  return out;
}

/** Whether a claim has any encoding (no solver needed to tell). */
export function hasEncoding(claim: Claim): boolean {
  return claim.scalar !== undefined || classesFor(claim, new Set()).length > 0;
}

/** One path of an encoding: its field (definitions, domain, path condition) and the formulas. */
export interface PathQuery {
  F: SymbolicField;
  /** Everything assumed on this path: definitions, domain, path condition, assumptions. */
  constraints: Z3Bool[];
  /** The negation of the claim (some comparison fails). */
  negation: Z3Bool;
  /** Sources of the assumptions, aligned with `assumptionTerms`. */
  assumptionFrom: string[];
  assumptionTerms: Z3Bool[];
  pathText: string[];
  /** The comparisons on this path (vacuous ones left out), for goals other than the negation. */
  comparisons: Comparison<Sym>[];
}

const NEGATE = { '<=': '>', '>=': '<', '=': '!=', '<': '>=', '>': '<=' } as const;

function asTerm(F: SymbolicField, c: Comparison<Sym>): Z3Bool {
  return F.relation(c.lhs, c.rel as never, c.rhs);
}

export interface Exploration {
  paths: PathQuery[];
  /** The walk stopped at the path limit. */
  truncated: boolean;
  /** Paths on which evaluating the claim threw a RangeError (undefined there, as in exact arithmetic). */
  undefinedPaths: { path: string[]; error: string }[];
}

/** Nominal values of placeholders (never seen by the solver; see `valueIndependent`). */
const NOMINAL = (v: ScalarVariable, i: number): Rational => Rational.of(i + 2, i + 3);

/**
 * Runs the encoding over the symbolic field once per branch path (depth first over the choices
 * of sign/isZero/min/max on non-constant values). Throws any error but a RangeError through
 * (a ModeError: exp/log).
 */
export function explore(Z: Z3Context, enc: Encoding, maxPaths = 64): Exploration {
  const paths: PathQuery[] = [];
  const undefinedPaths: Exploration['undefinedPaths'] = [];
  let prefix: number[] = [];
  for (let k = 0; ; k++) {
    if (k >= maxPaths) return { paths, truncated: true, undefinedPaths };
    const choices: number[] = [];
    const arity: number[] = [];
    const F = symbolicField(Z, (_what, n) => {
      const c = choices.length < prefix.length ? prefix[choices.length]! : 0;
      choices.push(c);
      arity.push(n);
      return c;
    });
    try {
      const b = enc.build(F, NOMINAL);
      const live = b.comparisons.filter((c) => !isVacuous(c));
      // the sign every input gives a variable (L > 0, norms >= 0, ...)
      const signs = enc.vars.flatMap((v) => {
        const x = F.inputs.find((i) => i.name === v.name)!.e;
        return v.sign === 'positive' ? [x.gt(0)] : v.sign === 'nonneg' ? [x.ge(0)] : [];
      });
      const assumptionTerms = b.assumptions.map((a) => asTerm(F, a.cmp));
      const negation = live.length ? Z.Or(...live.map((c) => F.relation(c.lhs, NEGATE[c.rel], c.rhs))) : Z.Bool.val(false);
      paths.push({
        F,
        constraints: [...signs, ...F.definitions, ...F.domain, ...F.path],
        negation,
        assumptionFrom: b.assumptions.map((a) => a.from),
        assumptionTerms,
        pathText: [...F.pathText],
        comparisons: live,
      });
    } catch (e) {
      // the fields and theory/ throw a RangeError where a value is undefined (x/0, sqrt of a
      // negative constant); anything else (a ModeError: exp/log; a TypeError: a bug) goes through
      if (!(e instanceof RangeError)) throw e;
      undefinedPaths.push({ path: [...F.pathText], error: e.message });
    }
    let i = choices.length - 1;
    while (i >= 0 && choices[i]! + 1 >= arity[i]!) i--;
    if (i < 0) return { paths, truncated: false, undefinedPaths };
    prefix = [...choices.slice(0, i), choices[i]! + 1];
  }
}

/**
 * Guard against a claim that reads its input's numbers outside the field (then the symbolic
 * run would follow the placeholders' nominal values, not the variables): the default path is
 * built at two nominal assignments (positive; negative where a variable may be negative) and
 * must give the very same formulas.
 */
export function valueIndependent(Z: Z3Context, enc: Encoding): boolean {
  const text = (nominal: (v: ScalarVariable, i: number) => Rational) => {
    const F = symbolicField(Z);
    try {
      const b = enc.build(F, nominal);
      return [...b.comparisons.map((c) => `${c.lhs.e.sexpr()} ${c.rel} ${c.rhs.e.sexpr()}`), ...F.pathText].join('\n');
    } catch (e) {
      return `error: ${e instanceof Error ? e.message : String(e)}`;
    }
  };
  const other = (v: ScalarVariable, i: number) => (v.sign === 'real' ? Rational.of(-(2 * i + 5), 7) : Rational.of(2 * i + 5, 3));
  return text(NOMINAL) === text(other);
}
