/**
 * Lemma 3.3 (proof in A.2): a descent lemma for J, which is not Lipschitz smooth.
 *
 * Hypothesis: L is L-smooth with the stated L (`smooth`, Assumption 3.1).
 * Statement: for all V1, V2, with d = V2 - V1,
 *   J(V2) <= J(V1) + <grad J(V1), d> + sqrt2 L ||d||^2 ||V1||^2 + sqrt2 L ||d||^3 ||V1||
 *            + (sqrt2 L / 4) ||d||^4 + ||grad L(E1 V1 V1^T E2)|| ||d||^2.
 * Constant (tightness): the factor 1 on the four higher-order terms H, measured by
 *   sup (J(V2) - J(V1) - <grad J(V1), d>) / H   (printed: 1).
 */
import type { Field } from '../../numeric/field.ts';
import { inner, lift, normSq, sub } from '../../numeric/matrix.ts';
import { lossOver } from '../../numeric/losses/index.ts';
import type { Claim } from '../claim.ts';
import type { LoraPairInput } from '../inputs.ts';
import { J, pointOf } from '../lora.ts';
import { lossHypotheses } from '../_internals/hyp.ts';
import { ALGEBRAIC_MODES, differ } from '../_internals/num.ts';
import { prod, sqrt2, sum } from '../_internals/sides.ts';

/** Both sides of Lemma 3.3, split into the first-order part and the higher-order terms H. */
function sides<T>(F: Field<T>, input: LoraPairInput) {
  const loss = lossOver(F, input.loss);
  const [V1, V2] = [lift(F, input.V1), lift(F, input.V2)];
  const p = pointOf(F, loss, V1);
  const d = sub(F, V2, V1);
  const dsq = normSq(F, d);
  const dn = F.sqrt(dsq);
  const V1n = F.sqrt(p.Vsq);
  const sL = F.mul(sqrt2(F), loss.L);
  const higher = sum(
    F,
    prod(F, sL, dsq, p.Vsq),
    prod(F, sL, dsq, dn, V1n),
    F.mul(F.div(sL, F.fromInt(4)), F.mul(dsq, dsq)),
    F.mul(p.Gnorm, dsq),
  );
  return { J1: p.J, J2: J(F, loss, V2), linear: inner(F, p.gradJ, d), higher };
}

export const L33: Claim<LoraPairInput> = {
  id: 'L33',
  paper: 'Lemma 3.3',
  title: 'Descent lemma for J with higher-order terms',
  latex:
    '\\mathcal{J}(V_2) \\leq \\mathcal{J}(V_1) + \\langle \\nabla \\mathcal{J}(V_1), V_2 - V_1 \\rangle_F + \\sqrt{2}L \\|V_2 - V_1\\|^2 \\|V_1\\|^2 + \\sqrt{2}L \\|V_2 - V_1\\|^3 \\|V_1\\| + \\frac{\\sqrt{2}L}{4} \\|V_2 - V_1\\|^4 + \\|\\nabla \\mathcal{L}(E_1 V_1 V_1^T E_2)\\| \\|V_2 - V_1\\|^2',
  hypotheses: ['smooth'],
  inputKind: 'lora-pair',
  modes: ALGEBRAIC_MODES,
  comparisons<T>(F: Field<T>, input: LoraPairInput) {
    const s = sides(F, input);
    return [{ label: 'Lemma 3.3', lhs: s.J2, rel: '<=', rhs: sum(F, s.J1, s.linear, s.higher) }];
  },
  constant: {
    printed: '1',
    direction: 'sup',
    quantity: '(J(V2) - J(V1) - <grad J(V1), d>) / (the four higher-order terms)',
    latex:
      '\\frac{\\mathcal{J}(V_2) - \\mathcal{J}(V_1) - \\langle \\nabla \\mathcal{J}(V_1), d \\rangle}{\\sqrt{2}L\\|d\\|^2\\|V_1\\|^2 + \\sqrt{2}L\\|d\\|^3\\|V_1\\| + \\frac{\\sqrt{2}L}{4}\\|d\\|^4 + \\|G(V_1)\\|\\|d\\|^2}',
    degenerate: 'd = 0 (0/0) is excluded; the terms are > 0 for every d != 0, and as d -> 0 the quantity tends to a finite limit (second order over second order)',
    parts<T>(F: Field<T>, input: LoraPairInput) {
      const s = sides(F, input);
      return [{ label: 'Lemma 3.3', num: F.sub(F.sub(s.J2, s.J1), s.linear), den: s.higher, scale: sum(F, F.abs(s.J2), F.abs(s.J1), F.abs(s.linear)) }];
    },
  },
  nonTrivial: (input) => differ(input.V1, input.V2),
  hypothesesHold: (input) => lossHypotheses(input.loss),
};
