/**
 * The `--loss EXPR [--L V] [--Lstar V]` flags shared by check, search, ablate, tighten and train:
 * parsed here, resolved below the CLI (properties/user-loss.ts), one line and exit 2 on a bad
 * expression or a loss that needs a stated constant.
 */
import { UsageError, type FlagSpec } from './args.ts';
import { LossSetupError, lossInfo, lossSkipReason, resolveUserLoss, setUserLoss, type ResolvedLoss } from '../properties/index.ts';
import type { Claim } from '../theory/claim.ts';
import type { UserLossInfo } from '../theory/results.ts';
import type { ExprWorkloadLoss } from '../gpu-runs/workloads/expr.ts';

export const LOSS_FLAGS: Record<string, FlagSpec> = {
  loss: { type: 'string', arg: 'EXPR', help: "your own elementwise loss f(w, c) in mathjs syntax, e.g. 'log(cosh(w - c))' (c: the entry of a target C)" },
  L: { type: 'string', arg: 'V', help: "with --loss: state the smoothness constant (default: certified sup |f''|)" },
  Lstar: { type: 'string', arg: 'V', help: 'with --loss: state a lower bound of f per entry (default: certified inf f; L* = m n V)' },
};

interface AppliedLoss {
  resolved: ResolvedLoss;
  info: UserLossInfo;
}

/** Sets the run's loss from the flags (undefined without --loss); prints what is certified to stderr. */
export function applyLossFlags(cmd: string, flags: Record<string, any>, quiet = false): AppliedLoss | undefined {
  if (flags.loss === undefined) {
    if (flags.L !== undefined || flags.Lstar !== undefined) throw new UsageError(`${cmd}: flags --L and --Lstar go with --loss`);
    setUserLoss(undefined);
    return undefined;
  }
  const u = { expr: String(flags.loss), ...(flags.L !== undefined ? { L: String(flags.L) } : {}), ...(flags.Lstar !== undefined ? { Lstar: String(flags.Lstar) } : {}) };
  let resolved: ResolvedLoss;
  try {
    resolved = resolveUserLoss(u);
  } catch (e) {
    if (e instanceof LossSetupError) throw new UsageError(`${cmd}: --loss: ${e.message}`);
    throw e;
  }
  setUserLoss({ ...u, expr: resolved.expr });
  if (!quiet) for (const n of resolved.notes) process.stderr.write(`${cmd}: loss f(w, c) = ${resolved.expr}: ${n}\n`);
  return { resolved, info: lossInfo(resolved) };
}

/** A named claim that cannot run on the loss is a usage error. */
export function claimForLoss(cmd: string, claim: Claim): Claim {
  const why = lossSkipReason(claim);
  if (why) throw new UsageError(`${cmd}: claim ${claim.id} cannot run with --loss: it ${why}`);
  return claim;
}

/** `train --loss`: the expr workload's loss and its constants (as doubles, for the trace header). */
export function trainLoss(cmd: string, flags: Record<string, any>): ExprWorkloadLoss | undefined {
  const applied = applyLossFlags(cmd, flags);
  if (!applied) return undefined;
  const r = applied.resolved;
  const certified = r.Lstated === undefined;
  const a = r.analysis.smooth;
  return {
    expr: r.expr,
    L: r.Lref.toNumber(),
    LstarEntry: r.LstarEntry.toNumber(),
    Lmethod: certified ? `certified sup |f''| on ${a.domain} (interval branch-and-bound)` : `stated with --L (sup |f''|: ${a.note})`,
  };
}
