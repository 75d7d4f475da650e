/**
 * `check --input JSON` checks that one input: every replay command in its entry (the entry's, the
 * closest call's, a counterexample's or an error's) replays that input, never a seed (which would
 * draw other inputs).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../run-main.test-helper.ts';

describe('loracheck check --input', () => {
  it("a holding input: the closest call's replay is the input's, as the entry's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-check-input-'));
    // an A1 input drawn by a seeded run, then checked alone
    const first = await runMain(['check', '--claim', 'A1', '--runs', '3', '--seed', '4', '--json', '--results', dir]);
    const drawn = JSON.parse(first.out.join('\n')).results[0];
    const input = /--input '(.*)'$/.exec(drawn.worstSlack.witness.replay) ?? [, JSON.stringify(drawn.worstSlack.witness.input)];
    const r = await runMain(['check', '--claim', 'A1', '--input', input[1]!, '--json', '--results', dir]);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out.join('\n')).results[0];
    expect(res.cases).toBe(1);
    expect(res.replay).toMatch(/^npx loracheck check --claim A1 --input '/);
    expect(res.worstSlack.witness.replay).toBe(res.replay);
    expect(res.worstSlack.witness.replay).not.toMatch(/--seed/);
  }, 60_000);
});
