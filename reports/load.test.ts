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
