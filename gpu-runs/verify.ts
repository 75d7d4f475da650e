/**
 * The trace verifier: the claims of Lemma 3.4 and Theorem 3.5 checked step by step on a
 * training trace, in one pass with constant memory (running minima and sums, the series
 * downsampled as they are read). Every inequality is the theory's own
 * (theory/trace-sides.ts), evaluated in float64 on the recorded scalars:
 *
 *   L34  (9) per step:  J_{t+1} <= J_t - (eta_t/4) ||grad J(V_t)||^2
 *   GV   per step:      ||V_{t+1}||^2 - ||V_t||^2 <= 1/(4 sqrt2 L) + 2 eta_t ||grad J(V_t)||^2
 *        and total:     ||V_T||^2 <= ||V_0||^2 + T/(4 sqrt2 L) + 8 (J(V_0) - L*), every T
 *   T10  (10), every T: min_{t<T} ||grad J(V_t)||^2 <= 4 (J(V_0) - L*) / sum_{t<T} eta_t
 *   T35  A.4, every t:  eta_t >= min{1/D_t, 1}  and  D_t <= t + 4 sqrt2 L (...)
 *
 * Precision (gpu-runs/precision.ts): each comparison carries the rounding noise of the values
 * it compares. A comparison is violated when its slack is below minus the noise; a step is
 * *resolved* when the margin the claim promises exceeds the noise (L34: (eta_t/4)
 * ||grad J||^2, the promised decrease; the others: the slack itself), or when it is violated.
 * Where a record carries dJ = J(V_{t+1}) - J(V_t) with its bound dJerr (header `decrease`: train
 * --decrease, computed from both iterates' factors), L34 compares dJ at dJerr instead of J_{t+1}
 * - J_t at J's resolution, and the reason says on how many steps.
 * Passing an unresolved step says nothing (a J that did not move passes too), so a claim is
 * `verified` only when no step is violated, at least one step is resolved and at most 10 % of
 * its steps are unresolved (the rule `check` applies to undecided comparisons); otherwise
 * `undecided` (gpu-runs/verify-tally.ts verdictOf).
 *
 * All four claims assume eta_t from (8) and full-batch gradient descent: a trace with another
 * rule, a mini-batch trace, or one whose recorded eta_t is not (8) gets "not applicable" with
 * the reason, never "verified". Traces with an estimated L (mlp) are labelled estimated. A
 * trace without a summary line is truncated: every reason says so.
 */
import { float64 } from '../numeric/float64.ts';
import type { JSONValue } from '../theory/codec.ts';
import type { TraceClaimResult, TracePrecision, TraceSeries, TraceVerifyEntry } from '../theory/results.ts';
import { descentStep, eta8, gvStep, gvTotal, t10, t35D, t35Eta } from '../theory/trace-sides.ts';
import { tracePrecision, UNIT_ROUNDOFF } from './precision.ts';
import { Downsampler, RunningOriginFit, RunningSlope } from './series.ts';
import { FamilyVerifier } from './verify-family.ts';
import { judged, slackOf, Tally, verdictOf } from './verify-tally.ts';
import { streamTrace, type ReadInfo, type Trace, type TraceVisitor } from './trace-reader.ts';
import type { DivergenceRecord, StepRecord, SummaryRecord, TraceHeader } from './trace.ts';

export { MAX_SERIES_POINTS } from './series.ts';

export const TRACE_CLAIMS = ['L34', 'GV', 'T10', 'T35'] as const;
export type TraceClaimId = (typeof TRACE_CLAIMS)[number];

export { MIN_RESOLVED_FRACTION } from './verify-tally.ts';

export interface VerifyOptions {
  /** --tol: the relative resolution of recorded scalars, instead of the dtype's. */
  relative?: number;
}

const F = float64;

/** Why an unresolved step of each claim is unresolved. */
const UNRESOLVED_WHY: Record<TraceClaimId, string> = {
  L34: 'the promised decrease (eta_t/4) ||grad J||^2 is below the resolution of J',
  GV: 'the slack is within the rounding noise of ||V||^2',
  T10: 'the slack is within the rounding noise',
  T35: 'the slack is within the rounding noise',
};

/** What a chart point needs; the bounds are computed only for the points kept. */
interface Row {
  t: number;
  J: number;
  Vsq: number;
  eta: number;
  minGradJsq: number;
  sumEta: number;
  Lmin: number;
  distSq: number;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toPrecision(4) : String(x));

