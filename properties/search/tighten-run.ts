/**
 * Tightness across worker threads (main-thread side): every worker runs restarts plus
 * ascent on one claim until the shared deadline (tighten.ts), the best point over all
 * workers is snapped and certified in a worker (exact arithmetic can be slow; a thread that
 * does not answer is replaced and the value certified in precise arithmetic instead), and
 * the row sets the constant found beside the printed one (constant.ts builds that part).
 */
import type { Claim } from '../../theory/claim.ts';
import { decode, type JSONValue } from '../../theory/codec.ts';
import type { TightnessRow } from '../../theory/results.ts';
import { constantResult } from './constant.ts';
import type { CertifyJob, CertifyResult, TightenJobMsg } from './handler.ts';
import type { WorkerPool } from './pool.ts';
import { ratioOf, type TightenBest, type TightenWorkerResult } from './tighten.ts';
import { bracketConstant } from '../prove/bracket.ts';
import { userLoss } from '../user-loss.ts';

interface TightenRunOptions {
  claims: readonly Claim[];
  /** Seconds per claim. */
  seconds: number;
  seed: number;
  pool: () => WorkerPool;
  signal?: AbortSignal;
  /** Cap on restarts per worker (tests). */
  maxRestarts?: number;
  /** Seconds a certification may take before it falls back to precise arithmetic. */
  certifySeconds?: number;
  /** Solver seconds per claim for the SMT bracket beside the sampled best (0 or absent: none). */
  smtSeconds?: number;
  onStart?: (claim: Claim, index: number) => void;
  onProgress?: (claim: Claim, p: { bestRatio?: number; elapsedMs: number }) => void;
  onRow?: (row: TightnessRow) => void;
  /** The row of a claim Ctrl-C stopped before its budget: shown, not recorded (see tightenClaims). */
  onCut?: (row: TightnessRow) => void;
}

function tightenReplay(claim: string, seed: number, seconds: number, workers: number): string {
  return `npx loracheck tighten --claim ${claim} --seed ${seed} --seconds ${seconds} --workers ${workers}`;
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let t: NodeJS.Timeout | undefined;
  const timer = new Promise<'timeout'>((resolve) => (t = setTimeout(() => resolve('timeout'), ms)));
  try {
    return await Promise.race([p, timer]);
  } finally {
    if (t) clearTimeout(t);
  }
}

