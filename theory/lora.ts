/**
 * The LoRA computations of Sec. 3.2, written once and shared by every claim (and by the trace
 * tooling): J (6), G, grad J (7) as printed and blockwise, the step size (8), one GD step on J,
 * one LoRA step (3), a T-step run, and the two-matrix loss L~ of "Extension to multiple
 * matrices". Notation as in the paper: B is m x r, A is r x n, V = [B; A^T], g(V) = E1 V V^T E2 = BA.
 */
import type { Field } from '../numeric/field.ts';
import type { Loss, TwoLoss } from '../numeric/loss.ts';
import {
  E11,
  E22,
  axpy,
  blockDiag,
  embedE1TXE2T,
  gOfV,
  matmul,
  normSq,
  scale,
  splitV,
  stackV,
  sym,
  transpose,
  vstack,
  type Matrix,
} from '../numeric/matrix.ts';
import { eta8, eta8FirstTerm } from './trace-sides.ts';

function checkV<T>(loss: { m: number; n: number }, V: Matrix<T>, fn: string): void {
  if (V.rows !== loss.m + loss.n)
    throw new RangeError(`${fn}: argument V must have m + n = ${loss.m + loss.n} rows, got ${V.rows}`);
}

/** (6): J(V) = L(E1 V V^T E2) = L(BA). */
export function J<T>(F: Field<T>, loss: Loss<T>, V: Matrix<T>): T {
  checkV(loss, V, 'J');
  return loss.value(gOfV(F, V, loss.m));
}

/** G(V) = grad L(E1 V V^T E2), the gradient of the original loss at BA. */
export function G<T>(F: Field<T>, loss: Loss<T>, V: Matrix<T>): Matrix<T> {
  checkV(loss, V, 'G');
  return loss.grad(gOfV(F, V, loss.m));
}

/**
 * (7) as printed: grad J(V) = 2 Sym(E1^T G(V) E2^T) V, with the (m+n) x (m+n) matrix
 * E1^T G E2^T built explicitly (fine at the small sizes of exact checks). `Gv` may be passed
 * when already computed.
 */
export function gradJ<T>(F: Field<T>, loss: Loss<T>, V: Matrix<T>, Gv: Matrix<T> = G(F, loss, V)): Matrix<T> {
  checkV(loss, V, 'gradJ');
  return scale(F, F.fromInt(2), matmul(F, sym(F, embedE1TXE2T(F, Gv)), V));
}

/** Step 1 chain rule for L(BA): grad_B = G A^T (m x r), grad_A = B^T G (r x n). */
export function loraGrads<T>(F: Field<T>, Gv: Matrix<T>, B: Matrix<T>, A: Matrix<T>): { gradB: Matrix<T>; gradA: Matrix<T> } {
  return { gradB: matmul(F, Gv, transpose(A)), gradA: matmul(F, transpose(B), Gv) };
}

/**
 * grad J(V) = [grad_B L(BA); (grad_A L(BA))^T] = [G A^T; G^T B] (Step 1), with no
 * (m+n)^2 product: for large float64 runs. Equal to (7) (claim G7 checks it).
 */
export function gradJBlockwise<T>(F: Field<T>, loss: Loss<T>, V: Matrix<T>, Gv: Matrix<T> = G(F, loss, V)): Matrix<T> {
  checkV(loss, V, 'gradJBlockwise');
  const { B, A } = splitV(V, loss.m);
  const { gradB, gradA } = loraGrads(F, Gv, B, A);
  return vstack(gradB, transpose(gradA));
}

/** Everything the claims read at one point V. */
export interface JPoint<T> {
  V: Matrix<T>;
  /** J(V) (6). */
  J: T;
  /** G(V) = grad L(BA). */
  G: Matrix<T>;
  /** grad J(V) by (7). */
  gradJ: Matrix<T>;
  /** ||V||^2, ||G||^2, ||G||, ||grad J(V)||^2. */
  Vsq: T;
  Gsq: T;
  Gnorm: T;
  gradJsq: T;
}

export function pointOf<T>(F: Field<T>, loss: Loss<T>, V: Matrix<T>): JPoint<T> {
  const Gv = G(F, loss, V);
  const gJ = gradJ(F, loss, V, Gv);
  const Gsq = normSq(F, Gv);
  // J(V) on first use only: the proof lines of Lemma 3.4 never read it, and with exp/log in the
  // loss it costs as much as G (precise mode)
  let j: T | undefined;
  return {
    V,
    get J() {
      return (j ??= J(F, loss, V));
    },
    G: Gv,
    gradJ: gJ,
    Vsq: normSq(F, V),
    Gsq,
    Gnorm: F.sqrt(Gsq),
    gradJsq: normSq(F, gJ),
  };
}

/** (8) at a point: eta = min{1 / (4 sqrt2 L (||V||^2 + ||G(V)||)), 1}. */
export function etaAt<T>(F: Field<T>, loss: Loss<T>, p: Pick<JPoint<T>, 'Vsq' | 'Gnorm'>): T {
  return eta8(F, { Vsq: p.Vsq, Gnorm: p.Gnorm, L: loss.L });
}

