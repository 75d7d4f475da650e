/**
 * The user's own loss (`--loss EXPR [--L V] [--Lstar V]`): part of a run's configuration like
 * its seed, set once by the command and read by the loss generators (losses.ts), the replay
 * commands and the result files. Worker threads inherit it through the environment variable
 * LORACHECK_LOSS (JSON), which `setUserLoss` writes before any worker starts.
 *
 * `resolveUserLoss` (numeric/expr/resolve.ts) turns it into the constants the generators state.
 *
 * @remarks Since 0.2.0
 */
import { exprNeedsPrecise } from '../numeric/losses/index.ts';
import type { BoundResult } from '../numeric/expr/bounds.ts';
import { type ResolvedLoss, type UserLoss } from '../numeric/expr/resolve.ts';
import type { Mode } from '../numeric/field.ts';
import type { Claim, InputKind } from '../theory/claim.ts';
import type { CertifiedBound, UserLossInfo } from '../theory/results.ts';

export { LossSetupError, resolveUserLoss, type ResolvedLoss } from '../numeric/expr/resolve.ts';

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
