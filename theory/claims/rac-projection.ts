/**
 * RAC-LoRA's projections (Malinovsky et al., arXiv 2410.08305; verified algebra, no paper needed):
 *   H_B = B_S (B_S^T B_S)^+ B_S^T  (m x m, left sketch B_S in R^{m x r}),
 *   H_A = A_S^T (A_S A_S^T)^+ A_S  (n x n, right sketch A_S in R^{r x n}),
 * are symmetric, idempotent and of trace r. With the Moore-Penrose inverse the formula stays
 * meaningful for a rank-deficient sketch: H is then the projection onto its column (row) space
 * and its trace is rank S; the generator draws such sketches on purpose (one case in four).
 * Hypotheses: none. Checked exactly: every entry of H^T - H and H^2 - H, and tr H = rank S with
 * the rank found by exact elimination on the input.
 */
import type { Field } from '../../numeric/field.ts';
import { trace } from '../../numeric/linalg.ts';
import { matmul } from '../../numeric/matrix.ts';
import type { Claim, Comparison } from '../claim.ts';
import type { SketchInput } from '../inputs.ts';
import { nonzero, EQUALITY_MODES } from '../_internals/num.ts';
import { projectionOf, sketchRank } from '../_internals/rac-input.ts';

export const RACH: Claim<SketchInput> = {
  id: 'RAC.H',
  paper: 'RAC-LoRA (arXiv 2410.08305), the sketch projections H_B, H_A',
  title: 'H_B = B_S (B_S^T B_S)^+ B_S^T is symmetric, idempotent and of trace r (rank B_S); H_A likewise',
  latex:
    'H_B = B_S (B_S^\\top B_S)^{+} B_S^\\top:\\quad H_B^\\top = H_B,\\quad H_B^2 = H_B,\\quad \\operatorname{tr} H_B = \\operatorname{rank} B_S = r; \\qquad H_A = A_S^\\top (A_S A_S^\\top)^{+} A_S \\text{ likewise}',
  hypotheses: [],
  inputKind: 'sketch',
  modes: EQUALITY_MODES,
  provenance: 'verified',
  note: 'Verified algebra (no paper needed). (.)^+ is the Moore-Penrose inverse, computed exactly; for a rank-deficient sketch the trace is rank S < r.',
  comparisons<T>(F: Field<T>, input: SketchInput) {
    const H = projectionOf(F, input.side, input.S);
    const HH = matmul(F, H, H);
    const name = input.side === 'left' ? 'H_B' : 'H_A';
    const d = H.rows;
    const out: Comparison<T>[] = [];
    for (let i = 0; i < d; i++)
      for (let j = i + 1; j < d; j++)
        out.push({ label: `${name}^T = ${name}, entry (${i}, ${j})`, lhs: H.data[i * d + j]!, rel: '=', rhs: H.data[j * d + i]! });
    for (let k = 0; k < d * d; k++)
      out.push({ label: `${name}^2 = ${name}, entry (${Math.floor(k / d)}, ${k % d})`, lhs: HH.data[k]!, rel: '=', rhs: H.data[k]! });
    out.push({ label: `tr ${name} = rank of the sketch`, lhs: trace(F, H), rel: '=', rhs: F.fromInt(sketchRank(input.side, input.S)) });
    return out;
  },
  nonTrivial: (input) => nonzero(input.S),
};
