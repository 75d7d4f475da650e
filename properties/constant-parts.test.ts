/**
 * The declared constants (theory/claims: `constant`, README "Searching, ablation, tightness") measure
 * what the claim asserts: one part per comparison, labelled like it, and the quantity lies on
 * the printed constant's side exactly when the comparison holds. Checked in certified
 * arithmetic on the claim's own samples (where it holds) and on the stored witnesses of the
 * corpus (where it fails, a hypothesis dropped), so that a part that measures something else
 * (a missing term, a wrong side) is caught. And `nonTrivial` says "trivial" on the inputs that
 * do not exercise a claim (V = 0, d = 0, a minimiser, M = M'), not only "non-trivial" on the
 * generated ones.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldFor } from '../numeric/fields.ts';
import { Rational } from '../numeric/rational.ts';
import type { Claim } from '../theory/claim.ts';
import { decode, type JSONValue } from '../theory/codec.ts';
import { CATALOGUE, claimById, declaresConstant } from '../theory/index.ts';
import { claimArbitrary } from './inputs.ts';
import { listCorpora } from './corpus.ts';
import { confirmModeFor } from './_internals/evaluate.ts';
import { decide } from '../numeric/compare.ts';
import type { Mode } from '../numeric/field.ts';

const declared = CATALOGUE.filter(declaresConstant);

/** Per comparison: does it hold, and which side of the constant is its part's quantity on. */
function sides(claim: Claim, input: unknown, mode: Mode = confirmModeFor(claim)!) {
  const F = fieldFor(mode);
  const spec = claim.constant!;
  const c = F.lift(Rational.parse(spec.printed));
  const cmps = claim.comparisons(F, input);
  const parts = spec.parts(F, input);
  return { F, cmps, parts, c, spec };
}

function checkConsistent(claim: Claim, input: unknown, mode?: Mode): number {
  const { F, cmps, parts, c, spec } = sides(claim, input, mode);
  expect(parts.length, `${claim.id}: one part per comparison`).toBe(cmps.length);
  let checked = 0;
  parts.forEach((p, i) => {
    if (!p) return;
    expect(p.label, `${claim.id}: part ${i} is labelled like its comparison`).toBeTruthy();
    expect(cmps[i]!.label ?? '', `${claim.id}: part ${i}`).toContain(p.label!);
    if (F.sign(p.den) !== 1) return;
    const holds = decide(F, cmps[i]!).holds;
    if (holds === 'undecided') return;
    // (q - c) has the sign of (num - c den), den > 0
    const s = F.sign(F.sub(p.num, F.mul(c, p.den)));
    if (s === undefined) return;
    const onSide = spec.direction === 'sup' ? s <= 0 : s >= 0;
    expect(onSide, `${claim.id}, comparison ${i} (${cmps[i]!.label}): holds ${holds}, quantity on the constant's side ${onSide}`).toBe(holds);
    checked++;
  });
  return checked;
}

describe('declared constants measure what the claim asserts', () => {
  it('every main lemma of README "Searching, ablation, tightness" declares one', () => {
    expect(declared.map((c) => c.id).sort()).toEqual(['E19', 'E23', 'GV', 'GV.step', 'L33', 'L34', 'L36', 'T10'].sort());
  });

  for (const claim of declared)
    it(`${claim.id}: the quantity is on the constant's side exactly where the claim holds`, () => {
      const mode = confirmModeFor(claim)!;
      const inputs = fc.sample(claimArbitrary(claim, { mode, profile: { maxM: 2, maxN: 2, maxR: 1, maxT: 3 } }), { seed: 77, numRuns: 12 });
      let checked = 0;
      for (const x of inputs) checked += checkConsistent(claim, x);
      // the witnesses of the corpus: the claim fails there (a hypothesis dropped)
      let failing = 0;
      for (const file of listCorpora().filter((f) => f.claim === claim.id))
        for (const e of file.entries) {
          const input = decode(e.witness.input as JSONValue);
          // a witness on a user's loss (--loss with exp/log) was confirmed in precise mode, not exact
          checked += checkConsistent(claim, input, (e.witness.confirmedIn as Mode | undefined) ?? undefined);
          failing++;
        }
      console.log(`${claim.id}: ${checked} comparisons checked on ${inputs.length} samples and ${failing} corpus witnesses`);
      expect(checked).toBeGreaterThan(0);
    });
});

