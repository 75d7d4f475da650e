/**
 * RAC-LoRA's Gaussian sketches, drawn on the host (methods.ts turns them into tensors): the
 * entries from the run's one seeded stream (rng.ts), the r x r Gram matrix in float64 and its
 * Moore-Penrose inverse, as theory/rac.ts sketchProjection takes it.
 *
 * At LLM-layer sizes this host work is what a RAC-LoRA step on a GPU waits for (65,536 normals,
 * the Gram matrix and its pseudo-inverse, about 3 ms a step at 4096 x 4096, r = 16, while the
 * step's GPU work is well under 1 ms). SketchAhead draws the coming sketches on worker threads:
 * the main thread only advances the stream past each one (Rng.skipGaussian, no logarithms or
 * sines) and hands its start state to a worker, which draws exactly the numbers the main thread
 * would have drawn. So the run is the same, number for number, with or without workers; a sketch
 * whose worker is not ready yet (starting, or failed) is drawn on the main thread from the same
 * state.
 */
import { availableParallelism } from 'node:os';
import { Worker, type MessagePort } from 'node:worker_threads';
import { float64 } from '../numeric/float64.ts';
import { pinv } from '../numeric/linalg.ts';
import { Rng, type RngState } from './rng.ts';
import type { Sketch } from './train-common.ts';

/** One sketch: S (rows x cols, row-major float32) and Gp = (S^T S)^+ or (S S^T)^+ (r x r, float64). */
export interface SketchData {
  data: Float32Array;
  rows: number;
  cols: number;
  r: number;
  Gp: Float64Array;
}

/** What a sketch of a matrix W (m x n) at rank r is: left, S is m x r; right, r x n. */
export interface SketchShape {
  side: Sketch;
  m: number;
  n: number;
  r: number;
}

/**
 * The r x r Gram matrix of a sketch in float64 (S^T S for a left sketch, m x r; S S^T for a
 * right one, r x n; `len` is m or n): entry (a, b) sums the products over the long index in
 * ascending order, one running sum per entry (the columns of a left sketch are first copied out
 * contiguously, which changes no sum).
 */
export function sketchGram(data: Float32Array, len: number, r: number, side: Sketch): Float64Array {
  let cols = data;
  if (side === 'left') {
    // S[i, a] at i * r + a: column a to a contiguous run
    cols = new Float32Array(len * r);
    for (let i = 0; i < len; i++) for (let a = 0; a < r; a++) cols[a * len + i] = data[i * r + a]!;
  }
  const gram = new Float64Array(r * r);
  const put = (a: number, b: number, s: number) => {
    gram[a * r + b] = s;
    gram[b * r + a] = s;
  };
  for (let a = 0; a < r; a++) {
    const oa = a * len;
    let b = a;
    // four entries of row a at once (one load of column a for four products)
    for (; b + 3 < r; b += 4) {
      const o0 = b * len;
      const o1 = o0 + len;
      const o2 = o1 + len;
      const o3 = o2 + len;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < len; i++) {
        const x = cols[oa + i]!;
        s0 += x * cols[o0 + i]!;
        s1 += x * cols[o1 + i]!;
        s2 += x * cols[o2 + i]!;
        s3 += x * cols[o3 + i]!;
      }
      put(a, b, s0);
      put(a, b + 1, s1);
      put(a, b + 2, s2);
      put(a, b + 3, s3);
    }
    for (; b < r; b++) {
      const ob = b * len;
      let s = 0;
      for (let i = 0; i < len; i++) s += cols[oa + i]! * cols[ob + i]!;
      put(a, b, s);
    }
  }
  return gram;
}

const entries = (sh: SketchShape): number => (sh.side === 'left' ? sh.m : sh.n) * sh.r;

/** Draws one sketch from rng (entries N(0, 1) in stream order) with the pseudo-inverse of its Gram matrix. */
export function drawSketchData(rng: Rng, sh: SketchShape): SketchData {
  const rows = sh.side === 'left' ? sh.m : sh.r;
  const cols = sh.side === 'left' ? sh.r : sh.n;
  const data = rng.gaussian(rows * cols, 1);
  // The Gram matrix in float64 in typed loops (the generic matrix code took ~25 ms a step at
  // m = 4096, r = 16, on the host, which every GPU step then waited for).
  const gram = sketchGram(data, sh.side === 'left' ? sh.m : sh.n, sh.r, sh.side);
  const Gp = pinv(float64, { rows: sh.r, cols: sh.r, data: Array.from(gram) });
  return { data, rows, cols, r: sh.r, Gp: Float64Array.from(Gp.data) };
}

/**
 * How many worker threads draw a run's sketches ahead: $LORACHECK_SKETCH_WORKERS when set (0: none,
 * all on the main thread; k: k workers whatever the size or backend), else, when the steps run on a
 * device (webgpu, tfjs-node-gpu: the main thread waits for the device while the threads draw), up
 * to 4 (one core left to the main thread) when the run draws at least 16 sketches of at least
 * 16,384 entries (below that, starting a thread costs more than it saves). On the CPU backends the
 * main thread computes the step itself and a thread only competes with it for the cores (measured
 * on wasm at 1024 x 1024 here: no faster), so none is started there.
 */
