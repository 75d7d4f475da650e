/**
 * The trace verifier: the claims of Lemma 3.4 and Theorem 3.5 checked step by step on a
 * training trace. Every inequality is the theory's own (theory/trace-sides.ts), evaluated in
 * float64 over the recorded float32-derived scalars and decided by numeric/compare.ts; a
 * comparison counts as violated only when its slack is below -tolerance (see `tolerance`).
 *
 *   L34  (9) per step:  J_{t+1} <= J_t - (eta_t/4) ||grad J(V_t)||^2
 *   GV   per step:      ||V_{t+1}||^2 - ||V_t||^2 <= 1/(4 sqrt2 L) + 2 eta_t ||grad J(V_t)||^2
 *        and total:     ||V_T||^2 <= ||V_0||^2 + T/(4 sqrt2 L) + 8 (J(V_0) - L*), every T
 *   T10  (10), every T: min_{t<T} ||grad J(V_t)||^2 <= 4 (J(V_0) - L*) / sum_{t<T} eta_t
 *   T35  A.4, every t:  eta_t >= min{1/D_t, 1}  and  D_t <= t + 4 sqrt2 L (...)
 *
 * All four assume eta_t from (8) and full-batch gradient descent: a trace with another rule,
 * a mini-batch trace, or one whose recorded eta_t is not (8) gets "not applicable" with the
 * reason, never "verified". Traces with an estimated L (mlp) are labelled estimated.
 */
import { decide } from '../numeric/compare.ts';
import { float64 } from '../numeric/float64.ts';
import type { Comparison } from '../theory/claim.ts';
import type { JSONValue } from '../theory/codec.ts';
import type { TraceClaimResult, TraceSeries, TraceVerifyEntry } from '../theory/results.ts';
import { descentStep, eta8, gvStep, gvTotal, t10, t35D, t35Eta } from '../theory/trace-sides.ts';
import type { Trace } from './trace-reader.ts';
import type { StepRecord } from './trace.ts';

export interface Tolerance {
  /** A comparison lhs <= rhs is violated only if rhs - lhs < -(relative (|lhs| + |rhs|) + absolute). */
  relative: number;
  absolute: number;
}

/**
 * 2^-14 ~ 6.1e-5 = 512 float32 ulps (u = 2^-24 ~ 6e-8 per rounding, 2^-23 per ulp): J, ||V||^2,
 * ||G|| and ||grad J||^2 are float32 sums over up to millions of terms. Measured on
 * Fashion-MNIST (N = 60000): a float32 tf.mean of the per-sample losses is off by up to
 * 7.4e-6 relative (62 ulps); loracheck's trainer sums float32 per-row partials in float64
 * (off by < 1e-8). 512 ulps leaves an 8x margin over the worst float32 reduction we measured,
 * so rounding noise in other tools' traces is not reported as a violation, while a step that
 * increases J by more than ~1e-4 J is.
 */
export const DEFAULT_TOLERANCE: Tolerance = { relative: 2 ** -14, absolute: 0 };

export const TRACE_CLAIMS = ['L34', 'GV', 'T10', 'T35'] as const;
export type TraceClaimId = (typeof TRACE_CLAIMS)[number];

/** Most points per series in the result file (charts). */
export const MAX_SERIES_POINTS = 500;

const F = float64;

interface Tally {
  checked: number;
  violations: number;
  firstViolation?: number;
  worstSlack?: number;
  /** Comparisons that held only thanks to the tolerance. */
  tolerated: number;
  worstLabel?: string;
}

function newTally(): Tally {
  return { checked: 0, violations: 0, tolerated: 0 };
}

