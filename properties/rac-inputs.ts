/**
 * Arbitraries for the RAC-LoRA family's inputs (theory/inputs.ts: SketchInput ... LoraRankRunInput),
 * built like the others from sizes and flat buffers with `tuple` + `map`. A dropped hypothesis
 * widens the generator for exactly that hypothesis:
 * - `projection` (RAC.step): P, any square matrix, replaces the sketch's projection.
 * - `step_le_1_over_L` (RAC.sum, the rates): gamma = c / L with c in (1, 4] instead of (0, 1].
 * - `pl` (RAC.T55): the stated mu is c times the true PL constant with c in (1, 8] instead of [1/8, 1].
 * - `frozen_A` (ASYM.subspace): A is trained as well (plain LoRA from (B0, A)).
 * - `low_rank_update` (LORA.rank): full-parameter GD steps instead of LoRA steps.
 * - `smooth`, `lower_bound`: as for every loss (losses.ts).
 * Non-trivial cases dominate by construction: RAC.EH draws r < d, LORA.rank draws r < min(m, n)
 * with every s_i != 0 (so the Eckart-Young bound is positive), sketches are nonzero grids.
 *
 * @remarks Since 0.2.0
 */
import fc from 'fast-check';
import type { Num } from '../numeric/field.ts';
import type { Matrix } from '../numeric/matrix.ts';
import { infimum } from '../numeric/losses/index.ts';
import { Rational } from '../numeric/rational.ts';
import type { QuadraticLoss } from '../numeric/loss.ts';
import type {
  AsymRunInput,
  LoraRankRunInput,
  RacPointInput,
  RacRunInput,
  RacRunsInput,
  Side,
  SketchInput,
  SketchMeanInput,
} from '../theory/inputs.ts';
import { plConstant } from '../theory/_internals/rac-runs.ts';
import { buffer, grid, gridVector, type Buffer } from './_internals/buffer.ts';
import { NONE_DROPPED, type Dropped } from './_internals/dropped.ts';
import { buildLoss, lossRaw } from './losses.ts';
import { headSide } from './matrices.ts';
import { asNum, factorBelowOne, logUniform, shortDyadic } from './scalars.ts';
import { size, type Profile } from './sizes.ts';
import { steps } from './steps.ts';

interface RacInputOptions {
  hypotheses?: readonly string[];
  dropped?: Dropped;
}

const side: fc.Arbitrary<Side> = fc.constantFrom<Side>('left', 'right');
const R = (x: Num): Rational => (typeof x === 'number' ? Rational.fromNumber(x) : x);

function dropped(o: RacInputOptions): Dropped {
  return o.dropped ?? NONE_DROPPED;
}

/** A sketch of rank r for W of size m x n: m x r (left) or r x n (right). */
function sketchOf(buf: Buffer, s: Side, m: number, n: number, r: number): Matrix<Num> {
  return s === 'left' ? grid(buf, m, r) : grid(buf, r, n);
}

/** gamma = c / L: c in [1/8, 1] (gamma <= 1/L kept) or c = 1 + k/4 in (1, 4] (dropped). Shrinks towards c = 1 (resp. 5/4). */
function stepFactor(o: RacInputOptions): fc.Arbitrary<Rational> {
  return dropped(o).has('step_le_1_over_L') ? fc.integer({ min: 1, max: 12 }).map((k) => Rational.of(4 + k, 4)) : factorBelowOne();
}

function over(mode: Profile['mode'], c: Rational, L: Num): Num {
  return asNum(mode, c.div(R(L)));
}

/** RAC.H: one sketch; one case in four is made rank-deficient (last column or row = 2 x the first). */
export function sketchInput(p: Profile): fc.Arbitrary<SketchInput> {
  return fc
    .tuple(side, size(Math.max(p.maxM, p.maxN)), size(p.maxR), buffer(p.mode, headSide(p)), fc.integer({ min: 0, max: 3 }))
    .map(([s, d, r, buf, k]) => {
      let S = sketchOf(buf, s, d, d, r);
      if (k === 0 && r >= 2) S = duplicateFirst(S, s);
      return { side: s, S };
    });
}

function duplicateFirst(S: Matrix<Num>, s: Side): Matrix<Num> {
  const data = S.data.slice();
  const two = (x: Num) => (typeof x === 'number' ? 2 * x : x.mul(Rational.of(2)));
  if (s === 'left') for (let i = 0; i < S.rows; i++) data[i * S.cols + S.cols - 1] = two(S.data[i * S.cols]!);
  else for (let j = 0; j < S.cols; j++) data[(S.rows - 1) * S.cols + j] = two(S.data[j]!);
  return { rows: S.rows, cols: S.cols, data };
}

