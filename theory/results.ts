/**
 * Result files: every command writes one of these JSON documents into the results folder
 * (default ./results); `loracheck report` reads them and nothing else. The one definition of
 * each kind: its type (the interfaces below, imported by the writers) and its schema as data
 * (RESULT_SCHEMAS at the end, which reports/load.ts validates against). This file imports only
 * types, so reports/ may import it. Numbers a user may copy out are round-trip strings: exact
 * values as "p/q", doubles as shortest round-trip text.
 */
import type { JSONValue } from './codec.ts';
import type { ClaimInfo, Relation } from './claim.ts';
import type { Mode } from '../numeric/field.ts';

/** The version every writer stamps into `schema` and the report reads. */
export const RESULT_SCHEMA_VERSION = 1;

export interface Environment {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  loracheck: string;
  /** Library versions (fast-check, decimal.js, @tensorflow/tfjs, ...). */
  versions: Record<string, string>;
  /** ISO date-time the result was produced. */
  date: string;
  /** TensorFlow.js backend, for trace runs. */
  backend?: string;
}

/** One evaluated relation of a witness, with exact/enclosed text for both sides. */
export interface EvaluatedComparison {
  label?: string;
  lhs: string;
  rel: Relation;
  rhs: string;
  /** true / false / "undecided" (certified in exact and precise modes). */
  holds: boolean | 'undecided';
  /** rhs - lhs for <= (lhs - rhs for >=), as a double; negative means violated. */
  slack: number;
  /** lhs / rhs for <= (rhs / lhs for >=) when defined: > 1 means violated. */
  ratio?: number;
  /** Width of the enclosures (precise mode). */
  errorBound?: number;
}

export interface Witness {
  claim: string;
  /** Mode it was found in, and mode it was confirmed in (exact or precise). */
  foundIn: Mode;
  confirmedIn?: Mode;
  /** The input, JSON-encoded with theory/codec.ts. */
  input: JSONValue;
  comparisons: EvaluatedComparison[];
  /** Hypotheses dropped when it was found (ablation). */
  dropped: string[];
  /** Hypotheses the witness violates (e.g. "symmetric"). */
  violates?: string[];
  seed: number;
  /** fast-check replay path, when available. */
  path?: string;
  shrunk: boolean;
  /** A command that replays it. */
  replay: string;
  /** A short human summary of the sizes, e.g. "m=1, n=1, r=1". */
  sizes?: string;
  /** 'smt': a solver model, confirmed exactly (minimal in size by construction); else sampling. */
  foundBy?: 'smt';
}

/** 'statistical': a statistical claim (ClaimInfo.statistical) none of whose cases rejected it at
 *  its per-case level; weaker than 'verified', which it never becomes. */
export type Verdict = 'verified' | 'counterexample' | 'undecided' | 'error' | 'statistical';

/** The confidence behind a statistical claim's verdict (theory/claim.ts StatisticalTest). */
interface StatisticalConfidence {
  /** Per-case level: P(a case fails | the claim holds) <= delta. */
  delta: number;
  deltaText: string;
  /** 1 - delta: the confidence of each case's band. */
  confidence: number;
  /** min(1, cases x delta): the chance that any case of the run fails if the claim holds. */
  familywiseDelta: number;
  method: string;
}

export interface Histogram {
  /** What is binned, e.g. "log10(rhs / lhs)". */
  of: string;
  edges: number[];
  counts: number[];
}

export interface ClaimCheckResult {
  id: string;
  mode: Mode;
  verdict: Verdict;
  cases: number;
  nonTrivial: number;
  undecided: number;
  /** Smallest slack seen (double) with its input. */
  worstSlack?: { slack: number; ratio?: number; witness: Witness };
  slackHistogram?: Histogram;
  counterexample?: Witness;
  /** True when the counterexample matches one already recorded in the corpus. */
  known?: boolean;
  seed: number;
  budget: { runs?: number; seconds?: number };
  timeMs: number;
  replay: string;
  error?: string;
  /** Statistical claims: the level of each case; a counterexample is then a rejection at that level. */
  statistical?: StatisticalConfidence;
  /** The claim's proof from results/prove.json when check ran (the strongest verdict it has). */
  proof?: { verdict: ProofVerdict; text: string };
  /** Kept from the earlier file when an interrupted run merged into it (not re-run this time). */
  fromEarlierRun?: boolean;
  /** The claim Ctrl-C stopped part way: its counts cover the cases it ran. */
  partial?: boolean;
}

/** A certified enclosure [lo, hi] from numeric/expr/bounds.ts (hi null: none found) and where it holds. */
export interface CertifiedBound {
  lo: string;
  hi: string | null;
  status: 'bounded' | 'unbounded' | 'undefined';
  domain: string;
  note: string;
}

