/**
 * The `constant` part of a tightness row (theory/results.ts ConstantResult): the printed
 * constant beside the worst value of the claim's quantity that the search found and certified,
 * the gap between them, a closed form where the certified value matches one to 30 digits (a
 * conjecture), and a better constant with whether it bounds everything the search tried.
 */
import type { Claim } from '../../theory/claim.ts';
import type { ConstantResult } from '../../theory/results.ts';
import { constantOf, declaresConstant } from '../../theory/index.ts';
import { Rational } from '../../numeric/rational.ts';
import { closedForm } from './closed-form.ts';
import type { CertifyResult } from './handler.ts';
import { printedValue } from './objective.ts';
import { simplestIn } from './simplify.ts';
import type { TightenBest } from './tighten.ts';

/** Significant digits of an enclosure that its two ends share, as text (at most 40). */
function sharedDigits(lo: string, hi: string): string | undefined {
  const a = Number(lo);
  const b = Number(hi);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return undefined;
  if (lo === hi) return lo.length > 42 ? lo.slice(0, 42) : lo;
  let i = 0;
  while (i < lo.length && i < hi.length && lo[i] === hi[i]) i++;
  const common = lo.slice(0, i);
  const sig = common.replace(/^-?0?\.?0*/, '').replace('.', '').length;
  if (sig < 10) return undefined;
  return common.length > 42 ? common.slice(0, 42) : common;
}

/** The simplest rational between found and the printed constant, within 1 % of found. */
function betterRational(found: number, c: number, direction: 'sup' | 'inf'): Rational | undefined {
  if (!Number.isFinite(found) || found === 0) return undefined;
  const margin = 0.01 * Math.abs(found);
  const [lo, hi] = direction === 'sup' ? [found, Math.min(c, found + margin)] : [Math.max(c, found - margin), found];
  if (!(lo < hi)) return undefined;
  const q = simplestIn(Rational.fromNumber(lo), Rational.fromNumber(hi));
  // the printed constant itself is no better constant (the interval may end at it)
  return q.toNumber() === c ? undefined : q;
}

export function constantResult(
  claim: Claim,
  r: { best: TightenBest; cert?: CertifyResult; evaluations: number; worstTried: number },
): ConstantResult {
  const spec = constantOf(claim);
  const c = printedValue(spec);
  const cc = r.cert?.constant;
  const found = cc?.value ?? r.best.q ?? Number.NaN;
  // printed / found (sup), found / printed (inf): below 1 the quantity passes the constant. A sup
  // whose worst value found is at or below 0 (never above 0: a Monte-Carlo claim's lower
  // confidence bound swamped by its noise) has no ratio: printed / found would be negative and
  // read as a failure it is not
  const gap = spec.direction === 'sup' ? (found > 0 ? c / found : Number.NaN) : found / c;
  const out: ConstantResult = {
    printed: spec.printed,
    printedValue: c,
    direction: spec.direction,
    quantity: spec.quantity,
    degenerate: spec.degenerate,
    declared: declaresConstant(claim),
    found,
    ...(Number.isFinite(gap) ? { gap } : {}),
  };
  if (cc) {
    out.certified = cc.text;
    out.certifiedIn = cc.mode;
    if (cc.label !== undefined) out.label = cc.label;
    if (cc.enclosure) {
      const d = sharedDigits(cc.enclosure[0], cc.enclosure[1]);
      if (d) out.digits = d;
      const form = closedForm(cc.enclosure[0], cc.enclosure[1], 30);
      if (form) out.conjecture = form;
    }
  }
  if (r.cert?.witness) out.witness = r.cert.witness;
  if (Number.isFinite(gap) && gap > 1 + 1e-9) {
    // a better constant: the closed form when it lies strictly between found and printed, else a simple rational
    const conj = out.conjecture && Number.isFinite(found) ? out.conjecture.form : undefined;
    const rat = betterRational(found, c, spec.direction);
    const value = conj && (spec.direction === 'sup' ? found < c : found > c) ? conj : rat?.toString();
    const numeric = conj && value === conj ? found : rat?.toNumber();
    if (value !== undefined && numeric !== undefined) {
      // everything tried: the largest score of any point the search evaluated, as a quantity
      const worstTriedQ = spec.direction === 'sup' ? r.worstTried * c : c / r.worstTried;
      const tol = 1e-12 * Math.max(1, Math.abs(numeric));
      const holds = spec.direction === 'sup' ? worstTriedQ <= numeric + tol && found <= numeric + tol : worstTriedQ >= numeric - tol && found >= numeric - tol;
      out.better = { value, holdsOnTried: holds, tried: r.evaluations, worstTried: worstTriedQ };
    }
  }
  return out;
}
