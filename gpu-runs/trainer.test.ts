/**
 * The trainer on the WebAssembly backend at tiny sizes: every workload and rule writes a valid
 * trace, full-batch theory traces verify, a large constant step diverges, and the hand-written
 * gradients agree with tfjs autodiff and with the paper's (7) and Sec. 3.2 stacking.
 * Fashion-MNIST cases skip (with a message) when the Debian package is not installed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float64 } from '../numeric/float64.ts';
import { matrix, normSq, stackV } from '../numeric/matrix.ts';
import { gradJ } from '../theory/lora.ts';
import { chooseBackend, type Backend } from './backend.ts';
import { fmnistAvailable } from './data/fmnist.ts';
import { Rng } from './rng.ts';
import { parseRule } from './rules.ts';
import { parseTrace } from './trace-reader.ts';
import { MemorySink, TraceFileWriter, type StepRecord } from './trace.ts';
import { adapterGrads, loraWeights, roundDownF32, train, type TrainConfig } from './trainer.ts';
import { verifyTrace } from './verify.ts';
import { createWorkload, type WorkloadName, type WorkloadOptions } from './workloads/index.ts';

const FMNIST = fmnistAvailable();
if (!FMNIST)
  console.warn('gpu-runs/trainer.test.ts: Fashion-MNIST not installed (apt-get install dataset-fashion-mnist): fmnist-* cases skipped');

let backend: Backend;
beforeAll(async () => {
  backend = await chooseBackend('wasm');
});

interface Case {
  name: WorkloadName;
  opts: WorkloadOptions;
  rank: number;
  fmnist?: boolean;
}
const CASES: Case[] = [
  { name: 'penguins-logreg', opts: {}, rank: 2 },
  { name: 'quadratic', opts: { m: 12, n: 10 }, rank: 3 },
  { name: 'mlp', opts: { hidden: 6 }, rank: 2 },
  { name: 'fmnist-logreg', opts: { samples: 300 }, rank: 4, fmnist: true },
  { name: 'fmnist-2head', opts: { samples: 300 }, rank: 4, fmnist: true },
];
const RULES = ['theory', 'adapt', 'adapt2', 'norm', 'const:0.05'];

async function run(c: Case, cfg: Omit<Partial<TrainConfig>, 'rule'> & { steps: number; rule: string }, seed = 11) {
  const rng = new Rng(seed);
  const w = createWorkload(backend.tf, c.name, c.opts, c.rank, rng);
  const sink = new MemorySink();
  try {
    const res = await train(backend, w, rng, { init: 'paper', seed, rank: c.rank, ...cfg, rule: parseRule(cfg.rule) }, sink);
    return { res, text: sink.text(), trace: parseTrace(sink.text(), `${c.name}-${cfg.rule}.jsonl`) };
  } finally {
    w.dispose();
  }
}

describe('every workload and rule writes a valid trace', () => {
  for (const c of CASES)
    it.skipIf(c.fmnist && !FMNIST)(`${c.name}: ${RULES.join(', ')}, and a mini-batch run`, async () => {
      for (const rule of RULES) {
        const { trace, res } = await run(c, { steps: 4, rule });
        expect(trace.steps.map((s) => s.t)).toEqual([0, 1, 2, 3, 4]);
        expect(trace.summary).toMatchObject({ steps: 4, diverged: false });
        expect(trace.header).toMatchObject({ workload: c.name, rule, r: c.rank, dtype: 'float32', scalarDtype: 'float64', backend: 'wasm' });
        expect(res.header.L).toBeGreaterThanOrEqual(1);
        // the rule moved V: ||V||^2 changed
        expect(trace.steps[4]!.Vsq).not.toBe(trace.steps[0]!.Vsq);
      }
      if (c.name !== 'quadratic') {
        const { trace } = await run(c, { steps: 3, rule: 'adapt2', batch: 32 });
        expect(trace.header.batch).toBe(32);
        expect(trace.steps.every((s) => typeof s.batchJ === 'number')).toBe(true);
      }
      expect(backend.tf.memory().numTensors).toBeLessThan(50); // nothing leaks per step
    });
});

describe('full-batch theory traces verify with no violations', () => {
  const long: [Case, number][] = [
    [CASES[0]!, 150],
    [CASES[1]!, 80],
    [CASES[2]!, 80],
    [CASES[3]!, 20],
    [CASES[4]!, 20],
  ];
  for (const [c, steps] of long)
    it.skipIf(c.fmnist && !FMNIST)(`${c.name}, ${steps} steps`, async () => {
      const { trace } = await run(c, { steps, rule: 'theory' });
      const e = verifyTrace(trace);
      for (const claim of e.claims) {
        // On Fashion-MNIST, L is large and a step of (8) promises a decrease of a few float32 ulps
        // of J: below what a float32 forward pass resolves (README, "Precision"), so L34 is undecided.
        const expected = c.fmnist && claim.id === 'L34' ? 'undecided' : 'verified';
        expect(claim.status, `${claim.id}: ${claim.reason ?? ''}`).toBe(expected);
        expect(claim.violations).toBe(0);
        expect(claim.stepsChecked).toBeGreaterThanOrEqual(steps);
        expect(claim.resolved! + claim.unresolved!).toBe(claim.checked);
      }
      expect(e.claims.every((cl) => cl.estimated === (c.name === 'mlp' ? true : undefined))).toBe(true);
      // J went down (the theory's descent, visible in float32)
      expect(trace.steps[steps]!.J).toBeLessThan(trace.steps[0]!.J);
    });
});

describe('trainer behaviour', () => {
  it('ends a diverging constant step with a divergence record and a summary, on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loracheck-'));
    try {
      const file = join(dir, 'div.jsonl');
      const rng = new Rng(5);
      const w = createWorkload(backend.tf, 'quadratic', { m: 12, n: 10 }, 3, rng);
      const sink = new TraceFileWriter(file);
      const res = await train(backend, w, rng, { steps: 500, rule: parseRule('const:20'), rank: 3, init: 'random', seed: 5 }, sink);
      sink.close();
      w.dispose();
      const tr = parseTrace(readFileSync(file, 'utf8'), file);
      expect(tr.divergence?.reason).toMatch(/is (NaN|Infinity|-Infinity) at step \d+/);
      expect(tr.summary).toMatchObject({ diverged: true });
      expect(tr.summary!.steps).toBeLessThan(500);
      expect(res.divergence!.t).toBe(tr.steps.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops when asked (Ctrl-C) and still writes the summary', async () => {
    const rng = new Rng(2);
    const w = createWorkload(backend.tf, 'penguins-logreg', {}, 2, rng);
    const sink = new MemorySink();
    let seen = 0;
    await train(backend, w, rng, { steps: 1000, rule: parseRule('theory'), rank: 2, init: 'paper', seed: 2 }, sink, {
      onRecord: () => seen++,
      shouldStop: () => seen >= 3,
    });
    w.dispose();
    const tr = parseTrace(sink.text(), 'stop.jsonl');
    expect(tr.steps).toHaveLength(3);
    // the summary counts the updates that led to recorded iterates: steps = the last t
    expect(tr.summary).toMatchObject({ interrupted: true, steps: 2, diverged: false });
    expect(tr.summary!.steps).toBe(tr.steps[tr.steps.length - 1]!.t);
  });

  it('replays: the same seed gives the same trace', async () => {
    const a = await run(CASES[0]!, { steps: 5, rule: 'norm' }, 99);
    const b = await run(CASES[0]!, { steps: 5, rule: 'norm' }, 99);
    const c = await run(CASES[0]!, { steps: 5, rule: 'norm' }, 100);
    const strip = (s: StepRecord) => [s.J, s.Vsq, s.eta];
    expect(a.trace.steps.map(strip)).toEqual(b.trace.steps.map(strip));
    expect(a.trace.steps.map(strip)).not.toEqual(c.trace.steps.map(strip));
  });

  it('records eta rounded down to float32, never above the rule', () => {
    for (const x of [0.1, 1 / 3, 2 ** -30 * 3, 1e-30, 0.5]) {
      const f = roundDownF32(x);
      expect(f).toBeLessThanOrEqual(x);
      expect(Math.fround(f)).toBe(f);
      expect((x - f) / x).toBeLessThan(2 ** -22);
    }
  });
});

describe('hand-written gradients', () => {
  const tol = (a: Float32Array | number[], b: Float32Array | number[]) => {
    let d = 0;
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      d += (a[i]! - b[i]!) ** 2;
      s += b[i]! ** 2;
    }
    return Math.sqrt(d / Math.max(s, 1e-30));
  };

  for (const c of [CASES[0]!, CASES[1]!, CASES[2]!, { ...CASES[4]!, opts: { samples: 40 } }])
    it.skipIf(c.fmnist && !FMNIST)(`${c.name}: G and grad_B, grad_A equal tfjs autodiff`, () => {
      const tf = backend.tf;
      const rng = new Rng(3);
      const w = createWorkload(tf, c.name, c.opts, c.rank, rng);
      const B = w.shapes.map((s) => tf.tensor2d(rng.gaussian(s.m * c.rank, 0.5), [s.m, c.rank]));
      const A = w.shapes.map((s) => tf.tensor2d(rng.gaussian(c.rank * s.n, 0.5), [c.rank, s.n]));
      const lossOf = (W: Tensor2D[]) => {
        const { Jterms, Jscale } = w.loss(W);
        return tf.mul(tf.sum(Jterms), Jscale);
      };
      tf.tidy(() => {
        const W = loraWeights(tf, w.W0, B, A);
        const hand = w.lossGrad(W).G;
        const auto = tf.grads((...Ws: Tensor[]) => lossOf(Ws as Tensor2D[]))(W);
        hand.forEach((Gk, k) => expect(tol(Gk.dataSync() as Float32Array, auto[k]!.dataSync() as Float32Array)).toBeLessThan(1e-4));
        const { gB, gA } = adapterGrads(tf, hand, B, A);
        // autodiff straight through W = W0 + BA (all pairs at once)
        const K = B.length;
        const autoBA = tf.grads((...BA: Tensor[]) => lossOf(loraWeights(tf, w.W0, BA.slice(0, K) as Tensor2D[], BA.slice(K) as Tensor2D[])))([...B, ...A]);
        gB.forEach((g, k) => expect(tol(g.dataSync() as Float32Array, autoBA[k]!.dataSync() as Float32Array)).toBeLessThan(1e-4));
        gA.forEach((g, k) => expect(tol(g.dataSync() as Float32Array, autoBA[K + k]!.dataSync() as Float32Array)).toBeLessThan(1e-4));
      });
      [...B, ...A].forEach((x) => x.dispose());
      w.dispose();
    });

  it('[grad_B; grad_A^T] is (7), 2 Sym(E1^T G E2^T) V, evaluated in float64 by theory/lora.ts', () => {
    const tf = backend.tf;
    const rng = new Rng(4);
    const m = 7;
    const n = 5;
    const r = 2;
    const w = createWorkload(tf, 'quadratic', { m, n }, r, rng);
    const B = tf.tensor2d(rng.gaussian(m * r, 0.7), [m, r]);
    const A = tf.tensor2d(rng.gaussian(r * n, 0.7), [r, n]);
    const [Gt] = tf.tidy(() => w.lossGrad(loraWeights(tf, w.W0, [B], [A])).G.map((g) => tf.keep(g)));
    const { gB, gA } = tf.tidy(() => {
      const g = adapterGrads(tf, [Gt!], [B], [A]);
      return { gB: tf.keep(g.gB[0]!), gA: tf.keep(g.gA[0]!) };
    });
    const toM = (t: Tensor2D) => matrix(t.shape[0], t.shape[1], Array.from(t.dataSync()));
    const V = stackV(toM(B), toM(A)); // [B; A^T]
    const g7 = gradJ(float64, { m, n } as never, V, toM(Gt!));
    const mine = stackV(toM(gB), toM(gA)); // [grad_B; grad_A^T]
    const diff = normSq(float64, matrix(g7.rows, g7.cols, g7.data.map((x, i) => x - mine.data[i]!)));
    expect(Math.sqrt(diff / normSq(float64, g7))).toBeLessThan(1e-5);
    [B, A, Gt!, gB, gA].forEach((x) => x.dispose());
    w.dispose();
  });

  it('two matrices: per-pair LoRA gradients equal GD on L~(BA), B = [B1; B2], A = [A1, A2] (Sec. 3.2, M36)', () => {
    const tf = backend.tf;
    const rng = new Rng(6);
    const r = 2;
    const w = createWorkload(tf, 'mlp', { hidden: 4 }, r, rng);
    const [s1, s2] = w.shapes as [{ m: number; n: number }, { m: number; n: number }];
    const B = w.shapes.map((s) => tf.tensor2d(rng.gaussian(s.m * r, 0.5), [s.m, r]));
    const A = w.shapes.map((s) => tf.tensor2d(rng.gaussian(r * s.n, 0.5), [r, s.n]));
    tf.tidy(() => {
      const perPair = adapterGrads(tf, w.lossGrad(loraWeights(tf, w.W0, B, A)).G, B, A);
      // L~(M) = L(E11(M), E22(M)) on the stacked product M = BA ((m1+m2) x (n1+n2)).
      const Ltilde = (Bs: Tensor2D, As: Tensor2D) => {
        const M = tf.matMul(Bs, As);
        const W1 = tf.add(w.W0[0]!, tf.slice(M, [0, 0], [s1.m, s1.n])) as Tensor2D;
        const W2 = tf.add(w.W0[1]!, tf.slice(M, [s1.m, s1.n], [s2.m, s2.n])) as Tensor2D;
        const { Jterms, Jscale } = w.loss([W1, W2]);
        return tf.mul(tf.sum(Jterms), Jscale);
      };
      const [gBs, gAs] = tf.grads((Bs: Tensor, As: Tensor) => Ltilde(Bs as Tensor2D, As as Tensor2D))([tf.concat(B, 0), tf.concat(A, 1)]);
      const stackedB = tf.concat(perPair.gB, 0);
      const stackedA = tf.concat(perPair.gA, 1);
      const rel = (x: Tensor2D, y: Tensor2D) => Math.sqrt(tf.sum(tf.square(tf.sub(x, y))).dataSync()[0]! / tf.sum(tf.square(y)).dataSync()[0]!);
      expect(rel(stackedB, gBs as Tensor2D)).toBeLessThan(1e-4);
      expect(rel(stackedA, gAs as Tensor2D)).toBeLessThan(1e-4);
    });
    [...B, ...A].forEach((x) => x.dispose());
    w.dispose();
  });
});

afterAll(() => {
  expect(backend.tf.memory().numTensors).toBeLessThan(50);
});
