/**
 * JSON codec for claim inputs and witnesses: exact rationals are written as "p/q" strings
 * (round-trip), doubles as JSON numbers (JS prints the shortest round-trip form). On the
 * way back, any string that reads as an integer or p/q becomes a Rational again; other
 * strings (loss family names) stay strings. Keep numeric-looking text out of other fields.
 */
import { Rational } from '../numeric/rational.ts';

export type JSONValue = null | boolean | number | string | JSONValue[] | { [k: string]: JSONValue };

const RATIONAL_RE = /^[+-]?\d+(\/\d+)?$/;

export function encode(x: unknown): JSONValue {
  if (x instanceof Rational) return x.toString();
  if (x === null || x === undefined) return null;
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) return String(x); // "NaN", "Infinity": visible, not silently null
    return x;
  }
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'bigint') return x.toString();
  if (Array.isArray(x)) return x.map(encode);
  if (typeof x === 'object') {
    const out: { [k: string]: JSONValue } = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) if (v !== undefined) out[k] = encode(v);
    return out;
  }
  throw new TypeError(`encode: cannot encode a ${typeof x}`);
}

export function decode<T = unknown>(x: JSONValue): T {
  return decodeAny(x) as T;
}

function decodeAny(x: JSONValue): unknown {
  if (typeof x === 'string') {
    if (RATIONAL_RE.test(x)) return Rational.parse(x);
    if (x === 'NaN') return NaN;
    if (x === 'Infinity') return Infinity;
    if (x === '-Infinity') return -Infinity;
    return x;
  }
  if (Array.isArray(x)) return x.map(decodeAny);
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = decodeAny(v);
    return out;
  }
  return x;
}