/** RAC.step: a loss, a point W, a sketch and gamma = c / L with c in [1/16, 7.5] (any gamma > 0). */
export function racPointInput(p: Profile, o: RacInputOptions = {}): fc.Arbitrary<RacPointInput> {
  const dr = dropped(o);
  const head = headSide(p);
  return fc
    .tuple(size(p.maxM), size(p.maxN), size(p.maxR), side, lossRaw(p, { dropped: dr }), buffer(p.mode, head), buffer(p.mode, head), logUniform(-4, 2), buffer(p.mode, head))
    .map(([m, n, r, s, raw, wb, sb, c, pb]) => {
      const loss = buildLoss(raw, m, n, dr);
      const out: RacPointInput = { loss, W: grid(wb, m, n), side: s, S: sketchOf(sb, s, m, n, r), gamma: over(p.mode, c, loss.L) };
      if (dr.has('projection')) {
        const d = s === 'left' ? m : n;
        out.P = grid(pb, d, d);
      }
      return out;
    });
}

/** RAC.sum: T sketches stacked, gamma = c / L. */
export function racRunInput(p: Profile, o: RacInputOptions = {}): fc.Arbitrary<RacRunInput> {
  const dr = dropped(o);
  const head = headSide(p);
  return fc
    .tuple(size(p.maxM), size(p.maxN), size(p.maxR), side, lossRaw(p, { dropped: dr }), buffer(p.mode, head), steps(p.maxT), buffer(p.mode, head), stepFactor(o))
    .map(([m, n, r, s, raw, wb, T, sb, c]) => {
      const loss = buildLoss(raw, m, n, dr);
      const sketches = s === 'left' ? grid(sb, m, T * r) : grid(sb, T * r, n);
      return { loss, W0: grid(wb, m, n), side: s, r, T, sketches, gamma: over(p.mode, c, loss.L) };
    });
}

/** RAC.EH: sizes with r < d (d = m left, n right), samples, seed. */
export function sketchMeanInput(p: Profile): fc.Arbitrary<SketchMeanInput> {
  const maxD = Math.max(2, Math.min(p.maxM, p.maxN));
  const samples = p.mode === 'float64' ? fc.integer({ min: 2, max: 8 }).map((k) => 250 * k) : fc.integer({ min: 1, max: 4 }).map((k) => 64 * k);
  return fc
    .tuple(side, fc.integer({ min: 2, max: maxD }), size(maxD), fc.integer({ min: 1, max: maxD - 1 }), samples, fc.nat({ max: 0x7fffffff }))
    .map(([s, d, other, r, K, seed]) => ({ side: s, m: s === 'left' ? d : other, n: s === 'left' ? other : d, r: Math.min(r, d - 1), samples: K, seed }));
}

/** RAC.T53 / RAC.T55: a quadratic loss (d_i >= 0), W0, r <= d, T, gamma = c / L, samples, seed; mu when `pl` is named. */
export function racRunsInput(p: Profile, o: RacInputOptions = {}): fc.Arbitrary<RacRunsInput> {
  const dr = dropped(o);
  const head = headSide(p);
  const withMu = (o.hypotheses ?? []).includes('pl');
  const muFactor = dr.has('pl') ? fc.integer({ min: 1, max: 14 }).map((k) => Rational.of(2 + k, 2)) : factorBelowOne();
  // exact: every run is a product of exact projections, so sizes, T and the number of runs stay small
  const exact = p.mode !== 'float64';
  // float64 inputs are re-checked exactly (a candidate, a tightness point): 64..256 runs of <= 4 steps
  const samples = fc.integer({ min: 1, max: 4 }).map((k) => (exact ? 32 : 64) * k);
  const maxT = Math.min(p.maxT, exact ? 3 : 4);
  return fc
    .tuple(size(exact ? Math.min(p.maxM, 3) : p.maxM), size(exact ? Math.min(p.maxN, 3) : p.maxN), size(p.maxR), side, lossRaw(p, { families: ['quadratic'], dropped: dr }), buffer(p.mode, head), steps(maxT), stepFactor(o), samples, fc.nat({ max: 0x7fffffff }), muFactor)
    .map(([m, n, r0, s, raw, wb, T, c, K, seed, f]) => {
      let loss = buildLoss(raw, m, n, dr) as QuadraticLoss;
      const r = Math.min(r0, s === 'left' ? m : n);
      const out: RacRunsInput = { loss, W0: grid(wb, m, n), side: s, r, steps: T, gamma: over(p.mode, c, loss.L), samples: K, seed };
      if (withMu) {
        // PL is stated with f* = inf f (= 0 for d_i >= 0)
        loss = { ...loss, Lstar: asNum(p.mode, R(infimum(loss) ?? 0)) };
        out.loss = loss;
        out.mu = asNum(p.mode, (plConstant(out) ?? Rational.ONE).mul(f));
      }
      return out;
    });
}

