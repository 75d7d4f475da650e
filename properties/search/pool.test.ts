import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from './pool.ts';

const TOY = new URL('./fixtures/toy-handler.ts', import.meta.url);

describe('WorkerPool (worker threads running TypeScript)', () => {
  const pool = new WorkerPool({ workers: 2, handler: TOY });
  afterAll(() => pool.close());

  it('runs a job on each worker and returns its result', async () => {
    const out = await pool.all<{ worker: number; workers: number; value: unknown }>((w) => ({ kind: 'echo', value: `hi ${w}` }));
    expect(out).toEqual([
      { worker: 0, workers: 2, value: 'hi 0' },
      { worker: 1, workers: 2, value: 'hi 1' },
    ]);
  });

  it('delivers what a job posts while it runs, in order', async () => {
    const got: unknown[] = [];
    const r = await pool.submit(1, { kind: 'post', n: 5 }, (m) => got.push(m)).result;
    expect(r).toBe('posted');
    expect(got).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
  });

  it('stops a running job through the shared flag', async () => {
    const job = pool.submit<{ stopped: boolean }>(0, { kind: 'spin-until-stopped' });
    setTimeout(() => pool.stopAll(), 200);
    expect((await job.result).stopped).toBe(true);
  });

  it('replaces a thread stuck in an endless case, and the new one serves jobs', async () => {
    const stuck = pool.submit(0, { kind: 'spin-forever' });
    const failed = stuck.result.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    await new Promise((r) => setTimeout(r, 200));
    await pool.replace(0, 'stuck on purpose');
    expect(await failed).toBe('stuck on purpose');
    const r = await pool.submit<{ value: unknown }>(0, { kind: 'echo', value: 42 }).result;
    expect(r.value).toBe(42);
  });

  it('reports a handler error as a one-line message', async () => {
    await expect(pool.submit(0, { kind: 'nope' }).result).rejects.toThrow(/^TypeError: unknown toy job \{"kind":"nope"\}$/);
  });
});

describe('worker start-up paths', () => {
  it('starts workers through tsx when no bundle is used (LORACHECK_WORKER_BUNDLE=0)', async () => {
    const p = new WorkerPool({ workers: 1, handler: TOY, bundle: false });
    try {
      expect((await p.entry).bundled).toBe(false);
      const r = await p.submit<{ value: unknown }>(0, { kind: 'echo', value: 'tsx' }).result;
      expect(r.value).toBe('tsx');
    } finally {
      await p.close();
    }
  });

  it('rejects a pool of zero workers', () => {
    expect(() => new WorkerPool({ workers: 0, handler: TOY })).toThrow(/workers must be an integer >= 1/);
  });
});
