/**
 * Theorem 3.5, (11)-(12), proof in A.4: the step sizes do not shrink too fast.
 *
 * With D_t = 4 sqrt2 L (||V_t||^2 + (2L (J(V_0) - L*))^{1/2}), along T steps of (3) with (8):
 *   eta_t >= min{1/D_t, 1}                                                       (by (23), J decreasing)
 *   D_t <= t + 4 sqrt2 L (||V_0||^2 + 8 (J(V_0) - L*) + (2L (J(V_0) - L*))^{1/2}) (by GV)
 * so sum_t eta_t grows at least like a harmonic series, Theta(log T).
 * Hypotheses: `smooth`, `L_ge_1`, `lower_bound`, `eta_rule`.
 * Both relations are checked at every t = 0..T (eta_T is the rule's value at V_T).
 */
import type { Field } from '../../numeric/field.ts';
import type { Claim, Comparison } from '../claim.ts';
import type { LoraRunInput } from '../inputs.ts';
import { t35D, t35Eta } from '../trace-sides.ts';
import { RUN_MODES } from '../_internals/num.ts';
import { runAt, runHypotheses, runNonTrivial } from '../_internals/run-input.ts';

export const T35: Claim<LoraRunInput> = {
  id: 'T35',
  paper: 'Theorem 3.5, (11)-(12), proof in A.4',
  title: 'eta_t >= min{1/D_t, 1} and D_t <= t + const along the run',
  latex:
    '\\eta_t \\geq \\min\\left\\{\\frac{1}{D_t}, 1\\right\\}, \\quad D_t = 4\\sqrt{2}L\\left(\\|V_t\\|^2 + (2L(\\mathcal{J}(V_0) - \\mathcal{L}^*))^{1/2}\\right) \\leq t + 4\\sqrt{2}L\\left(\\|V_0\\|^2 + 8(\\mathcal{J}(V_0) - \\mathcal{L}^*) + (2L(\\mathcal{J}(V_0) - \\mathcal{L}^*))^{1/2}\\right)',
  hypotheses: ['smooth', 'L_ge_1', 'lower_bound', 'eta_rule'],
  inputKind: 'lora-run',
  modes: RUN_MODES,
  comparisons<T>(F: Field<T>, input: LoraRunInput) {
    const { L, Lstar, records } = runAt(F, input);
    const { J: J0, Vsq: Vsq0 } = records[0]!;
    // J(V_0) < L* (lower_bound dropped): D_t is undefined; report the failing guard once.
    if (F.sign(F.sub(J0, Lstar)) === -1) return [t35Eta(F, { eta: records[0]!.eta, Vsq: Vsq0, L, J0, Lstar })];
    const out: Comparison<T>[] = [];
    for (const r of records) {
      const e = t35Eta(F, { eta: r.eta, Vsq: r.Vsq, L, J0, Lstar });
      const d = t35D(F, { t: r.t, Vsq: r.Vsq, Vsq0, L, J0, Lstar });
      out.push({ ...e, label: `t = ${r.t}: ${e.label}` }, { ...d, label: `t = ${r.t}: ${d.label}` });
    }
    return out;
  },
  nonTrivial: runNonTrivial,
  hypothesesHold: runHypotheses,
};
