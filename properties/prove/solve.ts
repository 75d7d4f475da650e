/**
 * One solver query: the assumptions of one path and the negation of the claim, decided by Z3's
 * nlsat procedure (complete for polynomial real arithmetic, which is all the symbolic field
 * produces) within a time budget. A sat answer comes back with the model's values of the input
 * variables: exact rationals, or for an algebraic value (a root-obj) a ladder of rational
 * enclosures that witness.ts picks a nearby rational point from.
 */
import { Rational } from '../../numeric/rational.ts';
import type { Z3Arith, Z3Bool } from '../../numeric/z3-field.ts';
import type { Z3 } from './z3.ts';

export type SolverAnswer = 'sat' | 'unsat' | 'unknown';

/** A model value: exact, or algebraic with enclosures [lo, hi] of growing precision. */
export type ModelValue = { exact: Rational } | { algebraic: string; enclosures: [Rational, Rational][] };

/** An unknown always says why (a caller that reads a missing reason as "no unknown" would take
 *  the query for unsat): the type makes every unknown carry one. */
type SolveOutcome =
  | { answer: 'unsat'; ms: number }
  /** The values of the named input variables. */
  | { answer: 'sat'; ms: number; model: Record<string, ModelValue> }
  /** Why: "timeout after 2.0 s", the solver's reason, or an error. */
  | { answer: 'unknown'; ms: number; reason: string };

/** Decimal digits of the enclosures of an algebraic model value. */
const DIGITS = [2, 4, 8, 16, 32, 64];

function numeralOf(z3: Z3, ast: unknown): Rational {
  return Rational.parse(z3.low.get_numeral_string(z3.Z.ptr, ast));
}

function modelValue(z3: Z3, v: Z3Arith): ModelValue {
  const { Z, low } = z3;
  if (Z.isRealVal(v)) {
    const { numerator, denominator } = v.value();
    return { exact: Rational.of(numerator, denominator) };
  }
  if (low.is_algebraic_number(Z.ptr, v.ast)) {
    const enclosures = DIGITS.map(
      (d) => [numeralOf(z3, low.get_algebraic_number_lower(Z.ptr, v.ast, d)), numeralOf(z3, low.get_algebraic_number_upper(Z.ptr, v.ast, d))] as [Rational, Rational],
    );
    return { algebraic: v.sexpr(), enclosures };
  }
  if (low.is_numeral_ast(Z.ptr, v.ast)) return { exact: numeralOf(z3, v.ast) };
  throw new RangeError(`solve: model value ${v.sexpr()} is not a number`);
}

/**
 * Decides the conjunction of the constraints within timeoutMs: nlsat under Z3's try-for
 * combinator, which stops it on time. An interrupt of the context is the backstop a few seconds
 * later (an interrupt that arrives after the check has ended would cancel the next call, so it
 * is not the first means). `signal` (Ctrl-C) interrupts the check at once: the caller makes no
 * further call then. Never throws: a solver error is an `unknown` with its message.
 */
export async function solve(z3: Z3, constraints: readonly Z3Bool[], inputs: readonly { name: string; e: Z3Arith }[], timeoutMs: number, signal?: AbortSignal): Promise<SolveOutcome> {
  const { Z } = z3;
  const t0 = performance.now();
  if (signal?.aborted) return { answer: 'unknown', ms: 0, reason: 'interrupted' };
  if (timeoutMs <= 0) return { answer: 'unknown', ms: 0, reason: 'no time left in the budget' };
  const ms = Math.max(1, Math.round(timeoutMs));
  let timer: NodeJS.Timeout | undefined;
  const stop = () => Z.interrupt();
  try {
    const s = Z.TryFor(new Z.Tactic('qfnra-nlsat'), ms).solver();
    s.add(...constraints);
    timer = setTimeout(() => Z.interrupt(), ms + 3000);
    signal?.addEventListener('abort', stop);
    const answer: SolverAnswer = await s.check();
    clearTimeout(timer);
    const spent = performance.now() - t0;
    if (answer === 'unknown' && signal?.aborted) return { answer, ms: spent, reason: 'interrupted' };
    if (answer === 'unknown') {
      const r = s.reasonUnknown();
      const timedOut = spent >= ms - 5 || /timeout|canceled|interrupted/i.test(r);
      return { answer, ms: spent, reason: timedOut ? `timeout after ${(spent / 1000).toFixed(1)} s` : `the solver gave up (${r})` };
    }
    if (answer === 'unsat') return { answer, ms: spent };
    const m = s.model();
    const model: Record<string, ModelValue> = {};
    for (const v of inputs) model[v.name] = modelValue(z3, m.eval(v.e, true) as Z3Arith);
    return { answer, ms: performance.now() - t0, model };
  } catch (e) {
    return { answer: 'unknown', ms: performance.now() - t0, reason: `solver error: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
  }
}
