/**
 * The step-by-step bookkeeping every trace claim shares (gpu-runs/verify.ts for Lemma 3.4 and
 * Theorem 3.5, gpu-runs/verify-family.ts for the RAC-LoRA family): a comparison judged against
 * the rounding noise of its values, the per-claim tally of checked / resolved / violated steps,
 * and the verdict it supports (README, "Precision").
 */
import type { Comparison } from '../theory/claim.ts';
import type { TraceClaimResult } from '../theory/results.ts';

/** `verified` needs at least this share of a claim's steps resolved (and at least one). */
export const MIN_RESOLVED_FRACTION = 0.9;

/** One comparison with the noise of its values and the margin whose size decides resolution. */
export interface Judged {
  slack: number;
  noise: number;
  margin: number;
  label: string;
}

export const slackOf = (c: Comparison<number>): number => (c.rel === '>=' ? c.lhs - c.rhs : c.rhs - c.lhs);

/** The default noise model: the relative resolution of both sides; the margin is the slack. */
export function judged(c: Comparison<number>, relative: number): Judged {
  const slack = slackOf(c);
  return { slack, noise: relative * (Math.abs(c.lhs) + Math.abs(c.rhs)), margin: slack, label: c.label ?? '' };
}

export class Tally {
  checked = 0;
  resolved = 0;
  violations = 0;
  /** Comparisons that held only within the noise. */
  tolerated = 0;
  firstViolation: number | undefined;
  firstUnresolved: number | undefined;
  worstSlack: number | undefined;
  worstLabel: string | undefined;

  /** The comparisons of step t; the step counts once however many of them fail. */
  judge(t: number, items: Judged[]): void {
    this.checked++;
    let bad = false;
    let resolved = true;
    for (const j of items) {
      if (this.worstSlack === undefined || j.slack < this.worstSlack) {
        this.worstSlack = j.slack;
        this.worstLabel = j.label;
      }
      if (!(j.slack >= -j.noise)) bad = true; // NaN slack included
      else if (j.slack < 0) this.tolerated++;
      if (!(j.margin > j.noise)) resolved = false;
    }
    if (bad) {
      this.violations++;
      this.firstViolation ??= t;
    }
    if (bad || resolved) this.resolved++;
    else this.firstUnresolved ??= t;
  }

  get unresolved(): number {
    return this.checked - this.resolved;
  }
}

/** What a verdict needs to know about the trace besides the tally. */
export interface VerdictContext {
  /** Set when the dtype has no known precision: nothing resolves. */
  precUnknown?: string;
  dtype: string;
  /** Why an unresolved step of this claim is unresolved. */
  unresolvedWhy: string;
  /** How L was estimated, when the verdict rests on an estimated L. */
  estimated?: string;
}

/**
 * A claim's verdict from its tally: violated if any step is; verified only when at least
 * MIN_RESOLVED_FRACTION of its checked steps (and at least one) are resolved; else undecided.
 */
export function verdictOf(id: string, k: Tally, c: VerdictContext): TraceClaimResult {
  const counts = { stepsChecked: k.checked, checked: k.checked };
  const notes: string[] = [];
  let out: TraceClaimResult;
  if (c.precUnknown) {
    out = { id, status: 'undecided', ...counts, resolved: 0, unresolved: k.checked, violations: 0 };
    notes.push(`${c.precUnknown}: no step can be called resolved or violated`);
  } else {
    const enough = k.resolved >= 1 && k.resolved >= MIN_RESOLVED_FRACTION * k.checked;
    out = {
      id,
      status: k.violations > 0 ? 'violated' : enough ? 'verified' : 'undecided',
      ...counts,
      resolved: k.resolved,
      unresolved: k.unresolved,
      violations: k.violations,
    };
    if (k.firstViolation !== undefined) out.firstViolation = k.firstViolation;
    if (k.firstUnresolved !== undefined) out.firstUnresolved = k.firstUnresolved;
    if (k.unresolved > 0) notes.push(`${k.unresolved} of ${k.checked} steps unresolved, first at t = ${k.firstUnresolved} (${c.unresolvedWhy})`);
    if (out.status === 'undecided')
      notes.push(`only ${k.resolved} of ${k.checked} steps resolved: verified needs at least ${MIN_RESOLVED_FRACTION * 100} % in ${c.dtype}`);
    if (k.tolerated > 0) notes.push(`${k.tolerated} comparison(s) held only within the ${c.dtype} rounding noise`);
    if (k.violations > 0 && k.worstLabel) notes.push(`worst: ${k.worstLabel}`);
  }
  if (k.worstSlack !== undefined) out.worstSlack = k.worstSlack;
  if (c.estimated) {
    out.estimated = true;
    notes.push(`L is estimated (${c.estimated}), so this verdict is estimated`);
  }
  if (notes.length) out.reason = notes.join('; ');
  return out;
}
