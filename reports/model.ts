/**
 * The report's view of the results: loaded files merged per claim (latest result per claim
 * and mode), an overall verdict derived from them, and traces grouped by workload so that
 * runs with different step rules share charts. Pure functions over loaded data.
 */
import type {
  AblationRow,
  ClaimCheckResult,
  ClaimProofResult,
  ConstantResult,
  Environment,
  ResultFile,
  SearchResultFile,
  TightnessRow,
  TraceVerifyEntry,
  UserLossInfo,
  Verdict,
  Witness,
} from '../theory/results.ts';
import type { ClaimInfo } from '../theory/claim.ts';
import type { Loaded, LoadedFile, Warning } from './load.ts';
import { PALETTE } from './charts.ts';
import { compareIds } from './format.ts';
import { Decimal } from 'decimal.js';

export type Sourced<T> = T & { file: string; date?: string };

export type OverallVerdict = Verdict | 'not run';

export interface ClaimView {
  id: string;
  info?: ClaimInfo;
  /** Latest result per mode. */
  checks: Sourced<ClaimCheckResult>[];
  searches: Sourced<SearchResultFile>[];
  ablation: Sourced<AblationRow>[];
  tightness: Sourced<TightnessRow>[];
  verdict: OverallVerdict;
  /** The smallest counterexample to the claim as stated (no hypothesis dropped). */
  counterexample?: { witness: Witness; from: string };
  /** The closest call: highest ratio found (tightness search or check), else smallest slack. */
  tightest?: { witness: Witness; from: string; ratio?: number; slack?: number };
  /** Worst lhs/rhs ratio found by any tightness search or check. */
  worstRatio?: number;
  /** Ids of claims that state a corrected form of this one. */
  correctedBy: string[];
  /** The latest SMT result for the claim as stated (prove.json), if any. */
  proof?: Sourced<ClaimProofResult>;
}

export interface TraceRun {
  file: string;
  entry: TraceVerifyEntry;
  label: string;
  color: string;
  tolerance?: { relative?: number; absolute?: number };
}

export interface TraceGroup {
  key: string;
  title: string;
  runs: TraceRun[];
}

export interface Model {
  dir: string;
  files: LoadedFile[];
  warnings: Warning[];
  claims: ClaimView[];
  ablation: Sourced<AblationRow>[];
  tightness: Sourced<TightnessRow>[];
  traces: TraceGroup[];
  /** Statements of the named hypotheses, from the check files that carry them. */
  hypothesisText: Record<string, string>;
  /** Results on users' own losses (`--loss`), one view per loss: kept apart from the paper's claims. */
  userLosses?: UserLossView[];
}

export interface UserLossView {
  loss: UserLossInfo;
  checks: Sourced<ClaimCheckResult>[];
  searches: Sourced<SearchResultFile>[];
  ablation: Sourced<AblationRow>[];
  tightness: Sourced<TightnessRow>[];
}

/** Files whose results are about a user's loss (`--loss`), grouped by expression and stated constants. */
function userLossViews(files: readonly LoadedFile[]): UserLossView[] {
  const views = new Map<string, UserLossView>();
  for (const { name, data } of files) {
    if (data.kind === 'verify-trace' || data.kind === 'prove' || data.kind === 'experiments' || !data.loss) continue;
    const l = data.loss;
    const key = JSON.stringify([l.expr, l.L, l.Lstar]);
    let v = views.get(key);
    if (!v) views.set(key, (v = { loss: l, checks: [], searches: [], ablation: [], tightness: [] }));
    const date = dateOf(data.env);
    if (data.kind === 'check') v.checks.push(...data.results.map((r) => ({ ...r, file: name, date })));
    else if (data.kind === 'search') v.searches.push({ ...data, file: name, date });
    else if (data.kind === 'ablate') v.ablation.push(...data.rows.map((r) => ({ ...r, file: name, date })));
    else if (data.kind === 'tighten') v.tightness.push(...data.rows.map((r) => ({ ...r, file: name, date })));
  }
  return [...views.values()];
}

function ofKind<K extends ResultFile['kind']>(files: readonly LoadedFile[], kind: K): { name: string; data: Extract<ResultFile, { kind: K }> }[] {
  return files.filter((f) => f.data.kind === kind) as { name: string; data: Extract<ResultFile, { kind: K }> }[];
}

const dateOf = (env: Environment | undefined): string => (typeof env?.date === 'string' ? env.date : '');

