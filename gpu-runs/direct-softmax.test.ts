/**
 * The trainer's direct webgpu step for softmax regression (direct-softmax.ts) on SwiftShader
 * against its tfjs path (LORACHECK_WEBGPU_DIRECT=0 / cfg.direct false), which runs the same WGSL
 * through tfjs (workloads/softmax-webgpu.ts): the same records bit for bit, the header saying
 * which path ran, both read-back halves, the rule adapt2 (whose record kernel sums the loss
 * terms), interrupts, divergence, the final weights, mini-batches (the trainer's batch order, batch
 * sizes that divide N and not, epoch boundaries, the full-data loss every step or every third), and
 * where it does not apply. Small seeded
 * data (N = 203 rows of n = 40 features, 10 classes: partial tiles, column blocks and row
 * chunks) keeps it fast; Fashion-MNIST itself runs direct in webgpu.test.ts (against wasm).
 * Skipped (with a message) only where the SwiftShader driver is absent.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSoftmax } from '../bench/webgpu-softmax.ts';
import { chooseBackend } from './backend.ts';
import type { Dataset } from './data/dataset.ts';
import { Rng } from './rng.ts';
import { parseRule } from './rules.ts';
import { parseTrace, type Trace } from './trace-reader.ts';
import { MemorySink } from './trace.ts';
import { train, type TrainConfig, type TrainHooks } from './trainer.ts';
import { SOFTMAX_MAX_RANK } from './workloads/softmax-webgpu.ts';
import { logregWorkload } from './workloads/softmax.ts';

const SWIFTSHADER = process.env.LORACHECK_SWIFTSHADER_ICD || '/usr/lib/chromium/vk_swiftshader_icd.json';
const HAS_SWIFTSHADER = existsSync(SWIFTSHADER);
if (!HAS_SWIFTSHADER) console.warn(`gpu-runs/direct-softmax.test.ts: ${SWIFTSHADER} not found (apt-get install chromium): skipped`);

const FIELDS = ['J', 'Vsq', 'Gnorm', 'gradJsq', 'eta'] as const;

/** N rows of n features in [0, 1), labels from a seeded linear rule plus noise (so that training has something to find). */
function data(N: number, n: number, classes: number): Dataset {
  const rng = new Rng(9);
  const X = new Float32Array(N * n);
  for (let i = 0; i < X.length; i++) X[i] = rng.uniform();
  const P = rng.gaussian(classes * n, 1);
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    let best = 0;
    let top = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = rng.uniform();
      for (let j = 0; j < n; j++) s += P[c * n + j]! * X[i * n + j]!;
      if (s > top) [top, best] = [s, c];
    }
    y[i] = best;
  }
  return { name: `seeded ${N} x ${n}`, source: 'direct-softmax.test.ts', N, n, classes, X, y };
}

/** Records of two traces compared exactly: how many values, how many differ, the first difference. `more`: mini-batch
 *  fields, compared where either trace has them. */
function compare(a: Trace, b: Trace, more: ('batchJ' | 'fullJ')[] = []): { values: number; differ: number; first: string } {
  expect(a.steps.length).toBe(b.steps.length);
  let out = { values: 0, differ: 0, first: '' };
  a.steps.forEach((s, i) =>
    [...FIELDS, ...more.filter((f) => s[f] !== undefined || b.steps[i]![f] !== undefined)].forEach((f) => {
      const x = s[f];
      const y = b.steps[i]![f];
      expect(typeof x, `${f} at t = ${i}`).toBe('number');
      out.values++;
      if (!Object.is(x, y)) out = { ...out, differ: out.differ + 1, first: out.first || `${f} at t = ${i}: ${x} vs ${y}` };
    }),
  );
  return out;
}

async function run(d: Dataset, r: number, extra: Omit<Partial<TrainConfig>, 'rule'> & { rule?: string }, hooks: TrainHooks = {}, on: 'webgpu' | 'wasm' = 'webgpu') {
  const backend = await chooseBackend(on);
  const rng = new Rng(5);
  const w = logregWorkload(backend.tf, 'synthetic-logreg', d, rng);
  const sink = new MemorySink();
  try {
    const res = await train(backend, w, rng, { steps: 40, rank: r, init: 'paper', seed: 5, readAfterMs: Infinity, ...extra, rule: parseRule(extra.rule ?? 'theory') }, sink, hooks);
    return { trace: parseTrace(sink.text(), 'direct-softmax.jsonl'), res };
  } finally {
    w.dispose();
  }
}

