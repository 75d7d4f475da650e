/**
 * Loss arbitraries: quadratic (every mode), separable (pseudo-Huber in every mode; log-cosh and
 * logistic need exp/log: precise and float64) and two-matrix quadratic losses, each with a
 * STATED smoothness constant L and lower bound Lstar.
 *
 * With every hypothesis kept (Assumptions 3.1, 3.2): L = max(1, true L) * f, f in [1, 2]
 * (any constant >= the true one and >= 1 is allowed), Lstar = inf L or a bit below.
 * Each dropped hypothesis widens exactly one of these and keeps the others:
 * - `L_ge_1`: L = 2^e (1 + k/8) in (0, 1), e in [-10, -1], and the loss is rescaled so that
 *   its true constant is L / f <= L: only L >= 1 fails. C is scaled by 2^j, j in [0, 10]: with
 *   L < 1 the statements that need L >= 1 fail where ||G|| = ||grad L(BA)|| is large against
 *   L, i.e. where ||BA - C|| is of order 1/L.
 * - `smooth`: L = 1 + k/8 (>= 1, so `L_ge_1` still holds) and the loss is rescaled so that its
 *   true constant is L / f, f = 2^-e (8 - j)/8 with e in [0, 10]: the stated L lies below the
 *   true one by any factor down to about 1/1000.
 * - `lower_bound`: Lstar = inf L + k/8, k in 1..16: above the infimum.
 * Whatever the rounding of a float64 input, a kept hypothesis holds exactly on the final
 * numbers (L is raised to max(L, true L) and max(L, 1) on the values handed over).
 *
 * @remarks Since 0.1.0
 */
import fc from 'fast-check';
import type { Mode, Num } from '../numeric/field.ts';
import type { ExprLoss, LossDesc, QuadraticLoss, SeparableLoss, TwoMatrixLoss } from '../numeric/loss.ts';
import { exprLoss, infimum, quadraticLoss, separableLoss, trueSmoothness, twoQuadraticLoss, KAPPA } from '../numeric/losses/index.ts';
import type { Matrix } from '../numeric/matrix.ts';
import { resolveUserLoss, userLoss } from './user-loss.ts';
import { Rational } from '../numeric/rational.ts';
import { buffer, grid, gridVector, type Buffer } from './_internals/buffer.ts';
import { NONE_DROPPED, type Dropped } from './_internals/dropped.ts';
import { factorBelowOne, factorOneTwo, logUniform, simpleRational } from './scalars.ts';
import { headSide } from './matrices.ts';
import type { Profile } from './sizes.ts';

export type LossFamily = 'quadratic' | SeparableLoss['family'] | 'expr';

/** Families a mode can evaluate (log-cosh and logistic need exp/log); only the user's own
 *  loss (`--loss`, user-loss.ts) when one is set. */
function familiesFor(mode: Mode): readonly LossFamily[] {
  if (userLoss()) return ['expr'];
  return mode === 'exact' ? ['quadratic', 'pseudo-huber'] : ['quadratic', 'pseudo-huber', 'log-cosh', 'logistic'];
}

/** The knobs of the stated constants, drawn once per case. */
interface ConstantsRaw {
  /** [1, 2]: L = max(1, true L) * f12 (and true L = L / f12 when `L_ge_1` is dropped). */
  f12: Rational;
  /** (0, 1]: L = true L * fBelow when `smooth` is dropped. */
  fBelow: Rational;
  /** L in (0, 1) when `L_ge_1` is dropped. */
  Lfree: Rational;
  /** L in [1, 2] when `smooth` is dropped (and `L_ge_1` kept). */
  Lsmooth: Rational;
  /** 2^j, j in 0..10: the scale of C when `L_ge_1` is dropped. */
  cScale: Rational;
  /** Lstar = inf - gapBelow (kept) or inf + gapAbove (dropped). */
  gapBelow: Rational;
  gapAbove: Rational;
}

