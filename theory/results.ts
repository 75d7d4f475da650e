/**
 * Result files: every command writes one of these JSON documents into the results folder
 * (default ./results); `loracheck report` reads them and nothing else. Types only, so that
 * reports/ may import them. Numbers a user may copy out are round-trip strings: exact values
 * as "p/q", doubles as shortest round-trip text.
 */
import type { JSONValue } from './codec.ts';
import type { ClaimInfo, Relation } from './claim.ts';
import type { Mode } from '../numeric/field.ts';

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
}

export type Verdict = 'verified' | 'counterexample' | 'undecided' | 'error';

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
}

export interface CheckResultFile {
  kind: 'check';
  schema: number;
  env: Environment;
  claims: ClaimInfo[];
  /** Statement of each named hypothesis (theory/claim.ts HYPOTHESES), for the report. */
  hypotheses?: Record<string, string>;
  results: ClaimCheckResult[];
}

export interface SearchResultFile {
  kind: 'search';
  schema: number;
  env: Environment;
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
}

export interface AblationRow {
  claim: string;
  hypothesis: string;
  /** 'cannot-fail': the claim says why dropping this hypothesis cannot break it (theory/claim.ts
   *  cannotFail), and the search, which still ran, found nothing. */
  status: 'load-bearing' | 'not-shown' | 'cannot-fail' | 'error';
  witness?: Witness;
  /** Property cases (sampling), and the optimiser's restarts and float64 evaluations. */
  cases: number;
  ascents?: number;
  evaluations?: number;
  seconds: number;
  /** For 'cannot-fail': why; for 'not-shown': what was spent. */
  reason?: string;
  /** Which part of the search found the witness: sampling (fast-check), the ascent, or neither
   *  within the budget but a witness stored in the corpus, replayed exactly now. */
  foundBy?: 'sampling' | 'ascent' | 'corpus';
  error?: string;
}

export interface AblationResultFile {
  kind: 'ablate';
  schema: number;
  env: Environment;
  rows: AblationRow[];
}

/**
 * The constant an inequality pins, measured (SPEC "Constants (tightness)"): the printed value
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

export interface TightnessRow {
  claim: string;
  /** Which comparison of the claim (label), when the claim has several. */
  label?: string;
  /** Worst lhs / rhs found (for <=), as a double. */
  worstRatio: number;
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
}

export interface TightnessResultFile {
  kind: 'tighten';
  schema: number;
  env: Environment;
  rows: TightnessRow[];
}

export type TraceClaimStatus = 'verified' | 'violated' | 'not applicable';

export interface TraceClaimResult {
  id: string;
  status: TraceClaimStatus;
  /** Why not applicable / "estimated L", etc. */
  reason?: string;
  stepsChecked: number;
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
}

export interface TraceVerifyResultFile {
  kind: 'verify-trace';
  schema: number;
  env: Environment;
  /** float32 tolerance used (relative), documented in README. */
  tolerance: { relative: number; absolute: number };
  traces: TraceVerifyEntry[];
}

export type ResultFile =
  | CheckResultFile
  | SearchResultFile
  | AblationResultFile
  | TightnessResultFile
  | TraceVerifyResultFile;
