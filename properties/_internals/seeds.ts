/**
 * Seeds: one 31-bit seed per run, derived seeds for the workers of a search, and disjoint
 * slices of the seed space for shards (k machines split one search: `search --shard`).
 */

/** A seed from an environment variable (tests: LORACHECK_SEED), checked to be a 32-bit word
 *  (fast-check keeps only the low 32 bits of a seed: a larger one would silently alias another). */
export function seedFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const x = Number(text);
  if (!Number.isInteger(x) || x < 0 || x > 2 ** 32 - 1) throw new RangeError(`environment variable ${name} must be an integer in 0..2^32-1, got "${text}"`);
  return x;
}

/** The seed of stream `index` derived from `base` (splitmix32-style mixing: distinct, well spread). */
export function deriveSeed(base: number, index: number): number {
  let h = (base ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97) >>> 0;
  return (h ^ (h >>> 15)) & 0x7fffffff;
}

export interface Shard {
  index: number; // 1-based, as in --shard i/k
  count: number;
}

/** Parses "i/k" (1 <= i <= k); returns undefined when malformed (the CLI turns that into a UsageError). */
export function parseShard(s: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return count >= 1 && index >= 1 && index <= count ? { index, count } : undefined;
}

/**
 * The seed of worker w (0-based) of shard i/k of a search from `base`: stream (i-1) + k * w.
 * Shards use disjoint stream indices, so k machines with W workers each run k*W distinct streams.
 */
export function shardSeed(base: number, shard: Shard | undefined, worker: number): number {
  const s = shard ?? { index: 1, count: 1 };
  return deriveSeed(base, s.index - 1 + s.count * worker);
}
