/**
 * (18), proof of Lemma 3.4 (A.3): "since L >= 1",
 *   eta_t <= 1/(4(sqrt2 L ||V_t||^2 + sqrt2 L ||G||)) <= 1/(4(sqrt2 L ||V_t||^2 + ||G||)).
 *
 * L34.s18.a  eta_t <= first expression         [eta_rule]   ((8) rewritten)
 * L34.s18.b  first <= second                   [L_ge_1]     (needs sqrt2 L >= 1)
 */
import type { Claim } from '../claim.ts';
import type { LoraInput } from '../inputs.ts';
import { ETA, proofLine, type Expr } from '../_internals/proof-line.ts';
import { prod, recip, sum } from '../_internals/sides.ts';

const G = '\\|\\nabla\\mathcal{L}(E_1V_tV_t^TE_2)\\|';

/** 1/(4(sqrt2 L ||V_t||^2 + sqrt2 L ||G||)) */
const S18_1: Expr = {
  tex: `\\frac{1}{4(\\sqrt{2}L\\|V_t\\|^2 + \\sqrt{2}L${G})}`,
  text: '1/(4(sqrt2 L ||V||^2 + sqrt2 L ||G||))',
  at: (F, s) => recip(F, F.mul(F.fromInt(4), sum(F, F.mul(s.sL, s.Vsq), F.mul(s.sL, s.Gn)))),
};

/** 1/(4(sqrt2 L ||V_t||^2 + ||G||)) */
const S18_2: Expr = {
  tex: `\\frac{1}{4(\\sqrt{2}L\\|V_t\\|^2 + ${G})}`,
  text: '1/(4(sqrt2 L ||V||^2 + ||G||))',
  at: (F, s) => recip(F, prod(F, F.fromInt(4), F.add(F.mul(s.sL, s.Vsq), s.Gn))),
};

const paper = '(18), proof of Lemma 3.4';

export const L34s18: Claim<LoraInput>[] = [
  proofLine({
    id: 'L34.s18.a',
    paper,
    title: 'eta_t <= 1/(4(sqrt2 L ||V||^2 + sqrt2 L ||G||))',
    from: ETA,
    rel: '<=',
    to: S18_1,
    hypotheses: ['eta_rule'],
  }),
  proofLine({
    id: 'L34.s18.b',
    paper,
    title: '1/(4(sqrt2 L ||V||^2 + sqrt2 L ||G||)) <= 1/(4(sqrt2 L ||V||^2 + ||G||)), "since L >= 1"',
    from: S18_1,
    rel: '<=',
    to: S18_2,
    hypotheses: ['L_ge_1'],
    note: 'Needs sqrt2 L >= 1; the paper assumes L >= 1 (Assumption 3.1).',
  }),
];
