/**
 * Evaluating one input of a claim over one field: the claim's own sides (theory/), decided by
 * numeric/compare.ts. No second copy of any formula lives here.
 */
import type { Field, Mode } from '../../numeric/field.ts';
import { decide, evaluateComparison, type Decision } from '../../numeric/compare.ts';
import { fieldFor } from '../../numeric/fields.ts';
import type { Claim } from '../../theory/claim.ts';
import type { EvaluatedComparison } from '../../theory/results.ts';
import { isVacuous } from '../../theory/_internals/sides.ts';

type CaseStatus = 'pass' | 'fail' | 'undecided' | 'error';

export interface CaseOutcome {
  status: CaseStatus;
  /** One decision per comparison, in the claim's order. */
  decisions: Decision[];
  labels: (string | undefined)[];
  /** Index of the comparison closest to failing (see tighter()). */
  tightest?: number;
  /** Whether the tightest comparison is vacuous (holds only because a side is +infinity). */
  tightestVacuous?: boolean;
  error?: string;
}

/**
 * a is closer to failing than b: a false decision first; then a non-vacuous one (theory tags
 * relations that hold only because a side is +infinity); then the larger ratio, where only one
 * defines a ratio that one (0 <= 0 says nothing about tightness); else the smaller slack.
 */
export function tighter(a: Decision, b: Decision, aVacuous = false, bVacuous = false): boolean {
  if ((a.holds === false) !== (b.holds === false)) return a.holds === false;
  if (aVacuous !== bVacuous) return bVacuous;
  if (a.ratio !== undefined && b.ratio !== undefined) return a.ratio > b.ratio;
  if ((a.ratio !== undefined) !== (b.ratio !== undefined)) return a.ratio !== undefined;
  return a.slack < b.slack;
}

function message(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Evaluates every comparison of the claim on the input over F and decides each. Never throws. */
export function evaluateCase(claim: Claim, F: Field<any>, input: unknown): CaseOutcome {
  let decisions: Decision[];
  let labels: (string | undefined)[];
  try {
    const cmps = claim.comparisons(F, input);
    labels = cmps.map((c) => c.label);
    decisions = cmps.map((c) => decide(F, c));
  } catch (e) {
    return { status: 'error', decisions: [], labels: [], error: message(e) };
  }
  let status: CaseStatus = 'pass';
  let tightest: number | undefined;
  const vac = labels.map((l) => isVacuous({ label: l }));
  decisions.forEach((d, i) => {
    if (d.holds === false) status = 'fail';
    else if (d.holds === 'undecided' && status === 'pass') status = 'undecided';
    if (tightest === undefined || tighter(d, decisions[tightest]!, vac[i], vac[tightest])) tightest = i;
  });
  return tightest === undefined ? { status, decisions, labels } : { status, decisions, labels, tightest, tightestVacuous: vac[tightest]! };
}

/** The evaluated comparisons of a witness (both sides as round-trip text). Throws on error. */
export function evaluatedComparisons(claim: Claim, mode: Mode, input: unknown): EvaluatedComparison[] {
  const F = fieldFor(mode);
  return claim.comparisons(F, input).map((c) => evaluateComparison(F, c) as EvaluatedComparison);
}

/** The certified mode a float64 candidate is re-checked in: exact when the claim supports it, else precise. */
export function confirmModeFor(claim: Claim): Mode | undefined {
  if (claim.modes.includes('exact')) return 'exact';
  if (claim.modes.includes('precise')) return 'precise';
  return undefined;
}

interface Confirmation {
  /** 'fail': certified counterexample; 'pass' / 'undecided': a float64 false alarm; 'error': could not re-check. */
  status: CaseStatus;
  mode: Mode;
  outcome: CaseOutcome;
}

/**
 * Re-checks an input in a certified mode (exact, or precise when exact cannot evaluate it,
 * e.g. a loss with exp/log). Doubles in the input are exact rationals there.
 */
export function confirm(claim: Claim, input: unknown, preferred?: Mode): Confirmation {
  const first = preferred ?? confirmModeFor(claim);
  if (!first) {
    const outcome: CaseOutcome = { status: 'error', decisions: [], labels: [], error: `claim ${claim.id} has no exact or precise mode to confirm in` };
    return { status: 'error', mode: 'float64', outcome };
  }
  let outcome = evaluateCase(claim, fieldFor(first), input);
  let mode = first;
  if (outcome.status === 'error' && first === 'exact' && claim.modes.includes('precise') && /ModeError/.test(outcome.error ?? '')) {
    mode = 'precise';
    outcome = evaluateCase(claim, fieldFor(mode), input);
  }
  return { status: outcome.status, mode, outcome };
}

/** Labels of the failing comparisons, with entry indices folded ("entry (1, 2)" -> "entry (i, j)")
 *  so that two witnesses of the same printed error compare equal. */
export function failingFamilies(outcome: CaseOutcome): string[] {
  const out = new Set<string>();
  outcome.decisions.forEach((d, i) => {
    if (d.holds === false) out.add(labelFamily(outcome.labels[i] ?? `#${i}`));
  });
  return [...out].sort();
}

export function labelFamily(label: string): string {
  return label.replace(/\(\d+, \d+\)/g, '(i, j)').replace(/E_\{?\d+,? ?\d+\}?/g, 'E_ij');
}