/** What a method's records hold as Vsq (gpu-runs/methods.ts, its table). */
const VSQ_OF: Readonly<Record<string, string>> = {
  rac: '||W_t - W_0||^2',
  full: '||W_t - W_0||^2',
  asym: '||B_t||^2 + ||A||^2',
  cola: "||B_t||^2 + ||A_t||^2 (the current link's)",
};

/**
 * Receives a trace's records in order (a TraceVisitor for streamTrace) and keeps only running
 * values; `result` assembles the entry of the result file.
 */
export class TraceVerifier implements TraceVisitor {
  private h!: TraceHeader;
  private prec!: TracePrecision;
  private precUnknown: string | undefined;
  private theoryRule = false;
  private method = 'lora';
  private family!: FamilyVerifier;
  private fullBatch = false;
  private prev: StepRecord | undefined;
  private records = 0;
  /** L34 steps decided from the recorded dJ (header `decrease`), and those where dJ and J_{t+1} - J_t disagree beyond both resolutions. */
  private fromDJ = 0;
  private dJOff = 0;
  private firstDJOff?: number;
  private J0 = NaN;
  private Vsq0 = NaN;
  private minG = Infinity;
  private sumEta = 0;
  /** Smallest L of the records so far (estimated-L runs: the totals use it, the weakest bound). */
  private Lmin = Infinity;
  /** Smallest L of the steps taken: of the records before the last one (the last one's L is used by no step). */
  private LminSteps = Infinity;
  private readonly tallies: Record<TraceClaimId, Tally> = { L34: new Tally(), GV: new Tally(), T10: new Tally(), T35: new Tally() };
  private etaOff = 0;
  private firstEtaOff: { t: number; eta: number; e8: number } | undefined;
  private div: DivergenceRecord | undefined;
  private sum: SummaryRecord | undefined;
  private readonly series = new Downsampler<Row>();
  private readonly vsqSlope = new RunningSlope();
  private readonly fitLog = new RunningOriginFit();
  private readonly fitInv = new RunningOriginFit();

  constructor(
    readonly file: string,
    private readonly opts: VerifyOptions = {},
  ) {}

  header(h: TraceHeader): void {
    this.h = h;
    const p = tracePrecision(h, this.opts.relative);
    if ('ok' in p) this.prec = p.ok;
    else {
      // Judge with float32 numbers so that the information counts exist; verdicts stay undecided.
      this.precUnknown = p.unknown;
      this.prec = { dtype: String(h.dtype), scalarDtype: String(h.scalarDtype ?? h.dtype), u: UNIT_ROUNDOFF.float32!, relative: this.opts.relative ?? 2 ** -14, basis: 'unknown dtype' };
    }
    this.theoryRule = h.rule === 'theory';
    this.method = typeof h.method === 'string' ? h.method : 'lora';
    this.family = new FamilyVerifier(h, this.prec, this.precUnknown);
    this.fullBatch = h.batch === 'full';
  }

  step(s: StepRecord): void {
    const t = s.t;
    const L = s.L ?? this.h.L;
    if (t === 0) {
      this.J0 = s.J;
      this.Vsq0 = s.Vsq;
    }
    if (this.theoryRule) this.checkEta(s, L);
    if (this.fullBatch && this.prev) this.pair(this.prev, s);
    this.minG = Math.min(this.minG, s.gradJsq);
    this.sumEta += s.eta;
    // the bound at T = t rests on steps 0 .. t - 1; record t's L is that of the step t -> t + 1
    this.LminSteps = this.Lmin;
    this.Lmin = Math.min(this.Lmin, L);
    const { J0, Vsq0 } = this;
    const Lstar = this.h.Lstar;
    const rel = this.prec.relative;
    if (this.fullBatch)
      this.tallies.T35.judge(t, [judged(t35Eta(F, { eta: s.eta, Vsq: s.Vsq, L, J0, Lstar }), rel), judged(t35D(F, { t, Vsq: s.Vsq, Vsq0, L, J0, Lstar }), rel)]);
    this.series.push(this.records, { t, J: s.J, Vsq: s.Vsq, eta: s.eta, minGradJsq: this.minG, sumEta: this.sumEta, Lmin: this.LminSteps, distSq: s.distSq ?? NaN });
    this.family.step(s);
    this.vsqSlope.add(t, s.Vsq);
    if (t >= 1) {
      // min_{s<T} ||grad J||^2 with T = t + 1, against 1/log T and 1/T
      this.fitLog.add(1 / Math.log(t + 1), this.minG);
      this.fitInv.add(1 / (t + 1), this.minG);
    }
    this.prev = s;
    this.records++;
  }