/** A user's own loss (`--loss`): every claim in the file was checked on L(W) = s sum_ij f(W_ij, C_ij). */
export interface UserLossInfo {
  expr: string;
  /** mathjs toTex of f (the report typesets it with KaTeX). */
  tex: string;
  /** f' and f'' as mathjs derived them (d/dw). */
  df: string;
  d2f: string;
  dfTex?: string;
  d2fTex?: string;
  /** The constant stated with every hypothesis kept: the user's --L, or the certified sup |f''|. */
  L: { value: string; source: 'stated' | 'certified' };
  /** Per entry: the user's --Lstar, or the certified lower bound of inf f (L* = s m n Lstar). */
  Lstar: { value: string; source: 'stated' | 'certified' };
  smooth: CertifiedBound;
  lower: CertifiedBound;
  notes: string[];
}

export interface CheckResultFile {
  kind: 'check';
  schema: number;
  env: Environment;
  loss?: UserLossInfo;
  claims: ClaimInfo[];
  /** Statement of each named hypothesis (theory/claim.ts HYPOTHESES), for the report. */
  hypotheses?: Record<string, string>;
  results: ClaimCheckResult[];
  /** The run was stopped (Ctrl-C, SIGTERM) before every claim ran; entries of the earlier file
   *  it did not reach are kept with `fromEarlierRun`. */
  interrupted?: boolean;
  /** The seed of the run (each entry has its own too). */
  seed?: number;
  /** Claims the run left out, and why. */
  skipped?: { id: string; reason: string }[];
}

export interface SearchResultFile {
  kind: 'search';
  schema: number;
  env: Environment;
  loss?: UserLossInfo;
  claim: string;
  dropped: string[];
  seed: number;
  shard?: string;
  workers: number;
  budget: { runs?: number; seconds?: number };
  cases: number;
  casesPerSecond: number;
  timeMs: number;
  /** First failure, shrunk and confirmed; absent if none found. */
  counterexample?: Witness;
  timeToFirstMs?: number;
  interrupted?: boolean;
  smt?: SmtNote;
}

/** What the SMT engine said before sampling (search, ablate): its verdict, as printed, and time. */
export interface SmtNote {
  verdict: ProofVerdict;
  text: string;
  /** For `proved`: "all inputs" or the class. */
  class?: string;
  timeMs: number;
}

export interface AblationRow {
  claim: string;
  hypothesis: string;
  /** 'cannot-fail': the claim says why dropping this hypothesis cannot break it (theory/claim.ts
   *  cannotFail), and the search, which still ran, found nothing; 'not-needed': the SMT engine
   *  proved the claim for every input without the hypothesis. */
  status: 'load-bearing' | 'not-shown' | 'not-needed' | 'cannot-fail' | 'error';
  smt?: SmtNote;
  witness?: Witness;
  /** Property cases (sampling), and the optimiser's restarts and float64 evaluations. */
  cases: number;
  ascents?: number;
  evaluations?: number;
  seconds: number;
  /** For 'cannot-fail': why; for 'not-shown': what was spent. */
  reason?: string;
  /** Which part of the search found the witness: the SMT engine, sampling (fast-check), the
   *  ascent, or none within the budget but a witness stored in the corpus, replayed exactly now. */
  foundBy?: 'smt' | 'sampling' | 'ascent' | 'corpus';
  error?: string;
  /** Kept from the earlier file when an interrupted run merged into it (not re-run this time). */
  fromEarlierRun?: boolean;
}

export interface AblationResultFile {
  kind: 'ablate';
  schema: number;
  env: Environment;
  loss?: UserLossInfo;
  rows: AblationRow[];
  /** The run was stopped before every pair ran; rows of the earlier file it did not reach are
   *  kept with `fromEarlierRun`. */
  interrupted?: boolean;
  /** Claims the run left out, and why (e.g. no hypothesis to drop, an equality, not on the user's loss). */
  skipped?: { claim: string; reason: string }[];
  /** The run's seed (its replay). */
  seed?: number;
  /** Search budget per (claim, hypothesis), seconds. */
  secondsPerPair?: number;
}

/**
 * The constant an inequality pins, measured (README "Searching, ablation, tightness"): the printed value
 * beside the worst case of the claim's normalised quantity that targeted search found, with
 * the witness, certified in exact (or precise) arithmetic. PEPit sets "worst case found"
 * beside "theory" the same way. A search result bounds the true worst case from one side only:
 * `found` is <= the true sup (>= the true inf).
 */
