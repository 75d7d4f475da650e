/**
 * Integer square and cube roots that stay fast for big integers, and exact rational roots
 * built on them.
 *
 * Why not rational.ts's isqrt/icbrt: they start Newton from a double guess and stop as soon
 * as a step does not decrease; when the guess lies *below* the root (a rounding away for
 * numbers above ~1e30) they finish by counting up one at a time, which does not end in
 * practice for 60-digit inputs (and Number(n) overflows above 1e308). Newton started above
 * the root decreases monotonically to floor(root), in O(log) steps.
 */
import { Rational } from './rational.ts';

function bitLen(n: bigint): number {
  return n.toString(2).length;
}

/** floor(sqrt(n)) for n >= 0. */
export function isqrtFast(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrtFast: argument n must be >= 0');
  if (n < 2n) return n;
  if (n < 2n ** 52n) {
    let x = BigInt(Math.floor(Math.sqrt(Number(n))));
    while (x * x > n) x -= 1n;
    while ((x + 1n) * (x + 1n) <= n) x += 1n;
    return x;
  }
  let x = 1n << BigInt(Math.ceil(bitLen(n) / 2)); // >= sqrt(n)
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** floor(cbrt(n)) for n >= 0. */
export function icbrtFast(n: bigint): bigint {
  if (n < 0n) throw new RangeError('icbrtFast: argument n must be >= 0');
  if (n < 2n) return n;
  let x: bigint;
  if (n < 2n ** 52n) {
    x = BigInt(Math.round(Math.cbrt(Number(n))));
  } else {
    x = 1n << BigInt(Math.ceil(bitLen(n) / 3)); // >= cbrt(n)
    for (;;) {
      const y = (2n * x + n / (x * x)) / 3n;
      if (y >= x) break;
      x = y;
    }
  }
  while (x * x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/** The rational square root of q when q is a square of a rational, else undefined. */
export function sqrtExact(q: Rational): Rational | undefined {
  if (q.num < 0n) return undefined;
  const a = isqrtFast(q.num);
  if (a * a !== q.num) return undefined;
  const b = isqrtFast(q.den);
  if (b * b !== q.den) return undefined;
  return Rational.of(a, b);
}

/** The rational cube root of q when q is a cube of a rational, else undefined. */
export function cbrtExact(q: Rational): Rational | undefined {
  const neg = q.num < 0n;
  const m = neg ? -q.num : q.num;
  const a = icbrtFast(m);
  if (a * a * a !== m) return undefined;
  const b = icbrtFast(q.den);
  if (b * b * b !== q.den) return undefined;
  return Rational.of(neg ? -a : a, b);
}
