/**
 * The RAC-LoRA family's claims on a training trace, step by step (the sides are the claims' own,
 * theory/trace-sides.ts), beside Lemma 3.4 and Theorem 3.5 (gpu-runs/verify.ts):
 *
 *   RAC.step  per step, full batch, methods rac and full (H = I):
 *             f(W_t) - f(W_{t+1}) >= gamma_t (1 - L gamma_t / 2) ||H_t grad f(W_t)||^2
 *   RAC.sum   every T, full batch, a constant gamma <= 1/L:
 *             sum_{t<T} ||H_t grad f(W_t)||^2 <= 2 (f(W^0) - f*) / gamma
 *   LORA.rank every record of a lora or asym trace whose header states the rank-r bound
 *             (quadratic workloads): J_t >= rankBound and ||W_t - W*||^2 >= rankBoundDistSq;
 *             a header whose rankBoundMethod says the bound was not computed gets "not checked"
 *             with that reason;
 *             for cola, rac and full (not bound by it) the first step below it is reported.
 * L is the loss's own constant (the header's Lloss, else L); f* is the header's L*.
 *
 * Noise (README, "Precision"): RAC.step as L34, res (|f_t| + |f_{t+1}| + |rhs|) plus the
 * rounding of the stored W_{t+1} (2u ||W_{t+1}|| ||grad f||, ||W_{t+1}|| <= ||W_{t+1} - W0|| +
 * ||W0||, the header's W0sq) plus 4 (m + n) u gamma ||grad f|| ||H grad f|| for H applied in
 * float32 (the projection is exact only to rounding); a step is resolved when the promised
 * decrease exceeds it. RAC.sum: res (|lhs| + |rhs|). LORA.rank: res (|lhs| + |rhs|) plus the
 * rounding of W = W0 + BA in float32, (r + 1) u ||B|| ||A|| <= (r + 1) u ||V||^2 / 2 in W, times
 * ||G|| for J and 2 ||W - W*|| for the distance.
 */
import { float64 } from '../numeric/float64.ts';
import type { TraceClaimResult, TraceOptimum, TracePrecision } from '../theory/results.ts';
import { racDescent, racSum } from '../theory/trace-sides.ts';
import type { StepRecord, TraceHeader } from './trace.ts';
import { judged, slackOf, Tally, verdictOf } from './verify-tally.ts';

const F = float64;

export const FAMILY_CLAIMS = ['RAC.step', 'RAC.sum', 'LORA.rank'] as const;
export type FamilyClaimId = (typeof FAMILY_CLAIMS)[number];

const UNRESOLVED_WHY: Record<FamilyClaimId, string> = {
  'RAC.step': 'the promised decrease gamma (1 - L gamma/2) ||H grad f||^2 is below the resolution of f',
  'RAC.sum': 'the slack is within the rounding noise',
  'LORA.rank': 'J (or ||W - W*||^2) is within the rounding noise of the bound',
};

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const fmt = (x: number): string => x.toPrecision(4);

export class FamilyVerifier {
  private readonly method: string;
  private readonly fullBatch: boolean;
  private readonly L: number;
  private readonly tallies: Record<FamilyClaimId, Tally> = { 'RAC.step': new Tally(), 'RAC.sum': new Tally(), 'LORA.rank': new Tally() };
  private prev: StepRecord | undefined;
  private f0 = NaN;
  private sumH = 0;
  private gammas = { min: Infinity, max: -Infinity };
  private missingH: number | undefined;
  private records = 0;
  private readonly dist = { first: NaN, last: NaN, min: Infinity, tMin: -1, seen: false };
  /** First record below the rank-r bound (for methods not bound by it), J and distance. */
  private below: { J?: number; dist?: number } = {};

  constructor(
    private readonly h: TraceHeader,
    private readonly prec: TracePrecision,
    private readonly precUnknown?: string,
  ) {
    this.method = typeof h.method === 'string' ? h.method : 'lora';
    this.fullBatch = h.batch === 'full';
    this.L = num(h.Lloss) ?? h.L;
  }

  private get racLike(): boolean {
    return this.method === 'rac' || this.method === 'full';
  }

