import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { profileTables, stepWindow, suite, type Captured } from './webgpu-profile.ts';

const SWIFTSHADER = process.env.LORACHECK_SWIFTSHADER_ICD || '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Dispatch sequences named by letters: set-up, steps, then the final read-back's dispatches. */
const seq = (s: string): Captured[] => [...s].map((c, i) => ({ sig: c, name: `${c}${i}` }) as unknown as Captured);

describe('webgpu-profile: the step window', () => {
  it('finds the period of the step and takes a middle occurrence', () => {
    // set-up "xy", steps "abcab" (a sub-pattern "ab" repeats inside the step), final read "zz"/"zzz"
    const short = seq(`xy${'abcab'.repeat(3)}zz`);
    const long = seq(`xy${'abcab'.repeat(6)}zzz`);
    const w = stepWindow(short, long, 3);
    expect(w.periodic).toBe(true);
    expect(w.perStep).toBe(5);
    expect(w.window.map((c) => c.sig).join('')).toHaveLength(5);
    // a rotation of the step, starting after the set-up
    expect('abcababcab').toContain(w.window.map((c) => c.sig).join(''));
    expect(Number(w.window[0]!.name.slice(1))).toBeGreaterThanOrEqual(2 + 5);
  });

  it('says so when nothing repeats', () => {
    const w = stepWindow(seq('abcdefgh'), seq('abcdefghijklmnop'), 4);
    expect(w.periodic).toBe(false);
  });

  it('prints a skip as one table with the reason', () => {
    const t = profileTables({ skipped: 'no WebGPU adapter (x)' });
    expect(t).toHaveLength(1);
    expect(t[0]!.skipped).toEqual(['no WebGPU adapter (x)']);
  });
});

describe.skipIf(!existsSync(SWIFTSHADER))('webgpu-profile on SwiftShader (a plumbing check)', () => {
  it("captures the step's own dispatches, not only the set-up (the trainer's direct path bypasses tfjs)", async () => {
    const saved = process.env.LORACHECK_BENCH_GPU_SOFTWARE;
    process.env.LORACHECK_BENCH_GPU_SOFTWARE = '1';
    try {
      const [t] = await suite.run({ quick: true, log: () => {} });
      const pieces = t!.rows.map((r) => String(r[0])).filter((x) => x.startsWith('#'));
      expect(pieces.length).toBeGreaterThanOrEqual(7);
      expect(pieces.join(' ')).toMatch(/loracheck_quadratic_rowstep/);
      expect(pieces.join(' ')).toMatch(/loracheck_step_update/);
    } finally {
      if (saved === undefined) delete process.env.LORACHECK_BENCH_GPU_SOFTWARE;
      else process.env.LORACHECK_BENCH_GPU_SOFTWARE = saved;
    }
  }, 60_000);
});
