/**
 * RAC-LoRA's sketches drawn ahead on worker threads (sketch-draw.ts SketchAhead) are the sketches
 * the main thread would draw, number for number: Rng.skipGaussian(n) leaves the stream where
 * gaussian(n) does (odd counts, a pending Box-Muller spare), every sketch and its pseudo-inverse
 * come out bit for bit as drawn one by one, also when the workers stop mid-run, and a rac run's
 * trace is the same with and without workers.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend, type Backend } from './backend.ts';
import { Rng } from './rng.ts';
import { parseRule } from './rules.ts';
import { drawSketchData, SketchAhead, sketchAheadWorkers, type SketchShape } from './sketch-draw.ts';
import { MemorySink } from './trace.ts';
import { train } from './trainer.ts';
import { createWorkload } from './workloads/index.ts';

describe('Rng.skipGaussian', () => {
  it('advances the stream exactly as gaussian(n) does (odd n, a pending spare)', () => {
    let withSpare = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 6 }), (seed, ns) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        for (const n of ns) {
          if (a.state().spare !== undefined && n > 0) withSpare++;
          a.gaussian(n, 1);
          b.skipGaussian(n);
          expect(b.state()).toEqual(a.state());
        }
        // and the streams go on alike
        expect(Array.from(b.gaussian(3, 1))).toEqual(Array.from(a.gaussian(3, 1)));
      }),
      { numRuns: 300, seed: 11 },
    );
    // a skip that starts on a pending spare (after an odd count) is the case that needs care
    expect(withSpare).toBeGreaterThan(100);
  });

  it('fromState continues a stream', () => {
    const a = new Rng(5);
    a.gaussian(7, 1);
    const b = Rng.fromState(a.state());
    expect(Array.from(b.gaussian(5, 2))).toEqual(Array.from(a.gaussian(5, 2)));
    expect(b.nextU32()).toBe(a.nextU32());
  });
});

describe('SketchAhead', () => {
  // two matrices of a link, a left and a right sketch, with odd entry counts
  const shapes: SketchShape[] = [
    { side: 'left', m: 37, n: 20, r: 3 },
    { side: 'right', m: 12, n: 45, r: 5 },
  ];
  const oneByOne = (seed: number, total: number) => {
    const rng = new Rng(seed);
    rng.gaussian(3, 1); // a pending spare when the sketches start
    const out = Array.from({ length: total }, (_, j) => drawSketchData(rng, shapes[j % 2]!));
    return { out, state: rng.state() };
  };
  /** The same stream (and spare) handed to SketchAhead with 2 threads, once one has started. */
  const aheadOf = async (seed: number, total: number) => {
    const rng = new Rng(seed);
    rng.gaussian(3, 1);
    const ahead = new SketchAhead(rng, shapes, total, 2);
    await ahead.whenReady;
    return { rng, ahead };
  };

  it('gives the sketches in order, bit for bit as drawn one by one, from workers', async () => {
    const total = 9;
    const want = oneByOne(3, total);
    const { rng, ahead } = await aheadOf(3, total);
    try {
      for (let j = 0; j < total; j++) {
        const got = await ahead.take();
        expect(Array.from(got.data)).toEqual(Array.from(want.out[j]!.data));
        expect(Array.from(got.Gp)).toEqual(Array.from(want.out[j]!.Gp));
        expect([got.rows, got.cols, got.r]).toEqual([want.out[j]!.rows, want.out[j]!.cols, want.out[j]!.r]);
      }
      await expect(ahead.take()).rejects.toThrow(/all 9 sketches/);
      expect(ahead.fromWorkers).toBeGreaterThan(0);
      expect(rng.state()).toEqual(want.state);
    } finally {
      await ahead.close();
    }
  });

  it('draws on the main thread what stopped workers owed, and stays in order', async () => {
    const total = 8;
    const want = oneByOne(4, total);
    const { rng, ahead } = await aheadOf(4, total);
    try {
      const first = await ahead.take();
      expect(Array.from(first.data)).toEqual(Array.from(want.out[0]!.data));
      for (const w of (ahead as unknown as { all: { terminate(): Promise<number> }[] }).all) await w.terminate();
      for (let j = 1; j < total; j++) expect(Array.from((await ahead.take()).Gp)).toEqual(Array.from(want.out[j]!.Gp));
      expect(rng.state()).toEqual(want.state);
    } finally {
      await ahead.close();
    }
  });

  it('how many workers: the env first, else only on a device and for runs with enough sketch work', () => {
    const big: SketchShape = { side: 'left', m: 4096, n: 4096, r: 16 };
    expect(sketchAheadWorkers(big, 300, true, undefined, 16)).toBe(4);
    expect(sketchAheadWorkers(big, 300, true, undefined, 2)).toBe(1);
    expect(sketchAheadWorkers(big, 300, true, undefined, 1)).toBe(0);
    expect(sketchAheadWorkers(big, 300, false, undefined, 16)).toBe(0);
    expect(sketchAheadWorkers(big, 8, true, undefined, 16)).toBe(0);
    expect(sketchAheadWorkers({ side: 'left', m: 64, n: 64, r: 16 }, 300, true, undefined, 16)).toBe(0);
    expect(sketchAheadWorkers(big, 300, true, '0', 16)).toBe(0);
    expect(sketchAheadWorkers({ side: 'left', m: 8, n: 8, r: 2 }, 3, false, '2', 16)).toBe(2);
  });
});

describe('a rac run with its sketches drawn ahead', () => {
  let wasm: Backend;
  beforeAll(async () => {
    wasm = await chooseBackend('wasm');
  });
  const saved = process.env.LORACHECK_SKETCH_WORKERS;
  afterAll(() => {
    if (saved === undefined) delete process.env.LORACHECK_SKETCH_WORKERS;
    else process.env.LORACHECK_SKETCH_WORKERS = saved;
  });

  it('writes the same trace as drawing them on the main thread (left and right sketches)', async () => {
    const STEPS = 60;
    const traceWith = async (workers: string, sketch: 'left' | 'right') => {
      process.env.LORACHECK_SKETCH_WORKERS = workers;
      const rng = new Rng(9);
      const w = createWorkload(wasm.tf, 'quadratic', { m: 24, n: 16 }, 3, rng);
      const sink = new MemorySink();
      let res;
      try {
        res = await train(wasm, w, rng, { init: 'paper', seed: 9, rank: 3, method: 'rac', sketch, steps: STEPS, rule: parseRule('1/L') }, sink);
      } finally {
        w.dispose();
      }
      if (workers !== '0') {
        // every sketch of the run went through SketchAhead, and most came from the threads
        expect(res.sketchesAhead).toMatchObject({ workers: 2, drawn: STEPS });
        expect(res.sketchesAhead!.fromWorkers).toBeGreaterThan(STEPS / 2);
      } else expect(res.sketchesAhead).toBeUndefined();
      // the step records, without their clock
      return sink
        .text()
        .split('\n')
        .filter((l) => l.includes('"type":"step"'))
        .map((l) => JSON.stringify({ ...JSON.parse(l), time_ms: 0 }));
    };
    for (const sketch of ['left', 'right'] as const) {
      const main = await traceWith('0', sketch);
      const ahead = await traceWith('2', sketch);
      expect(main.length).toBe(STEPS + 1);
      expect(ahead).toEqual(main);
    }
  });
});
