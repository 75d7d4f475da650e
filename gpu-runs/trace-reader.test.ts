import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
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

  it("reads Python's NaN, Infinity and -Infinity: a step record holding one is where the run diverged", () => {
    // json.dumps writes non-finite floats as bare tokens; a PyTorch loop keeps writing records after
    const py = (o: object) => JSON.stringify(o).replace(/"__(NaN|-?Infinity)__"/g, '$1');
    const text = [header, step(0), step(1, { gradJsq: '__Infinity__' as never }), step(2, { J: '__NaN__' as never }), { ...summary, finalJ: '__NaN__' }]
      .map((o) => py(o) + '\n')
      .join('');
    const tr = parseTrace(text, 'py.jsonl');
    expect(tr.steps.map((s) => s.t)).toEqual([0]);
    expect(tr.divergence).toEqual({ type: 'divergence', t: 1, reason: 'gradJsq is Infinity at step 1 (line 3; later step records not read)' });
    expect(tr.summary?.finalJ).toBeNull();
    expect(tr.truncated).toBe(false);
    expect(parseTrace(py(header) + '\n' + py(step(0, { Vsq: '__-Infinity__' as never })) + '\n', 'py.jsonl').divergence?.reason).toMatch(/^Vsq is -Infinity at step 0 /);
    // the tokens inside strings are text; elsewhere a non-finite number is named as such
    expect(parseTrace(lines({ ...header, workload: 'NaN -Infinity "Infinity"' }, step(0)), 'x.jsonl').header.workload).toBe('NaN -Infinity "Infinity"');
    expect(errorOf(py(header) + '\n' + py(step(0, { time_ms: '__NaN__' as never })) + '\n').message).toBe("trace.jsonl:2: field 'time_ms' must be a finite number >= 0, got NaN");
    expect(errorOf(py({ ...header, L: '__Infinity__' }) + '\n').message).toBe("trace.jsonl:1: field 'L' must be a finite number > 0, got Infinity");
    expect(errorOf(lines(header, step(0)) + py({ ...summary, finalJ: '__NaN__' }) + '\n').message).toBe(
      "trace.jsonl:3: field 'finalJ' must be a finite number or null, got NaN",
    );
    // a step with the wrong t is still named; an explicit divergence record still ends the steps
    expect(verdict(py(header) + '\n' + py(step(0)) + '\n' + py(step(2, { J: '__NaN__' as never })) + '\n')).toBe('3:t');
    expect(verdict(lines(header, step(0), { type: 'divergence', t: 1, reason: 'x' }) + py(step(1, { J: '__NaN__' as never })) + '\n')).toBe('4:-');
    // still not JSON: the message names the line once
    expect(errorOf(lines(header) + '{"type": "step", "J": NaNa}\n').message).toMatch(/^trace\.jsonl:2: is not valid JSON: .*[^N]$/);
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
    // scalars at the innermost level are no level of their own
    const full = `${'['.repeat(MAX_NESTING)}1,"a",null,true${']'.repeat(MAX_NESTING)}`;
    expect(JSON.stringify(parseTrace(`${head},"extra":${full}}\n`, 'x.jsonl').header.extra)).toBe(full);
    expect(errorOf(`${head},"extra":${deep(MAX_NESTING + 1)}}\n`).field).toBe('extra');
  });
});


const without = (o: object, k: string) => Object.fromEntries(Object.entries(o).filter(([key]) => key !== k));

/** The field named by the error `text` raises, with its line ("line:field"), or "ok" when it reads. */
function verdict(text: string): string {
  try {
    parseTrace(text, 'trace.jsonl');
    return 'ok';
  } catch (e) {
    if (!(e instanceof TraceFormatError)) throw e;
    return `${e.line}:${e.field ?? '-'}`;
  }
}

