/**
 * A user's loss with the constants a run states for it (`--loss EXPR [--L V] [--Lstar V]`):
 * - L: the user's --L as given; else the certified upper bound of sup |f''|
 *   (numeric/expr/bounds.ts), refused (LossSetupError) when f'' grows without bound or cannot
 *   be bounded: then the user must state --L.
 * - Lstar per entry (L* = s m n Lstar for an m x n W): the user's --Lstar; else the certified
 *   lower bound of inf f, refused when f is unbounded below.
 * - f, f' and f'' must be finite where the generators go (else LossSetupError naming the point).
 * Used by the property generators (properties/user-loss.ts) and the trainer's workload
 * (gpu-runs/workloads/expr.ts).
 */
import { Rational } from '../rational.ts';
import { exprAnalysis, exprNeedsPrecise, LossExprError } from '../losses/expression.ts';
import type { BoundResult, LossAnalysis } from './bounds.ts';
import { parseLoss } from './parse.ts';

export interface UserLoss {
  /** f(w, c) in mathjs syntax. */
  expr: string;
  /** Stated smoothness constant (a decimal or p/q), when given. */
  L?: string;
  /** Stated lower bound of f (per entry), when given. */
  Lstar?: string;
}

/** A loss that cannot be used as given: one line for the CLI (exit 2). */
export class LossSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LossSetupError';
  }
}

export interface ResolvedLoss {
  expr: string;
  tex: string;
  /** f' and f'' as mathjs derived them. */
  df: string;
  d2f: string;
  dfTex: string;
  d2fTex: string;
  /** The reference constant: certified sup |f''| (upper bound), or the user's L where none exists. */
  Lref: Rational;
  /** The user's L, when given (stated as is while `smooth` and `L_ge_1` are kept). */
  Lstated?: Rational;
  /** Lower bound of f per entry: the user's Lstar, else the certified lower bound of inf f. */
  LstarEntry: Rational;
  LstarStated: boolean;
  analysis: LossAnalysis;
  /** Whether the loss needs exp/log/trig (then not the exact mode). */
  precise: boolean;
  /** Lines a command prints before it starts (what is certified, what is assumed). */
  notes: string[];
}

function parseNumber(flag: string, s: string): Rational {
  try {
    return Rational.parse(s);
  } catch {
    throw new LossSetupError(`flag ${flag} must be a number (a decimal or p/q), got "${s}"`);
  }
}

function encl(b: BoundResult): string {
  return b.hi !== null && b.lo.eq(b.hi) ? b.lo.toString() : `[${b.lo.toString()}, ${b.hi === null ? 'inf' : b.hi.toString()}]`;
}

const cache = new Map<string, ResolvedLoss>();

/** Parses, analyses and fixes the constants of a user's loss; throws LossSetupError with one line. */
export function resolveUserLoss(u: UserLoss): ResolvedLoss {
  const key = JSON.stringify([u.expr, u.L, u.Lstar]);
  const hit = cache.get(key);
  if (hit) return hit;
  let p;
  try {
    p = parseLoss(u.expr);
  } catch (e) {
    if (e instanceof LossExprError) throw new LossSetupError(e.message);
    throw e;
  }
  const Lstated = u.L !== undefined ? parseNumber('--L', u.L) : undefined;
  if (Lstated && Lstated.sign() <= 0) throw new LossSetupError(`flag --L must be > 0, got ${u.L}`);
  const LstarUser = u.Lstar !== undefined ? parseNumber('--Lstar', u.Lstar) : undefined;
  const a = exprAnalysis({ expr: p.text, C: { rows: 0, cols: 0, data: [] } });
  const where = `loss "${p.text}"`;
  if (a.gradientProblem) throw new LossSetupError(`${where}: ${a.gradientProblem}`);
  if (a.lower.status === 'undefined') throw new LossSetupError(`${where}: ${a.lower.note}`);
  if (a.smooth.status === 'undefined') throw new LossSetupError(`${where}: ${a.smooth.note}`);
  const notes: string[] = [];
  let Lref: Rational;
  if (a.smooth.status === 'bounded') {
    Lref = a.smooth.hi!;
    notes.push(`sup |f''| = ${encl(a.smooth)} (${a.smooth.note}, at ${a.smooth.at})`);
  } else if (Lstated) {
    Lref = Lstated;
    notes.push(`sup |f''|: ${a.smooth.note}; the loss is not globally smooth: L = ${u.L} is your statement, not certified`);
  } else
    throw new LossSetupError(
      `${where}: the loss is not globally smooth: ${a.smooth.note}; state a constant with --L (the claims assuming \`smooth\` are then checked with it)`,
    );
  if (Lstated && a.smooth.status === 'bounded' && Lstated.lt(a.smooth.lo))
    notes.push(`--L ${u.L} is below sup |f''| >= ${a.smooth.lo.toString()} (certified): \`smooth\` does not hold; expect the claims that assume it to fail`);
  let LstarEntry: Rational;
  if (LstarUser) {
    LstarEntry = LstarUser;
    if (a.lower.status === 'bounded' && a.lower.hi !== null && LstarUser.cmp(a.lower.hi) > 0)
      notes.push(`--Lstar ${u.Lstar} is above inf f <= ${a.lower.hi.toString()} (certified): \`lower_bound\` does not hold`);
  } else if (a.lower.status === 'bounded') {
    LstarEntry = a.lower.lo;
    notes.push(`inf f = ${encl(a.lower)} (${a.lower.note}); L* = m n x ${a.lower.lo.toString()}`);
  } else
    throw new LossSetupError(`${where}: ${a.lower.note}: Assumption 3.2 fails; state a lower bound with --Lstar to check the claims anyway`);
  const out: ResolvedLoss = {
    expr: p.text,
    tex: p.tex,
    df: p.dfText,
    d2f: p.d2fText,
    dfTex: p.dfTex,
    d2fTex: p.d2fTex,
    Lref,
    ...(Lstated ? { Lstated } : {}),
    LstarEntry,
    LstarStated: LstarUser !== undefined,
    analysis: a,
    precise: exprNeedsPrecise(p.text),
    notes,
  };
  cache.set(key, out);
  return out;
}

