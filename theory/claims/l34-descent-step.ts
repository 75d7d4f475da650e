/**
 * Lemma 3.4 (proof in A.3): descent in one step with the step size (8).
 *
 * Hypotheses: `smooth` (Assumption 3.1), `L_ge_1` (the proof's (18) and (20) use L >= 1),
 * `eta_rule` (eta = (8); input.eta replaces it when the rule is dropped).
 * Statement: with V_{t+1} = V_t - eta_t grad J(V_t) and
 *   eta_t = min{1 / (4 sqrt2 L (||V_t||^2 + ||grad L(E1 V_t V_t^T E2)||)), 1},     (8)
 *   J(V_{t+1}) <= J(V_t) - (eta_t / 4) ||grad J(V_t)||^2.                           (9)
 * Constant (tightness): the 1/4 of (9), measured by
 *   inf (J(V_t) - J(V_{t+1})) / (eta_t ||grad J(V_t)||^2)   (printed: 1/4).
 */
import type { Field } from '../../numeric/field.ts';
import { axpy } from '../../numeric/matrix.ts';
import type { Claim } from '../claim.ts';
import type { LoraInput } from '../inputs.ts';
import { J } from '../lora.ts';
import { descentStep } from '../trace-sides.ts';
import { gradJNonzero, loraAt, loraHypotheses } from '../_internals/lora-input.ts';
import { ALGEBRAIC_MODES } from '../_internals/num.ts';

function step<T>(F: Field<T>, input: LoraInput) {
  const { loss, point: p, eta } = loraAt(F, input);
  const next = axpy(F, p.V, eta, p.gradJ);
  return { J_t: p.J, J_next: J(F, loss, next), eta, gradJsq: p.gradJsq };
}

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
    return [descentStep(F, step(F, input))];
  },
  constant: {
    printed: '1/4',
    direction: 'inf',
    quantity: '(J(V_t) - J(V_{t+1})) / (eta_t ||grad J(V_t)||^2)',
    latex: '\\frac{\\mathcal{J}(V_t) - \\mathcal{J}(V_{t+1})}{\\eta_t \\|\\nabla \\mathcal{J}(V_t)\\|^2}',
    degenerate:
      'grad J(V_t) = 0 (0/0) is excluded; as grad J -> 0 the quantity tends to 1 - O(eta_t) (a finite limit); in float64 search a point where eta_t ||grad J||^2 < 1e-9 |J(V_t)| is skipped (the decrease is below float64 resolution there)',
    parts<T>(F: Field<T>, input: LoraInput) {
      const s = step(F, input);
      return [{ label: '(9)', num: F.sub(s.J_t, s.J_next), den: F.mul(s.eta, s.gradJsq), scale: F.add(F.abs(s.J_t), F.abs(s.J_next)) }];
    },
  },
  nonTrivial: (input) => gradJNonzero(input.loss, input.V),
  hypothesesHold: (input) => loraHypotheses(input.loss, input.eta !== undefined),
};
