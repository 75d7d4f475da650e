/**
 * Durations, seeds and numbers at the edge, through main() for every command of the claims
 * side: a budget above one week (tighten --seconds 3000000 overflowed Node's timers, ran zero
 * evaluations and wrote an empty tighten.json over the earlier one), a seed above 32 bits, and
 * 1e400 are one line and exit 2, before any file is touched.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../run-main.test-helper.ts';


describe('limits of the flags', () => {
  it.each(['3000000', '1e10'])('tighten --seconds %s: exit 2, the earlier tighten.json untouched', async (s) => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-lim-'));
    const earlier = JSON.stringify({ kind: 'tighten', schema: 1, env: {}, rows: [{ claim: 'A1', worstRatio: 1 }] });
    writeFileSync(join(dir, 'tighten.json'), earlier);
    const r = await runMain(['tighten', '--claim', 'A1', '--seconds', s, '--results', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(new RegExp(`--seconds must be <= 604800 seconds .*got ${s}`));
    expect(readFileSync(join(dir, 'tighten.json'), 'utf8')).toBe(earlier);
  });

  const cmds = [
    ['check', '--claim', 'A1'],
    ['search', '--claim', 'A1'],
    ['ablate', '--claim', 'A1'],
    ['tighten', '--claim', 'A1'],
  ];
  for (const c of cmds) {
    it(`${c[0]}: --seed 4294967296 names the flag and the range; 1e400 is named as given`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lc-lim-'));
      const seed = await runMain([...c, '--seed', '4294967296', '--results', dir]);
      expect(seed.code).toBe(2);
      expect(seed.err[0]).toMatch(/--seed must be <= 4294967295 \(seeds are 32-bit: .*\.\.4294967295\), got 4294967296/);
      const big = await runMain([...c, '--seconds', '1e400', '--results', dir]);
      expect(big.code).toBe(2);
      expect(big.err[0]).toMatch(/--seconds must be a number, got 1e400, which is not a finite number/);
    });
  }
  it('prove --timeout 1e400 and 3000000', async () => {
    for (const [t, msg] of [['1e400', /got 1e400, which is not a finite number/], ['3000000', /must be <= 604800 seconds/]] as const) {
      const r = await runMain(['prove', '--claim', 'A1', '--timeout', t]);
      expect(r.code).toBe(2);
      expect(r.err[0]).toMatch(msg);
    }
  });
});