  divergence(d: DivergenceRecord): void {
    this.div = d;
  }

  summary(s: SummaryRecord): void {
    this.sum = s;
  }

  /** Does the recorded eta_t follow (8)? Up to the resolution of the scalars, and 8 u for eta's own rounding. */
  private checkEta(s: StepRecord, L: number): void {
    const e8 = eta8(F, { Vsq: s.Vsq, Gnorm: s.Gnorm, L });
    const tol = Math.max(this.prec.relative, 8 * this.prec.u);
    if (Math.abs(s.eta - e8) > tol * (s.eta + e8)) {
      this.etaOff++;
      this.firstEtaOff ??= { t: s.t, eta: s.eta, e8 };
    }
  }

  /** The comparisons between records t = p.t and t + 1 = s.t (running values still at t). */
  private pair(p: StepRecord, s: StepRecord): void {
    const { relative: rho, u } = this.prec;
    const { J0, Vsq0 } = this;
    const Lstar = this.h.Lstar;
    const t = p.t;
    // L34: the noise of J_t and J_{t+1}, plus the rounding of V_{t+1} on storage (first order).
    const promised = (p.eta * p.gradJsq) / 4;
    const stored = 2 * u * Math.sqrt(s.Vsq) * Math.sqrt(Math.max(p.gradJsq, s.gradJsq));
    if (p.dJ !== undefined && p.dJerr !== undefined) {
      // the recorded decrease J(V_{t+1}) - J(V_t), computed directly with its own rounding bound
      // (header `decrease`): the comparison at that resolution instead of J's
      const d = descentStep(F, { J_t: 0, J_next: p.dJ, eta: p.eta, gradJsq: p.gradJsq });
      this.tallies.L34.judge(t, [{ slack: slackOf(d), noise: p.dJerr + rho * promised + stored, margin: promised, label: d.label ?? '' }]);
      this.fromDJ++;
      if (Math.abs(s.J - p.J - p.dJ) > p.dJerr + rho * (Math.abs(p.J) + Math.abs(s.J))) {
        this.dJOff++;
        this.firstDJOff ??= t;
      }
    } else {
      const d = descentStep(F, { J_t: p.J, J_next: s.J, eta: p.eta, gradJsq: p.gradJsq });
      const jNoise = rho * (Math.abs(p.J) + Math.abs(s.J) + promised) + stored;
      this.tallies.L34.judge(t, [{ slack: slackOf(d), noise: jNoise, margin: promised, label: d.label ?? '' }]);
    }
    // GV: the growth ||V_{t+1}||^2 - ||V_t||^2 is a difference: its noise is that of both terms.
    const g = gvStep(F, { Vsq_t: p.Vsq, Vsq_next: s.Vsq, eta: p.eta, gradJsq: p.gradJsq, L: p.L ?? this.h.L });
    const gSlack = slackOf(g);
    const gNoise = (rho + 4 * u) * (p.Vsq + s.Vsq) + rho * Math.abs(g.rhs);
    this.tallies.GV.judge(t, [
      { slack: gSlack, noise: gNoise, margin: gSlack, label: g.label ?? '' },
      judged(gvTotal(F, { Vsq_T: s.Vsq, Vsq_0: Vsq0, T: s.t, L: this.Lmin, J0, Lstar }), rho),
    ]);
    // T10 with T = t + 1 (records 0..t, all of whose steps were taken).
    this.tallies.T10.judge(t, [judged(t10(F, { minGradJsq: this.minG, sumEta: this.sumEta, J0, Lstar }), rho)]);
  }

