import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chooseBackend } from '../gpu-runs/backend.ts';
import { CHECK_STEPS, checkSize, directTables } from './webgpu-direct.ts';

const SWIFTSHADER = process.env.LORACHECK_SWIFTSHADER_ICD || '/usr/lib/chromium/vk_swiftshader_icd.json';
const HAS_SWIFTSHADER = existsSync(SWIFTSHADER);
if (!HAS_SWIFTSHADER) console.warn(`bench/webgpu-direct.test.ts: ${SWIFTSHADER} not found (apt-get install chromium): skipped`);

describe.skipIf(!HAS_SWIFTSHADER)('webgpu-direct on SwiftShader: the direct step against the trainer', () => {
  it('gives the trainer\'s records at 64 x 64, r = 4, and says "wrong" when eta is off by 0.1%', async () => {
    const backend = await chooseBackend('webgpu');
    const device = (backend.tf.backend() as unknown as { device: unknown }).device;
    const ok = await checkSize(backend, device, 64, 4);
    expect(ok.wrong).toBeUndefined();
    expect(ok.steps).toBe(CHECK_STEPS + 1);
    // 5 fields a record, read back after each batch and pipelined
    expect(ok.values).toBe(2 * 5 * (CHECK_STEPS + 1));
    expect(ok.maxRel).toBeLessThanOrEqual(1e-5);
    const bad = await checkSize(backend, device, 64, 4, 0.999);
    expect(bad.wrong).toMatch(/max relative difference/);
    expect(bad.maxRel).toBeGreaterThan(5e-4);
  }, 60_000);
});

describe('webgpu-direct tables', () => {
  it('prints a skip as one table with the reason', () => {
    const t = directTables({ skipped: 'no WebGPU adapter (x)' });
    expect(t).toHaveLength(1);
    expect(t[0]!.skipped).toEqual(['no WebGPU adapter (x)']);
  });
});
