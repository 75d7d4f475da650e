/**
 * The search, ablate and tighten commands: bad input is one line and exit 2 (in-process,
 * through main()); one end-to-end run of the real binary checks that worker threads start
 * under the CLI's tsx loader and that --json prints the result document.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMain } from '../run-main.test-helper.ts';
import { helpText, parseArgs } from '../args.ts';
import { betterConstantText, searchCountsText } from '../claim-text.ts';
import { command as searchCommand } from './search.ts';
import { command as ablate } from './ablate.ts';
import { command as check } from './check.ts';
import { command as claims } from './claims.ts';
import { command as prove } from './prove.ts';
import { command as tighten } from './tighten.ts';
import { mergeSearchFiles, searchFileName } from '../../properties/search/search-run.ts';
import { saveFailure } from '../../properties/corpus-save.ts';
import { claimById } from '../../theory/index.ts';
import type { Witness } from '../../theory/results.ts';
import { labelFamily, readCorpus, replayEntry } from '../../properties/index.ts';

let witness: Witness | undefined;
import { writeJSONAtomic } from '../io.ts';

const results = mkdtempSync(join(tmpdir(), 'loracheck-search-test-'));
afterAll(() => rmSync(results, { recursive: true, force: true }));


describe('bad input: one line, exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['search', '--claim', 'NOPE'], /--claim NOPE: unknown claim/],
    [['search', '--claim', 'A2.sym', '--drop', 'nope'], /--drop nope: unknown hypothesis/],
    [['search', '--claim', 'A2.sym', '--drop', 'smooth'], /claim A2\.sym does not use this hypothesis \(it uses: symmetric\)/],
    [['search', '--claim', 'A2.sym', '--shard', '3/2'], /--shard 3\/2: need 1 <= i <= k/],
    [['search', '--claim', 'A2.sym', '--shard', 'half'], /--shard must look like i\/k/],
    [['search', '--claim', 'A2.sym', '--workers', '0'], /--workers must be >= 1, got 0/],
    [['search', '--claim', 'A2.sym', '--seconds', '1', '--runs', '5'], /--seconds or --runs, not both/],
    [['search', '--claim', 'GV', '--mode', 'exact'], /--mode exact: claim GV runs in precise, float64 only/],
    [['search'], /--claim ID is required/],
    [['ablate', '--claim', 'NOPE'], /--claim NOPE: unknown claim/],
    [['ablate', '--claim', 'A2.sub'], /nothing to ablate: A2\.sub names no hypothesis/],
    [['tighten', '--claim', 'A2.embed'], /no inequality among the selected claims/],
    [['tighten', '--claim', 'A2.sym', '--workers', '0'], /--workers must be >= 1/],
    // seeds are 32-bit words: a larger one would silently replay another seed's run
    [['search', '--claim', 'A2.sym', '--seed', '4294967296'], /--seed must be <= 4294967295 \(seeds are 32-bit.*\), got 4294967296/],
    [['search', '--claim', 'A2.sym', '--seed', '-1'], /--seed -1: a negative seed is a fast-check batch seed, for --path replays only/],
    [['search', '--claim', 'A2.sym', '--seed', '-2147483649', '--path', '0'], /--seed must be >= -2147483648/],
    [['ablate', '--claim', 'A2.sym', '--seed', '4294967296'], /--seed must be <= 4294967295/],
    [['tighten', '--claim', 'A2.sym', '--seed', '-1'], /--seed must be >= 0/],
    [['check', '--claim', 'A2.sym', '--seed', '4294967296'], /--seed must be <= 4294967295 \(seeds are 32-bit/],
    [['verify', '--seed', '4294967296'], /--seed must be <= 4294967295/],
    [['train', '--seed', '4294967296'], /--seed must be <= 4294967295/],
  ];
  for (const [argv, msg] of cases)
    it(argv.join(' '), async () => {
      const r = await runMain([...argv, '--results', results]);
      expect(r.code).toBe(2);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(msg);
      expect(r.err[0]).not.toMatch(/\n|    at /);
    });
});

describe('what search prints about its budget and counts', () => {
  it('--help says the SMT engine runs within --seconds (search.ts gives it at most half)', () => {
    const help = helpText(searchCommand.spec).replace(/\n/g, ' ');
    expect(help).toMatch(/--seconds is the wall clock of the whole search, worker start-up included: the SMT engine gets at most min\(--smt, S\/2\) of it/);
  });

  it('names the ascent restarts beside the cases, so that non-trivial never reads as more than the cases', () => {
    const text = searchCountsText({ cases: 16, nonTrivial: 32, undecided: 0, falseAlarms: 0, ascents: 24, evaluations: 5000, casesPerSecond: 8.2, timeMs: 1940 });
    expect(text).toBe('cases 16 and 24 ascent restarts (5000 float64 evaluations): 32 non-trivial, 0 undecided, 0 float64 false alarms; 8.2 cases/s, 1.9 s');
    expect(searchCountsText({ cases: 3, nonTrivial: 2, undecided: 1, falseAlarms: 0, casesPerSecond: 1, timeMs: 3000 })).toBe('cases 3: 2 non-trivial, 1 undecided, 0 float64 false alarms; 1.0 cases/s, 3.0 s');
  });

  it("tighten's better constant: held on every point tried, or one float64 point past it (never 'FAILS on all' points)", () => {
    expect(betterConstantText({ value: '1/2', holdsOnTried: true, tried: 143828, worstTried: 0.4979 })).toBe('better constant 1/2: holds on all 143828 points tried');
    expect(betterConstantText({ value: '10/11', holdsOnTried: false, tried: 134722, worstTried: 0.8982529442605576 })).toBe('better constant 10/11: not on every point tried: one reached 0.898253 in float64 (not certified)');
  });
});

describe('search --merge', () => {
  it('adds the shards up and keeps the simplest counterexample', () => {
    const base = { kind: 'search', schema: 1, env: {}, claim: 'A2.sym', dropped: ['symmetric'], seed: 3, workers: 2, budget: { seconds: 1 } };
    const w = (data: string[]) => ({ claim: 'A2.sym', foundIn: 'exact', input: { m: 1, n: 1, M: { rows: 2, cols: 2, data } }, comparisons: [], dropped: ['symmetric'], seed: 1, shrunk: true, replay: 'x' });
    const f1 = join(results, 's1.json');
    const f2 = join(results, 's2.json');
    writeJSONAtomic(f1, { ...base, shard: '1/2', cases: 10, casesPerSecond: 5, timeMs: 2000, counterexample: w(['0', '17/3', '0', '0']), timeToFirstMs: 100 });
    writeJSONAtomic(f2, { ...base, shard: '2/2', cases: 30, casesPerSecond: 15, timeMs: 2500, counterexample: w(['0', '1', '0', '0']), timeToFirstMs: 900 });
    const m = mergeSearchFiles([f1, f2], {} as never);
    expect(m.cases).toBe(40);
    expect(m.casesPerSecond).toBe(20);
    expect(m.timeMs).toBe(2500);
    expect((m.counterexample!.input as { M: { data: string[] } }).M.data).toEqual(['0', '1', '0', '0']);
    expect(searchFileName('A2.sym', ['symmetric'], { index: 2, count: 4 })).toBe('search-A2.sym-no-symmetric-shard-2of4.json');
  });

  it('refuses files of different searches, naming the file', async () => {
    const f3 = join(results, 's3.json');
    writeJSONAtomic(f3, { kind: 'search', claim: 'L33', dropped: [], seed: 3, cases: 1, timeMs: 1 });
    const r = await runMain(['search', '--merge', join(results, 's1.json'), f3, '--results', results]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/s3\.json: field claim\/seed\/dropped/);
  });
});

describe('the real binary', () => {
  it('search --json: workers start under the CLI, the witness is confirmed, the file is written', async () => {
    const bin = new URL('../../bin/loracheck.js', import.meta.url).pathname;
    const argv = [bin, 'search', '--claim', 'A2.sym', '--drop', 'symmetric', '--seconds', '10', '--workers', '2', '--seed', '2', '--json', '--no-corpus', '--results', results];
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, argv, { cwd: new URL('../..', import.meta.url).pathname, timeout: 60_000 }, (err, stdout) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
      );
    });
    expect(code).toBe(0); // a counterexample with a hypothesis dropped is a finding, not a failure
    const doc = JSON.parse(stdout);
    expect(doc.kind).toBe('search');
    expect(doc.counterexample.confirmedIn).toBe('exact');
    expect(doc.counterexample.sizes).toBe('m=1, n=1');
    const file = JSON.parse(readFileSync(join(results, 'search-A2.sym-no-symmetric.json'), 'utf8'));
    expect(file.counterexample.input).toEqual(doc.counterexample.input);
    witness = doc.counterexample;
  });

  it('saves a confirmed counterexample in the corpus once; the same failure again is known', () => {
    expect(witness).toBeDefined();
    const corpus = join(results, 'corpus');
    const claim = claimById('A2.sym')!;
    const failing = witness!.comparisons.filter((c) => c.holds === false).map((c) => labelFamily(c.label ?? ''));
    const found = { witness: witness!, input: witness!.input, simplifySteps: 0, batchCases: 1, failing };
    expect(saveFailure(claim, found, { write: false, dir: corpus })).toMatchObject({ known: false, saved: false });
    expect(saveFailure(claim, found, { write: true, dir: corpus })).toMatchObject({ known: false, saved: true });
    expect(saveFailure(claim, found, { write: true, dir: corpus })).toMatchObject({ known: true, stored: true, saved: false });
    const file = readCorpus('A2.sym', corpus);
    expect(file.entries).toHaveLength(1);
    // the same failure with every hypothesis in place refutes the claim as stated: never known
    const asStated = { ...found, witness: { ...witness!, dropped: [] } };
    expect(saveFailure(claim, asStated, { write: true, dir: corpus })).toMatchObject({ known: false, saved: true });
    expect(saveFailure(claim, asStated, { write: true, dir: corpus })).toMatchObject({ known: false, stored: true, saved: false });
    // what npm test does with it: the stored witness still fails exactly as recorded
    expect(replayEntry(claim, file.entries[0]!).ok).toBe(true);
  });
});

describe('--help examples of the claims side', () => {
  /** A command line split as a POSIX shell would split these (single quotes, no escapes). */
  const argv = (line: string) => [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
  it('each command prints examples, and every example is a valid command line of that command', () => {
    for (const { spec } of [claims, prove, check, searchCommand, ablate, tighten]) {
      const name = spec.name;
      expect(spec.examples?.length, name).toBeGreaterThan(0);
      expect(helpText(spec)).toContain('\nExamples:\n');
      for (const e of spec.examples!) {
        const [npx, bin, cmd, ...rest] = argv(e.run);
        expect([npx, bin, cmd]).toEqual(['npx', 'loracheck', name]);
        expect(() => parseArgs(spec, rest), e.run).not.toThrow();
        expect(helpText(spec)).toContain(e.run);
      }
    }
  });
});
