/**
 * Bench suite `rac-sketch`: the host work of RAC-LoRA's per-step Gaussian sketch (65,536 normals,
 * the Gram matrix in float64 and its pseudo-inverse at 4096 x 4096, r = 16), which a rac step on a
 * GPU waits for. A run of STEPS sketches, each followed by a stand-in for the device step (the
 * main thread idle for DEVICE_MS, as while the GPU runs a step it was handed), drawn on the main
 * thread (the peer: how methods.ts drew every sketch before SketchAhead) and ahead on k worker
 * threads (gpu-runs/sketch-draw.ts). Reported: ms a step and the ratio to the main-thread draw,
 * and that the sketches were the same, number for number. What a GPU gains depends on its host's
 * cores and the step's own time; this measures the host side only. --quick: 1024 x 1024.
 */
import { availableParallelism } from 'node:os';
import { Rng } from '../gpu-runs/rng.ts';
import { drawSketchData, SketchAhead, type SketchData, type SketchShape } from '../gpu-runs/sketch-draw.ts';
import { sig, type BenchOptions, type BenchSuite, type BenchTable } from './types.ts';

const DEVICE_MS = 1;
const idle = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

/** A checksum of every sketch of a run (data and pseudo-inverse), to show two ways drew the same. */
function fold(sum: number, d: SketchData): number {
  let s = sum;
  for (let i = 0; i < d.data.length; i += 97) s = (s * 31 + d.data[i]!) % 1e9;
  for (const g of d.Gp) s = (s * 31 + g) % 1e9;
  return s;
}

async function timeRun(shape: SketchShape, steps: number, workers: number): Promise<{ msPerStep: number; sum: number; fromWorkers: number }> {
  const rng = new Rng(1);
  const ahead = workers > 0 ? new SketchAhead(rng, [shape], steps, workers) : undefined;
  try {
    if (ahead) await ahead.whenReady;
    let sum = 0;
    const t0 = performance.now();
    for (let t = 0; t < steps; t++) {
      sum = fold(sum, ahead ? await ahead.take() : drawSketchData(rng, shape));
      await idle(DEVICE_MS);
    }
    return { msPerStep: (performance.now() - t0) / steps, sum, fromWorkers: ahead?.fromWorkers ?? 0 };
  } finally {
    await ahead?.close();
  }
}

export const suite: BenchSuite = {
  name: 'rac-sketch',
  async run(opts: BenchOptions): Promise<BenchTable[]> {
    const m = opts.quick ? 1024 : 4096;
    const shape: SketchShape = { side: 'left', m, n: m, r: 16 };
    const steps = opts.quick ? 60 : 200;
    const cores = availableParallelism();
    const counts = [...new Set([1, 2, 4].map((k) => Math.min(k, Math.max(1, cores - 1))))];
    opts.log(`rac-sketch: ${m} x ${m}, r = 16, ${steps} steps, a ${DEVICE_MS} ms idle device step after each; ${cores} cores`);
    const base = await timeRun(shape, steps, 0);
    opts.log(`  main thread: ${base.msPerStep.toFixed(2)} ms a step`);
    const rows: (string | number)[][] = [['main thread (peer)', sig(base.msPerStep), 1, 0, 'yes']];
    for (const k of counts) {
      const r = await timeRun(shape, steps, k);
      opts.log(`  ${k} worker(s): ${r.msPerStep.toFixed(2)} ms a step (${r.fromWorkers} of ${steps} from the workers)`);
      rows.push([`SketchAhead, ${k} worker thread${k > 1 ? 's' : ''}`, sig(r.msPerStep), sig(base.msPerStep / r.msPerStep), r.fromWorkers, r.sum === base.sum ? 'yes' : 'NO']);
    }
    return [
      {
        title: `RAC-LoRA sketch host work, ${m} x ${m}, r = 16 (left sketch), a ${DEVICE_MS} ms device step stood in`,
        columns: ['how the sketches are drawn', 'ms a step', 'x main thread', 'sketches from workers', 'same sketches'],
        rows,
        notes: [
          `each step: take the next sketch (${(16 * m).toLocaleString('en-US')} N(0, 1) entries, its float64 Gram matrix and pseudo-inverse), then ${DEVICE_MS} ms with the main thread idle, standing in for the GPU step (full fine-tuning's whole step at 4096 x 4096 took 0.68 ms on an NVIDIA H200, 2026-11-26, 1466 steps/s; a RAC-LoRA step adds three thin matMuls)`,
          `${cores} cores here, shared with whatever else runs; the workers count is capped at cores - 1`,
          'same sketches: a checksum of every sketch and pseudo-inverse equals the main-thread run',
          'x main thread: the main-thread run\'s ms a step over this row\'s, in this run (above 1: faster than drawing on the main thread)',
        ],
      },
    ];
  },
};
