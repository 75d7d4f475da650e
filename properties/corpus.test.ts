/**
 * Replays the counterexample corpus (properties/corpus/*.json) on every run: each stored witness
 * must still fail exactly as recorded (same comparisons, same decisions: false printed lines stay
 * false), and the `.corrected` form of its claim must hold on it. Every printed line that the
 * catalogue corrects must have at least one stored witness.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, claimById } from '../theory/index.ts';
import { CORPUS_DIR, CorpusError, emptyCorpus, knownFailure, listCorpora, readCorpus, replayCorrected, replayEntry, withEntry, type CorpusEntry } from './corpus.ts';

const corpora = listCorpora(CORPUS_DIR);

describe('counterexample corpus', () => {
  it('has a stored witness for every printed line the catalogue corrects', () => {
    const stored = new Set(corpora.filter((f) => f.entries.length > 0).map((f) => f.claim));
    const corrected = CATALOGUE.filter((c) => c.correctedOf).map((c) => c.correctedOf!);
    expect(corrected.length).toBeGreaterThan(0);
    expect(corrected.filter((id) => !stored.has(id)), 'run `npx loracheck check --claim ID` to record one').toEqual([]);
  });

  it('rejects an entry that does not fail as recorded (the replay can fail)', () => {
    const file = corpora.find((f) => f.entries.length > 0)!;
    const claim = claimById(file.claim)!;
    const entry = structuredClone(file.entries[0]!);
    const i = entry.witness.comparisons.findIndex((c) => c.holds === false);
    entry.witness.comparisons[i]!.holds = true;
    expect(replayEntry(claim, entry).ok).toBe(false);
    const other = structuredClone(file.entries[0]!);
    other.failing = ['some other comparison'];
    expect(replayEntry(claim, other).ok).toBe(false);
  });

  for (const file of corpora)
    file.entries.forEach((entry, i) => {
      it(`${file.claim} #${i + 1} (${entry.witness.sizes ?? '?'}, ${entry.witness.confirmedIn}) still fails as recorded`, () => {
        const claim = claimById(file.claim);
        expect(claim, `corpus file for unknown claim ${file.claim}`).toBeDefined();
        const out = replayEntry(claim!, entry);
        console.log(`${file.claim} #${i + 1}: fails on [${out.failing.join('; ')}]`);
        expect(out.ok, out.reason).toBe(true);
        for (const c of CATALOGUE.filter((k) => k.correctedOf === file.claim)) {
          const fixed = replayCorrected(c, entry);
          if (!fixed) continue; // the witness lies outside the corrected claim's hypotheses
          expect(fixed.ok, fixed.reason).toBe(true);
        }
      });
    });
});

describe('which failures may be known', () => {
  const entry = (claim: string, dropped: string[], failing: string[]): CorpusEntry => ({
    recordedAt: '2026-01-01T00:00:00.000Z',
    failing,
    witness: { claim, foundIn: 'exact', confirmedIn: 'exact', input: {}, comparisons: [], dropped, seed: 1, shrunk: true, replay: '' },
  });

  it('a counterexample to a claim stated as true, with all its hypotheses, is new whatever the corpus holds', () => {
    const L33 = claimById('L33')!;
    const corpus = withEntry(emptyCorpus('L33'), entry('L33', [], ['Lemma 3.3']));
    const v = knownFailure(L33, { dropped: [], failing: ['Lemma 3.3'] }, corpus);
    expect(v.known).toBe(false);
    expect(v.entry).toBeDefined(); // stored, and still not known
    expect(v.why).toMatch(/as stated/);
  });

  it('a printed-false line with a .corrected twin, or a witness found with a hypothesis dropped, can be known', () => {
    const amgm1 = claimById('L34.s22.amgm1')!;
    const failing = ['4 sqrt2 L ||V||^2 + 2 ||G|| >= 3 (4 sqrt2 L ||V||^2 ||G||)^(1/3)'];
    const printed = withEntry(emptyCorpus(amgm1.id), entry(amgm1.id, [], failing));
    expect(knownFailure(amgm1, { dropped: [], failing }, printed).known).toBe(true);
    expect(knownFailure(amgm1, { dropped: [], failing: ['another comparison'] }, printed).known).toBe(false);
    const L33 = claimById('L33')!;
    const ablated = withEntry(emptyCorpus('L33'), entry('L33', ['smooth'], ['Lemma 3.3']));
    expect(knownFailure(L33, { dropped: ['smooth'], failing: ['Lemma 3.3'] }, ablated).known).toBe(true);
    // the same failure without the hypothesis dropped is a refutation of the lemma: not known
    expect(knownFailure(L33, { dropped: [], failing: ['Lemma 3.3'] }, ablated).known).toBe(false);
  });

  it('a corpus file whose claim or witnesses do not match its file name is bad input naming file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-corpus-'));
    try {
      const good = withEntry(emptyCorpus('L34.s22.amgm1'), entry('L34.s22.amgm1', [], ['x']));
      writeFileSync(join(dir, 'L33.json'), JSON.stringify(good));
      expect(() => readCorpus('L33', dir)).toThrow(CorpusError);
      expect(() => readCorpus('L33', dir)).toThrow(/L33\.json: field claim must be "L33" \(the file name\), got "L34\.s22\.amgm1"/);
      const renamedEntry = { ...emptyCorpus('L33'), entries: [entry('L34', [], ['x'])] };
      writeFileSync(join(dir, 'L33.json'), JSON.stringify(renamedEntry));
      expect(() => readCorpus('L33', dir)).toThrow(/L33\.json: field entries\[0\]\.witness\.claim must be "L33"/);
      const badDropped = { ...emptyCorpus('L33'), entries: [{ ...entry('L33', [], ['x']), witness: { ...entry('L33', [], ['x']).witness, dropped: 'smooth' } }] };
      writeFileSync(join(dir, 'L33.json'), JSON.stringify(badDropped));
      expect(() => readCorpus('L33', dir)).toThrow(/field entries\[0\]\.witness\.dropped must be an array/);
      expect(() => listCorpora(dir)).toThrow(CorpusError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
