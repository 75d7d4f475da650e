/**
 * The methods of the RAC-LoRA comparison in the trainer (gpu-runs/methods.ts) at tiny sizes:
 * every method writes a valid trace full batch and mini-batch; each update keeps its own
 * invariant (RAC-LoRA and Asymmetric LoRA move W by rank <= r per step, LoRA and Asymmetric
 * LoRA stay above the rank-r bound while RAC-LoRA, COLA and FPFT go below it); rac traces verify
 * RAC.step and RAC.sum; the same seed gives the same run on cpu (and on webgpu's SwiftShader
 * where it is installed) as on wasm.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { symmetricEigenvaluesF64 } from '../numeric/matrix-f64.ts';
import { chooseBackend, type Backend, type BackendName } from './backend.ts';
import { sketchGram } from './sketch-draw.ts';
import { Rng } from './rng.ts';
import { parseRule } from './rules.ts';
import { parseTrace } from './trace-reader.ts';
import { MemorySink } from './trace.ts';
import { train, type Method, type TrainConfig } from './trainer.ts';
import { verifyTrace } from './verify.ts';
import { createWorkload, type WorkloadName, type WorkloadOptions } from './workloads/index.ts';

const SWIFTSHADER = process.env.LORACHECK_SWIFTSHADER_ICD || '/usr/lib/chromium/vk_swiftshader_icd.json';
const HAS_SWIFTSHADER = existsSync(SWIFTSHADER);

let wasm: Backend;
beforeAll(async () => {
  wasm = await chooseBackend('wasm');
});

const RULE: Record<Method, string> = { lora: 'theory', cola: 'theory', asym: '1/L', rac: '1/L', full: '1/L' };
const OTHERS: Method[] = ['asym', 'cola', 'rac', 'full'];

async function run(
  backend: Backend,
  name: WorkloadName,
  opts: WorkloadOptions,
  cfg: Partial<Omit<TrainConfig, 'rule'>> & { method: Method; steps: number; rule?: string },
  seed = 7,
) {
  const rng = new Rng(seed);
  const w = createWorkload(backend.tf, name, opts, cfg.rank ?? 2, rng);
  const sink = new MemorySink();
  try {
    const res = await train(backend, w, rng, { init: 'paper', seed, rank: 2, ...cfg, rule: parseRule(cfg.rule ?? RULE[cfg.method]) }, sink);
    return { res, trace: parseTrace(sink.text(), `${name}-${cfg.method}.jsonl`) };
  } finally {
    w.dispose();
  }
}

/** The singular values of an m x n row-major matrix (float64, from the Gram matrix). */
function singularValues(W: Float32Array, m: number, n: number): number[] {
  const G = Array.from({ length: n * n }, (_, k) => {
    const i = Math.floor(k / n);
    const j = k % n;
    let s = 0;
    for (let a = 0; a < m; a++) s += W[a * n + i]! * W[a * n + j]!;
    return s;
  });
  return symmetricEigenvaluesF64({ rows: n, cols: n, data: G }).map((x) => Math.sqrt(Math.max(0, x)));
}

describe('every method writes a valid trace', () => {
  for (const method of OTHERS)
    it(`${method}: quadratic full batch, penguins mini-batch with the full loss every 2 steps`, async () => {
      const q = await run(wasm, 'quadratic', { m: 6, n: 5 }, { method, steps: 4 });
      expect(q.trace.steps.map((s) => s.t)).toEqual([0, 1, 2, 3, 4]);
      expect(q.trace.header).toMatchObject({ method, rule: RULE[method], backend: 'wasm' });
      expect(q.trace.summary).toMatchObject({ steps: 4, diverged: false });
      expect(q.trace.steps[4]!.J).toBeLessThan(q.trace.steps[0]!.J);
      expect(q.trace.steps.every((s) => typeof s.distSq === 'number')).toBe(true);
      if (method === 'rac' || method === 'full') expect(q.trace.steps.every((s) => s.gamma === s.eta)).toBe(true);
      expect(q.trace.steps.every((s) => (method === 'rac' ? typeof s.HgradSq === 'number' : s.HgradSq === undefined))).toBe(true);
      const p = await run(wasm, 'penguins-logreg', {}, { method, steps: 4, batch: 32, fullJEvery: 2, rule: 'const:0.05' });
      expect(p.trace.header).toMatchObject({ batch: 32, fullJEvery: 2 });
      expect(p.trace.steps.map((s) => s.fullJ !== undefined)).toEqual([true, false, true, false, true]);
      expect(p.trace.steps.every((s) => s.J === s.batchJ)).toBe(true);
      expect(wasm.tf.memory().numTensors).toBeLessThan(50);
    });

  it('rejects the rules that do not fit a method, and options of other methods', async () => {
    await expect(run(wasm, 'quadratic', { m: 6, n: 5 }, { method: 'rac', steps: 1, rule: 'theory' })).rejects.toThrow(/method rac takes the rules const:<lr>, <c>\/L, not theory/);
    await expect(run(wasm, 'quadratic', { m: 6, n: 5 }, { method: 'full', steps: 1, sketch: 'left' })).rejects.toThrow(/sketch applies to method rac/);
    await expect(run(wasm, 'mlp', { hidden: 3 }, { method: 'full', steps: 1, rule: 'const:0.1' })).rejects.toThrow(/needs a workload whose L is known/);
  });
});