  private get rankBound(): { J: number; dist?: number } | undefined {
    const J = num(this.h.rankBound);
    return J === undefined ? undefined : { J, dist: num(this.h.rankBoundDistSq) };
  }

  step(s: StepRecord): void {
    if (this.records === 0) this.f0 = s.J;
    this.records++;
    if (s.distSq !== undefined) {
      if (!this.dist.seen) this.dist.first = s.distSq;
      this.dist.seen = true;
      this.dist.last = s.distSq;
      if (s.distSq < this.dist.min) {
        this.dist.min = s.distSq;
        this.dist.tMin = s.t;
      }
    }
    this.rank(s);
    if (this.racLike && this.fullBatch && this.prev) this.pair(this.prev, s);
    this.prev = s;
  }

  /** ||H_t grad f(W_t)||^2 of a record (FPFT: H = I, the gradient itself). */
  private Hg(s: StepRecord): number | undefined {
    return s.HgradSq ?? (this.method === 'full' ? s.gradJsq : undefined);
  }

  /** The step from p to s: p's gamma and ||H grad f||^2 are the ones applied (the last record's are not). */
  private pair(p: StepRecord, s: StepRecord): void {
    const gamma = p.gamma ?? p.eta;
    this.gammas.min = Math.min(this.gammas.min, gamma);
    this.gammas.max = Math.max(this.gammas.max, gamma);
    const Hg = this.Hg(p);
    if (Hg === undefined) {
      this.missingH ??= p.t;
      return;
    }
    const { relative: rho, u } = this.prec;
    const d = racDescent(F, { f_t: p.J, f_next: s.J, gamma, L: this.L, HgradSq: Hg });
    const W0 = Math.sqrt(num(this.h.W0sq) ?? 0);
    const Wnext = Math.sqrt(s.Vsq) + W0;
    const mn = this.h.m + this.h.n;
    const noise =
      rho * (Math.abs(p.J) + Math.abs(s.J) + Math.abs(d.rhs)) +
      2 * u * Wnext * Math.sqrt(Math.max(p.gradJsq, s.gradJsq)) +
      4 * mn * u * gamma * Math.sqrt(p.gradJsq * Hg);
    const promised = d.rhs > 0 ? d.rhs : slackOf(d);
    this.tallies['RAC.step'].judge(p.t, [{ slack: slackOf(d), noise, margin: promised, label: d.label ?? '' }]);
    // RAC.sum at T = p.t + 1 (the steps 0..p.t were all taken)
    this.sumH += Hg;
    this.tallies['RAC.sum'].judge(p.t, [judged(racSum(F, { sumHgradSq: this.sumH, f0: this.f0, Lstar: this.h.Lstar, gamma, T: p.t + 1 }), rho)]);
  }

  private rank(s: StepRecord): void {
    const b = this.rankBound;
    if (!b) return;
    // J is the full-data loss, except in mini-batch runs with fullJEvery (then fullJ, where recorded)
    const J = this.h.fullJEvery !== undefined ? s.fullJ : s.J;
    const { relative: rho, u } = this.prec;
    const wNoise = ((this.h.r + 1) * u * s.Vsq) / 2; // rounding of W = W0 + BA, in ||W||
    const items = [];
    if (J !== undefined) {
      const slack = J - b.J;
      items.push({ slack, noise: rho * (Math.abs(J) + b.J) + s.Gnorm * wNoise, margin: slack, label: `J_t >= ${fmt(b.J)} (the rank-${this.h.r} bound)` });
      if (slack < 0) this.below.J ??= s.t;
    }
    if (s.distSq !== undefined && b.dist !== undefined) {
      const slack = s.distSq - b.dist;
      items.push({ slack, noise: rho * (s.distSq + b.dist) + 2 * Math.sqrt(s.distSq) * wNoise, margin: slack, label: `||W_t - W*||^2 >= ${fmt(b.dist)} (Eckart-Young)` });
      if (slack < 0) this.below.dist ??= s.t;
    }
    if (items.length) this.tallies['LORA.rank'].judge(s.t, items);
  }

