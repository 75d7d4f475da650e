/**
 * The user's own loss (`--loss EXPR [--L V] [--Lstar V]`): part of a run's configuration like
 * its seed, set once by the command and read by the loss generators (losses.ts), the replay
 * commands and the result files. Worker threads inherit it through the environment variable
 * LORACHECK_LOSS (JSON), which `setUserLoss` writes before any worker starts.
 *
 * `resolveUserLoss` turns it into the constants the generators state:
 * - L: the user's --L as given; else the certified upper bound of sup |f''|
 *   (numeric/expr/bounds.ts), refused (LossSetupError, exit 2) when f'' grows without bound or
 *   cannot be bounded: then the user must state --L.
 * - Lstar per entry (L* = s m n Lstar for an m x n W): the user's --Lstar; else the certified
 *   lower bound of inf f, refused when f is unbounded below.
 * - f, f' and f'' must be finite where the generators go (else LossSetupError naming the point).
 *
 * @remarks Since 0.2.0
 */
import { exprAnalysis, exprNeedsPrecise, LossExprError } from '../numeric/losses/index.ts';
import { parseLoss } from '../numeric/expr/parse.ts';
import type { BoundResult, LossAnalysis } from '../numeric/expr/bounds.ts';
import { Rational } from '../numeric/rational.ts';
import type { Mode } from '../numeric/field.ts';
import type { Claim, InputKind } from '../theory/claim.ts';
import type { CertifiedBound, UserLossInfo } from '../theory/results.ts';

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

const ENV = 'LORACHECK_LOSS';
let current: UserLoss | null | undefined;

/** Sets (or clears) the run's loss; worker threads started afterwards see it too. */
export function setUserLoss(u: UserLoss | undefined): void {
  current = u ?? null;
  if (u) process.env[ENV] = JSON.stringify(u);
  else delete process.env[ENV];
}

/** The run's loss, if any (from setUserLoss, or inherited through the environment). */
export function userLoss(): UserLoss | undefined {
  if (current === undefined) {
    const raw = process.env[ENV];
    current = null;
    if (raw) {
      try {
        const u = JSON.parse(raw) as UserLoss;
        if (u && typeof u.expr === 'string') current = u;
      } catch {
        current = null;
      }
    }
  }
  return current ?? undefined;
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

/** ` --loss 'EXPR' [--L V] [--Lstar V]` for replay commands (empty without a user loss). */
export function lossFlags(u: UserLoss | undefined = userLoss()): string {
  if (!u) return '';
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return ` --loss ${q(u.expr)}${u.L !== undefined ? ` --L ${u.L}` : ''}${u.Lstar !== undefined ? ` --Lstar ${u.Lstar}` : ''}`;
}

/** Claims whose input carries the one-matrix loss L(W) (the others do not involve it). */
const LOSS_KINDS: ReadonlySet<InputKind> = new Set<InputKind>(['lora', 'lora-pair', 'loss-point', 'lora-run']);

/** Why a claim cannot run on the user's loss (undefined: it can, or no loss is set). */
export function lossSkipReason(claim: Claim): string | undefined {
  const u = userLoss();
  if (!u) return undefined;
  if (!LOSS_KINDS.has(claim.inputKind)) return 'does not involve the loss L(W)';
  if (exprNeedsPrecise(u.expr) && !claim.modes.includes('precise'))
    return `decided in exact arithmetic only (modes ${claim.modes.join(', ')}), which the loss's exp/log/trig rule out`;
  return undefined;
}

/** A claim's default mode: its first, except that a loss with exp/log/trig moves exact to precise. */
export function defaultMode(claim: Claim): Mode {
  const first = claim.modes[0]!;
  const u = userLoss();
  if (first === 'exact' && u && exprNeedsPrecise(u.expr)) return claim.modes.includes('precise') ? 'precise' : 'float64';
  return first;
}

function certified(b: BoundResult): CertifiedBound {
  return { lo: b.lo.toString(), hi: b.hi === null ? null : b.hi.toString(), status: b.status, domain: b.domain, note: b.note };
}

/** What result files record about the loss (theory/results.ts UserLossInfo). */
export function lossInfo(r: ResolvedLoss): UserLossInfo {
  return {
    expr: r.expr,
    tex: r.tex,
    df: r.df,
    d2f: r.d2f,
    dfTex: r.dfTex,
    d2fTex: r.d2fTex,
    L: r.Lstated ? { value: r.Lstated.toString(), source: 'stated' } : { value: r.Lref.toString(), source: 'certified' },
    Lstar: { value: r.LstarEntry.toString(), source: r.LstarStated ? 'stated' : 'certified' },
    smooth: certified(r.analysis.smooth),
    lower: certified(r.analysis.lower),
    notes: r.notes,
  };
}
