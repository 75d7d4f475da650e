/**
 * Whole claim inputs, one arbitrary per InputKind (theory/inputs.ts), built from sizes and flat
 * buffers with `tuple` + `map` so every part shrinks on its own. A claim's arbitrary honours
 * every hypothesis the claim names unless it is dropped; a dropped hypothesis widens the
 * generator for exactly that hypothesis (see losses.ts for smooth / L_ge_1 / lower_bound):
 * - `symmetric`: M is any square matrix (drawn in full instead of mirrored).
 * - `eta_rule`: LoraInput.eta = (8) x factor, factor in about [1/16, 230]; LoraRunInput.etaScale drawn likewise.
 * - `same_rank`: r1 and r2 drawn independently.
 * - `nonneg`: x1, x2, w1, w2 of any sign.
 * Non-trivial cases dominate by construction: V, d and C come from buffers whose entries are
 * rarely all zero, d != 0 is enforced, x1 != x2 and w1, w2 != 0 in AM-GM are built in.
 *
 * @remarks Since 0.1.0
 */
import fc from 'fast-check';
import type { Mode, Num } from '../numeric/field.ts';
import type { Matrix } from '../numeric/matrix.ts';
import { Rational } from '../numeric/rational.ts';
import type { Claim, InputKind } from '../theory/claim.ts';
import type {
  AmGmInput,
  BlockInput,
  LoraInput,
  LoraPairInput,
  LoraRunInput,
  LossPointInput,
  SquareInput,
  TwoLoraInput,
  TwoPairInput,
} from '../theory/inputs.ts';
import { buffer, grid, type Buffer } from './_internals/buffer.ts';
import { blockGrids, blockMatrix, headSide } from './matrices.ts';
import { NONE_DROPPED, droppedSet, type Dropped } from './_internals/dropped.ts';
import { buildLoss, buildTwoLoss, lossRaw, twoLossRaw, type LossFamily } from './losses.ts';
import { asNum, simpleRational } from './scalars.ts';
import { profileFor, sizes, size, type Profile } from './sizes.ts';
import { etaFactor, etaRelativeTo8, freeEta, steps } from './steps.ts';
import { asymRunInput, loraRankRunInput, racPointInput, racRunInput, racRunsInput, sketchInput, sketchMeanInput } from './rac-inputs.ts';

interface InputOptions {
  /** Hypotheses the generated inputs must satisfy (those the claim names). */
  hypotheses?: readonly string[];
  dropped?: Dropped;
  /** LoraInput: draw an optional free eta (claims without `eta_rule` that accept any eta, e.g. S1). */
  freeEta?: boolean;
  families?: readonly LossFamily[];
}

/** float64 size caps per kind: where a case costs O((m+n)^3) (explicit extractor products) or T steps. */
const FLOAT64_CAPS: Partial<Record<InputKind, Partial<Profile>>> = {
  // float64 screens at larger sizes; the caps keep one case around a second at most on
  // one core (the printed (7) builds (m+n) x (m+n) products; runs take T steps).
  square: { maxM: 128, maxN: 128 },
  block: { maxM: 200, maxN: 200 },
  lora: { maxM: 160, maxN: 160, maxR: 16 },
  'lora-pair': { maxM: 160, maxN: 160, maxR: 16 },
  'loss-point': { maxM: 200, maxN: 200 },
  'lora-run': { maxM: 48, maxN: 48, maxR: 8 },
  'two-pair': { maxM: 64, maxN: 64 },
  'two-lora': { maxM: 64, maxN: 64, maxR: 8 },
  // the RAC-LoRA family: exact pivots are found over Q on the input; runs take T steps (K runs for the rates)
  sketch: { maxM: 32, maxN: 32, maxR: 16 },
  'rac-point': { maxM: 48, maxN: 48, maxR: 8 },
  'rac-run': { maxM: 24, maxN: 24, maxR: 4 },
  'sketch-mean': { maxM: 12, maxN: 12, maxR: 6 },
  'rac-runs': { maxM: 8, maxN: 8, maxR: 4 },
  'asym-run': { maxM: 6, maxN: 6, maxR: 3 },
  'lora-rank-run': { maxM: 24, maxN: 24, maxR: 8 },
};

