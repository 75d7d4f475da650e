/**
 * The SMT engine on the claims themselves: the printed lines of (18), (20), (21) and the
 * corrected lines of (22) are proved for every input; the two printed AM-GM lines of (22) are
 * refuted with witnesses that loracheck's exact field confirms (and on which the corrected forms
 * hold); a planted false claim is refuted, so "proved" is not what the engine says regardless.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { exact } from '../../numeric/real.ts';
import type { Claim } from '../../theory/claim.ts';
import { decode } from '../../theory/codec.ts';
import { CATALOGUE, claimById } from '../../theory/index.ts';
import type { ClaimProofResult } from '../../theory/results.ts';
import { evaluateCase } from '../_internals/evaluate.ts';
import { mergeProofs, proveClaim, proveClaims, releaseZ3, unionText } from './index.ts';
import { z3Stderr } from './z3.ts';

afterAll(releaseZ3);

const BUDGET = 20_000;
const claim = (id: string) => claimById(id)!;

describe('prove: the proof of Lemma 3.4, line by line', () => {
  const scalarLines = CATALOGUE.filter((c) => c.id.startsWith('L34.s') && c.scalar && !['L34.s22.amgm1', 'L34.s22.amgm2'].includes(c.id));

  it('proves every printed line of (18), (20), (21) and the corrected and remaining lines of (22) for every input', async () => {
    expect(scalarLines.map((c) => c.id)).toContain('L34.s22.amgm1.corrected');
    expect(scalarLines.length).toBe(13);
    for (const c of scalarLines) {
      const r = await proveClaim(c, { budgetMs: BUDGET });
      expect(r.verdict, `${c.id}: ${JSON.stringify(r.attempts)}`).toBe('proved');
      expect(r.class).toBe('all inputs');
      expect(r.attempts[0]!.paths).toBeGreaterThan(0);
      expect(r.timeMs).toBeLessThan(BUDGET);
    }
  });

  for (const id of ['L34.s22.amgm1', 'L34.s22.amgm2']) {
    it(`refutes ${id} as printed with an exact, replayable witness (and its corrected form holds there)`, async () => {
      const r = await proveClaim(claim(id), { budgetMs: BUDGET });
      expect(r.verdict).toBe('refuted');
      const w = r.witness!;
      expect(w.foundBy).toBe('smt');
      expect(w.confirmedIn).toBe('exact');
      expect(w.sizes).toBe('m=1, n=1, r=1');
      expect(w.replay).toMatch(new RegExp(`^npx loracheck check --claim ${id.replace(/\./g, '\\.')} --input '\\{`));
      // re-checked here, independently of the engine, in the exact field
      const input = decode(w.input as never);
      expect(evaluateCase(claim(id), exact, input).status).toBe('fail');
      expect(evaluateCase(claim(`${id}.corrected`), exact, input).status).toBe('pass');
      // the scalar relaxation was satisfiable too, and its model fails exactly
      const scalar = r.attempts.find((a) => a.encoding === 'scalar')!;
      expect(scalar.result).toBe('sat');
      expect(scalar.scalarModel?.comparisons.some((c) => c.holds === false)).toBe(true);
    });
  }
});

describe('prove: fixed-size classes', () => {
  it('refutes a planted false bound (19) with constant 1/4 in the m = n = r = 1 class, exactly', async () => {
    const E19 = claim('E19');
    const planted: Claim = {
      ...E19,
      id: 'E19.planted',
      comparisons: (F, input) => E19.comparisons(F, input).map((c) => ({ ...c, rhs: F.div(c.rhs, F.fromInt(8)) })),
    };
    const r = await proveClaim(planted, { budgetMs: BUDGET });
    expect(r.verdict).toBe('refuted');
    expect(evaluateCase(planted, exact, decode(r.witness!.input as never)).status).toBe('fail');
    expect(evaluateCase(E19, exact, decode(r.witness!.input as never)).status).toBe('pass');
  });

  it('proves Lemma A.2 (15) for 2 x 2 symmetric M and says which class', async () => {
    const r = await proveClaim(claim('A2.sym'), { budgetMs: BUDGET, smallestClassOnly: true });
    expect(r.verdict).toBe('proved');
    expect(r.text).toBe('proved for m = n = 1 (M is 2 x 2, symmetric)');
  });

  it('says "no encoding" where there is none, without loading the solver', async () => {
    const none: Claim = { ...claim('E19'), id: 'X', inputKind: 'unknown' as never };
    const r = await proveClaim(none, { budgetMs: 1000 });
    expect(r.verdict).toBe('no encoding');
  });
});

describe('prove: result files', () => {
  it('merges a new run into the earlier proofs, one entry per claim and dropped hypotheses', () => {
    const r = (id: string, dropped: string[], text: string): ClaimProofResult => ({ id, dropped, verdict: 'proved', text, attempts: [], timeMs: 1, budgetMs: 1 });
    const merged = mergeProofs([r('B', [], 'old'), r('A', [], 'old'), r('A', ['x'], 'old')], [r('A', [], 'new')], ['A', 'B']);
    expect(merged.map((m) => `${m.id}/${m.dropped.join()}/${m.text}`)).toEqual(['A//new', 'A/x/old', 'B//old']);
  });

  it('writes a class list compactly', () => {
    expect(unionText(['w1 : w2 = 1 : 1', 'w1 : w2 = 1 : 2'])).toBe('w1 : w2 in {1 : 1, 1 : 2}');
    expect(unionText(['m = n = r = 1 quadratics', 'm = 1, n = 2, r = 1 quadratics'])).toBe('m = n = r = 1 quadratics; m = 1, n = 2, r = 1 quadratics');
  });
});

describe("z3-solver's stderr", () => {
  it('drops the note a solver thread stopped at its budget leaves when released; passes everything else', () => {
    const seen: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (seen.push(String(s)), true));
    try {
      z3Stderr('received "cleanupThread" command from terminated worker: 1');
      z3Stderr('Aborted(out of memory)');
    } finally {
      spy.mockRestore();
    }
    expect(seen).toEqual(['Aborted(out of memory)\n']);
  });
});

describe('Ctrl-C', () => {
  it('interrupts the solver call in progress; the claim it cut short is no result (prove.json keeps the earlier one)', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    // L33 is unknown to the solver: without the stop each claim would spend its 20 s
    const out = await proveClaims([claimById('L33')!, claimById('L34')!], { budgetMs: 20_000, signal: stop.signal });
    expect(out).toEqual({ results: [], interrupted: true });
  }, 15_000);
});