/** Most severe first: one counterexample settles it; an error or undecided case beats a pass; a
 *  statistical pass (a Monte-Carlo test) is weaker than a verified one. */
const SEVERITY: readonly OverallVerdict[] = ['counterexample', 'error', 'undecided', 'statistical', 'verified', 'not run'];

export function overallVerdict(checks: readonly ClaimCheckResult[], searches: readonly SearchResultFile[]): OverallVerdict {
  const all: OverallVerdict[] = checks.map((c) => c.verdict);
  for (const s of searches) if (!s.dropped?.length && s.counterexample) all.push('counterexample');
  if (!all.length) return 'not run';
  return SEVERITY.find((v) => all.includes(v)) ?? 'not run';
}

function inputSize(w: Witness): number {
  try {
    return JSON.stringify(w.input ?? null).length;
  } catch {
    return Infinity; // nested too deep to print: never the smallest
  }
}

/** The first relation of a witness that fails (holds === false), if any. */
export function failing(w: Witness) {
  return w.comparisons.find((c) => c.holds === false);
}

function buildClaim(id: string, info: ClaimInfo | undefined, parts: Omit<ClaimView, 'id' | 'info' | 'verdict' | 'counterexample' | 'tightest' | 'worstRatio' | 'correctedBy'>): ClaimView {
  const { checks, searches, tightness, proof } = parts;
  const cands: { witness: Witness; from: string }[] = [];
  if (proof?.verdict === 'refuted' && proof.witness) cands.push({ witness: proof.witness, from: `prove (SMT, confirmed exactly), ${proof.file}` });
  for (const c of checks) if (c.counterexample) cands.push({ witness: c.counterexample, from: `check (${c.mode}), ${c.file}` });
  for (const s of searches) if (!s.dropped?.length && s.counterexample) cands.push({ witness: s.counterexample, from: `search, ${s.file}` });
  cands.sort((a, b) => inputSize(a.witness) - inputSize(b.witness));

  // The closest call: the highest ratio lhs / rhs from any source; without ratios, the smallest slack.
  const calls: NonNullable<ClaimView['tightest']>[] = [
    ...tightness.filter((t) => t.witness).map((t) => ({ witness: t.witness!, from: `tightness search, ${t.file}`, ratio: t.worstRatio })),
    ...checks.filter((c) => c.worstSlack?.witness).map((c) => ({ witness: c.worstSlack!.witness, from: `check (${c.mode}), ${c.file}`, ratio: c.worstSlack!.ratio, slack: c.worstSlack!.slack })),
  ];
  const tightest = calls.sort((a, b) => (b.ratio ?? -Infinity) - (a.ratio ?? -Infinity) || (a.slack ?? Infinity) - (b.slack ?? Infinity))[0];
  const ratios = [...tightness.map((t) => t.worstRatio), ...checks.map((c) => c.worstSlack?.ratio)].filter((r): r is number => typeof r === 'number');
  return {
    id,
    info,
    ...parts,
    verdict: proof?.verdict === 'refuted' ? 'counterexample' : overallVerdict(checks, searches),
    counterexample: cands[0],
    tightest,
    worstRatio: ratios.length ? Math.max(...ratios) : undefined,
    correctedBy: [],
  };
}

/**
 * Whether a sup constant's worst value found is at or below 0 while the printed constant is
 * positive (a lower confidence bound of a statistical claim that the noise swamps): the
 * constant is not approached, and tighten's gap, printed / found, is negative and means nothing.
 */
export function belowZero(k: ConstantResult): boolean {
  return k.direction === 'sup' && k.found <= 0 && k.printedValue > 0;
}

/** printed / found (sup) or found / printed (inf) where it measures something: below 1 the constant was passed. */
export function constantGap(k: ConstantResult): number | undefined {
  return belowZero(k) || k.gap === undefined || !Number.isFinite(k.gap) ? undefined : k.gap;
}

const RULE_ORDER = ['theory', 'adapt', 'adapt2', 'norm'];
function ruleOrder(rule: string): number {
  const i = RULE_ORDER.indexOf(rule);
  return i >= 0 ? i : rule.startsWith('const:') ? RULE_ORDER.length : RULE_ORDER.length + 1;
}

