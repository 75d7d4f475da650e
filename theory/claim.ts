/**
 * What a claim is: the paper's statement, its reference and LaTeX, the named hypotheses it
 * rests on, and both sides of each inequality as plain functions over any Field.
 * A claim file reads like the paper (PEPit style); no claim knows which field it runs on.
 */
import type { Field, Mode } from '../numeric/field.ts';

export type Relation = '<=' | '=' | '>=';

/** One asserted relation `lhs rel rhs`, both sides already evaluated over a field. */
export interface Comparison<T> {
  /** Which printed piece this is, e.g. "step 3" or "eta <= (1/(27 sqrt2 L ||grad J||^2))^(1/3)". */
  label?: string;
  lhs: T;
  rel: Relation;
  rhs: T;
}

/** Hypothesis names used across the catalogue. Each can be dropped (ablation). */
export type HypothesisName =
  | 'smooth'
  | 'L_ge_1'
  | 'lower_bound'
  | 'symmetric'
  | 'eta_rule'
  | 'same_rank'
  | 'nonneg'
  | 'projection'
  | 'step_le_1_over_L'
  | 'pl'
  | 'frozen_A'
  | 'low_rank_update';

export const HYPOTHESES: Readonly<Record<HypothesisName, string>> = {
  smooth: 'The original loss L is L-smooth with the stated constant L (Assumption 3.1, (4)).',
  L_ge_1: 'The smoothness constant satisfies L >= 1 (Assumption 3.1).',
  lower_bound: 'L(W) >= L* for all W (Assumption 3.2).',
  symmetric: 'The matrix M is symmetric (Lemma A.2, (15)).',
  eta_rule: 'The step size eta_t is the one of (8): min{1 / (4 sqrt2 L (||V_t||^2 + ||G(V_t)||)), 1}.',
  same_rank: 'All adapter pairs (B1, A1), (B2, A2) share one rank r (Sec. 3.2).',
  nonneg: 'x1, x2, w1, w2 >= 0 (Lemma A.1).',
  projection: 'H is an orthogonal projection: H = S (S^T S)^+ S^T for a sketch S (RAC-LoRA\'s H_B, H_A), symmetric and idempotent.',
  step_le_1_over_L: 'The step size satisfies 0 < gamma <= 1/L.',
  pl: 'f is mu-PL with the stated mu: ||grad f(W)||^2 >= 2 mu (f(W) - f*) for all W, with f* = inf f.',
  frozen_A: 'Asymmetric LoRA: A is drawn once and never trained; only B moves.',
  low_rank_update: 'Every iterate is W0 + B A with B (m x r) and A (r x n): rank(W_t - W0) <= r (LoRA).',
};

/** Which generator family produces a claim's input (see theory/inputs.ts for the shapes). */
export type InputKind =
  | 'amgm'
  | 'square'
  | 'block'
  | 'lora'
  | 'lora-pair'
  | 'loss-point'
  | 'lora-run'
  | 'two-pair'
  | 'two-lora'
  | 'sketch'
  | 'rac-point'
  | 'rac-run'
  | 'sketch-mean'
  | 'rac-runs'
  | 'asym-run'
  | 'lora-rank-run';

/**
 * Where a claim's formula comes from, for claims outside Mu & Klabjan (whose text is at hand):
 * 'verified' = confirmed from public code or by algebra that needs no paper; 'reported' = known
 * only from secondary reports of the paper (never presented as printed there).
 */
type Provenance = 'verified' | 'reported';

/**
 * A statistical claim: each case is a Monte-Carlo test. If the claim holds, a case fails with
 * probability at most `delta`; a pass says the claim is consistent with the samples at that
 * level, never that it is verified. Verdict: 'statistical' (theory/results.ts).
 */
interface StatisticalTest {
  /** Per-case level: P(a case fails | the claim holds) <= delta. */
  readonly delta: number;
  /** delta as printed, e.g. "2^-20". */
  readonly deltaText: string;
  /** How the confidence band is derived. */
  readonly method: string;
}

/**
 * One place a claim checks, normalised (README "Searching, ablation, tightness"): the quantity num / den
 * whose worst case over inputs measures the constant the claim pins. Only parts with den > 0
 * count. `scale` is the size of the terms that cancel in num (e.g. |J(V)| for
 * J(V) - J(V - eta grad J)): a float64 search skips a part whose den is below 1e-9 of it,
 * where num is rounding noise (the certified value of a witness is exact all the same).
 */
export interface ConstantPart<T> {
  label?: string;
  num: T;
  den: T;
  scale?: T;
}

/** What a constant declaration says, as data (claims --json, result files, the report). */
interface ConstantInfo {
  /** The printed constant, exact ("1/4", "2"). */
  printed: string;
  /** 'sup': the claim says quantity <= printed on every input; 'inf': quantity >= printed. */
  direction: 'sup' | 'inf';
  /** The normalised quantity, in words and in LaTeX. */
  quantity: string;
  latex: string;
  /** Where the quantity is undefined (0/0) and how such inputs are excluded or bounded away. */
  degenerate: string;
}

