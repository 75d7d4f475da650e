import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, helpText } from '../cli/args.ts';
import { command } from '../cli/commands/bench.ts';
import { pkgVersion } from '../cli/io.ts';
import { SUITES, type SuiteInfo } from './index.ts';
import { etaLine, formatTable, runBench, stoppedLine } from './run.ts';
import { scratchDir, skippedTable, timeIt, undoAll } from './types.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(join(tmpdir(), 'loracheck-bench-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bench runner', () => {
  it('registers the numeric suite under its name', async () => {
    const s = await SUITES.numeric!.load();
    expect(s.name).toBe('numeric');
  });

  it('formats a table with aligned columns, skip reasons and notes; "-" stays in a number column', () => {
    const text = formatTable({ title: 'T', columns: ['kernel', 'n', 'calls/s'], rows: [['matmul', 2, 1500], ['inner', 16, '-']], notes: ['hi'], skipped: ['no peer'] });
    expect(text.split('\n')).toEqual(['T', 'kernel   n  calls/s', '------  --  -------', 'matmul   2     1500', 'inner   16        -', '  skipped: no peer', '  note: hi']);
  });

  it('rejects an unknown suite with a UsageError naming the flag', async () => {
    await expect(command.run({ flags: { suite: ['nope'], quick: true }, positionals: [] })).rejects.toThrow(UsageError);
    await expect(command.run({ flags: { suite: ['nope'], quick: true }, positionals: [] })).rejects.toThrow(/--suite/);
  });

  // webgpu-profile: a skip line in about a second where no hardware adapter exists; on a GPU host it would time for minutes
  it.skipIf(existsSync('/usr/local/nvidia'))('runs a suite named twice once', async () => {
    const out = join(tmp, 'twice.json');
    await command.run({ flags: { suite: ['webgpu-profile', 'webgpu-profile'], quick: true, out }, positionals: [] });
    expect((JSON.parse(readFileSync(out, 'utf8')) as { suites: { name: string }[] }).suites.map((s) => s.name)).toEqual(['webgpu-profile']);
  });

  it('rejects an --out that cannot be written before any suite runs (one line naming --out)', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const t0 = performance.now();
    for (const out of [join(file, 'bench.json'), tmp]) {
      const run = command.run({ flags: { suite: ['numeric'], quick: true, out }, positionals: [] });
      await expect(run).rejects.toThrow(UsageError);
      await expect(run).rejects.toThrow(/^bench: --out: /);
    }
    expect(performance.now() - t0).toBeLessThan(2000); // the numeric suite (4 s --quick) never started
  });

  it('--help says what every suite times, its peer and how long it takes here', () => {
    const help = helpText(command.spec);
    for (const [name, s] of Object.entries(SUITES)) {
      expect(help).toContain(`  ${name}: ${s.times}`);
      expect(help).toContain(`peer: ${s.peer}`);
      expect(help).toContain(`takes ${s.took}`);
    }
    expect(help).not.toMatch(/kernels \(exact rationals, float64 fast paths\)|ends in seconds/);
  });

  it("README's Benchmarks table has a row for every suite, each saying where and when it was measured", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Benchmarks: `npm run bench`'));
    const rows = section.slice(0, section.indexOf('\n## ')).split('\n').filter((l) => l.startsWith('| `'));
    const named = rows.map((l) => /^\| `([^`]+)`/.exec(l)![1]!);
    expect(new Set(named)).toEqual(new Set(Object.keys(SUITES)));
    for (const l of rows) expect(l.split(' | ').pop()).toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('writes the machine, versions, each suite\'s peer, seeds and skip reasons into the document, with an ETA line per suite', async () => {
    const fake: Record<string, SuiteInfo> = {
      a: {
        load: async () => ({ name: 'a', run: async () => [{ title: 'A', columns: ['x'], rows: [[1]] }, skippedTable('B', 'no adapter here')] }),
        times: 'nothing',
        peer: 'none',
        seed: 'seed 9',
        seconds: { full: 120, quick: 1 },
        took: 'a moment',
      },
    };
    const logs: string[] = [];
    const printed: string[] = [];
    const doc = await runBench({ names: ['a'], quick: false, out: join(tmp, 'never.json'), environment: { node: 'v' } }, { log: (s) => logs.push(s), print: (s) => printed.push(s) }, fake);
    expect(doc.environment).toEqual({ node: 'v' });
    expect(doc.machine.cores).toBeGreaterThan(0);
    expect(doc.machine.cpuModel).not.toBe('');
    expect(doc.suites[0]).toMatchObject({ name: 'a', peer: 'none', seed: 'seed 9', times: 'nothing', skipped: ['no adapter here'] });
    expect(logs[0]).toBe('bench: suite 1 of 1, a: about 2 min; the last suite');
    expect(printed.join('\n')).toContain('  skipped: no adapter here');
    expect(pkgVersion('ml-matrix')).toMatch(/^\d+\.\d+/); // its package.json is hidden by `exports`
  });

  it('estimates the time left from the declared durations, scaled by how the finished suites went', () => {
    const info = Object.fromEntries(['a', 'b', 'c'].map((n) => [n, { ...SUITES.numeric!, seconds: { full: 60, quick: 6 } }]));
    expect(etaLine(['a', 'b', 'c'], 0, false, 0, info)).toBe('bench: suite 1 of 3, a: about 60 s; the run ends in about 3 min');
    // the first took twice its 60 s: the rest are expected to as well
    expect(etaLine(['a', 'b', 'c'], 1, false, 120, info)).toBe('bench: suite 2 of 3, b: about 2 min; the run ends in about 4 min');
  });

  it('a stopped run removes its temporary folders and says the earlier results file is kept', () => {
    const s = scratchDir('loracheck-bench-test-stop-');
    writeFileSync(join(s.dir, 'big'), 'x');
    expect(undoAll()).toBe(1);
    expect(existsSync(s.dir)).toBe(false);
    const t = scratchDir('loracheck-bench-test-stop-');
    t.remove();
    expect(undoAll()).toBe(0); // removed by its suite: nothing left to undo
    expect(stoppedLine('SIGINT', '/r/bench.json', ['numeric'], 1)).toBe(
      'bench: stopped by SIGINT after numeric: /r/bench.json was not written (an earlier file there is kept as it was); 1 temporary folder(s) or child process(es) removed',
    );
  });

  it('timeIt measures a positive time per call', () => {
    let k = 0;
    const r = timeIt(() => (k += 1), 5);
    expect(r.calls).toBeGreaterThan(0);
    expect(r.perCall).toBeGreaterThan(0);
  });
});
