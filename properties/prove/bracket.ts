/**
 * Brackets a claim's constant with the SMT engine: for c below or above the paper's 1, is there
 * an input whose ratio (lhs/rhs for <=, rhs/lhs for >=, as numeric/compare.ts defines it)
 * exceeds c? Sat: yes, and the model, confirmed in exact arithmetic, is a witness whose
 * certified ratio is a lower bound on the worst case (c is impossible as a constant). Unsat:
 * every input of the class has ratio <= c, an upper bound proved (for every input when the
 * scalar form also proves it). Bisection on c over the smallest class, within a time budget;
 * the bracket [lower, upper] goes beside the sampled best (tighten).
 */
import { Rational } from '../../numeric/rational.ts';
import type { Claim } from '../../theory/claim.ts';
import { encode } from '../../theory/codec.ts';
import type { SmtBracket } from '../../theory/results.ts';
import { certifyRatio } from '../search/tighten.ts';
import { encodingsFor, explore, valueIndependent, type Encoding, type PathQuery } from './encode.ts';
import { solve, type SolverAnswer } from './solve.ts';
import { candidatePoints, inClass } from './witness.ts';
import { loadZ3, type Z3 } from './z3.ts';

/** Some comparison has a positive denominator and num > c * den. */
function exceeds(z3: Z3, p: PathQuery, c: Rational) {
  const { Z } = z3;
  const F = p.F;
  const C = F.lift(c);
  const alts = p.comparisons
    .filter((k) => k.rel !== '=')
    .map((k) => {
      const [num, den] = k.rel === '<=' ? [k.lhs, k.rhs] : [k.rhs, k.lhs];
      return Z.And(F.relation(den, '>', F.zero), F.relation(num, '>', F.mul(C, den)));
    });
  return alts.length ? Z.Or(...alts) : Z.Bool.val(false);
}

interface Step {
  answer: SolverAnswer;
  /** Certified ratio of a confirmed witness (sat). */
  lower?: { ratio: Rational | number; text: string; input: unknown };
  reason?: string;
}

type Solve = typeof solve;

async function ask(z3: Z3, query: Solve, claim: Claim, enc: Encoding, paths: PathQuery[], c: Rational, deadline: number): Promise<Step> {
  let unknown: string | undefined;
  for (const p of paths) {
    const r = await query(z3, [...p.constraints, ...p.assumptionTerms, exceeds(z3, p, c)], p.F.inputs, deadline - performance.now());
    if (r.answer === 'unsat') continue;
    if (r.answer === 'unknown') {
      unknown ??= r.reason;
      continue;
    }
    if (!enc.input) return { answer: 'sat' };
    for (const point of candidatePoints(r.model!)) {
      let input: unknown;
      try {
        input = enc.input(point);
      } catch {
        continue;
      }
      if (!inClass(claim, input, new Set())) continue;
      const cert = certifyRatio(claim, input, ['exact']);
      if (cert && cert.value > c.toNumber()) return { answer: 'sat', lower: { ratio: cert.value, text: cert.text, input } };
    }
    unknown ??= 'a model was found but no rational point near it is certified above c';
  }
  return unknown !== undefined ? { answer: 'unknown', reason: unknown } : { answer: 'unsat' };
}

/** A simple rational near x (a few significant bits), for the next c of the bisection. */
function simpleNear(x: number): Rational {
  const e = Math.floor(Math.log2(Math.abs(x) || 1)) - 8;
  return Rational.fromNumber(Math.round(x / 2 ** e) * 2 ** e);
}

/**
 * `opts.solve` replaces the solver query (solve.ts) for every step: bracket.test.ts plants an
 * `unknown` where Z3 would answer, which no test could otherwise reach without depending on the
 * machine's speed.
 */