/** Evaluates the comparisons of one step t; counts the step once however many of them fail. */
function judge(tally: Tally, t: number, cmps: Comparison<number>[], tol: Tolerance): void {
  tally.checked++;
  let bad = false;
  for (const c of cmps) {
    const d = decide(F, c);
    const slack = d.slack;
    if (tally.worstSlack === undefined || slack < tally.worstSlack) {
      tally.worstSlack = slack;
      tally.worstLabel = c.label;
    }
    if (d.holds === true) continue;
    const allowance = tol.relative * (Math.abs(c.lhs) + Math.abs(c.rhs)) + tol.absolute;
    if (Number.isFinite(slack) && slack >= -allowance) tally.tolerated++;
    else bad = true;
  }
  if (bad) {
    tally.violations++;
    if (tally.firstViolation === undefined) tally.firstViolation = t;
  }
}

function result(id: TraceClaimId, tally: Tally, estimated: boolean, estimatedReason: string | undefined): TraceClaimResult {
  const out: TraceClaimResult = {
    id,
    status: tally.violations > 0 ? 'violated' : 'verified',
    stepsChecked: tally.checked,
    violations: tally.violations,
  };
  if (tally.firstViolation !== undefined) out.firstViolation = tally.firstViolation;
  if (tally.worstSlack !== undefined) out.worstSlack = tally.worstSlack;
  const notes: string[] = [];
  if (tally.tolerated > 0) notes.push(`${tally.tolerated} comparison(s) held only within the float32 tolerance`);
  if (tally.violations > 0 && tally.worstLabel) notes.push(`worst: ${tally.worstLabel}`);
  if (estimated) {
    out.estimated = true;
    notes.push(estimatedReason ?? 'L is estimated');
  }
  if (notes.length) out.reason = notes.join('; ');
  return out;
}

function notApplicable(reason: string): TraceClaimResult[] {
  return TRACE_CLAIMS.map((id) => ({ id, status: 'not applicable', reason, stepsChecked: 0, violations: 0 }));
}

/** Why the theory's claims do not apply to this trace, or undefined when they do. */
function inapplicable(trace: Trace, tol: Tolerance): string | undefined {
  const h = trace.header;
  if (h.rule !== 'theory')
    return `rule "${h.rule}": L34, GV, T10 and T35 assume eta_t from (8) (rule "theory")`;
  if (h.batch !== 'full')
    return `mini-batch (batch ${h.batch}): the theory covers full-batch gradient descent (3); eta_t and grad J are batch estimates`;
  if (trace.steps.length < 2) return `only ${trace.steps.length} step record(s): nothing to check`;
  // The records must follow (8); a trace that says "theory" but does not is not judged by it.
  let off = 0;
  let first: { t: number; eta: number; e8: number } | undefined;
  for (const s of trace.steps) {
    const e8 = eta8(F, { Vsq: s.Vsq, Gnorm: s.Gnorm, L: Lat(trace, s) });
    if (Math.abs(s.eta - e8) > tol.relative * (s.eta + e8) + tol.absolute) {
      off++;
      first ??= { t: s.t, eta: s.eta, e8 };
    }
  }
  if (first)
    return `the recorded eta_t is not (8) at ${off} step(s), first at t = ${first.t} (recorded ${first.eta}, (8) gives ${first.e8}): the trace does not follow the theory rule`;
  return undefined;
}

/** The L a step used: per-record (estimated-L runs) or the header's. */
function Lat(trace: Trace, s: StepRecord): number {
  return s.L ?? trace.header.L;
}

/**
 * Least squares through the origin y ~ c x, with the uncentred R^2 = 1 - sum (y - c x)^2 / sum y^2
 * (the usual R^2 for a fit without intercept), and the envelope max_i y_i / x_i: the smallest c
 * with y <= c x at every point (what an O(.) upper bound needs).
 */
function fitThroughOrigin(x: number[], y: number[]): { c: number; r2: number; envelope: number } | undefined {
  if (x.length < 3) return undefined;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  let envelope = -Infinity;
  for (let i = 0; i < x.length; i++) {
    sxy += x[i]! * y[i]!;
    sxx += x[i]! * x[i]!;
    syy += y[i]! * y[i]!;
    envelope = Math.max(envelope, y[i]! / x[i]!);
  }
  if (!(sxx > 0)) return undefined;
  const c = sxy / sxx;
  let res = 0;
  for (let i = 0; i < x.length; i++) res += (y[i]! - c * x[i]!) ** 2;
  return { c, r2: syy > 0 ? 1 - res / syy : 1, envelope };
}