export interface ConstantResult {
  /** The printed constant, exact ("1/4", "2"). */
  printed: string;
  printedValue: number;
  /** 'sup': the claim says quantity <= printed; 'inf': quantity >= printed. */
  direction: 'sup' | 'inf';
  /** The normalised quantity (text), and how degenerate inputs were excluded. */
  quantity: string;
  degenerate?: string;
  /** True when the claim declares the quantity; false for "as printed" (lhs / rhs against 1). */
  declared: boolean;
  /** The worst value of the quantity found (double): the largest for sup, the smallest for inf. */
  found: number;
  /** The same value certified at the witness: exact text, or an enclosure "[lo, hi]". */
  certified?: string;
  certifiedIn?: Mode;
  /** The certified value to 40 significant digits, when known that well. */
  digits?: string;
  /** How loose the printed constant is on what was found: printed / found (sup) or found / printed
   *  (inf). 1: attained; > 1: never reached (the constant may be improvable); < 1: a counterexample. */
  gap?: number;
  /** A simple closed form equal to `found` to 30 digits: a CONJECTURE about the true worst case. */
  conjecture?: { form: string; matchedDigits: number };
  /** A better constant (the conjecture, or the simplest rational between found and printed), and
   *  whether it bounds every value of the quantity the search evaluated (float64) and the certified one. */
  better?: { value: string; holdsOnTried: boolean; tried: number; worstTried: number };
  witness?: Witness;
  label?: string;
}

/** The SMT engine's bracket on a constant (tighten): the worst ratio lies in [lower, upper]. */
export interface SmtBracket {
  /** The class the bisection ran on, e.g. "m = n = r = 1 quadratics". */
  class: string;
  /** A confirmed input of the class with this certified ratio (so no constant below it is valid). */
  lower?: { ratio: string; value: number; class: string; input?: JSONValue };
  /** Every input of `class` ("all inputs" when the scalar form proves it too) has ratio <= this. */
  upper?: { ratio: string; value: number; class: string };
  steps: number;
  timeMs: number;
  /** Where the bisection stopped on an unknown. */
  stoppedAt?: string;
}

export interface TightnessRow {
  smt?: SmtBracket;
  claim: string;
  /** Which comparison of the claim (label), when the claim has several. */
  label?: string;
  /** Worst lhs / rhs found (for <=), as a double; absent when the search evaluated no case within its budget (the row then carries only the SMT bracket). */
  worstRatio?: number;
  /** The same ratio re-evaluated exactly (or as an enclosure). */
  worstRatioCertified?: string;
  /** What the paper's constant allows: 1. */
  paperRatio: number;
  witness?: Witness;
  restarts: number;
  evaluations: number;
  seconds: number;
  /** The constant the claim pins, measured (absent in result files written before it existed). */
  constant?: ConstantResult;
  /** Kept from the earlier file when an interrupted run merged into it (not re-run this time). */
  fromEarlierRun?: boolean;
  /** float64 optima that certified arithmetic did not bear out (rounding artefacts), when any. */
  floatArtefacts?: number;
}

export interface TightnessResultFile {
  kind: 'tighten';
  schema: number;
  env: Environment;
  loss?: UserLossInfo;
  rows: TightnessRow[];
  /** The run was stopped before every claim ran; rows of the earlier file it did not reach are
   *  kept with `fromEarlierRun`. */
  interrupted?: boolean;
  /** Claims the run left out, and why (e.g. no hypothesis to drop, an equality, not on the user's loss). */
  skipped?: { claim: string; reason: string }[];
  /** The run's seed (its replay). */
  seed?: number;
  /** Search time per claim, seconds. */
  secondsPerClaim?: number;
}

/** `undecided`: too few steps resolved by the recorded precision (README, "Precision"). */
type TraceClaimStatus = 'verified' | 'violated' | 'undecided' | 'not applicable';

export interface TraceClaimResult {
  id: string;
  status: TraceClaimStatus;
  /** Why not applicable / undecided / truncated / "estimated L", etc. */
  reason?: string;
  /** Same as `checked` (kept for readers of older files). */
  stepsChecked: number;
  /** Steps (or prefixes) at which the claim was evaluated: resolved + unresolved. */
  checked?: number;
  /** Steps whose outcome the recorded precision decides (a violation counts as resolved). */
  resolved?: number;
  /** Steps whose promised margin is below the recorded precision: passing them says nothing. */
  unresolved?: number;
  firstUnresolved?: number;
  violations: number;
  firstViolation?: number;
  worstSlack?: number;
  /** True when the verdict rests on an estimated L (mlp workload). */
  estimated?: boolean;
}

