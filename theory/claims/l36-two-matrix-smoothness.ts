/**
 * Lemma 3.6 (proof in A.5) and the gradient of L~ in Sec. 3.2, "Extension to multiple matrices".
 *
 * L~(M) = L(E11(M), E22(M)) for M in R^{(m1+m2) x (n1+n2)}.
 *
 * L36.grad  grad L~(M) = [[grad_{W1} L(E11(M), E22(M)), 0], [0, grad_{W2} L(E11(M), E22(M))]].
 *           Hypotheses: none. Checked entrywise against the exact 5-point stencil of
 *           t -> L~(M + t E_ij) (L~ is quadratic for the two-matrix losses), which also shows
 *           that the off-diagonal blocks of M do not affect L~.
 * L36       If L is L-smooth in the l2 product norm (`smooth`), L~ is 2L-smooth:
 *           ||grad L~(M) - grad L~(M')|| <= 2L ||M - M'||.
 *           Compared squared, ||grad L~(M) - grad L~(M')||^2 <= 4 L^2 ||M - M'||^2: both sides
 *           are nonnegative, so this is equivalent to the printed norm inequality and stays
 *           rational. (Loose: the proof's own chain gives the constant L.)
 *           Constant (tightness): the 2 of 2L, sup ||grad L~(M) - grad L~(M')|| / (L ||M - M'||).
 */
import type { Field } from '../../numeric/field.ts';
import { inner, lift, normSq, sub } from '../../numeric/matrix.ts';
import { twoLossOver } from '../../numeric/losses/index.ts';
import type { Claim, Comparison } from '../claim.ts';
import type { TwoPairInput } from '../inputs.ts';
import { Ltilde, gradLtilde } from '../lora.ts';
import { along, directions, stencil5 } from '../_internals/derivative.ts';
import { lossHypotheses } from '../_internals/hyp.ts';
import { ALGEBRAIC_MODES, EQUALITY_MODES, cheaply, numCmp } from '../_internals/num.ts';
import { prod } from '../_internals/sides.ts';

const LABEL = "||grad L~(M) - grad L~(M')||^2 <= 4 L^2 ||M - M'||^2";

function differences<T>(F: Field<T>, input: TwoPairInput) {
  const loss = twoLossOver(F, input.loss);
  const [M, M2] = [lift(F, input.M), lift(F, input.M2)];
  return { L: loss.L, gradSq: normSq(F, sub(F, gradLtilde(F, loss, M), gradLtilde(F, loss, M2))), Msq: normSq(F, sub(F, M, M2)) };
}

export const L36: Claim<TwoPairInput> = {
  id: 'L36',
  paper: 'Lemma 3.6 (proof in A.5)',
  title: 'L~(M) = L(E11(M), E22(M)) is 2L-smooth',
  latex:
    '\\|\\nabla \\tilde{\\mathcal{L}}(M) - \\nabla \\tilde{\\mathcal{L}}(M\')\\| \\leq 2L \\|M - M\'\\|',
  hypotheses: ['smooth'],
  inputKind: 'two-pair',
  modes: ALGEBRAIC_MODES,
  note: 'Compared squared (both sides are nonnegative): ||grad L~(M) - grad L~(M\')||^2 <= 4 L^2 ||M - M\'||^2.',
  comparisons<T>(F: Field<T>, input: TwoPairInput) {
    const s = differences(F, input);
    return [
      {
        label: LABEL,
        lhs: s.gradSq,
        rel: '<=',
        rhs: prod(F, F.fromInt(4), s.L, s.L, s.Msq),
      },
    ];
  },
  constant: {
    printed: '2',
    direction: 'sup',
    quantity: "||grad L~(M) - grad L~(M')|| / (L ||M - M'||)",
    latex: "\\frac{\\|\\nabla \\tilde{\\mathcal{L}}(M) - \\nabla \\tilde{\\mathcal{L}}(M')\\|}{L \\|M - M'\\|}",
    degenerate: "M = M' (0/0) is excluded; the quantity is scale-free in M - M' for the quadratic two-matrix losses",
    parts<T>(F: Field<T>, input: TwoPairInput) {
      const s = differences(F, input);
      return [{ label: LABEL, num: F.sqrt(s.gradSq), den: F.mul(s.L, F.sqrt(s.Msq)) }];
    },
  },
  // Only the diagonal blocks of M - M' reach L~: a difference confined to the off-diagonal blocks gives 0 <= ...
  nonTrivial: (input) => {
    const { m1, n1 } = input.loss;
    const cols = input.M.cols;
    return input.M.data.some((x, k) => {
      const [i, j] = [Math.floor(k / cols), k % cols];
      const diagonal = (i < m1 && j < n1) || (i >= m1 && j >= n1);
      return diagonal && numCmp(x, input.M2.data[k]!) !== 0;
    });
  },
  hypothesesHold: (input) => lossHypotheses(input.loss),
};

export const L36grad: Claim<TwoPairInput> = {
  id: 'L36.grad',
  paper: 'Sec. 3.2, Extension to multiple matrices',
  title: 'grad L~(M) is block diagonal: [[grad_{W1} L, 0], [0, grad_{W2} L]]',
  latex:
    '\\nabla \\tilde{\\mathcal{L}}(M) = \\begin{bmatrix} \\nabla_{W_1} \\mathcal{L}(E_{11}(M), E_{22}(M)) & 0 \\\\ 0 & \\nabla_{W_2} \\mathcal{L}(E_{11}(M), E_{22}(M)) \\end{bmatrix}',
  hypotheses: [],
  inputKind: 'two-pair',
  modes: EQUALITY_MODES,
  note: 'Checked against the exact 5-point directional derivative of L~ (quadratic in M) along the unit directions E_ij at M.',
  comparisons<T>(F: Field<T>, input: TwoPairInput) {
    const loss = twoLossOver(F, input.loss);
    const M = lift(F, input.M);
    const grad = gradLtilde(F, loss, M);
    return directions(F, M.rows, M.cols).map(
      ({ name, D }): Comparison<T> => ({
        label: `<block-diagonal grad L~(M), D> = d/dt L~(M + t D) at t = 0, D = ${name}`,
        lhs: inner(F, grad, D),
        rel: '=',
        rhs: stencil5(F, (t) => Ltilde(loss, along(F, M, t, D))),
      }),
    );
  },
  nonTrivial: (input) =>
    cheaply((F) => !F.isZero(normSq(F, gradLtilde(F, twoLossOver(F, input.loss), lift(F, input.M)))), input.M),
};
