/**
 * Inside a worker thread: serves the jobs of one handler, one at a time. A handler module
 * exports
 *
 *   handle(job, ctx: HandlerContext): unknown | Promise<unknown>
 *
 * The thread's entry (a prebuilt bundle, or boot.mjs under tsx; see bundle.ts) calls
 * serve(handle). Errors become `fail` messages with a one-line text, never an uncaught
 * exception that would kill the thread.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { JobMessage, WorkerMessage } from './pool.ts';

export interface HandlerContext {
  /** Index of this worker in the pool and the pool size. */
  worker: number;
  workers: number;
  /** Sends a message to the job's onMessage on the main thread (delivered while the job runs). */
  post(msg: unknown): void;
  /** True once the main thread asked this job to stop (poll it between cases). */
  shouldStop(): boolean;
}

export type Handler = (job: any, ctx: HandlerContext) => unknown;

interface PoolData {
  index: number;
  workers: number;
  stop: Int32Array;
}

export function serve(handle: Handler): void {
  if (typeof handle !== 'function') throw new Error('worker handler module exports no handle()');
  const port = parentPort;
  if (!port) throw new Error('serve() runs inside a worker thread only');
  const data = workerData as PoolData;
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (m: JobMessage) => {
    if (m?.type !== 'job') return;
    queue = queue.then(() => serveOne(port, data, handle, m));
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}

async function serveOne(port: MessagePort, data: PoolData, handle: Handler, m: JobMessage): Promise<void> {
  const ctx: HandlerContext = {
    worker: data.index,
    workers: data.workers,
    post: (msg) => port.postMessage({ type: 'post', id: m.id, msg } satisfies WorkerMessage),
    shouldStop: () => Atomics.load(data.stop, 0) >= m.id,
  };
  try {
    const result = await handle(m.job, ctx);
    port.postMessage({ type: 'done', id: m.id, result } satisfies WorkerMessage);
  } catch (e) {
    const text = e instanceof Error ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}` : String(e);
    port.postMessage({ type: 'fail', id: m.id, error: text.split('\n')[0]! } satisfies WorkerMessage);
  }
}
