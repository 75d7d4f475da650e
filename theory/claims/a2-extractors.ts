/**
 * Lemma A.2 and (15): the extractor matrices E1 = [I_m 0] and E2 = [0; I_n].
 *
 * A2.sub   For every M in R^{(m+n) x (m+n)}:  ||E1 M E2|| <= ||M||.
 * A2.embed For every X in R^{m x n}:          ||E1^T X E2^T|| = ||X||.
 * A2.sym   If M is symmetric (`symmetric`):   ||E1 M E2|| <= ||M|| / sqrt2.     (15)
 *
 * The products E1 M E2 and E1^T X E2^T are formed with the explicit extractor matrices, as
 * printed, not by block indexing (so these claims also check the block helpers (7) relies on).
 */
import type { Field, Num } from '../../numeric/field.ts';
import { rationalField } from '../../numeric/rational-field.ts';
import { E1, E2, isSymmetric, lift, matmul, norm, transpose, type Matrix } from '../../numeric/matrix.ts';
import type { Claim } from '../claim.ts';
import type { BlockInput, SquareInput } from '../inputs.ts';
import { ALGEBRAIC_MODES, EQUALITY_MODES, nonzero } from '../_internals/num.ts';
import { E1ME2printed } from '../_internals/sides.ts';

function checkSquare(input: SquareInput, fn: string): void {
  const N = input.m + input.n;
  if (input.M.rows !== N || input.M.cols !== N)
    throw new RangeError(`${fn}: argument M must be (m+n) x (m+n) = ${N} x ${N}, got ${input.M.rows} x ${input.M.cols}`);
}

/** E1 M E2 as the printed product. */
function E1ME2<T>(F: Field<T>, input: SquareInput): Matrix<T> {
  return E1ME2printed(F, lift(F, input.M), input.m, input.n);
}

/** The top-right m x n block of the input, exactly (for nonTrivial). */
function topRight(input: SquareInput): Matrix<Num> {
  return E1ME2(rationalField, input);
}

export const A2sub: Claim<SquareInput> = {
  id: 'A2.sub',
  paper: 'Lemma A.2, first statement',
  title: 'Extracting the top-right block does not increase the Frobenius norm',
  latex: '\\|E_1 A E_2\\| \\leq \\|A\\| \\quad \\text{for every } A \\in \\mathbb{R}^{(m+n) \\times (m+n)}',
  hypotheses: [],
  inputKind: 'square',
  modes: ALGEBRAIC_MODES,
  comparisons(F, input) {
    checkSquare(input, 'A2.sub');
    return [{ label: '||E1 M E2|| <= ||M||', lhs: norm(F, E1ME2(F, input)), rel: '<=', rhs: norm(F, lift(F, input.M)) }];
  },
  nonTrivial: (input) => nonzero(input.M),
};

export const A2embed: Claim<BlockInput> = {
  id: 'A2.embed',
  paper: 'Lemma A.2, second statement',
  title: 'Embedding X into the top-right block preserves the Frobenius norm',
  latex: '\\|E_1^T B E_2^T\\| = \\|B\\| \\quad \\text{for every } B \\in \\mathbb{R}^{m \\times n}',
  hypotheses: [],
  inputKind: 'block',
  modes: EQUALITY_MODES,
  comparisons(F, input) {
    const X = lift(F, input.X);
    const [m, n] = [X.rows, X.cols];
    const embedded = matmul(F, matmul(F, transpose(E1(F, m, n)), X), transpose(E2(F, m, n)));
    return [{ label: '||E1^T X E2^T|| = ||X||', lhs: norm(F, embedded), rel: '=', rhs: norm(F, X) }];
  },
  nonTrivial: (input) => nonzero(input.X),
};

export const A2sym: Claim<SquareInput> = {
  id: 'A2.sym',
  paper: 'Lemma A.2, (15)',
  title: 'For symmetric M the top-right block carries at most half of ||M||^2',
  latex: '\\|E_1 A E_2\\| \\leq \\frac{1}{\\sqrt{2}} \\|A\\| \\quad \\text{for symmetric } A \\quad (15)',
  hypotheses: ['symmetric'],
  inputKind: 'square',
  modes: ALGEBRAIC_MODES,
  comparisons(F, input) {
    checkSquare(input, 'A2.sym');
    const rhs = F.mul(F.div(F.one, F.sqrt(F.fromInt(2))), norm(F, lift(F, input.M)));
    return [{ label: '(15) ||E1 M E2|| <= ||M|| / sqrt2', lhs: norm(F, E1ME2(F, input)), rel: '<=', rhs }];
  },
  // A zero off-diagonal block makes the left side 0.
  nonTrivial: (input) => nonzero(topRight(input)),
  hypothesesHold: (input) => ({ symmetric: isSymmetric(rationalField, lift(rationalField, input.M)) }),
};
