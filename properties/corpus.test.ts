/**
 * Replays the counterexample corpus (properties/corpus/*.json) on every run: each stored witness
 * must still fail exactly as recorded (same comparisons, same decisions: false printed lines stay
 * false), and the `.corrected` form of its claim must hold on it. Every printed line that the
 * catalogue corrects must have at least one stored witness.
 */
import { describe, expect, it } from 'vitest';
import { CATALOGUE, claimById } from '../theory/index.ts';
import { CORPUS_DIR, listCorpora, replayCorrected, replayEntry } from './corpus.ts';

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
