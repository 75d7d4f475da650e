/**
 * Input shapes of the claims, one per InputKind. Entries are `Num`: exact rationals
 * (exact/precise runs) or doubles (float64 runs). All are plain data so that a witness can
 * be stored as JSON (rationals as "p/q" strings, see theory/codec.ts) and replayed.
 * Sizes: B is m x r, A is r x n, V = [B; A^T] is (m+n) x r, with m, n from the loss.
 */
import type { Num } from '../numeric/field.ts';
import type { Matrix } from '../numeric/matrix.ts';
import type { LossDesc, QuadraticLoss, TwoMatrixLoss } from '../numeric/loss.ts';
import { Rational } from '../numeric/rational.ts';
import { validateLossDesc } from '../numeric/losses/index.ts';
import type { InputKind } from './claim.ts';

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

// ------------------------------------------------------------------ the RAC-LoRA family (README)

/** Which factor a RAC-LoRA sketch fixes: left (B_S, m x r, H_B acts on the left of grad f) or
 *  right (A_S, r x n, H_A acts on the right). */
export type Side = 'left' | 'right';

/** RAC.H: one sketch S: B_S (m x r) when side is left, A_S (r x n) when right. */
export interface SketchInput {
  side: Side;
  S: Matrix<Num>;
}

/** RAC.step: a point W (m x n) of f, a sketch S and a step size gamma. P (m x m left, n x n right)
 *  replaces the projection of S when `projection` is dropped. */
export interface RacPointInput {
  loss: LossDesc;
  W: Matrix<Num>;
  side: Side;
  S: Matrix<Num>;
  gamma: Num;
  P?: Matrix<Num>;
}

/** RAC.sum: T projected steps from W0 with a constant gamma and one sketch per step, stacked:
 *  `sketches` is m x (T r) (left: sketch t is columns t r .. t r + r - 1) or (T r) x n (right). */
export interface RacRunInput {
  loss: LossDesc;
  W0: Matrix<Num>;
  side: Side;
  r: number;
  T: number;
  sketches: Matrix<Num>;
  gamma: Num;
}

/** RAC.EH: the mean of `samples` projections H of seeded Gaussian-like sketches (theory/sketch.ts)
 *  of rank r, for W of size m x n (left: H is m x m; right: n x n). */
export interface SketchMeanInput {
  side: Side;
  m: number;
  n: number;
  r: number;
  samples: number;
  seed: number;
}

/** RAC.T53, RAC.T55: `samples` independent RAC-LoRA runs of `steps` (T) steps from W0 with constant
 *  gamma, fresh seeded Gaussian-like sketches of rank r at every step. `mu` is the stated PL constant
 *  (T55). (Named `steps`, not T: the rates are stated at the end of a run, not at every prefix.) */
export interface RacRunsInput {
  loss: QuadraticLoss;
  W0: Matrix<Num>;
  side: Side;
  r: number;
  steps: number;
  gamma: Num;
  samples: number;
  seed: number;
  mu?: Num;
}

/** ASYM.subspace: Asymmetric LoRA from W0 + B0 A with A frozen and T steps of sizes etas (1 x T);
 *  `trainA` (when `frozen_A` is dropped) trains A as well, i.e. plain LoRA from (B0, A). */
export interface AsymRunInput {
  loss: QuadraticLoss;
  W0: Matrix<Num>;
  A: Matrix<Num>;
  B0: Matrix<Num>;
  etas: Matrix<Num>;
  trainA?: boolean;
}

/**
 * LORA.rank: f(W) = 1/2 ||W - C||^2 with C - W0 = U diag(s) V^T, U and V products of rational
 * Householder reflections (vectors `uLeft` of length m for U, `uRight` of length n for V; [] is
 * the identity), so the
 * singular values of C - W0 are exactly |s_i|. LoRA from W0 + B0 A0 with T steps of sizes etas
 * (1 x T); `full` (when `low_rank_update` is dropped) takes full-parameter GD steps instead.
 */
export interface LoraRankRunInput {
  W0: Matrix<Num>;
  uLeft: Num[][];
  uRight: Num[][];
  s: Matrix<Num>;
  B0: Matrix<Num>;
  A0: Matrix<Num>;
  etas: Matrix<Num>;
  full?: boolean;
}

// ------------------------------------------------------------------ a hand-given input's fields

/** The type of a field: a Num, a whole number, a Matrix<Num>, Num[][], a Side, a boolean, or a
 *  loss descriptor (numeric/loss.ts: checked by the loss itself, which names its fields). */
type FieldType = 'num' | 'int' | 'matrix' | 'num[][]' | 'side' | 'bool' | 'loss';

