/**
 * Reads and validates a trace (the schema of trace.ts). Every problem is a TraceFormatError
 * naming the file, the 1-based line and the field, e.g.
 *   trace.jsonl:17: field 'eta' must be a finite number, got null
 * Unknown header fields are kept verbatim (traces from other tools may carry more).
 */
import { readFileSync } from 'node:fs';
import {
  TRACE_FORMAT,
  TRACE_SCHEMA,
  type DivergenceRecord,
  type StepRecord,
  type SummaryRecord,
  type TraceHeader,
} from './trace.ts';

export class TraceFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string | undefined,
    detail: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${field !== undefined ? `field '${field}' ` : ''}${detail}`);
    this.name = 'TraceFormatError';
  }
}

export interface Trace {
  file: string;
  header: TraceHeader;
  steps: StepRecord[];
  /** Line number of each step record (for messages). */
  stepLines: number[];
  divergence?: DivergenceRecord;
  summary?: SummaryRecord;
}

type Kind =
  | 'finite'
  | 'nonneg'
  | 'positive'
  | 'int'
  | 'nonnegInt'
  | 'posInt'
  | 'string'
  | 'bool'
  | 'stringArray'
  | 'stringRecord'
  | 'batch'
  | 'shapes'
  | 'alpha';

interface FieldRule {
  kind: Kind;
  required?: boolean;
}

const EXPECT: Record<Kind, string> = {
  finite: 'a finite number',
  nonneg: 'a finite number >= 0',
  positive: 'a finite number > 0',
  int: 'an integer',
  nonnegInt: 'an integer >= 0',
  posInt: 'an integer >= 1',
  string: 'a string',
  bool: 'true or false',
  stringArray: 'an array of strings',
  stringRecord: 'an object of strings',
  batch: '"full" or an integer >= 1',
  shapes: 'an array of {"m": int >= 1, "n": int >= 1}',
  alpha: 'a finite number > 0 or null',
};

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function ok(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case 'finite':
      return isFinite(v);
    case 'nonneg':
      return isFinite(v) && v >= 0;
    case 'positive':
      return isFinite(v) && v > 0;
    case 'int':
      return isInt(v);
    case 'nonnegInt':
      return isInt(v) && v >= 0;
    case 'posInt':
      return isInt(v) && v >= 1;
    case 'string':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
    case 'stringArray':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'stringRecord':
      return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
    case 'batch':
      return v === 'full' || (isInt(v) && v >= 1);
    case 'shapes':
      return (
        Array.isArray(v) &&
        v.length >= 1 &&
        v.every((s) => typeof s === 'object' && s !== null && isInt((s as any).m) && (s as any).m >= 1 && isInt((s as any).n) && (s as any).n >= 1)
      );
    case 'alpha':
      return v === null || (isFinite(v) && v > 0);
  }
}

const HEADER_FIELDS: Record<string, FieldRule> = {
  format: { kind: 'string', required: true },
  schema: { kind: 'posInt', required: true },
  workload: { kind: 'string', required: true },
  name: { kind: 'string' },
  m: { kind: 'posInt', required: true },
  n: { kind: 'posInt', required: true },
  r: { kind: 'posInt', required: true },
  matrices: { kind: 'shapes' },
  N: { kind: 'posInt' },
  data: { kind: 'string' },
  L: { kind: 'positive', required: true },
  Lloss: { kind: 'positive' },
  Lmethod: { kind: 'string' },
  Lestimated: { kind: 'bool' },
  Lstar: { kind: 'finite', required: true },
  rule: { kind: 'string', required: true },
  alpha: { kind: 'alpha' },
  batch: { kind: 'batch', required: true },
  init: { kind: 'string' },
  sigma: { kind: 'nonneg' },
  seed: { kind: 'nonnegInt' },
  steps: { kind: 'nonnegInt' },
  backend: { kind: 'string' },
  backendDetail: { kind: 'string' },
  backendSkipped: { kind: 'stringArray' },
  dtype: { kind: 'string', required: true },
  versions: { kind: 'stringRecord' },
  created: { kind: 'string' },
};

const STEP_FIELDS: Record<string, FieldRule> = {
  t: { kind: 'nonnegInt', required: true },
  J: { kind: 'finite', required: true },
  Vsq: { kind: 'nonneg', required: true },
  Gnorm: { kind: 'nonneg', required: true },
  gradJsq: { kind: 'nonneg', required: true },
  eta: { kind: 'nonneg', required: true },
  time_ms: { kind: 'nonneg', required: true },
  batchJ: { kind: 'finite' },
  L: { kind: 'positive' },
};

const DIVERGENCE_FIELDS: Record<string, FieldRule> = {
  t: { kind: 'nonnegInt', required: true },
  reason: { kind: 'string', required: true },
};

const SUMMARY_FIELDS: Record<string, FieldRule> = {
  steps: { kind: 'nonnegInt', required: true },
  diverged: { kind: 'bool', required: true },
  interrupted: { kind: 'bool' },
  wall_ms: { kind: 'nonneg', required: true },
  Lfinal: { kind: 'positive' },
};

/** A short rendering of a bad value for messages. */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function checkFields(obj: Record<string, unknown>, rules: Record<string, FieldRule>, file: string, line: number): void {
  for (const [name, rule] of Object.entries(rules)) {
    const v = obj[name];
    if (v === undefined) {
      if (rule.required) throw new TraceFormatError(file, line, name, `is missing (must be ${EXPECT[rule.kind]})`);
      continue;
    }
    if (!ok(rule.kind, v)) throw new TraceFormatError(file, line, name, `must be ${EXPECT[rule.kind]}, got ${show(v)}`);
  }
}

/** Parses and validates trace text. `file` is only used in messages. */
export function parseTrace(text: string, file: string): Trace {
  if (text.length === 0) throw new TraceFormatError(file, undefined, undefined, 'is empty (expected a header line)');
  const raw = text.split('\n');
  // A final newline leaves one empty string; anything else empty is a blank line (an error).
  if (raw[raw.length - 1] === '') raw.pop();
  let header: TraceHeader | undefined;
  const steps: StepRecord[] = [];
  const stepLines: number[] = [];
  let divergence: DivergenceRecord | undefined;
  let summary: SummaryRecord | undefined;
  raw.forEach((text, k) => {
    const line = k + 1;
    if (text.trim() === '') throw new TraceFormatError(file, line, undefined, 'is blank (one JSON object per line expected)');
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      const last = k === raw.length - 1;
      const why = e instanceof Error ? e.message : String(e);
      throw new TraceFormatError(file, line, undefined, `is not valid JSON${last ? ' (truncated last line?)' : ''}: ${why}`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
      throw new TraceFormatError(file, line, undefined, `must be a JSON object, got ${show(obj)}`);
    const rec = obj as Record<string, unknown>;
    const type = rec.type;
    if (line === 1) {
      if (type !== 'header')
        throw new TraceFormatError(file, 1, 'type', `must be "header" on line 1 (the header is missing), got ${show(type)}`);
      checkFields(rec, HEADER_FIELDS, file, 1);
      if (rec.format !== TRACE_FORMAT) throw new TraceFormatError(file, 1, 'format', `must be "${TRACE_FORMAT}", got ${show(rec.format)}`);
      if ((rec.schema as number) > TRACE_SCHEMA)
        throw new TraceFormatError(file, 1, 'schema', `is ${rec.schema}, newer than this reader (${TRACE_SCHEMA})`);
      header = rec as TraceHeader;
      return;
    }
    if (summary) throw new TraceFormatError(file, line, undefined, 'follows the summary line (the summary must be last)');
    switch (type) {
      case 'header':
        throw new TraceFormatError(file, line, 'type', 'is "header" again (only line 1 may be a header)');
      case 'step': {
        if (divergence) throw new TraceFormatError(file, line, undefined, 'is a step after the divergence record');
        checkFields(rec, STEP_FIELDS, file, line);
        const expected = steps.length === 0 ? 0 : steps[steps.length - 1]!.t + 1;
        if (rec.t !== expected)
          throw new TraceFormatError(file, line, 't', `must be ${expected} (${steps.length === 0 ? 'the first step' : 'previous t + 1'}), got ${show(rec.t)}`);
        steps.push(rec as unknown as StepRecord);
        stepLines.push(line);
        return;
      }
      case 'divergence':
        if (divergence) throw new TraceFormatError(file, line, 'type', 'is a second divergence record');
        checkFields(rec, DIVERGENCE_FIELDS, file, line);
        divergence = rec as unknown as DivergenceRecord;
        return;
      case 'summary':
        checkFields(rec, SUMMARY_FIELDS, file, line);
        if (!(rec.finalJ === null || isFinite(rec.finalJ)))
          throw new TraceFormatError(file, line, 'finalJ', `must be a finite number or null, got ${show(rec.finalJ)}`);
        summary = rec as unknown as SummaryRecord;
        return;
      default:
        throw new TraceFormatError(file, line, 'type', `must be one of "step", "divergence", "summary", got ${show(type)}`);
    }
  });
  if (!header) throw new TraceFormatError(file, undefined, undefined, 'has no header line');
  return { file, header, steps, stepLines, divergence, summary };
}

/** Reads a trace file; an unreadable file is a TraceFormatError too (one line, exit 2 in the CLI). */
export function readTrace(path: string): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TraceFormatError(path, undefined, undefined, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(e)})`);
  }
  return parseTrace(text, path);
}