/** The constant an inequality pins, declared next to its sides (PEPit style: the theory's value
 *  beside the worst case). */
export interface ConstantSpec<I = any> extends ConstantInfo {
  /** The quantity at each place the claim checks (undefined: degenerate there, excluded). */
  parts<T>(F: Field<T>, input: I): (ConstantPart<T> | undefined)[];
}

/** Why dropping a hypothesis cannot produce a counterexample (ablation then says so instead of
 *  "not shown"). */
type CannotFail = Partial<Record<HypothesisName, string>>;

/** Serialisable description of a claim (what `loracheck claims --json` prints). */
export interface ClaimInfo {
  /** Stable id (`loracheck claims`; the order: theory/index.ts), e.g. "L33", "L34.s22.amgm1", "L34.s22.amgm1.corrected". */
  readonly id: string;
  /** Paper reference, e.g. "Lemma 3.3", "(22), line 1 of the AM-GM chain". */
  readonly paper: string;
  readonly title: string;
  /** LaTeX of the statement as printed (KaTeX-compatible). */
  readonly latex: string;
  readonly hypotheses: readonly HypothesisName[];
  readonly inputKind: InputKind;
  /** Arithmetic modes the claim can be evaluated in; the first is the default for `check`. */
  readonly modes: readonly Mode[];
  /** For a `.corrected` claim: the id of the printed claim it corrects. */
  readonly correctedOf?: string;
  /** Why the claim is encoded as it is (e.g. "printed with ||G|| where AM-GM gives ||G||^2"). */
  readonly note?: string;
  /** The constant an inequality pins (declared, or "as printed": lhs / rhs with constant 1). */
  readonly constant?: ConstantInfo;
  /** Hypotheses whose removal cannot break the claim, with the reason. */
  readonly cannotFail?: CannotFail;
  /** For claims of the RAC-LoRA family (README, The RAC-LoRA family): verified or only reported. */
  readonly provenance?: Provenance;
  /** Present for statistical claims (Monte-Carlo expectations). */
  readonly statistical?: StatisticalTest;
}

/** A real variable of a scalar form, with the sign every input gives it. */
export interface ScalarVariable {
  name: string;
  sign: 'positive' | 'nonneg' | 'real';
  /** What it stands for, e.g. "||V_t||". */
  text: string;
}

/** A relation every input of the claim satisfies among the variables of its scalar form:
 *  a hypothesis the claim names (`from` = its name) or a fact proved elsewhere (`from` = the
 *  equation or claim, e.g. "(19)"); `needs` lists the hypotheses a fact rests on (dropping one
 *  of them drops the fact). */
export interface Assumption<T> {
  cmp: Comparison<T>;
  from: string;
  needs?: readonly HypothesisName[];
}

/**
 * The claim as a statement about a few real numbers (the proof lines of Lemma 3.4 are about
 * ||V_t||, ||G||, ||grad J||, L and eta_t): the same sides, evaluated at named variables instead
 * of at an input, plus what holds among those variables. The SMT prover (properties/prove/)
 * evaluates it over a field of solver terms: unsat of the negation proves the claim for every
 * input (the variables of a real input satisfy the assumptions).
 */
interface ScalarForm {
  readonly vars: readonly ScalarVariable[];
  at<T>(F: Field<T>, v: Readonly<Record<string, T>>, dropped: ReadonlySet<HypothesisName>): {
    comparisons: Comparison<T>[];
    assumptions: Assumption<T>[];
  };
}

export interface Claim<I = any> extends ClaimInfo {
  /** The claim over a few named reals, where it is one (for the SMT prover). */
  readonly scalar?: ScalarForm;
  /** The relations the claim asserts on this input, evaluated over F (both sides). */
  comparisons<T>(F: Field<T>, input: I): Comparison<T>[];
  /** Whether the input exercises the claim at all (d != 0, grad J != 0, G != 0, ...). */
  nonTrivial(input: I): boolean;
  /** Which named hypotheses this input satisfies (used to label witnesses found under ablation). */
  hypothesesHold?(input: I): Partial<Record<HypothesisName, boolean>>;
  /** The constant the inequality pins and its normalised quantity (README "Searching, ablation, tightness");
   *  without one, tightness measures lhs / rhs against 1 (theory/_internals/constant.ts). */
  readonly constant?: ConstantSpec<I>;
}

function constantInfo(s: ConstantInfo): ConstantInfo {
  const { printed, direction, quantity, latex, degenerate } = s;
  return { printed, direction, quantity, latex, degenerate };
}

export function claimInfo(c: Claim): ClaimInfo {
  const { id, paper, title, latex, hypotheses, inputKind, modes, correctedOf, note, constant, cannotFail, provenance, statistical } = c;
  return {
    id,
    paper,
    title,
    latex,
    hypotheses,
    inputKind,
    modes,
    ...(correctedOf ? { correctedOf } : {}),
    ...(note ? { note } : {}),
    ...(constant ? { constant: constantInfo(constant) } : {}),
    ...(cannotFail ? { cannotFail } : {}),
    ...(provenance ? { provenance } : {}),
    ...(statistical ? { statistical: { ...statistical } } : {}),
  };
}
