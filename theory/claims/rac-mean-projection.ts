/**
 * Isotropic sketches (RAC-LoRA, Malinovsky et al., arXiv 2410.08305; *reported*): E[H_B] = (r/m) I_m for a left
 * Gaussian sketch and E[H_A] = (r/n) I_n for a right one, so lambda_min^H = r/m (r/n).
 *
 * A statistical claim: a case draws `samples` seeded Gaussian-like sketches (theory/sketch.ts;
 * for that law the statement holds exactly), computes each H exactly, rounds its entries to the
 * grid 2^-40 and averages them. Each entry of H lies in an interval of length 1 (diagonal in
 * [0, 1], off-diagonal in [-1/2, 1/2]: H_ij^2 <= H_ii (1 - H_ii)), so by Hoeffding and a union
 * bound over the d(d+1)/2 distinct entries, with probability >= 1 - 2^-20 every entry of the mean
 * lies within t = sqrt(ln(d(d+1) 2^20) / (2K)) (+ half a grid step) of E[H]. A case checks
 * |mean_ij - (r/d) [i = j]| <= t exactly; it fails with probability <= 2^-20 if the claim holds.
 * Hypotheses: none named (the sketch law is part of the statement).
 */
import type { Field } from '../../numeric/field.ts';
import { lift } from '../../numeric/matrix.ts';
import type { Claim, Comparison } from '../claim.ts';
import type { SketchMeanInput } from '../inputs.ts';
import { sketchProjection } from '../rac.ts';
import { gaussianSketch, sketchStream } from '../sketch.ts';
import { DELTA, DELTA_TEXT, HOEFFDING_METHOD, gridRound, gridStep, hoeffdingHalfWidth } from '../_internals/statistics.ts';

/** Modes: the samples must be rounded certainly (exact) or are screened (float64). */
export const STATISTICAL_MODES = ['exact', 'float64'] as const;

export const RACEH: Claim<SketchMeanInput> = {
  id: 'RAC.EH',
  paper: 'RAC-LoRA (arXiv 2410.08305), isotropic sketches (reported)',
  title: 'E[H_B] = (r/m) I for Gaussian sketches (E[H_A] = (r/n) I), so lambda_min^H = r/m',
  latex: '\\mathbb{E}[H_B] = \\frac{r}{m} I_m, \\qquad \\mathbb{E}[H_A] = \\frac{r}{n} I_n, \\qquad \\lambda_{\\min}^H = \\lambda_{\\min}(\\mathbb{E}[H]) = \\frac{r}{m} \\;\\Big(\\frac{r}{n}\\Big)',
  hypotheses: [],
  inputKind: 'sketch-mean',
  modes: STATISTICAL_MODES,
  provenance: 'reported',
  statistical: { delta: DELTA, deltaText: DELTA_TEXT, method: HOEFFDING_METHOD },
  note:
    'Reported form (from secondary reports of the paper, not its printed text). Statistical: a case is a Monte-Carlo mean of seeded sketches with iid entries sign(g) round(8|g|)/8 conditioned on full rank, for which E[H] = (r/d) I holds exactly by symmetry; the case fails with probability <= 2^-20 when the claim holds.',
  comparisons<T>(F: Field<T>, input: SketchMeanInput) {
    const { side, m, n, r, samples: K } = input;
    const d = side === 'left' ? m : n;
    const rng = sketchStream(input.seed);
    const pivots = Array.from({ length: r }, (_, k) => k); // full rank (the sampler redraws otherwise)
    const sums = new Array<T>(d * d).fill(F.zero);
    for (let k = 0; k < K; k++) {
      const H = sketchProjection(F, side, lift(F, gaussianSketch(rng, side, m, n, r)), pivots);
      for (let e = 0; e < d * d; e++) sums[e] = F.add(sums[e]!, gridRound(F, H.data[e]!, 'nearest'));
    }
    const band = F.add(hoeffdingHalfWidth(F, (d * (d + 1)) / 2, K), F.div(gridStep(F), F.fromInt(2)));
    const ratio = F.div(F.fromInt(r), F.fromInt(d));
    const name = side === 'left' ? 'H_B' : 'H_A';
    const out: Comparison<T>[] = [];
    for (let i = 0; i < d; i++)
      for (let j = i; j < d; j++) {
        const mean = F.div(sums[i * d + j]!, F.fromInt(K));
        const dev = F.abs(F.sub(mean, i === j ? ratio : F.zero));
        out.push({ label: `|mean of ${K} ${name}, entry (${i}, ${j}) - (r/${side === 'left' ? 'm' : 'n'}) [i = j]| <= Hoeffding half-width at 1 - 2^-20`, lhs: dev, rel: '<=', rhs: band });
      }
    return out;
  },
  // r < d: H is not the identity, the mean has something to average
  nonTrivial: (input) => input.r < (input.side === 'left' ? input.m : input.n) && input.samples >= 2,
};
