import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from './fixtures/make.ts';
import { invalidField, loadResults, validate, type Warning } from './load.ts';

const dirs: string[] = [];
function tmp(files: Record<string, string | object> = {}): string {
  const d = mkdtempSync(join(tmpdir(), 'loracheck-load-'));
  dirs.push(d);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(d, name), typeof body === 'string' ? body : JSON.stringify(body));
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8'));

describe('loadResults', () => {
  it('reads every fixture, dispatching on kind, without a warning', () => {
    const l = loadResults(FIXTURE_DIR);
    expect(l.warnings).toEqual([]);
    expect(l.files.map((f) => f.data.kind).sort()).toEqual(['ablate', 'check', 'check', 'prove', 'search', 'search', 'tighten', 'verify-trace']);
  });

  it('turns a corrupt file into a warning and keeps the others', () => {
    const d = tmp({ 'a-broken.json': '{"kind": "check", "schema": 1,', 'ablate.json': fixture('ablate.json'), 'notes.txt': 'not json, not read' });
    const l = loadResults(d);
    expect(l.files.map((f) => f.name)).toEqual(['ablate.json']);
    expect(l.warnings).toHaveLength(1);
    expect(l.warnings[0]!.file).toBe('a-broken.json');
    expect(l.warnings[0]!.message).toMatch(/not valid JSON/);
  });

  it('skips unknown kinds, other schema versions and non-objects, naming the field', () => {
    const d = tmp({ 'k.json': { kind: 'surprise', schema: 1 }, 's.json': { ...fixture('ablate.json'), schema: 2 }, 'n.json': '[1, 2]' });
    const l = loadResults(d);
    expect(l.files).toEqual([]);
    const byFile = Object.fromEntries(l.warnings.map((w) => [w.file, w.message]));
    expect(byFile['k.json']).toMatch(/^kind: unknown kind "surprise"/);
    expect(byFile['s.json']).toMatch(/^schema: version 2, this report reads version 1/);
    expect(byFile['n.json']).toMatch(/not a result object/);
  });
});