/** The profile a kind runs with in a mode (float64 caps the costlier kinds). */
function kindProfile(kind: InputKind, p: Profile): Profile {
  if (p.mode !== 'float64') return p;
  const caps = FLOAT64_CAPS[kind] ?? {};
  return {
    ...p,
    maxM: Math.min(p.maxM, caps.maxM ?? p.maxM),
    maxN: Math.min(p.maxN, caps.maxN ?? p.maxN),
    maxR: Math.min(p.maxR, caps.maxR ?? p.maxR),
  };
}

const enforced = (o: InputOptions, h: string, dropped: Dropped) =>
  (o.hypotheses ?? []).includes(h) && !dropped.has(h as never);

// ------------------------------------------------------------------------------------- kinds

/** Lemma A.1: x1 != x2 (one is the other plus a positive step), weights k_i / q with k_i in 1..9. */
export function amgmInput(p: Profile, o: InputOptions = {}): fc.Arbitrary<AmGmInput> {
  const dropped = o.dropped ?? NONE_DROPPED;
  const signed = dropped.has('nonneg');
  // Weights over one denominator q keep the root order p1 + p2 <= 18 (exact mode evaluates roots up to 64).
  const weight = signed
    ? fc.integer({ min: 0, max: 17 }).map((j) => (j < 9 ? j + 1 : -(j - 8)))
    : fc.integer({ min: 1, max: 9 });
  return fc
    .tuple(
      simpleRational(signed ? 'any' : 'nonneg'),
      simpleRational('positive'),
      fc.boolean(),
      weight,
      weight,
      fc.constantFrom(1, 2, 4),
    )
    .map(([x, step, swap, k1, k2, q]) => {
      const [a, b] = swap ? [x.add(step), x] : [x, x.add(step)];
      return {
        x1: asNum(p.mode, a),
        x2: asNum(p.mode, b),
        w1: asNum(p.mode, Rational.of(k1, q)),
        w2: asNum(p.mode, Rational.of(k2, q)),
      };
    });
}

/** Lemma A.2: M is (m+n) x (m+n) in m/n blocks (one grid each), symmetric when `symmetric` is enforced. */
export function squareInput(p0: Profile, o: InputOptions = {}): fc.Arbitrary<SquareInput> {
  const p = kindProfile('square', p0);
  const symmetric = enforced(o, 'symmetric', o.dropped ?? NONE_DROPPED);
  return fc
    .tuple(size(p.maxM), size(p.maxN), blockGrids(p))
    .map(([m, n, g]) => ({ m, n, M: blockMatrix(g, m, n, m, n, symmetric) }));
}

/** Lemma A.2 (embedding): X is m x n. */
function blockInput(p0: Profile): fc.Arbitrary<BlockInput> {
  const p = kindProfile('block', p0);
  return fc.tuple(size(p.maxM), size(p.maxN), buffer(p.mode, headSide(p))).map(([m, n, buf]) => ({ X: grid(buf, m, n) }));
}

/** V = [B; A^T] from two grids (B is m x r, A^T is n x r), so shrinking m leaves A alone, and a
 *  common exponent e: V is scaled by 2^-e one case in three (a small V needs both blocks small). */
type VGrids = readonly [Buffer, Buffer, number];

function vGrids(p: Profile): fc.Arbitrary<VGrids> {
  const b = buffer(p.mode, headSide(p));
  const common = fc.oneof({ withCrossShrink: true }, { weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }) });
  return fc.tuple(b, b, common);
}

function vFrom(g: VGrids, m: number, n: number, r: number): Matrix<Num> {
  const B = grid(g[0], m, r);
  const At = grid(g[1], n, r);
  const data = [...B.data, ...At.data];
  const e = g[2];
  if (e === 0) return { rows: m + n, cols: r, data };
  const s = Rational.of(1, 2 ** e);
  return { rows: m + n, cols: r, data: data.map((x) => (typeof x === 'number' ? x * 2 ** -e : x.mul(s))) };
}

