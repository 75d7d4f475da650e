import { describe, expect, it } from 'vitest';
import { WHOLE, batchIndex, batchSeed, type Shard } from './seeds.ts';
import { runLoop, type LoopContext } from './loop.ts';
import { integerBatcher } from './fixtures/toy-handler.ts';

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

function loopCases(shard: Shard, workers: number, runs: number): number[] {
  const all: number[] = [];
  for (let w = 0; w < workers; w++) {
    const seen: number[] = [];
    const ctx: LoopContext = { worker: w, workers, post: () => {}, shouldStop: () => false };
    const r = runLoop({ seed: 99, shard, runs, batchRuns: 25 }, integerBatcher(seen), ctx);
    expect(r.cases).toBe(runs);
    all.push(...seen);
  }
  return all;
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