describe('validate', () => {
  it('drops a malformed entry with a warning naming its path, and keeps the rest', () => {
    const check = fixture('check-exact.json');
    check.results[1].verdict = 'probably';
    delete check.results[2].cases;
    const ws: Warning[] = [];
    const v = validate('c.json', check, ws);
    expect(v?.kind).toBe('check');
    expect(v?.kind === 'check' && v.results.length).toBe(check.results.length - 2);
    expect(ws.map((w) => w.message)).toEqual([
      `results[1] (claim ${check.results[1].id}, exact).verdict: expected one of "verified", "counterexample", "undecided", "error", "statistical", got "probably"`,
      `results[2] (claim ${check.results[2].id}, exact).cases: missing`,
    ]);
  });

  it('removes a malformed optional field (a witness) and keeps its result', () => {
    const check = fixture('check-exact.json');
    const i = check.results.findIndex((r: { counterexample?: unknown }) => r.counterexample);
    check.results[i].counterexample = 'not a witness';
    const ws: Warning[] = [];
    const v = validate('c.json', check, ws);
    const r = v?.kind === 'check' ? v.results[i]! : undefined;
    expect(r?.id).toBe(check.results[i].id);
    expect(r?.counterexample).toBeUndefined();
    expect(ws[0]!.message).toBe(`results[${i}] (claim ${check.results[i].id}, exact).counterexample: expected an object, got "not a witness"`);
  });

  it("a witness's fast-check seed may be negative (signed 32-bit); a non-integer one is warned", () => {
    const check = fixture('check-exact.json');
    const i = check.results.findIndex((r: { counterexample?: unknown }) => r.counterexample);
    check.results[i].counterexample.seed = -611133566;
    const ws: Warning[] = [];
    const v = validate('c.json', check, ws);
    expect(ws).toEqual([]);
    expect(v?.kind === 'check' ? v.results[i]!.counterexample?.seed : undefined).toBe(-611133566);
    check.results[i].counterexample.seed = 1.5;
    const ws2: Warning[] = [];
    validate('c.json', check, ws2);
    expect(ws2.map((w) => w.message)).toEqual([`results[${i}] (claim ${check.results[i].id}, exact).counterexample.seed: expected an integer, got 1.5`]);
  });

  it('keeps only the fields the schema names, and warns about each one it drops', () => {
    const ab = fixture('ablate.json');
    ab.rows[0].extra = '<script>';
    ab.sneaky = 1;
    const ws: Warning[] = [];
    const v = validate('a.json', ab, ws);
    expect(v && 'sneaky' in v).toBe(false);
    expect(v?.kind === 'ablate' && 'extra' in v.rows[0]!).toBe(false);
    expect(ws.map((w) => w.message)).toEqual([
      `rows[0] (claim ${ab.rows[0].claim}, ${ab.rows[0].hypothesis}).extra: not in the schema (theory/results.ts); dropped`,
      'sneaky: not in the schema (theory/results.ts); dropped',
    ]);
  });

  it('counts must be integers >= 0: cases 1e400 (Infinity), nonTrivial -5, undecided 1.5 are removed, warned and marked', () => {
    const check = fixture('check-exact.json');
    const id = check.results[0].id;
    const text = JSON.stringify(check).replace('"cases":' + check.results[0].cases + ',', '"cases":1e400,');
    const doc = JSON.parse(text);
    expect(doc.results[0].cases).toBe(Infinity);
    doc.results[0].nonTrivial = -5;
    doc.results[0].undecided = 1.5;
    const ws: Warning[] = [];
    const v = validate('check.json', doc, ws);
    const r = v?.kind === 'check' ? v.results[0]! : undefined;
    expect(r?.id).toBe(id); // the entry is kept
    expect([r?.cases, r?.nonTrivial, r?.undecided]).toEqual([undefined, undefined, undefined]);
    expect(ws.map((w) => `${w.file}: ${w.message}`)).toEqual([
      `check.json: results[0] (claim ${id}, exact).cases: expected a count (an integer >= 0), got Infinity (a number beyond a double, e.g. 1e400 in the file); shown as invalid`,
      `check.json: results[0] (claim ${id}, exact).nonTrivial: expected a count (an integer >= 0), got -5; shown as invalid`,
      `check.json: results[0] (claim ${id}, exact).undecided: expected a count (an integer >= 0), got 1.5; shown as invalid`,
    ]);
    expect(ws.some((w) => /got null/.test(w.message))).toBe(false);
    expect(invalidField(r, 'cases')).toMatch(/^Infinity/);
    expect(invalidField(r, 'nonTrivial')).toBe('-5');
    expect(invalidField(r, 'undecided')).toBe('1.5');
    expect(invalidField(v?.kind === 'check' ? v.results[1] : undefined, 'cases')).toBeUndefined();
  });

  it('reads null and the codec texts in series as non-finite numbers, and cuts ragged series', () => {
    const tr = fixture('verify-trace.json');
    const s = tr.traces[0].series;
    s.J[3] = null;
    s.eta[4] = 'Infinity';
    s.Vsq = s.Vsq.slice(0, 100);
    const ws: Warning[] = [];
    const v = validate('t.json', tr, ws);
    const out = v?.kind === 'verify-trace' ? v.traces[0]!.series : undefined;
    expect(Number.isNaN(out!.J[3])).toBe(true);
    expect(out!.eta[4]).toBe(Infinity);
    expect(out!.t).toHaveLength(100);
    expect(ws.map((w) => w.message)).toEqual(['traces[0].series: series of different lengths (t 401, J 401, Vsq 100, eta 401, minGradJsq 401, gvBound 401, t10Bound 401); all cut to 100']);
  });

  it('caps the warnings of one file', () => {
    const check = fixture('check-exact.json');
    for (const r of check.results) r.mode = 'quantum';
    const ws: Warning[] = [];
    validate('c.json', check, ws);
    expect(ws.length).toBe(13);
    expect(ws[12]!.message).toMatch(/more problems not listed/);
  });
});

/**
 * Each rule of the validator on a small hand-written document: what it must keep, what it must
 * remove or drop, and the one warning line (path and message) it must give, written out here.
 */
