/**
 * Reads and validates a trace (the schema of trace.ts). Every problem is a TraceFormatError
 * naming the file, the 1-based line and the field, e.g.
 *   trace.jsonl:17: field 'eta' must be a finite number, got null
 * Unknown header fields are kept verbatim (traces from other tools may carry more).
 *
 * `streamTrace` reads a file in fixed-size chunks and hands each record to a visitor, so
 * memory does not grow with the trace (a 1,000,000-step trace is about 150 MB of text);
 * `parseTrace` / `readTrace` collect the records into arrays for small traces and tests.
 * A trace without a summary line is *truncated* (the run was killed, or is still running);
 * its last line, when it has no newline and is not valid JSON, was cut mid-write and is
 * ignored (`partialLastLine`), never an error.
 * A field nested deeper than MAX_NESTING levels of arrays and objects is an error too (it would
 * overflow the stack of whatever serialises the result); the check walks values without recursion.
 *
 * Traces from Python: `json.dumps` writes a non-finite float as the bare token NaN, Infinity or
 * -Infinity, which JSON does not have. The reader takes those tokens (`parsePythonJSON`), and a
 * step record whose measured quantities are not all finite is where the run diverged, as
 * loracheck's trainer would have recorded it (train-common.ts `nonFinite`): the reader reports a
 * divergence at that t instead of the record, and skips the step records after it.
 * A compressed file (gzip, xz, zstd, bzip2) is named as such, not parsed as text.
 */
import { closeSync, openSync, readSync } from 'node:fs';
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

/** What reading a whole trace found besides its records. */
export interface ReadInfo {
  /** No summary line: the run was killed or is still running. */
  truncated: boolean;
  /** The last line had no newline and was not valid JSON (cut mid-write); it was ignored. */
  partialLastLine: boolean;
  /** Lines read (the ignored partial line included). */
  lines: number;
}

export interface Trace extends ReadInfo {
  file: string;
  header: TraceHeader;
  steps: StepRecord[];
  /** Line number of each step record (for messages). */
  stepLines: number[];
  divergence?: DivergenceRecord;
  summary?: SummaryRecord;
}

/** Receives the records of a trace in file order (the header first, then steps, ...). */
export interface TraceVisitor {
  header(h: TraceHeader): void;
  step(s: StepRecord, line: number): void;
  divergence?(d: DivergenceRecord, line: number): void;
  summary?(s: SummaryRecord, line: number): void;
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
  scalarDtype: { kind: 'string' },
  termDtype: { kind: 'string' },
  versions: { kind: 'stringRecord' },
  created: { kind: 'string' },
  method: { kind: 'string' },
  sketch: { kind: 'string' },
  linkSteps: { kind: 'posInt' },
  fullJEvery: { kind: 'posInt' },
  rankBound: { kind: 'nonneg' },
  rankBoundDistSq: { kind: 'nonneg' },
  rankBoundMethod: { kind: 'string' },
  distance: { kind: 'string' },
  decrease: { kind: 'string' },
  W0sq: { kind: 'nonneg' },
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
  fullJ: { kind: 'finite' },
  distSq: { kind: 'nonneg' },
  dJ: { kind: 'finite' },
  dJerr: { kind: 'nonneg' },
  HgradSq: { kind: 'nonneg' },
  gamma: { kind: 'nonneg' },
};

const DIVERGENCE_FIELDS: Record<string, FieldRule> = {
  t: { kind: 'nonnegInt', required: true },
  reason: { kind: 'string', required: true },
};

const SUMMARY_FIELDS: Record<string, FieldRule> = {
  steps: { kind: 'nonnegInt', required: true },
  diverged: { kind: 'bool', required: true },
  interrupted: { kind: 'bool' },
  stepDropped: { kind: 'bool' },
  wall_ms: { kind: 'nonneg', required: true },
  Lfinal: { kind: 'positive' },
};

/** Levels of arrays and objects a field's value may hold (README, "Trace format"). */
export const MAX_NESTING = 32;

