/**
 * (22), proof of Lemma 3.4 (A.3).
 *
 * The displayed AM-GM chain, "by (13) of Lemma A.1 with w1 = 1, w2 = 2, x1 = 4 sqrt2 ||V_t||^2,
 * x2 = ||G||" (the text omits L from x1; the display has it and is what is encoded):
 *   4 sqrt2 L ||V_t||^2 + 2 ||G|| >= 3 (4 sqrt2 L ||V_t||^2 ||G||)^{1/3}            L34.s22.amgm1
 *                                 >=(19) 3 (4 sqrt2 L ||grad J||^2 / 4)^{1/3}       L34.s22.amgm2
 *                                 = 3 (sqrt2 L ||grad J||^2)^{1/3}                   L34.s22.amgm3
 * With w1 = 1, w2 = 2, (13) gives x1 + 2 x2 >= 3 (x1 x2^2)^{1/3}: ||G||^2, not ||G||. As printed,
 * amgm1 fails for small values (x1 = x2 = 1/1000: 0.003 < 0.03) and amgm2 (which needs
 * ||grad J||^2 <= 4 ||V||^2 ||G||) fails when ||G|| > 1 and grad J is near the bound (19).
 * Both are kept as printed; the `.corrected` claims use ||G||^2 and hold.
 *
 * The step-size chain (22):
 *   eta_t <= 1/(4 sqrt2 L ||V_t||^2 + 4 sqrt2 L ||G||)     L34.s22.a  [eta_rule]
 *         <= 1/(4 sqrt2 L ||V_t||^2 + 2 ||G||)             L34.s22.b  [L_ge_1] (needs 4 sqrt2 L >= 2)
 *         <= (1/(27 sqrt2 L ||grad J||^2))^{1/3}           L34.s22.c  [] (true: corrected AM-GM + (19))
 *         <= (1/(sqrt2 L ||grad J||^2))^{1/3}              L34.s22.d  []
 */
import type { Field } from '../../numeric/field.ts';
import type { Claim } from '../claim.ts';
import type { LoraInput } from '../inputs.ts';
import { ETA, proofLine, type Expr, type Scalars } from '../_internals/proof-line.ts';
import { EQUALITY_MODES } from '../_internals/num.ts';
import { prod, recip, rootOfRecip } from '../_internals/sides.ts';

const G = '\\|\\nabla \\mathcal{L}(E_1 V_t V_t^T E_2)\\|';
const GJ = '\\|\\nabla \\mathcal{J}(V_t)\\|';

/** x1 = 4 sqrt2 L ||V_t||^2 (the display's x1). */
const x1 = <T>(F: Field<T>, s: Scalars<T>): T => prod(F, F.fromInt(4), s.sL, s.Vsq);
/** 3 * cbrt(x). */
const threeCbrt = <T>(F: Field<T>, x: T): T => F.mul(F.fromInt(3), F.cbrt(x));

const AM: Expr = {
  tex: `4\\sqrt{2}L\\|V_t\\|^2 + 2${G}`,
  text: '4 sqrt2 L ||V||^2 + 2 ||G||',
  at: (F, s) => F.add(x1(F, s), F.mul(F.fromInt(2), s.Gn)),
};

const GM_PRINTED: Expr = {
  tex: `3 \\left(4\\sqrt{2}L\\|V_t\\|^2 ${G} \\right)^{1/3}`,
  text: '3 (4 sqrt2 L ||V||^2 ||G||)^(1/3)',
  at: (F, s) => threeCbrt(F, F.mul(x1(F, s), s.Gn)),
};

const GM_CORRECTED: Expr = {
  tex: `3 \\left(4\\sqrt{2}L\\|V_t\\|^2 ${G}^2 \\right)^{1/3}`,
  text: '3 (4 sqrt2 L ||V||^2 ||G||^2)^(1/3)',
  at: (F, s) => threeCbrt(F, F.mul(x1(F, s), s.Gsq)),
};

const GJ_QUARTER: Expr = {
  tex: `3 \\left(\\frac{4\\sqrt{2}L${GJ}^2}{4} \\right)^{1/3}`,
  text: '3 (4 sqrt2 L ||grad J||^2 / 4)^(1/3)',
  at: (F, s) => threeCbrt(F, F.div(prod(F, F.fromInt(4), s.sL, s.gJsq), F.fromInt(4))),
};

const GJ_CBRT: Expr = {
  tex: `3(\\sqrt{2}L${GJ}^2)^{1/3}`,
  text: '3 (sqrt2 L ||grad J||^2)^(1/3)',
  at: (F, s) => threeCbrt(F, F.mul(s.sL, s.gJsq)),
};

const S22_1: Expr = {
  tex: `\\frac{1}{4\\sqrt{2}L\\|V_t\\|^2 + 4\\sqrt{2}L${G}}`,
  text: '1/(4 sqrt2 L ||V||^2 + 4 sqrt2 L ||G||)',
  at: (F, s) => recip(F, F.add(x1(F, s), prod(F, F.fromInt(4), s.sL, s.Gn))),
};

const S22_2: Expr = {
  tex: `\\frac{1}{4\\sqrt{2}L\\|V_t\\|^2 + 2${G}}`,
  text: '1/(4 sqrt2 L ||V||^2 + 2 ||G||)',
  at: (F, s) => recip(F, F.add(x1(F, s), F.mul(F.fromInt(2), s.Gn))),
};

const S22_3: Expr = {
  tex: `\\left(\\frac{1}{27\\sqrt{2}L${GJ}^2} \\right)^{1/3}`,
  text: '(1/(27 sqrt2 L ||grad J||^2))^(1/3)',
  at: (F, s) => rootOfRecip(F, prod(F, F.fromInt(27), s.sL, s.gJsq), 3),
};

