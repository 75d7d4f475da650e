/**
 * (10), Sec. 3.2 and proof of Theorem 3.5 (A.4): summing (9) over t = 0..T-1 and telescoping,
 *   min_{t=0..T-1} ||grad J(V_t)||^2 <= 4 (J(V_0) - L*) / sum_{t=0}^{T-1} eta_t.
 * Hypotheses: `smooth`, `L_ge_1`, `eta_rule` (for (9)) and `lower_bound` (J(V_T) >= L*).
 * Input: T steps of (3) from V0; checked at every prefix T' = 1..T.
 */
import type { Field } from '../../numeric/field.ts';
import type { Claim, Comparison, HypothesisName } from '../claim.ts';
import type { LoraRunInput } from '../inputs.ts';
import { t10 } from '../trace-sides.ts';
import { RUN_MODES } from '../_internals/num.ts';
import { runAt, runHypotheses, runNonTrivial } from '../_internals/run-input.ts';
import { TELESCOPE_VARS, telescoped } from '../_internals/telescope.ts';

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
    const { Lstar, records } = runAt(F, input);
    const J0 = records[0]!.J;
    const out: Comparison<T>[] = [];
    let minGradJsq = records[0]!.gradJsq;
    let sumEta = F.zero;
    for (let t = 0; t < records.length - 1; t++) {
      minGradJsq = t === 0 ? minGradJsq : F.min(minGradJsq, records[t]!.gradJsq);
      sumEta = F.add(sumEta, records[t]!.eta);
      const c = t10(F, { minGradJsq, sumEta, J0, Lstar });
      out.push({ ...c, label: `T = ${t + 1}: ${c.label}` });
    }
    return out;
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