/** Whether `v` holds more than `limit` levels of arrays/objects (iterative: any depth is safe). */
function nestedDeeper(v: unknown, limit: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (d > limit) return true;
    for (const c of Object.values(x as object)) if (typeof c === 'object' && c !== null) stack.push([c, d + 1]);
  }
  return false;
}

/** Rejects any field of a record nested deeper than MAX_NESTING (before any value is shown). */
function checkNesting(rec: Record<string, unknown>, file: string, line: number): void {
  for (const k in rec) {
    const v = rec[k];
    if (typeof v === 'object' && v !== null && nestedDeeper(v, MAX_NESTING))
      throw new TraceFormatError(file, line, k, `is nested deeper than ${MAX_NESTING} levels`);
  }
}

/** A short rendering of a bad value for messages (a non-finite number as NaN, Infinity, -Infinity). */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The rules as [name, rule] pairs, listed once per table (checkFields runs once per line). */
const ENTRIES = new Map<Record<string, FieldRule>, [string, FieldRule][]>();

function checkFields(obj: Record<string, unknown>, rules: Record<string, FieldRule>, file: string, line: number): void {
  let entries = ENTRIES.get(rules);
  if (!entries) ENTRIES.set(rules, (entries = Object.entries(rules)));
  for (const [name, rule] of entries) {
    const v = obj[name];
    if (v === undefined) {
      if (rule.required) throw new TraceFormatError(file, line, name, `is missing (must be ${EXPECT[rule.kind]})`);
      continue;
    }
    if (!ok(rule.kind, v)) throw new TraceFormatError(file, line, name, `must be ${EXPECT[rule.kind]}, got ${show(v)}`);
  }
}

/** The step fields that hold a measured quantity: one that is not finite means the run diverged. */
const MEASURED = ['J', 'Vsq', 'Gnorm', 'gradJsq', 'eta', 'batchJ', 'fullJ', 'L', 'distSq', 'HgradSq', 'gamma'] as const;

/** Stands in for NaN while parsing (a lone surrogate and a nonce: no trace's string holds it). */
const NAN_MARK = `\ud800loracheck-NaN-${Math.random()}`;

/**
 * JSON with Python's non-finite tokens (`json.dumps` writes NaN, Infinity, -Infinity): the tokens
 * outside strings become 1e999 / -1e999 (JSON.parse reads them as +-Infinity) and a marker for NaN.
 * Throws as JSON.parse does when the text is not JSON even so.
 */
function parsePythonJSON(text: string): unknown {
  const swapped = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (m) =>
    m.startsWith('"') ? m : m === 'NaN' ? JSON.stringify(NAN_MARK) : m === 'Infinity' ? '1e999' : '-1e999',
  );
  return JSON.parse(swapped, (_k, v) => (v === NAN_MARK ? NaN : v));
}

/** Magic bytes of compressed files, as the first characters of a line read as UTF-8. */
const COMPRESSED: [string, string, string][] = [
  ['\x1f\ufffd\x08', 'gzip', 'gunzip -k'], // 1f 8b 08: 0x8b alone is not UTF-8
  ['\ufffd7zXZ', 'xz', 'unxz -k'],
  ['(\ufffd/\ufffd', 'zstd', 'unzstd'],
  ['BZh', 'bzip2', 'bunzip2 -k'],
];

/**
 * Validates one line at a time and dispatches it to the visitor. State is O(1): the previous
 * t and whether a divergence or summary has been seen.
 */
class LineParser {
  private headerSeen = false;
  private lastT: number | undefined;
  private divergenceSeen = false;
  /** The divergence was a step record with a non-finite quantity: later step records are skipped. */
  private divergedInStep = false;
  private summarySeen = false;
  lines = 0;

  constructor(
    private readonly file: string,
    private readonly visitor: TraceVisitor,
  ) {}