describe.skipIf(!HAS_SWIFTSHADER)("the trainer's direct webgpu step for softmax regression on SwiftShader", () => {
  const d = data(203, 40, 10);

  it('rule (8), 30 steps, three read-back batches: the tfjs path\'s records bit for bit, and the final weights', async () => {
    const extra = { steps: 30, readEvery: 12, keepFinal: true };
    const a = await run(d, 4, extra);
    const b = await run(d, 4, { ...extra, direct: false });
    expect(a.trace.header.kernels).toBe('direct');
    expect(b.trace.header.kernels).toBeUndefined();
    expect(a.trace.steps.map((s) => s.t)).toEqual(Array.from({ length: 31 }, (_, i) => i));
    const c = compare(a.trace, b.trace);
    expect(c.values).toBe(31 * 5);
    expect(c.differ, c.first).toBe(0);
    expect(a.trace.summary).toMatchObject({ steps: 30, diverged: false, finalJ: b.trace.summary!.finalJ });
    // training does something: J falls, eta moves
    expect(a.trace.steps[30]!.J).toBeLessThan(a.trace.steps[0]!.J);
    expect(new Set(a.trace.steps.map((s) => s.eta)).size).toBeGreaterThan(10);
    expect(a.res.finalW![0]).toEqual(b.res.finalW![0]);
    expect(a.res.finalW![0]!.length).toBe(10 * 40);
  }, 60_000);

  it('adapt2 (the record kernel sums the loss terms) also agrees bit for bit', async () => {
    const a = await run(d, 4, { rule: 'adapt2', steps: 8, readEvery: 4 });
    const b = await run(d, 4, { rule: 'adapt2', steps: 8, readEvery: 4, direct: false });
    expect(a.trace.header.kernels).toBe('direct');
    const c = compare(a.trace, b.trace);
    expect(c.values).toBe(9 * 5);
    expect(c.differ, c.first).toBe(0);
  }, 60_000);

  it('the bench\'s check (bench/webgpu-softmax.ts) passes, and says "wrong" when the direct eta is 0.1% off either way', async () => {
    const backend = await chooseBackend('webgpu');
    const ok = await checkSoftmax(backend, d, 4, 6);
    expect(ok.wrong).toBeUndefined();
    expect(ok.steps).toBe(7);
    // 5 fields a record, read back after each batch and pipelined; all equal bit for bit here
    expect(ok.values).toBe(2 * 5 * 7);
    expect(ok.exact).toBe(ok.values);
    // eta 0.1% above (8): the float64 check of every eta says so
    expect((await checkSoftmax(backend, d, 4, 6, 1.001)).wrong).toMatch(/exceeds \(8\)/);
    // 0.1% below: within (8), but the records leave the trainer's
    const below = await checkSoftmax(backend, d, 4, 6, 0.999);
    expect(below.wrong).toMatch(/max relative difference/);
    expect(below.maxRel).toBeGreaterThan(5e-4);
  }, 60_000);

  it('a stop (Ctrl-C) ends the run at the record it followed; a diverging step ends as the tfjs path does', async () => {
    let seen = 0;
    const { trace } = await run(d, 2, { steps: 100, readEvery: 8 }, { onRecord: () => seen++, shouldStop: () => seen >= 5 });
    expect(trace.header.kernels).toBe('direct');
    expect(trace.steps.map((s) => s.t)).toEqual([0, 1, 2, 3, 4]);
    expect(trace.summary).toMatchObject({ interrupted: true, steps: 4, diverged: false });
    const extra = { rule: 'const:1e25', init: 'random' as const, steps: 30, readEvery: 8 };
    const a = (await run(d, 2, extra)).trace;
    const b = (await run(d, 2, { ...extra, direct: false })).trace;
    expect(a.header.kernels).toBe('direct');
    expect(a.divergence?.reason).toMatch(/is (NaN|Infinity|-Infinity) at step \d+/);
    expect(a.divergence).toEqual(b.divergence);
    expect(a.summary).toMatchObject({ diverged: true, steps: a.divergence!.t });
    expect(compare(a, b).differ).toBe(0);
  }, 60_000);

  it('mini-batches: the tfjs path\'s records bit for bit (batch J, full J, eta on the batch), batches that divide N and not, epoch boundaries, sparse full loss, adapt2', async () => {
    // N = 203: 29 rows divide it (7 batches an epoch: epochs end after t = 6 and 13), 50 do not (4 batches, 3 rows
    // skipped an epoch: epochs end after t = 3 and 7)
    const cases: [number, Omit<Partial<TrainConfig>, 'rule'> & { rule?: string }][] = [
      [29, { steps: 16, readEvery: 6 }],
      [50, { steps: 9, readEvery: 4, fullJEvery: 3 }],
      [50, { steps: 5, readEvery: 4, rule: 'adapt2' }],
    ];
    for (const [batch, extra] of cases) {
      const a = await run(d, 4, { ...extra, batch });
      const b = await run(d, 4, { ...extra, batch, direct: false });
      const what = `batch ${batch} ${JSON.stringify(extra)}`;
      expect(a.trace.header.kernels, what).toBe('direct');
      expect(b.trace.header.kernels, what).toBeUndefined();
      const c = compare(a.trace, b.trace, ['batchJ', 'fullJ']);
      expect(c.differ, `${what}: ${c.first}`).toBe(0);
      const steps = extra.steps! + 1;
      const sparse = (extra.fullJEvery ?? 1) > 1;
      // every record has J and the batch J; fullJ (sparse full loss) on t = 0, 3, 6 and the last
      expect(c.values, what).toBe(steps * 6 + (sparse ? 4 : 0));
      if (sparse) expect(a.trace.steps.filter((x) => x.fullJ !== undefined).map((x) => x.t)).toEqual([0, 3, 6, 9]);
      // the batch loss differs from the full-data loss (else the batches would not be seen)
      // (fullJEvery > 1: J is the batch loss and fullJ the full-data one, where evaluated)
      const full = a.trace.steps.flatMap((x) => (sparse ? (x.fullJ === undefined ? [] : [[x.fullJ, x.batchJ]]) : [[x.J, x.batchJ]]));
      expect(full.filter(([f, bj]) => f === bj), what).toEqual([]);
      if (sparse) expect(a.trace.steps.every((x) => x.J === x.batchJ)).toBe(true);
    }
  }, 60_000);

  it('mini-batches: the bench\'s check passes, and says "wrong" when the direct eta is 0.1% above (8) or one row of each batch is another', async () => {
    const backend = await chooseBackend('webgpu');
    const ok = await checkSoftmax(backend, d, 4, 6, 1, 50);
    expect(ok.wrong).toBeUndefined();
    // 6 fields a record (batch J too), read back after each batch and pipelined; all equal bit for bit here
    expect(ok.values).toBe(2 * 6 * 7);
    expect(ok.exact).toBe(ok.values);
    expect((await checkSoftmax(backend, d, 4, 6, 1.001, 50)).wrong).toMatch(/exceeds \(8\)/);
    const moved = await checkSoftmax(backend, d, 4, 6, 1, 50, { rows: (idx) => idx.map((i, k) => (k === 0 ? (i + 1) % 203 : i)) });
    expect(moved.wrong).toMatch(/max relative difference/);
    expect(moved.maxRel).toBeGreaterThan(1e-4);
  }, 60_000);

  it('mini-batches: a stop (Ctrl-C) ends the run at the record it followed; a diverging step ends as the tfjs path does', async () => {
    let seen = 0;
    const { trace } = await run(d, 2, { steps: 100, readEvery: 8, batch: 50 }, { onRecord: () => seen++, shouldStop: () => seen >= 5 });
    expect(trace.header.kernels).toBe('direct');
    expect(trace.steps.map((s) => s.t)).toEqual([0, 1, 2, 3, 4]);
    expect(trace.summary).toMatchObject({ interrupted: true, steps: 4, diverged: false });
    const extra = { rule: 'const:1e25', init: 'random' as const, steps: 30, readEvery: 8, batch: 50 };
    const a = (await run(d, 2, extra)).trace;
    const b = (await run(d, 2, { ...extra, direct: false })).trace;
    expect(a.header.kernels).toBe('direct');
    expect(a.divergence?.reason).toMatch(/is (NaN|Infinity|-Infinity) at step \d+/);
    expect(a.divergence).toEqual(b.divergence);
    expect(compare(a, b, ['batchJ']).differ).toBe(0);
  }, 60_000);

  it(`ranks at the kernels' limit (r = ${SOFTMAX_MAX_RANK - 1}, ${SOFTMAX_MAX_RANK}) run direct and agree with wasm; one above takes the tfjs path`, async () => {
    expect(SOFTMAX_MAX_RANK).toBe(64);
    // random adapters, so that every one of the r columns carries weight from the first step
    const extra = { steps: 3, readEvery: 2, init: 'random' as const };
    for (const r of [SOFTMAX_MAX_RANK - 1, SOFTMAX_MAX_RANK, SOFTMAX_MAX_RANK + 1]) {
      const a = (await run(d, r, extra)).trace;
      const w = (await run(d, r, extra, {}, 'wasm')).trace;
      expect(a.header.kernels, `r = ${r}`).toBe(r <= SOFTMAX_MAX_RANK ? 'direct' : undefined);
      let worst = 0;
      a.steps.forEach((x, i) => FIELDS.forEach((f) => (worst = Math.max(worst, Math.abs(x[f] - w.steps[i]![f]) / Math.max(Math.abs(x[f]), Math.abs(w.steps[i]![f]))))));
      // float32 kernels in different summation orders: measured 7.4e-7 to 8.0e-7 here; 2^-14 is the verifier's float32 tolerance
      expect(worst, `r = ${r}: webgpu vs wasm`).toBeLessThan(2 ** -14);
      expect(a.steps[3]!.J, `r = ${r}`).toBeLessThan(a.steps[0]!.J);
    }
  }, 120_000);

  it('where it does not apply (17 classes), the tfjs path runs', async () => {
    const many = await run(data(64, 8, 17), 2, { steps: 2 });
    expect(many.trace.header.kernels).toBeUndefined();
    expect(many.trace.steps).toHaveLength(3);
  }, 60_000);
});
