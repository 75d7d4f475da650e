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

  it('a failing input on a printed line: the input given (not called shrunk), no hypothesis the line does not name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-check-input-'));
    // (22)'s first AM-GM line as printed, at L = 1/2 and a free eta: it names no hypothesis, so
    // neither L >= 1 nor (8) is one it could violate
    const input = '{"loss":{"family":"quadratic","m":1,"n":1,"d":["1/2"],"u":[],"C":{"rows":1,"cols":1,"data":["0"]},"L":"1/2","Lstar":"0"},"V":{"rows":2,"cols":1,"data":["1/4","1/4"]},"eta":"5"}';
    const r = await runMain(['check', '--claim', 'L34.s22.amgm1', '--input', input, '--results', dir]);
    expect(r.code).toBe(1);
    const text = r.out.join('\n');
    expect(text).toMatch(/counterexample \(the input given\)/);
    expect(text).toMatch(/counterexample \(m=1, n=1, r=1; confirmed in exact; the input given\):/);
    expect(text).not.toMatch(/violates/);
    expect(text).not.toMatch(/shrunk/);
  }, 60_000);

  const q = '{"family":"quadratic","m":1,"n":1,"d":["1"],"u":[],"C":{"rows":1,"cols":1,"data":["0"]},"L":"1","Lstar":"0"}';
  it.each([
    ['L34', '{"loss":1}', /field loss must be a loss/],
    ['L34', '{"V":{"rows":2,"cols":1,"data":["1","2"]}}', /field loss is missing \(the lora input's fields: loss, V, eta\)/],
    ['L34', `{"loss":${q},"V":{"rows":2,"cols":1,"data":["1","x"]}}`, /field V\.data\[1\] must be a number or "p\/q", got "x"/],
    ['L34', `{"loss":${q},"V":{"rows":2,"cols":1,"data":["1"]}}`, /field V\.data has 1 entries, rows x cols = 2/],
    ['L34', '{"loss":{"family":"cubic"},"V":{"rows":1,"cols":1,"data":[1]}}', /loss: field family must be one of quadratic/],
    ['L34', `{"loss":${q},"V":{"rows":2,"cols":1,"data":["1","2"]},"Eta":1}`, /field Eta is not a field of the lora input/],
    ['A1', '{"x1":"1"}', /field x2 is missing/],
    ['GV', `{"loss":${q},"V0":{"rows":2,"cols":1,"data":["1","2"]},"T":"1/2"}`, /field T must be a whole number, got "1\/2"/],
  ])('a malformed input for %s is bad input: one line naming the field, exit 2 (%s)', async (claim, input, msg) => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-check-input-'));
    const r = await runMain(['check', '--claim', claim, '--input', input, '--results', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(new RegExp(`^loracheck: check: flag --input is not an input of ${claim}: `));
    expect(r.err[0]).toMatch(msg);
    expect(r.out).toEqual([]);
  });
});