function traceGroups(files: readonly LoadedFile[]): TraceGroup[] {
  const groups = new Map<string, TraceGroup>();
  for (const { name, data } of ofKind(files, 'verify-trace')) {
    for (const entry of data.traces) {
      const h = entry.header;
      const workload = h.workload !== undefined ? String(h.workload) : 'unnamed workload';
      // Runs are comparable (one chart) when only the step rule differs.
      const same = ['workload', 'm', 'n', 'r', 'rank', 'batch', 'dtype'].map((k) => (h[k] === undefined ? '' : JSON.stringify(h[k])));
      const key = same.join('|');
      let g = groups.get(key);
      if (!g) {
        const sizes = ['m', 'n', 'r', 'rank', 'batch'].filter((k) => h[k] !== undefined).map((k) => `${k === 'rank' ? 'r' : k} = ${String(h[k])}`);
        g = { key, title: sizes.length ? `${workload} (${sizes.join(', ')})` : workload, runs: [] };
        groups.set(key, g);
      }
      // other methods than LoRA (train --method) say which
      const method = typeof h.method === 'string' && h.method !== 'lora' ? `${h.method}, ` : '';
      g.runs.push({ file: name, entry, label: h.rule !== undefined ? `${method}${String(h.rule)}` : entry.file, color: '', tolerance: data.tolerance });
    }
  }
  for (const g of groups.values()) {
    // The paper's rule first, then its variants, then constant steps (stable otherwise).
    g.runs.sort((a, b) => ruleOrder(a.label) - ruleOrder(b.label));
    // Two runs with the same rule (e.g. two seeds) are told apart by seed, then by file.
    const dup = (r: TraceRun) => g.runs.filter((o) => o.label === r.label).length > 1;
    for (const r of g.runs.filter(dup)) if (r.entry.header.seed !== undefined) r.label = `${r.label}, seed ${String(r.entry.header.seed)}`;
    for (const r of g.runs.filter(dup)) r.label = `${r.label} (${r.entry.file})`;
    g.runs.forEach((r, i) => (r.color = PALETTE[i % PALETTE.length]!));
  }
  return [...groups.values()];
}

/**
 * The float64 ratio a search reports can sit a rounding error above the paper's constant on a
 * tie (1 + 4e-16 where the exact ratio is 1). Where the row carries a certified value ("p/q"
 * or a decimal enclosure "[lo, hi]"), its order against the constant wins: the displayed
 * ratio is moved to the right side of the constant, never across it. A float64 ratio on the
 * wrong side is replaced by the certified value (for an enclosure, its end nearest the
 * constant), so that a certified 0.6 is never shown as 1 - 1e-16 (at the constant).
 */
function certifiedRatio<R extends TightnessRow>(r: R): R {
  const p = r.paperRatio ?? 1;
  const cmp = certifiedCmp(r.worstRatioCertified, p);
  if (typeof r.worstRatio !== 'number') return r;
  // An enclosure that contains the constant (a tie the interval cannot split): show the
  // constant, not the float64 noise on either side of it; the certified column keeps the interval.
  if (cmp === undefined) return enclosureContains(r.worstRatioCertified, p) ? { ...r, worstRatio: p } : r;
  if (cmp === 0) return { ...r, worstRatio: p };
  if (cmp < 0 ? r.worstRatio < p : r.worstRatio > p) return r;
  const below = p - p * 2 ** -53;
  const above = p + p * 2 ** -52;
  const v = certifiedValue(r.worstRatioCertified!, cmp);
  return { ...r, worstRatio: cmp < 0 ? Math.min(v, below) : Math.max(v, above) };
}

/** A certified ratio text as a double: p/q rounded, or the end of an enclosure nearest the constant
 *  (its upper end when it lies below the constant, cmp < 0). */
function certifiedValue(text: string, cmp: -1 | 1): number {
  const t = text.trim();
  const iv = ENCLOSURE.exec(t);
  if (iv) return Number(iv[cmp < 0 ? 2 : 1]);
  const [num, den = '1'] = t.split('/');
  return new Decimal(num!).div(den).toNumber();
}

/** "[lo, hi]" with decimal ends (a malformed end such as "1.2.3" is no enclosure: Decimal would throw on it). */
const DECIMAL = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
const ENCLOSURE = new RegExp(String.raw`^\[\s*(${DECIMAL})\s*,\s*(${DECIMAL})\s*\]$`);

function enclosureContains(text: string | undefined, p: number): boolean {
  const iv = typeof text === 'string' ? ENCLOSURE.exec(text.trim()) : null;
  return !!iv && new Decimal(iv[1]!).lte(p) && new Decimal(iv[2]!).gte(p);
}

/** A finite decimal as an exact fraction n / d (d a power of 10). */
function decimalFraction(P: Decimal): [bigint, bigint] {
  const [int, frac = ''] = P.toFixed().split('.');
  return [BigInt(int! + frac), 10n ** BigInt(frac.length)];
}

