/**
 * The SMT engine joined to the other engines: a search (and so an ablation row) asks it first;
 * a refutation is the search's witness with no sampling, a proof for every input settles the
 * search with no counterexample (tighten's bracket: properties/prove/bracket.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { claimById } from '../../theory/index.ts';
import { releaseZ3 } from '../prove/index.ts';
import { ablationRow } from './ablate.ts';
import { search } from './search.ts';
import { setUserLoss } from '../user-loss.ts';

afterAll(releaseZ3);

describe('SMT first', () => {
  it('makes a refutation the witness of a search with a hypothesis dropped (an ablation row, no sampling)', async () => {
    const claim = claimById('L34.s18.b')!;
    const out = await search({ claim, dropped: ['L_ge_1'], smtSeconds: 30, seconds: 1, workers: 1, seed: 1 });
    expect(out.smt?.verdict).toBe('refuted');
    expect(out.cases).toBe(0);
    expect(out.found?.witness).toMatchObject({ foundBy: 'smt', confirmedIn: 'exact', violates: ['L_ge_1'], sizes: 'm=1, n=1, r=1' });
    expect(out.found?.failing.length).toBeGreaterThan(0);
    expect(ablationRow(claim, 'L_ge_1', out).status).toBe('load-bearing');
  });

  it('settles a search when the claim is proved for every input, and says so in the row', async () => {
    const claim = claimById('L34.s22.a')!;
    const out = await search({ claim, smtSeconds: 30, seconds: 1, workers: 1, seed: 1 });
    expect(out.smt).toMatchObject({ verdict: 'proved', class: 'all inputs' });
    expect(out.found).toBeUndefined();
    expect(out.cases).toBe(0);
    expect(ablationRow(claim, 'eta_rule', out).status).toBe('not-needed');
  });

  it('within a time budget (the search command) the solver takes its share, and the result names the budget asked for', async () => {
    const claim = claimById('L34')!; // unknown to the solver in well under a second: sampling follows
    const out = await search({ claim, smtSeconds: 0.4, seconds: 1.2, withinBudget: true, workers: 1, seed: 1 });
    expect(out.smt?.verdict).toBe('unknown');
    expect(out.smt!.timeMs).toBeGreaterThan(100);
    expect(out.budget).toEqual({ seconds: 1.2 }); // not the 0.8 s or so the sampling had left
  });

  it('Ctrl-C during the solver\'s turn stops it and starts no sampling', async () => {
    const claim = claimById('L33')!; // unknown to the solver: without the stop it would spend its 20 s
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const out = await search({ claim, smtSeconds: 20, seconds: 40, withinBudget: true, workers: 1, seed: 1, signal: stop.signal });
    expect(out.smt?.verdict).toBe('unknown');
    expect(out.interrupted).toBe(true);
    expect(out.cases).toBe(0);
    expect(out.ascents ?? 0).toBe(0);
    expect(out.stalledSeeds).toBeUndefined();
  }, 15_000);

  it('is not asked on a loss of the user\'s (--loss): its classes are quadratics, no input on that loss', async () => {
    setUserLoss({ expr: 'sqrt(1 + (w - c)^2) - 1', L: '1/4' }); // L below sup |f''| = 1: smooth fails
    try {
      const out = await search({ claim: claimById('E23')!, dropped: ['smooth'], smtSeconds: 5, runs: 8, workers: 1, seed: 1 });
      expect(out.smt).toBeUndefined();
      expect(out.found).toBeDefined();
      expect((out.found!.witness.input as { loss: { family: string; expr: string } }).loss).toMatchObject({ family: 'expr', expr: 'sqrt(1 + (w - c)^2) - 1' });
    } finally {
      setUserLoss(undefined);
    }
  }, 30_000);
});

