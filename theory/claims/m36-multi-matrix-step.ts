/**
 * Sec. 3.2, "Extension to multiple matrices": LoRA GD on two adapters is GD on L~(BA).
 *
 * With W1 = B1 A1, W2 = B2 A2 (B_i is m_i x r, A_i is r x n_i), B = [B1; B2], A = [A1, A2]:
 *   one LoRA GD step (3) on (B1, A1, B2, A2) for L(W1, W2) equals one GD step on L~(BA) with
 *   respect to (B, A): the updated B stacks the updated B1 over B2, the updated A sets the
 *   updated A1 beside A2. Compared entrywise, four matrix equalities.
 * Hypotheses: `same_rank` (r1 = r2, so that B and A can be stacked). When it is dropped the
 * adapters are zero-padded to r = max(r1, r2) (extra columns of B_i, extra rows of A_i), which
 * leaves B_i A_i unchanged; the padded entries take part in the comparison.
 */
import type { Field } from '../../numeric/field.ts';
import { axpy, block, hstack, lift, matmul, vstack, zeros, type Matrix } from '../../numeric/matrix.ts';
import { twoLossOver } from '../../numeric/losses/index.ts';
import type { Claim } from '../claim.ts';
import type { TwoLoraInput } from '../inputs.ts';
import { gradLtilde, loraGrads } from '../lora.ts';
import { lossHypotheses } from '../_internals/hyp.ts';
import { EQUALITY_MODES, nonzero, numSign } from '../_internals/num.ts';
import { entrywise } from '../_internals/sides.ts';

/** (B, A) zero-padded to rank r: B gets r - r_i zero columns, A gets r - r_i zero rows. */
function pad<T>(F: Field<T>, B: Matrix<T>, A: Matrix<T>, r: number): { B: Matrix<T>; A: Matrix<T> } {
  const extra = r - B.cols;
  if (extra === 0) return { B, A };
  return { B: hstack(B, zeros(F, B.rows, extra)), A: vstack(A, zeros(F, extra, A.cols)) };
}

function checkShapes(input: TwoLoraInput): void {
  const { m1, n1, m2, n2 } = input.loss;
  const want: [string, Matrix<unknown>, number | undefined, number | undefined][] = [
    ['B1', input.B1, m1, undefined],
    ['A1', input.A1, input.B1.cols, n1],
    ['B2', input.B2, m2, undefined],
    ['A2', input.A2, input.B2.cols, n2],
  ];
  for (const [name, X, rows, cols] of want)
    if (X.rows !== rows || (cols !== undefined && X.cols !== cols))
      throw new RangeError(`M36: argument ${name} must be ${rows} x ${cols ?? 'r'}, got ${X.rows} x ${X.cols}`);
}

export const M36: Claim<TwoLoraInput> = {
  id: 'M36',
  paper: 'Sec. 3.2, Extension to multiple matrices',
  title: 'LoRA GD on (B1, A1, B2, A2) equals GD on L~(BA) with B = [B1; B2], A = [A1, A2]',
  latex:
    'B = \\begin{bmatrix} B_1 \\\\ B_2 \\end{bmatrix}, \\; A = \\begin{bmatrix} A_1 & A_2 \\end{bmatrix}: \\quad \\begin{bmatrix} B \\\\ A^T \\end{bmatrix} - \\eta \\nabla_{(B, A)} \\tilde{\\mathcal{L}}(BA) \\text{ equals one LoRA step (3) on } (B_1, A_1, B_2, A_2) \\text{ for } \\mathcal{L}(B_1 A_1, B_2 A_2)',
  hypotheses: ['same_rank'],
  inputKind: 'two-lora',
  modes: EQUALITY_MODES,
  note: 'Without same_rank the adapters are zero-padded to the larger rank (B_i A_i unchanged).',
  cannotFail: {
    same_rank:
      'zero-padding the adapter of smaller rank to the larger one (extra zero columns of B_i, zero rows of A_i) leaves B_i A_i and the gradients of the real entries unchanged, and the padded entries have zero gradient (grad_B = G A^T and grad_A = B^T G vanish on them), so the two steps agree on every input: different ranks cannot break the equality',
  },
  comparisons<T>(F: Field<T>, input: TwoLoraInput) {
    checkShapes(input);
    const loss = twoLossOver(F, input.loss);
    const eta = F.lift(input.eta);
    const r = Math.max(input.B1.cols, input.B2.cols);
    const p1 = pad(F, lift(F, input.B1), lift(F, input.A1), r);
    const p2 = pad(F, lift(F, input.B2), lift(F, input.A2), r);
    // (3) for each adapter pair, with (G1, G2) = grad L(B1 A1, B2 A2).
    const { G1, G2 } = loss.grad(matmul(F, p1.B, p1.A), matmul(F, p2.B, p2.A));
    const g1 = loraGrads(F, G1, p1.B, p1.A);
    const g2 = loraGrads(F, G2, p2.B, p2.A);
    // GD on L~(BA) with respect to B and A: grad_B = grad L~(BA) A^T, grad_A = B^T grad L~(BA).
    const B = vstack(p1.B, p2.B);
    const A = hstack(p1.A, p2.A);
    const g = loraGrads(F, gradLtilde(F, loss, matmul(F, B, A)), B, A);
    const Bn = axpy(F, B, eta, g.gradB);
    const An = axpy(F, A, eta, g.gradA);
    const { m1, m2, n1, n2 } = loss;
    return [
      ...entrywise('top rows of B_{t+1} = (B1)_{t+1}', block(Bn, 0, 0, m1, r), axpy(F, p1.B, eta, g1.gradB)),
      ...entrywise('bottom rows of B_{t+1} = (B2)_{t+1}', block(Bn, m1, 0, m2, r), axpy(F, p2.B, eta, g2.gradB)),
      ...entrywise('left columns of A_{t+1} = (A1)_{t+1}', block(An, 0, 0, r, n1), axpy(F, p1.A, eta, g1.gradA)),
      ...entrywise('right columns of A_{t+1} = (A2)_{t+1}', block(An, 0, n1, r, n2), axpy(F, p2.A, eta, g2.gradA)),
    ];
  },
  nonTrivial: (input) =>
    numSign(input.eta) !== 0 && [input.B1, input.A1, input.B2, input.A2].every((X) => nonzero(X)),
  hypothesesHold: (input) => ({ ...lossHypotheses(input.loss), same_rank: input.B1.cols === input.B2.cols }),
};