const S22_4: Expr = {
  tex: `\\left(\\frac{1}{\\sqrt{2}L${GJ}^2} \\right)^{1/3}`,
  text: '(1/(sqrt2 L ||grad J||^2))^(1/3)',
  at: (F, s) => rootOfRecip(F, F.mul(s.sL, s.gJsq), 3),
};

const AMGM_PAPER = '(22), AM-GM step in the proof of Lemma 3.4';
const X1_NOTE = 'The text sets x1 = 4 sqrt2 ||V_t||^2 (no L); the display, encoded here, has 4 sqrt2 L ||V_t||^2.';

export const L34s22: Claim<LoraInput>[] = [
  proofLine({
    id: 'L34.s22.amgm1',
    paper: `${AMGM_PAPER}, first line`,
    title: '4 sqrt2 L ||V||^2 + 2 ||G|| >= 3 (4 sqrt2 L ||V||^2 ||G||)^(1/3), as printed',
    from: AM,
    rel: '>=',
    to: GM_PRINTED,
    hypotheses: [],
    note: `Printed with ||G||; (13) with w1 = 1, w2 = 2 gives x1 + 2 x2 >= 3 (x1 x2^2)^(1/3), i.e. ||G||^2. As printed it fails for small values (x1 = x2 = 1/1000). ${X1_NOTE}`,
  }),
  proofLine({
    id: 'L34.s22.amgm1.corrected',
    paper: `${AMGM_PAPER}, first line (corrected)`,
    title: '4 sqrt2 L ||V||^2 + 2 ||G|| >= 3 (4 sqrt2 L ||V||^2 ||G||^2)^(1/3)',
    from: AM,
    rel: '>=',
    to: GM_CORRECTED,
    hypotheses: [],
    correctedOf: 'L34.s22.amgm1',
    note: '(13) with w1 = 1, w2 = 2, x1 = 4 sqrt2 L ||V_t||^2, x2 = ||G||: the geometric mean is (x1 x2^2)^(1/3).',
  }),
  proofLine({
    id: 'L34.s22.amgm2',
    paper: `${AMGM_PAPER}, second line`,
    title: '3 (4 sqrt2 L ||V||^2 ||G||)^(1/3) >= 3 (4 sqrt2 L ||grad J||^2 / 4)^(1/3), by (19), as printed',
    from: GM_PRINTED,
    rel: '>=',
    by: '(19)',
    to: GJ_QUARTER,
    hypotheses: [],
    note: 'Needs ||grad J||^2 <= 4 ||V||^2 ||G||, but (19) gives ||grad J||^2 <= 4 ||V||^2 ||G||^2: fails when ||G|| > 1 and grad J is near the bound (19).',
  }),
  proofLine({
    id: 'L34.s22.amgm2.corrected',
    paper: `${AMGM_PAPER}, second line (corrected)`,
    title: '3 (4 sqrt2 L ||V||^2 ||G||^2)^(1/3) >= 3 (4 sqrt2 L ||grad J||^2 / 4)^(1/3), by (19)',
    from: GM_CORRECTED,
    rel: '>=',
    by: '(19)',
    to: GJ_QUARTER,
    hypotheses: [],
    correctedOf: 'L34.s22.amgm2',
    note: 'With ||G||^2 the step is (19) squared: ||grad J||^2 <= 4 ||G||^2 ||V||^2.',
  }),
  proofLine({
    id: 'L34.s22.amgm3',
    paper: `${AMGM_PAPER}, third line`,
    title: '3 (4 sqrt2 L ||grad J||^2 / 4)^(1/3) = 3 (sqrt2 L ||grad J||^2)^(1/3)',
    from: GJ_QUARTER,
    rel: '=',
    to: GJ_CBRT,
    hypotheses: [],
  }, EQUALITY_MODES),
  proofLine({
    id: 'L34.s22.a',
    paper: '(22), proof of Lemma 3.4',
    title: 'eta_t <= 1/(4 sqrt2 L ||V||^2 + 4 sqrt2 L ||G||)',
    from: ETA,
    rel: '<=',
    to: S22_1,
    hypotheses: ['eta_rule'],
  }),
  proofLine({
    id: 'L34.s22.b',
    paper: '(22), proof of Lemma 3.4',
    title: '1/(4 sqrt2 L ||V||^2 + 4 sqrt2 L ||G||) <= 1/(4 sqrt2 L ||V||^2 + 2 ||G||)',
    from: S22_1,
    rel: '<=',
    to: S22_2,
    hypotheses: ['L_ge_1'],
    note: 'Needs 4 sqrt2 L >= 2, i.e. L >= 1/(2 sqrt2); the paper assumes L >= 1.',
  }),
  proofLine({
    id: 'L34.s22.c',
    paper: '(22), proof of Lemma 3.4',
    title: '1/(4 sqrt2 L ||V||^2 + 2 ||G||) <= (1/(27 sqrt2 L ||grad J||^2))^(1/3)',
    from: S22_2,
    rel: '<=',
    to: S22_3,
    hypotheses: [],
    note: 'True although the printed AM-GM chain above it is not: the corrected chain gives it.',
  }),
  proofLine({
    id: 'L34.s22.d',
    paper: '(22), proof of Lemma 3.4',
    title: '(1/(27 sqrt2 L ||grad J||^2))^(1/3) <= (1/(sqrt2 L ||grad J||^2))^(1/3)',
    from: S22_3,
    rel: '<=',
    to: S22_4,
    hypotheses: [],
  }),
];
