/**
 * `--loss` end to end (real processes): the three commands. log cosh verifies with the
 * certified L = 1 and the report typesets the loss; a stated L of 1/4 (below sup |f''| = 1)
 * gives a confirmed counterexample to (23) that names `smooth` as violated and replays with
 * the same expression; w^4 without --L is refused as not globally smooth; bad expressions get
 * one line with the position and exit 2 (the other parse errors: numeric/expr/expr.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from './run-main.test-helper.ts';
import { setUserLoss } from '../properties/index.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'loracheck.js');
const ROOT_CORPUS = join(import.meta.dirname, '..', 'properties', 'corpus');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('loracheck check --loss', () => {
  it('log cosh: L33, L34 and E23 verify with L = 1 found automatically; the report typesets the loss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-loss-'));
    const r = cli(['check', '--loss', 'log(cosh(w - c))', '--claim', 'L33', '--claim', 'L34', '--claim', 'E23', '--runs', '40', '--seed', '7', '--results', dir, '--corpus', join(dir, 'corpus')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/sup \|f''\| = 1 \(certified on x in R/);
    expect(r.stdout).toMatch(/3 claims: 3 verified/);
    const doc = JSON.parse(readFileSync(join(dir, 'check.json'), 'utf8'));
    expect(doc.loss).toMatchObject({ expr: 'log(cosh(w - c))', L: { value: '1', source: 'certified' } });
    expect(doc.results.every((x: { mode: string; nonTrivial: number }) => x.mode === 'precise' && x.nonTrivial > 20)).toBe(true);
    const rep = cli(['report', '--results', dir, '--out', join(dir, 'r.html')]);
    expect(rep.code).toBe(0);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('id="user-losses"');
    // KaTeX's MathML carries the TeX source as an annotation
    expect(html).toContain('\\ln\\left(\\cosh\\left( w- c\\right)\\right)');
  });

  it('a stated L below sup |f\'\'| breaks (23): confirmed counterexample, `smooth` violated, replay keeps the loss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-loss-'));
    // no --corpus: a user's loss goes to <results>/corpus, never into the repository's (the catalogue's) corpus
    const repoCorpus = readFileSync(join(ROOT_CORPUS, 'E23.json'), 'utf8');
    const r = cli(['check', '--loss', 'log(cosh(w - c))', '--L', '0.25', '--claim', 'E23', '--seed', '7', '--results', dir, '--shrink-seconds', '5']);
    expect(readFileSync(join(ROOT_CORPUS, 'E23.json'), 'utf8')).toBe(repoCorpus);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--L 0.25 is below sup \|f''\| >= 1/);
    const res = JSON.parse(readFileSync(join(dir, 'check.json'), 'utf8')).results[0];
    expect(res.verdict).toBe('counterexample');
    expect(res.counterexample.confirmedIn).toBe('precise');
    expect(res.counterexample.violates).toContain('smooth');
    expect(res.counterexample.input.loss).toMatchObject({ family: 'expr', expr: 'log(cosh(w - c))', L: '1/4' });
    expect(res.counterexample.replay).toContain("--loss 'log(cosh(w - c))' --L 0.25");
    const corpus = JSON.parse(readFileSync(join(dir, 'corpus', 'E23.json'), 'utf8'));
    expect(corpus.entries).toHaveLength(1);
  });

  it.each([
    [['--loss', 'w^4', '--claim', 'E23'], /not globally smooth.*--L/],
    [['--loss', 'w +* 2'], /syntax error: Value expected at position 4/],
    [['--L', '2'], /--L and --Lstar go with --loss/],
    [['--loss', 'w^2', '--claim', 'A1'], /A1 cannot run with --loss/],
  ])('refuses %j with one line and exit 2', (args, msg) => {
    const r = cli(['check', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('loracheck:'))).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
    expect(r.stdout).toBe('');
  });
});

describe('loracheck check --loss beside prove.json', () => {
  it('shows a proof for every input, not one for the built-in quadratics only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-loss-'));
    const proof = (id: string, cls: string, text: string) => ({ id, dropped: [], verdict: 'proved', class: cls, text, attempts: [], timeMs: 1, budgetMs: 1 });
    writeFileSync(join(dir, 'prove.json'), JSON.stringify({ kind: 'prove', schema: 1, env: {}, claims: [proof('E23', 'm = n = 1 quadratics', 'proved for m = n = 1 quadratics'), proof('L34.s22.d', 'all inputs', 'proved')] }));
    try {
      const r = await runMain(['check', '--loss', '(w - c)^2 / 2', '--claim', 'E23', '--claim', 'L34.s22.d', '--runs', '2', '--seed', '1', '--results', dir, '--corpus', join(dir, 'corpus')]);
      const text = r.out.join('\n');
      expect(text).toMatch(/^E23 \[exact\] verified: /m);
      expect(text).toMatch(/^L34\.s22\.d \[exact\] proved \(SMT, prove\.json\); sampling: verified: /m);
    } finally {
      setUserLoss(undefined);
    }
  }, 60_000);
});