  /** One line (without its newline). `unterminated`: the file ends inside this line. */
  line(text: string, unterminated: boolean): 'ok' | 'partial' {
    const file = this.file;
    const line = ++this.lines;
    if (text.trim() === '') throw new TraceFormatError(file, line, undefined, 'is blank (one JSON object per line expected)');
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      try {
        obj = parsePythonJSON(text);
      } catch {
        // A run killed mid-write leaves half a line at the end: a truncated trace, not a bad one.
        if (unterminated && line > 1 && !this.summarySeen) return 'partial';
        const packed = line === 1 ? COMPRESSED.find(([magic]) => text.startsWith(magic)) : undefined;
        if (packed) throw new TraceFormatError(file, undefined, undefined, `is ${packed[1]}-compressed, not a JSON Lines trace: decompress it first (${packed[2]} FILE)`);
        const why = (e instanceof Error ? e.message : String(e)).replace(/ is not valid JSON$/, '');
        throw new TraceFormatError(file, line, undefined, `is not valid JSON${unterminated ? ' (truncated last line?)' : ''}: ${why}`);
      }
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
      throw new TraceFormatError(file, line, undefined, `must be a JSON object, got ${show(obj)}`);
    const rec = obj as Record<string, unknown>;
    checkNesting(rec, file, line);
    const type = rec.type;
    if (line === 1) {
      if (type !== 'header')
        throw new TraceFormatError(file, 1, 'type', `must be "header" on line 1 (the header is missing), got ${show(type)}`);
      checkFields(rec, HEADER_FIELDS, file, 1);
      if (rec.format !== TRACE_FORMAT) throw new TraceFormatError(file, 1, 'format', `must be "${TRACE_FORMAT}", got ${show(rec.format)}`);
      if ((rec.schema as number) > TRACE_SCHEMA)
        throw new TraceFormatError(file, 1, 'schema', `is ${rec.schema}, newer than this reader (${TRACE_SCHEMA})`);
      this.headerSeen = true;
      this.visitor.header(rec as TraceHeader);
      return 'ok';
    }
    if (this.summarySeen) throw new TraceFormatError(file, line, undefined, 'follows the summary line (the summary must be last)');
    switch (type) {
      case 'header':
        throw new TraceFormatError(file, line, 'type', 'is "header" again (only line 1 may be a header)');
      case 'step': {
        if (this.divergedInStep) return 'ok';
        if (this.divergenceSeen) throw new TraceFormatError(file, line, undefined, 'is a step after the divergence record');
        const bad = MEASURED.find((k) => typeof rec[k] === 'number' && !Number.isFinite(rec[k]));
        if (bad !== undefined) {
          // the run diverged here: the record loracheck's trainer would have written instead
          const expected = this.lastT === undefined ? 0 : this.lastT + 1;
          if (rec.t !== expected) throw new TraceFormatError(file, line, 't', `must be ${expected}, got ${show(rec.t)}`);
          this.divergenceSeen = this.divergedInStep = true;
          const reason = `${bad} is ${show(rec[bad])} at step ${expected} (line ${line}; later step records not read)`;
          this.visitor.divergence?.({ type: 'divergence', t: expected, reason }, line);
          return 'ok';
        }
        checkFields(rec, STEP_FIELDS, file, line);
        const expected = this.lastT === undefined ? 0 : this.lastT + 1;
        if (rec.t !== expected)
          throw new TraceFormatError(file, line, 't', `must be ${expected} (${this.lastT === undefined ? 'the first step' : 'previous t + 1'}), got ${show(rec.t)}`);
        this.lastT = expected;
        this.visitor.step(rec as unknown as StepRecord, line);
        return 'ok';
      }
      case 'divergence':
        if (this.divergenceSeen) throw new TraceFormatError(file, line, 'type', 'is a second divergence record');
        checkFields(rec, DIVERGENCE_FIELDS, file, line);
        this.divergenceSeen = true;
        this.visitor.divergence?.(rec as unknown as DivergenceRecord, line);
        return 'ok';
      case 'summary':
        checkFields(rec, SUMMARY_FIELDS, file, line);
        // a diverged run's last J (Python writes NaN or Infinity): no finite final J, as null
        if (this.divergenceSeen && typeof rec.finalJ === 'number' && !isFinite(rec.finalJ)) rec.finalJ = null;
        if (!(rec.finalJ === null || isFinite(rec.finalJ)))
          throw new TraceFormatError(file, line, 'finalJ', `must be a finite number or null, got ${show(rec.finalJ)}`);
        this.summarySeen = true;
        this.visitor.summary?.(rec as unknown as SummaryRecord, line);
        return 'ok';
      default:
        throw new TraceFormatError(file, line, 'type', `must be one of "step", "divergence", "summary", got ${show(type)}`);
    }
  }