export interface TraceSeries {
  t: number[];
  J: number[];
  Vsq: number[];
  eta: number[];
  /** Running min_{s <= t} ||grad J(V_s)||^2. */
  minGradJsq: number[];
  /** GV bound ||V_0||^2 + t / (4 sqrt2 L) + 8 (J(V_0) - L*), where applicable. */
  gvBound?: number[];
  /** T10 bound 4 (J(V_0) - L*) / sum_{s<=t} eta_s (the bound for min over s <= t), where applicable. */
  t10Bound?: number[];
  /** ||W_t - W*||^2 (distance to the FPFT optimum), where the trace records it. */
  distSq?: number[];
}

/** Distance of a run to the FPFT optimum W* (traces of workloads that know W*: quadratics). */
export interface TraceOptimum {
  distSq0: number;
  distSqFinal: number;
  distSqMin: number;
  tMin: number;
  /** LoRA's rank-r bounds from the header (LORA.rank): on J and on ||W - W*||^2. */
  rankBoundJ?: number;
  rankBoundDistSq?: number;
  note?: string;
}

export interface TraceVerifyEntry {
  file: string;
  /** The trace header as read (strings escaped by the report, never trusted). */
  header: Record<string, JSONValue>;
  claims: TraceClaimResult[];
  fits?: {
    vsqSlope?: number;
    gvSlope?: number;
    minGradVsInvLogT?: number;
    minGradVsInvT?: number;
    note?: string;
  };
  series: TraceSeries;
  summary?: Record<string, JSONValue>;
  /** No summary line: the run was killed or is still running; every verdict covers a prefix. */
  truncated?: boolean;
  /** The last line was cut mid-write and ignored. */
  partialLastLine?: boolean;
  /** The summary says the run was stopped (Ctrl-C, SIGTERM) before its planned steps. */
  interrupted?: boolean;
  /** The run diverged (a divergence record, or a step record with a non-finite quantity) at t. */
  divergence?: { t: number; reason: string };
  /** Step records read. */
  records?: number;
  /** The precision the verdicts assumed (from the header's dtype and scalarDtype, or --tol). */
  precision?: TracePrecision;
  /** Distance to the FPFT optimum along the run, where the trace records it. */
  optimum?: TraceOptimum;
}

export interface TracePrecision {
  /** dtype of the iterate (the header's `dtype`). */
  dtype: string;
  /** dtype the recorded scalars were accumulated in (the header's `scalarDtype`, default `dtype`). */
  scalarDtype: string;
  /** Unit roundoff of `dtype` (the rounding of V_{t+1} when it is stored). */
  u: number;
  /** Relative resolution of a recorded scalar. */
  relative: number;
  /** Why `relative` has this value. */
  basis: string;
}

export interface TraceVerifyResultFile {
  kind: 'verify-trace';
  schema: number;
  env: Environment;
  /** The --tol override, when given (each entry's `precision` says what was applied). */
  tolerance?: { relative: number; absolute: number };
  traces: TraceVerifyEntry[];
}

/**
 * Proofs by SMT (`loracheck prove`). Verdict words: `proved` (the negation is unsat: the claim
 * holds for every input of `class`, "all inputs" for a scalar form), `refuted` (a solver model,
 * confirmed by the exact field: a counterexample), `unknown` (timeout or solver limit, with the
 * time spent), `no encoding` (nothing polynomial to give the solver).
 */
type ProofVerdict = 'proved' | 'refuted' | 'unknown' | 'no encoding';

export interface ProofAttempt {
  /** 'scalar': the claim's scalar form (all inputs); 'class': a fixed-size class of inputs. */
  encoding: 'scalar' | 'class';
  /** "all inputs", "m = n = r = 1 quadratics", ... */
  class: string;
  /** The solver on the negation, over all branch paths: unsat (proved), sat, unknown, error. */
  result: 'unsat' | 'sat' | 'unknown' | 'error';
  paths: number;
  timeMs: number;
  /** Why unknown or error. */
  reason?: string;
  /** Facts a scalar proof rests on (claims proved elsewhere, e.g. "(19)"). */
  assumes?: string[];
  /** Exact (or root-obj) values of the variables in the solver's model (sat). */
  model?: Record<string, string>;
  /** A sat scalar model re-evaluated exactly: where the scalar statement fails (it need not be
   *  realisable by any V: the scalar form is a relaxation). */
  scalarModel?: { values: Record<string, string>; comparisons: EvaluatedComparison[] };
}

