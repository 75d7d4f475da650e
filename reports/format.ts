/**
 * Number and label formatting. Numbers are shown rounded for reading; when rounding lost
 * digits the exact round-trip text (JS shortest form) is kept in a tooltip, so a number a
 * user copies out of a witness or hovers in a table is never silently altered.
 */
import { html, type Html } from './escape.ts';
import { invalidField } from './load.ts';

/** Shortest round-trip text of a double. */
function shortest(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** Rounded text of a finite double, `digits` significant digits, no trailing zeros. */
export function rounded(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : x < 0 ? '-Infinity' : 'NaN';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e6) {
    const [m, e] = x.toExponential(digits - 1).split('e');
    return `${trimZeros(m!)}e${e}`;
  }
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
  return trimZeros(x.toFixed(Math.min(decimals, 20)));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/**
 * A number for display: rounded, with the exact value as tooltip when they differ. Strings
 * (exact "p/q", "NaN", enclosures) are shown verbatim; anything else as a dash.
 */
export function num(x: unknown, digits = 4): Html {
  // a string (an exact p/q, an enclosure) may be long and may wrap; a rounded number is short and
  // never breaks inside (style.ts: 6.5e-11 split after 'e-' read as two numbers)
  if (typeof x === 'string') return html`<span class="num" data-verbatim="">${x}</span>`;
  if (typeof x !== 'number') return html`<span class="dim">—</span>`;
  const r = rounded(x, digits);
  const s = shortest(x);
  return r === s ? html`<span class="num">${s}</span>` : html`<span class="num" title="${s}">${r}</span>`;
}

/**
 * A ratio against the paper's constant 1: near 1 it is written "1 − gap", so that 0.9999997
 * never reads as 1 (attained) and 1.0000003 never as 1 (not exceeded).
 */
export function ratio(x: unknown, digits = 4): Html {
  if (typeof x === 'number' && Number.isFinite(x) && x !== 1 && Math.abs(1 - x) < 10 ** -(digits - 1)) {
    const gap = 1 - x;
    return html`<span class="num" title="${shortest(x)}">1 ${gap > 0 ? '−' : '+'} ${rounded(Math.abs(gap), 2)}</span>`;
  }
  return num(x, digits);
}

/** An integer count with thousands separators (counts are never copied back as inputs). */
export function count(x: unknown): Html {
  if (typeof x !== 'number' || !Number.isFinite(x)) return num(x);
  return html`<span class="num">${x.toLocaleString('en-US')}</span>`;
}

/** The mark of a count the loader removed as invalid (what the file held is in the tooltip). */
function invalidMark(held: string): Html {
  return html`<span class="badge warn" title="the result file holds ${held} here, not a count (see Warnings)">invalid</span>`;
}

/** A count field of a loaded entry, or the mark where the file held no valid count (reports/load.ts). */
export function countOf<T extends object>(entry: T, field: keyof T & string): Html {
  const held = invalidField(entry, field);
  return held === undefined ? count(entry[field]) : invalidMark(held);
}

/** The sum of a count field over entries; the valid ones summed, marked when any was invalid. */
export function countSum<T extends object>(entries: readonly T[], field: keyof T & string): Html {
  const bad = entries.map((e) => invalidField(e, field)).filter((x): x is string => x !== undefined);
  const vals = entries.map((e) => e[field]).filter((x): x is T[keyof T & string] & number => typeof x === 'number');
  const total = vals.length ? count(vals.reduce((a, b) => a + b, 0)) : bad.length ? html`` : count(undefined);
  return bad.length ? html`${total} ${invalidMark(bad.join(', '))}` : total;
}

export function duration(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Budget text: "1000 runs", "3 s", "1000 runs or 3 s". */
export function budget(b: unknown): string {
  if (!b || typeof b !== 'object') return '—';
  const { runs, seconds } = b as { runs?: unknown; seconds?: unknown };
  const parts: string[] = [];
  if (typeof runs === 'number') parts.push(plural(runs, 'run'));
  if (typeof seconds === 'number') parts.push(`${shortest(seconds)} s`);
  return parts.length ? parts.join(' or ') : '—';
}

/** Natural order for claim ids: A2.sub < A2.sym, L34 < L34.s18 < L34.s22 < L36. */
export function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
}
