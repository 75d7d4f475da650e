/**
 * Sec. 3.2, Step 1: restructuring the problem into V V^T form.
 *
 * With V = [B; A^T]:
 *   BA = E1 V V^T E2, and LoRA GD (3) is GD on J(V) = L(E1 V V^T E2) (6):
 *   one step of (3) on (B, A) with step size eta gives V_{t+1} = V_t - eta grad J(V_t),
 *   i.e. V_t - eta grad J(V_t) = [B_{t+1}; A_{t+1}^T].
 *
 * Hypotheses: none (eta is input.eta when given, else (8); any eta works).
 * Both sides are compared entrywise. E1 V V^T E2 is the printed product with the explicit
 * extractor matrices; grad J is (7); the LoRA step uses grad_B = G A^T, grad_A = B^T G.
 */
import type { Field } from '../../numeric/field.ts';
import { lift, matmul, splitV, stackV, transpose } from '../../numeric/matrix.ts';
import { lossOver } from '../../numeric/losses/index.ts';
import type { Claim } from '../claim.ts';
import type { LoraInput } from '../inputs.ts';
import { etaAt, gdStep, loraStep, pointOf } from '../lora.ts';
import { EQUALITY_MODES, nonzero } from '../_internals/num.ts';
import { gradJNonzero } from '../_internals/lora-input.ts';
import { E1ME2printed, entrywise } from '../_internals/sides.ts';

export const S1: Claim<LoraInput> = {
  id: 'S1',
  paper: 'Sec. 3.2, Step 1',
  title: 'BA = E1 V V^T E2, and one LoRA GD step (3) is one GD step on J',
  latex:
    'BA = E_1 V V^T E_2, \\qquad V_{t+1} = V_t - \\eta_t \\nabla \\mathcal{J}(V_t) = \\begin{bmatrix} B_{t+1} \\\\ A_{t+1}^T \\end{bmatrix}',
  hypotheses: [],
  inputKind: 'lora',
  modes: EQUALITY_MODES,
  note: 'eta is input.eta when given, else (8); the equivalence holds for every eta.',
  comparisons<T>(F: Field<T>, input: LoraInput) {
    const loss = lossOver(F, input.loss);
    const V = lift(F, input.V);
    const { m, n } = loss;
    const { B, A } = splitV(V, m);
    const printed = E1ME2printed(F, matmul(F, V, transpose(V)), m, n);
    const eta = input.eta !== undefined ? F.lift(input.eta) : etaAt(F, loss, pointOf(F, loss, V));
    const next = loraStep(F, loss, B, A, eta);
    return [
      ...entrywise('BA = E1 V V^T E2', matmul(F, B, A), printed),
      ...entrywise('V - eta grad J(V) = [B_{t+1}; A_{t+1}^T]', gdStep(F, loss, V, eta), stackV(next.B, next.A)),
    ];
  },
  // The step is the identity when grad J(V) = 0.
  nonTrivial: (input) => nonzero(input.V) && gradJNonzero(input.loss, input.V),
};
