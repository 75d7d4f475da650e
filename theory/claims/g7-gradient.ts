/**
 * (7), Sec. 3.2 Step 2: the gradient of J(V) = L(E1 V V^T E2).
 *
 *   grad J(V) = 2 Sym(E1^T grad L(E1 V V^T E2) E2^T) V,        (7)
 *   and V = 0 is a stationary point: grad J(0) = 0.
 *
 * Hypotheses: none (L differentiable).
 * Checked against two independent derivatives:
 *  - the blockwise chain rule of Step 1, [grad_B L(BA); (grad_A L(BA))^T] = [G A^T; G^T B],
 *    entrywise;
 *  - for quadratic L (J is then a quartic polynomial in V), the directional derivative
 *    <grad J(V), D> against the 5-point stencil of t -> J(V + t D) at h = 1, which is exact for
 *    polynomials of degree <= 4, along every unit direction E_ij at small sizes (else two fixed
 *    dense directions). Other loss families get the blockwise check only.
 */
import type { Field } from '../../numeric/field.ts';
import { inner, lift, normSq, zeros } from '../../numeric/matrix.ts';
import { lossOver } from '../../numeric/losses/index.ts';
import type { Claim, Comparison } from '../claim.ts';
import type { LoraInput } from '../inputs.ts';
import { J, gradJ, gradJBlockwise } from '../lora.ts';
import { along, directions, stencil5 } from '../_internals/derivative.ts';
import { gradientNonzero } from '../_internals/lora-input.ts';
import { EQUALITY_MODES, nonzero } from '../_internals/num.ts';
import { entrywise } from '../_internals/sides.ts';

export const G7: Claim<LoraInput> = {
  id: 'G7',
  paper: '(7), Sec. 3.2 Step 2',
  title: 'grad J(V) = 2 Sym(E1^T G(V) E2^T) V, and grad J(0) = 0',
  latex:
    '\\nabla \\mathcal{J}(V) = 2\\operatorname{Sym}\\left(E_1^T \\nabla \\mathcal{L}(E_1 V V^T E_2) E_2^T\\right) V \\quad (7), \\qquad \\nabla \\mathcal{J}(0) = 0',
  hypotheses: [],
  inputKind: 'lora',
  modes: EQUALITY_MODES,
  note: 'Compared entrywise with the blockwise chain rule [G A^T; G^T B]; for quadratic losses also with the exact 5-point directional derivative of J (J is quartic).',
  comparisons<T>(F: Field<T>, input: LoraInput) {
    const loss = lossOver(F, input.loss);
    const V = lift(F, input.V);
    const g7 = gradJ(F, loss, V);
    const out: Comparison<T>[] = entrywise('(7) = [G A^T; G^T B]', g7, gradJBlockwise(F, loss, V));
    if (input.loss.family === 'quadratic')
      for (const { name, D } of directions(F, V.rows, V.cols))
        out.push({
          label: `<(7), D> = d/dt J(V + t D) at t = 0 (exact 5-point stencil), D = ${name}`,
          lhs: inner(F, g7, D),
          rel: '=',
          rhs: stencil5(F, (t) => J(F, loss, along(F, V, t, D))),
        });
    out.push({
      label: 'grad J(0) = 0, as ||(7) at V = 0||^2 = 0',
      lhs: normSq(F, gradJ(F, loss, zeros(F, V.rows, V.cols))),
      rel: '=',
      rhs: F.zero,
    });
    return out;
  },
  nonTrivial: (input) => nonzero(input.V) && gradientNonzero(input.loss, input.V),
};
