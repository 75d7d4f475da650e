/**
 * Input shapes of the claims, one per InputKind. Entries are `Num`: exact rationals
 * (exact/precise runs) or doubles (float64 runs). All are plain data so that a witness can
 * be stored as JSON (rationals as "p/q" strings, see theory/codec.ts) and replayed.
 * Sizes: B is m x r, A is r x n, V = [B; A^T] is (m+n) x r, with m, n from the loss.
 */
import type { Num } from '../numeric/field.ts';
import type { Matrix } from '../numeric/matrix.ts';
import type { LossDesc, TwoMatrixLoss } from '../numeric/loss.ts';

/** Lemma A.1: weighted AM-GM. */
export interface AmGmInput {
  x1: Num;
  x2: Num;
  w1: Num;
  w2: Num;
}

/** Lemma A.2 (first and third statements): M is (m+n) x (m+n). */
export interface SquareInput {
  m: number;
  n: number;
  M: Matrix<Num>;
}

/** Lemma A.2 (second statement): X is m x n. */
export interface BlockInput {
  X: Matrix<Num>;
}

/** One point V of J (S1, G7, E19, L34 and its proof lines). `eta`, when present, replaces
 *  the step size of (8) (S1 uses any eta; L34 uses it only when `eta_rule` is dropped). */
export interface LoraInput {
  loss: LossDesc;
  V: Matrix<Num>;
  eta?: Num;
}

/** Lemma 3.3: two points. */
export interface LoraPairInput {
  loss: LossDesc;
  V1: Matrix<Num>;
  V2: Matrix<Num>;
}

/** (23): one point W of the original loss. */
export interface LossPointInput {
  loss: LossDesc;
  W: Matrix<Num>;
}

/** GV, T10, T35: T steps of (3) from V0 with eta_t of (8), or eta_t = etaScale * (8)
 *  (uncapped) when `eta_rule` is dropped. */
export interface LoraRunInput {
  loss: LossDesc;
  V0: Matrix<Num>;
  T: number;
  etaScale?: Num;
}

/** Lemma 3.6: two points M, M2 of R^{(m1+m2) x (n1+n2)}. */
export interface TwoPairInput {
  loss: TwoMatrixLoss;
  M: Matrix<Num>;
  M2: Matrix<Num>;
}

/** Sec. 3.2 (M36): adapters (B1, A1), (B2, A2) and one step size. B1 is m1 x r1, A1 is
 *  r1 x n1, B2 is m2 x r2, A2 is r2 x n2; r1 = r2 unless `same_rank` is dropped. */
export interface TwoLoraInput {
  loss: TwoMatrixLoss;
  B1: Matrix<Num>;
  A1: Matrix<Num>;
  B2: Matrix<Num>;
  A2: Matrix<Num>;
  eta: Num;
}
