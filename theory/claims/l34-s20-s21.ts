/**
 * (20)-(21), proof of Lemma 3.4 (A.3): with 1/(a + b) <= 1/(2 sqrt(ab)) from (14) and then (19),
 *   eta_t <= 1/(4 sqrt2 L ||V_t||^2 + 4 ||G||)
 *         <= (1/(64 sqrt2 L ||V_t||^2 ||G||))^{1/2}
 *         <=(19) (1/(32 sqrt2 L ||V_t|| ||grad J(V_t)||))^{1/2}          (20)
 *         <= (1/(4 sqrt2 L ||grad J(V_t)|| ||V_t||))^{1/2}.              (21)
 *
 * L34.s20.a  eta_t <= 1/(4 sqrt2 L ||V||^2 + 4 ||G||)     [eta_rule, L_ge_1] (needs sqrt2 L >= 1)
 * L34.s20.b  ... <= (1/(64 sqrt2 L ||V||^2 ||G||))^{1/2}   [] (AM-GM (14))
 * L34.s20.c  ... <=(19) (1/(32 sqrt2 L ||V|| ||grad J||))^{1/2}  [] ((19))
 * L34.s21.a  ... <= (1/(4 sqrt2 L ||grad J|| ||V||))^{1/2}  []
 * Expressions with a zero denominator are +infinity; such relations hold vacuously.
 */
import type { Claim } from '../claim.ts';
import type { LoraInput } from '../inputs.ts';
import { ETA, proofLine, type Expr } from '../_internals/proof-line.ts';
import { prod, recip, rootOfRecip } from '../_internals/sides.ts';

const G = '\\|\\nabla \\mathcal{L}(E_1 V_t V_t^T E_2)\\|';
const GJ = '\\|\\nabla \\mathcal{J}(V_t)\\|';

const S20_1: Expr = {
  tex: `\\frac{1}{4\\sqrt{2}L\\|V_t\\|^2 + 4${G}}`,
  text: '1/(4 sqrt2 L ||V||^2 + 4 ||G||)',
  at: (F, s) => recip(F, F.add(prod(F, F.fromInt(4), s.sL, s.Vsq), F.mul(F.fromInt(4), s.Gn))),
};

const S20_2: Expr = {
  tex: `\\left(\\frac{1}{64\\sqrt{2}L\\|V_t\\|^2 ${G}}\\right)^{1/2}`,
  text: '(1/(64 sqrt2 L ||V||^2 ||G||))^(1/2)',
  at: (F, s) => rootOfRecip(F, prod(F, F.fromInt(64), s.sL, s.Vsq, s.Gn), 2),
};

/** Last expression of (20); (21) continues the same chain from it. */
const S20_3: Expr = {
  tex: `\\left(\\frac{1}{32\\sqrt{2}L\\|V_t\\| ${GJ}}\\right)^{1/2}`,
  text: '(1/(32 sqrt2 L ||V|| ||grad J||))^(1/2)',
  at: (F, s) => rootOfRecip(F, prod(F, F.fromInt(32), s.sL, s.Vn, s.gJn), 2),
};

const S21: Expr = {
  tex: `\\left(\\frac{1}{4\\sqrt{2}L${GJ} \\|V_t\\|}\\right)^{1/2}`,
  text: '(1/(4 sqrt2 L ||grad J|| ||V||))^(1/2)',
  at: (F, s) => rootOfRecip(F, prod(F, F.fromInt(4), s.sL, s.gJn, s.Vn), 2),
};

export const L34s20: Claim<LoraInput>[] = [
  proofLine({
    id: 'L34.s20.a',
    paper: '(20), proof of Lemma 3.4',
    title: 'eta_t <= 1/(4 sqrt2 L ||V||^2 + 4 ||G||)',
    from: ETA,
    rel: '<=',
    to: S20_1,
    hypotheses: ['eta_rule', 'L_ge_1'],
    note: 'From (8) this needs sqrt2 L >= 1 (L >= 1 in the paper).',
  }),
  proofLine({
    id: 'L34.s20.b',
    paper: '(20), proof of Lemma 3.4',
    title: '1/(4 sqrt2 L ||V||^2 + 4 ||G||) <= (1/(64 sqrt2 L ||V||^2 ||G||))^(1/2), by (14)',
    from: S20_1,
    rel: '<=',
    to: S20_2,
    hypotheses: [],
  }),
  proofLine({
    id: 'L34.s20.c',
    paper: '(20), proof of Lemma 3.4',
    title: '(1/(64 sqrt2 L ||V||^2 ||G||))^(1/2) <= (1/(32 sqrt2 L ||V|| ||grad J||))^(1/2), by (19)',
    from: S20_2,
    rel: '<=',
    by: '(19)',
    to: S20_3,
    hypotheses: [],
  }),
];

export const L34s21: Claim<LoraInput>[] = [
  proofLine({
    id: 'L34.s21.a',
    paper: '(21), proof of Lemma 3.4',
    title: '(1/(32 sqrt2 L ||V|| ||grad J||))^(1/2) <= (1/(4 sqrt2 L ||grad J|| ||V||))^(1/2)',
    from: S20_3,
    rel: '<=',
    to: S21,
    hypotheses: [],
  }),
];