async function tightenOne(
  claim: Claim,
  opts: Omit<TightenRunOptions, 'claims' | 'onRow' | 'onStart'>,
  pool: WorkerPool,
): Promise<{ row: TightnessRow; interrupted: boolean }> {
  const start = Date.now();
  const deadline = start + opts.seconds * 1000;
  let best: TightenBest | undefined;
  let interrupted = false;
  const onAbort = () => {
    interrupted = true;
    pool.stopAll();
  };
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort);
  const ticker = opts.onProgress
    ? setInterval(() => opts.onProgress!(claim, { ...(best ? { bestRatio: best.score } : {}), elapsedMs: Date.now() - start }), 500)
    : undefined;
  const take = (b: TightenBest | undefined) => {
    if (b && (!best || b.score > best.score)) best = b;
  };
  let restarts = 0;
  let evaluations = 0;
  let artefacts = 0;
  let worstTried = -Infinity;
  const jobs = Array.from({ length: pool.size }, (_, w) =>
    pool.submit<TightenWorkerResult>(
      w,
      {
        kind: 'tighten',
        claim: claim.id,
        seed: opts.seed,
        deadline,
        ...(opts.maxRestarts !== undefined ? { maxRestarts: opts.maxRestarts } : {}),
      } satisfies TightenJobMsg,
      (m) => take(m as TightenBest),
    ),
  );
  // float64 evaluations are short: a worker past the deadline by seconds is stuck; replace it
  const settled = await withTimeout(Promise.allSettled(jobs.map((j) => j.result)), Math.max(0, deadline - Date.now()) + 10_000);
  if (settled === 'timeout') {
    for (let w = 0; w < pool.size; w++) await pool.replace(w, 'tighten: a worker did not stop at the deadline');
  } else {
    for (const s of settled) {
      if (s.status !== 'fulfilled') continue;
      take(s.value.best);
      restarts += s.value.restarts;
      evaluations += s.value.evaluations;
      artefacts += s.value.artefacts;
      worstTried = Math.max(worstTried, s.value.worstTried);
    }
  }
  if (ticker) clearInterval(ticker);
  opts.signal?.removeEventListener('abort', onAbort);
  const seconds = (Date.now() - start) / 1000;
  const row: TightnessRow = { claim: claim.id, paperRatio: 1, restarts, evaluations, seconds };
  // float64 optima that certified arithmetic did not bear out (rounding, not the inequality)
  if (artefacts) row.floatArtefacts = artefacts;
  if (best) {
    if (best.label !== undefined) row.label = best.label;
    const cert = await certify(claim, best.input as JSONValue, opts, pool);
    // the side ratio (lhs / rhs) at the witness: the measure of the proof lines, kept for every claim
    row.worstRatio = cert && Number.isFinite(cert.ratio) ? cert.ratio : ratioOf(claim, decode(best.input as JSONValue)).value;
    if (cert) {
      if (cert.label !== undefined) row.label = cert.label;
      if (cert.certified) row.worstRatioCertified = cert.certified.text;
      if (cert.witness) row.witness = cert.witness;
    }
    const constant = constantResult(claim, { best, cert, evaluations, worstTried });
    if (Number.isFinite(constant.found)) row.constant = constant;
  }
  return { row, interrupted };
}

async function certify(claim: Claim, input: JSONValue, opts: Omit<TightenRunOptions, 'claims'>, pool: WorkerPool): Promise<CertifyResult | undefined> {
  const replay = tightenReplay(claim.id, opts.seed, opts.seconds, pool.size);
  const ms = (opts.certifySeconds ?? 10) * 1000;
  for (const modes of [undefined, ['precise' as const]]) {
    if (modes && !claim.modes.includes('precise')) break;
    const job: CertifyJob = { kind: 'certify', claim: claim.id, input, replay, seed: opts.seed, ...(modes ? { modes } : {}) };
    const run = pool.submit<CertifyResult>(0, job);
    const r = await withTimeout(run.result.catch(() => undefined), ms);
    if (r !== 'timeout') return r;
    await pool.replace(0, 'certification took too long');
  }
  return undefined;
}

/** The row's certified witness fails the claim as stated (ratio above 1). */
export function violates(row: TightnessRow): boolean {
  return row.witness?.confirmedIn !== undefined && row.witness.comparisons.some((c) => c.holds === false);
}

export async function tightenClaims(opts: TightenRunOptions): Promise<{ rows: TightnessRow[]; interrupted: boolean }> {
  const rows: TightnessRow[] = [];
  const pool = opts.pool();
  for (const [i, claim] of opts.claims.entries()) {
    if (opts.signal?.aborted) return { rows, interrupted: true };
    opts.onStart?.(claim, i);
    const { row, interrupted } = await tightenOne(claim, opts, pool);
    if (interrupted && !violates(row)) {
      // a search stopped before its budget has not measured the constant: its row replaces no
      // earlier, longer one in tighten.json (as a stopped ablation pair); a certified ratio above
      // 1 is kept whatever (a witness is never lost)
      opts.onCut?.(row);
      return { rows, interrupted: true };
    }
    // the bracket is over the built-in losses' classes: not one of a loss of the user's (--loss)
    if (opts.smtSeconds && !interrupted && !userLoss()) {
      const smt = await bracketConstant(claim, { budgetMs: opts.smtSeconds * 1000 }).catch(() => undefined);
      if (smt) row.smt = smt;
    }
    rows.push(row);
    opts.onRow?.(row);
    if (interrupted) return { rows, interrupted: true };
  }
  return { rows, interrupted: false };
}
