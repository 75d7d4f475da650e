/**
 * A results folder that cannot be written is bad input before any work (exit 2, one line naming
 * --results), for every command of the claims side; a corpus that cannot be written loses no
 * witness (it is printed in full with its replay line and kept in the result file). Permissions
 * are tested as the user nobody where the machine allows (we run as root, which writes
 * anywhere), and always with a path below a file.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../run-main.test-helper.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'loracheck.js');


const COMMANDS: string[][] = [
  ['check', '--claim', 'A1', '--runs', '2'],
  ['search', '--claim', 'A1', '--runs', '2', '--smt', '0'],
  ['ablate', '--claim', 'A1', '--seconds', '1', '--smt', '0'],
  ['tighten', '--claim', 'A1', '--seconds', '1', '--smt', '0'],
  ['prove', '--claim', 'A1', '--timeout', '1'],
];

/** `setpriv` to the user nobody, when we are root and the tool is there. */
const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'true']).status === 0;

describe('--results that cannot be written: exit 2 before any work', () => {
  const base = mkdtempSync(join(tmpdir(), 'lc-rw-'));
  const file = join(base, 'a-file');
  writeFileSync(file, 'x');
  for (const argv of COMMANDS) {
    it(`${argv[0]} --results FILE and --results FILE/below`, async () => {
      for (const results of [file, join(file, 'below')]) {
        const r = await runMain([...argv, '--results', results]);
        expect(r.code).toBe(2);
        expect(r.err).toHaveLength(1);
        expect(r.err[0]).toMatch(/--results: .* is a file, not a folder/);
        expect(r.out).toEqual([]);
      }
    });
  }

  it.skipIf(!asNobody)('check and search as the user nobody in a folder with mode 555: exit 2 at once, naming --results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-rw-'));
    chmodSync(dir, 0o755);
    const ro = join(dir, 'R');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    for (const argv of [
      ['check', '--claim', 'A1', '--seconds', '30'],
      ['search', '--claim', 'A2.sym', '--drop', 'symmetric', '--seconds', '30', '--smt', '0', '--no-corpus'],
    ]) {
      const t0 = Date.now();
      const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, BIN, ...argv, '--results', ro], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/--results: .*R is not writable \(permission denied\)/);
      expect(Date.now() - t0).toBeLessThan(25_000); // not after the 30 s budget
    }
  });
});

describe('a corpus that cannot be written loses no witness', () => {
  it('search prints the witness in full with its replay line, keeps it in the result file, and says why it is not in the corpus', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-rw-'));
    const results = join(dir, 'results');
    let corpus = join(dir, 'corpus-file', 'below'); // a path below a file: never writable, even as root
    writeFileSync(join(dir, 'corpus-file'), 'x');
    let prefix: string[] = [];
    if (asNobody) {
      chmodSync(dir, 0o777);
      mkdirSync(results, { mode: 0o777 });
      chmodSync(results, 0o777);
      corpus = join(dir, 'corpus');
      mkdirSync(corpus);
      chmodSync(corpus, 0o555);
      prefix = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];
    }
    const argv = [BIN, 'search', '--claim', 'A2.sym', '--drop', 'symmetric', '--seconds', '20', '--smt', '0', '--seed', '2', '--results', results, '--corpus', corpus];
    const r = asNobody ? spawnSync('setpriv', [...prefix, process.execPath, ...argv], { encoding: 'utf8', timeout: 60_000 }) : spawnSync(process.execPath, argv, { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toMatch(/counterexample \(confirmed in exact/);
    expect(r.stdout).toMatch(/replay: npx loracheck search --claim A2\.sym/);
    expect(r.stderr).toMatch(/cannot write .*A2\.sym\.json/);
    expect(r.status).toBe(0); // found with a hypothesis dropped: a finding, not a failure
    const doc = JSON.parse(readFileSync(join(results, 'search-A2.sym-no-symmetric.json'), 'utf8'));
    expect(doc.counterexample.confirmedIn).toBe('exact');
    expect(existsSync(join(corpus, 'A2.sym.json'))).toBe(false);
  });
});