export interface ClaimProofResult {
  id: string;
  /** Hypotheses dropped (prove --drop). */
  dropped: string[];
  verdict: ProofVerdict;
  /** For `proved`: what it covers ("all inputs", or the classes, e.g. "m = n = r = 1 quadratics"). */
  class?: string;
  /** The verdict as printed: "proved", "proved for m = n = r = 1 quadratics", "refuted", "unknown (2.0 s)". */
  text: string;
  /** Facts the proof rests on (e.g. "(19)", proved elsewhere as E19). */
  assumes?: string[];
  /** For `refuted`: the counterexample, an input of the claim (replay: check --input). */
  witness?: Witness;
  attempts: ProofAttempt[];
  timeMs: number;
  /** The solver time this claim was allowed (ms). */
  budgetMs: number;
}

export interface ProveResultFile {
  kind: 'prove';
  schema: number;
  env: Environment;
  solver: { name: string; version?: string };
  budgetMs: number;
  claims: ClaimProofResult[];
  interrupted?: boolean;
}

/**
 * `loracheck experiments` (gpu-runs/experiments/): the papers' experiments as figures (series
 * already smoothed and downsampled), tables, and statements that set each paper's claim beside
 * what the runs show, in words computed from the data.
 */
export interface ExperimentSeries {
  name: string;
  x: number[];
  y: number[];
  /** Bounds are drawn dashed. */
  dashed?: boolean;
  /** The run it comes from (ExperimentRun.id). */
  run?: string;
  /** Series with the same key share a colour across a figure's panels (default: the run). */
  key?: string;
}

export interface ExperimentPanel {
  title: string;
  xLabel: string;
  yLabel: string;
  logY?: boolean;
  logX?: boolean;
  series: ExperimentSeries[];
  /** How the series were smoothed, e.g. "moving average, window 10 steps". */
  smoothing?: string;
}

export interface ExperimentFigure {
  id: string;
  title: string;
  /** What the paper's figure shows, and which paper. */
  paper: string;
  /** What was run here (data, sizes, epochs, rates), and how it differs from the paper. */
  setting: string;
  /** Panels share the x axis (and the y axis where their yLabel is the same). */
  panels: ExperimentPanel[];
}

export interface ExperimentTable {
  id: string;
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
  note?: string;
}

/** A paper's statement beside what the runs show. `printed`: in the paper's text; `reported`: known from secondary reports only. */
export interface ExperimentStatement {
  id: string;
  figure?: string;
  source: string;
  provenance: 'printed' | 'reported';
  /** The paper's statement. */
  claim: string;
  /** What the runs show, in words built from the numbers. */
  finding: string;
  /** From the criterion, applied to the numbers: never set by hand. */
  outcome: 'reproduced' | 'partly reproduced' | 'not reproduced' | 'not tested';
  /** The criterion that decided the outcome. */
  criterion: string;
  numbers?: Record<string, number | null>;
}

export interface ExperimentRun {
  id: string;
  label: string;
  method: string;
  rule: string;
  rank: number;
  batch: number | 'full';
  epochs?: number;
  steps: number;
  stepsDone: number;
  seed: number;
  trace?: string;
  seconds: number;
  finalJ?: number | null;
  testAccuracy?: number;
  diverged?: boolean;
  interrupted?: boolean;
}

export interface ExperimentsResultFile {
  kind: 'experiments';
  schema: number;
  env: Environment;
  preset: string;
  seed: number;
  backend: string;
  /** Where the data came from, and what the papers used instead. */
  data: string[];
  timeMs: number;
  interrupted?: boolean;
  runs: ExperimentRun[];
  figures: ExperimentFigure[];
  tables: ExperimentTable[];
  statements: ExperimentStatement[];
  /** Claim verdicts of the full-batch traces (verify-trace's entries, series dropped). */
  traceClaims?: { file: string; label: string; claims: TraceClaimResult[] }[];
}

export type ResultFile =
  | ProveResultFile
  | CheckResultFile
  | SearchResultFile
  | AblationResultFile
  | TightnessResultFile
  | TraceVerifyResultFile
  | ExperimentsResultFile;

// ---------------------------------------------------------------- the schema as data

/**
 * What a field may hold: `count` is a non-negative safe integer (cases, steps, seeds);
 * `integer` a safe integer of either sign (fast-check's seeds of a witness are signed 32-bit); `number`
 * any number but NaN (the codec's "Infinity" texts included); `series` an array of numbers where
 * null and "NaN" stand for NaN; `any` anything (inputs, headers). `opt` marks an optional field.
 */
export type Spec =
  | 'string'
  | 'number'
  | 'count'
  | 'integer'
  | 'boolean'
  | 'any'
  | 'series'
  | { enum: readonly (string | boolean)[] }
  | { obj: Readonly<Record<string, Spec>> }
  | { arr: Spec }
  | { record: Spec }
  | { opt: Spec }
  | { oneOf: readonly Spec[] };