function constantsRaw(): fc.Arbitrary<ConstantsRaw> {
  return fc
    .tuple(
      fc.tuple(factorOneTwo(), factorBelowOne(), fc.integer({ min: 0, max: 10 })),
      logUniform(-10, -1),
      factorOneTwo(),
      fc.integer({ min: 0, max: 10 }),
      fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 8 }) }),
      fc.integer({ min: 1, max: 16 }),
    )
    .map(([[f12, below1, e], Lfree, Lsmooth, j, below, above]) => ({
      f12,
      fBelow: below1.div(Rational.of(2).pow(e)),
      Lfree,
      Lsmooth,
      cScale: Rational.of(2).pow(j),
      gapBelow: Rational.of(below, 8),
      gapAbove: Rational.of(above, 8),
    }));
}

function toRat(x: Num): Rational {
  return typeof x === 'number' ? Rational.fromNumber(x) : x;
}

function out(mode: Mode, x: Rational): Num {
  return mode === 'float64' ? x.toNumber() : x;
}

function maxR(a: Rational, b: Rational): Rational {
  return a.cmp(b) >= 0 ? a : b;
}

/**
 * The factor c by which the loss is rescaled (true L -> c * true L) before L is stated, and the
 * stated L as a function of the rescaled true constant.
 */
function plannedScale(trueL: Rational, k: ConstantsRaw, dropped: Dropped): Rational {
  const dropL1 = dropped.has('L_ge_1');
  const dropSmooth = dropped.has('smooth');
  if (dropL1) return k.Lfree.div(dropSmooth ? k.fBelow : k.f12).div(trueL); // true L becomes L / f
  if (dropSmooth) return k.Lsmooth.div(k.fBelow).div(trueL); // true L becomes Lsmooth / fBelow
  return Rational.ONE;
}

/** The stated L for a loss whose (final, rescaled) true constant is trueL; kept hypotheses are enforced exactly. */
function statedL(mode: Mode, trueL: Rational, k: ConstantsRaw, dropped: Dropped): Num {
  const dropL1 = dropped.has('L_ge_1');
  const dropSmooth = dropped.has('smooth');
  let L: Rational;
  if (dropL1) L = k.Lfree;
  else if (dropSmooth) L = maxR(Rational.ONE, trueL.mul(k.fBelow));
  else L = maxR(Rational.ONE, trueL).mul(k.f12);
  // (with smooth dropped, trueL = Lsmooth / fBelow by plannedScale: L = Lsmooth >= 1 up to rounding)
  let Ln = out(mode, L);
  // Rounding to a double must not break a kept hypothesis.
  if (!dropSmooth && toRat(Ln).cmp(trueL) < 0) Ln = nextUp(mode, trueL);
  if (!dropL1 && toRat(Ln).cmp(Rational.ONE) < 0) Ln = out(mode, Rational.ONE);
  return Ln;
}

/** The smallest double >= x (float64), or x itself. */
function nextUp(mode: Mode, x: Rational): Num {
  if (mode !== 'float64') return x;
  let d = x.toNumber();
  while (Rational.fromNumber(d).cmp(x) < 0) d = nextAfter(d);
  return d;
}

function nextAfter(d: number): number {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, d);
  const bits = buf.getBigUint64(0);
  if (d === 0) return Number.MIN_VALUE;
  buf.setBigUint64(0, d > 0 ? bits + 1n : bits - 1n);
  return buf.getFloat64(0);
}

/** The stated Lstar given the loss's infimum (0 for every family drawn here). */
function statedLstar(mode: Mode, inf: Num | null, k: ConstantsRaw, dropped: Dropped): Num {
  const base = inf === null ? Rational.ZERO : toRat(inf);
  return out(mode, dropped.has('lower_bound') ? base.add(k.gapAbove) : base.sub(k.gapBelow));
}

// ------------------------------------------------------------------------------ one-matrix losses

