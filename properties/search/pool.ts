/**
 * A small pool of worker threads running TypeScript job handlers.
 *
 * Each worker serves one handler module (a file exporting `handle(job, ctx)`, see
 * worker-harness.ts) one job at a time, so that a command which runs many searches
 * (ablate) pays the start-up once. Messages a handler posts while it runs (progress,
 * candidates) reach the job's `onMessage` at once; the handler's return value resolves
 * the job's promise. A stop request is a shared flag the handler polls between cases:
 * cooperative, so that the last progress and every candidate found still come back.
 * How the thread gets its code (a cached esbuild bundle, else tsx in the thread) is
 * bundle.ts's business.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { workerEntry, type WorkerEntry } from './bundle.ts';

interface PoolOptions {
  /** Number of worker threads (default: all cores). */
  workers?: number;
  /** URL of the handler module (TypeScript). */
  handler: URL;
  /** Load workers from a prebuilt bundle (default; see bundle.ts) or through tsx. */
  bundle?: boolean;
}

/** What the pool sends to a worker. */
export interface JobMessage {
  type: 'job';
  id: number;
  job: unknown;
}

/** What a worker sends back. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'post'; id: number; msg: unknown }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'fail'; id: number; error: string };

function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** The workers a command asks for, at most the cores: each thread loads the whole engine
 *  (tens of MB) and starts within the budget, so more threads than cores cost memory and time
 *  and find nothing sooner. */
export function capWorkers(requested: number | undefined, cores = defaultWorkers()): { workers: number; capped: boolean } {
  if (requested === undefined) return { workers: cores, capped: false };
  return requested > cores ? { workers: cores, capped: true } : { workers: requested, capped: false };
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  onMessage?: (msg: unknown) => void;
}

export class WorkerPool {
  readonly size: number;
  /** stop[0] >= job id means: that job (and every earlier one) should stop. */
  private readonly stop = new Int32Array(new SharedArrayBuffer(4));
  private readonly workers: (Worker | undefined)[] = [];
  private readonly ready: Promise<Worker>[] = [];
  private readonly pending = new Map<number, Pending>();
  /** The job each worker runs now (for failures of the thread itself). */
  private readonly current: (number | undefined)[] = [];
  private nextId = 1;
  private closedFlag = false;
  /** Resolves to the entry the threads run (bundle or tsx boot). */
  readonly entry: Promise<WorkerEntry>;

  constructor(opts: PoolOptions) {
    const n = opts.workers ?? defaultWorkers();
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`WorkerPool: workers must be an integer >= 1, got ${n}`);
    this.size = n;
    this.entry = workerEntry(opts.handler, opts.bundle === undefined ? {} : { bundle: opts.bundle });
    for (let w = 0; w < n; w++) {
      this.workers.push(undefined);
      this.current.push(undefined);
      this.ready.push(this.entry.then((e) => this.spawn(w, n, e)));
      this.ready[w]!.catch(() => {}); // reported through the jobs that wait on it
    }
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  private spawn(w: number, n: number, e: WorkerEntry): Promise<Worker> {
    if (this.closedFlag) return Promise.reject(new Error('WorkerPool: closed'));
    const worker = new Worker(e.file, { workerData: { ...e.data, index: w, workers: n, stop: this.stop } });
    this.workers[w] = worker;
    return new Promise<Worker>((resolve, reject) => {
      let up = false;
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') {
          up = true;
          resolve(worker);
        } else this.receive(w, m);
      });
      worker.on('error', (err) => {
        const e2 = err instanceof Error ? err : new Error(String(err));
        if (!up) reject(new Error(`worker ${w} failed to start: ${e2.message}`));
        this.threadFailed(w, e2);
      });
      worker.on('exit', (code) => {
        if (!up) reject(new Error(`worker ${w} exited with code ${code} before it was ready`));
        if (!this.closedFlag) this.threadFailed(w, new Error(`worker ${w} exited with code ${code}`));
      });
    });
  }

  /**
   * Terminates worker w (a job stuck in one endless case cannot be interrupted otherwise)
   * and starts a fresh thread in its place. Its current job rejects with `reason`.
   */
  async replace(w: number, reason = `worker ${w} was replaced`): Promise<void> {
    if (this.closedFlag) return;
    const old = this.workers[w];
    const id = this.current[w];
    this.current[w] = undefined;
    if (id !== undefined) this.settle(id, undefined, new Error(reason));
    this.workers[w] = undefined;
    old?.removeAllListeners();
    // the new thread is in place before this returns, so a job submitted next goes to it
    this.ready[w] = this.entry.then((e) => this.spawn(w, this.size, e));
    this.ready[w]!.catch(() => {});
    await old?.terminate();
  }

  /** Resolves once every worker has loaded its handler (rejects if one fails to start). */
  async started(): Promise<void> {
    await Promise.all(this.ready);
  }

  /** Runs one job on worker w; `onMessage` receives what the handler posts while it runs. */
  submit<R>(w: number, job: unknown, onMessage?: (msg: unknown) => void): { id: number; result: Promise<R> } {
    if (this.closedFlag) throw new Error('WorkerPool: closed');
    if (!(w >= 0 && w < this.size)) throw new RangeError(`WorkerPool.submit: no worker ${w}`);
    const id = this.nextId++;
    const result = new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onMessage });
    });
    this.ready[w]!.then(
      (worker) => {
        if (!this.pending.has(id)) return;
        this.current[w] = id;
        worker.postMessage({ type: 'job', id, job } satisfies JobMessage);
      },
      (e: Error) => this.settle(id, undefined, e),
    );
    return { id, result };
  }

  /** Runs one job per worker (jobFor(w)) and waits for all of them. */
  async all<R>(jobFor: (w: number) => unknown, onMessage?: (w: number, msg: unknown) => void): Promise<R[]> {
    const runs = Array.from({ length: this.size }, (_, w) => this.submit<R>(w, jobFor(w), onMessage && ((m) => onMessage(w, m))));
    return Promise.all(runs.map((r) => r.result));
  }

  /** Asks every job submitted so far to stop at its next poll. */
  stopAll(): void {
    const top = this.nextId - 1;
    if (Atomics.load(this.stop, 0) < top) Atomics.store(this.stop, 0, top);
  }

  /** Terminates the threads. Pending jobs reject. */
  async close(): Promise<void> {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.stopAll();
    for (const [id] of this.pending) this.settle(id, undefined, new Error('WorkerPool: closed'));
    await Promise.allSettled(this.ready);
    await Promise.all(this.workers.map((w) => w?.terminate()));
  }

  private receive(w: number, m: WorkerMessage): void {
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'post') p.onMessage?.(m.msg);
    else {
      if (this.current[w] === m.id) this.current[w] = undefined;
      if (m.type === 'done') this.settle(m.id, m.result);
      else this.settle(m.id, undefined, new Error(m.error));
    }
  }

  private threadFailed(w: number, e: Error): void {
    const id = this.current[w];
    if (id !== undefined) this.settle(id, undefined, e);
  }

  private settle(id: number, value: unknown, error?: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (error) p.reject(error);
    else p.resolve(value);
  }
}
