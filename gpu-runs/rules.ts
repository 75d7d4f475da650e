/**
 * Step-size rules (paper Sec. 3.2 and Sec. 4), twice: `stepSize` in float64 on the host (what
 * the verifier recomputes), and `stepSizeOnDevice` in float32 on the tensors, which the trainer
 * applies without waiting for a read-back. The device's scalars are float32 sums of the same
 * per-row partials the host sums in float64, so the two differ by float32 rounding only; the
 * device value is scaled down by (1 - ETA_MARGIN) so that the applied eta_t never exceeds the
 * rule evaluated on the recorded float64 scalars (the trainer checks this at every record).
 * The trace records the applied (float32) value.
 *
 *   theory     (8)  eta = min{1 / (4 sqrt2 L (||V||^2 + ||G||)), 1}       (theory/trace-sides.ts)
 *   adapt      Sec. 4: alpha / (||V||^2 + ||G||)
 *   adapt2     Sec. 4: alpha / (||V||^2 + sqrt(J))
 *   norm       Sec. 4: alpha / ||grad J||^(1/2)
 *   const:<lr> a constant learning rate
 * Sec. 4 computes adapt/adapt2/norm from batch values in mini-batch runs; so do we.
 */
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { float64 } from '../numeric/float64.ts';
import { eta8 } from '../theory/trace-sides.ts';
import type { TF } from './backend.ts';

export type RuleKind = 'theory' | 'adapt' | 'adapt2' | 'norm' | 'const';

export interface Rule {
  kind: RuleKind;
  /** The text it was parsed from (what the trace header records). */
  text: string;
  /** Learning rate of const:<lr>. */
  lr?: number;
}

export const RULE_NAMES = ['theory', 'adapt', 'adapt2', 'norm', 'const:<lr>'] as const;

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
  throw new RuleError(`rule "${text}" is not one of ${RULE_NAMES.join(', ')}`);
}

/** alpha a rule uses: the flag when given, else the paper's default; null for theory and const. */
export function ruleAlpha(rule: Rule, alpha?: number): number | null {
  if (rule.kind === 'theory' || rule.kind === 'const') return null;
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
  }
}

/**
 * Relative margin of the device's eta below the rule. The device sums k >= 0 partials in groups
 * of at most SUM_GROUP per level (trainer.ts: sumOnDevice, at most 4 levels up to 64^4 partials):
 * any order of additions inside a group errs by at most (SUM_GROUP - 1) float32 units (2^-24)
 * relative, so 4 levels and the handful of operations of a rule stay under 4 * 63 + 20 = 272
 * units; 2^-15 is 512 units. It is also far inside the verifier's float32 tolerance (2^-14 on
 * both sides) for "the recorded eta is (8)".
 */
export const ETA_MARGIN = 2 ** -15;
export const SUM_GROUP = 64;

/** The float32 scalars (device tensors, shape []) a rule may read; each is computed only when asked. */
export interface DeviceScalars {
  Vsq(): Scalar;
  Gsq(): Scalar;
  J(): Scalar;
  gradJsq(): Scalar;
  /** The theory's L (already max(., 1)): a number when fixed, a tensor when estimated on the device. */
  L: number | Scalar;
}

/** The smallest float32 >= x (x > 0 finite). */
export function roundUpF32(x: number): number {
  const f = Math.fround(x);
  if (f >= x || !Number.isFinite(x)) return f;
  const buf = new Float32Array([f]);
  const bits = new Uint32Array(buf.buffer);
  bits[0] = f > 0 ? bits[0]! + 1 : bits[0]! - 1;
  return buf[0]!;
}

/**
 * eta_t as a float32 device scalar, at most the rule's value on the exact sums: the same
 * formulas as stepSize, each numerator scaled by (1 - ETA_MARGIN). Call inside tf.tidy.
 */
export function stepSizeOnDevice(tf: TF, rule: Rule, alpha: number | null, s: DeviceScalars): Scalar {
  const below = (num: number, den: Tensor): Scalar => tf.div(num * (1 - ETA_MARGIN), den) as Scalar;
  switch (rule.kind) {
    case 'theory': {
      // (8): min{1 / (4 sqrt2 L (||V||^2 + ||G||)), 1}; 4 sqrt2 L rounded up when L is fixed
      const fourSqrt2L = typeof s.L === 'number' ? roundUpF32(4 * Math.SQRT2 * s.L) : tf.mul(s.L, 4 * Math.SQRT2);
      return tf.minimum(below(1, tf.mul(fourSqrt2L, tf.add(s.Vsq(), tf.sqrt(s.Gsq())))), 1) as Scalar;
    }
    case 'adapt':
      return below(alpha!, tf.add(s.Vsq(), tf.sqrt(s.Gsq())));
    case 'adapt2':
      return below(alpha!, tf.add(s.Vsq(), tf.sqrt(s.J())));
    case 'norm':
      return below(alpha!, tf.sqrt(tf.sqrt(s.gradJsq())));
    case 'const':
      return tf.scalar(roundDownF32(rule.lr!));
  }
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
