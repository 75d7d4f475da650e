/**
 * What summing over the steps t = 0..T-1 of a run gives, for the scalar forms of GV and (10)
 * (proof of Theorem 3.5, A.4): with S = sum_t eta_t ||grad J(V_t)||^2,
 *   (9) summed and telescoped:  S / 4 <= J(V_0) - J(V_T)        [smooth, L_ge_1, eta_rule]
 *   Assumption 3.2 at V_T:      J(V_T) >= L*                     [lower_bound]
 */
import type { Field } from '../../numeric/field.ts';
import type { Assumption, HypothesisName, ScalarVariable } from '../claim.ts';

export const TELESCOPE_VARS: readonly ScalarVariable[] = [
  { name: 'S', sign: 'nonneg', text: 'sum_t eta_t ||grad J(V_t)||^2' },
  { name: 'J0', sign: 'real', text: 'J(V_0)' },
  { name: 'JT', sign: 'real', text: 'J(V_T)' },
  { name: 'Lstar', sign: 'real', text: 'L*' },
];

export function telescoped<T>(F: Field<T>, v: Readonly<Record<string, T>>, dropped: ReadonlySet<HypothesisName>): Assumption<T>[] {
  const out: Assumption<T>[] = [
    { from: '(9)', needs: ['smooth', 'L_ge_1', 'eta_rule'], cmp: { label: '(9) summed: S/4 <= J(V_0) - J(V_T)', lhs: F.div(v.S!, F.fromInt(4)), rel: '<=', rhs: F.sub(v.J0!, v.JT!) } },
  ];
  if (!dropped.has('lower_bound')) out.push({ from: 'lower_bound', cmp: { label: 'J(V_T) >= L*', lhs: v.JT!, rel: '>=', rhs: v.Lstar! } });
  return out;
}
