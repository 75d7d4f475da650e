// `loracheck report` as a user runs it: a child process through bin/loracheck.js.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.ts';
import { FIXTURE_DIR, writeFixtures } from './fixtures/make.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'loracheck-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function report(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'loracheck.js'), 'report', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `report` in this process on `res`, writing `res/report.html`: exit code and the stderr lines. */
async function reportInProcess(res: string): Promise<{ code: number; err: string[]; out: string }> {
  const out = join(res, 'report.html');
  const err: string[] = [];
  const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const l = vi.spyOn(console, 'log').mockImplementation(() => {});
  const code = await main(['report', '--results', res, '--out', out]).finally(() => (e.mockRestore(), l.mockRestore()));
  return { code, err, out };
}

describe('loracheck report', () => {
  it('exits 2 with one line naming a --results folder that does not exist', () => {
    const missing = join(dir, 'no-such-results');
    const r = report('--results', missing);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(`--results folder ${missing} does not exist`);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('writes the report, lists unreadable files as warnings on stderr, and exits 0', () => {
    const res = join(dir, 'results');
    const out = join(dir, 'out', 'report.html');
    mkdirSync(res, { recursive: true });
    writeFixtures(res, ['ablate.json', 'tighten.json']);
    writeFileSync(join(res, 'broken.json'), '{"kind": "ablate"');
    const r = report('--results', res, '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^wrote .*report\.html \(\d+ kB\) from 2 result files in [\d.]+ s; 1 warning\n$/);
    expect(r.err).toMatch(/^loracheck report: warning: broken\.json: not valid JSON/);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('id="ablation"');
    expect(html).toContain('id="warnings"');
    expect(readdirSync(dirname(out))).toEqual(['report.html']); // written atomically: no temporary left
  });

  it('exits 2 when --out is a folder', () => {
    const res = join(dir, 'results');
    const r = report('--results', res, '--out', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is a folder');
  });

  it('counts that are no counts (cases 1e400, nonTrivial -5, undecided 1.5): one warning line each naming file, claim, field and value; the report marks them', async () => {
    const res = join(dir, 'bad-counts');
    mkdirSync(res, { recursive: true });
    const check = JSON.parse(readFileSync(join(FIXTURE_DIR, 'check-exact.json'), 'utf8'));
    const id = check.results[0].id;
    Object.assign(check.results[0], { cases: 12345, nonTrivial: -5, undecided: 1.5 });
    writeFileSync(join(res, 'check.json'), JSON.stringify(check).replace('"cases":12345', '"cases":1e400'));
    const { code, err, out } = await reportInProcess(res);
    expect(code).toBe(0);
    expect(err).toEqual([
      `loracheck report: warning: check.json: results[0] (claim ${id}, exact).cases: expected a count (an integer >= 0), got Infinity (a number beyond a double, e.g. 1e400 in the file); shown as invalid`,
      `loracheck report: warning: check.json: results[0] (claim ${id}, exact).nonTrivial: expected a count (an integer >= 0), got -5; shown as invalid`,
      `loracheck report: warning: check.json: results[0] (claim ${id}, exact).undecided: expected a count (an integer >= 0), got 1.5; shown as invalid`,
    ]);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<span class="num"[^>]*>(Infinity|-5|1\.5)<\/span>/);
    expect(html.match(/>invalid<\/span>/g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain('the result file holds Infinity (a number beyond a double, e.g. 1e400 in the file) here, not a count');
  });

  it('control bytes in result files (a trace file name, a workload) reach neither the HTML nor the terminal', async () => {
    const res = join(dir, 'evil');
    mkdirSync(res, { recursive: true });
    const tr = JSON.parse(readFileSync(join(FIXTURE_DIR, 'verify-trace.json'), 'utf8'));
    const evil = '\x1b]0;PWNED\x07\x1b[2J';
    tr.traces[0].file = `run${evil}.jsonl`;
    tr.traces[0].header.workload = `w${evil}`;
    tr.traces[0].claims[0].reason = `r${evil}`;
    tr.sneaky = evil;
    writeFileSync(join(res, `verify-trace.json`), JSON.stringify(tr));
    const { code, err, out } = await reportInProcess(res);
    expect(code).toBe(0);
    const html = readFileSync(out, 'utf8');
    // eslint-disable-next-line no-control-regex
    const control = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
    expect(html).not.toMatch(control);
    expect(html).toContain('run\\x1b]0;PWNED\\x07\\x1b[2J.jsonl');
    expect(err.join('\n')).not.toMatch(control);
    expect(err.join('\n')).toContain('sneaky: not in the schema');
  });
});
