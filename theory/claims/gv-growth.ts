/**
 * Growth of ||V_t||^2 along LoRA GD, proof of Theorem 3.5 (A.4).
 *
 * Per step (GV.step), from eta_t <= 1 and eta_t ||V_t||^2 <= 1/(4 sqrt2 L) (both from (8)), and
 * its scalar form (one step, the norm of V_t - eta_t grad J expanded, Cauchy-Schwarz):
 *   ||V_{t+1}||^2 - ||V_t||^2 <= 1/(4 sqrt2 L) + 2 eta_t ||grad J(V_t)||^2.
 *   Hypotheses: `eta_rule`.
 * Summed with (9) and Assumption 3.2 (GV):
 *   ||V_T||^2 <= ||V_0||^2 + T/(4 sqrt2 L) + 8 (J(V_0) - L*).
 *   Hypotheses: `smooth`, `L_ge_1` (for (9)), `lower_bound`, `eta_rule`.
 * Input: T steps of (3) from V0. Every prefix of a run is a run, so GV is checked at every
 * T' = 1..T and GV.step at every t = 0..T-1.
 * Constants (tightness), both printed 1:
 *   GV.step  sup (||V_{t+1}||^2 - ||V_t||^2) / (1/(4 sqrt2 L) + 2 eta_t ||grad J(V_t)||^2)
 *   GV       sup (||V_T||^2 - ||V_0||^2) / (T/(4 sqrt2 L) + 8 (J(V_0) - L*))
 * Neither denominator vanishes (1/(4 sqrt2 L) > 0, T >= 1): no degenerate input.
 */
import type { Field } from '../../numeric/field.ts';
import type { Assumption, Claim, ConstantPart, HypothesisName } from '../claim.ts';
import type { LoraRunInput } from '../inputs.ts';
import { eta8, fourSqrt2L, gvStep, gvTotal } from '../trace-sides.ts';
import { TELESCOPE_VARS, telescoped } from '../_internals/telescope.ts';
import { LINE_VARS } from '../_internals/proof-line.ts';
import { prod } from '../_internals/sides.ts';
import { RUN_MODES } from '../_internals/num.ts';
import { runAt, runHypotheses, runNonTrivial } from '../_internals/run-input.ts';

/** gvTotal at every prefix T = 1..input.T. */
function totals<T>(F: Field<T>, input: LoraRunInput) {
  const { L, Lstar, records } = runAt(F, input);
  const r0 = records[0]!;
  return records.slice(1).map((r) => ({ t: r.t, Vsq0: r0.Vsq, c: gvTotal(F, { Vsq_T: r.Vsq, Vsq_0: r0.Vsq, T: r.t, L, J0: r0.J, Lstar }) }));
}

/** gvStep at every t = 0..input.T - 1. */
function steps<T>(F: Field<T>, input: LoraRunInput) {
  const { L, records } = runAt(F, input);
  return records.slice(0, -1).map((r, t) => ({ t, c: gvStep(F, { Vsq_t: r.Vsq, Vsq_next: records[t + 1]!.Vsq, eta: r.eta, gradJsq: r.gradJsq, L }) }));
}

export const GV: Claim<LoraRunInput> = {
  id: 'GV',
  paper: 'Proof of Theorem 3.5 (A.4)',
  title: '||V_T||^2 grows at most linearly along LoRA GD with eta from (8)',
  latex: '\\|V_T\\|^2 \\leq \\|V_0\\|^2 + \\frac{T}{4\\sqrt{2}L} + 8(\\mathcal{J}(V_0) - \\mathcal{L}^*)',
  hypotheses: ['smooth', 'L_ge_1', 'lower_bound', 'eta_rule'],
  inputKind: 'lora-run',
  modes: RUN_MODES,
  note: 'Checked at every prefix T = 1..input.T of the run.',
  comparisons<T>(F: Field<T>, input: LoraRunInput) {
    return totals(F, input).map(({ t, c }) => ({ ...c, label: `T = ${t}: ||V_T||^2 <= ||V_0||^2 + T/(4 sqrt2 L) + 8 (J(V_0) - L*)` }));
  },
  constant: {
    printed: '1',
    direction: 'sup',
    quantity: '(||V_T||^2 - ||V_0||^2) / (T/(4 sqrt2 L) + 8 (J(V_0) - L*)), at every prefix T',
    latex: '\\frac{\\|V_T\\|^2 - \\|V_0\\|^2}{T/(4\\sqrt{2}L) + 8(\\mathcal{J}(V_0) - \\mathcal{L}^*)}',
    degenerate: 'none: the denominator is >= T/(4 sqrt2 L) > 0 under the hypotheses',
    parts<T>(F: Field<T>, input: LoraRunInput): ConstantPart<T>[] {
      return totals(F, input).map(({ t, Vsq0, c }) => ({ label: `T = ${t}`, num: F.sub(c.lhs, Vsq0), den: F.sub(c.rhs, Vsq0), scale: F.add(c.lhs, Vsq0) }));
    },
  },
  nonTrivial: runNonTrivial,
  hypothesesHold: runHypotheses,
  scalar: {
    // The proof's summation: GV.step summed over t < T, then (9) summed and J(V_T) >= L*.
    vars: [
      { name: 'VsqT', sign: 'nonneg', text: '||V_T||^2' },
      { name: 'Vsq0', sign: 'nonneg', text: '||V_0||^2' },
      { name: 'T', sign: 'nonneg', text: 'T' },
      { name: 'L', sign: 'positive', text: 'L' },
      ...TELESCOPE_VARS,
    ],
    at<T>(F: Field<T>, v: Readonly<Record<string, T>>, dropped: ReadonlySet<HypothesisName>) {
      const steps = F.add(F.div(v.T!, fourSqrt2L(F, v.L!)), F.mul(F.fromInt(2), v.S!));
      return {
        comparisons: [gvTotal(F, { Vsq_T: v.VsqT!, Vsq_0: v.Vsq0!, T: v.T!, L: v.L!, J0: v.J0!, Lstar: v.Lstar! })],
        assumptions: [
          { from: 'GV.step', needs: ['eta_rule'], cmp: { label: 'GV.step summed: ||V_T||^2 - ||V_0||^2 <= T/(4 sqrt2 L) + 2 S', lhs: F.sub(v.VsqT!, v.Vsq0!), rel: '<=', rhs: steps } },
          ...telescoped(F, v, dropped),
        ],
      };
    },
  },
};

