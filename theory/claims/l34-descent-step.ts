/**
 * Lemma 3.4 (proof in A.3): descent in one step with the step size (8).
 *
 * Hypotheses: `smooth` (Assumption 3.1), `L_ge_1` (the proof's (18) and (20) use L >= 1),
 * `eta_rule` (eta = (8); input.eta replaces it when the rule is dropped).
 * Statement: with V_{t+1} = V_t - eta_t grad J(V_t) and
 *   eta_t = min{1 / (4 sqrt2 L (||V_t||^2 + ||grad L(E1 V_t V_t^T E2)||)), 1},     (8)
 *   J(V_{t+1}) <= J(V_t) - (eta_t / 4) ||grad J(V_t)||^2.                           (9)
 */
import type { Field } from '../../numeric/field.ts';
import { axpy } from '../../numeric/matrix.ts';
import type { Claim } from '../claim.ts';
import type { LoraInput } from '../inputs.ts';
import { J } from '../lora.ts';
import { descentStep } from '../trace-sides.ts';
import { gradJNonzero, loraAt, loraHypotheses } from '../_internals/lora-input.ts';
import { ALGEBRAIC_MODES } from '../_internals/num.ts';

export const L34: Claim<LoraInput> = {
  id: 'L34',
  paper: 'Lemma 3.4, (8)-(9)',
  title: 'One GD step on J with eta from (8) decreases J by at least (eta/4) ||grad J||^2',
  latex:
    '\\eta_t = \\min\\left\\{ \\frac{1}{4\\sqrt{2}L(\\|V_t\\|^2 + \\|\\nabla \\mathcal{L}(E_1 V_t V_t^T E_2)\\|)}, 1 \\right\\} \\; (8) \\implies \\mathcal{J}(V_{t+1}) \\leq \\mathcal{J}(V_t) - \\frac{\\eta_t}{4} \\|\\nabla \\mathcal{J}(V_t)\\|^2 \\; (9)',
  hypotheses: ['smooth', 'L_ge_1', 'eta_rule'],
  inputKind: 'lora',
  modes: ALGEBRAIC_MODES,
  comparisons<T>(F: Field<T>, input: LoraInput) {
    const { loss, point: p, eta } = loraAt(F, input);
    const next = axpy(F, p.V, eta, p.gradJ);
    return [descentStep(F, { J_t: p.J, J_next: J(F, loss, next), eta, gradJsq: p.gradJsq })];
  },
  nonTrivial: (input) => gradJNonzero(input.loss, input.V),
  hypothesesHold: (input) => loraHypotheses(input.loss, input.eta !== undefined),
};
