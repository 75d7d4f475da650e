/**
 * A user's own elementwise loss L(W) = s sum_ij f(W_ij, C_ij), f written in mathjs syntax
 * (numeric/expr/parse.ts), e.g. log(cosh(w - c)). One more family beside the separable ones
 * (numeric/losses/separable.ts): the gradient is s f'(W_ij, C_ij) from mathjs' symbolic
 * derivative, and both trees are evaluated over the field of the mode (numeric/expr/evaluate.ts):
 * exact when f uses only + - * /, powers and roots; precise intervals for exp/log/trig; float64
 * for screening.
 *
 * Its true constants come from numeric/expr/bounds.ts: the Hessian is diagonal with entries
 * s f''(W_ij, C_ij), so the best constant of (4) is s sup |f''|, and inf L >= s m n inf f.
 * Both are certified enclosures [lo, hi] (exact when lo = hi), over the domain the analysis names.
 */
import { ModeError, type Field, type Num } from '../field.ts';
import type { ExprLoss, Loss } from '../loss.ts';
import { lift, type Matrix } from '../matrix.ts';
import { Rational } from '../rational.ts';
import { analyzeLoss, C_MAX, type LossAnalysis } from '../expr/bounds.ts';
import { evaluatorFor } from '../expr/evaluate.ts';
import { LossExprError, parseLoss, type ParsedLoss } from '../expr/parse.ts';
import { checkMatrix, checkNum, checkPositive, checkSize, exactProduct, numAbs, toRational, type Ctx } from './num.ts';

export { LossExprError };

function parsed(desc: Pick<ExprLoss, 'expr'>, c: Ctx): ParsedLoss {
  if (typeof desc.expr !== 'string') throw new RangeError(`${c.fn}: ${c.kind} expr must be a string, got ${typeof desc.expr}`);
  try {
    return parseLoss(desc.expr);
  } catch (e) {
    if (e instanceof LossExprError) throw new RangeError(`${c.fn}: ${c.kind} expr: ${e.message}`);
    throw e;
  }
}

export function validateExpr(desc: ExprLoss, c: Ctx): ExprLoss {
  const m = checkSize(c, 'm', desc.m);
  const n = checkSize(c, 'n', desc.n);
  parsed(desc, c);
  checkPositive(c, 's', desc.s);
  checkMatrix(c, 'C', desc.C, m, n);
  checkPositive(c, 'L', desc.L);
  checkNum(c, 'Lstar', desc.Lstar);
  return desc;
}

/** The c-box of the analysis: [-128, 128] unless some entry of C lies outside (then the next power of two). */
function cBoxOf(C: Matrix<Num>): number {
  let top = 0;
  for (const x of C.data) {
    const a = numAbs(x);
    const v = typeof a === 'number' ? a : a.toNumber();
    if (v > top) top = v;
  }
  let box = C_MAX;
  while (box < top) box *= 2;
  return box;
}

/** The certified analysis of the descriptor's f (cached per expression and c-box). */
export function exprAnalysis(desc: Pick<ExprLoss, 'expr' | 'C'>): LossAnalysis {
  return analyzeLoss(parsed(desc, { fn: 'exprAnalysis', kind: 'field' }), cBoxOf(desc.C));
}

interface ExprArgs {
  expr: string;
  m: number;
  n: number;
  C: Matrix<Num>;
  /** Scale s > 0 (default 1). */
  s?: Num;
  L: Num;
  Lstar: Num;
}

export function exprLoss(args: ExprArgs): ExprLoss {
  const desc: ExprLoss = { family: 'expr', expr: args.expr.trim(), m: args.m, n: args.n, s: args.s ?? Rational.ONE, C: args.C, L: args.L, Lstar: args.Lstar };
  return validateExpr(desc, { fn: 'exprLoss', kind: 'argument' });
}

/** Whether the loss needs exp/log/trig (then not the exact field). */
export function exprNeedsPrecise(expr: string): boolean {
  return parseLoss(expr).transcendental;
}

export function exprOver<T>(F: Field<T>, desc: ExprLoss): Loss<T> {
  validateExpr(desc, { fn: 'lossOver(expr)', kind: 'field' });
  const p = parseLoss(desc.expr);
  if (F.mode === 'exact' && p.transcendental)
    throw new ModeError(`lossOver: loss ${desc.expr} needs exp/log/trig; use the precise or float64 mode`);
  const ev = evaluatorFor(F);
  const { m, n } = desc;
  const s = F.lift(desc.s);
  const C = lift(F, desc.C);
  const check = (W: Matrix<T>, fn: string) => {
    if (W.rows !== m || W.cols !== n) throw new RangeError(`${fn}: argument W must be ${m} x ${n}, got ${W.rows} x ${W.cols}`);
  };
  return {
    m,
    n,
    L: F.lift(desc.L),
    Lstar: F.lift(desc.Lstar),
    value: (W) => {
      check(W, 'expr.value');
      let sum = F.zero;
      for (let k = 0; k < W.data.length; k++) sum = F.add(sum, ev(p.f, { w: W.data[k]!, c: C.data[k]! }));
      return F.mul(s, sum);
    },
    grad: (W) => {
      check(W, 'expr.grad');
      return { rows: m, cols: n, data: W.data.map((w, k) => F.mul(s, ev(p.df, { w, c: C.data[k]! }))) };
    },
  };
}

/** s sup |f''| as the analysis bounds it: [lower, upper] (upper null when unbounded). */
export function exprSmoothness(desc: ExprLoss): { lower: Rational; upper: Rational | null; note: string } {
  const a = exprAnalysis(desc).smooth;
  if (a.status === 'undefined') throw new RangeError(`smoothnessInfo: ${a.note}`);
  const s = toRational(desc.s);
  return { lower: a.lo.mul(s), upper: a.hi === null ? null : a.hi.mul(s), note: `s sup|f''|, ${a.note}` };
}

/** s m n inf f as the analysis bounds it: [lower, upper] (lower null when unbounded below). */
export function exprInfimum(desc: ExprLoss): { lower: Rational | null; upper: Rational | null; note: string } {
  const a = exprAnalysis(desc).lower;
  if (a.status === 'undefined') throw new RangeError(`infimumInfo: ${a.note}`);
  const k = exactProduct(desc.s, desc.m, desc.n);
  return {
    lower: a.status === 'bounded' ? a.lo.mul(k) : null,
    upper: a.hi === null ? null : a.hi.mul(k),
    note: `s m n inf f, ${a.note}`,
  };
}