describe('validate, rule by rule', () => {
  const env = { date: '2026-01-01' };
  const run = (doc: object) => {
    const ws: Warning[] = [];
    const v = validate('f.json', doc, ws);
    return { v: v as unknown as Record<string, unknown> | undefined, ws: ws.map((w) => w.message) };
  };
  const search = (extra: object = {}) => ({ kind: 'search', schema: 1, env, claim: 'L34', dropped: [], cases: 10, ...extra });

  it('a count of 1.5 or -1 on a kept entry is warned and removed; 0 is a count', () => {
    for (const [bad, shown] of [
      [1.5, '1.5'],
      [-1, '-1'],
    ] as const) {
      const { v, ws } = run(search({ cases: bad }));
      expect(v?.claim).toBe('L34');
      expect('cases' in v!).toBe(false);
      expect(invalidField(v, 'cases')).toBe(shown);
      expect(ws).toEqual([`cases: expected a count (an integer >= 0), got ${shown}; shown as invalid`]);
    }
    const { v, ws } = run(search({ cases: 0, workers: 0 }));
    expect([v?.cases, v?.workers, ws]).toEqual([0, 0, []]);
    expect(invalidField(v, 'cases')).toBeUndefined();
  });

  it('a count inside an array (histogram counts) that is not one is warned and removed from the array', () => {
    const check = { kind: 'check', schema: 1, env, claims: [{ id: 'A' }], results: [{ id: 'A', mode: 'exact', verdict: 'verified', cases: 3, slackHistogram: { edges: [0, 1, 2, 3], counts: [1, -1, 2] } }] };
    const { v, ws } = run(check);
    expect((v?.results as { slackHistogram: { counts: number[] } }[])[0]!.slackHistogram.counts).toEqual([1, 2]);
    expect(ws).toEqual(['results[0] (claim A, exact).slackHistogram.counts[1]: expected a count (an integer >= 0), got -1']);
  });

  it('a missing or null required field drops its entry, naming the path; a null optional field is read as absent', () => {
    const doc = {
      kind: 'prove',
      schema: 1,
      env,
      claims: [
        { id: 'A', dropped: [], verdict: 'proved', attempts: [] }, // no text
        { id: 'B', dropped: [], verdict: 'refuted', text: null, attempts: [] },
        { id: 'C', dropped: null, verdict: 'proved', text: 'proved', attempts: [], class: null },
      ],
    };
    const { v, ws } = run(doc);
    expect((v?.claims as { id: string }[]).map((c) => c.id)).toEqual(['C']);
    expect((v?.claims as object[])[0]).toEqual({ id: 'C', verdict: 'proved', text: 'proved', attempts: [] });
    expect(ws).toEqual(['claims[0] (claim A).text: missing', 'claims[1] (claim B).text: expected a string, got null']);
  });

  it('a file missing a required field of its own is skipped, saying so', () => {
    const { v, ws } = run({ kind: 'search', schema: 1, env, dropped: [], cases: 1 });
    expect(v).toBeUndefined();
    expect(ws).toEqual(['claim: missing', '(file): required fields are missing or malformed; skipped']);
    const noSchema = run({ kind: 'search', env, claim: 'A', cases: 1 });
    expect([noSchema.v, noSchema.ws]).toEqual([undefined, ['schema: version nothing, this report reads version 1; skipped']]);
    const kindless = run({ schema: 1 });
    expect(kindless.ws).toHaveLength(1);
    expect(kindless.ws[0]).toMatch(/^kind: unknown kind nothing \(expected one of .*\bcheck\b.*\bsearch\b.*\bverify-trace\b.*\); skipped$/);
  });

  it('describes bad values shortly: arrays, objects, long strings cut at 40 characters, -Infinity', () => {
    const long = 'x'.repeat(50);
    const { ws } = run(search({ claim: ['L34'], shard: { a: 1 }, timeMs: long, casesPerSecond: '-Infinity', interrupted: 'yes' }));
    expect(ws).toEqual([
      'claim: expected a string, got an array',
      'shard: expected a string, got an object',
      `timeMs: expected a number, got "${'x'.repeat(39)}…`,
      'interrupted: expected a boolean, got "yes"',
      '(file): required fields are missing or malformed; skipped',
    ]);
    // the codec's texts for non-finite numbers are numbers
    const ok = run(search({ casesPerSecond: '-Infinity', timeMs: 'Infinity' }));
    expect([ok.v?.casesPerSecond, ok.v?.timeMs, ok.ws]).toEqual([-Infinity, Infinity, []]);
    const neg = run(search({ cases: -Infinity }));
    expect(neg.ws).toEqual(['cases: expected a count (an integer >= 0), got -Infinity (a number beyond a double, e.g. -1e400 in the file); shown as invalid']);
  });

  it('a value of neither allowed type (oneOf) drops its entry; a record keeps its good keys', () => {
    const w = { input: 1, comparisons: [{ lhs: 1, rel: '<=', rhs: '2', holds: true }, { lhs: { x: 1 }, rel: '<=', rhs: '2', holds: true }] };
    const check = { kind: 'check', schema: 1, env, claims: [{ id: 'A' }], hypotheses: { smooth: 'L-smooth', bad: 3 }, results: [{ id: 'A', mode: 'exact', verdict: 'counterexample', cases: 1, counterexample: w }] };
    const { v, ws } = run(check);
    expect(v?.hypotheses).toEqual({ smooth: 'L-smooth' });
    const cx = (v?.results as { counterexample: { comparisons: object[] } }[])[0]!.counterexample;
    expect(cx.comparisons).toEqual([{ lhs: 1, rel: '<=', rhs: '2', holds: true }]);
    expect(ws).toEqual(['hypotheses.bad: expected a string, got 3', 'results[0] (claim A, exact).counterexample.comparisons[1].lhs: unexpected value an object']);
  });

  it("names a trace entry by its file, not as a claim; a series entry that is not a number drops the entry", () => {
    const series = { t: [0, 1], J: [1, 'x'], Vsq: [1, 1], eta: [1, 1], minGradJsq: [1, 1] };
    const { v, ws } = run({ kind: 'verify-trace', schema: 1, env, traces: [{ file: 'run.jsonl', header: {}, claims: [], series }] });
    expect(v?.traces).toEqual([]);
    expect(ws).toEqual(['traces[0] (file run.jsonl).series.J[1]: expected a number, got "x"']);
    const notArray = run({ kind: 'verify-trace', schema: 1, env, traces: [{ file: 'run.jsonl', header: {}, claims: [], series: { ...series, J: 3 } }] });
    expect(notArray.ws).toEqual(['traces[0] (file run.jsonl).series.J: expected an array of numbers, got 3']);
  });

  it("reads the codec's -Infinity and NaN texts in series; a null document is not a result", () => {
    const series = { t: [0, 1], J: ['-Infinity', 'NaN'], Vsq: [1, 1], eta: [1, 1], minGradJsq: [1, 1] };
    const { v, ws } = run({ kind: 'verify-trace', schema: 1, env, traces: [{ file: 'run.jsonl', header: {}, claims: [], series }] });
    expect(ws).toEqual([]);
    const J = (v?.traces as { series: { J: number[] } }[])[0]!.series.J;
    expect(J[0]).toBe(-Infinity);
    expect(Number.isNaN(J[1])).toBe(true);
    expect(run(null as unknown as object).ws).toEqual(['(file): not a result object; skipped']);
  });

  it('edge cases of the rules: a text of exactly 40 characters in full, "Infinity" only as a whole number text, NaN, a non-array list', () => {
    const forty = 'y'.repeat(38); // 40 characters with its quotes
    expect(run(search({ timeMs: forty })).ws[0]).toBe(`timeMs: expected a number, got "${forty}"`);
    // "Infinity" is a number's text only in a number field, and only whole
    const asText = run(search({ claim: 'Infinity', shard: '-Infinity' }));
    expect([asText.v?.claim, asText.v?.shard, asText.ws]).toEqual(['Infinity', '-Infinity', []]);
    expect(run(search({ timeMs: 'Infinity!' })).ws).toEqual(['timeMs: expected a number, got "Infinity!"']);
    expect(run(search({ timeMs: 'xInfinity' })).ws).toEqual(['timeMs: expected a number, got "xInfinity"']);
    // validate also reads objects made in memory (experiments), where NaN can occur
    expect(run(search({ timeMs: Number.NaN })).ws).toEqual(['timeMs: expected a number, got NaN']);
    const notList = run({ kind: 'check', schema: 1, env, claims: 5, results: [] });
    expect(notList.ws).toEqual(['claims: expected an array, got 5', '(file): required fields are missing or malformed; skipped']);
    expect(invalidField(undefined, 'cases')).toBeUndefined();
  });

  it('counts the warnings past the first 12 of a file exactly', () => {
    const results = Array.from({ length: 20 }, (_, i) => ({ id: `C${i}`, mode: 'quantum', verdict: 'verified', cases: 1 }));
    const { ws } = run({ kind: 'check', schema: 1, env, claims: [], results });
    expect(ws).toHaveLength(13);
    expect(ws[11]).toMatch(/^results\[11\] \(claim C11, quantum\)\.mode: expected one of/);
    expect(ws[12]).toBe('8 more problems not listed');
    const twelve = run({ kind: 'check', schema: 1, env, claims: [], results: results.slice(0, 12) });
    expect(twelve.ws).toHaveLength(12);
  });
});
