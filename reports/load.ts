/**
 * Reads every *.json in the results folder, dispatches on `kind` and validates each file
 * against its schema (theory/results.ts RESULT_SCHEMAS, the one definition the writers use).
 * Nothing read here is trusted: a file that cannot be read, is not JSON, has an unknown kind or
 * a missing field becomes a warning naming the file, the entry (claim) and the field path; a
 * bad entry is dropped, a bad optional field or a field the schema does not name is removed,
 * the rest is kept, one warning line each. A count that is not a non-negative integer (cases:
 * 1e400, which JSON reads as Infinity; nonTrivial: -5; undecided: 1.5) is removed from an
 * entry that is kept, and marked: `invalidField` says what it held, and the report shows it.
 * The values returned contain only the fields the schema names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULT_SCHEMAS, RESULT_SCHEMA_VERSION, type ResultFile, type Spec } from '../theory/results.ts';

export interface Warning {
  file: string;
  message: string;
}

export interface LoadedFile {
  name: string;
  data: ResultFile;
}

export interface Loaded {
  dir: string;
  files: LoadedFile[];
  warnings: Warning[];
}

/** Warnings kept per file; more are summarised as a count. */
const MAX_WARNINGS_PER_FILE = 12;

// ---------------------------------------------------------------- validator

class Ctx {
  count = 0;
  constructor(
    readonly file: string,
    readonly warnings: Warning[],
  ) {}
  warn(path: string, message: string): void {
    this.count++;
    if (this.count <= MAX_WARNINGS_PER_FILE) this.warnings.push({ file: this.file, message: `${path}: ${message}` });
  }
  finish(): void {
    if (this.count > MAX_WARNINGS_PER_FILE)
      this.warnings.push({ file: this.file, message: `${this.count - MAX_WARNINGS_PER_FILE} more problems not listed` });
  }
}

/** Short, printable description of a bad value for a message (numbers JSON cannot hold named). */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' && !Number.isFinite(v))
    return Number.isNaN(v) ? 'NaN' : `${v > 0 ? '' : '-'}Infinity (a number beyond a double, e.g. ${v > 0 ? '' : '-'}1e400 in the file)`;
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Counts (cases, steps, seeds): safe integers >= 0. */
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** On a loaded entry: its fields that held an invalid count, with what they held. A symbol key,
 *  so the report's copies of an entry ({ ...r, file }) keep it and JSON never shows it. */
const INVALID = Symbol('invalid counts');

/** What an entry's field held when the loader removed it as an invalid count; undefined if valid. */
export function invalidField(entry: object | undefined, field: string): string | undefined {
  return (entry as { [INVALID]?: Record<string, string> } | undefined)?.[INVALID]?.[field];
}

/** An array entry named by what identifies it, for warnings: `results[3] (claim L34)`. */
function entryPath(path: string, i: number, e: unknown): string {
  const o = (e && typeof e === 'object' ? e : {}) as Record<string, unknown>;
  const name = (k: string) => (typeof o[k] === 'string' ? String(o[k]).slice(0, 60) : undefined);
  const label = name('id') ?? name('claim');
  const extra = [name('mode'), name('hypothesis')].filter(Boolean).join(', ');
  if (!label) return `${path}[${i}]${name('file') ? ` (file ${name('file')})` : ''}`; // a trace entry
  return `${path}[${i}] (claim ${label}${extra ? `, ${extra}` : ''})`;
}

/** Series entries: numbers; null and the codec's "NaN"/"Infinity" texts become NaN/±Infinity. */
function seriesValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === null || v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}

const FAIL = Symbol('fail');

