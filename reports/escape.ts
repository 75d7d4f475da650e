/**
 * The one escaping layer of the report. Every string that comes from a result or trace file
 * reaches the page through `html` (tagged template) or `esc`; both escape & < > " ' so the
 * same function is safe in text, in quoted attribute values and in SVG <text>.
 *
 * A fragment that is already HTML is an `Html` value. Only two things make one: the `html`
 * template (whose interpolations are escaped unless they are `Html` themselves) and
 * `trusted()`, which is reserved for output of renderers we control (KaTeX, our CSS).
 */
import { safeText } from '../runtime/escape.ts';

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What an interpolation may be: false/null/undefined render as nothing, arrays are joined. */
export type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML text, attribute values (always written in double quotes) and SVG text.
 * Control characters (C0 but tab and newline, DEL, C1), which HTML cannot carry, are shown as
 * visible escapes such as \x1b, the same as on a terminal (runtime/escape.ts safeText).
 */
export function esc(x: unknown): string {
  return safeText(String(x)).replace(/[&<>"']/g, (c) => ENTITY[c]!);
}

function part(v: Part): string {
  if (v instanceof Html) return v.value;
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(part).join('');
  return esc(v);
}

/** HTML template: literal parts are ours, every interpolated value is escaped unless it is Html. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += part(values[i] as Part) + strings[i + 1]!;
  return new Html(out);
}

/** Joins fragments (each escaped unless Html) with an optional separator. */
export function join(parts: readonly Part[], sep: Part = ''): Html {
  return new Html(parts.map(part).join(part(sep)));
}

/** Marks text as HTML without escaping. Only for output of trusted renderers (KaTeX, our CSS). */
export function trusted(s: string): Html {
  return new Html(s);
}

/**
 * An element id / fragment built from untrusted text: letters, digits and dots survive, every
 * other character (including - and _) becomes _hex_, and keys are joined by "--": the result
 * is a valid, collision-free id and `#id` link that no file can steer.
 */
export function anchor(prefix: string, ...keys: readonly unknown[]): string {
  const clean = keys.map((k) => String(k).replace(/[^A-Za-z0-9.]/gu, (c) => `_${c.codePointAt(0)!.toString(16)}_`));
  return [prefix, ...clean].join('--');
}