export async function bracketConstant(claim: Claim, opts: { budgetMs: number; maxSteps?: number; solve?: Solve }): Promise<SmtBracket | undefined> {
  const encs = encodingsFor(claim, new Set());
  const cls = encs.find((e) => e.kind === 'class');
  // upper bounds from the scalar form where there is one (they hold for every input), else the class
  const up = encs.find((e) => e.kind === 'scalar') ?? cls;
  if (!up) return undefined;
  const z3 = await loadZ3();
  const query = opts.solve ?? solve;
  const t0 = performance.now();
  const deadline = t0 + opts.budgetMs;
  const pathsOf = (enc: Encoding | undefined): PathQuery[] | undefined => {
    if (!enc || (enc.kind === 'class' && !valueIndependent(z3.Z, enc))) return undefined;
    try {
      const exp = explore(z3.Z, enc);
      // no path left (the sides are undefined on every one): nothing to bound
      return exp.truncated || !exp.paths.length ? undefined : exp.paths;
    } catch {
      return undefined;
    }
  };
  const upPaths = pathsOf(up);
  if (!upPaths) return undefined;
  const clsPaths = up === cls ? upPaths : pathsOf(cls);
  const out: SmtBracket = { class: cls?.text ?? up.text, steps: 0, timeMs: 0 };
  let lo: number | undefined;
  /** Largest c at which the upper encoding was sat (no proof of c; a lower bound only if confirmed). */
  let notBelow: number | undefined;
  let hi: Rational | undefined;
  let c = Rational.ONE;
  for (let k = 0; k < (opts.maxSteps ?? 12) && performance.now() < deadline; k++) {
    out.steps++;
    const r = await ask(z3, query, claim, up, upPaths, c, deadline);
    if (r.answer === 'unknown') {
      out.stoppedAt = `c = ${c}: ${r.reason ?? 'unknown'}`;
      break;
    }
    if (r.answer === 'unsat') {
      hi = c;
      out.upper = { ratio: c.toString(), value: c.toNumber(), class: up.kind === 'scalar' ? 'all inputs' : up.text };
    } else {
      notBelow = Math.max(notBelow ?? -Infinity, c.toNumber());
      // a witness from the class: the upper encoding's own model, or a separate class query
      const w = r.lower ?? (cls && clsPaths && up !== cls ? (await ask(z3, query, claim, cls, clsPaths, c, Math.min(deadline, performance.now() + opts.budgetMs / 4))).lower : undefined);
      if (w) {
        const v = typeof w.ratio === 'number' ? w.ratio : w.ratio.toNumber();
        if (lo === undefined || v > lo) {
          lo = v;
          out.lower = { ratio: w.text, value: v, class: cls!.text, input: encode(w.input) };
        }
      }
    }
    // next c: halfway in the bracket; above 1 with no upper bound yet, double
    const floor = Math.max(lo ?? 0, notBelow ?? 0);
    const next = hi === undefined ? Math.max(floor, c.toNumber()) * 2 : (floor + hi.toNumber()) / 2;
    const nc = simpleNear(next);
    if ((hi && nc.cmp(hi) >= 0) || nc.toNumber() <= floor) break;
    if (hi && hi.toNumber() - floor <= 1e-3 * Math.max(1, floor)) break;
    c = nc;
  }
  // a witnessed ratio that is a rational (1/3, 1/2): try it as the bound, which closes the bracket
  const exactLo = out.lower && /^-?\d+(\/\d+)?$/.test(out.lower.ratio) ? Rational.parse(out.lower.ratio) : undefined;
  if (exactLo && (!hi || exactLo.lt(hi)) && performance.now() < deadline) {
    out.steps++;
    const r = await ask(z3, query, claim, up, upPaths, exactLo, deadline);
    if (r.answer === 'unsat') out.upper = { ratio: exactLo.toString(), value: exactLo.toNumber(), class: up.kind === 'scalar' ? 'all inputs' : up.text };
  }
  out.timeMs = performance.now() - t0;
  return out;
}
