/**
 * The trainer's direct webgpu step (direct-webgpu.ts) on SwiftShader against its tfjs path
 * (LORACHECK_WEBGPU_DIRECT=0 / cfg.direct false): the same records (the same float32 kernels in the
 * same order), the header saying which path ran, interrupts, divergence, the final weights.
 * Skipped (with a message) only where the SwiftShader driver is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseBackend } from './backend.ts';
import { webgpuDevice } from './direct-dawn.ts';
import { directUnsupported, makeDirect } from './direct-webgpu.ts';
import { Rng } from './rng.ts';
import { parseRule } from './rules.ts';
import { quadraticJ64 } from './test-quadratic.ts';
import { parseTrace, type Trace } from './trace-reader.ts';
import { MemorySink } from './trace.ts';
import { train, type TrainConfig, type TrainHooks } from './trainer.ts';
import { quadraticWorkload } from './workloads/quadratic.ts';
import { STEP_MAX_RANK } from './workloads/quadratic-webgpu.ts';

const SWIFTSHADER = process.env.LORACHECK_SWIFTSHADER_ICD || '/usr/lib/chromium/vk_swiftshader_icd.json';
const HAS_SWIFTSHADER = existsSync(SWIFTSHADER);
if (!HAS_SWIFTSHADER) console.warn(`gpu-runs/direct-webgpu.test.ts: ${SWIFTSHADER} not found (apt-get install chromium): skipped`);

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'loracheck-direct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = ['J', 'Vsq', 'Gnorm', 'gradJsq', 'eta', 'distSq'] as const;
/** Asked of the two paths: the same kernels in the same order (measured here: bit-equal). */
const TOL = 1e-5;
/**
 * Asked of the direct path against the G-stored kernels (LORACHECK_QUADRATIC_STORE_G=1: G, its
 * rows, then G A^T and B^T G by tfjs' matMul): the same float32 products summed in other orders.
 * A float32 sum of k nonnegative terms (J, ||V||^2 and ||G||^2 rows) is within k u of exact
 * (u = 2^-24; 3.8e-6 at k = 64); grad J's entries are signed sums, within k u of the sum of their
 * terms' magnitudes; eta is a quotient of such sums, and the iterates then differ by that much a
 * step. Measured on SwiftShader over 40 steps at 64 x 64 r = 64, 96 x 96 r = 100 and 64 x 64
 * r = 256: at most 1.5e-7, 60x inside; an eta off by 1e-4 (a wrong kernel's size of error) lands
 * 10x outside.
 */
const STORED_TOL = 1e-5;

/** The largest relative difference of two traces' records, and how many values were compared. */
function compare(a: Trace, b: Trace): { rel: number; values: number; where: string } {
  expect(a.steps.length).toBe(b.steps.length);
  let out = { rel: 0, values: 0, where: '' };
  for (let i = 0; i < a.steps.length; i++)
    for (const f of FIELDS) {
      const x = a.steps[i]![f];
      const y = b.steps[i]![f];
      if (x === undefined && y === undefined) continue;
      expect(typeof x, `${f} at t = ${i}`).toBe('number');
      expect(typeof y, `${f} at t = ${i}`).toBe('number');
      out.values++;
      const rel = x === y ? 0 : Math.abs(x! - y!) / Math.max(Math.abs(x!), Math.abs(y!), 1e-30);
      if (!(rel <= out.rel)) out = { ...out, rel, where: `${f} at t = ${i}: ${x} vs ${y}` };
    }
  return out;
}

async function run(m: number, r: number, extra: Omit<Partial<TrainConfig>, 'rule'> & { rule?: string }, hooks: TrainHooks = {}) {
  const backend = await chooseBackend('webgpu');
  const rng = new Rng(5);
  const w = quadraticWorkload(backend.tf, 'quadratic', m, m, r, rng);
  const sink = new MemorySink();
  try {
    const res = await train(backend, w, rng, { steps: 40, rank: r, init: 'paper', seed: 5, ...extra, rule: parseRule(extra.rule ?? 'theory') }, sink, hooks);
    return { trace: parseTrace(sink.text(), 'direct.jsonl'), res };
  } finally {
    w.dispose();
  }
}

/** f with LORACHECK_QUADRATIC_STORE_G=1: the trainer's tfjs path with the G-stored kernels (quadratic.ts). */
async function storingG<T>(f: () => Promise<T>): Promise<T> {
  process.env.LORACHECK_QUADRATIC_STORE_G = '1';
  try {
    return await f();
  } finally {
    delete process.env.LORACHECK_QUADRATIC_STORE_G;
  }
}

