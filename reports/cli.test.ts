// `loracheck report` as a user runs it: a child process through bin/loracheck.js.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFixtures } from './fixtures/make.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'loracheck-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function report(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'loracheck.js'), 'report', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
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
});
