/**
 * From a solver model to an exact counterexample. A model is only a candidate: its values are
 * put into the claim's input (class encodings) and the claim is re-evaluated by loracheck's own
 * exact field (numeric/real.ts), with its hypotheses decided by theory/; only then is it a
 * counterexample. An algebraic model value (a root-obj) is replaced by the simplest rational in
 * an enclosure of it, at growing precision, until the exact re-check confirms the failure (a
 * strict violation survives a small move; an enclosure that never works leaves the claim
 * unknown, not refuted). The confirmed point is then simplified greedily, entry by entry
 * (properties/search/simplify.ts), as long as it stays a confirmed failure.
 */
import { decide, evaluateComparison } from '../../numeric/compare.ts';
import { simplestBetween, Rational } from '../../numeric/rational.ts';
import { exact } from '../../numeric/real.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import { encode } from '../../theory/codec.ts';
import type { EvaluatedComparison, Witness } from '../../theory/results.ts';
import { confirm } from '../_internals/evaluate.ts';
import { makeWitness } from '../_internals/witness.ts';
import { simplerValues } from '../search/simplify.ts';
import type { Encoding } from './encode.ts';
import type { ModelValue } from './solve.ts';

/** Exact points to try for a model: the exact values, algebraic ones by their enclosures. */
export function candidatePoints(model: Readonly<Record<string, ModelValue>>): Record<string, Rational>[] {
  const names = Object.keys(model);
  const levels = Math.max(1, ...names.map((k) => ('enclosures' in model[k]! ? model[k]!.enclosures.length : 1)));
  const out: Record<string, Rational>[] = [];
  const seen = new Set<string>();
  for (let d = 0; d < levels; d++) {
    const p: Record<string, Rational> = {};
    for (const k of names) {
      const v = model[k]!;
      if ('exact' in v) p[k] = v.exact;
      else {
        const [lo, hi] = v.enclosures[Math.min(d, v.enclosures.length - 1)]!;
        p[k] = simplestBetween(lo, hi);
      }
    }
    const key = names.map((k) => p[k]!.toString()).join(',');
    if (!seen.has(key)) (seen.add(key), out.push(p));
  }
  return out;
}

export function modelText(model: Readonly<Record<string, ModelValue>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(model)) out[k] = 'exact' in v ? v.exact.toString() : v.algebraic;
  return out;
}

/** The replay of a witness: `check` on exactly this input. */
export function replayInput(claim: string, input: unknown): string {
  return `npx loracheck check --claim ${claim} --input '${JSON.stringify(encode(input))}'`;
}

/** A point of a class: every hypothesis theory/ can decide on the input holds unless dropped
 *  (the classes keep the standing assumptions too, as the generators do, whether or not the
 *  claim names them). */
export function inClass(claim: Claim, input: unknown, dropped: ReadonlySet<HypothesisName>): boolean {
  if (!claim.hypothesesHold) return true;
  try {
    const h = claim.hypothesesHold(input) as Record<string, boolean | undefined>;
    return Object.entries(h).every(([name, holds]) => dropped.has(name as HypothesisName) || holds !== false);
  } catch {
    return false;
  }
}

/** A class point is a confirmed counterexample: the claim fails in exact arithmetic and it is
 *  a point of the class. */
function failsExactly(claim: Claim, input: unknown, dropped: ReadonlySet<HypothesisName>): boolean {
  return confirm(claim, input, 'exact').status === 'fail' && inClass(claim, input, dropped);
}

interface ClassWitness {
  input: unknown;
  values: Record<string, string>;
  witness: Witness;
}

/** The first candidate point of the model that is a confirmed counterexample, simplified. */
export function classWitness(
  claim: Claim,
  enc: Encoding,
  model: Readonly<Record<string, ModelValue>>,
  dropped: ReadonlySet<HypothesisName>,
  simplifyMs = 1500,
): ClassWitness | undefined {
  if (!enc.input) return undefined;
  for (const point of candidatePoints(model)) {
    let input: unknown;
    try {
      input = enc.input(point);
    } catch {
      continue;
    }
    if (!failsExactly(claim, input, dropped)) continue;
    const simple = simplifyPoint(claim, enc, point, dropped, performance.now() + simplifyMs);
    const finalInput = enc.input(simple);
    const witness: Witness = {
      ...makeWitness({
        claim,
        input: finalInput,
        foundIn: 'exact',
        evaluatedIn: 'exact',
        confirmed: true,
        dropped: [...dropped],
        seed: 0,
        shrunk: true,
        replay: replayInput(claim.id, finalInput),
      }),
      foundBy: 'smt',
    };
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(simple)) values[k] = v.toString();
    return { input: finalInput, values, witness };
  }
  return undefined;
}

/** Greedy: each variable to a simpler value while the point stays a confirmed failure. */
function simplifyPoint(claim: Claim, enc: Encoding, point: Record<string, Rational>, dropped: ReadonlySet<HypothesisName>, deadline: number): Record<string, Rational> {
  let cur = { ...point };
  for (let sweep = 0; sweep < 2; sweep++) {
    let changed = false;
    for (const v of enc.vars) {
      for (const cand of simplerValues(cur[v.name]!, v.sign !== 'real', v.sign === 'positive')) {
        if (performance.now() > deadline) return cur;
        const next = { ...cur, [v.name]: typeof cand === 'number' ? Rational.fromNumber(cand) : cand };
        let ok = false;
        try {
          ok = failsExactly(claim, enc.input!(next), dropped);
        } catch {
          ok = false;
        }
        if (ok) {
          cur = next;
          changed = true;
          break;
        }
      }
    }
    if (!changed) break;
  }
  return cur;
}

interface ScalarModel {
  values: Record<string, string>;
  /** The claim's comparisons at the point, evaluated exactly. */
  comparisons: EvaluatedComparison[];
  /** Every assumption holds there exactly (else the model is not a point of the relaxation). */
  assumptionsHold: boolean;
}

/** A scalar-form model re-evaluated exactly (the first candidate point where some comparison
 *  certainly fails and every assumption certainly holds). */
export function scalarModel(claim: Claim, model: Readonly<Record<string, ModelValue>>, dropped: ReadonlySet<HypothesisName>): ScalarModel | undefined {
  const form = claim.scalar;
  if (!form) return undefined;
  for (const point of candidatePoints(model)) {
    try {
      const v: Record<string, ReturnType<typeof exact.lift>> = {};
      for (const x of form.vars) v[x.name] = exact.lift(point[x.name] ?? Rational.ZERO);
      const { comparisons, assumptions } = form.at(exact, v, dropped);
      const kept = assumptions.filter((a) => !(a.needs ?? []).some((h) => dropped.has(h)));
      const holds = kept.every((a) => decide(exact, a.cmp).holds === true);
      const evaluated = comparisons.map((c) => evaluateComparison(exact, c) as EvaluatedComparison);
      if (holds && evaluated.some((c) => c.holds === false)) {
        const values: Record<string, string> = {};
        for (const x of form.vars) values[x.name] = (point[x.name] ?? Rational.ZERO).toString();
        return { values, comparisons: evaluated, assumptionsHold: true };
      }
    } catch {
      /* a point where the sides are undefined: try the next */
    }
  }
  return undefined;
}