describe('nonTrivial says trivial where the claim is not exercised', () => {
  const sample = <T,>(id: string) => fc.sample(claimArbitrary(claimById(id)!, { mode: 'exact', profile: { maxM: 2, maxN: 2, maxR: 1, maxT: 2 } }), { seed: 5, numRuns: 1 })[0] as T;
  const zeros = (M: { rows: number; cols: number }) => ({ rows: M.rows, cols: M.cols, data: new Array(M.rows * M.cols).fill(Rational.ZERO) });

  it('V = 0 (so grad J = 0, G V = 0): E19, L34 and the lines of its proof', () => {
    for (const id of ['E19', 'L34', 'L34.s18.a', 'L34.s21.a', 'L34.s22.d']) {
      const x = sample<{ V: { rows: number; cols: number } }>(id);
      expect(claimById(id)!.nonTrivial(x), `${id} on its sample`).toBe(true);
      expect(claimById(id)!.nonTrivial({ ...x, V: zeros(x.V) }), `${id} at V = 0`).toBe(false);
    }
  });

  it('E19 at a minimiser of the loss (G = 0, V != 0)', () => {
    const x = sample<{ loss: { C: { rows: number; cols: number } }; V: { rows: number; cols: number; data: Rational[] } }>('E19');
    // B = e_1, A = 0 (only V's first entry is nonzero), so BA = 0, and C = 0: G = grad L(0) = 0 for
    // every family drawn (the quadratic and separable losses are minimal at W = C)
    const atMin = { ...x, loss: { ...x.loss, C: zeros(x.loss.C) }, V: { ...x.V, data: x.V.data.map((_, k) => (k === 0 ? Rational.ONE : Rational.ZERO)) } };
    expect(claimById('E19')!.nonTrivial(atMin)).toBe(false);
  });

  it('L33 at d = 0, E23 at its minimiser, the runs at T = 0, L36 at M = M\', A1 at x1 = x2, A2 at M = 0', () => {
    const l33 = sample<{ V1: unknown; V2: unknown }>('L33');
    expect(claimById('L33')!.nonTrivial(l33)).toBe(true);
    expect(claimById('L33')!.nonTrivial({ ...l33, V2: l33.V1 })).toBe(false);
    const e23 = sample<{ loss: { C: unknown }; W: unknown }>('E23');
    expect(claimById('E23')!.nonTrivial(e23)).toBe(true);
    expect(claimById('E23')!.nonTrivial({ ...e23, W: e23.loss.C })).toBe(false);
    for (const id of ['GV', 'GV.step', 'T10', 'T35']) {
      const run = sample<{ T: number }>(id);
      expect(claimById(id)!.nonTrivial({ ...run, T: 0 }), `${id} at T = 0`).toBe(false);
    }
    const l36 = sample<{ M: unknown }>('L36');
    expect(claimById('L36')!.nonTrivial({ ...l36, M2: l36.M })).toBe(false);
    const a1 = sample<{ x1: unknown }>('A1');
    expect(claimById('A1')!.nonTrivial({ ...a1, x2: a1.x1 })).toBe(false);
    const a2 = sample<{ M: { rows: number; cols: number } }>('A2.sub');
    expect(claimById('A2.sub')!.nonTrivial({ ...a2, M: zeros(a2.M) })).toBe(false);
    expect(claimById('A2.sym')!.nonTrivial({ ...a2, M: zeros(a2.M) })).toBe(false);
  });
});
