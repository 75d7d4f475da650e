/**
 * Theorem 3.5, (11)-(12), proof in A.4: the step sizes do not shrink too fast.
 *
 * With D_t = 4 sqrt2 L (||V_t||^2 + (2L (J(V_0) - L*))^{1/2}), along T steps of (3) with (8):
 *   eta_t >= min{1/D_t, 1}                                                       (by (23), J decreasing)
 *   D_t <= t + 4 sqrt2 L (||V_0||^2 + 8 (J(V_0) - L*) + (2L (J(V_0) - L*))^{1/2}) (by GV)
 * so sum_t eta_t grows at least like a harmonic series, Theta(log T).
 * Hypotheses: `smooth`, `L_ge_1`, `lower_bound`, `eta_rule`.
 * Both relations are checked at every t = 0..T (eta_T is the rule's value at V_T).
 */
import type { Field } from '../../numeric/field.ts';
import type { Assumption, Claim, Comparison, HypothesisName } from '../claim.ts';
import type { LoraRunInput } from '../inputs.ts';
import { eta8, gvTotal, t35D, t35Eta } from '../trace-sides.ts';
import { prod } from '../_internals/sides.ts';
import { RUN_MODES } from '../_internals/num.ts';
import { runAt, runHypotheses, runNonTrivial } from '../_internals/run-input.ts';

export const T35: Claim<LoraRunInput> = {
  id: 'T35',
  paper: 'Theorem 3.5, (11)-(12), proof in A.4',
  title: 'eta_t >= min{1/D_t, 1} and D_t <= t + const along the run',
  latex:
    '\\eta_t \\geq \\min\\left\\{\\frac{1}{D_t}, 1\\right\\}, \\quad D_t = 4\\sqrt{2}L\\left(\\|V_t\\|^2 + (2L(\\mathcal{J}(V_0) - \\mathcal{L}^*))^{1/2}\\right) \\leq t + 4\\sqrt{2}L\\left(\\|V_0\\|^2 + 8(\\mathcal{J}(V_0) - \\mathcal{L}^*) + (2L(\\mathcal{J}(V_0) - \\mathcal{L}^*))^{1/2}\\right)',
  hypotheses: ['smooth', 'L_ge_1', 'lower_bound', 'eta_rule'],
  inputKind: 'lora-run',
  modes: RUN_MODES,
  comparisons<T>(F: Field<T>, input: LoraRunInput) {
    const { L, Lstar, records } = runAt(F, input);
    const { J: J0, Vsq: Vsq0 } = records[0]!;
    // J(V_0) < L* (lower_bound dropped): D_t is undefined; report the failing guard once.
    if (F.sign(F.sub(J0, Lstar)) === -1) return [t35Eta(F, { eta: records[0]!.eta, Vsq: Vsq0, L, J0, Lstar })];
    const out: Comparison<T>[] = [];
    for (const r of records) {
      const e = t35Eta(F, { eta: r.eta, Vsq: r.Vsq, L, J0, Lstar });
      const d = t35D(F, { t: r.t, Vsq: r.Vsq, Vsq0, L, J0, Lstar });
      out.push({ ...e, label: `t = ${r.t}: ${e.label}` }, { ...d, label: `t = ${r.t}: ${d.label}` });
    }
    return out;
  },
  nonTrivial: runNonTrivial,
  hypothesesHold: runHypotheses,
  scalar: {
    // One step t of the run, as the proof in A.4 sees it: the same two relations at the
    // scalars of V_t, from what holds along every run (facts proved elsewhere, by claim):
    // (23) at V_t (E23), J(V_t) <= J(V_0) ((9) summed, L34), J(V_t) >= L* (Assumption 3.2) and
    // the growth bound GV at T = t.
    vars: [
      { name: 'L', sign: 'positive', text: 'L' },
      { name: 'eta', sign: 'positive', text: 'eta_t (used when eta_rule is dropped)' },
      { name: 'Vsq', sign: 'nonneg', text: '||V_t||^2' },
      { name: 'Gn', sign: 'nonneg', text: '||G(V_t)||' },
      { name: 'Jt', sign: 'real', text: 'J(V_t)' },
      { name: 'J0', sign: 'real', text: 'J(V_0)' },
      { name: 'Lstar', sign: 'real', text: 'L*' },
      { name: 'Vsq0', sign: 'nonneg', text: '||V_0||^2' },
      { name: 't', sign: 'nonneg', text: 't' },
    ],
    at<T>(F: Field<T>, v: Readonly<Record<string, T>>, dropped: ReadonlySet<HypothesisName>) {
      const [L, etaFree, Vsq, Gn, Jt, J0, Lstar, Vsq0, t] = ['L', 'eta', 'Vsq', 'Gn', 'Jt', 'J0', 'Lstar', 'Vsq0', 't'].map((k) => v[k]!) as T[];
      // eta_t is (8) at V_t; a free variable only when `eta_rule` is dropped
      const eta = dropped.has('eta_rule') ? etaFree : eta8(F, { Vsq: Vsq!, Gnorm: Gn!, L: L! });
      const assumptions: Assumption<T>[] = [
        { from: 'lower_bound', cmp: { label: 'J(V_t) >= L*', lhs: Jt!, rel: '>=', rhs: Lstar! } },
        { from: '(23)', needs: ['smooth', 'lower_bound'], cmp: { label: '(23) ||G(V_t)||^2 <= 2L (J(V_t) - L*)', lhs: F.mul(Gn!, Gn!), rel: '<=', rhs: prod(F, F.fromInt(2), L!, F.sub(Jt!, Lstar!)) } },
        { from: '(9)', needs: ['smooth', 'L_ge_1', 'eta_rule'], cmp: { label: '(9) summed: J(V_t) <= J(V_0)', lhs: Jt!, rel: '<=', rhs: J0! } },
        { from: 'GV', needs: ['smooth', 'L_ge_1', 'lower_bound', 'eta_rule'], cmp: gvTotal(F, { Vsq_T: Vsq!, Vsq_0: Vsq0!, T: t!, L: L!, J0: J0!, Lstar: Lstar! }) },
      ];
      if (!dropped.has('L_ge_1')) assumptions.push({ from: 'L_ge_1', cmp: { label: 'L >= 1', lhs: L!, rel: '>=', rhs: F.one } });
      // lower_bound dropped: J(V_t) >= L* is no longer given
      const kept = assumptions.filter((a) => !(a.from === 'lower_bound' && dropped.has('lower_bound')));
      return {
        comparisons: [t35Eta(F, { eta: eta!, Vsq: Vsq!, L: L!, J0: J0!, Lstar: Lstar! }), t35D(F, { t: t!, Vsq: Vsq!, Vsq0: Vsq0!, L: L!, J0: J0!, Lstar: Lstar! })],
        assumptions: kept,
      };
    },
  },
};
