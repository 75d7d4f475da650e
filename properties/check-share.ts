/**
 * Sharing the time of `check --seconds S` among the claims it runs (check-run.ts): N claims have
 * N x S seconds in all. Each first runs for FIRST_SHARE x S; the time that pass did not use then
 * goes to the claims verified (or undecided) with the fewest non-trivial cases, as if raising
 * the poorest to a common count (water-filling) at each claim's own cost per case measured in
 * the first pass. A statistical claim (never called verified: its level per case is fixed)
 * runs its whole S and takes no part; a claim with a counterexample is done. A claim
 * given more time goes on with its own case stream (engine.ts continueFrom), so its result and
 * replay cover both passes. A claim whose case is a whole run (GV, T10, T35: tens of steps in
 * precise arithmetic) costs a hundred times a point claim, and gets the time the point claims,
 * which sample thousands of cases, do not need.
 */

/** The share of S every claim runs first. */
export const FIRST_SHARE = 0.5;

/** Top-ups shorter than this are not worth a job (seconds). */
const MIN_TOP_UP = 0.01;

interface FirstPass {
  /** Non-trivial cases after the first pass. */
  nonTrivial: number;
  /** Cases and seconds of the first pass (the cost of a case: seconds / (cases + 1), as the pass
   *  also evaluated its worst case once more for the witness). */
  cases: number;
  seconds: number;
}

/**
 * Seconds of further checking for each claim (0: none), spending at most `pool` seconds: the
 * claims sorted by non-trivial cases are raised to a common level L, claim i receiving
 * (L - nonTrivial_i) x its cost per case, with L as high as the pool allows.
 */
export function topUps(claims: readonly (FirstPass | undefined)[], pool: number): number[] {
  const out = claims.map(() => 0);
  if (!(pool > 0)) return out;
  const items = claims
    .map((c, i) => (c ? { i, n: c.nonTrivial, cost: c.seconds / (c.cases + 1) } : undefined))
    .filter((x): x is { i: number; n: number; cost: number } => x !== undefined && x.cost > 0 && Number.isFinite(x.cost))
    .sort((a, b) => a.n - b.n || a.i - b.i);
  if (!items.length) return out;
  // the first k claims share the pool: raise them to the next claim's count while the pool lasts
  let k = 0;
  let costSum = 0; // sum of cost_i over the first k
  let weighted = 0; // sum of n_i cost_i over the first k
  let level = items[0]!.n;
  for (;;) {
    costSum += items[k]!.cost;
    weighted += items[k]!.n * items[k]!.cost;
    k++;
    const reach = (pool + weighted) / costSum; // the level the pool lifts the first k to
    const next = items[k]?.n;
    if (next === undefined || reach <= next) {
      level = reach;
      break;
    }
  }
  for (const it of items.slice(0, k)) {
    const s = (level - it.n) * it.cost;
    if (s >= MIN_TOP_UP) out[it.i] = s;
  }
  return out;
}