/** The shared part of the single-matrix LoRA kinds: sizes, a loss and V's buffer. */
function loraParts(p: Profile, o: InputOptions) {
  const dropped = o.dropped ?? NONE_DROPPED;
  return {
    dropped,
    arb: fc.tuple(sizes(p), lossRaw(p, { families: o.families, dropped }), vGrids(p)),
  };
}

/** S1, G7, E19, L34 and its proof lines: one point V of J, and eta when the claim takes one. */
export function loraInput(p0: Profile, o: InputOptions = {}): fc.Arbitrary<LoraInput> {
  const p = kindProfile('lora', p0);
  const { dropped, arb } = loraParts(p, o);
  const relative = (o.hypotheses ?? []).includes('eta_rule') && dropped.has('eta_rule');
  const eta = relative ? etaFactor().map((f) => ({ f })) : o.freeEta ? fc.option(freeEta(p.mode), { nil: undefined }) : fc.constant(undefined);
  return fc.tuple(arb, eta as fc.Arbitrary<{ f: Rational } | Num | undefined>).map(([[s, raw, vb], e]) => {
    const loss = buildLoss(raw, s.m, s.n, dropped);
    const V = vFrom(vb, s.m, s.n, s.r);
    if (e === undefined) return { loss, V };
    if (typeof e === 'object' && 'f' in e) return { loss, V, eta: etaRelativeTo8(p.mode, loss, V, e.f) };
    return { loss, V, eta: e as Num };
  });
}

/** Lemma 3.3: V1 and V2 = V1 + D (D drawn on its own, so d = V2 - V1 shrinks independently of V1). */
function loraPairInput(p0: Profile, o: InputOptions = {}): fc.Arbitrary<LoraPairInput> {
  const p = kindProfile('lora-pair', p0);
  const { dropped, arb } = loraParts(p, o);
  return fc.tuple(arb, vGrids(p)).map(([[s, raw, vb], db]) => {
    const loss = buildLoss(raw, s.m, s.n, dropped);
    const V1 = vFrom(vb, s.m, s.n, s.r);
    const D = vFrom(db, s.m, s.n, s.r);
    return { loss, V1, V2: addNum(p.mode, V1, D) };
  });
}

/** (23): one point W of the original loss. */
function lossPointInput(p0: Profile, o: InputOptions = {}): fc.Arbitrary<LossPointInput> {
  const p = kindProfile('loss-point', p0);
  const dropped = o.dropped ?? NONE_DROPPED;
  return fc
    .tuple(size(p.maxM), size(p.maxN), lossRaw(p, { families: o.families, dropped }), buffer(p.mode, headSide(p)))
    .map(([m, n, raw, wb]) => ({ loss: buildLoss(raw, m, n, dropped), W: grid(wb, m, n) }));
}

/** GV, T10, T35: T steps from V0 (eta from (8), or etaScale x its first term when `eta_rule` is dropped). */
export function loraRunInput(p0: Profile, o: InputOptions = {}): fc.Arbitrary<LoraRunInput> {
  const p = kindProfile('lora-run', p0);
  const { dropped, arb } = loraParts(p, o);
  const scale = dropped.has('eta_rule') ? etaFactor().map((f) => asNum(p.mode, f)) : fc.constant(undefined);
  return fc.tuple(arb, steps(p.maxT), scale).map(([[s, raw, vb], T, etaScale]) => {
    const out: LoraRunInput = { loss: buildLoss(raw, s.m, s.n, dropped), V0: vFrom(vb, s.m, s.n, s.r), T };
    if (etaScale !== undefined) out.etaScale = etaScale;
    return out;
  });
}

function twoSizes(p: Profile) {
  const half = (x: number) => Math.max(1, Math.floor(x / 2));
  return fc
    .tuple(size(half(p.maxM)), size(half(p.maxN)), size(half(p.maxM)), size(half(p.maxN)))
    .map(([m1, n1, m2, n2]) => ({ m1, n1, m2, n2 }));
}