/** One GD step on J: V - eta grad J(V), with grad J from (7). */
export function gdStep<T>(F: Field<T>, loss: Loss<T>, V: Matrix<T>, eta: T): Matrix<T> {
  return axpy(F, V, eta, gradJ(F, loss, V));
}

/** (3): one LoRA GD step on (B, A): A - eta grad_A L(BA), B - eta grad_B L(BA). */
export function loraStep<T>(F: Field<T>, loss: Loss<T>, B: Matrix<T>, A: Matrix<T>, eta: T): { B: Matrix<T>; A: Matrix<T> } {
  const { gradB, gradA } = loraGrads(F, loss.grad(matmul(F, B, A)), B, A);
  return { B: axpy(F, B, eta, gradB), A: axpy(F, A, eta, gradA) };
}

/** One record of a run, at V_t. */
export interface RunRecord<T> {
  t: number;
  J: T;
  Vsq: T;
  Gnorm: T;
  gradJsq: T;
  /** The step size used from V_t (for t = T: the rule's value at V_T; no step is taken). */
  eta: T;
}

export interface RunOptions<T> {
  /** When given (`eta_rule` dropped): eta_t = etaScale / (4 sqrt2 L (||V_t||^2 + ||G_t||)), uncapped
   *  (etaScale itself where that first term is +infinity, i.e. at V = 0). */
  etaScale?: T;
}

/**
 * T steps of LoRA GD (3) from V0 = [B0; A0^T] with eta_t from (8) (Theorem 3.5), recording
 * t, J(V_t), ||V_t||^2, ||G(V_t)||, ||grad J(V_t)||^2 and eta_t for t = 0..T. grad J is the
 * blockwise [G A^T; G^T B], which is what (3) uses.
 */
export function runLora<T>(
  F: Field<T>,
  loss: Loss<T>,
  V0: Matrix<T>,
  T: number,
  opts: RunOptions<T> = {},
): { records: RunRecord<T>[]; V_T: Matrix<T> } {
  if (!Number.isInteger(T) || T < 0) throw new RangeError(`runLora: argument T must be an integer >= 0, got ${T}`);
  checkV(loss, V0, 'runLora');
  let { B, A } = splitV(V0, loss.m);
  const records: RunRecord<T>[] = [];
  for (let t = 0; ; t++) {
    const W = matmul(F, B, A);
    const Gv = loss.grad(W);
    const { gradB, gradA } = loraGrads(F, Gv, B, A);
    const s = { Vsq: F.add(normSq(F, B), normSq(F, A)), Gnorm: F.sqrt(normSq(F, Gv)), L: loss.L };
    let eta: T;
    if (opts.etaScale === undefined) eta = eta8(F, s);
    else {
      const first = eta8FirstTerm(F, s);
      eta = first === undefined ? opts.etaScale : F.mul(opts.etaScale, first);
    }
    // J(V_t) on first use only: GV.step reads none, GV and T10 only J(V_0)
    let j: T | undefined;
    records.push({
      t,
      get J() {
        return (j ??= loss.value(W));
      },
      Vsq: s.Vsq,
      Gnorm: s.Gnorm,
      gradJsq: F.add(normSq(F, gradB), normSq(F, gradA)),
      eta,
    });
    if (t === T) break;
    B = axpy(F, B, eta, gradB);
    A = axpy(F, A, eta, gradA);
  }
  return { records, V_T: stackV(B, A) };
}

// ---------------------------------------------------------------- Sec. 3.2, multiple matrices

/** L~(M) = L(E11(M), E22(M)) for M of size (m1+m2) x (n1+n2). */
export function Ltilde<T>(loss: TwoLoss<T>, M: Matrix<T>): T {
  checkM(loss, M, 'Ltilde');
  return loss.value(E11(M, loss.m1, loss.n1), E22(M, loss.m1, loss.n1));
}

/** grad L~(M) = [[grad_{W1} L, 0], [0, grad_{W2} L]] at (E11(M), E22(M)), as printed in Sec. 3.2. */
export function gradLtilde<T>(F: Field<T>, loss: TwoLoss<T>, M: Matrix<T>): Matrix<T> {
  checkM(loss, M, 'gradLtilde');
  const { G1, G2 } = loss.grad(E11(M, loss.m1, loss.n1), E22(M, loss.m1, loss.n1));
  return blockDiag(F, G1, G2);
}

function checkM<T>(loss: TwoLoss<T>, M: Matrix<T>, fn: string): void {
  if (M.rows !== loss.m1 + loss.m2 || M.cols !== loss.n1 + loss.n2)
    throw new RangeError(
      `${fn}: argument M must be ${loss.m1 + loss.m2} x ${loss.n1 + loss.n2}, got ${M.rows} x ${M.cols}`,
    );
}