  finish(partialLastLine: boolean): ReadInfo {
    if (!this.headerSeen) throw new TraceFormatError(this.file, undefined, undefined, 'has no header line');
    return { truncated: !this.summarySeen, partialLastLine, lines: this.lines };
  }
}

/** Streams trace text (already in memory) through the visitor. */
export function streamTraceText(text: string, file: string, visitor: TraceVisitor): ReadInfo {
  if (text.length === 0) throw new TraceFormatError(file, undefined, undefined, 'is empty (expected a header line)');
  const p = new LineParser(file, visitor);
  let pos = 0;
  let partial = false;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    if (p.line(text.slice(pos, end), nl < 0) === 'partial') partial = true;
    pos = end + 1;
  }
  return p.finish(partial);
}

/** Bytes read per chunk: large enough that syscalls do not matter, small next to the heap. */
const CHUNK = 1 << 20;

/**
 * Streams a trace file through the visitor in 1 MB chunks: memory stays constant in the
 * trace length (only the current chunk and one unfinished line are held). Lines are split on
 * the byte 0x0A, which never occurs inside a multi-byte UTF-8 character.
 */
export function streamTrace(path: string, visitor: TraceVisitor): ReadInfo {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw unreadable(path, e);
  }
  try {
    const p = new LineParser(path, visitor);
    const buf = Buffer.allocUnsafe(CHUNK);
    let carry: Buffer | undefined; // the start of a line that continues in the next chunk
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, CHUNK, null);
      } catch (e) {
        throw unreadable(path, e);
      }
      if (n === 0) break;
      total += n;
      const chunk = carry ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let pos = 0;
      for (let nl = chunk.indexOf(10, pos); nl >= 0; nl = chunk.indexOf(10, pos)) {
        p.line(chunk.toString('utf8', pos, nl), false);
        pos = nl + 1;
      }
      carry = pos < chunk.length ? Buffer.from(chunk.subarray(pos)) : undefined;
    }
    if (total === 0) throw new TraceFormatError(path, undefined, undefined, 'is empty (expected a header line)');
    const partial = carry !== undefined && p.line(carry.toString('utf8'), true) === 'partial';
    return p.finish(partial);
  } finally {
    closeSync(fd);
  }
}

function unreadable(path: string, e: unknown): TraceFormatError {
  const code = (e as { code?: string }).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a trace file' : `cannot be read (${code ?? String(e)})`;
  return new TraceFormatError(path, undefined, undefined, why);
}

/** Collects every record in arrays (small traces, tests). */
function collector(file: string): { visitor: TraceVisitor; done(info: ReadInfo): Trace } {
  let header: TraceHeader | undefined;
  const steps: StepRecord[] = [];
  const stepLines: number[] = [];
  let divergence: DivergenceRecord | undefined;
  let summary: SummaryRecord | undefined;
  return {
    visitor: {
      header: (h) => void (header = h),
      step: (s, line) => {
        steps.push(s);
        stepLines.push(line);
      },
      divergence: (d) => void (divergence = d),
      summary: (s) => void (summary = s),
    },
    done: (info) => ({ file, header: header!, steps, stepLines, divergence, summary, ...info }),
  };
}

/** Parses and validates trace text. `file` is only used in messages. */
export function parseTrace(text: string, file: string): Trace {
  const c = collector(file);
  return c.done(streamTraceText(text, file, c.visitor));
}

/** Reads a whole trace file into memory; an unreadable file is a TraceFormatError too (one line, exit 2 in the CLI). */
export function readTrace(path: string): Trace {
  const c = collector(path);
  return c.done(streamTrace(path, c.visitor));
}