  /** Why the theory's claims do not apply to this trace, or undefined when they do. */
  private inapplicable(): string | undefined {
    const h = this.h;
    if (this.method !== 'lora')
      return `method ${this.method}: L34, GV, T10 and T35 are about one LoRA run (3) (V = [B; A^T], eta_t from (8))${this.method === 'cola' ? '; COLA restarts V at every chain link' : ''}`;
    if (!this.theoryRule) return `rule "${h.rule}": L34, GV, T10 and T35 assume eta_t from (8) (rule "theory")`;
    if (!this.fullBatch)
      return `mini-batch (batch ${h.batch}): the theory covers full-batch gradient descent (3); eta_t and grad J are batch estimates`;
    if (this.records < 2) return `only ${this.records} step record(s): nothing to check`;
    const f = this.firstEtaOff;
    if (f)
      return `the recorded eta_t is not (8) at ${this.etaOff} step(s), first at t = ${f.t} (recorded ${f.eta}, (8) gives ${f.e8}): the trace does not follow the theory rule`;
    return undefined;
  }

  private verdict(id: TraceClaimId, k: Tally): TraceClaimResult {
    return verdictOf(id, k, {
      precUnknown: this.precUnknown,
      dtype: this.prec.dtype,
      unresolvedWhy: UNRESOLVED_WHY[id],
      estimated: this.h.Lestimated === true ? (this.h.Lmethod ?? 'not certified') : undefined,
    });
  }

  private claims(truncatedNote: string | undefined): TraceClaimResult[] {
    const why = this.inapplicable();
    const zero = { stepsChecked: 0, checked: 0, resolved: 0, unresolved: 0, violations: 0 };
    let claims: TraceClaimResult[];
    // The inequalities are evaluated on every full-batch trace with two or more records; where
    // the theory does not apply they are reported for information inside "not applicable".
    if (!this.fullBatch || this.records < 2 || this.method !== 'lora') claims = TRACE_CLAIMS.map((id) => ({ id, status: 'not applicable', reason: why!, ...zero }));
    else if (why)
      claims = TRACE_CLAIMS.map((id) => {
        const k = this.tallies[id];
        const info =
          k.violations > 0
            ? `for information only, the inequality fails at ${k.violations} of ${k.checked} steps (first t = ${k.firstViolation})`
            : `for information only, the inequality holds at all ${k.checked} steps`;
        const unres = k.unresolved > 0 ? ` (${k.unresolved} of them unresolved)` : '';
        return { id, status: 'not applicable', reason: `${why}; ${info}${unres}`, ...zero };
      });
    else claims = TRACE_CLAIMS.map((id) => this.verdict(id, this.tallies[id]));
    if (truncatedNote) for (const c of claims) c.reason = c.reason ? `${truncatedNote}; ${c.reason}` : truncatedNote;
    const l34 = claims.find((c) => c.id === 'L34');
    if (l34 && this.fromDJ > 0) {
      const off = this.dJOff ? `; dJ and J_{t+1} - J_t disagree beyond both resolutions at ${this.dJOff} steps (first t = ${this.firstDJOff}): the trace is not self-consistent there` : '';
      const note = `${this.fromDJ} of ${this.tallies.L34.checked} steps decided from the recorded dJ = J(V_{t+1}) - J(V_t) at its own rounding bound (header decrease), not from J's resolution${off}`;
      l34.reason = l34.reason ? `${l34.reason}; ${note}` : note;
    }
    return [...claims, ...this.family.claims(truncatedNote)];
  }

  private fits(): NonNullable<TraceVerifyEntry['fits']> {
    const fits: NonNullable<TraceVerifyEntry['fits']> = {};
    const vs = this.vsqSlope.slope();
    if (vs !== undefined) fits.vsqSlope = vs;
    const L = Number.isFinite(this.LminSteps) ? this.LminSteps : this.h.L;
    // GV bounds one LoRA run's ||V_t||^2; another method's Vsq is another quantity (methods.ts)
    const lora = this.method === 'lora';
    if (lora) fits.gvSlope = gvTotal(F, { Vsq_T: 0, Vsq_0: 0, T: 1, L, J0: 0, Lstar: 0 }).rhs; // 1/(4 sqrt2 L)
    const fLog = this.fitLog.fit();
    const fInv = this.fitInv.fit();
    if (fLog) fits.minGradVsInvLogT = fLog.c;
    if (fInv) fits.minGradVsInvT = fInv.c;
    const notes: string[] = [];
    if (vs !== undefined)
      notes.push(
        lora
          ? `||V_t||^2 grows at ${fmt(vs)} per step; GV allows 1/(4 sqrt2 L) = ${fmt(fits.gvSlope!)} per step plus 8 (J(V_0) - L*) in total`
          : `${VSQ_OF[this.method] ?? 'the recorded Vsq'} grows at ${fmt(vs)} per step (GV, LoRA's bound on ||V_t||^2, does not apply to method ${this.method})`,
      );
    if (fLog && fInv)
      notes.push(
        `min_{t<T} ||grad J||^2 fitted as c/log T: c = ${fmt(fLog.c)} (uncentred R^2 ${fmt(fLog.r2)}, smallest c bounding every T: ${fmt(fLog.envelope)}); ` +
          `as c/T: c = ${fmt(fInv.c)} (R^2 ${fmt(fInv.r2)}, smallest bounding c ${fmt(fInv.envelope)}; it grows with T when the rate is slower than 1/T)`,
      );
    if (this.div) notes.push(`the run diverged: ${this.div.reason}`);
    if (notes.length) fits.note = notes.join('. ');
    return fits;
  }