describe('trace reader: each field rule at its boundary', () => {
  const headerWith = (k: string, v: unknown) => verdict(lines({ ...header, [k]: v }, step(0)));
  const stepWith = (k: string, v: unknown) => verdict(lines(header, step(0), { ...step(1), [k]: v }));
  const summaryWith = (k: string, v: unknown) => verdict(lines(header, step(0), { ...summary, steps: 1, [k]: v }));
  /** A value JSON.parse reads as Infinity (JSON has no literal for it). */
  const INF = '__inf__';
  const raw = (text: string) => text.replaceAll(`"${INF}"`, '1e400');

  it('requires the header fields loracheck needs, and only those (other tools may omit the rest)', () => {
    const required = ['format', 'schema', 'workload', 'm', 'n', 'r', 'L', 'Lstar', 'rule', 'batch', 'dtype'];
    for (const k of required) expect(verdict(lines(without(header, k), step(0))), k).toBe(`1:${k}`);
    const optional = {
      name: 'x', matrices: [{ m: 2, n: 3 }], N: 100, data: 'd', Lloss: 0.5, Lmethod: 'secant', Lestimated: true, alpha: null,
      init: 'lora', sigma: 0, seed: 0, steps: 0, backend: 'cpu', backendDetail: '', backendSkipped: [], scalarDtype: 'float64',
      versions: {}, created: '2026', method: 'rac', sketch: 'gauss', linkSteps: 1, fullJEvery: 1, rankBound: 0, rankBoundDistSq: 0,
      rankBoundMethod: 'svd', distance: 'fro', W0sq: 0,
    };
    // every optional field at its smallest valid value is accepted, alone and all together
    for (const [k, v] of Object.entries(optional)) expect(headerWith(k, v), k).toBe('ok');
    expect(verdict(lines({ ...header, ...optional }, step(0)))).toBe('ok');
    // fields this reader does not know are kept (PyTorch/PEFT writers add their own)
    expect(parseTrace(lines({ ...header, peft_config: { r: 4, lora_alpha: 8 }, torch: '2.5' }, step(0)), 'p.jsonl').header).toMatchObject({ torch: '2.5' });
  });

  it('checks each header field kind at its boundary', () => {
    const cases: [string, unknown, string][] = [
      // [field, value, verdict]
      ['schema', 0, '1:schema'], ['schema', 1.5, '1:schema'], ['schema', 2, '1:schema'], // newer than this reader
      ['format', 'loracheck-trace-v2', '1:format'], ['format', 7, '1:format'],
      ['workload', 3, '1:workload'], ['name', null, '1:name'],
      ['m', 0, '1:m'], ['m', 1, 'ok'], ['n', 2.5, '1:n'], ['r', '1', '1:r'],
      ['L', 0, '1:L'], ['L', -1, '1:L'], ['L', 1e-300, 'ok'], ['L', INF, '1:L'], ['Lloss', 0, '1:Lloss'], ['Lloss', null, '1:Lloss'],
      ['Lstar', -3.5, 'ok'], ['Lstar', null, '1:Lstar'], ['Lstar', INF, '1:Lstar'],
      ['Lestimated', 'true', '1:Lestimated'], ['Lestimated', 1, '1:Lestimated'], ['Lestimated', false, 'ok'],
      ['alpha', 0, '1:alpha'], ['alpha', -1, '1:alpha'], ['alpha', 0.8, 'ok'], ['alpha', INF, '1:alpha'], ['alpha', '0.8', '1:alpha'],
      ['batch', 'full', 'ok'], ['batch', 1, 'ok'], ['batch', 512, 'ok'], ['batch', 0, '1:batch'], ['batch', 2.5, '1:batch'], ['batch', 'all', '1:batch'],
      ['sigma', 0, 'ok'], ['sigma', -1e-9, '1:sigma'], ['sigma', INF, '1:sigma'],
      ['seed', 0, 'ok'], ['seed', -1, '1:seed'], ['seed', 0.5, '1:seed'], ['steps', 3, 'ok'], ['steps', -2, '1:steps'],
      ['N', 0, '1:N'], ['linkSteps', 0, '1:linkSteps'], ['fullJEvery', 1.5, '1:fullJEvery'],
      ['backendSkipped', ['wasm', 'cpu'], 'ok'], ['backendSkipped', ['wasm', 1], '1:backendSkipped'], ['backendSkipped', 'wasm', '1:backendSkipped'],
      ['versions', { node: '20', tfjs: '4' }, 'ok'], ['versions', { node: 20 }, '1:versions'], ['versions', ['20'], '1:versions'], ['versions', null, '1:versions'], ['versions', 'x', '1:versions'],
      ['matrices', [{ m: 2, n: 3 }, { m: 1, n: 1 }], 'ok'], ['matrices', [], '1:matrices'], ['matrices', [{ m: 0, n: 3 }], '1:matrices'],
      ['matrices', [{ m: 2, n: 0 }], '1:matrices'], ['matrices', [{ m: 2 }], '1:matrices'], ['matrices', [{ m: 2, n: 3 }, null], '1:matrices'],
      ['matrices', [{ m: 2.5, n: 3 }], '1:matrices'], ['matrices', [{ m: 2, n: '3' }], '1:matrices'], ['matrices', { m: 2, n: 3 }, '1:matrices'],
      ['rankBound', -1, '1:rankBound'], ['rankBoundDistSq', -1, '1:rankBoundDistSq'], ['W0sq', -1, '1:W0sq'], ['W0sq', 0, 'ok'],
      ['dtype', 32, '1:dtype'], ['scalarDtype', 64, '1:scalarDtype'], ['created', 0, '1:created'],
    ];
    for (const [k, v, want] of cases) expect(verdict(raw(lines({ ...header, [k]: v }, step(0)))), `${k} = ${JSON.stringify(v)}`).toBe(want);
  });

  it('checks each step field: required ones, finite numbers, signs', () => {
    for (const k of ['t', 'J', 'Vsq', 'Gnorm', 'gradJsq', 'eta', 'time_ms']) expect(verdict(lines(header, step(0), without(step(1), k))), k).toBe(`3:${k}`);
    const cases: [string, unknown, string][] = [
      // a measured quantity that is not finite (1e400) is where the run diverged, not bad input
      ['J', -1, 'ok'], ['J', null, '3:J'], ['J', INF, 'ok'], ['J', '1', '3:J'],
      ['Vsq', 0, 'ok'], ['Vsq', -1e-12, '3:Vsq'], ['Gnorm', 0, 'ok'], ['Gnorm', -1, '3:Gnorm'], ['Gnorm', INF, 'ok'],
      ['gradJsq', 0, 'ok'], ['gradJsq', -1, '3:gradJsq'], ['eta', 0, 'ok'], ['eta', -0.1, '3:eta'], ['eta', INF, 'ok'],
      ['time_ms', 0, 'ok'], ['time_ms', -1, '3:time_ms'], ['time_ms', INF, '3:time_ms'],
      ['batchJ', -2, 'ok'], ['batchJ', null, '3:batchJ'], ['L', 0.5, 'ok'], ['L', 0, '3:L'], ['fullJ', INF, 'ok'], ['fullJ', 1, 'ok'],
      ['distSq', -1, '3:distSq'], ['HgradSq', -1, '3:HgradSq'], ['gamma', -1, '3:gamma'], ['gamma', 0, 'ok'],
      ['t', 1.5, '3:t'], ['t', '1', '3:t'],
    ];
    for (const [k, v, want] of cases) expect(verdict(raw(lines(header, step(0), { ...step(1), [k]: v }))), `${k} = ${JSON.stringify(v)}`).toBe(want);
    expect(stepWith('eta', 0.25)).toBe('ok');
  });

  it('checks the summary and divergence fields', () => {
    for (const k of ['steps', 'diverged', 'wall_ms', 'finalJ']) expect(verdict(lines(header, step(0), without({ ...summary, steps: 1 }, k))), k).toBe(`3:${k}`);
    expect(summaryWith('finalJ', null)).toBe('ok'); // no finite record
    expect(summaryWith('finalJ', -2)).toBe('ok');
    expect(summaryWith('finalJ', 'NaN')).toBe('3:finalJ');
    expect(verdict(raw(lines(header, step(0), { ...summary, finalJ: INF })))).toBe('3:finalJ');
    expect(summaryWith('steps', -1)).toBe('3:steps');
    expect(summaryWith('diverged', 0)).toBe('3:diverged');
    expect(summaryWith('interrupted', true)).toBe('ok');
    expect(summaryWith('interrupted', 'yes')).toBe('3:interrupted');
    expect(summaryWith('stepDropped', 1)).toBe('3:stepDropped');
    expect(summaryWith('wall_ms', -1)).toBe('3:wall_ms');
    expect(summaryWith('Lfinal', 0)).toBe('3:Lfinal');
    expect(summaryWith('Lfinal', 2)).toBe('ok');
    const div = { type: 'divergence', t: 1, reason: 'J is NaN' };
    expect(verdict(lines(header, step(0), div))).toBe('ok');
    for (const k of ['t', 'reason']) expect(verdict(lines(header, step(0), without(div, k))), k).toBe(`3:${k}`);
    expect(verdict(lines(header, step(0), { ...div, t: -1 }))).toBe('3:t');
    expect(verdict(lines(header, step(0), { ...div, reason: 5 }))).toBe('3:reason');
    expect(verdict(lines(header, step(0), div, div))).toBe('4:type'); // a second divergence record
  });
});

