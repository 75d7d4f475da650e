/**
 * `loracheck check` end to end (a real process): bad input exits 2 with one line; --json prints
 * one CheckResultFile covering every claim `loracheck claims` lists; a new counterexample is
 * saved to the corpus and exits 1, the same failure again is known and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'loracheck.js');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('loracheck check', () => {
  it.each([
    [['--claim', 'NOPE'], /unknown claim "NOPE".*loracheck claims/],
    [['--runs', '-1'], /--runs must be >= 1/],
    [['--mode', 'fast'], /--mode must be one of exact, precise, float64/],
    [['--runs', '5', '--seconds', '1'], /either --runs or --seconds/],
    [['--claim', 'GV', '--mode', 'exact'], /GV does not run in mode exact/],
  ])('rejects %j with one line and exit 2', (args, msg) => {
    const r = cli(['check', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
    expect(r.stdout).toBe('');
  });

  it('--json covers every claim id that `loracheck claims` lists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-check-'));
    const ids = (JSON.parse(cli(['claims', '--json']).stdout) as { claims: { id: string }[] }).claims.map((c) => c.id);
    const r = cli(['check', '--json', '--runs', '2', '--seed', '3', '--results', dir, '--corpus', join(dir, 'corpus')]);
    const doc = JSON.parse(r.stdout);
    expect(doc.kind).toBe('check');
    expect(doc.results.map((x: { id: string }) => x.id)).toEqual(ids);
    for (const x of doc.results) {
      expect(x.seed).toBe(3);
      expect(x.replay).toContain(`--claim ${x.id}`);
      expect(typeof x.nonTrivial).toBe('number');
    }
    expect(JSON.parse(readFileSync(join(dir, 'check.json'), 'utf8')).results).toHaveLength(ids.length);
  });

  it('a corpus file that does not match its name is bad input: exit 2, one line naming file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-check-'));
    const corpus = join(dir, 'corpus');
    mkdirSync(corpus);
    writeFileSync(join(corpus, 'L33.json'), JSON.stringify({ kind: 'corpus', schema: 1, claim: 'L34', entries: [] }));
    const r = cli(['check', '--claim', 'L33', '--runs', '1', '--results', dir, '--corpus', corpus]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/L33\.json: field claim must be "L33" \(the file name\), got "L34"/);
  });

  it('saves a new counterexample (exit 1); the same failure again is known (exit 0)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-check-'));
    const corpus = join(dir, 'corpus');
    const args = ['check', '--claim', 'L34.s22.amgm2', '--runs', '50', '--results', dir, '--corpus', corpus];
    const first = cli([...args, '--seed', '5']);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/counterexample \(NEW\)/);
    expect(existsSync(join(corpus, 'L34.s22.amgm2.json'))).toBe(true);
    const again = cli([...args, '--seed', '6']);
    expect(again.stdout).toMatch(/counterexample \(known\)/);
    expect(again.code).toBe(0);
    const file = JSON.parse(readFileSync(join(corpus, 'L34.s22.amgm2.json'), 'utf8'));
    expect(file.entries).toHaveLength(1);
    expect(file.entries[0].witness.confirmedIn).toBe('exact');
  });
});
