/**
 * train-file.ts: a stop after k steps gives a summary whose step count is the last record's t
 * (the lora trainer and the methods' trainer), and a step still in flight after the grace is
 * dropped: the summary is written from the records in the file, and the process would exit.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend, type Backend } from './backend.ts';
import { Rng } from './rng.ts';
import { parseRule } from './rules.ts';
import { parseTrace } from './trace-reader.ts';
import type { StepRecord } from './trace.ts';
import { GRACE_MS, trainToFile } from './train-file.ts';
import type { TrainConfig, TrainResult, train } from './trainer.ts';
import { createWorkload } from './workloads/index.ts';

let backend: Backend;
const dir = mkdtempSync(join(tmpdir(), 'loracheck-train-file-'));
beforeAll(async () => {
  backend = await chooseBackend('wasm');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = (over: Partial<TrainConfig>): TrainConfig => ({ steps: 1000, rule: parseRule('theory'), rank: 2, init: 'paper', seed: 3, ...over });

describe('trainToFile', () => {
  for (const [method, rule, k] of [['lora', 'theory', 7], ['rac', '1/L', 5], ['full', '1/L', 1]] as const)
    it(`${method}: SIGINT after record t = ${k}: the summary says steps = ${k} = the last record's t, interrupted`, async () => {
      const rng = new Rng(3);
      const w = createWorkload(backend.tf, 'quadratic', { m: 8, n: 6 }, 2, rng);
      const out = join(dir, `${method}.jsonl`);
      let seen = -1;
      const run = await trainToFile(backend, w, rng, cfg({ method, rule: parseRule(rule) }), out, {
        onRecord: (r) => {
          seen = r.t;
          if (r.t === k) process.emit('SIGINT');
        },
        onSignal: () => {},
      });
      w.dispose();
      expect(run.signal).toBe('SIGINT');
      expect(existsSync(`${out}.partial-${process.pid}`)).toBe(false);
      const tr = parseTrace(readFileSync(out, 'utf8'), out);
      expect(tr.truncated).toBe(false);
      expect(tr.steps.at(-1)!.t).toBe(k);
      expect(seen).toBe(k);
      expect(tr.summary).toMatchObject({ steps: k, interrupted: true, diverged: false });
      expect(run.result.summary.steps).toBe(k);
    });

  it(`a step still running ${GRACE_MS} ms (here 50 ms) after the signal is dropped: the summary comes from the records written, and the process exits 143`, async () => {
    const out = join(dir, 'slow.jsonl');
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    // A trainer whose fourth step never returns until released (a device step that takes minutes).
    const slow: typeof train = async (_b, _w, _rng, c, sink) => {
      sink.write({ type: 'header', format: 'loracheck-trace', schema: 1, workload: 'w', m: 1, n: 1, r: 1, L: 1, Lstar: 0, rule: c.rule.text, batch: 'full', dtype: 'float32' } as never);
      const rec = (t: number): StepRecord => ({ type: 'step', t, J: 1 - t / 10, Vsq: 1, Gnorm: 1, gradJsq: 1, eta: 0.1, time_ms: t });
      for (let t = 0; t < 3; t++) sink.write(rec(t));
      setTimeout(() => process.emit('SIGTERM'), 10);
      await stuck;
      return { summary: { type: 'summary', steps: 3, finalJ: 0, diverged: false, wall_ms: 1 } } as TrainResult;
    };
    const codes: number[] = [];
    const done = trainToFile(backend, {} as never, new Rng(1), cfg({}), out, { graceMs: 50, exit: (c) => void codes.push(c), onSignal: () => {} }, slow);
    await new Promise((r) => setTimeout(r, 200));
    expect(codes).toEqual([143]);
    const tr = parseTrace(readFileSync(out, 'utf8'), out);
    expect(tr.steps.at(-1)!.t).toBe(2);
    expect(tr.summary).toMatchObject({ steps: 2, finalJ: 0.8, interrupted: true, stepDropped: true, diverged: false });
    release();
    await done;
    // what the trainer writes after that is not appended
    expect(parseTrace(readFileSync(out, 'utf8'), out).summary?.steps).toBe(2);
  });
});
