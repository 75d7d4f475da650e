import { describe, expect, it } from 'vitest';
import { profileTables, stepWindow, type Captured } from './webgpu-profile.ts';

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
    expect(t[0]!.notes).toEqual(['no WebGPU adapter (x)']);
  });
});
