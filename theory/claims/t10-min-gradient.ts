/**
 * (10), Sec. 3.2 and proof of Theorem 3.5 (A.4): summing (9) over t = 0..T-1 and telescoping,
 *   min_{t=0..T-1} ||grad J(V_t)||^2 <= 4 (J(V_0) - L*) / sum_{t=0}^{T-1} eta_t.
 * Hypotheses: `smooth`, `L_ge_1`, `eta_rule` (for (9)) and `lower_bound` (J(V_T) >= L*).
 * Input: T steps of (3) from V0; checked at every prefix T' = 1..T.
 * Constant (tightness): the 4 of (10), measured by
 *   sup min_{t<T} ||grad J(V_t)||^2 sum_{t<T} eta_t / (J(V_0) - L*)   (printed: 4).
 */
import type { Field } from '../../numeric/field.ts';
import type { Claim, ConstantPart, HypothesisName } from '../claim.ts';
import type { LoraRunInput } from '../inputs.ts';
import { t10 } from '../trace-sides.ts';
import { RUN_MODES } from '../_internals/num.ts';
import { runAt, runHypotheses, runNonTrivial } from '../_internals/run-input.ts';
import { TELESCOPE_VARS, telescoped } from '../_internals/telescope.ts';

/** At every prefix T = 1..input.T: min_{t<T} ||grad J(V_t)||^2, sum_{t<T} eta_t and (10). */
function prefixes<T>(F: Field<T>, input: LoraRunInput) {
  const { Lstar, records } = runAt(F, input);
  const J0 = records[0]!.J;
  const out = [];
  let minGradJsq = records[0]!.gradJsq;
  let sumEta = F.zero;
  for (let t = 0; t < records.length - 1; t++) {
    minGradJsq = t === 0 ? minGradJsq : F.min(minGradJsq, records[t]!.gradJsq);
    sumEta = F.add(sumEta, records[t]!.eta);
    out.push({ T: t + 1, minGradJsq, sumEta, gap: F.sub(J0, Lstar), scale: F.add(F.abs(J0), F.abs(Lstar)), c: t10(F, { minGradJsq, sumEta, J0, Lstar }) });
  }
  return out;
}

export const T10: Claim<LoraRunInput> = {
  id: 'T10',
  paper: '(10), proof of Theorem 3.5',
  title: 'min_t ||grad J(V_t)||^2 <= 4 (J(V_0) - L*) / sum_t eta_t',
  latex:
    '\\min_{t=0, \\dots, T-1} \\|\\nabla \\mathcal{J}(V_t)\\|^2 \\leq \\frac{4(\\mathcal{J}(V_0) - \\mathcal{L}^*)}{\\sum_{t=0}^{T-1} \\eta_t} \\quad (10)',
  hypotheses: ['smooth', 'L_ge_1', 'lower_bound', 'eta_rule'],
  inputKind: 'lora-run',
  modes: RUN_MODES,
  note: 'Checked at every prefix T = 1..input.T of the run.',
  comparisons<T>(F: Field<T>, input: LoraRunInput) {
    return prefixes(F, input).map(({ T, c }) => ({ ...c, label: `T = ${T}: ${c.label}` }));
  },
  constant: {
    printed: '4',
    direction: 'sup',
    quantity: 'min_{t<T} ||grad J(V_t)||^2 sum_{t<T} eta_t / (J(V_0) - L*), at every prefix T',
    latex: '\\frac{\\min_{t<T} \\|\\nabla \\mathcal{J}(V_t)\\|^2 \\sum_{t<T} \\eta_t}{\\mathcal{J}(V_0) - \\mathcal{L}^*}',
    degenerate:
      'J(V_0) = L* (V_0 minimises J, grad J(V_0) = 0: 0/0) is excluded; in float64 search a run with J(V_0) - L* below 1e-9 of |J(V_0)| + |L*| is skipped',
    parts<T>(F: Field<T>, input: LoraRunInput): ConstantPart<T>[] {
      return prefixes(F, input).map(({ T, minGradJsq, sumEta, gap, scale }) => ({ label: `T = ${T}`, num: F.mul(minGradJsq, sumEta), den: gap, scale }));
    },
  },
  nonTrivial: runNonTrivial,
  hypothesesHold: runHypotheses,
  scalar: {
    // The proof's summation: min_t a_t * sum_t eta_t <= sum_t eta_t a_t = S (eta_t >= 0), then (9)
    // summed and J(V_T) >= L*.
    vars: [{ name: 'minG', sign: 'nonneg', text: 'min_t ||grad J(V_t)||^2' }, { name: 'sumEta', sign: 'positive', text: 'sum_t eta_t' }, ...TELESCOPE_VARS],
    at<T>(F: Field<T>, v: Readonly<Record<string, T>>, dropped: ReadonlySet<HypothesisName>) {
      return {
        comparisons: [t10(F, { minGradJsq: v.minG!, sumEta: v.sumEta!, J0: v.J0!, Lstar: v.Lstar! })],
        assumptions: [
          { from: 'min <= every term', cmp: { label: 'min_t a_t * sum_t eta_t <= sum_t eta_t a_t', lhs: F.mul(v.minG!, v.sumEta!), rel: '<=', rhs: v.S! } },
          ...telescoped(F, v, dropped),
        ],
      };
    },
  },
};
