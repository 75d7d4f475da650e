import { describe, expect, it } from 'vitest';
import { WHOLE, batchIndex, batchSeed, type Shard } from './seeds.ts';
import { newBound, runLoop, type Batcher, type LoopContext } from './loop.ts';
import { integerBatcher } from './fixtures/toy-handler.ts';
import fc from 'fast-check';

describe('seed space slices', () => {
  it('gives every (shard, worker, batch) its own batch number, whatever the worker counts', () => {
    for (const k of [1, 2, 3, 5]) {
      const owner = new Map<number, string>();
      for (let i = 1; i <= k; i++) {
        const W = i; // machines with different numbers of workers
        for (let w = 0; w < W; w++)
          for (let b = 0; b < 20; b++) {
            const j = batchIndex({ index: i, count: k }, w, W, b);
            expect(j % k).toBe(i - 1); // shard i owns j = i - 1 (mod k)
            const who = `${i}:${w}:${b}`;
            expect(owner.get(j), `batch ${j} of ${who}`).toBeUndefined();
            owner.set(j, who);
          }
      }
    }
  });

  it('maps distinct batch numbers to distinct fast-check seeds', () => {
    for (const seed of [0, 1, 42, -7, 2 ** 31 - 1]) {
      const seen = new Set<number>();
      for (let j = 0; j < 5000; j++) seen.add(batchSeed(seed, j));
      expect(seen.size).toBe(5000);
    }
  });
});

/** The cases a shard's workers run under a case budget (the budget is the shard's, over all workers). */
function loopCases(shard: Shard, workers: number, runs: number): number[] {
  const all: number[] = [];
  let cases = 0;
  for (let w = 0; w < workers; w++) {
    const seen: number[] = [];
    const ctx: LoopContext = { worker: w, workers, post: () => {}, shouldStop: () => false };
    const r = runLoop({ seed: 99, shard, runs, batchRuns: 25 }, integerBatcher(seen), ctx);
    cases += r.cases;
    all.push(...seen);
  }
  expect(cases).toBe(runs);
  return all;
}

/** A batcher whose case fails when the drawn integer is below `below` (the failure is the value). */
function failingBatcher(below: number): Batcher<number> {
  return {
    runBatch(seed, runs, _deadline, hooks) {
      const xs = fc.sample(fc.noBias(fc.integer({ min: 0, max: 2 ** 30 })), { seed, numRuns: runs });
      let cases = 0;
      for (const x of xs) {
        if (hooks.shouldStop()) break;
        cases++;
        if (x < below) return { counts: { cases, nonTrivial: cases, undecided: 0, falseAlarms: 0 }, confirmed: x };
      }
      return { counts: { cases, nonTrivial: cases, undecided: 0, falseAlarms: 0 } };
    },
  };
}

/** Runs W workers of one loop round-robin, one batch at a time in a random interleaving (as
 *  threads would), sharing one bound; returns the failure of the lowest ordinal. */
function interleaved(W: number, runs: number | undefined, order: number): { found?: number; ordinal?: number } {
  const bound = newBound();
  const results: { found?: number; foundOrdinal?: number }[] = [];
  // workers run one after another in `order`-rotated order: any order must give the same answer
  for (let k = 0; k < W; k++) {
    const w = (k + order) % W;
    const ctx: LoopContext = { worker: w, workers: W, post: () => {}, shouldStop: () => false };
    results.push(runLoop({ seed: 5, shard: WHOLE, batchRuns: 10, ...(runs !== undefined ? { runs } : {}), bound }, failingBatcher(2 ** 30 / 400), ctx));
  }
  const best = results.filter((r) => r.foundOrdinal !== undefined).sort((a, b) => a.foundOrdinal! - b.foundOrdinal!)[0];
  return best ? { found: best.found!, ordinal: best.foundOrdinal! } : {};
}

describe('the worker loop over its slice', () => {
  it('runs exactly its case budget in batches', () => {
    expect(loopCases(WHOLE, 1, 110)).toHaveLength(110);
  });

  it('gives two shards of one seed different cases', () => {
    const a = loopCases({ index: 1, count: 2 }, 2, 100);
    const b = loopCases({ index: 2, count: 2 }, 1, 200);
    const sa = new Set(a);
    const shared = b.filter((x) => sa.has(x));
    // 400 draws from 2^30 values: a shared value would be a repeated stream, not chance (p ~ 1e-5)
    expect(shared).toEqual([]);
    // and the same shard with the same seed replays the same cases
    expect(loopCases({ index: 1, count: 2 }, 2, 100)).toEqual(a);
  });

  it('stops between batches when asked', () => {
    let calls = 0;
    const ctx: LoopContext = { worker: 0, workers: 1, post: () => {}, shouldStop: () => ++calls > 3 };
    const r = runLoop({ seed: 1, shard: WHOLE, batchRuns: 10 }, integerBatcher([]), ctx);
    expect(r.stopped).toBe(true);
    expect(r.batches).toBeGreaterThan(0);
    expect(r.batches).toBeLessThan(4);
  });
});

describe('same seed, same outcome, whatever the number of workers', () => {
  it('a case budget is cut into the same batches (same seeds, same cases) for any worker count', () => {
    const one = loopCases(WHOLE, 1, 137).sort((a, b) => a - b);
    for (const W of [2, 3, 5]) expect(loopCases(WHOLE, W, 137).sort((a, b) => a - b)).toEqual(one);
  });

  it('the failure kept is that of the lowest failing batch, for any worker count and any finishing order', () => {
    const ref = interleaved(1, 2000, 0);
    expect(ref.found, 'the planted failure (1 value in 400) is found within 2000 cases').toBeDefined();
    expect(ref.ordinal).toBeGreaterThan(0); // not trivially the first batch: later batches must be held back
    for (const W of [2, 3, 4]) for (let order = 0; order < W; order++) expect(interleaved(W, 2000, order)).toEqual(ref);
    // and without a case budget (a time budget that reaches the failing batch)
    for (const W of [1, 2, 3]) expect(interleaved(W, undefined, 1)).toEqual(ref);
  });
});
