/**
 * A small pool of worker threads running TypeScript job handlers.
 *
 * Each worker loads one handler module (a file exporting `handle(job, ctx)`, see
 * worker-harness.ts) and then serves jobs one at a time, so that a command which runs many
 * searches (ablate) pays the start-up once. Messages a handler posts while it runs
 * (progress, candidates) reach `onMessage` at once; the handler's return value resolves
 * the job's promise. A stop request is a shared flag the handler polls between cases:
 * cooperative, so that the last progress and every candidate found still come back.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

export interface PoolOptions {
  /** Number of worker threads (default: all cores). */
  workers?: number;
  /** URL of the handler module (TypeScript). */
  handler: URL | string;
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

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

const BOOT = new URL('./boot.mjs', import.meta.url);
const HARNESS = new URL('./worker-harness.ts', import.meta.url).href;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  onMessage?: (msg: unknown) => void;
}

export class WorkerPool {
  readonly size: number;
  /** stop[0] >= job id means: that job (and every earlier one) should stop. */
  private readonly stop = new Int32Array(new SharedArrayBuffer(4));
  private readonly workers: Worker[] = [];
  private readonly ready: Promise<void>[] = [];
  private readonly pending = new Map<number, Pending>();
  /** The job each worker runs now (for failures of the thread itself). */
  private readonly current: (number | undefined)[] = [];
  private nextId = 1;
  private closed = false;

  constructor(opts: PoolOptions) {
    const n = opts.workers ?? defaultWorkers();
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`WorkerPool: workers must be an integer >= 1, got ${n}`);
    this.size = n;
    const handler = typeof opts.handler === 'string' ? opts.handler : opts.handler.href;
    for (let w = 0; w < n; w++) {
      const worker = new Worker(BOOT, {
        workerData: { entry: HARNESS, handler, index: w, workers: n, stop: this.stop },
      });
      this.workers.push(worker);
      this.current.push(undefined);
      this.ready.push(
        new Promise<void>((resolve, reject) => {
          const onMsg = (m: WorkerMessage) => {
            if (m.type === 'ready') {
              worker.off('message', onMsg);
              resolve();
            }
          };
          worker.on('message', onMsg);
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`worker ${w} exited with code ${code} before it was ready`)));
        }),
      );
      worker.on('message', (m: WorkerMessage) => this.receive(w, m));
      worker.on('error', (e) => this.threadFailed(w, e instanceof Error ? e : new Error(String(e))));
      worker.on('exit', (code) => {
        if (!this.closed) this.threadFailed(w, new Error(`worker ${w} exited with code ${code}`));
      });
    }
  }

  /** Resolves once every worker has loaded its handler (rejects if one fails to start). */
  async started(): Promise<void> {
    await Promise.all(this.ready);
  }

  /**
   * Runs one job on worker w. `onMessage` receives what the handler posts while it runs.
   * Returns the job id (for `stopJob`) and the handler's result.
   */
  submit<R>(w: number, job: unknown, onMessage?: (msg: unknown) => void): { id: number; result: Promise<R> } {
    if (this.closed) throw new Error('WorkerPool: closed');
    if (!(w >= 0 && w < this.size)) throw new RangeError(`WorkerPool.submit: no worker ${w}`);
    const id = this.nextId++;
    const result = new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onMessage });
    });
    this.current[w] = id;
    this.ready[w]!.then(
      () => this.workers[w]!.postMessage({ type: 'job', id, job } satisfies JobMessage),
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
    if (this.closed) return;
    this.closed = true;
    this.stopAll();
    for (const [id] of this.pending) this.settle(id, undefined, new Error('WorkerPool: closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private receive(w: number, m: WorkerMessage): void {
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'post') p.onMessage?.(m.msg);
    else if (m.type === 'done') {
      if (this.current[w] === m.id) this.current[w] = undefined;
      this.settle(m.id, m.result);
    } else if (m.type === 'fail') {
      if (this.current[w] === m.id) this.current[w] = undefined;
      this.settle(m.id, undefined, new Error(m.error));
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