  private verdict(id: FamilyClaimId): TraceClaimResult {
    return verdictOf(id, this.tallies[id], { precUnknown: this.precUnknown, dtype: this.prec.dtype, unresolvedWhy: UNRESOLVED_WHY[id] });
  }

  private notApplicable(id: FamilyClaimId, reason: string): TraceClaimResult {
    return { id, status: 'not applicable', reason, stepsChecked: 0, checked: 0, resolved: 0, unresolved: 0, violations: 0 };
  }

  /** The family's verdicts that concern this trace (none for a LoRA trace without a rank bound). */
  claims(truncatedNote: string | undefined): TraceClaimResult[] {
    const out: TraceClaimResult[] = [];
    if (this.racLike) {
      const why = !this.fullBatch
        ? `mini-batch (batch ${this.h.batch}): RAC.step and RAC.sum are about full-gradient steps`
        : this.records < 2
          ? `only ${this.records} step record(s): nothing to check`
          : this.missingH !== undefined
            ? `the records carry no HgradSq (||H_t grad f||^2), first at t = ${this.missingH}`
            : undefined;
      if (why) out.push(this.notApplicable('RAC.step', why), this.notApplicable('RAC.sum', why));
      else {
        out.push(this.verdict('RAC.step'));
        const { min, max } = this.gammas;
        const sumWhy =
          min !== max
            ? `gamma varies along the run (${fmt(min)} to ${fmt(max)}): RAC.sum is stated for one constant gamma`
            : max > 1 / this.L
              ? `gamma = ${fmt(max)} > 1/L = ${fmt(1 / this.L)}: RAC.sum assumes gamma <= 1/L (step_le_1_over_L)`
              : undefined;
        if (sumWhy) {
          const k = this.tallies['RAC.sum'];
          out.push(this.notApplicable('RAC.sum', `${sumWhy}; for information only, the inequality ${k.violations ? `fails at ${k.violations} of ${k.checked} prefixes (first T = ${k.firstViolation! + 1})` : `holds at all ${k.checked} prefixes`}`));
        } else out.push(this.verdict('RAC.sum'));
      }
    }
    if (this.rankBound) {
      const k = this.tallies['LORA.rank'];
      if (this.method === 'lora' || this.method === 'asym') out.push(this.verdict('LORA.rank'));
      else {
        const b = this.below;
        const where = [b.J !== undefined ? `J from t = ${b.J}` : '', b.dist !== undefined ? `||W - W*||^2 from t = ${b.dist}` : ''].filter(Boolean).join(', ');
        const info = where ? `it goes below LoRA's rank-${this.h.r} bound (${where})` : `it stays above LoRA's rank-${this.h.r} bound at all ${k.checked} records`;
        out.push(this.notApplicable('LORA.rank', `method ${this.method} is not bound by the rank of one adapter (rank(W - W0) can exceed r); for information, ${info}`));
      }
    }
    else if (typeof this.h.rankBoundMethod === 'string') {
      // the workload could state the bound but the trainer did not compute it: say so, never omit the claim
      out.push(this.notApplicable('LORA.rank', `not checked: the header states no rank-${this.h.r} bound (${this.h.rankBoundMethod})`));
    }
    if (truncatedNote) for (const c of out) c.reason = c.reason ? `${truncatedNote}; ${c.reason}` : truncatedNote;
    return out;
  }

  /** Distance to the FPFT optimum W* along the run, where the trace records it. */
  optimum(): TraceOptimum | undefined {
    if (!this.dist.seen) return undefined;
    const b = this.rankBound;
    const o: TraceOptimum = { distSq0: this.dist.first, distSqFinal: this.dist.last, distSqMin: this.dist.min, tMin: this.dist.tMin };
    if (b) {
      o.rankBoundJ = b.J;
      if (b.dist !== undefined) o.rankBoundDistSq = b.dist;
    }
    const bound = b?.dist !== undefined ? `; LoRA at rank ${this.h.r} cannot go below ${fmt(b.dist)} (Eckart-Young)` : '';
    o.note = `||W_t - W*||^2 from ${fmt(o.distSq0)} to ${fmt(o.distSqFinal)} (smallest ${fmt(o.distSqMin)} at t = ${o.tMin})${bound}`;
    return o;
  }
}