function slope(x: number[], y: number[]): number | undefined {
  if (x.length < 2) return undefined;
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : undefined;
}

/** Indices of at most `max` points spread evenly, first and last included. */
export function downsampleIndices(len: number, max = MAX_SERIES_POINTS): number[] {
  if (len <= max) return Array.from({ length: len }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < max; k++) {
    const i = Math.round((k * (len - 1)) / (max - 1));
    if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toPrecision(4) : String(x));

/** Runs the four claims' comparisons over the records (see the table at the top). */
function checkAll(trace: Trace, tol: Tolerance, run: { J0: number; Vsq0: number; Lrun: number }): Record<TraceClaimId, Tally> {
  const { J0, Vsq0, Lrun } = run;
  const steps = trace.steps;
  const Lstar = trace.header.Lstar;
  const K = steps.length - 1;
  const out: Record<TraceClaimId, Tally> = { L34: newTally(), GV: newTally(), T10: newTally(), T35: newTally() };
  let minG = Infinity;
  let sumEta = 0;
  for (let t = 0; t <= K; t++) {
    const s = steps[t]!;
    const L = Lat(trace, s);
    minG = Math.min(minG, s.gradJsq);
    sumEta += s.eta;
    if (t < K) {
      const nx = steps[t + 1]!;
      judge(out.L34, t, [descentStep(F, { J_t: s.J, J_next: nx.J, eta: s.eta, gradJsq: s.gradJsq })], tol);
      judge(
        out.GV,
        t,
        [
          gvStep(F, { Vsq_t: s.Vsq, Vsq_next: nx.Vsq, eta: s.eta, gradJsq: s.gradJsq, L }),
          gvTotal(F, { Vsq_T: nx.Vsq, Vsq_0: Vsq0, T: t + 1, L: Lrun, J0, Lstar }),
        ],
        tol,
      );
      // T10 with T = t + 1 (records 0..t, all of whose steps were taken).
      judge(out.T10, t, [t10(F, { minGradJsq: minG, sumEta, J0, Lstar })], tol);
    }
    judge(out.T35, t, [t35Eta(F, { eta: s.eta, Vsq: s.Vsq, L, J0, Lstar }), t35D(F, { t, Vsq: s.Vsq, Vsq0, L, J0, Lstar })], tol);
  }
  return out;
}

export function verifyTrace(trace: Trace, tol: Tolerance = DEFAULT_TOLERANCE): TraceVerifyEntry {
  const h = trace.header;
  const steps = trace.steps;
  const J0 = steps[0]?.J ?? NaN;
  const Vsq0 = steps[0]?.Vsq ?? NaN;
  const estimated = h.Lestimated === true;
  // With an estimated L that changes along the run, the totals use the smallest L any step used
  // (it gives the largest, i.e. weakest, bounds); per-step comparisons use each step's own L.
  const Lrun = steps.length ? Math.min(...steps.map((s) => Lat(trace, s))) : h.L;
  const estimatedReason = estimated ? `L is estimated (${h.Lmethod ?? 'not certified'}), so this verdict is estimated` : undefined;

  const why = inapplicable(trace, tol);
  const applicable = why === undefined;
  // The inequalities are evaluated on every full-batch trace with two or more records; where
  // the theory does not apply they are reported for information inside "not applicable".
  const evaluable = h.batch === 'full' && steps.length >= 2;
  let claims: TraceClaimResult[];
  if (!evaluable) claims = notApplicable(why!);
  else {
    const tallies = checkAll(trace, tol, { J0, Vsq0, Lrun });
    if (applicable) claims = TRACE_CLAIMS.map((id) => result(id, tallies[id], estimated, estimatedReason));
    else
      claims = TRACE_CLAIMS.map((id) => {
        const k = tallies[id];
        const info =
          k.violations > 0
            ? `for information only, the inequality fails at ${k.violations} of ${k.checked} steps (first t = ${k.firstViolation})`
            : `for information only, the inequality holds at all ${k.checked} steps`;
        return { id, status: 'not applicable', reason: `${why}; ${info}`, stepsChecked: 0, violations: 0 };
      });
  }

  // Series for the report's charts (full-resolution running values, then downsampled).
  const runMin: number[] = [];
  const gvB: number[] = [];
  const t10B: number[] = [];
  let m = Infinity;
  let se = 0;
  for (const s of steps) {
    m = Math.min(m, s.gradJsq);
    se += s.eta;
    runMin.push(m);
    if (applicable) {
      gvB.push(gvTotal(F, { Vsq_T: s.Vsq, Vsq_0: Vsq0, T: s.t, L: Lrun, J0, Lstar: h.Lstar }).rhs);
      // T = t + 1: the bound for min over s <= t, which is what minGradJsq[t] holds.
      t10B.push(t10(F, { minGradJsq: m, sumEta: se, J0, Lstar: h.Lstar }).rhs);
    }
  }
  const idx = downsampleIndices(steps.length);
  const pick = <X>(a: X[]): X[] => idx.map((i) => a[i]!);
  const series: TraceSeries = {
    t: pick(steps.map((s) => s.t)),
    J: pick(steps.map((s) => s.J)),
    Vsq: pick(steps.map((s) => s.Vsq)),
    eta: pick(steps.map((s) => s.eta)),
    minGradJsq: pick(runMin),
  };
  if (applicable) {
    series.gvBound = pick(gvB);
    series.t10Bound = pick(t10B);
  }

  // Fits: growth of ||V_t||^2 against the GV slope, and min ||grad J||^2 against 1/log T and 1/T.
  const fits: NonNullable<TraceVerifyEntry['fits']> = {};
  const vs = slope(
    steps.map((s) => s.t),
    steps.map((s) => s.Vsq),
  );
  if (vs !== undefined) fits.vsqSlope = vs;
  fits.gvSlope = F.toNumber(gvTotal(F, { Vsq_T: 0, Vsq_0: 0, T: 1, L: Lrun, J0: 0, Lstar: 0 }).rhs); // 1/(4 sqrt2 L)
  const Ts: number[] = [];
  const ys: number[] = [];
  for (let T = 2; T <= steps.length; T++) {
    Ts.push(T);
    ys.push(runMin[T - 1]!); // min over t < T
  }
  const fLog = fitThroughOrigin(
    Ts.map((T) => 1 / Math.log(T)),
    ys,
  );
  const fInv = fitThroughOrigin(
    Ts.map((T) => 1 / T),
    ys,
  );
  if (fLog) fits.minGradVsInvLogT = fLog.c;
  if (fInv) fits.minGradVsInvT = fInv.c;
  const notes: string[] = [];
  if (vs !== undefined) notes.push(`||V_t||^2 grows at ${fmt(vs)} per step; GV allows 1/(4 sqrt2 L) = ${fmt(fits.gvSlope)} per step plus 8 (J(V_0) - L*) in total`);
  if (fLog && fInv)
    notes.push(
      `min_{t<T} ||grad J||^2 fitted as c/log T: c = ${fmt(fLog.c)} (uncentred R^2 ${fmt(fLog.r2)}, smallest c bounding every T: ${fmt(fLog.envelope)}); ` +
        `as c/T: c = ${fmt(fInv.c)} (R^2 ${fmt(fInv.r2)}, smallest bounding c ${fmt(fInv.envelope)}; it grows with T when the rate is slower than 1/T)`,
    );
  if (trace.divergence) notes.push(`the run diverged: ${trace.divergence.reason}`);
  if (notes.length) fits.note = notes.join('. ');

  const entry: TraceVerifyEntry = {
    file: trace.file,
    header: h as unknown as Record<string, JSONValue>,
    claims,
    fits,
    series,
  };
  if (trace.summary) entry.summary = trace.summary as unknown as Record<string, JSONValue>;
  return entry;
}