describe.skipIf(!HAS_SWIFTSHADER)('the trainer\'s direct webgpu step on SwiftShader', () => {
  it('CLI: train 64x64, r = 4, 40 steps: the direct trace says so, equals LORACHECK_WEBGPU_DIRECT=0\'s record for record, and verifies', () => {
    const env = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER, LORACHECK_RESULTS: join(dir, 'results') };
    const traces: Trace[] = [];
    for (const [name, off] of [['direct', false], ['tfjs', true]] as const) {
      const out = join(dir, `${name}.jsonl`);
      const t = spawnSync(
        process.execPath,
        [join(ROOT, 'bin', 'loracheck.js'), 'train', '--backend', 'webgpu', '--workload', 'quadratic', '--size', '64x64', '--rank', '4', '--steps', '40', '--seed', '1', '--out', out],
        { cwd: ROOT, env: { ...env, ...(off ? { LORACHECK_WEBGPU_DIRECT: '0' } : {}) }, encoding: 'utf8', timeout: 120_000 },
      );
      expect(t.status, t.stderr).toBe(0);
      traces.push(parseTrace(readFileSync(out, 'utf8'), out));
    }
    const [d, t] = traces as [Trace, Trace];
    expect(d.header.kernels).toBe('direct');
    expect(t.header.kernels).toBeUndefined();
    expect(d.steps.map((s) => s.t)).toEqual(Array.from({ length: 41 }, (_, i) => i));
    const c = compare(d, t);
    expect(c.values).toBe(41 * 6); // distSq recorded too (64 x 64 is under DISTANCE_MAX_ENTRIES)
    expect(c.rel, c.where).toBeLessThanOrEqual(TOL);
    console.log(`direct vs tfjs path, 64 x 64, r = 4: max relative difference ${c.rel} over ${c.values} values`);
    expect(d.summary).toMatchObject({ steps: 40, diverged: false, finalJ: t.summary!.finalJ });
    const v = spawnSync(process.execPath, [join(ROOT, 'bin', 'loracheck.js'), 'verify-trace', join(dir, 'direct.jsonl')], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect(v.status, v.stdout + v.stderr).toBe(0);
    expect(v.stdout.match(/ verified: /g)).toHaveLength(5);
  }, 120_000);

  it('a constant step, a random init, batches cut by readAfterMs and the final weights agree with the tfjs path', async () => {
    const extra = { rule: 'const:0.05', init: 'random' as const, steps: 12, keepFinal: true, readEvery: 5 };
    const d = await run(32, 2, extra);
    const t = await run(32, 2, { ...extra, direct: false });
    expect(d.trace.header.kernels).toBe('direct');
    const c = compare(d.trace, t.trace);
    expect(c.values).toBe(13 * 6);
    expect(c.rel, c.where).toBeLessThanOrEqual(TOL);
    const fd = d.res.finalW![0]!;
    const ft = t.res.finalW![0]!;
    expect(fd.length).toBe(32 * 32);
    let worst = 0;
    for (let i = 0; i < fd.length; i++) worst = Math.max(worst, Math.abs(fd[i]! - ft[i]!) / Math.max(Math.abs(ft[i]!), 1e-6));
    expect(worst).toBeLessThanOrEqual(TOL);
    // readAfterMs 0: every batch is cut to one step; the records stay the same
    const one = await run(32, 2, { ...extra, readAfterMs: 0 });
    expect(compare(one.trace, t.trace).rel).toBeLessThanOrEqual(TOL);
  }, 60_000);

  it('a stop (Ctrl-C) ends the run at the record it followed, within the current batch; the summary is written', async () => {
    let seen = 0;
    const { trace } = await run(32, 2, { steps: 100 }, { onRecord: () => seen++, shouldStop: () => seen >= 5 });
    expect(trace.header.kernels).toBe('direct');
    expect(trace.steps.map((s) => s.t)).toEqual([0, 1, 2, 3, 4]);
    expect(trace.summary).toMatchObject({ interrupted: true, steps: 4, diverged: false });
    const none = await run(32, 2, { steps: 100 }, { shouldStop: () => true });
    expect(none.trace.steps).toHaveLength(0);
    expect(none.trace.summary).toMatchObject({ interrupted: true, steps: 0 });
  }, 60_000);

  it('a diverging constant step ends with the tfjs path\'s divergence record', async () => {
    const extra = { rule: 'const:20', init: 'random' as const, steps: 60 };
    const d = (await run(32, 2, extra)).trace;
    const t = (await run(32, 2, { ...extra, direct: false })).trace;
    expect(d.header.kernels).toBe('direct');
    expect(d.divergence?.reason).toMatch(/is (NaN|Infinity|-Infinity) at step \d+/);
    expect(d.divergence).toEqual(t.divergence);
    expect(d.summary).toMatchObject({ diverged: true, steps: d.divergence!.t });
    expect(compare(d, t).rel).toBeLessThanOrEqual(TOL);
  }, 60_000);

  // (The same programs run on the tfjs path at r = 64, so its records equal these too, as at r = 4
  // above; left out here for time: SwiftShader compiles the r = 64 row kernel in about 3 s.)
  it('r = 64 (the row kernel\'s sums in 2 rounds) at 64 x 64: direct, within STORED_TOL of the G-stored kernels (an alpha 1e-4 off is not); m not a multiple of 32: tfjs', async () => {
    const extra = { rule: 'adapt', steps: 4 };
    const d = await run(64, 64, extra);
    const g = await storingG(() => run(64, 64, extra));
    const off = await storingG(() => run(64, 64, { ...extra, alpha: 1 + 1e-4 }));
    expect([d, g].map((x) => x.trace.header.kernels)).toEqual(['direct', undefined]);
    const near = compare(d.trace, g.trace);
    expect(near.values).toBe(5 * 6);
    expect(near.rel, near.where).toBeLessThanOrEqual(STORED_TOL);
    const far = compare(d.trace, off.trace);
    expect(far.rel, far.where).toBeGreaterThan(5 * STORED_TOL);
    console.log(`64 x 64, r = 64: direct vs G stored ${near.rel}, vs G stored with alpha 1 + 1e-4 ${far.rel} (${far.values} values)`);
    expect((await run(24, 2, { steps: 1 })).trace.header.kernels).toBeUndefined();
  }, 60_000);

  it('directUnsupported names what still falls back: r above STEP_MAX_RANK, m not a multiple of 32', () => {
    const device = { limits: { minStorageBufferOffsetAlignment: 256 } };
    expect(directUnsupported(device, 64, 64, STEP_MAX_RANK)).toBeUndefined();
    expect(directUnsupported(device, 64, 64, STEP_MAX_RANK + 1)).toBe(`r = ${STEP_MAX_RANK + 1} > ${STEP_MAX_RANK}`);
    expect(directUnsupported(device, 24, 64, 4)).toMatch(/^m = 24: grad_B's offset/);
  });
});

describe.skipIf(!HAS_SWIFTSHADER)('the direct step with --decrease (dJ from both iterates)', () => {
  // dJ must be J(V_{t+1}) - J(V_t) of the stored float32 iterates within its bound dJerr: checked
  // against float64 from the factors (products of float32 values are exact in float64; the float64
  // sums' own error, about 1e-14 here, is far below dJerr), and dJerr must be far below J's own
  // resolution (16 u of J): what L34 gains from it.
  it('each step: |dJ - (J(V_{t+1}) - J(V_t))| <= dJerr, with dJerr below 1e-3 |dJ| and below 16 u J', async () => {
    const { tf } = await chooseBackend('webgpu');
    const device = webgpuDevice(tf)!;
    const [m, n, r] = [64, 96, 5];
    const rng = new Rng(5);
    const f32 = (k: number, s: number) => Float32Array.from(rng.gaussian(k, s));
    const C = f32(m * n, 1);
    const h = Float32Array.from({ length: m }, (_, i) => (1 + (i % 8)) / 8);
    const k = Float32Array.from({ length: n }, (_, j) => (1 + ((3 * j) % 8)) / 8);
    const d = await makeDirect(device, { m, n, r, C, h, k, B0: f32(m * r, 0.3), A0: f32(r * n, 0.3), rule: parseRule('theory'), alpha: null, L: 4, maxBatch: 1, distance: false, decrease: true });
    const J = (B: Float32Array, A: Float32Array): number => quadraticJ64(B, A, C, (i, j) => 4 * h[i]! * k[j]!, m, n, r);
    try {
      expect(d.layout.dec).toBe(2 * m);
      const at = d.etaIndex + 1;
      let before = await d.weights();
      for (let t = 0; t < 6; t++) {
        const [rec] = await d.read(d.submit(1, true));
        const after = await d.weights();
        let dJ = 0;
        let err = 0;
        for (let i = 0; i < m; i++) {
          dJ += rec![at + i]!;
          err += rec![at + m + i]!;
        }
        const J0 = J(before.B, before.A);
        const ref = J(after.B, after.A) - J0;
        expect(ref, `t = ${t}: a descent step`).toBeLessThan(0);
        expect(Math.abs(dJ - ref), `t = ${t}: dJ ${dJ}, exact ${ref}, bound ${err}`).toBeLessThanOrEqual(err);
        expect(err).toBeLessThan(1e-3 * Math.abs(ref));
        expect(err).toBeLessThan(16 * 2 ** -24 * J0);
        before = after;
      }
    } finally {
      d.destroy();
    }
  });
});