function check(v: unknown, spec: Spec, path: string, ctx: Ctx): unknown {
  if (spec === 'any') return v;
  if (spec === 'count') {
    if (isCount(v)) return v;
    ctx.warn(path, `expected a count (an integer >= 0), got ${show(v)}`);
    return FAIL;
  }
  if (spec === 'integer') {
    if (Number.isSafeInteger(v)) return v;
    ctx.warn(path, `expected an integer, got ${show(v)}`);
    return FAIL;
  }
  if (spec === 'number' && typeof v === 'string' && /^-?Infinity$/.test(v)) return Number(v); // codec text
  if (spec === 'string' || spec === 'number' || spec === 'boolean') {
    if (typeof v === spec && !(spec === 'number' && Number.isNaN(v))) return v;
    ctx.warn(path, `expected a ${spec}, got ${show(v)}`);
    return FAIL;
  }
  if (spec === 'series') {
    if (!Array.isArray(v)) {
      ctx.warn(path, `expected an array of numbers, got ${show(v)}`);
      return FAIL;
    }
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = seriesValue(v[i]);
      if (x === undefined) {
        ctx.warn(`${path}[${i}]`, `expected a number, got ${show(v[i])}`);
        return FAIL;
      }
      out[i] = x;
    }
    return out;
  }
  if ('enum' in spec) {
    if (spec.enum.includes(v as string | boolean)) return v;
    ctx.warn(path, `expected one of ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${show(v)}`);
    return FAIL;
  }
  if ('oneOf' in spec) {
    const quiet = new Ctx(ctx.file, []);
    for (const s of spec.oneOf) {
      const r = check(v, s, path, quiet);
      if (r !== FAIL) return r;
    }
    ctx.warn(path, `unexpected value ${show(v)}`);
    return FAIL;
  }
  if ('opt' in spec) return check(v, spec.opt, path, ctx);
  if ('arr' in spec) {
    if (!Array.isArray(v)) {
      ctx.warn(path, `expected an array, got ${show(v)}`);
      return FAIL;
    }
    const out: unknown[] = [];
    v.forEach((e, i) => {
      const r = check(e, spec.arr, entryPath(path, i, e), ctx);
      if (r !== FAIL) out.push(r);
    });
    return out;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    ctx.warn(path, `expected an object, got ${show(v)}`);
    return FAIL;
  }
  const o = v as Record<string, unknown>;
  if ('record' in spec) {
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(o)) {
      const r = check(e, spec.record, `${path}.${k}`, ctx);
      if (r !== FAIL) out[k] = r;
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  const at = (k: string) => (path ? `${path}.${k}` : k);
  let ok = true;
  for (const [k, s] of Object.entries(spec.obj)) {
    const optional = typeof s === 'object' && 'opt' in s;
    // JSON.stringify writes a non-finite optional number as null: read that as absent.
    if (o[k] === undefined || (optional && o[k] === null)) {
      if (!optional) {
        ctx.warn(at(k), 'missing');
        ok = false;
      }
      continue;
    }
    const inner = optional ? (s as { opt: Spec }).opt : s;
    if (inner === 'count' && !isCount(o[k])) {
      // an invalid count: removed, the entry kept, and the field marked for the report
      ctx.warn(at(k), `expected a count (an integer >= 0), got ${show(o[k])}; shown as invalid`);
      const marked = out as { [INVALID]?: Record<string, string> };
      (marked[INVALID] ??= {})[k] = show(o[k]);
      continue;
    }
    const r = check(o[k], s, at(k), ctx);
    if (r === FAIL) {
      if (!optional) ok = false;
      continue;
    }
    out[k] = r;
  }
  for (const k of Object.keys(o)) if (!Object.hasOwn(spec.obj, k)) ctx.warn(at(k), `not in the schema (theory/results.ts); dropped`);
  return ok ? out : FAIL;
}

/** Series of one trace must have one entry per step: cut all to the shortest, with a warning. */
function alignSeries(f: ResultFile, ctx: Ctx): void {
  if (f.kind !== 'verify-trace') return;
  f.traces.forEach((tr, i) => {
    const s = tr.series as unknown as Record<string, number[]>;
    const n = Math.min(...Object.values(s).map((a) => a.length));
    if (Object.values(s).every((a) => a.length === n)) return;
    const lengths = Object.entries(s).map(([k, a]) => `${k} ${a.length}`).join(', ');
    ctx.warn(`traces[${i}].series`, `series of different lengths (${lengths}); all cut to ${n}`);
    for (const k of Object.keys(s)) s[k] = s[k]!.slice(0, n);
  });
}

/** Validates one parsed document; undefined (with warnings) when it cannot be used at all. */
export function validate(name: string, doc: unknown, warnings: Warning[]): ResultFile | undefined {
  const ctx = new Ctx(name, warnings);
  try {
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
      ctx.warn('(file)', 'not a result object; skipped');
      return undefined;
    }
    const kind = (doc as { kind?: unknown }).kind;
    if (typeof kind !== 'string' || !Object.hasOwn(RESULT_SCHEMAS, kind)) {
      ctx.warn('kind', `unknown kind ${show(kind)} (expected one of ${Object.keys(RESULT_SCHEMAS).join(', ')}); skipped`);
      return undefined;
    }
    const schema = (doc as { schema?: unknown }).schema;
    if (schema !== RESULT_SCHEMA_VERSION) {
      ctx.warn('schema', `version ${show(schema)}, this report reads version ${RESULT_SCHEMA_VERSION}; skipped`);
      return undefined;
    }
    const out = check(doc, RESULT_SCHEMAS[kind as ResultFile['kind']], '', ctx);
    if (out === FAIL) {
      ctx.warn('(file)', 'required fields are missing or malformed; skipped');
      return undefined;
    }
    const file = out as ResultFile;
    alignSeries(file, ctx);
    return file;
  } finally {
    ctx.finish();
  }
}

/** Reads `dir` (which must exist: the caller turns a missing folder into a usage error). */
export function loadResults(dir: string): Loaded {
  const warnings: Warning[] = [];
  const files: LoadedFile[] = [];
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch (e) {
      warnings.push({ file: name, message: `cannot be read: ${(e as Error).message}` });
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      warnings.push({ file: name, message: `not valid JSON (${(e as Error).message}); skipped` });
      continue;
    }
    const data = validate(name, doc, warnings);
    if (data) files.push({ name, data });
  }
  return { dir, files, warnings };
}
