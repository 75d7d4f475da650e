/**
 * Scalar-level sides of the per-step and per-run statements of Lemma 3.4 and Theorem 3.5
 * (Appendix A.3-A.4), over any Field. The multi-step claims (GV, GV.step, T10, T35) evaluate
 * their runs with these, and the trace verifier (gpu-runs/) applies the very same functions to
 * the records of a training trace (J_t, ||V_t||^2, ||G_t||, ||grad J(V_t)||^2, eta_t), so a
 * trace and a CPU run are judged by one definition.
 *
 * Inputs are field values; counts (t, T) may also be plain JS integers.
 */
import type { Field } from '../numeric/field.ts';
import type { Comparison } from './claim.ts';
import { count, prod, sqrt2 } from './_internals/sides.ts';

/** 4 sqrt2 L, the constant of (8). */
export function fourSqrt2L<T>(F: Field<T>, L: T): T {
  return prod(F, F.fromInt(4), sqrt2(F), L);
}

/**
 * (8): eta = min{ 1 / (4 sqrt2 L (||V||^2 + ||G||)), 1 }.
 * When ||V||^2 + ||G|| = 0 the first term is +infinity and eta = 1 (then V = 0, a stationary
 * point: the step does not move V whatever eta is).
 */
export function eta8<T>(F: Field<T>, s: { Vsq: T; Gnorm: T; L: T }): T {
  const first = eta8FirstTerm(F, s);
  return first === undefined ? F.one : F.min(first, F.one);
}

/** The first term of (8), 1 / (4 sqrt2 L (||V||^2 + ||G||)); undefined when it is +infinity. */
export function eta8FirstTerm<T>(F: Field<T>, s: { Vsq: T; Gnorm: T; L: T }): T | undefined {
  const den = F.add(s.Vsq, s.Gnorm);
  if (F.isZero(den)) return undefined;
  return F.div(F.one, F.mul(fourSqrt2L(F, s.L), den));
}

/** (9): J(V_{t+1}) <= J(V_t) - (eta_t / 4) ||grad J(V_t)||^2. */
export function descentStep<T>(F: Field<T>, s: { J_t: T; J_next: T; eta: T; gradJsq: T }): Comparison<T> {
  return {
    label: '(9) J(V_{t+1}) <= J(V_t) - (eta_t/4) ||grad J(V_t)||^2',
    lhs: s.J_next,
    rel: '<=',
    rhs: F.sub(s.J_t, F.div(F.mul(s.eta, s.gradJsq), F.fromInt(4))),
  };
}

/** A.4, per step: ||V_{t+1}||^2 - ||V_t||^2 <= 1/(4 sqrt2 L) + 2 eta_t ||grad J(V_t)||^2. */
export function gvStep<T>(F: Field<T>, s: { Vsq_t: T; Vsq_next: T; eta: T; gradJsq: T; L: T }): Comparison<T> {
  return {
    label: '||V_{t+1}||^2 - ||V_t||^2 <= 1/(4 sqrt2 L) + 2 eta_t ||grad J(V_t)||^2',
    lhs: F.sub(s.Vsq_next, s.Vsq_t),
    rel: '<=',
    rhs: F.add(F.div(F.one, fourSqrt2L(F, s.L)), prod(F, F.fromInt(2), s.eta, s.gradJsq)),
  };
}

/** A.4, summed: ||V_T||^2 <= ||V_0||^2 + T/(4 sqrt2 L) + 8 (J(V_0) - L*). */
export function gvTotal<T>(
  F: Field<T>,
  s: { Vsq_T: T; Vsq_0: T; T: number | T; L: T; J0: T; Lstar: T },
): Comparison<T> {
  const T_ = count(F, s.T);
  return {
    label: '||V_T||^2 <= ||V_0||^2 + T/(4 sqrt2 L) + 8 (J(V_0) - L*)',
    lhs: s.Vsq_T,
    rel: '<=',
    rhs: F.add(F.add(s.Vsq_0, F.div(T_, fourSqrt2L(F, s.L))), F.mul(F.fromInt(8), F.sub(s.J0, s.Lstar))),
  };
}

