/**
 * `check --seconds S` over several claims (check-share.ts, check-run.ts): the water-filling
 * split against hand-worked answers; a run continued from an earlier one (engine.ts
 * continueFrom) equals one run over the same cases; and runCheck gives the first pass's unused
 * time to the whole-run claim (GV: a case is a run of up to 40 steps in precise arithmetic), not
 * to the point claim that sampled hundreds of cases.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimById } from '../theory/index.ts';
import type { Environment } from '../theory/results.ts';
import { FIRST_SHARE, topUps } from './check-share.ts';
import { runCheck, selectClaims } from './check-run.ts';
import { readCorpus } from './corpus.ts';
import { checkClaim } from './engine.ts';

describe('topUps: the first pass\'s unused time to the claims with the fewest non-trivial cases', () => {
  const pass = (nonTrivial: number, cases: number, seconds: number) => ({ nonTrivial, cases, seconds });

  it('raises the poorest to a common level at their own cost per case', () => {
    // costs per case: seconds / (cases + 1) = 0.1, 0.2, 0.001
    const claims = [pass(2, 3, 0.4), pass(5, 4, 1), pass(500, 999, 1)];
    // 1 s: raising claim 0 from 2 to 5 costs 0.3 s; then both to L: 0.1 (L - 2) + 0.2 (L - 5) = 1 gives 0.3 L = 2.2, L = 22/3
    const t = topUps(claims, 1);
    expect(t[0]).toBeCloseTo(0.1 * (22 / 3 - 2), 12);
    expect(t[1]).toBeCloseTo(0.2 * (22 / 3 - 5), 12);
    expect(t[2]).toBe(0);
    expect(t[0]! + t[1]!).toBeCloseTo(1, 12);
    // 0.2 s does not lift claim 0 to claim 1's count: all of it to claim 0
    expect(topUps(claims, 0.2)).toEqual([0.2, 0, 0]);
    // a pool large enough for all three: all reach one level, the whole pool is spent
    const big = topUps(claims, 200); // 0.1 x 498 + 0.2 x 495 = 148.8 s lifts the first two to 500
    const level = (i: number, c: { nonTrivial: number; cases: number; seconds: number }) => c.nonTrivial + big[i]! / (c.seconds / (c.cases + 1));
    expect(level(0, claims[0]!)).toBeCloseTo(level(2, claims[2]!), 6);
    expect(level(1, claims[1]!)).toBeCloseTo(level(2, claims[2]!), 6);
    expect(big.reduce((a, b) => a + b, 0)).toBeCloseTo(200, 9);
  });

  it('nothing to give, or nobody to give it to', () => {
    expect(topUps([pass(1, 1, 1)], 0)).toEqual([0]);
    expect(topUps([undefined, undefined], 5)).toEqual([0, 0]);
    // claims that are out (a counterexample, say) get nothing; a top-up below 10 ms is not run
    expect(topUps([undefined, pass(3, 3, 0.4)], 0.005)).toEqual([0, 0]);
  });
});

describe('continueFrom: a run that goes on from an earlier one', () => {
  it('10 cases, then 25 more, are the 35 cases of one run: same counts, worst case, histogram and replay', () => {
    const claim = claimById('L34.s20.b')!;
    const whole = checkClaim(claim, { mode: 'exact', runs: 35, seed: 5 });
    const first = checkClaim(claim, { mode: 'exact', runs: 10, seed: 5 });
    const rest = checkClaim(claim, { mode: 'exact', runs: 25, seed: 5, continueFrom: first });
    expect(first.cases).toBe(10);
    for (const k of ['verdict', 'cases', 'nonTrivial', 'undecided', 'undecidedComparisons', 'falseAlarms', 'replay', 'slackHistogram', 'budget'] as const) expect([k, rest[k]]).toEqual([k, whole[k]]);
    expect(rest.worstSlack!.ratio).toBe(whole.worstSlack!.ratio);
    expect(rest.worstSlack!.witness.input).toEqual(whole.worstSlack!.witness.input);
    expect(rest.replay).toContain('--runs 35');
  });
});

describe('runCheck with --seconds over several claims', () => {
  it('gives the time the first pass left to GV (few runs), none to A2.embed (hundreds of cases); GV goes on with its cases', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-share-'));
    const seconds = 0.4;
    const selection = selectClaims(['A2.embed', 'GV'], undefined);
    const corpusDir = join(dir, 'corpus');
    const env: Environment = { node: process.version, platform: process.platform, arch: process.arch, cpus: 1, loracheck: 'test', versions: {}, date: new Date(0).toISOString() };
    let given: { id: string; seconds: number }[] = [];
    const out = await runCheck({
      selection,
      seed: 4,
      seconds,
      corpora: new Map(selection.claims.map(({ claim }) => [claim.id, readCorpus(claim.id, corpusDir)])),
      corpusDir,
      proofs: [],
      file: join(dir, 'check.json'),
      env,
      onShare: (g) => (given = g),
    });
    const [embed, gv] = out.results;
    console.log(`A2.embed: ${embed!.cases} cases in ${embed!.budget.seconds} s; GV: ${gv!.cases} cases in ${gv!.budget.seconds?.toFixed(3)} s (top-up ${JSON.stringify(given)})`);
    expect(out.results.map((r) => [r.id, r.verdict])).toEqual([['A2.embed', 'verified'], ['GV', 'verified']]);
    expect(embed!.budget.seconds).toBe(seconds * FIRST_SHARE);
    expect(given.map((g) => g.id)).toEqual(['GV']);
    expect(gv!.budget.seconds).toBeCloseTo(seconds * FIRST_SHARE + given[0]!.seconds, 9);
    // one replay covers both passes, and the file holds one row per claim
    expect(gv!.replay).toContain(`--runs ${gv!.cases}`);
    expect(out.doc.results.map((r) => r.id)).toEqual(['A2.embed', 'GV']);
    expect(embed!.nonTrivial).toBeGreaterThan(gv!.nonTrivial);
  });
});
