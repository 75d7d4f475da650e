/**
 * `loracheck experiments`: the statements' criteria decide both ways on made-up runs; the failure
 * demonstration runs without Fashion-MNIST; the tiny preset runs end to end (Fashion-MNIST
 * installed) and its result file is read by the report; bad flags exit 2.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { validate } from '../../reports/load.ts';
import { renderReport } from '../../reports/render.ts';
import type { ExperimentsResultFile } from '../../theory/results.ts';
import { chooseBackend, type Backend } from '../backend.ts';
import { fmnistAvailable } from '../data/fmnist.ts';
import { runExperiments, stagedResults } from './index.ts';
import type { RunOutput } from './lab.ts';
import { fig7Statements } from './statements.ts';
import { orderingStatement } from './rac.ts';
import { downsample, movingAverage } from './stats.ts';

const FMNIST = fmnistAvailable();
if (!FMNIST) console.warn('gpu-runs/experiments/experiments.test.ts: Fashion-MNIST not installed: the tiny preset end to end is skipped');

const dir = mkdtempSync(join(tmpdir(), 'loracheck-experiments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let backend: Backend;
beforeAll(async () => {
  backend = await chooseBackend('wasm');
});

const env = { node: process.version, platform: 'test', arch: 'x', cpus: 1, loracheck: '0', versions: {}, date: '2025-01-01T00:00:00Z' };

/** A made-up run: the batch loss decays like a / (1 + t / tau). */
function fake(method: 'lora' | 'full', rule: string, tau: number): RunOutput {
  const t = Array.from({ length: 400 }, (_, i) => i);
  const loss = t.map((i) => 2 / (1 + i / tau));
  const spec = { id: `${method}-${rule}`, label: `${method} ${rule}`, method, rule, rank: 4, batch: 512, steps: 399 };
  return {
    spec,
    run: { id: spec.id, label: spec.label, method, rule, rank: 4, batch: 512, steps: 399, stepsDone: 399, seed: 1, seconds: 1 },
    rec: { t, loss, eta: t.map(() => 0.05), Vsq: t.map(() => 1), grad: t.map(() => 1), fullT: [], fullJ: [] },
    tracePath: '',
  };
}