interface LossRaw {
  family: LossFamily;
  /** Eigenvalues of H (quadratic), nonnegative. */
  d: Buffer;
  /** Householder vectors (one grid each); the first `reflections` are used (a zero vector is skipped). */
  u: readonly (readonly Buffer[])[];
  reflections: number;
  C: Buffer;
  /** Separable scales s > 0, a != 0. */
  s: Rational;
  a: Rational;
  k: ConstantsRaw;
}

interface LossDrawOptions {
  families?: readonly LossFamily[];
  dropped?: Dropped;
}

export function lossRaw(p: Profile, opts: LossDrawOptions = {}): fc.Arbitrary<LossRaw> {
  const families = userLoss() ? familiesFor(p.mode) : (opts.families ?? familiesFor(p.mode));
  const head = headSide(p);
  return fc
    .tuple(
      fc.constantFrom(...families),
      buffer(p.mode, head, 'nonneg'),
      fc.tuple(buffer(p.mode, head), buffer(p.mode, head)).map(([a, b]) => [[a], [b]]),
      fc.integer({ min: 0, max: 2 }),
      buffer(p.mode, head),
      simpleRational('positive'),
      simpleRational('positive'),
      constantsRaw(),
    )
    .map(([family, d, u, reflections, C, s, a, k]) => ({ family, d, u, reflections, C, s, a, k }));
}

/** Eigenvalues, indexed like the entries of W (one grid per matrix of a two-matrix loss); all-zero
 *  is replaced by d_0 = 1 so that G != 0 is the rule, not luck. */
function eigenvalues(bufs: readonly Buffer[], shapes: readonly (readonly [number, number])[]): Num[] {
  const d = shapes.flatMap(([r, c], k) => gridVector(bufs[k]!, r, c));
  if (d.every((x) => toRat(x).isZero())) d[0] = bufs[0]!.mode === 'float64' ? 1 : Rational.ONE;
  return d;
}

/** Householder vectors u_j (the first `reflections`), each indexed like vec W; zero vectors are skipped. */
function reflectionsFrom(raw: { u: readonly (readonly Buffer[])[]; reflections: number }, shapes: readonly (readonly [number, number])[]): Num[][] {
  return raw.u
    .slice(0, raw.reflections)
    .map((bufs) => shapes.flatMap(([r, c], k) => gridVector(bufs[k]!, r, c)))
    .filter((v) => v.some((x) => !toRat(x).isZero()));
}

function scaleAll(mode: Mode, xs: readonly Num[], c: Rational): Num[] {
  return c.eq(Rational.ONE) ? xs.slice() : xs.map((x) => out(mode, toRat(x).mul(c)));
}

export function buildLoss(raw: LossRaw, m: number, n: number, dropped: Dropped = NONE_DROPPED): LossDesc {
  const mode = raw.d.mode;
  const C0 = grid(raw.C, m, n);
  const C = dropped.has('L_ge_1') ? { ...C0, data: scaleAll(mode, C0.data, raw.k.cScale) } : C0;
  if (raw.family === 'quadratic') {
    const d0 = eigenvalues([raw.d], [[m, n]]);
    const c = plannedScale(toRat(trueSmoothness({ family: 'quadratic', d: d0 } as QuadraticLoss)), raw.k, dropped);
    const d = scaleAll(mode, d0, c);
    const u = reflectionsFrom(raw, [[m, n]]);
    const proto = quadraticLoss({ m, n, d, u, C });
    const trueL = toRat(trueSmoothness(proto));
    return { ...proto, L: statedL(mode, trueL, raw.k, dropped), Lstar: statedLstar(mode, infimum(proto), raw.k, dropped) };
  }
  if (raw.family === 'expr') return buildExprLoss(raw, C, m, n, dropped);
  const kappa = KAPPA[raw.family];
  const c = plannedScale(raw.s.mul(raw.a).mul(raw.a).mul(kappa), raw.k, dropped);
  const proto = separableLoss({ family: raw.family, m, n, s: out(mode, raw.s.mul(c)), a: out(mode, raw.a), C });
  const trueL = toRat(trueSmoothness(proto));
  return { ...proto, L: statedL(mode, trueL, raw.k, dropped), Lstar: statedLstar(mode, infimum(proto), raw.k, dropped) };
}