describe('each update keeps its invariant', () => {
  it('one step of rac (left and right sketch) and of asym from W0 = 0 has rank <= r; full has rank > r', async () => {
    const m = 6;
    const n = 5;
    const r = 2;
    for (const [method, sketch] of [['rac', 'left'], ['rac', 'right'], ['asym', undefined], ['full', undefined]] as const) {
      const { res } = await run(wasm, 'quadratic', { m, n }, { method, sketch, steps: 1, rank: r, keepFinal: true });
      const sv = singularValues(res.finalW![0]!, m, n);
      const rankNumeric = sv.filter((x) => x > 1e-5 * sv[0]!).length;
      // FPFT's first step is -gamma G = gamma H o C, of C's rank 2r here
      expect(rankNumeric, `${method} ${sketch ?? ''}: ${sv.join(', ')}`).toBe(method === 'full' ? 2 * r : r);
    }
  });

  it('LoRA and Asymmetric LoRA stay above the rank-1 bound (LORA.rank verified); RAC-LoRA, COLA and FPFT go below it', async () => {
    const steps = 300;
    for (const method of ['lora', ...OTHERS] as Method[]) {
      const cola = method === 'cola' ? { linkSteps: 30, rule: 'const:0.1' } : {};
      const { trace } = await run(wasm, 'quadratic', { m: 8, n: 8 }, { method, steps, rank: 1, ...cola }, 3);
      const bound = trace.header.rankBound as number;
      expect(bound).toBeGreaterThan(0);
      const rank = verifyTrace(trace).claims.find((c) => c.id === 'LORA.rank')!;
      const finalJ = trace.steps[steps]!.J;
      if (method === 'lora' || method === 'asym') {
        expect(rank.status, rank.reason).toBe('verified');
        expect(finalJ).toBeGreaterThan(bound);
      } else {
        expect(rank.status).toBe('not applicable');
        expect(rank.reason).toMatch(/goes below LoRA's rank-1 bound/);
        expect(finalJ, method).toBeLessThan(bound);
      }
    }
  });

  it('a header whose rank bound was not computed gets LORA.rank "not checked" with the reason, never silence', async () => {
    const { trace } = await run(wasm, 'quadratic', { m: 8, n: 8 }, { method: 'lora', steps: 3, rank: 1 }, 3);
    const { rankBound, rankBoundDistSq, ...rest } = trace.header as typeof trace.header & { rankBound: number; rankBoundDistSq: number };
    expect([rankBound, rankBoundDistSq].every((x) => x > 0)).toBe(true);
    const header = { ...rest, rankBoundMethod: 'not computed: W has too many entries' };
    const rank = verifyTrace({ ...trace, header }).claims.find((c) => c.id === 'LORA.rank');
    expect(rank?.status).toBe('not applicable');
    expect(rank?.reason).toMatch(/^not checked: the header states no rank-1 bound \(not computed: W has too many entries\)/);
  });

  it('rac and full traces verify RAC.step and RAC.sum; gamma > 1/L makes RAC.sum not applicable', async () => {
    for (const [method, sketch] of [['rac', 'left'], ['rac', 'right'], ['full', undefined]] as const) {
      const { trace } = await run(wasm, 'quadratic', { m: 8, n: 8 }, { method, sketch, steps: 40, rank: 2, linkSteps: method === 'rac' ? 3 : undefined });
      const claims = verifyTrace(trace).claims;
      for (const id of ['RAC.step', 'RAC.sum']) {
        const c = claims.find((x) => x.id === id)!;
        expect(c.status, `${method} ${id}: ${c.reason}`).toBe('verified');
        expect(c.checked).toBe(40);
      }
      expect(claims.find((x) => x.id === 'L34')!.status).toBe('not applicable');
    }
    const { trace } = await run(wasm, 'quadratic', { m: 8, n: 8 }, { method: 'rac', steps: 10, rule: '1.5/L' });
    const sum = verifyTrace(trace).claims.find((x) => x.id === 'RAC.sum')!;
    expect(sum.status).toBe('not applicable');
    expect(sum.reason).toMatch(/> 1\/L/);
    expect(verifyTrace(trace).claims.find((x) => x.id === 'RAC.step')!.status).toBe('verified'); // any gamma > 0
  });
});

describe('the same run on every backend', () => {
  const backends: BackendName[] = ['cpu', ...(HAS_SWIFTSHADER ? (['webgpu'] as const) : [])];
  if (!HAS_SWIFTSHADER) console.warn(`gpu-runs/methods.test.ts: ${SWIFTSHADER} not found: webgpu skipped`);
  for (const name of backends)
    it(`${name} agrees with wasm for every method (2 steps, 6 x 5)`, async () => {
      const other = await chooseBackend(name);
      for (const method of OTHERS) {
        const linkSteps = method === 'cola' || method === 'rac' ? 1 : undefined;
        const a = (await run(other, 'quadratic', { m: 6, n: 5 }, { method, steps: 2, linkSteps })).trace;
        const b = (await run(wasm, 'quadratic', { m: 6, n: 5 }, { method, steps: 2, linkSteps })).trace;
        expect(a.header.backend).toBe(name);
        a.steps.forEach((s, i) => {
          const t = b.steps[i]!;
          for (const f of ['J', 'Vsq', 'gradJsq', 'eta'] as const) expect(Math.abs(s[f] - t[f]), `${method} t=${i} ${f}`).toBeLessThanOrEqual(2 ** -14 * Math.max(Math.abs(s[f]), Math.abs(t[f]), 1e-30));
        });
      }
    });

  it.skipIf(!HAS_SWIFTSHADER)('webgpu: constant steps with records read back in batches (every 3 steps) agree with wasm, both sketch sides', async () => {
    const gpu = await chooseBackend('webgpu');
    for (const [method, sketch] of [
      ['rac', 'right'],
      ['rac', 'left'],
      ['full', undefined],
    ] as const) {
      const cfg = { method, steps: 7, rank: 2, ...(sketch ? { sketch } : {}) };
      const a = (await run(gpu, 'quadratic', { m: 8, n: 8 }, { ...cfg, readEvery: 3, readAfterMs: Infinity })).trace;
      const b = (await run(wasm, 'quadratic', { m: 8, n: 8 }, cfg)).trace;
      expect(a.steps.map((s) => s.t)).toEqual(b.steps.map((s) => s.t));
      // one read-back per group of 3 records: they share their time stamp
      expect(new Set(a.steps.map((s) => s.time_ms)).size).toBeLessThanOrEqual(3);
      a.steps.forEach((s, i) => {
        const t = b.steps[i]!;
        for (const f of ['J', 'Vsq', 'Gnorm', 'gradJsq', 'eta', 'HgradSq'] as const)
          if (t[f] !== undefined) expect(Math.abs(s[f]! - t[f]!), `${method} ${sketch ?? ''} t=${i} ${f}`).toBeLessThanOrEqual(2 ** -14 * Math.max(Math.abs(s[f]!), Math.abs(t[f]!), 1e-30));
      });
      if (method === 'rac') for (const id of ['RAC.step', 'RAC.sum']) expect(verifyTrace(a).claims.find((x) => x.id === id)!.status).toBe('verified');
    }
  });
});

afterAll(() => {
  expect(wasm.tf.memory().numTensors).toBeLessThan(50);
});

describe("RAC-LoRA's sketch on the host: the same numbers as the plain loops", () => {
  it('Rng.gaussian equals n calls of sigma * normal(), whatever spare is pending, for odd and even n', () => {
    for (const [pre, n] of [[0, 0], [0, 1], [0, 2], [0, 7], [1, 6], [1, 7], [3, 1], [1, 1], [0, 1000], [1, 999]] as const) {
      const a = new Rng(11);
      const b = new Rng(11);
      for (let k = 0; k < pre; k++) expect(a.normal()).toBe(b.normal());
      const plain = Float32Array.from({ length: n }, () => 0.5 * a.normal());
      const fast = b.gaussian(n, 0.5);
      const differ = [...plain].findIndex((x, i) => !Object.is(x, fast[i]));
      expect(differ, `pre ${pre}, n ${n}`).toBe(-1);
      // and both streams go on alike (the spare and the generator's state)
      expect(b.normal(), `pre ${pre}, n ${n}: next draw`).toBe(a.normal());
      expect(b.uniform()).toBe(a.uniform());
    }
  });

  it('sketchGram equals the running sums entry by entry (left and right sketches, r with and without a remainder of 4)', () => {
    const plainGram = (d: Float32Array, len: number, r: number, is: number, as: number) => {
      const g = new Float64Array(r * r);
      for (let i = 0; i < len; i++)
        for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) g[a * r + b]! += d[i * is + a * as]! * d[i * is + b * as]!;
      return g;
    };
    let nonzeroOff = 0;
    for (const [len, r] of [[37, 1], [37, 4], [50, 6], [64, 16], [9, 9]] as const) {
      const d = new Rng(len * r).gaussian(len * r, 1);
      for (const [side, is, as] of [['left', r, 1], ['right', 1, len]] as const) {
        const want = plainGram(d, len, r, is, as);
        const got = sketchGram(d, len, r, side);
        expect([...got].findIndex((x, i) => !Object.is(x, want[i])), `${side} len ${len} r ${r}`).toBe(-1);
        nonzeroOff += [...got].filter((x, i) => i % (r + 1) !== 0 && x !== 0).length;
      }
    }
    expect(nonzeroOff).toBeGreaterThan(100); // off-diagonal entries are really summed, not left at 0
  });
});
