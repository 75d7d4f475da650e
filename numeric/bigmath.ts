/**
 * BigInt helpers that stay fast and correct for big integers: integer square and cube roots,
 * exact rational roots, and a rational -> double conversion.
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

/** x * 2^k without intermediate overflow/underflow of 2^k itself. */
function scale2(x: number, k: number): number {
  while (k > 1000) {
    x *= 2 ** 1000;
    k -= 1000;
    if (!Number.isFinite(x)) return x;
  }
  while (k < -1000) {
    x *= 2 ** -1000;
    k += 1000;
    if (x === 0) return x;
  }
  return x * 2 ** k;
}

/**
 * A double within one ulp of q (correctly rounded when |num| and den fit in 53 bits).
 * Why not Rational.toNumber: it returns NaN when both num and den exceed 2^1024 (it shifts
 * by the *difference* of their lengths and then converts each to a double).
 */
export function ratToNumber(q: Rational): number {
  const n = q.num;
  const d = q.den;
  if (n === 0n) return 0;
  const neg = n < 0n;
  const a = neg ? -n : n;
  const ba = bitLen(a);
  const bd = bitLen(d);
  if (ba <= 53 && bd <= 53) return Number(n) / Number(d);
  // t = floor(a / (d 2^k)) has 64..66 bits: one truncation (2^-63) and one rounding (Number(t))
  const k = ba - bd - 65;
  const t = k >= 0 ? a / (d << BigInt(k)) : (a << BigInt(-k)) / d;
  const x = scale2(Number(t), k);
  return neg ? -x : x;
}