/**
 * (10): min_{t<T} ||grad J(V_t)||^2 <= 4 (J(V_0) - L*) / sum_{t<T} eta_t, in the printed
 * quotient form. The proof derives it from min ||grad J||^2 * sum eta <= 4 (J(V_0) - L*); that
 * cleared form is used only when sum eta = 0 (a trace with zero steps), where the quotient is
 * undefined.
 */
export function t10<T>(F: Field<T>, s: { minGradJsq: T; sumEta: T; J0: T; Lstar: T }): Comparison<T> {
  const fourGap = F.mul(F.fromInt(4), F.sub(s.J0, s.Lstar));
  if (F.isZero(s.sumEta))
    return {
      label: '(10), cleared form (sum eta_t = 0): min ||grad J(V_t)||^2 * sum eta_t <= 4 (J(V_0) - L*)',
      lhs: F.mul(s.minGradJsq, s.sumEta),
      rel: '<=',
      rhs: fourGap,
    };
  return {
    label: '(10) min_{t<T} ||grad J(V_t)||^2 <= 4 (J(V_0) - L*) / sum_{t<T} eta_t',
    lhs: s.minGradJsq,
    rel: '<=',
    rhs: F.div(fourGap, s.sumEta),
  };
}

/**
 * (2L (J(V_0) - L*))^{1/2}, the bound (23) puts on every ||G(V_t)|| along a descending run.
 * Undefined (returns a failing guard comparison instead) when J(V_0) < L*, i.e. when the
 * stated L* is not a lower bound.
 */
function gradBound<T>(F: Field<T>, s: { L: T; J0: T; Lstar: T }): { value: T } | { guard: Comparison<T> } {
  const gap = F.sub(s.J0, s.Lstar);
  if (F.sign(gap) === -1)
    return {
      guard: { label: 'J(V_0) - L* >= 0, needed for the square root (2L (J(V_0) - L*))^{1/2} in D_t', lhs: gap, rel: '>=', rhs: F.zero },
    };
  return { value: F.sqrt(prod(F, F.fromInt(2), s.L, gap)) };
}

function DOf<T>(F: Field<T>, L: T, Vsq: T, root: T): T {
  return F.mul(fourSqrt2L(F, L), F.add(Vsq, root));
}

/**
 * D_t = 4 sqrt2 L (||V_t||^2 + (2L (J(V_0) - L*))^{1/2}) (A.4), or the failing guard
 * comparison J(V_0) - L* >= 0 when the square root is undefined.
 */
export function Dt<T>(F: Field<T>, s: { Vsq: T; L: T; J0: T; Lstar: T }): { D: T } | { guard: Comparison<T> } {
  const b = gradBound(F, s);
  if ('guard' in b) return b;
  return { D: DOf(F, s.L, s.Vsq, b.value) };
}

/** A.4: eta_t >= min{1/D_t, 1} (1/D_t = +infinity, so the minimum is 1, when D_t = 0). */
export function t35Eta<T>(F: Field<T>, s: { eta: T; Vsq: T; L: T; J0: T; Lstar: T }): Comparison<T> {
  const d = Dt(F, s);
  if ('guard' in d) return d.guard;
  return {
    label: 'eta_t >= min{1/D_t, 1}, D_t = 4 sqrt2 L (||V_t||^2 + (2L (J(V_0) - L*))^{1/2})',
    lhs: s.eta,
    rel: '>=',
    rhs: F.isZero(d.D) ? F.one : F.min(F.div(F.one, d.D), F.one),
  };
}

/** A.4: D_t <= t + 4 sqrt2 L (||V_0||^2 + 8 (J(V_0) - L*) + (2L (J(V_0) - L*))^{1/2}). */
export function t35D<T>(F: Field<T>, s: { t: number | T; Vsq: T; Vsq0: T; L: T; J0: T; Lstar: T }): Comparison<T> {
  const b = gradBound(F, s);
  if ('guard' in b) return b.guard;
  const D = DOf(F, s.L, s.Vsq, b.value);
  const inner = F.add(F.add(s.Vsq0, F.mul(F.fromInt(8), F.sub(s.J0, s.Lstar))), b.value);
  return {
    label: 'D_t <= t + 4 sqrt2 L (||V_0||^2 + 8 (J(V_0) - L*) + (2L (J(V_0) - L*))^{1/2})',
    lhs: D,
    rel: '<=',
    rhs: F.add(count(F, s.t), F.mul(fourSqrt2L(F, s.L), inner)),
  };
}
