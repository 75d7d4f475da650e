/**
 * One printed relation of a proof chain over the scalars of Lemma 3.4's proof (A.3):
 * ||V_t||, ||G(V_t)||, ||grad J(V_t)||, L and eta_t. The scalars always come from a real V and
 * loss (so (19) holds among them), never drawn freely. Each printed expression is written once
 * as an `Expr` (its LaTeX, a plain-text form for labels, its value); a claim is then one
 * relation sign between two consecutive expressions of a chain, exactly as printed.
 */
import type { Field, Mode } from '../../numeric/field.ts';
import type { Assumption, Claim, HypothesisName, Relation, ScalarVariable } from '../claim.ts';
import type { LoraInput } from '../inputs.ts';
import { gradJNonzero, loraAt, loraHypotheses } from './lora-input.ts';
import { ALGEBRAIC_MODES } from './num.ts';
import { eta8 } from '../trace-sides.ts';
import { prod, relate, sqrt2, type Ext } from './sides.ts';

export interface Scalars<T> {
  L: T;
  /** sqrt2 L */
  sL: T;
  Vsq: T;
  Vn: T;
  Gsq: T;
  Gn: T;
  gJsq: T;
  gJn: T;
  /** eta_t: (8), or input.eta when `eta_rule` is dropped. */
  eta: T;
}

/** The scalars from the norms themselves (the scalar form below; scalarsOf computes the same
 *  from a V and a loss). */
function scalarsFrom<T>(F: Field<T>, v: { L: T; Vn: T; Gn: T; gJn: T; eta: T }): Scalars<T> {
  return {
    L: v.L,
    sL: F.mul(sqrt2(F), v.L),
    Vsq: F.mul(v.Vn, v.Vn),
    Vn: v.Vn,
    Gsq: F.mul(v.Gn, v.Gn),
    Gn: v.Gn,
    gJsq: F.mul(v.gJn, v.gJn),
    gJn: v.gJn,
    eta: v.eta,
  };
}

/** Variables of a proof line's scalar form. */
export const LINE_VARS: readonly ScalarVariable[] = [
  { name: 'L', sign: 'positive', text: 'L' },
  { name: 'Vn', sign: 'nonneg', text: '||V_t||' },
  { name: 'Gn', sign: 'nonneg', text: '||G(V_t)||' },
  { name: 'gJn', sign: 'nonneg', text: '||grad J(V_t)||' },
  { name: 'eta', sign: 'positive', text: 'eta_t (used when eta_rule is dropped)' },
];

/**
 * What holds among a proof line's scalars: (19) (claim E19, no hypotheses), and L >= 1 where
 * the line names `L_ge_1`. (eta_t is (8) itself unless `eta_rule` is dropped, see below.)
 */
function lineAssumptions<T>(F: Field<T>, s: Scalars<T>, hyps: readonly HypothesisName[], dropped: ReadonlySet<HypothesisName>): Assumption<T>[] {
  const out: Assumption<T>[] = [
    { from: '(19)', cmp: { label: '(19) ||grad J|| <= 2 ||G|| ||V||', lhs: s.gJn, rel: '<=', rhs: prod(F, F.fromInt(2), s.Gn, s.Vn) } },
  ];
  if (hyps.includes('L_ge_1') && !dropped.has('L_ge_1')) out.push({ from: 'L_ge_1', cmp: { label: 'L >= 1', lhs: s.L, rel: '>=', rhs: F.one } });
  return out;
}

function scalarsOf<T>(F: Field<T>, input: LoraInput): Scalars<T> {
  const { L, point: p, eta } = loraAt(F, input);
  return {
    L,
    sL: F.mul(sqrt2(F), L),
    Vsq: p.Vsq,
    Vn: F.sqrt(p.Vsq),
    Gsq: p.Gsq,
    Gn: p.Gnorm,
    gJsq: p.gradJsq,
    gJn: F.sqrt(p.gradJsq),
    eta,
  };
}

/** A printed expression: LaTeX, plain text (labels) and value (+infinity allowed). */
export interface Expr {
  tex: string;
  text: string;
  at<T>(F: Field<T>, s: Scalars<T>): Ext<T>;
}

export const ETA: Expr = { tex: '\\eta_t', text: 'eta_t', at: (_F, s) => s.eta };

interface LineSpec {
  id: string;
  paper: string;
  title: string;
  from: Expr;
  rel: Relation;
  /** What the relation sign is annotated with in print, e.g. "(19)". */
  by?: string;
  to: Expr;
  hypotheses: readonly HypothesisName[];
  correctedOf?: string;
  note?: string;
}

const REL_TEX: Record<Relation, string> = { '<=': '\\leq', '>=': '\\geq', '=': '=' };

export function proofLine(spec: LineSpec, modes: readonly Mode[] = ALGEBRAIC_MODES): Claim<LoraInput> {
  const relTex = spec.by ? `\\stackrel{${spec.by}}{${REL_TEX[spec.rel]}}` : REL_TEX[spec.rel];
  const label = `${spec.from.text} ${spec.rel}${spec.by ? ` by ${spec.by}` : ''} ${spec.to.text}`;
  return {
    id: spec.id,
    paper: spec.paper,
    title: spec.title,
    latex: `${spec.from.tex} ${relTex} ${spec.to.tex}`,
    hypotheses: spec.hypotheses,
    inputKind: 'lora',
    modes,
    ...(spec.correctedOf ? { correctedOf: spec.correctedOf } : {}),
    ...(spec.note ? { note: spec.note } : {}),
    comparisons<T>(F: Field<T>, input: LoraInput) {
      const s = scalarsOf(F, input);
      return [relate(F, label, spec.from.at(F, s), spec.rel, spec.to.at(F, s))];
    },
    scalar: {
      vars: LINE_VARS,
      at<T>(F: Field<T>, v: Readonly<Record<string, T>>, dropped: ReadonlySet<HypothesisName>) {
        // eta_t is (8) of the other scalars (as in scalarsOf), a free variable only when the
        // line names `eta_rule` and it is dropped
        const free = spec.hypotheses.includes('eta_rule') && dropped.has('eta_rule');
        const eta = free ? v.eta! : eta8(F, { Vsq: F.mul(v.Vn!, v.Vn!), Gnorm: v.Gn!, L: v.L! });
        const s = scalarsFrom(F, { L: v.L!, Vn: v.Vn!, Gn: v.Gn!, gJn: v.gJn!, eta });
        return {
          comparisons: [relate(F, label, spec.from.at(F, s), spec.rel, spec.to.at(F, s))],
          assumptions: lineAssumptions(F, s, spec.hypotheses, dropped),
        };
      },
    },
    // grad J(V) != 0 implies V != 0 and G != 0: every printed denominator is then nonzero.
    nonTrivial: (input) => gradJNonzero(input.loss, input.V),
    hypothesesHold: (input) => loraHypotheses(input.loss, input.eta !== undefined),
  };
}