describe('trace reader: record order, lines and truncation', () => {
  it('wants steps t = 0, 1, 2, ...: not starting elsewhere, not repeated, not going back', () => {
    expect(verdict(lines(header, step(1)))).toBe('2:t');
    expect(verdict(lines(header, step(0), step(0)))).toBe('3:t');
    expect(verdict(lines(header, step(0), step(1), step(2), step(1)))).toBe('5:t');
    expect(verdict(lines(header, step(0), step(1), step(3)))).toBe('4:t');
    expect(errorOf(lines(header, step(1))).message).toBe("trace.jsonl:2: field 't' must be 0 (the first step), got 1");
    // a trace may have no steps at all (killed before the first) and is then truncated
    expect(parseTrace(lines(header), 'h.jsonl')).toMatchObject({ steps: [], truncated: true, partialLastLine: false, lines: 1 });
  });

  it('names each line that is not a record: blank, not JSON, not an object, a second header, an unknown type', () => {
    expect(verdict(lines(header, step(0)) + '\n' + lines(step(1)))).toBe('3:-');
    expect(verdict(lines(header, step(0)) + '   \n' + lines(step(1)))).toBe('3:-');
    expect(verdict(lines(header, step(0)) + '  ')).toBe('3:-'); // a blank last line is not a record cut mid-write
    expect(errorOf(lines(header, step(0)) + '\n').name).toBe('TraceFormatError');
    expect(verdict(lines(header) + '{"type": "step", \n' + lines(step(0)))).toBe('2:-');
    for (const v of [[1], 3, 'step', null, true]) expect(verdict(lines(header, step(0), v)), JSON.stringify(v)).toBe('3:-');
    expect(verdict(lines([header]))).toBe('1:-');
    expect(verdict(lines(header, step(0), header))).toBe('3:type');
    expect(verdict(lines(header, step(0), { ...step(1), type: 'Step' }))).toBe('3:type');
    expect(verdict(lines(header, step(0), without(step(1), 'type')))).toBe('3:type');
    expect(verdict(lines({ ...header, type: 'Header' }, step(0)))).toBe('1:type');
    // a value too long to show is shortened, so the message stays one short line
    const e = errorOf(lines({ ...header, workload: 'x'.repeat(5000).split('') }, step(0)));
    expect(e.field).toBe('workload');
    expect(e.message.length).toBeLessThan(150);
    expect(e.message).toMatch(/\.\.\.$/);
  });

  it('takes nothing after the summary, not even a second summary or a cut line', () => {
    const done = lines(header, step(0), { ...summary, steps: 1 });
    expect(verdict(done + lines({ ...summary, steps: 1 }))).toBe('4:-');
    expect(verdict(done + lines(header))).toBe('4:-');
    expect(verdict(done + lines({ type: 'divergence', t: 1, reason: 'x' }))).toBe('4:-');
    expect(verdict(done + '{"type":"st')).toBe('4:-'); // the summary was written: a cut line after it is corruption
    expect(parseTrace(done, 'd.jsonl')).toMatchObject({ truncated: false, partialLastLine: false, lines: 3 });
  });

  it('is truncated without a summary; a cut last line is dropped, a complete last line without newline is read', () => {
    const body = lines(header, step(0), step(1));
    expect(parseTrace(body, 'b.jsonl')).toMatchObject({ truncated: true, partialLastLine: false, lines: 3 });
    const div = lines(header, step(0), { type: 'divergence', t: 1, reason: 'J is NaN' });
    expect(parseTrace(div, 'd.jsonl')).toMatchObject({ truncated: true, divergence: { t: 1 } }); // diverged, but the summary was never written
    // no final newline: the last record is still read, and the trace is complete
    const noNewline = (body + JSON.stringify({ ...summary, steps: 2 })).trimEnd();
    const tr = parseTrace(noNewline, 'n.jsonl');
    expect(tr).toMatchObject({ truncated: false, partialLastLine: false, lines: 4, summary: { steps: 2 } });
    expect(parseTrace(body.trimEnd(), 'n.jsonl')).toMatchObject({ truncated: true, partialLastLine: false, lines: 3, stepLines: [2, 3] });
    // cut inside the summary: truncated, partial, the steps before it kept
    const cut = parseTrace(body + '{"type":"summary","steps":2,"fin', 'c.jsonl');
    expect(cut).toMatchObject({ truncated: true, partialLastLine: true, lines: 4, summary: undefined });
    expect(cut.steps.map((s) => s.t)).toEqual([0, 1]);
    // a header cut mid-write is no trace at all
    expect(verdict(JSON.stringify(header).slice(0, 30))).toBe('1:-');
    // a cut line that is still valid JSON is a record and is checked as one
    expect(verdict(body + '{"type":"step","t":2}')).toBe('4:J');
  });

  it('collects the records with their lines', () => {
    const div = { type: 'divergence', t: 2, reason: 'J is NaN at step 2' };
    const sum = { ...summary, diverged: true };
    const tr = parseTrace(lines(header, step(0), step(1), div, sum), 'c.jsonl');
    expect(tr).toMatchObject({ file: 'c.jsonl', header, stepLines: [2, 3], divergence: div, summary: sum, lines: 5 });
    const seen: string[] = [];
    parseTraceVisit(lines(header, step(0), step(1), div, sum), seen);
    expect(seen).toEqual(['header:1', 'step:2', 'step:3', 'divergence:4', 'summary:5']);
  });
});