/** Each kind's fields, as the interfaces above declare them ('?': optional). */
const FIELDS: Record<InputKind, Record<string, FieldType | `${FieldType}?`>> = {
  amgm: { x1: 'num', x2: 'num', w1: 'num', w2: 'num' },
  square: { m: 'int', n: 'int', M: 'matrix' },
  block: { X: 'matrix' },
  lora: { loss: 'loss', V: 'matrix', eta: 'num?' },
  'lora-pair': { loss: 'loss', V1: 'matrix', V2: 'matrix' },
  'loss-point': { loss: 'loss', W: 'matrix' },
  'lora-run': { loss: 'loss', V0: 'matrix', T: 'int', etaScale: 'num?' },
  'two-pair': { loss: 'loss', M: 'matrix', M2: 'matrix' },
  'two-lora': { loss: 'loss', B1: 'matrix', A1: 'matrix', B2: 'matrix', A2: 'matrix', eta: 'num' },
  sketch: { side: 'side', S: 'matrix' },
  'rac-point': { loss: 'loss', W: 'matrix', side: 'side', S: 'matrix', gamma: 'num', P: 'matrix?' },
  'rac-run': { loss: 'loss', W0: 'matrix', side: 'side', r: 'int', T: 'int', sketches: 'matrix', gamma: 'num' },
  'sketch-mean': { side: 'side', m: 'int', n: 'int', r: 'int', samples: 'int', seed: 'int' },
  'rac-runs': { loss: 'loss', W0: 'matrix', side: 'side', r: 'int', steps: 'int', gamma: 'num', samples: 'int', seed: 'int', mu: 'num?' },
  'asym-run': { loss: 'loss', W0: 'matrix', A: 'matrix', B0: 'matrix', etas: 'matrix', trainA: 'bool?' },
  'lora-rank-run': { W0: 'matrix', uLeft: 'num[][]', uRight: 'num[][]', s: 'matrix', B0: 'matrix', A0: 'matrix', etas: 'matrix', full: 'bool?' },
};

const isNum = (x: unknown): boolean => x instanceof Rational || (typeof x === 'number' && Number.isFinite(x));
const shown = (x: unknown): string => JSON.stringify(x instanceof Rational ? x.toString() : x) ?? String(x);

function fieldError(x: unknown, type: FieldType, f: string): string | undefined {
  switch (type) {
    case 'num':
      return isNum(x) ? undefined : `field ${f} must be a number or "p/q", got ${shown(x)}`;
    case 'int':
      return typeof x === 'number' && Number.isInteger(x) && x >= 0 ? undefined : `field ${f} must be a whole number, got ${shown(x)}`;
    case 'side':
      return x === 'left' || x === 'right' ? undefined : `field ${f} must be "left" or "right", got ${shown(x)}`;
    case 'bool':
      return typeof x === 'boolean' ? undefined : `field ${f} must be true or false, got ${shown(x)}`;
    case 'loss':
      if (x === null || typeof x !== 'object' || Array.isArray(x)) return `field ${f} must be a loss: an object with its "family"`;
      try {
        validateLossDesc(x as LossDesc, f); // "loss: field C must be ..."
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    case 'num[][]': {
      if (!Array.isArray(x) || !x.every(Array.isArray)) return `field ${f} must be an array of arrays of numbers`;
      const i = x.findIndex((row: unknown[]) => !row.every(isNum));
      return i < 0 ? undefined : `field ${f}[${i}] must hold numbers or "p/q" only`;
    }
    case 'matrix': {
      const m = x as { rows?: unknown; cols?: unknown; data?: unknown };
      if (m === null || typeof m !== 'object' || !Array.isArray(m.data) || typeof m.rows !== 'number' || typeof m.cols !== 'number' || !Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0)
        return `field ${f} must be a matrix {"rows": m, "cols": n, "data": [m x n entries]}`;
      if (m.data.length !== m.rows * m.cols) return `field ${f}.data has ${m.data.length} entries, rows x cols = ${m.rows * m.cols}`;
      const i = m.data.findIndex((v) => !isNum(v));
      return i < 0 ? undefined : `field ${f}.data[${i}] must be a number or "p/q", got ${shown(m.data[i])}`;
    }
  }
}

/** Why a decoded input (theory/codec.ts) is not one of `kind` (naming the field), or undefined.
 *  For inputs given by hand (`check --input`): a malformed one is bad input, not a claim error. */
export function inputFieldError(kind: InputKind, x: unknown): string | undefined {
  const fields = FIELDS[kind];
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return `the ${kind} input must be a JSON object with the fields ${Object.keys(fields).join(', ')}`;
  const o = x as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(k in fields) && o[k] !== undefined) return `field ${k} is not a field of the ${kind} input (its fields: ${Object.keys(fields).join(', ')})`;
  for (const [k, t] of Object.entries(fields)) {
    const optional = t.endsWith('?');
    if (o[k] === undefined || o[k] === null) {
      if (optional) continue;
      return `field ${k} is missing (the ${kind} input's fields: ${Object.keys(fields).join(', ')})`;
    }
    const err = fieldError(o[k], t.replace('?', '') as FieldType, k);
    if (err) return err;
  }
  return undefined;
}