/** Order of a certified ratio text against p: -1, 0, 1, or undefined when it cannot tell. */
function certifiedCmp(text: string | undefined, p: number): -1 | 0 | 1 | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.trim();
  const frac = /^(-?\d+)(?:\/(\d+))?$/.exec(t);
  if (!Number.isFinite(p)) return undefined;
  const P = new Decimal(p);
  if (frac) {
    // num / den against p = pn / pd, in integers: exact (a Decimal division rounds to 20 digits,
    // which made 500000000000000000001/10^21 equal to 0.5)
    const [pn, pd] = decimalFraction(P);
    const lhs = BigInt(frac[1]!) * pd;
    const rhs = pn * BigInt(frac[2] ?? '1');
    return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
  }
  const iv = ENCLOSURE.exec(t);
  if (iv) {
    const lo = new Decimal(iv[1]!);
    const hi = new Decimal(iv[2]!);
    if (hi.lt(P)) return -1;
    if (lo.gt(P)) return 1;
    if (lo.eq(P) && hi.eq(P)) return 0;
  }
  return undefined;
}

export function buildModel(loaded: Loaded): Model {
  // The paper's claims are judged on the built-in losses only; `--loss` results get their own section.
  const files = loaded.files.filter((f) => f.data.kind === 'verify-trace' || f.data.kind === 'prove' || f.data.kind === 'experiments' || !f.data.loss);
  const infos = new Map<string, ClaimInfo>();
  const order: string[] = [];
  const seen = (id: string) => {
    if (!order.includes(id)) order.push(id);
  };
  for (const { data } of ofKind(files, 'check')) for (const c of data.claims) if (!infos.has(c.id)) (infos.set(c.id, c), seen(c.id));

  const latest = new Map<string, Sourced<ClaimCheckResult>>();
  for (const { name, data } of ofKind(files, 'check')) {
    for (const r of data.results) {
      const k = `${r.id}\u0000${r.mode}`;
      const s = { ...r, file: name, date: dateOf(data.env) };
      const prev = latest.get(k);
      if (!prev || (prev.date ?? '') <= s.date) latest.set(k, s);
    }
  }
  const searches = ofKind(files, 'search').map(({ name, data }) => ({ ...data, file: name, date: dateOf(data.env) }));
  const ablation = ofKind(files, 'ablate').flatMap(({ name, data }) => data.rows.map((r) => ({ ...r, file: name, date: dateOf(data.env) })));
  const tightness = ofKind(files, 'tighten').flatMap(({ name, data }) => data.rows.map((r) => ({ ...certifiedRatio(r), file: name, date: dateOf(data.env) })));
  // the latest proof of each claim as stated (no hypothesis dropped)
  const proofs = new Map<string, Sourced<ClaimProofResult>>();
  for (const { name, data } of ofKind(files, 'prove'))
    for (const r of data.claims) {
      if (r.dropped?.length) continue;
      const p = { ...r, file: name, date: dateOf(data.env) };
      if ((proofs.get(r.id)?.date ?? '') <= p.date) proofs.set(r.id, p);
    }

  const extra = new Set<string>();
  for (const r of latest.values()) extra.add(r.id);
  for (const s of searches) extra.add(s.claim);
  for (const id of proofs.keys()) extra.add(id);
  for (const id of [...extra].sort(compareIds)) seen(id);

  const claims = order
    .filter((id) => infos.has(id) || extra.has(id))
    .map((id) =>
      buildClaim(id, infos.get(id), {
        checks: [...latest.values()].filter((r) => r.id === id),
        searches: searches.filter((s) => s.claim === id),
        ablation: ablation.filter((r) => r.claim === id),
        tightness: tightness.filter((r) => r.claim === id),
        ...(proofs.has(id) ? { proof: proofs.get(id)! } : {}),
      }),
    );
  for (const c of claims) {
    const of = c.info?.correctedOf;
    const target = of ? claims.find((o) => o.id === of) : undefined;
    if (target) target.correctedBy.push(c.id);
  }
  const hypothesisText: Record<string, string> = {};
  for (const { data } of ofKind(files, 'check')) Object.assign(hypothesisText, data.hypotheses ?? {});
  return {
    dir: loaded.dir,
    files: loaded.files,
    warnings: loaded.warnings,
    claims,
    ablation,
    tightness,
    traces: traceGroups(files),
    hypothesisText,
    userLosses: userLossViews(loaded.files),
  };
}
