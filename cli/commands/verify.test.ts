import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../main.ts';
import { plan, withFmnist } from './verify.ts';
import { fmnistAvailable } from '../../gpu-runs/data/fmnist.ts';
import { chooseBackend, onGpu, type Backend } from '../../gpu-runs/backend.ts';
import { atScaleChoice } from '../../gpu-runs/train-file.ts';
import { CATALOGUE } from '../../theory/index.ts';

describe('loracheck verify (the main job)', () => {
  it('plans every stage and scales budgets with --budget and --quick', () => {
    const base = { quick: false, budget: 1, results: '/r', out: '/o.html', seed: 1, fmnist: false };
    const stages = plan(base);
    const names = stages.map((s) => s.argv[0]);
    expect(names).toEqual(['prove', 'check', 'ablate', 'tighten', 'train', 'train', 'train', 'train', 'train', 'verify-trace', 'report']);
    const secs = (st: typeof stages) => Number(st[1]!.argv[st[1]!.argv.indexOf('--seconds') + 1]);
    expect(secs(plan({ ...base, budget: 2 }))).toBeCloseTo(2 * secs(stages));
    expect(secs(plan({ ...base, quick: true }))).toBeLessThan(secs(stages) / 5);
    expect(plan({ ...base, fmnist: true }).filter((s) => s.argv.includes('fmnist-logreg'))).toHaveLength(3);
    // with Fashion-MNIST, the papers' experiments in short: quick, and tiny under --quick
    const exp = (quick: boolean) => plan({ ...base, quick, fmnist: true }).find((s) => s.argv[0] === 'experiments')?.argv;
    expect(exp(false)).toEqual(expect.arrayContaining(['--preset', 'quick']));
    expect(exp(true)).toEqual(expect.arrayContaining(['--preset', 'tiny']));
  });

  it('plans the at-scale runs (LoRA at N x N and 2N x 2N, the RAC-LoRA family at N x N) and verifies their traces', () => {
    const base = { quick: false, budget: 1, results: '/r', out: '/o.html', seed: 1, fmnist: false };
    expect(plan(base).some((s) => s.title.startsWith('At scale'))).toBe(false);
    const stages = plan({ ...base, atScale: { size: 4096 } });
    const big = stages.filter((s) => s.title.startsWith('At scale'));
    const arg = (s: (typeof stages)[number], f: string) => s.argv[s.argv.indexOf(f) + 1];
    expect(big.map((s) => [arg(s, '--size'), arg(s, '--rank'), s.argv.includes('--method') ? arg(s, '--method') : `lora ${arg(s, '--rule')}`, arg(s, '--steps')])).toEqual([
      ['4096x4096', '16', 'lora theory', '2000'],
      ['4096x4096', '16', 'lora adapt', '2000'],
      ['8192x8192', '64', 'lora theory', '500'],
      ['4096x4096', '16', 'full', '300'],
      ['4096x4096', '16', 'rac', '300'],
      ['4096x4096', '16', 'cola', '300'],
      ['4096x4096', '16', 'asym', '300'],
    ]);
    for (const s of big) expect(s.argv.slice(0, 3)).toEqual(['train', '--workload', 'quadratic']);
    // LoRA's runs record dJ, so that L34 resolves at these sizes (the other methods' traces have no L34)
    expect(big.map((s) => s.argv.includes('--decrease'))).toEqual([true, true, true, false, false, false, false]);
    // every at-scale trace is verified with the others, before the report
    const verify = stages.find((s) => s.argv[0] === 'verify-trace')!;
    for (const s of big) expect(verify.argv).toContain(arg(s, '--out'));
    expect(stages.indexOf(verify)).toBeGreaterThan(stages.indexOf(big[big.length - 1]!));
    // --quick shortens them like the other training runs (at least 20 steps)
    expect(plan({ ...base, quick: true, atScale: { size: 64 } }).filter((s) => s.title.startsWith('At scale')).map((s) => arg(s, '--steps'))).toEqual(['400', '400', '100', '60', '60', '60', '60']);
  });

  it('adds the at-scale runs on a GPU only, unless asked: tfjs-node-gpu and hardware webgpu adapters count, software ones do not', async () => {
    const adapter = (software: boolean) => ({ software }) as Backend['adapter'];
    expect(onGpu({ name: 'gpu' })).toBe(true);
    expect(onGpu({ name: 'webgpu', adapter: adapter(false) })).toBe(true);
    expect(onGpu({ name: 'webgpu', adapter: adapter(true) })).toBe(false);
    expect(onGpu({ name: 'webgpu' })).toBe(false);
    expect(onGpu({ name: 'wasm' })).toBe(false);
    expect(await atScaleChoice('off')).toEqual({ run: false, why: 'skipped (--at-scale off)' });
    // auto follows train's own choice: on a GPU it runs them; elsewhere (CI) it skips, and on runs them there
    const gpu = onGpu(await chooseBackend('auto'));
    const auto = await atScaleChoice('auto');
    expect(auto.run).toBe(gpu);
    expect(auto.why).toMatch(gpu ? /^on the GPU: / : /^skipped: train's auto picks (wasm|cpu) .*not a GPU/);
    const on = await atScaleChoice('on');
    expect(on.run).toBe(true);
    expect(on.why).toMatch(gpu ? /^on the GPU: / : /not a GPU \(--at-scale on\)/);
  });

  it('runs end to end at a tiny budget and writes the report with every claim', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loracheck-verify-'));
    const out = join(dir, 'report.html');
    // the at-scale runs forced on this CPU machine, at a stand-in size (64 x 64 and 128 x 128)
    const log = vi.spyOn(console, 'log');
    let code: number;
    let lines: string[];
    try {
      code = await main(['verify', '--budget', '0.02', '--no-fmnist', '--seed', '5', '--results', dir, '--out', out, '--at-scale', 'on', '--scale-size', '64']);
    } finally {
      lines = log.mock.calls.map((c) => String(c[0]));
      log.mockRestore();
    }
    expect(code).toBe(0);
    // the replay line repeats what changes the plan
    expect(lines.filter((l) => l.startsWith('Replay:'))).toEqual(['Replay: npx loracheck verify --seed 5 --budget 0.02 --at-scale on --scale-size 64']);
    expect(existsSync(out)).toBe(true);
    const files = readdirSync(dir);
    for (const f of ['prove.json', 'check.json', 'ablate.json', 'tighten.json', 'verify-trace.json']) expect(files).toContain(f);
    const html = readFileSync(out, 'utf8');
    for (const c of CATALOGUE) expect(html).toContain(c.id);
    expect(html).toContain('Content-Security-Policy');
    const traces = readdirSync(join(dir, 'traces')).filter((f) => f.startsWith('quadratic-'));
    expect(traces.sort()).toEqual(['128x128-r64-theory', '64x64-r16-adapt', '64x64-r16-asym', '64x64-r16-cola', '64x64-r16-full', '64x64-r16-rac', '64x64-r16-theory'].map((t) => `quadratic-${t}.jsonl`));
    const verified = JSON.parse(readFileSync(join(dir, 'verify-trace.json'), 'utf8')) as { traces: { header: { method?: string; m: number } }[] };
    expect(verified.traces.filter((t) => t.header.m === 64).map((t) => t.header.method ?? 'lora').sort()).toEqual(['asym', 'cola', 'full', 'lora', 'lora', 'rac']);
    // 128 x 128 is no LLM layer: the report says so, naming the largest trace
    expect(html).toMatch(/No trace here is at the size of an LLM layer .* the largest is quadratic <span class="num">128<\/span> × <span class="num">128<\/span> \(r = 64\)/);
  }, 240_000);

  it('looks for Fashion-MNIST where train does: $LORACHECK_FMNIST_DIR', () => {
    const saved = process.env.LORACHECK_FMNIST_DIR;
    try {
      process.env.LORACHECK_FMNIST_DIR = mkdtempSync(join(tmpdir(), 'loracheck-nofmnist-'));
      expect(withFmnist(false)).toBe(false);
      delete process.env.LORACHECK_FMNIST_DIR;
      expect(withFmnist(false)).toBe(fmnistAvailable('/usr/share/datasets/fashion-mnist'));
      expect(withFmnist(true)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.LORACHECK_FMNIST_DIR;
      else process.env.LORACHECK_FMNIST_DIR = saved;
    }
  });

  it('rejects bad flags with exit code 2', async () => {
    expect(await main(['verify', '--budget', '-1'])).toBe(2);
    expect(await main(['verify', '--budget', 'lots'])).toBe(2);
    expect(await main(['verify', '--nope'])).toBe(2);
    expect(await main(['verify', '--at-scale', 'maybe'])).toBe(2);
    expect(await main(['verify', '--scale-size', '100'])).toBe(2);
    expect(await main(['verify', '--scale-size', '32'])).toBe(2);
  });
});
