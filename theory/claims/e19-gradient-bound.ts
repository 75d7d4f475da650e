/**
 * (19), proof of Lemma 3.4: from Cauchy-Schwarz and (7),
 *   ||grad J(V)|| <= 2 ||grad L(E1 V V^T E2)|| ||V||.
 * Hypotheses: none. (Loose: ||2 Sym(E1^T G E2^T)||_op = ||G||_op <= ||G||, so the true
 * constant is 1, not 2.)
 * Constant (tightness): sup ||grad J(V)|| / (||G(V)|| ||V||)   (printed: 2).
 */
import type { Field } from '../../numeric/field.ts';
import type { Claim } from '../claim.ts';
import type { LoraInput } from '../inputs.ts';
import { gradientNonzero, loraAt } from '../_internals/lora-input.ts';
import { ALGEBRAIC_MODES, nonzero } from '../_internals/num.ts';
import { prod } from '../_internals/sides.ts';

export const E19: Claim<LoraInput> = {
  id: 'E19',
  paper: '(19), proof of Lemma 3.4',
  title: '||grad J(V)|| <= 2 ||G(V)|| ||V||',
  latex: '\\|\\nabla \\mathcal{J}(V)\\| \\leq 2\\|\\nabla \\mathcal{L}(E_1 V V^T E_2)\\| \\|V\\| \\quad (19)',
  hypotheses: [],
  inputKind: 'lora',
  modes: ALGEBRAIC_MODES,
  comparisons<T>(F: Field<T>, input: LoraInput) {
    const { point: p } = loraAt(F, input);
    return [
      {
        label: '(19) ||grad J(V)|| <= 2 ||G(V)|| ||V||',
        lhs: F.sqrt(p.gradJsq),
        rel: '<=',
        rhs: prod(F, F.fromInt(2), p.Gnorm, F.sqrt(p.Vsq)),
      },
    ];
  },
  constant: {
    printed: '2',
    direction: 'sup',
    quantity: '||grad J(V)|| / (||G(V)|| ||V||)',
    latex: '\\frac{\\|\\nabla \\mathcal{J}(V)\\|}{\\|\\nabla \\mathcal{L}(E_1 V V^T E_2)\\| \\|V\\|}',
    degenerate: 'V = 0 or G(V) = 0 (then grad J = 0: 0/0) is excluded; the quantity is scale-free in V, so it is bounded away by nothing else',
    parts<T>(F: Field<T>, input: LoraInput) {
      const { point: p } = loraAt(F, input);
      return [{ label: '(19)', num: F.sqrt(p.gradJsq), den: F.mul(p.Gnorm, F.sqrt(p.Vsq)) }];
    },
  },
  nonTrivial: (input) => nonzero(input.V) && gradientNonzero(input.loss, input.V),
};
