import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_NESTING, TraceFormatError, parseTrace, readTrace, streamTrace } from './trace-reader.ts';
import { TRACE_FORMAT, TRACE_SCHEMA, type StepRecord, type TraceHeader } from './trace.ts';

const header: TraceHeader = {
  type: 'header',
  format: TRACE_FORMAT,
  schema: TRACE_SCHEMA,
  workload: 'unit',
  m: 2,
  n: 3,
  r: 1,
  L: 1,
  Lstar: 0,
  rule: 'theory',
  batch: 'full',
  dtype: 'float32',
};

function step(t: number, over: Partial<StepRecord> = {}): StepRecord {
  return { type: 'step', t, J: 1 - t / 100, Vsq: 1, Gnorm: 0.5, gradJsq: 0.1, eta: 0.1, time_ms: t, ...over };
}

const lines = (...objs: unknown[]): string => objs.map((o) => JSON.stringify(o) + '\n').join('');
const summary = { type: 'summary', steps: 2, finalJ: 0.98, diverged: false, wall_ms: 3 };

function errorOf(text: string): TraceFormatError {
  try {
    parseTrace(text, 'trace.jsonl');
  } catch (e) {
    if (e instanceof TraceFormatError) return e;
    throw e;
  }
  throw new Error('expected a TraceFormatError');
}

