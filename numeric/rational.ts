/**
 * Exact rational numbers over BigInt, always in lowest terms with a positive denominator.
 * Every finite float64 is a rational, so `Rational.fromNumber` is exact: a float64
 * candidate can be re-checked exactly on the very same input.
 */
export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  /** Builds num/den in lowest terms. Throws if den is 0. */
  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    let n = typeof num === 'number' ? toBigIntStrict(num, 'num') : num;
    let d = typeof den === 'number' ? toBigIntStrict(den, 'den') : den;
    if (d === 0n) throw new RangeError('Rational.of: argument den must be non-zero');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    return g === 1n ? new Rational(n, d) : new Rational(n / g, d / g);
  }

  /** Exact value of a finite double (no rounding: doubles are dyadic rationals). */
  static fromNumber(x: number): Rational {
    if (!Number.isFinite(x)) throw new RangeError(`Rational.fromNumber: argument x must be finite, got ${x}`);
    if (Number.isInteger(x)) return new Rational(BigInt(x), 1n);
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, x);
    const hi = buf.getUint32(0);
    const lo = buf.getUint32(4);
    const sign = hi >>> 31 ? -1n : 1n;
    const expBits = (hi >>> 20) & 0x7ff;
    let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    let exp: number;
    if (expBits === 0) exp = -1074;
    else {
      mant |= 1n << 52n;
      exp = expBits - 1075;
    }
    return exp >= 0 ? Rational.of(sign * (mant << BigInt(exp))) : Rational.of(sign * mant, 1n << BigInt(-exp));
  }

  /** Parses "p/q", "p", or a finite decimal such as "-1.25" or "3e-2", exactly. */
  static parse(s: string): Rational {
    const t = s.trim();
    const frac = /^([+-]?\d+)\s*\/\s*([+-]?\d+)$/.exec(t);
    if (frac) return Rational.of(BigInt(frac[1]!), BigInt(frac[2]!));
    const dec = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
    if (dec && (dec[2] || dec[3])) {
      const sign = dec[1] === '-' ? -1n : 1n;
      const intPart = dec[2] || '0';
      const fracPart = dec[3] || '';
      const e = Number(dec[4] || '0') - fracPart.length;
      const digits = BigInt(intPart + fracPart) * sign;
      return e >= 0 ? Rational.of(digits * 10n ** BigInt(e)) : Rational.of(digits, 10n ** BigInt(-e));
    }
    throw new SyntaxError(`Rational.parse: "${s}" is not a rational (expected p/q or a decimal)`);
  }

  add(b: Rational): Rational {
    if (this.den === b.den) return Rational.of(this.num + b.num, this.den);
    return Rational.of(this.num * b.den + b.num * this.den, this.den * b.den);
  }
  sub(b: Rational): Rational {
    if (this.den === b.den) return Rational.of(this.num - b.num, this.den);
    return Rational.of(this.num * b.den - b.num * this.den, this.den * b.den);
  }
  mul(b: Rational): Rational {
    if (this.num === 0n || b.num === 0n) return Rational.ZERO;
    return Rational.of(this.num * b.num, this.den * b.den);
  }
  div(b: Rational): Rational {
    if (b.num === 0n) throw new RangeError('Rational.div: division by zero');
    return Rational.of(this.num * b.den, this.den * b.num);
  }
  neg(): Rational {
    return new Rational(-this.num, this.den);
  }
  abs(): Rational {
    return this.num < 0n ? this.neg() : this;
  }
  inv(): Rational {
    return Rational.ONE.div(this);
  }
  pow(k: number): Rational {
    if (!Number.isInteger(k)) throw new RangeError('Rational.pow: argument k must be an integer');
    if (k < 0) return this.inv().pow(-k);
    return new Rational(this.num ** BigInt(k), this.den ** BigInt(k));
  }
  sign(): -1 | 0 | 1 {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }
  isZero(): boolean {
    return this.num === 0n;
  }
  cmp(b: Rational): -1 | 0 | 1 {
    const l = this.num * b.den;
    const r = b.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  eq(b: Rational): boolean {
    return this.num === b.num && this.den === b.den;
  }
  lt(b: Rational): boolean {
    return this.cmp(b) < 0;
  }
  le(b: Rational): boolean {
    return this.cmp(b) <= 0;
  }
  /** A double within one ulp of this value (correctly rounded when |num| and den fit in
   *  53 bits); for display and float64 screening only. Works for huge num and den alike. */
  toNumber(): number {
    const n = this.num;
    const d = this.den;
    if (n === 0n) return 0;
    const neg = n < 0n;
    const a = neg ? -n : n;
    const ba = bitLength(a);
    const bd = bitLength(d);
    if (ba <= 53 && bd <= 53) return Number(n) / Number(d);
    // t = floor(a / (d 2^k)) has 64..66 bits: one truncation (2^-63) and one rounding.
    const k = ba - bd - 65;
    const t = k >= 0 ? a / (d << BigInt(k)) : (a << BigInt(-k)) / d;
    const x = scale2(Number(t), k);
    return neg ? -x : x;
  }
  /** Exact, round-trip form: "p/q", or "p" when q = 1. */
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }
  toJSON(): string {
    return this.toString();
  }
  /** If this is the square of a rational, that rational (>= 0); else undefined. */
  sqrtExact(): Rational | undefined {
    if (this.num < 0n) return undefined;
    const a = isqrt(this.num);
    if (a * a !== this.num) return undefined;
    const b = isqrt(this.den);
    if (b * b !== this.den) return undefined;
    return new Rational(a, b);
  }
  /** If this is the cube of a rational, that rational; else undefined. */
  cbrtExact(): Rational | undefined {
    const neg = this.num < 0n;
    const a = icbrt(neg ? -this.num : this.num);
    if (a * a * a !== (neg ? -this.num : this.num)) return undefined;
    const b = icbrt(this.den);
    if (b * b * b !== this.den) return undefined;
    return new Rational(neg ? -a : a, b);
  }
}

