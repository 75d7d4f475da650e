/**
 * Step-size rules (paper Sec. 3.2 and Sec. 4). eta_t is computed in float64 from the step's
 * scalars (the float64 sums of the float32 per-row partials) and applied rounded DOWN to float32,
 * so the applied step never exceeds the rule; the trace records the applied value. On webgpu the
 * record kernel (step-webgpu.ts) evaluates the same formulas on the device, ETA_MARGIN below
 * them, so that steps need not wait for a read-back; the trainer checks every such eta against
 * stepSize on the recorded scalars.
 *
 *   theory     (8)  eta = min{1 / (4 sqrt2 L (||V||^2 + ||G||)), 1}       (theory/trace-sides.ts)
 *   adapt      Sec. 4: alpha / (||V||^2 + ||G||)
 *   adapt2     Sec. 4: alpha / (||V||^2 + sqrt(J))
 *   norm       Sec. 4: alpha / ||grad J||^(1/2)
 *   const:<lr> a constant learning rate
 *   <c>/L      a constant c / L with L the loss's own smoothness constant (the header's Lloss;
 *              RAC-LoRA's public code takes gamma = factor / L): resolved to const:<c/L> once L
 *              is known (constantRule), so it runs wherever const does
 * Sec. 4 computes adapt/adapt2/norm from batch values in mini-batch runs; so do we.
 */
import { float64 } from '../numeric/float64.ts';
import { eta8 } from '../theory/trace-sides.ts';

export type RuleKind = 'theory' | 'adapt' | 'adapt2' | 'norm' | 'const' | 'overL';

export interface Rule {
  kind: RuleKind;
  /** The text it was parsed from (what the trace header records). */
  text: string;
  /** Learning rate of const:<lr> (and of a resolved <c>/L). */
  lr?: number;
  /** c of <c>/L. */
  factor?: number;
}

export const RULE_NAMES = ['theory', 'adapt', 'adapt2', 'norm', 'const:<lr>', '<c>/L'] as const;

/** Paper Table 1 (logistic regression column): alpha^adapt = 1, alpha^adapt2 = 0.8, alpha^norm = 0.06. */
export const DEFAULT_ALPHA: Readonly<Record<'adapt' | 'adapt2' | 'norm', number>> = { adapt: 1, adapt2: 0.8, norm: 0.06 };

export class RuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleError';
  }
}

export function parseRule(text: string): Rule {
  if (text === 'theory' || text === 'adapt' || text === 'adapt2' || text === 'norm') return { kind: text, text };
  const m = /^const:(.+)$/.exec(text);
  if (m) {
    const lr = Number(m[1]);
    if (!Number.isFinite(lr) || !(lr > 0) || m[1]!.trim() === '')
      throw new RuleError(`rule "${text}": the learning rate after const: must be a finite number > 0`);
    return { kind: 'const', text, lr };
  }
  const q = /^(.*)\/L$/.exec(text);
  if (q) {
    const factor = q[1]!.trim() === '' ? NaN : Number(q[1]);
    if (!Number.isFinite(factor) || !(factor > 0)) throw new RuleError(`rule "${text}": the factor before /L must be a finite number > 0 (e.g. 1/L, 0.5/L)`);
    return { kind: 'overL', text, factor };
  }
  throw new RuleError(`rule "${text}" is not one of ${RULE_NAMES.join(', ')}`);
}

/**
 * <c>/L as the constant step it is once the loss's L is known (rounded down to float32, so the
 * applied step never exceeds c/L); other rules unchanged. The text stays "<c>/L".
 */
export function constantRule(rule: Rule, Lloss: number | undefined): Rule {
  if (rule.kind !== 'overL') return rule;
  if (Lloss === undefined || !(Lloss > 0)) throw new RuleError(`rule "${rule.text}" needs the loss's smoothness constant L, which this workload only estimates`);
  return { kind: 'const', text: rule.text, lr: roundDownF32(rule.factor! / Lloss), factor: rule.factor };
}

/** alpha a rule uses: the flag when given, else the paper's default; null for theory and the constant rules. */
export function ruleAlpha(rule: Rule, alpha?: number): number | null {
  if (rule.kind === 'theory' || rule.kind === 'const' || rule.kind === 'overL') return null;
  return alpha ?? DEFAULT_ALPHA[rule.kind];
}

/** The scalars of one step that the rules read (batch values in mini-batch runs). */
export interface StepScalars {
  /** ||V_t||^2 */
  Vsq: number;
  /** ||G(V_t)|| = ||grad L(B_t A_t)|| */
  Gnorm: number;
  /** J(V_t) (batch loss in mini-batch runs) */
  J: number;
  /** ||grad J(V_t)||^2 */
  gradJsq: number;
  /** The smoothness constant the theory uses (already max(., 1)). */
  L: number;
}

/** eta_t in float64 (may be non-finite, e.g. norm at a stationary point: the trainer stops then). */
export function stepSize(rule: Rule, alpha: number | null, s: StepScalars): number {
  switch (rule.kind) {
    case 'theory':
      return eta8(float64, { Vsq: s.Vsq, Gnorm: s.Gnorm, L: s.L }); // (8)
    case 'adapt':
      return alpha! / (s.Vsq + s.Gnorm);
    case 'adapt2':
      return alpha! / (s.Vsq + Math.sqrt(s.J));
    case 'norm':
      return alpha! / Math.sqrt(Math.sqrt(s.gradJsq)); // ||grad J||^(1/2) = (||grad J||^2)^(1/4)
    case 'const':
      return rule.lr!;
    case 'overL':
      throw new RuleError(`rule "${rule.text}": resolve it with constantRule first (it needs the loss's L)`);
  }
}

/**
 * Relative margin of the device's eta below the rule (webgpu's record kernel, step-webgpu.ts):
 * 12 units of 2^-24. The kernel's sums are compensated (error about 1 unit), its square roots and
 * quotients refined by one correction step (about 2 units each), so the rule's value on the
 * device is within about 8 units of the rule on the exact sums; 12 units below it, the applied
 * eta never exceeds the rule and stays within 20 units of it, inside the verifier's check that
 * a trace's eta is (8) (16 units relative on each side, gpu-runs/precision.ts).
 */
export const ETA_MARGIN = 12 * 2 ** -24;

/** The smallest float32 >= x (x > 0 finite). */
export function roundUpF32(x: number): number {
  const f = Math.fround(x);
  if (f >= x || !Number.isFinite(x)) return f;
  // step away from zero by x's sign, not f's: below half the smallest subnormal f is +0 (and 0 - 1 is NaN's bits)
  const buf = new Float32Array([f]);
  const bits = new Uint32Array(buf.buffer);
  bits[0] = x > 0 ? bits[0]! + 1 : bits[0]! - 1;
  return buf[0]!;
}

/** The largest float32 <= x (x > 0 finite): a constant step never exceeds the rule's eta. */
export function roundDownF32(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.fround(x);
  if (f <= x) return f;
  const buf = new Float32Array([f]);
  const bits = new Uint32Array(buf.buffer);
  bits[0] = f > 0 ? bits[0]! - 1 : bits[0]! + 1;
  return buf[0]!;
}