/** The fields of T, each with a spec; a field optional in T must be `opt` here (checked by tsc). */
type Fields<T> = { readonly [K in keyof T]-?: unknown extends T[K] ? Spec : undefined extends T[K] ? { opt: Spec } : Spec };

const opt = (s: Spec): { opt: Spec } => ({ opt: s });
const arr = (s: Spec): Spec => ({ arr: s });
const obj = <T = Record<string, unknown>>(o: Fields<T>): Spec => ({ obj: o as Record<string, Spec> });
const oneOf = (...s: Spec[]): Spec => ({ oneOf: s });
const en = (...v: (string | boolean)[]): Spec => ({ enum: v });
const record = (s: Spec): Spec => ({ record: s });

const MODE = en('exact', 'precise', 'float64');
const BUDGET = obj<ClaimCheckResult['budget']>({ runs: opt('count'), seconds: opt('number') });
const PROOF_VERDICT = en('proved', 'refuted', 'unknown', 'no encoding');

const ENV = obj<Environment>({
  node: opt('string'),
  platform: opt('string'),
  arch: opt('string'),
  cpus: opt('count'),
  loracheck: opt('string'),
  versions: opt(record('string')),
  date: opt('string'),
  backend: opt('string'),
});

const COMPARISON = obj<EvaluatedComparison>({
  label: opt('string'),
  lhs: oneOf('string', 'number'),
  rel: en('<=', '=', '>='),
  rhs: oneOf('string', 'number'),
  holds: en(true, false, 'undecided'),
  slack: opt('number'),
  ratio: opt('number'),
  errorBound: opt('number'),
});

const WITNESS = obj<Witness>({
  claim: opt('string'),
  foundIn: opt(MODE),
  confirmedIn: opt(MODE),
  input: 'any',
  comparisons: arr(COMPARISON),
  dropped: opt(arr('string')),
  violates: opt(arr('string')),
  seed: opt('integer'),
  path: opt('string'),
  shrunk: opt('boolean'),
  replay: opt('string'),
  sizes: opt('string'),
  foundBy: opt(en('smt')),
});

const HISTOGRAM = obj<Histogram>({ of: opt('string'), edges: arr('number'), counts: arr('count') });

const CLAIM_INFO = obj<ClaimInfo>({
  id: 'string',
  paper: opt('string'),
  title: opt('string'),
  latex: opt('string'),
  hypotheses: opt(arr('string')),
  inputKind: opt('string'),
  modes: opt(arr('string')),
  correctedOf: opt('string'),
  note: opt('string'),
  constant: opt('any'),
  cannotFail: opt('any'),
  provenance: opt(en('verified', 'reported')),
  statistical: opt(obj({ delta: 'number', deltaText: opt('string'), method: opt('string') })),
});

const CHECK_RESULT = obj<ClaimCheckResult>({
  id: 'string',
  mode: MODE,
  verdict: en('verified', 'counterexample', 'undecided', 'error', 'statistical'),
  cases: 'count',
  nonTrivial: opt('count'),
  undecided: opt('count'),
  worstSlack: opt(obj({ slack: 'number', ratio: opt('number'), witness: opt(WITNESS) })),
  slackHistogram: opt(HISTOGRAM),
  counterexample: opt(WITNESS),
  known: opt('boolean'),
  seed: opt('count'),
  budget: opt(BUDGET),
  timeMs: opt('number'),
  replay: opt('string'),
  error: opt('string'),
  statistical: opt(
    obj<StatisticalConfidence>({ delta: 'number', deltaText: opt('string'), confidence: opt('number'), familywiseDelta: opt('number'), method: opt('string') }),
  ),
  proof: opt(obj({ verdict: PROOF_VERDICT, text: 'string' })),
  fromEarlierRun: opt('boolean'),
  partial: opt('boolean'),
});

// hi: null (none found) reads as absent
const BOUND = obj<CertifiedBound>({ lo: 'string', hi: opt('string'), status: en('bounded', 'unbounded', 'undefined'), domain: 'string', note: 'string' });

const USER_LOSS = obj<UserLossInfo>({
  expr: 'string',
  tex: 'string',
  df: 'string',
  d2f: 'string',
  dfTex: opt('string'),
  d2fTex: opt('string'),
  L: obj({ value: 'string', source: en('stated', 'certified') }),
  Lstar: obj({ value: 'string', source: en('stated', 'certified') }),
  smooth: BOUND,
  lower: BOUND,
  notes: arr('string'),
});

/** Fields every kind has. */
const HEAD = { kind: 'string', schema: 'count', env: ENV } as const;

