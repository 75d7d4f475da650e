/**
 * The seed space of a search, cut into disjoint slices.
 *
 * A search is a sequence of fast-check *batches*; batch number j runs from the fast-check
 * seed `batchSeed(seed, j)`. `batchSeed` is a bijection of j for a fixed user seed (an
 * offset followed by murmur3's finaliser, itself a bijection of 32-bit words), so distinct
 * batch numbers give distinct fast-check seeds until j passes 2^32.
 *
 * Shard i of k (1-based, as properties' parseShard reads "i/k") owns the batch numbers j
 * with j = i - 1 (mod k); worker w of W in a shard owns every W-th of those. Two shards are
 * therefore disjoint whatever number of workers each machine runs, and k machines under any
 * job runner split one search.
 */
import type { Shard } from '../_internals/seeds.ts';

export type { Shard };

export const WHOLE: Shard = { index: 1, count: 1 };

export function shardText(s: Shard): string {
  return `${s.index}/${s.count}`;
}

/** murmur3 fmix32: a bijection on 32-bit words with good avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Global batch number of the b-th batch of worker w (of W) in a shard. */
export function batchIndex(shard: Shard, worker: number, workers: number, b: number): number {
  if (!(worker >= 0 && worker < workers)) throw new RangeError(`batchIndex: worker ${worker} not in [0, ${workers})`);
  return (b * workers + worker) * shard.count + (shard.index - 1);
}

/** The fast-check seed of global batch j under the user's seed (a bijection of j mod 2^32).
 *  Returned as a signed 32-bit integer, which is what fast-check prints and accepts. */
export function batchSeed(seed: number, j: number): number {
  const base = fmix32((seed ^ 0x9e3779b9) >>> 0);
  return fmix32((base + j) >>> 0) | 0;
}