  private seriesOut(applicable: boolean): TraceSeries {
    const rows = this.series.points().map((p) => p.row);
    const series: TraceSeries = {
      t: rows.map((r) => r.t),
      J: rows.map((r) => r.J),
      Vsq: rows.map((r) => r.Vsq),
      eta: rows.map((r) => r.eta),
      minGradJsq: rows.map((r) => r.minGradJsq),
    };
    if (rows.some((r) => !Number.isNaN(r.distSq))) series.distSq = rows.map((r) => r.distSq);
    if (applicable) {
      const { J0, Vsq0 } = this;
      const Lstar = this.h.Lstar;
      series.gvBound = rows.map((r) => gvTotal(F, { Vsq_T: r.Vsq, Vsq_0: Vsq0, T: r.t, L: r.Lmin, J0, Lstar }).rhs);
      // T = t + 1: the bound for the minimum over s <= t, which is what minGradJsq holds.
      series.t10Bound = rows.map((r) => t10(F, { minGradJsq: r.minGradJsq, sumEta: r.sumEta, J0, Lstar }).rhs);
    }
    return series;
  }

  /** The result entry, once every record has been seen. */
  result(info: ReadInfo): TraceVerifyEntry {
    const lastT = this.prev?.t;
    const truncatedNote = info.truncated
      ? `truncated trace: no summary line${info.partialLastLine ? ' (the last line was cut mid-write and ignored)' : ''}, the records end at ${lastT === undefined ? 'the header' : `t = ${lastT}`}, so this covers only that prefix`
      : undefined;
    const div = this.div;
    const divergedNote = div ? `the run diverged at t = ${div.t}: only the records before it are checked` : undefined;
    const claims = this.claims([truncatedNote, divergedNote].filter((n) => n !== undefined).join('; ') || undefined);
    const entry: TraceVerifyEntry = {
      file: this.file,
      header: this.h as unknown as Record<string, JSONValue>,
      claims,
      fits: this.fits(),
      series: this.seriesOut(this.inapplicable() === undefined),
      truncated: info.truncated,
      records: this.records,
    };
    if (!this.precUnknown) entry.precision = this.prec;
    const optimum = this.family.optimum();
    if (optimum) entry.optimum = optimum;
    if (info.partialLastLine) entry.partialLastLine = true;
    if (div) entry.divergence = { t: div.t, reason: div.reason };
    if (this.sum) {
      entry.summary = this.sum as unknown as Record<string, JSONValue>;
      if (this.sum.interrupted === true) entry.interrupted = true;
    }
    return entry;
  }
}

/** Verifies a trace already in memory (tests, small traces). */
export function verifyTrace(trace: Trace, opts: VerifyOptions = {}): TraceVerifyEntry {
  const v = new TraceVerifier(trace.file, opts);
  v.header(trace.header);
  for (const s of trace.steps) v.step(s);
  if (trace.divergence) v.divergence(trace.divergence);
  if (trace.summary) v.summary(trace.summary);
  return v.result(trace);
}

/** Verifies a trace file in one streaming pass: memory does not grow with its length. */
export function verifyTraceFile(path: string, opts: VerifyOptions = {}): TraceVerifyEntry {
  const v = new TraceVerifier(path, opts);
  return v.result(streamTrace(path, v));
}