const SMT_NOTE = obj<SmtNote>({ verdict: PROOF_VERDICT, text: 'string', class: opt('string'), timeMs: opt('number') });

const PROOF_ATTEMPT = obj<ProofAttempt>({
  encoding: en('scalar', 'class'),
  class: 'string',
  result: en('unsat', 'sat', 'unknown', 'error'),
  paths: opt('count'),
  timeMs: opt('number'),
  reason: opt('string'),
  assumes: opt(arr('string')),
  model: opt(record('string')),
  scalarModel: opt(obj({ values: record('string'), comparisons: arr(COMPARISON) })),
});

const TRACE_CLAIM = obj<TraceClaimResult>({
  id: 'string',
  status: en('verified', 'violated', 'undecided', 'not applicable'),
  reason: opt('string'),
  stepsChecked: opt('count'),
  checked: opt('count'),
  resolved: opt('count'),
  unresolved: opt('count'),
  firstUnresolved: opt('count'),
  violations: opt('count'),
  firstViolation: opt('count'),
  worstSlack: opt('number'),
  estimated: opt('boolean'),
});

const EXPERIMENT_SERIES = obj<ExperimentSeries>({ name: 'string', x: 'series', y: 'series', dashed: opt('boolean'), run: opt('string'), key: opt('string') });

const CONSTANT = obj<ConstantResult>({
  printed: 'string',
  printedValue: 'number',
  direction: en('sup', 'inf'),
  quantity: 'string',
  degenerate: opt('string'),
  declared: 'boolean',
  found: 'number',
  certified: opt('string'),
  certifiedIn: opt(MODE),
  digits: opt('string'),
  gap: opt('number'),
  conjecture: opt(obj({ form: 'string', matchedDigits: 'count' })),
  better: opt(obj({ value: 'string', holdsOnTried: 'boolean', tried: 'count', worstTried: opt('number') })),
  witness: opt(WITNESS),
  label: opt('string'),
});

const SMT_BRACKET = obj<SmtBracket>({
  class: 'string',
  lower: opt(obj({ ratio: 'string', value: 'number', class: 'string', input: opt('any') })),
  upper: opt(obj({ ratio: 'string', value: 'number', class: 'string' })),
  steps: opt('count'),
  timeMs: opt('number'),
  stoppedAt: opt('string'),
});

const TRACE_ENTRY = obj<TraceVerifyEntry>({
  file: 'string',
  header: record('any'),
  claims: arr(TRACE_CLAIM),
  fits: opt(obj({ vsqSlope: opt('number'), gvSlope: opt('number'), minGradVsInvLogT: opt('number'), minGradVsInvT: opt('number'), note: opt('string') })),
  series: obj<TraceSeries>({
    t: 'series',
    J: 'series',
    Vsq: 'series',
    eta: 'series',
    minGradJsq: 'series',
    gvBound: opt('series'),
    t10Bound: opt('series'),
    distSq: opt('series'),
  }),
  summary: opt(record('any')),
  truncated: opt('boolean'),
  partialLastLine: opt('boolean'),
  interrupted: opt('boolean'),
  divergence: opt(obj({ t: 'count', reason: 'string' })),
  records: opt('count'),
  precision: opt(obj<TracePrecision>({ dtype: 'string', scalarDtype: 'string', u: 'number', relative: 'number', basis: 'string' })),
  optimum: opt(
    obj<TraceOptimum>({
      distSq0: 'number',
      distSqFinal: 'number',
      distSqMin: 'number',
      tMin: 'count',
      rankBoundJ: opt('number'),
      rankBoundDistSq: opt('number'),
      note: opt('string'),
    }),
  ),
});