export const GVstep: Claim<LoraRunInput> = {
  id: 'GV.step',
  paper: 'Proof of Theorem 3.5 (A.4), per-step bound',
  title: '||V_{t+1}||^2 - ||V_t||^2 <= 1/(4 sqrt2 L) + 2 eta_t ||grad J(V_t)||^2',
  latex:
    '\\|V_{t+1}\\|^2 - \\|V_t\\|^2 \\leq \\frac{1}{4\\sqrt{2}L} + 2\\eta_t \\|\\nabla \\mathcal{J}(V_t)\\|^2',
  hypotheses: ['eta_rule'],
  inputKind: 'lora-run',
  modes: RUN_MODES,
  comparisons<T>(F: Field<T>, input: LoraRunInput) {
    return steps(F, input).map(({ t, c }) => ({ ...c, label: `t = ${t}: ||V_{t+1}||^2 - ||V_t||^2 <= 1/(4 sqrt2 L) + 2 eta_t ||grad J(V_t)||^2` }));
  },
  constant: {
    printed: '1',
    direction: 'sup',
    quantity: '(||V_{t+1}||^2 - ||V_t||^2) / (1/(4 sqrt2 L) + 2 eta_t ||grad J(V_t)||^2), at every step t',
    latex: '\\frac{\\|V_{t+1}\\|^2 - \\|V_t\\|^2}{1/(4\\sqrt{2}L) + 2\\eta_t\\|\\nabla \\mathcal{J}(V_t)\\|^2}',
    degenerate: 'none: the denominator is >= 1/(4 sqrt2 L) > 0',
    parts<T>(F: Field<T>, input: LoraRunInput): ConstantPart<T>[] {
      return steps(F, input).map(({ t, c }) => ({ label: `t = ${t}`, num: c.lhs, den: c.rhs }));
    },
  },
  nonTrivial: runNonTrivial,
  hypothesesHold: runHypotheses,
  scalar: {
    // One step t as the proof in A.4 sees it: ||V_{t+1}||^2 = ||V_t - eta_t grad J||^2 expanded,
    // with the inner product <V_t, grad J(V_t)> bounded by Cauchy-Schwarz, eta_t from (8).
    vars: [...LINE_VARS, { name: 'ip', sign: 'real', text: '<V_t, grad J(V_t)>' }],
    at<T>(F: Field<T>, v: Readonly<Record<string, T>>, dropped: ReadonlySet<HypothesisName>) {
      const [L, Vn, Gn, gJn, ip] = ['L', 'Vn', 'Gn', 'gJn', 'ip'].map((k) => v[k]!) as T[];
      const Vsq = F.mul(Vn!, Vn!);
      const gJsq = F.mul(gJn!, gJn!);
      const eta = dropped.has('eta_rule') ? v.eta! : eta8(F, { Vsq, Gnorm: Gn!, L: L! });
      const next = F.add(F.sub(Vsq, prod(F, F.fromInt(2), eta, ip!)), prod(F, eta, eta, gJsq));
      const cs = F.mul(Vn!, gJn!);
      const assumptions: Assumption<T>[] = [
        { from: 'Cauchy-Schwarz', cmp: { label: '<V, grad J> <= ||V|| ||grad J||', lhs: ip!, rel: '<=', rhs: cs } },
        { from: 'Cauchy-Schwarz', cmp: { label: '-<V, grad J> <= ||V|| ||grad J||', lhs: F.neg(ip!), rel: '<=', rhs: cs } },
      ];
      return { comparisons: [gvStep(F, { Vsq_t: Vsq, Vsq_next: next, eta, gradJsq: gJsq, L: L! })], assumptions };
    },
  },
};