function toBigIntStrict(x: number, name: string): bigint {
  if (!Number.isInteger(x)) throw new RangeError(`Rational.of: argument ${name} must be an integer, got ${x}`);
  return BigInt(x);
}

export function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** x * 2^k without overflow/underflow of 2^k itself. */
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

/** floor(sqrt(n)) for n >= 0. Newton started above the root decreases monotonically to
 *  floor(root) in O(log) steps (a double guess can land below it for n > 1e30). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt: argument n must be >= 0');
  if (n < 2n) return n;
  if (n < 2n ** 52n) {
    let x = BigInt(Math.floor(Math.sqrt(Number(n))));
    while (x * x > n) x -= 1n;
    while ((x + 1n) * (x + 1n) <= n) x += 1n;
    return x;
  }
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2)); // >= sqrt(n)
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** floor(cbrt(n)) for n >= 0 (Newton from above, as isqrt). */
export function icbrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('icbrt: argument n must be >= 0');
  if (n < 2n) return n;
  let x: bigint;
  if (n < 2n ** 52n) {
    x = BigInt(Math.round(Math.cbrt(Number(n))));
  } else {
    x = 1n << BigInt(Math.ceil(bitLength(n) / 3)); // >= cbrt(n)
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

/**
 * The simplest rational in the closed interval [lo, hi] (smallest denominator, then smallest
 * numerator in absolute value): the Stern-Brocot descent by continued fractions. Used to turn
 * an enclosure of an algebraic number into a nearby readable rational point.
 */
export function simplestBetween(lo: Rational, hi: Rational): Rational {
  if (hi.lt(lo)) throw new RangeError(`simplestBetween: argument lo (${lo}) must be <= hi (${hi})`);
  if (lo.sign() <= 0 && hi.sign() >= 0) return Rational.ZERO;
  if (hi.sign() < 0) return simplestBetween(hi.neg(), lo.neg()).neg();
  // 0 < lo <= hi
  const floorOf = (r: Rational) => r.num / r.den;
  const fl = floorOf(lo);
  if (Rational.of(fl).eq(lo)) return lo;
  if (Rational.of(fl + 1n).le(hi)) return Rational.of(fl + 1n);
  // lo and hi share the integer part fl: recurse on the reciprocals of the fractional parts
  const inner = simplestBetween(hi.sub(Rational.of(fl)).inv(), lo.sub(Rational.of(fl)).inv());
  return Rational.of(fl).add(inner.inv());
}