describe('statements come from their criteria', () => {
  it("RAC-LoRA's accuracy ordering: equal accuracies tie and decide nothing (all 0 % after a few steps: not tested)", () => {
    const at = (acc: Record<string, number>) =>
      orderingStatement(
        Object.entries(acc).map(([method, a]) => {
          const f = fake('lora', 'const:0.05', 10);
          return { ...f, spec: { ...f.spec, method, rank: 1 }, run: { ...f.run, method, rank: 1, testAccuracy: a } } as unknown as RunOutput;
        }),
      );
    const zeros = at({ full: 0, rac: 0, cola: 0, lora: 0, asym: 0 });
    expect(zeros.outcome).toBe('not tested');
    expect(zeros.finding).toMatch(/5 of 5 pairs tie .*: not tested\./);
    expect(at({ full: 0.98, rac: 0.95, cola: 0.94, lora: 0.85, asym: 0.7 }).outcome).toBe('reproduced');
    // one tie (full = cola) among five pairs: the other four decide
    const oneTie = at({ full: 0.95, rac: 0.9, cola: 0.95, lora: 0.85, asym: 0.7 });
    expect(oneTie.outcome).toBe('reproduced');
    expect(oneTie.finding).toMatch(/holds for 4 of 4 pairs .* 1 of 5 pairs tie/);
    expect(at({ full: 0.5, rac: 0.6, cola: 0.6, lora: 0.7, asym: 0.8 }).outcome).toBe('not reproduced');
  });

  it('Figure 7: LoRA slower than full-rank GD is reproduced when it is, and not when it is not', () => {
    const rates = ['const:0.03', 'const:0.05'];
    const slowLora = fig7Statements(rates.map((r) => fake('lora', r, 50)), rates.map((r) => fake('full', r, 10)))[0]!;
    expect(slowLora.outcome).toBe('reproduced');
    expect(slowLora.finding).toMatch(/LoRA was slower at 2 of 2 rates/);
    const fastLora = fig7Statements(rates.map((r) => fake('lora', r, 10)), rates.map((r) => fake('full', r, 50)))[0]!;
    expect(fastLora.outcome).toBe('not reproduced');
    const mixed = fig7Statements([fake('lora', rates[0]!, 50), fake('lora', rates[1]!, 10)], [fake('full', rates[0]!, 10), fake('full', rates[1]!, 50)])[0]!;
    expect(mixed.outcome).toBe('partly reproduced');
  });

  it('moving averages and downsampling keep the ends', () => {
    expect(movingAverage([1, 2, 3, 4], 2)).toEqual([1, 1.5, 2.5, 3.5]);
    const d = downsample([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4);
    expect(d.x).toEqual([0, 3, 6, 9]);
  });
});

describe('runExperiments', () => {
  it('without Fashion-MNIST runs the failure demonstration only: RAC-LoRA and FPFT reach W*, LoRA at rank 1 does not', async () => {
    let saved: ExperimentsResultFile | undefined;
    const doc = await runExperiments(backend, env, { preset: 'tiny', seed: 3, traceDir: join(dir, 'none'), fmnistDir: null }, { save: (d) => (saved = d) });
    expect(saved).toBe(doc);
    expect(doc.figures.map((f) => f.id)).toEqual(['rac-demo']);
    expect(doc.data[0]).toMatch(/not installed/);
    const table = doc.tables.find((t) => t.id === 'rac-demo-table')!;
    const reached = (prefix: string) => table.rows.find((r) => String(r[0]).startsWith(prefix))![table.columns.indexOf('reached (of 5)')];
    expect(reached('RAC-LoRA')).toBe(5);
    expect(reached('FPFT')).toBe(5);
    expect(reached('LoRA, step 0.1/L')).toBe(0);
    expect(reached('Asymmetric')).toBe(0);
    const st = doc.statements.find((s) => s.id === 'rac-demo')!;
    expect(st.provenance).toBe('reported');
    expect(st.criterion.length).toBeGreaterThan(20);
  });

  it('a run writes beside the earlier results and replaces them only when it ends: killed before, they stay', () => {
    const results = join(dir, 'staged');
    const file = join(results, 'experiments.json');
    const traces = join(results, 'traces', 'experiments');
    mkdirSync(traces, { recursive: true });
    writeFileSync(file, '{"earlier": true}');
    writeFileSync(join(traces, 'old-run.jsonl'), 'earlier trace');
    const st = stagedResults(file, traces);
    mkdirSync(st.traceDir, { recursive: true });
    writeFileSync(join(st.traceDir, 'new-run.jsonl'), 'new trace');
    const doc = {
      kind: 'experiments', runs: [{ id: 'new-run', trace: join(st.traceDir, 'new-run.jsonl') }, { id: 'no-trace' }],
      traceClaims: [{ file: join(st.traceDir, 'new-run.jsonl'), label: 'x', claims: [] }],
    } as unknown as ExperimentsResultFile;
    st.save(doc);
    // the state a SIGKILL leaves: the earlier document and traces as they were, the new run beside them
    expect(readFileSync(file, 'utf8')).toBe('{"earlier": true}');
    expect(readdirSync(traces)).toEqual(['old-run.jsonl']);
    expect(JSON.parse(readFileSync(st.partialFile, 'utf8')).runs[0].id).toBe('new-run');
    const { doc: done, file: wrote, keptEarlier } = st.commit(doc);
    expect([wrote, keptEarlier]).toEqual([file, false]);
    expect(done.runs.map((r) => r.trace)).toEqual([join(traces, 'new-run.jsonl'), undefined]);
    expect(done.traceClaims![0]!.file).toBe(join(traces, 'new-run.jsonl'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(done)));
    expect(readdirSync(traces)).toEqual(['new-run.jsonl']);
    expect(readdirSync(results).sort()).toEqual(['experiments.json', 'traces']);
    expect(readdirSync(join(results, 'traces'))).toEqual(['experiments']);
  });

  it('a stopped run does not replace an earlier run that finished: it is kept beside it; it does replace an earlier stopped one', () => {
    const results = join(dir, 'staged-stop');
    const file = join(results, 'experiments.json');
    const traces = join(results, 'traces', 'experiments');
    mkdirSync(traces, { recursive: true });
    const finished = JSON.stringify({ kind: 'experiments', runs: [{ id: 'old-run', trace: join(traces, 'old-run.jsonl') }] });
    writeFileSync(file, finished);
    writeFileSync(join(traces, 'old-run.jsonl'), 'earlier trace');
    const stopped = (st: ReturnType<typeof stagedResults>) => {
      mkdirSync(st.traceDir, { recursive: true });
      writeFileSync(join(st.traceDir, 'new-run.jsonl'), 'new trace');
      return { kind: 'experiments', interrupted: true, runs: [{ id: 'new-run', trace: join(st.traceDir, 'new-run.jsonl') }] } as unknown as ExperimentsResultFile;
    };
    const st = stagedResults(file, traces);
    const out = st.commit(stopped(st));
    expect(out.keptEarlier).toBe(true);
    expect(out.file).toBe(`${file}.interrupted`);
    expect(readFileSync(file, 'utf8')).toBe(finished);
    expect(readdirSync(traces)).toEqual(['old-run.jsonl']);
    expect(out.doc.runs[0]!.trace).toBe(join(`${traces}.interrupted`, 'new-run.jsonl'));
    expect(readFileSync(out.doc.runs[0]!.trace!, 'utf8')).toBe('new trace');
    expect(JSON.parse(readFileSync(`${file}.interrupted`, 'utf8')).runs[0].trace).toBe(out.doc.runs[0]!.trace);
    // the report reads *.json only: the stopped run's document is not among them
    expect(readdirSync(results).filter((n) => n.endsWith('.json'))).toEqual(['experiments.json']);
    // an earlier run that was itself stopped is replaced
    writeFileSync(file, JSON.stringify({ kind: 'experiments', interrupted: true, runs: [] }));
    const st2 = stagedResults(file, traces);
    const out2 = st2.commit(stopped(st2));
    expect([out2.file, out2.keptEarlier]).toEqual([file, false]);
    expect(readdirSync(traces)).toEqual(['new-run.jsonl']);
  });

  it.skipIf(!FMNIST)('the tiny preset end to end: every run, traces, statements with criteria, a report section', async () => {
    const results = join(dir, 'tiny');
    // an earlier run's trace that this run does not write is gone with it
    mkdirSync(join(results, 'traces', 'experiments'), { recursive: true });
    writeFileSync(join(results, 'traces', 'experiments', 'stale.jsonl'), 'x');
    expect(await main(['experiments', '--preset', 'tiny', '--seed', '4', '--backend', 'wasm', '--results', results, '--quiet'])).toBe(0);
    const raw = JSON.parse(readFileSync(join(results, 'experiments.json'), 'utf8'));
    const doc = validate('experiments.json', raw, []) as ExperimentsResultFile;
    expect(doc.kind).toBe('experiments');
    expect(doc.figures.map((f) => f.id).sort()).toEqual(['fig1', 'fig4', 'fig7', 'rac-demo', 'rac-fmnist']);
    for (const r of doc.runs) {
      expect(r.stepsDone, r.id).toBe(r.steps);
      expect(existsSync(r.trace!), r.trace).toBe(true);
      expect(r.trace!.startsWith(join(results, 'traces', 'experiments') + '/'), r.trace).toBe(true);
    }
    expect(readdirSync(join(results, 'traces', 'experiments'))).not.toContain('stale.jsonl');
    expect(readdirSync(results).filter((f) => f.includes('.partial-'))).toEqual([]);
    expect(doc.runs.filter((r) => r.testAccuracy !== undefined).length).toBeGreaterThanOrEqual(6);
    expect(new Set(doc.statements.map((s) => s.id))).toEqual(new Set(['rac-demo', 'fig1-faster-stabler', 'fig1-eta-correlation', 'fig7-lora-slower', 'fig4-growth', 'fig4-gv-bound', 'rac-fmnist-ordering', 'fullbatch-claims']));
    expect(doc.traceClaims!.map((t) => t.claims.find((c) => c.id === 'GV')!.status)).toEqual(['verified', 'verified']);
    const report = renderReport({ dir: results, files: [{ name: 'experiments.json', data: doc }], warnings: [] });
    expect(report.sections).toContain('experiments');
    expect(report.html).toContain('Figure 7: LoRA against full-rank gradient descent');
    expect(report.warnings).toEqual([]);
  }, 60_000);

  it('rejects contradicting flags with exit code 2', async () => {
    expect(await main(['experiments', '--quick', '--preset', 'full'])).toBe(2);
    expect(await main(['experiments', '--preset', 'huge'])).toBe(2);
  });
});
