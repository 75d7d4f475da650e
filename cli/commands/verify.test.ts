import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { plan, withFmnist } from './verify.ts';
import { fmnistAvailable } from '../../gpu-runs/data/fmnist.ts';
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

  it('runs end to end at a tiny budget and writes the report with every claim', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loracheck-verify-'));
    const out = join(dir, 'report.html');
    const code = await main(['verify', '--budget', '0.02', '--no-fmnist', '--seed', '5', '--results', dir, '--out', out]);
    expect(code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const files = readdirSync(dir);
    for (const f of ['prove.json', 'check.json', 'ablate.json', 'tighten.json', 'verify-trace.json']) expect(files).toContain(f);
    const html = readFileSync(out, 'utf8');
    for (const c of CATALOGUE) expect(html).toContain(c.id);
    expect(html).toContain('Content-Security-Policy');
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
  });
});