export function sketchAheadWorkers(sh: SketchShape, draws: number, onDevice: boolean, env = process.env.LORACHECK_SKETCH_WORKERS, cores = availableParallelism()): number {
  if (env !== undefined && env !== '') {
    const k = Number(env);
    if (Number.isInteger(k) && k >= 0) return Math.min(k, 16);
  }
  return onDevice && entries(sh) >= 16_384 && draws >= 16 ? Math.max(0, Math.min(4, cores - 1)) : 0;
}

interface Job {
  state: RngState;
  shape: SketchShape;
  /** Resolves to the worker's sketch; rejects if the worker failed (then it is drawn here). */
  result?: Promise<SketchData>;
  worker?: Worker;
}

type Reply = { id: number; data: Float32Array; Gp: Float64Array; rows: number; cols: number; r: number } | { id: number; error: string };

/**
 * The next `total` sketches of a run, in the order the run draws them (shape k of `shapes` for the
 * k-th matrix of each chain link, cyclically), drawn ahead on `workers` threads. `rng` is advanced
 * past each sketch as it is handed out (at most a few ahead of the run), so that it ends where
 * drawing them one by one would leave it.
 */
export class SketchAhead {
  private readonly jobs: Job[] = [];
  private issued = 0;
  private taken = 0;
  private readonly ready: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (d: SketchData) => void; reject: (e: Error) => void }>();
  private next = 0;
  private closed = false;
  /** Sketches that came from a worker (the rest were drawn on the main thread). */
  fromWorkers = 0;
  /** Sketches handed out so far. */
  get drawn(): number {
    return this.taken;
  }
  private firstReady!: () => void;
  /** Resolves when the first worker has started (never, if none does). */
  readonly whenReady = new Promise<void>((res) => (this.firstReady = res));

  constructor(
    private readonly rng: Rng,
    private readonly shapes: readonly SketchShape[],
    private readonly total: number,
    workers: number,
    private readonly depth = 2 * workers + 1,
  ) {
    const module = new URL('./sketch-draw.ts', import.meta.url).href;
    for (let w = 0; w < workers; w++) {
      const worker = new Worker(new URL('./sketch-boot.mjs', import.meta.url), { workerData: { module } });
      worker.unref();
      this.all.push(worker);
      worker.on('message', (msg: 'ready' | Reply) => {
        if (msg === 'ready') {
          this.ready.push(worker);
          this.firstReady();
          this.sendUnsent(worker);
          return;
        }
        const p = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        if (!p) return;
        if ('error' in msg) p.reject(new Error(msg.error));
        else p.resolve({ data: msg.data, Gp: msg.Gp, rows: msg.rows, cols: msg.cols, r: msg.r });
      });
      worker.on('error', () => this.fail(worker));
      worker.on('exit', () => this.fail(worker));
    }
    this.issue();
  }

  /** The next sketch of the run. */
  async take(): Promise<SketchData> {
    if (this.taken >= this.total) throw new RangeError(`SketchAhead: all ${this.total} sketches of the run were taken`);
    const j = this.taken++;
    const job = this.jobs[j]!;
    delete this.jobs[j];
    this.issue();
    if (job.result) {
      try {
        const d = await job.result;
        this.fromWorkers++;
        return d;
      } catch {
        // the worker failed: drawn here from the same state
      }
    }
    return drawSketchData(Rng.fromState(job.state), job.shape);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.waiting.values()) p.reject(new Error('SketchAhead closed'));
    this.waiting.clear();
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  /** Advances the stream past the sketches up to `depth` ahead of the run, and sends each to a ready worker. */
  private issue(): void {
    while (this.issued < this.total && this.issued - this.taken < this.depth) {
      const shape = this.shapes[this.issued % this.shapes.length]!;
      const job: Job = { state: this.rng.state(), shape };
      this.rng.skipGaussian(entries(shape));
      this.jobs[this.issued] = job;
      if (this.ready.length) this.send(this.issued, job, this.ready[this.next++ % this.ready.length]!);
      this.issued++;
    }
  }

  private sendUnsent(worker: Worker): void {
    for (let j = this.taken; j < this.issued; j++) {
      const job = this.jobs[j];
      if (job && !job.result) this.send(j, job, worker);
    }
  }

  private send(id: number, job: Job, worker: Worker): void {
    if (this.closed) return;
    job.worker = worker;
    job.result = new Promise<SketchData>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    job.result.catch(() => undefined);
    worker.postMessage({ id, state: job.state, shape: job.shape });
  }

  /** A worker that errs or exits takes no more sketches; what it owed is drawn on the main thread. */
  private fail(worker: Worker): void {
    const i = this.ready.indexOf(worker);
    if (i >= 0) this.ready.splice(i, 1);
    if (this.closed) return;
    // the sketches sent to it: their promises reject, take() draws them here
    for (let j = this.taken; j < this.issued; j++) {
      if (this.jobs[j]?.worker !== worker) continue;
      this.waiting.get(j)?.reject(new Error('sketch worker stopped'));
      this.waiting.delete(j);
    }
  }
}

/** The worker side (sketch-boot.mjs): draws each sketch it is sent from the state it is sent. */
export function serveSketches(port: MessagePort): void {
  port.on('message', (msg: { id: number; state: RngState; shape: SketchShape }) => {
    try {
      const d = drawSketchData(Rng.fromState(msg.state), msg.shape);
      port.postMessage({ id: msg.id, ...d }, [d.data.buffer as ArrayBuffer, d.Gp.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
  port.postMessage('ready');
}