/**
 * The user's loss (user-loss.ts) on m x n: scaled by s like the other families when `smooth`
 * or `L_ge_1` is dropped; with every hypothesis kept, the user's --L and --Lstar are stated as
 * given (they are the user's assertion; resolveUserLoss says when they are false), else L and
 * L* follow from the certified bounds as for the built-in families.
 */
function buildExprLoss(raw: LossRaw, C: Matrix<Num>, m: number, n: number, dropped: Dropped): ExprLoss {
  const mode = raw.d.mode;
  const u = userLoss();
  if (!u) throw new RangeError('buildLoss: family expr needs a loss (--loss)');
  const r = resolveUserLoss(u);
  const c = plannedScale(r.Lref, raw.k, dropped);
  const s = out(mode, c);
  const trueL = r.Lref.mul(toRat(s));
  const inf = r.LstarEntry.mul(toRat(s)).mul(Rational.of(m * n));
  const proto = exprLoss({ expr: r.expr, m, n, C, s, L: 1, Lstar: 0 });
  const userL = r.Lstated !== undefined && !dropped.has('smooth') && !dropped.has('L_ge_1');
  const L = userL ? out(mode, r.Lstated!.mul(toRat(s))) : statedL(mode, trueL, raw.k, dropped);
  const Lstar = r.LstarStated && !dropped.has('lower_bound') ? out(mode, inf) : statedLstar(mode, inf, raw.k, dropped);
  return { ...proto, L, Lstar };
}

// ------------------------------------------------------------------------------ two-matrix losses

interface TwoSizes {
  m1: number;
  n1: number;
  m2: number;
  n2: number;
}

interface TwoLossRaw {
  /** Eigenvalue grids for the W1 and W2 coordinates. */
  d: readonly [Buffer, Buffer];
  u: readonly (readonly Buffer[])[];
  reflections: number;
  C1: Buffer;
  C2: Buffer;
  k: ConstantsRaw;
}

export function twoLossRaw(p: Profile): fc.Arbitrary<TwoLossRaw> {
  const head = headSide(p);
  const b = buffer(p.mode, head);
  return fc
    .tuple(
      fc.tuple(buffer(p.mode, head, 'nonneg'), buffer(p.mode, head, 'nonneg')),
      fc.tuple(fc.tuple(b, b), fc.tuple(b, b)),
      fc.integer({ min: 0, max: 2 }),
      buffer(p.mode, head),
      buffer(p.mode, head),
      constantsRaw(),
    )
    .map(([d, u, reflections, C1, C2, k]) => ({ d, u, reflections, C1, C2, k }));
}

export function buildTwoLoss(raw: TwoLossRaw, s: TwoSizes, dropped: Dropped = NONE_DROPPED): TwoMatrixLoss {
  const mode = raw.C1.mode;
  const shapes = [[s.m1, s.n1], [s.m2, s.n2]] as const;
  const d0 = eigenvalues(raw.d, shapes);
  const c = plannedScale(toRat(trueSmoothness({ family: 'two-quadratic', d: d0 } as TwoMatrixLoss)), raw.k, dropped);
  const proto = twoQuadraticLoss({
    ...s,
    d: scaleAll(mode, d0, c),
    u: reflectionsFrom(raw, shapes),
    C1: grid(raw.C1, s.m1, s.n1),
    C2: grid(raw.C2, s.m2, s.n2),
  });
  const trueL = toRat(trueSmoothness(proto));
  return { ...proto, L: statedL(mode, trueL, raw.k, dropped), Lstar: statedLstar(mode, infimum(proto), raw.k, dropped) };
}
