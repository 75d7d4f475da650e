/**
 * `loracheck prove` end to end (a real process, so the z3 threads must let it exit): bad input
 * exits 2 with one line; Lemma 3.4 on 1x1 quadratics without L >= 1 is refuted with a witness
 * that `check --input` replays as a counterexample violating L_ge_1; prove.json keeps earlier
 * entries when a later run proves another claim.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'loracheck.js');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('loracheck prove', () => {
  it.each([
    [['--claim', 'NOPE'], /--claim NOPE: unknown claim/],
    [['--drop', 'nope'], /--drop nope: unknown hypothesis/],
  ])('rejects %j with one line and exit 2', (args, msg) => {
    const r = cli(['prove', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
  });

  it('refutes Lemma 3.4 without L >= 1 on 1x1 quadratics with a witness that check replays; prove.json merges runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-prove-'));
    const r = cli(['prove', '--claim', 'L34', '--drop', 'L_ge_1', '--timeout', '60', '--json', '--results', dir]);
    expect(r.code, r.stderr).toBe(0); // refuted only with a hypothesis dropped: not a counterexample as stated
    const doc = JSON.parse(r.stdout);
    const p = doc.claims[0];
    expect(p).toMatchObject({ id: 'L34', dropped: ['L_ge_1'], verdict: 'refuted' });
    expect(p.witness).toMatchObject({ sizes: 'm=1, n=1, r=1', confirmedIn: 'exact', foundBy: 'smt', violates: ['L_ge_1'] });
    expect(p.timeMs).toBeGreaterThan(0);
    // the replay command printed with the witness, run as printed
    const input = /--input '(.*)'$/.exec(p.witness.replay)![1]!;
    const c = cli(['check', '--claim', 'L34', '--input', input, '--json', '--results', dir]);
    expect(c.code).toBe(1);
    const res = JSON.parse(c.stdout).results[0];
    expect(res.verdict).toBe('counterexample');
    expect(res.cases).toBe(1);
    expect(res.counterexample.violates).toEqual(['L_ge_1']);
    expect(res.counterexample.comparisons[0].holds).toBe(false);
    // a later run on another claim keeps this entry
    expect(cli(['prove', '--claim', 'L34.s18.a', '--timeout', '20', '--results', dir]).code).toBe(0);
    const file = JSON.parse(readFileSync(join(dir, 'prove.json'), 'utf8'));
    expect(file.claims.map((x: { id: string; dropped: string[] }) => `${x.id}/${x.dropped.join()}`)).toEqual(['L34/L_ge_1', 'L34.s18.a/']);
    expect(file.claims[1].verdict).toBe('proved');
  }, 180_000);
});
