/**
 * Closed forms for a measured constant: when the worst value a search certified matches a
 * simple expression to 30 significant digits, that expression is printed as a CONJECTURE about
 * the true worst case (a search bounds it from one side only; agreement to 30 digits at a
 * witness says the search landed on a point where the expression is attained, not that no
 * input does better).
 *
 * Candidates, simplest first: p/q, (p/q) r and (p/q) / r for r in sqrt2, sqrt3, 2^(1/3), 4^(1/3),
 * 3^(1/3), and (a + b sqrt2) / c, with small integers. Arithmetic in decimal.js at 60 digits.
 */
import { Decimal } from 'decimal.js';

const D = Decimal.clone({ precision: 60 });

interface ClosedForm {
  form: string;
  /** Significant digits to which it agrees with the value (>= 30). */
  matchedDigits: number;
}

interface Candidate {
  form: string;
  value: Decimal;
  /** Smaller is simpler. */
  cost: number;
}

const ROOTS: { name: string; value: Decimal; cost: number }[] = [
  { name: 'sqrt2', value: new D(2).sqrt(), cost: 1 },
  { name: 'sqrt3', value: new D(3).sqrt(), cost: 2 },
  { name: '2^(1/3)', value: new D(2).cbrt(), cost: 2 },
  { name: '4^(1/3)', value: new D(4).cbrt(), cost: 2 },
  { name: '3^(1/3)', value: new D(3).cbrt(), cost: 3 },
];

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

function frac(p: number, q: number): string {
  return q === 1 ? String(p) : `${p}/${q}`;
}

let cache: Candidate[] | undefined;

function candidates(): Candidate[] {
  if (cache) return cache;
  const out: Candidate[] = [];
  const bits = (n: number) => Math.log2(Math.abs(n) + 1);
  for (let q = 1; q <= 64; q++)
    for (let p = -64; p <= 64; p++) {
      if (p === 0 || gcd(p, q) !== 1) continue;
      const c = new D(p).div(q);
      const cost = bits(p) + bits(q);
      out.push({ form: frac(p, q), value: c, cost });
      for (const r of ROOTS) {
        const times = `${p === 1 ? '' : p === -1 ? '-' : `${p} `}${r.name}${q === 1 ? '' : `/${q}`}`; // e.g. 3 sqrt2/4
        const over = `${p}/${q === 1 ? r.name : `(${q} ${r.name})`}`; // e.g. 1/(2 sqrt2)
        out.push({ form: times, value: c.mul(r.value), cost: cost + r.cost });
        out.push({ form: over, value: c.div(r.value), cost: cost + r.cost + 0.5 });
      }
    }
  for (let c = 1; c <= 16; c++)
    for (let a = -16; a <= 16; a++)
      for (let b = -16; b <= 16; b++) {
        if (a === 0 || b === 0 || gcd(gcd(a, b), c) !== 1) continue;
        out.push({ form: `(${a} ${b < 0 ? '-' : '+'} ${Math.abs(b) === 1 ? '' : `${Math.abs(b)} `}sqrt2) / ${c}`.replace(') / 1', ')'), value: new D(a).add(new D(b).mul(ROOTS[0]!.value)).div(c), cost: bits(a) + bits(b) + bits(c) + 2 });
      }
  out.sort((x, y) => x.cost - y.cost);
  cache = out;
  return out;
}

/** Significant digits to which a and b agree (0 when they differ in the first). */
function agreeingDigits(a: Decimal, b: Decimal): number {
  if (a.eq(b)) return Infinity;
  const scale = Decimal.max(a.abs(), b.abs());
  if (scale.isZero()) return Infinity;
  const rel = a.sub(b).abs().div(scale);
  return Math.max(0, Math.floor(-Math.log10(rel.toNumber())));
}

/**
 * The simplest candidate that agrees with [lo, hi] (an enclosure of the value, or a point) to
 * at least `digits` significant digits; undefined when the enclosure itself is not that narrow
 * or no candidate matches.
 */
export function closedForm(lo: string, hi: string = lo, digits = 30): ClosedForm | undefined {
  const a = new D(lo);
  const b = new D(hi);
  if (!a.isFinite() || !b.isFinite() || agreeingDigits(a, b) < digits) return undefined;
  const mid = a.add(b).div(2);
  const x = mid.toNumber();
  for (const c of candidates()) {
    if (Math.abs(c.value.toNumber() - x) > 1e-12 * Math.abs(x)) continue; // cheap screen in doubles
    const k = agreeingDigits(mid, c.value);
    if (k >= digits) return { form: c.form, matchedDigits: Math.min(k, 60) };
  }
  return undefined;
}
