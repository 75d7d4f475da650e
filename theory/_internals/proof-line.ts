/**
 * One printed relation of a proof chain over the scalars of Lemma 3.4's proof (A.3):
 * ||V_t||, ||G(V_t)||, ||grad J(V_t)||, L and eta_t. The scalars always come from a real V and
 * loss (so (19) holds among them), never drawn freely. Each printed expression is written once
 * as an `Expr` (its LaTeX, a plain-text form for labels, its value); a claim is then one
 * relation sign between two consecutive expressions of a chain, exactly as printed.
 */
import type { Field, Mode } from '../../numeric/field.ts';
import type { Claim, HypothesisName, Relation } from '../claim.ts';
import type { LoraInput } from '../inputs.ts';
import { gradJNonzero, loraAt, loraHypotheses } from './lora-input.ts';
import { ALGEBRAIC_MODES } from './num.ts';
import { relate, sqrt2, type Ext } from './sides.ts';

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

export function scalarsOf<T>(F: Field<T>, input: LoraInput): Scalars<T> {
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

export interface LineSpec {
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
    // grad J(V) != 0 implies V != 0 and G != 0: every printed denominator is then nonzero.
    nonTrivial: (input) => gradJNonzero(input.loss, input.V),
    hypothesesHold: (input) => loraHypotheses(input.loss, input.eta !== undefined),
  };
}