/** Every kind of result file, as data; `report` validates each file against its kind's entry. */
export const RESULT_SCHEMAS: Readonly<Record<ResultFile['kind'], Spec>> = {
  experiments: obj<ExperimentsResultFile>({
    ...HEAD,
    preset: 'string',
    seed: 'count',
    backend: 'string',
    data: arr('string'),
    timeMs: 'number',
    interrupted: opt('boolean'),
    runs: arr(
      obj<ExperimentRun>({
        id: 'string',
        label: 'string',
        method: 'string',
        rule: 'string',
        rank: 'count',
        batch: oneOf('count', en('full')),
        epochs: opt('count'),
        steps: 'count',
        stepsDone: 'count',
        seed: opt('count'),
        trace: opt('string'),
        seconds: opt('number'),
        finalJ: opt('number'),
        testAccuracy: opt('number'),
        diverged: opt('boolean'),
        interrupted: opt('boolean'),
      }),
    ),
    figures: arr(
      obj<ExperimentFigure>({
        id: 'string',
        title: 'string',
        paper: 'string',
        setting: 'string',
        panels: arr(
          obj<ExperimentPanel>({ title: 'string', xLabel: 'string', yLabel: 'string', logY: opt('boolean'), logX: opt('boolean'), smoothing: opt('string'), series: arr(EXPERIMENT_SERIES) }),
        ),
      }),
    ),
    // table cells: strings, numbers or null (anything else is shown as a dash)
    tables: arr(obj<ExperimentTable>({ id: 'string', title: 'string', columns: arr('string'), rows: arr(arr('any')), note: opt('string') })),
    statements: arr(
      obj<ExperimentStatement>({
        id: 'string',
        figure: opt('string'),
        source: 'string',
        provenance: en('printed', 'reported'),
        claim: 'string',
        finding: 'string',
        outcome: en('reproduced', 'partly reproduced', 'not reproduced', 'not tested'),
        criterion: 'string',
        numbers: opt(record('any')),
      }),
    ),
    traceClaims: opt(arr(obj({ file: 'string', label: 'string', claims: arr(TRACE_CLAIM) }))),
  }),
  prove: obj<ProveResultFile>({
    ...HEAD,
    solver: opt(obj({ name: 'string', version: opt('string') })),
    budgetMs: opt('number'),
    interrupted: opt('boolean'),
    claims: arr(
      obj<ClaimProofResult>({
        id: 'string',
        dropped: opt(arr('string')),
        verdict: PROOF_VERDICT,
        class: opt('string'),
        text: 'string',
        assumes: opt(arr('string')),
        witness: opt(WITNESS),
        attempts: arr(PROOF_ATTEMPT),
        timeMs: opt('number'),
        budgetMs: opt('number'),
      }),
    ),
  }),
  check: obj<CheckResultFile>({ ...HEAD, loss: opt(USER_LOSS), claims: arr(CLAIM_INFO), hypotheses: opt(record('string')), results: arr(CHECK_RESULT), interrupted: opt('boolean'), seed: opt('count'), skipped: opt(arr(obj({ id: 'string', reason: 'string' }))) }),
  search: obj<SearchResultFile>({
    ...HEAD,
    loss: opt(USER_LOSS),
    claim: 'string',
    dropped: opt(arr('string')),
    seed: opt('count'),
    shard: opt('string'),
    workers: opt('count'),
    budget: opt(BUDGET),
    cases: 'count',
    casesPerSecond: opt('number'),
    timeMs: opt('number'),
    counterexample: opt(WITNESS),
    timeToFirstMs: opt('number'),
    interrupted: opt('boolean'),
    smt: opt(SMT_NOTE),
  }),
  ablate: obj<AblationResultFile>({
    ...HEAD,
    loss: opt(USER_LOSS),
    interrupted: opt('boolean'),
    skipped: opt(arr(obj({ claim: 'string', reason: 'string' }))), seed: opt('count'),
    secondsPerPair: opt('number'),
    rows: arr(
      obj<AblationRow>({
        claim: 'string',
        hypothesis: 'string',
        status: en('load-bearing', 'not-shown', 'not-needed', 'cannot-fail', 'error'),
        smt: opt(SMT_NOTE),
        witness: opt(WITNESS),
        cases: opt('count'),
        ascents: opt('count'),
        evaluations: opt('count'),
        seconds: opt('number'),
        reason: opt('string'),
        foundBy: opt(en('smt', 'sampling', 'ascent', 'corpus')),
        error: opt('string'),
        fromEarlierRun: opt('boolean'),
      }),
    ),
  }),
  tighten: obj<TightnessResultFile>({
    ...HEAD,
    loss: opt(USER_LOSS),
    rows: arr(
      obj<TightnessRow>({
        smt: opt(SMT_BRACKET),
        claim: 'string',
        label: opt('string'),
        worstRatio: opt('number'),
        worstRatioCertified: opt('string'),
        floatArtefacts: opt('count'),
        paperRatio: opt('number'),
        witness: opt(WITNESS),
        restarts: opt('count'),
        evaluations: opt('count'),
        seconds: opt('number'),
        constant: opt(CONSTANT),
        fromEarlierRun: opt('boolean'),
      }),
    ),
    interrupted: opt('boolean'),
    skipped: opt(arr(obj({ claim: 'string', reason: 'string' }))), seed: opt('count'),
    secondsPerClaim: opt('number'),
  }),
  'verify-trace': obj<TraceVerifyResultFile>({
    ...HEAD,
    tolerance: opt(obj({ relative: opt('number'), absolute: opt('number') })),
    traces: arr(TRACE_ENTRY),
  }),
};