describe('trace reader', () => {
  it('reads a well-formed trace', () => {
    const tr = parseTrace(lines(header, step(0), step(1), step(2), summary), 'ok.jsonl');
    expect(tr.steps.map((s) => s.t)).toEqual([0, 1, 2]);
    expect(tr.summary?.steps).toBe(2);
    expect(tr.stepLines).toEqual([2, 3, 4]);
  });

  it('names line and field of a NaN written by JSON.stringify (null)', () => {
    const text = lines(header, step(0), step(1, { eta: NaN }), summary);
    const e = errorOf(text);
    expect(e.message).toBe("trace.jsonl:3: field 'eta' must be a finite number >= 0, got null");
    expect(e.line).toBe(3);
    expect(e.field).toBe('eta');
  });

  it('ignores a last line cut mid-write and calls the trace truncated; a cut line inside the file is an error', () => {
    const full = lines(header, step(0), step(1));
    const cut = full.slice(0, full.length - 20); // cut inside the last record, no newline
    const tr = parseTrace(cut, 'trace.jsonl');
    expect(tr.steps.map((s) => s.t)).toEqual([0]);
    expect(tr).toMatchObject({ truncated: true, partialLastLine: true, lines: 3 });
    // the same bytes followed by a newline are a corrupt line, named
    const e = errorOf(cut + '\n' + lines(step(2)));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^trace\.jsonl:3: is not valid JSON: /);
    // complete traces are not truncated
    expect(parseTrace(lines(header, step(0), step(1), step(2), summary), 'ok.jsonl')).toMatchObject({ truncated: false, partialLastLine: false });
  });

  it('streams a file in chunks with the same records as the in-memory parser (lines across chunk borders, UTF-8 names)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loracheck-reader-'));
    try {
      const n = 12_000; // about 1.3 MB: crosses the 1 MB chunk border
      const text = lines({ ...header, name: 'Ĳssel – ∇J ✓' }, ...Array.from({ length: n }, (_, t) => step(t, { J: 1 / (t + 1) })), { ...summary, steps: n - 1 });
      expect(text.length).toBeGreaterThan(1 << 20);
      const file = join(dir, 't.jsonl');
      writeFileSync(file, text);
      let count = 0;
      let lastT = -1;
      let name: unknown;
      const info = streamTrace(file, {
        header: (h) => void (name = h.name),
        step: (s) => {
          count++;
          expect(s.t).toBe(lastT + 1);
          lastT = s.t;
        },
      });
      expect(count).toBe(n);
      expect(name).toBe('Ĳssel – ∇J ✓');
      expect(info).toEqual({ truncated: false, partialLastLine: false, lines: n + 2 });
      expect(readTrace(file).steps[n - 1]).toEqual(parseTrace(text, file).steps[n - 1]);
      writeFileSync(file, text.slice(0, text.length - 30)); // the summary cut mid-line
      expect(streamTrace(file, { header() {}, step() {} })).toEqual({ truncated: true, partialLastLine: true, lines: n + 2 });
      expect(() => readTrace(join(dir, 'missing.jsonl'))).toThrow(/missing\.jsonl: no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a missing header', () => {
    const e = errorOf(lines(step(0), step(1)));
    expect(e.message).toBe('trace.jsonl:1: field \'type\' must be "header" on line 1 (the header is missing), got "step"');
  });

  it('names a missing required header field and a wrong-typed one', () => {
    const { L: _L, ...noL } = header;
    expect(errorOf(lines(noL, step(0))).message).toBe("trace.jsonl:1: field 'L' is missing (must be a finite number > 0)");
    expect(errorOf(lines({ ...header, batch: 0 }, step(0))).message).toBe(
      'trace.jsonl:1: field \'batch\' must be "full" or an integer >= 1, got 0',
    );
  });

  it('rejects non-consecutive steps, records after the summary, and an empty file', () => {
    expect(errorOf(lines(header, step(0), step(2))).message).toBe("trace.jsonl:3: field 't' must be 1 (previous t + 1), got 2");
    expect(errorOf(lines(header, step(0), summary, step(1))).message).toBe(
      'trace.jsonl:4: follows the summary line (the summary must be last)',
    );
    expect(errorOf('').message).toBe('trace.jsonl: is empty (expected a header line)');
    expect(errorOf(lines(header, step(0)) + '\n' + lines(step(1))).line).toBe(3);
  });

  it('keeps header strings verbatim, <script> included', () => {
    const evil = '<script>alert("x")</script> & </tr>';
    const tr = parseTrace(lines({ ...header, name: evil, workload: evil, extra: { note: evil } }, step(0)), 'x.jsonl');
    expect(tr.header.name).toBe(evil);
    expect(tr.header.workload).toBe(evil);
    expect((tr.header.extra as { note: string }).note).toBe(evil);
    // Round trip: re-serialising gives the identical line.
    const line1 = JSON.stringify({ ...header, name: evil, workload: evil, extra: { note: evil } });
    expect(JSON.stringify(tr.header)).toBe(line1);
  });

  it('accepts a divergence record followed by the summary, and nothing after it but the summary', () => {
    const div = { type: 'divergence', t: 2, reason: 'J is NaN at step 2' };
    const tr = parseTrace(lines(header, step(0), step(1), div, { ...summary, diverged: true }), 'd.jsonl');
    expect(tr.divergence?.t).toBe(2);
    expect(errorOf(lines(header, step(0), div, step(1))).message).toBe('trace.jsonl:4: is a step after the divergence record');
  });

  it('rejects a field nested deeper than MAX_NESTING (100,000 levels: no stack overflow), naming file, line and field', () => {
    const deep = (d: number) => '['.repeat(d) + ']'.repeat(d);
    const head = JSON.stringify(header).slice(0, -1);
    const e = errorOf(`${head},"extra":${deep(100_000)}}\n${JSON.stringify(step(0))}\n`);
    expect(e.message).toBe(`trace.jsonl:1: field 'extra' is nested deeper than ${MAX_NESTING} levels`);
    const stepLine = JSON.stringify(step(1)).slice(0, -1);
    expect(errorOf(`${lines(header, step(0))}${stepLine},"x":{"y":${deep(100_000)}}}\n`).message).toBe(
      `trace.jsonl:3: field 'x' is nested deeper than ${MAX_NESTING} levels`,
    );
    // a required field holding a deep value: the same message, before its type is shown
    expect(errorOf(`${head.replace('"workload":"unit"', `"workload":${deep(100_000)}`)}}\n`).field).toBe('workload');
    // at the limit it is kept, one level more is not
    const ok = parseTrace(`${head},"extra":${deep(MAX_NESTING)}}\n`, 'x.jsonl');
    expect(JSON.stringify(ok.header.extra).length).toBe(2 * MAX_NESTING);
    expect(errorOf(`${head},"extra":${deep(MAX_NESTING + 1)}}\n`).field).toBe('extra');
  });
});