/** Lemma 3.6: two points M, M2 of R^{(m1+m2) x (n1+n2)}, each in m/n blocks (one grid per block). */
export function twoPairInput(p0: Profile, o: InputOptions = {}): fc.Arbitrary<TwoPairInput> {
  const p = kindProfile('two-pair', p0);
  const dropped = o.dropped ?? NONE_DROPPED;
  return fc.tuple(twoSizes(p), twoLossRaw(p), blockGrids(p), blockGrids(p)).map(([s, raw, g1, g2]) => ({
    loss: buildTwoLoss(raw, s, dropped),
    M: blockMatrix(g1, s.m1, s.m2, s.n1, s.n2),
    M2: blockMatrix(g2, s.m1, s.m2, s.n1, s.n2),
  }));
}

/** Sec. 3.2 (M36): adapters (B1, A1), (B2, A2) with ranks r1 = r2 unless `same_rank` is dropped. */
export function twoLoraInput(p0: Profile, o: InputOptions = {}): fc.Arbitrary<TwoLoraInput> {
  const p = kindProfile('two-lora', p0);
  const dropped = o.dropped ?? NONE_DROPPED;
  const ranks = dropped.has('same_rank')
    ? fc.tuple(size(p.maxR), size(p.maxR))
    : size(p.maxR).map((r) => [r, r] as [number, number]);
  return fc
    .tuple(twoSizes(p), ranks, twoLossRaw(p), blockGrids(p), freeEta(p.mode))
    .map(([s, [r1, r2], raw, g, eta]) => ({
      loss: buildTwoLoss(raw, s, dropped),
      B1: grid(g[0], s.m1, r1),
      A1: grid(g[1], r1, s.n1),
      B2: grid(g[2], s.m2, r2),
      A2: grid(g[3], r2, s.n2),
      eta,
    }));
}

function addNum(mode: Mode, A: Matrix<Num>, B: Matrix<Num>): Matrix<Num> {
  const toR = (x: Num) => (typeof x === 'number' ? Rational.fromNumber(x) : x);
  return {
    rows: A.rows,
    cols: A.cols,
    data: A.data.map((a, k) => (mode === 'float64' ? (a as number) + (B.data[k] as number) : toR(a).add(toR(B.data[k]!)))),
  };
}

// ------------------------------------------------------------------------------ per claim

interface ClaimArbitraryOptions {
  mode: Mode;
  dropped?: Iterable<string> | Dropped;
  /** Overrides of the mode's generation profile (sizes, steps). */
  profile?: Partial<Omit<Profile, 'mode'>>;
}

/**
 * The arbitrary of a claim: its InputKind's generator, honouring the hypotheses the claim
 * names except the dropped ones (which it widens). The search and ablation (properties/search/) use this.
 */
export function claimArbitrary(claim: Claim, opts: ClaimArbitraryOptions): fc.Arbitrary<unknown> {
  const p = profileFor(opts.mode, opts.profile);
  const dropped = droppedSet(opts.dropped as Iterable<never>);
  const o: InputOptions = {
    hypotheses: claim.hypotheses,
    dropped,
    // A 'lora' claim that does not rest on (8) takes any eta (S1); claims that ignore eta are unaffected.
    freeEta: !claim.hypotheses.includes('eta_rule'),
  };
  return inputArbitrary(claim.inputKind, p, o);
}

function inputArbitrary(kind: InputKind, p: Profile, o: InputOptions): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'amgm':
      return amgmInput(p, o);
    case 'square':
      return squareInput(p, o);
    case 'block':
      return blockInput(p);
    case 'lora':
      return loraInput(p, o);
    case 'lora-pair':
      return loraPairInput(p, o);
    case 'loss-point':
      return lossPointInput(p, o);
    case 'lora-run':
      return loraRunInput(p, o);
    case 'two-pair':
      return twoPairInput(p, o);
    case 'two-lora':
      return twoLoraInput(p, o);
    case 'sketch':
      return sketchInput(kindProfile(kind, p));
    case 'rac-point':
      return racPointInput(kindProfile(kind, p), o);
    case 'rac-run':
      return racRunInput(kindProfile(kind, p), o);
    case 'sketch-mean':
      return sketchMeanInput(kindProfile(kind, p));
    case 'rac-runs':
      return racRunsInput(kindProfile(kind, p), o);
    case 'asym-run':
      return asymRunInput(kindProfile(kind, p), o);
    case 'lora-rank-run':
      return loraRankRunInput(kindProfile(kind, p), o);
  }
}

