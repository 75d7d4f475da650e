/**
 * Symmetric operators H = Q diag(d) Q^T with Q = H_{u_1} ... H_{u_k} a product of Householder
 * reflections H_u = I - 2 u u^T / (u^T u). Each H_u is rational (for rational u) and orthogonal,
 * so Q is exactly orthogonal and the eigenvalues of H are exactly the d_i: ||H||_op = max |d_i|
 * with no rounding anywhere. H acts on vec(W) (row-major, length m n); it is applied in
 * O(k m n) and never formed as an explicit (m n) x (m n) matrix.
 */
import type { Field, Num } from '../field.ts';

interface Reflectors<T> {
  /** u_1 .. u_k, each of length `dim`. */
  readonly u: readonly (readonly T[])[];
  /** 2 / (u_j^T u_j), precomputed. */
  readonly twoOverUU: readonly T[];
  readonly dim: number;
}

/** Lifts and precomputes the reflectors; throws if some u_j is (certainly) zero or has the wrong length. */
export function reflectors<T>(F: Field<T>, u: readonly (readonly Num[])[], dim: number): Reflectors<T> {
  const lifted = u.map((v, j) => {
    if (v.length !== dim) throw new RangeError(`reflectors: argument u[${j}] has ${v.length} entries, expected ${dim}`);
    return v.map((x) => F.lift(x));
  });
  const two = F.fromInt(2);
  const twoOverUU = lifted.map((v, j) => {
    let uu = F.zero;
    for (const x of v) uu = F.add(uu, F.mul(x, x));
    if (F.isZero(uu)) throw new RangeError(`reflectors: argument u[${j}] is the zero vector`);
    return F.div(two, uu);
  });
  return { u: lifted, twoOverUU, dim };
}

/** H_u x = x - (2 u^T x / u^T u) u. */
function reflect<T>(F: Field<T>, u: readonly T[], twoOverUU: T, x: readonly T[]): T[] {
  let ux = F.zero;
  for (let i = 0; i < x.length; i++) ux = F.add(ux, F.mul(u[i]!, x[i]!));
  const out = x.slice();
  if (F.knownZero ? F.knownZero(ux) : F.isZero(ux)) return out; // a shortcut, not a decision
  const c = F.mul(twoOverUU, ux);
  for (let i = 0; i < x.length; i++) out[i] = F.sub(x[i]!, F.mul(c, u[i]!));
  return out;
}

function checkLen<T>(R: Reflectors<T>, x: readonly T[], fn: string): void {
  if (x.length !== R.dim) throw new RangeError(`${fn}: argument x has ${x.length} entries, expected ${R.dim}`);
}

/** Q x = H_{u_1}( H_{u_2}( ... H_{u_k} x)). */
export function applyQ<T>(F: Field<T>, R: Reflectors<T>, x: readonly T[]): T[] {
  checkLen(R, x, 'applyQ');
  let y = x.slice();
  for (let j = R.u.length - 1; j >= 0; j--) y = reflect(F, R.u[j]!, R.twoOverUU[j]!, y);
  return y;
}

/** Q^T x = H_{u_k}( ... H_{u_1} x) (each H_u is symmetric). */
export function applyQT<T>(F: Field<T>, R: Reflectors<T>, x: readonly T[]): T[] {
  checkLen(R, x, 'applyQT');
  let y = x.slice();
  for (let j = 0; j < R.u.length; j++) y = reflect(F, R.u[j]!, R.twoOverUU[j]!, y);
  return y;
}

/** H x = Q diag(d) Q^T x. */
export function applyH<T>(F: Field<T>, R: Reflectors<T>, d: readonly T[], x: readonly T[]): T[] {
  if (d.length !== R.dim) throw new RangeError(`applyH: argument d has ${d.length} entries, expected ${R.dim}`);
  const z = applyQT(F, R, x);
  return applyQ(F, R, z.map((zi, i) => F.mul(d[i]!, zi)));
}

/** 1/2 <r, H r> = 1/2 sum_i d_i z_i^2 with z = Q^T r (one pass of k reflections). */
export function quadraticValue<T>(F: Field<T>, R: Reflectors<T>, d: readonly T[], r: readonly T[]): T {
  const z = applyQT(F, R, r);
  let s = F.zero;
  for (let i = 0; i < z.length; i++) s = F.add(s, F.mul(d[i]!, F.mul(z[i]!, z[i]!)));
  return F.div(s, F.fromInt(2));
}

/** Eigenvector of H for eigenvalue d_i: Q e_i (exact, unit norm). */
export function eigenvector<T>(F: Field<T>, R: Reflectors<T>, i: number): T[] {
  if (!Number.isInteger(i) || i < 0 || i >= R.dim) throw new RangeError(`eigenvector: argument i = ${i} must lie in 0..${R.dim - 1}`);
  const e = new Array<T>(R.dim).fill(F.zero);
  e[i] = F.one;
  return applyQ(F, R, e);
}