/** Streams `text` from a file through a visitor that logs each record kind and line. */
function parseTraceVisit(text: string, seen: string[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'loracheck-visit-'));
  try {
    const file = join(dir, 't.jsonl');
    writeFileSync(file, text);
    streamTrace(file, {
      header: () => void seen.push('header:1'),
      step: (_s, line) => void seen.push(`step:${line}`),
      divergence: (_d, line) => void seen.push(`divergence:${line}`),
      summary: (_s, line) => void seen.push(`summary:${line}`),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('trace reader: files, on chunk boundaries', () => {
  const CHUNK = 1 << 20; // trace-reader.ts reads 1 MB at a time
  let dir = '';
  const write = (text: string) => {
    const file = join(dir, `t${Math.random().toString(36).slice(2)}.jsonl`);
    writeFileSync(file, text);
    return file;
  };
  const fileVerdict = (text: string) => {
    try {
      const { steps, summary: s, truncated, partialLastLine, lines: n } = readTrace(write(text));
      return { steps: steps.length, summary: s !== undefined, truncated, partialLastLine, lines: n };
    } catch (e) {
      if (!(e instanceof TraceFormatError)) throw e;
      return `${e.line}:${e.field ?? '-'}`;
    }
  };
  /** A header whose line is `len` bytes long, newline included. */
  const headerOfLength = (len: number) => {
    const base = JSON.stringify({ ...header, name: '' });
    return JSON.stringify({ ...header, name: 'x'.repeat(len - base.length - 1) }) + '\n';
  };

  it('reads the same trace whichever byte a chunk ends on: before, on and after a newline, inside a record, in a long line', () => {
    dir = mkdtempSync(join(tmpdir(), 'loracheck-chunks-'));
    try {
      const rest = lines(step(0), step(1), { ...summary, steps: 1 });
      const complete = { steps: 2, summary: true, truncated: false, partialLastLine: false, lines: 4 };
      for (const len of [CHUNK - 1, CHUNK, CHUNK + 1, CHUNK - 20]) expect(fileVerdict(headerOfLength(len) + rest), String(len)).toEqual(complete);
      // a line longer than two chunks (carried over twice)
      expect(fileVerdict(headerOfLength(2 * CHUNK + 100) + rest)).toEqual(complete);
      // a record cut at the end of the file just after a chunk border: dropped, truncated
      expect(fileVerdict(headerOfLength(CHUNK) + lines(step(0)) + '{"type":"step","t":1,')).toEqual({ ...complete, steps: 1, summary: false, truncated: true, partialLastLine: true, lines: 3 });
      // a complete last record without newline right after a border
      expect(fileVerdict(headerOfLength(CHUNK) + rest.trimEnd())).toEqual(complete);
      // errors past the first chunk name their line
      expect(fileVerdict(headerOfLength(CHUNK + 5) + lines(step(0), step(0)))).toBe('3:t');
      expect(fileVerdict(headerOfLength(CHUNK - 1) + '\n' + rest)).toBe('2:-');
      expect(fileVerdict(headerOfLength(CHUNK) + '\n' + rest)).toBe('2:-'); // a blank line that starts a chunk
      // a corrupt line inside the file is an error, not a cut last line
      expect(fileVerdict(lines(header) + '{"type":"st\n' + rest)).toBe('2:-');
      // a visitor may leave out divergence and summary
      const div = lines(header, step(0), { type: 'divergence', t: 1, reason: 'J is NaN' }, { ...summary, steps: 1, diverged: true });
      expect(streamTrace(write(div), { header() {}, step() {} })).toEqual({ truncated: false, partialLastLine: false, lines: 4 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names an empty file, a directory, a missing file and a file that ends in a blank line', () => {
    dir = mkdtempSync(join(tmpdir(), 'loracheck-files-'));
    try {
      const fileError = (path: string): TraceFormatError => {
        try {
          readTrace(path);
        } catch (e) {
          if (e instanceof TraceFormatError) return e;
          throw e;
        }
        throw new Error(`expected a TraceFormatError for ${path}`);
      };
      const empty = write('');
      expect(fileError(empty).message).toBe(`${empty}: is empty (expected a header line)`);
      expect(fileError(dir).message).toBe(`${dir}: is a folder, not a trace file`);
      // compressed traces are named, not parsed as text
      const gz = write('');
      writeFileSync(gz, gzipSync(lines(header, step(0))));
      expect(fileError(gz).message).toBe(`${gz}: is gzip-compressed, not a JSON Lines trace: decompress it first (gunzip -k FILE)`);
      writeFileSync(gz, Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x0a, 0x01]));
      expect(fileError(gz).message).toMatch(/: is xz-compressed, /);
      expect(fileError(join(dir, 'none.jsonl')).message).toBe(`${join(dir, 'none.jsonl')}: no such file`);
      expect(fileError(dir)).toMatchObject({ file: dir, line: undefined, field: undefined });
      expect(fileVerdict(lines(header, step(0)) + '\n')).toBe('3:-');
      expect(fileVerdict('\n')).toBe('1:-');
      // every file opened is closed, read to the end or not
      if (existsSync('/proc/self/fd')) {
        const open = () => readdirSync('/proc/self/fd').length;
        const before = open();
        const good = write(lines(header, step(0)));
        const bad = write(lines(header, step(1)));
        for (let k = 0; k < 40; k++) {
          readTrace(good);
          expect(() => readTrace(bad)).toThrow(TraceFormatError);
        }
        expect(open() - before).toBeLessThan(40);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
