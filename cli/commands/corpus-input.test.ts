/**
 * A truncated corpus file, or one whose claim ids were all replaced (`NOPE`), is bad input for
 * every command that reads the corpus: exit 2, one line naming the file and the field, before
 * any work (never exit 1, never "known").
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../run-main.test-helper.ts';
import { CORPUS_DIR } from '../../properties/index.ts';


const ID = 'L34.s22.amgm2';
const original = readFileSync(join(CORPUS_DIR, `${ID}.json`), 'utf8');

function corpusWith(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lc-corpus-'));
  mkdirSync(join(dir, 'c'));
  writeFileSync(join(dir, 'c', `${ID}.json`), text);
  return dir;
}

const BAD: [string, string, RegExp][] = [
  ['truncated', original.slice(0, Math.floor(original.length / 2)), /L34\.s22\.amgm2\.json: not valid JSON/],
  ['every claim id replaced by NOPE', original.replaceAll(`"${ID}"`, '"NOPE"'), /L34\.s22\.amgm2\.json: field claim must be "L34\.s22\.amgm2" \(the file name\), got "NOPE"/],
  ['entries not an array', JSON.stringify({ kind: 'corpus', schema: 1, claim: ID, entries: {} }), /field entries must be an array/],
];

describe('a bad corpus file is bad input (exit 2, naming file and field)', () => {
  for (const [what, text, msg] of BAD)
    for (const cmd of ['check', 'search'] as const)
      it(`${cmd}: ${what}`, async () => {
        const dir = corpusWith(text);
        const argv = cmd === 'check' ? ['check', '--claim', ID, '--runs', '50', '--seed', '6'] : ['search', '--claim', ID, '--runs', '50', '--seed', '6', '--smt', '0', '--workers', '1'];
        const r = await runMain([...argv, '--results', dir, '--corpus', join(dir, 'c')]);
        expect(r.code).toBe(2);
        expect(r.err).toHaveLength(1);
        expect(r.err[0]).toMatch(msg);
        expect(r.out).toEqual([]);
      });

  it('ablate checks the corpus files it may fall back on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-corpus-'));
    mkdirSync(join(dir, 'c'));
    const l34 = readFileSync(join(CORPUS_DIR, 'L34.json'), 'utf8');
    writeFileSync(join(dir, 'c', 'L34.json'), l34.replaceAll('"L34"', '"NOPE"'));
    const r = await runMain(['ablate', '--claim', 'L34', '--seconds', '1', '--smt', '0', '--results', dir, '--corpus', join(dir, 'c')]);
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/L34\.json: field claim must be "L34"/);
  });
});