/**
 * A 1 x T row of step sizes c_t / L. In float64 (sizes up to 24) they are divided further by
 * 1 + the squared norms of the factors that multiply the step (a short dyadic), so that the
 * screened runs stay finite; exact runs (sizes <= 4, T <= 4) take c_t / L as drawn.
 */
function stepRow(p: Profile, T: number, cs: readonly Rational[], L: Num, factors: readonly Matrix<Num>[] = []): Matrix<Num> {
  if (p.mode !== 'float64') return { rows: 1, cols: T, data: cs.slice(0, T).map((c) => over(p.mode, c, L)) };
  const scale = 1 + factors.reduce((s, M) => s + M.data.reduce<number>((a, x) => a + Number(x) ** 2, 0), 0);
  return { rows: 1, cols: T, data: cs.slice(0, T).map((c) => shortDyadic(c.toNumber() / (Number(L) * scale)).toNumber()) };
}

/** Step factors c_t in [1/8, 7.5] (exact) or [1/8, 15/16] (float64, where LoRA's cubic growth
 *  under large steps overflows within a few steps: the cases would only be undecided). */
const stepFactors = (p: Profile, maxT: number) => fc.array(logUniform(-3, p.mode === 'float64' ? -1 : 2), { minLength: maxT, maxLength: maxT });
const runLength = (p: Profile) => Math.min(p.maxT, p.mode === 'float64' ? 12 : 24);

/** ASYM.subspace: a convex quadratic, W0, A (r x n), B0 (zero one case in three), step sizes. */
export function asymRunInput(p: Profile, o: RacInputOptions = {}): fc.Arbitrary<AsymRunInput> {
  const dr = dropped(o);
  const head = headSide(p);
  const b = buffer(p.mode, head);
  const maxT = runLength(p);
  return fc
    .tuple(size(p.maxM), size(p.maxN), size(p.maxR), lossRaw(p, { families: ['quadratic'], dropped: dr }), b, b, b, fc.integer({ min: 0, max: 2 }), steps(maxT), stepFactors(p, maxT))
    .map(([m, n, r0, raw, wb, ab, bb, zeroB, T, cs]) => {
      const r = Math.min(r0, m, n);
      const loss = buildLoss(raw, m, n, dr) as QuadraticLoss;
      const B0 = zeroB === 0 ? { rows: m, cols: r, data: new Array<Num>(m * r).fill(asNum(p.mode, Rational.ZERO)) } : grid(bb, m, r);
      const A = grid(ab, r, n);
      const out: AsymRunInput = { loss, W0: grid(wb, m, n), A, B0, etas: stepRow(p, T, cs, loss.L, [A]) };
      if (dr.has('frozen_A')) out.trainA = true;
      return out;
    });
}

/** LORA.rank: m, n >= 2, r < min(m, n), C - W0 = U diag(s) V^T with 0..2 reflections each and s_i != 0. */
export function loraRankRunInput(p: Profile, o: RacInputOptions = {}): fc.Arbitrary<LoraRankRunInput> {
  const head = headSide(p);
  const b = buffer(p.mode, head);
  const maxM = Math.max(2, p.maxM);
  const maxN = Math.max(2, p.maxN);
  const maxT = runLength(p);
  const reflections = fc.tuple(fc.integer({ min: 0, max: 2 }), b, b);
  return fc
    .tuple(fc.integer({ min: 2, max: maxM }), fc.integer({ min: 2, max: maxN }), size(p.maxR), b, reflections, reflections, buffer(p.mode, head, 'positive'), b, b, fc.integer({ min: 0, max: 1 }), steps(maxT), stepFactors(p, maxT))
    .map(([m, n, r0, wb, [ku, u1, u2], [kv, v1, v2], sb, bb, ab, zeroB, T, cs]) => {
      const r = Math.min(r0, Math.min(m, n) - 1);
      const vecs = (k: number, bufs: Buffer[], dim: number) => bufs.slice(0, k).map((x) => gridVector(x, 1, dim)).filter((v) => v.some((y) => R(y).sign() !== 0));
      const B0 = zeroB === 0 ? { rows: m, cols: r, data: new Array<Num>(m * r).fill(asNum(p.mode, Rational.ZERO)) } : grid(bb, m, r);
      const A0 = grid(ab, r, n);
      const s = grid(sb, 1, Math.min(m, n));
      const out: LoraRankRunInput = {
        W0: grid(wb, m, n),
        uLeft: vecs(ku, [u1, u2], m),
        uRight: vecs(kv, [v1, v2], n),
        s,
        B0,
        A0,
        etas: stepRow(p, T, cs, 1, [B0, A0, s]),
      };
      if (dropped(o).has('low_rank_update')) out.full = true;
      return out;
    });
}
