/**
 * `loracheck train` and `loracheck verify-trace` as a user runs them (child processes):
 * exit codes 0 / 1 / 2 / 130, one-line errors that name the flag or file:line:field, the
 * result file, Ctrl-C, and a trace written by PyTorch (when python3-torch is installed).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.ts';
import type { TraceVerifyResultFile } from '../theory/results.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'loracheck.js');
const dir = mkdtempSync(join(tmpdir(), 'loracheck-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, LORACHECK_RESULTS: join(dir, 'results'), ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same entry point in this process (no start-up cost): exit code and captured output. */
async function inproc(args: string[], env: Record<string, string> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, { LORACHECK_RESULTS: join(dir, 'results') }, env);
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await main(args);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.env = saved;
  }
}

function oneLineError(r: { stderr: string }, pattern: RegExp): void {
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

const hasTorch =
  existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

describe('loracheck train / verify-trace exit codes', () => {
  it('bad flags: one line naming the flag, exit 2', async () => {
    const cases: [string[], RegExp, Record<string, string>?][] = [
      [['train', '--steps', 'x'], /--steps must be an integer, got "x"/],
      [['train', '--rule', 'const:-1'], /--rule: rule "const:-1".*> 0/],
      [['train', '--rank', '9'], /rank 9 does not fit penguins-logreg .* 1\.\.3/],
      [['train', '--backend', 'gpu', '--steps', '1'], /backend gpu is not available: /],
      [['train', '--workload', 'fmnist-logreg'], /Fashion-MNIST not found in \/nonexistent.*apt-get install dataset-fashion-mnist/, { LORACHECK_FMNIST_DIR: '/nonexistent' }],
      [['verify-trace'], /give at least one trace file/],
      // a folder as --out: refused before the run, not at the rename after it
      [['train', '--steps', '1', '--backend', 'wasm', '--out', dir], /^loracheck: train: cannot write the trace --out [^ ]+: is a folder, not a file$/],
      // a folder that cannot be made (Node 20's recursive mkdir spun forever under /proc)
      [['train', '--steps', '1', '--backend', 'wasm', '--out', '/proc/loracheck-none/t.jsonl'], /^loracheck: train: cannot write the trace --out \/proc\/loracheck-none\/t\.jsonl: ENOENT.*mkdir '\/proc\/loracheck-none'$/],
    ];
    for (const [args, pattern, env] of cases) {
      const r = await inproc(args, env);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      oneLineError(r, pattern);
    }
  });

  it('train writes a trace that verify-trace verifies (exit 0) and records in results/verify-trace.json', async () => {
    const trace = join(dir, 'p.jsonl');
    const t = cli(['train', '--steps', '40', '--seed', '1', '--backend', 'wasm', '--out', trace, '--name', '<script>x</script>']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/^backend: wasm \(SIMD, 1 thread\)/m);
    expect(t.stdout).toMatch(/^seed: 1$/m);
    const v = await inproc(['verify-trace', trace, '--json']);
    expect(v.code, v.stderr).toBe(0);
    const doc = JSON.parse(v.stdout) as TraceVerifyResultFile;
    const onDisk = JSON.parse(readFileSync(join(dir, 'results', 'verify-trace.json'), 'utf8')) as TraceVerifyResultFile;
    expect(onDisk.traces[0]!.claims).toEqual(doc.traces[0]!.claims);
    expect(doc.kind).toBe('verify-trace');
    expect(doc.traces[0]!.claims.map((c) => c.status)).toEqual(['verified', 'verified', 'verified', 'verified']);
    expect(doc.traces[0]!.header.name).toBe('<script>x</script>'); // kept as text
  });

  it('a corrupted trace: exit 2 naming file, line and field; a violating trace: exit 1', async () => {
    const header = { type: 'header', format: 'loracheck-trace', schema: 1, workload: 'w', m: 1, n: 1, r: 1, L: 1, Lstar: 0, rule: 'theory', batch: 'full', dtype: 'float32' };
    const eta = 1 / (4 * Math.SQRT2 * (1 + 1)); // (8) with L = 1, ||V||^2 = 1, ||G|| = 1
    const st = (t: number, J: number) => ({ type: 'step', t, J, Vsq: 1, Gnorm: 1, gradJsq: 1, eta, time_ms: t });
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, [header, st(0, 1), { ...st(1, 0.9), gradJsq: null }].map((o) => JSON.stringify(o)).join('\n') + '\n');
    const r = await inproc(['verify-trace', bad]);
    expect(r.code).toBe(2);
    oneLineError(r, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: field 'gradJsq' must be a finite number >= 0, got null`));
    const up = join(dir, 'up.jsonl');
    writeFileSync(up, [header, st(0, 1), st(1, 1.5)].map((o) => JSON.stringify(o)).join('\n') + '\n');
    const u = await inproc(['verify-trace', up]);
    expect(u.code, u.stdout + u.stderr).toBe(1);
    // no summary line: truncated, in the text and in every reason
    expect(u.stdout).toMatch(/^  TRUNCATED: no summary line/m);
    expect(u.stdout).toMatch(/L34\s+violated \(truncated\): 1 steps checked, 1 resolved, 0 unresolved, 1 violation\(s\), first at t = 0/);
    expect(u.stdout).toMatch(/1 truncated trace/);
    // a diverged PyTorch run (json.dumps writes Infinity): verdicts on the records before it, said on screen
    const py = join(dir, 'py.jsonl');
    writeFileSync(py, [header, st(0, 1), st(1, 0.9)].map((o) => JSON.stringify(o)).join('\n') + '\n' + JSON.stringify(st(2, 0.8)).replace(/"gradJsq":1/, '"gradJsq":Infinity') + '\n');
    const p = await inproc(['verify-trace', py]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/^  DIVERGED at t = 2: gradJsq is Infinity at step 2 \(line 4; later step records not read\)$/m);
    expect(p.stdout).toMatch(/\(1 truncated trace, 1 diverged run\); results: /);
    // a gzip-compressed trace: named, exit 2
    const gz = join(dir, 'up.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(up)));
    const g = await inproc(['verify-trace', gz]);
    expect(g.code).toBe(2);
    oneLineError(g, /up\.jsonl\.gz: is gzip-compressed, not a JSON Lines trace: decompress it first \(gunzip -k FILE\)$/);
  });

  it('a header nested 100,000 levels deep: exit 2, one line naming file, line and field (no stack overflow)', async () => {
    const header = { type: 'header', format: 'loracheck-trace', schema: 1, workload: 'w', m: 1, n: 1, r: 1, L: 1, Lstar: 0, rule: 'theory', batch: 'full', dtype: 'float32' };
    const deep = join(dir, 'deep.jsonl');
    writeFileSync(deep, `${JSON.stringify(header).slice(0, -1)},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`);
    const r = await inproc(['verify-trace', deep]);
    expect(r.code, r.stderr).toBe(2);
    oneLineError(r, /deep\.jsonl:1: field 'x' is nested deeper than 32 levels/);
  });

  it('escape sequences in a trace (workload, name, file name) reach the terminal only as visible text', async () => {
    const evil = '\x1b]0;PWNED\x07\x1b[2J';
    const header = { type: 'header', format: 'loracheck-trace', schema: 1, workload: `w${evil}`, name: evil, m: 1, n: 1, r: 1, L: 1, Lstar: 0, rule: `theory${evil}`, batch: 'full', dtype: 'float32' };
    const st = (t: number) => ({ type: 'step', t, J: 1 - t / 10, Vsq: 1, Gnorm: 1, gradJsq: 1, eta: 0.01, time_ms: t });
    const file = join(dir, `evil${evil}.jsonl`);
    writeFileSync(file, [header, st(0), st(1), { type: 'summary', steps: 1, finalJ: 0.9, diverged: false, wall_ms: 1 }].map((o) => JSON.stringify(o)).join('\n') + '\n');
    const r = await inproc(['verify-trace', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(r.stdout).toContain('w\\x1b]0;PWNED\\x07\\x1b[2J');
    // a bad field in such a file: the one-line error is escaped too
    writeFileSync(file, `${JSON.stringify({ ...header, m: 0 })}\n`);
    const e = await inproc(['verify-trace', file]);
    expect(e.code).toBe(2);
    expect(e.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    oneLineError(e, /evil\\x1b\]0;PWNED\\x07\\x1b\[2J\.jsonl:1: field 'm'/);
  });

  /** Starts a long `train` into `trace`; resolves when it has printed its workload line and `waitMs` more have passed. */
  function longTrain(trace: string, seed: number, waitMs: number) {
    const child = spawn(process.execPath, [BIN, 'train', '--steps', '1000000', '--quiet', '--backend', 'wasm', '--seed', String(seed), '--out', trace], {
      cwd: ROOT,
      env: { ...process.env, LORACHECK_RESULTS: join(dir, 'results') },
    });
    let out = '';
    const started = new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('workload:')) setTimeout(resolve, waitMs);
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    return { child, started, exited, output: () => out };
  }

  for (const [signal, exit] of [['SIGINT', 130], ['SIGTERM', 143]] as const)
    it(`${signal}: the run stops after a step, the summary says interrupted with steps = the last t, exit ${exit}`, async () => {
      const trace = join(dir, `int-${signal}.jsonl`);
      writeFileSync(trace, 'an earlier trace\n');
      const run = longTrain(trace, 4, 300);
      await run.started;
      run.child.kill(signal);
      expect(await run.exited, run.output()).toBe(exit);
      const lines = readFileSync(trace, 'utf8').trim().split('\n');
      const last = JSON.parse(lines[lines.length - 1]!);
      expect(last).toMatchObject({ type: 'summary', interrupted: true, diverged: false });
      expect(last.steps).toBeGreaterThan(0);
      expect(last.steps).toBe(JSON.parse(lines[lines.length - 2]!).t);
      expect(existsSync(`${trace}.partial-${run.child.pid}`)).toBe(false); // renamed over the earlier trace
    });

  it('SIGKILL: the earlier trace of that name stays intact; the partial file reads as truncated', async () => {
    const trace = join(dir, 'killed.jsonl');
    const first = cli(['train', '--steps', '5', '--seed', '1', '--backend', 'wasm', '--out', trace, '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    const before = readFileSync(trace, 'utf8');
    const run = longTrain(trace, 5, 2500); // past the writer's 2 s flush, so the partial file has records
    await run.started;
    run.child.kill('SIGKILL');
    await run.exited;
    expect(readFileSync(trace, 'utf8')).toBe(before);
    const partial = `${trace}.partial-${run.child.pid}`;
    expect(existsSync(partial)).toBe(true);
    const v = await inproc(['verify-trace', partial, '--json']);
    expect(v.code, v.stderr).toBe(0);
    const entry = (JSON.parse(v.stdout) as TraceVerifyResultFile).traces[0]!;
    expect(entry.truncated).toBe(true);
    expect(entry.records).toBeGreaterThan(0);
    expect(entry.claims.every((c) => c.reason?.startsWith('truncated trace'))).toBe(true);
  });

  it.skipIf(!hasTorch)('a trace written by a PyTorch LoRA loop (README snippet) verifies in float64; in float32 L34 is unresolved; float32 with float64 evaluation resolves it', async () => {
    const run = (dtype: string) => {
      const trace = join(dir, `torch-${dtype}.jsonl`);
      const py = spawnSync('/usr/bin/python3', [join(ROOT, 'gpu-runs', 'examples', 'torch_trace.py'), trace, dtype], { encoding: 'utf8', timeout: 60_000 });
      expect(py.status, py.stderr).toBe(0);
      return inproc(['verify-trace', trace]);
    };
    const v = await run('float64');
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout.match(/ verified: /g)).toHaveLength(4);
    // The same loop in float32: its promised decreases are below float32 resolution.
    const w = await run('float32');
    expect(w.code, w.stdout + w.stderr).toBe(0);
    expect(w.stdout).toMatch(/L34\s+undecided: 200 steps checked, \d+ resolved, \d+ unresolved, 0 violation\(s\)/);
    expect(w.stdout).not.toMatch(/L34\s+verified/);
    expect(w.stdout).toMatch(/no violations, some claims undecided/);
    // A float32 model whose loss and norms are evaluated in float64 (header termDtype): L34 resolves again
    const x = await run('float32+f64');
    expect(x.code, x.stdout + x.stderr).toBe(0);
    expect(x.stdout).toMatch(/evaluated and summed in float64 \(termDtype\)/);
    expect(x.stdout).toMatch(/L34\s+verified: 200 steps checked, 200 resolved/);
    // the README shows this file as it is
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const file = readFileSync(join(ROOT, 'gpu-runs', 'examples', 'torch_trace.py'), 'utf8');
    expect(readme).toContain(file.slice(file.indexOf('import json, math, sys, torch')));
  });

  it('train --decrease on wasm (the host takes the step): at 1536 x 1536 L34 is undecided from J and verified from dJ; elsewhere one line says why there is none', async () => {
    const trace = join(dir, 'decrease-wasm.jsonl');
    const r = cli(['train', '--workload', 'quadratic', '--size', '1536x1536', '--rank', '2', '--steps', '10', '--seed', '1', '--backend', 'wasm', '--decrease', '--out', trace, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/not recorded/);
    const lines = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]!.decrease).toMatch(/tfjs ops in float32/);
    const steps = lines.filter((l) => l.type === 'step');
    expect(steps.map((s) => typeof s.dJ)).toEqual([...Array(10).fill('number'), 'undefined']); // none after the final record
    const v = await inproc(['verify-trace', trace]);
    expect(v.stdout).toMatch(/L34\s+verified: 10 steps checked, 10 resolved, .* 10 of 10 steps decided from the recorded dJ/);
    // the same records without dJ: J's own resolution cannot decide a step at this size
    const bare = join(dir, 'decrease-wasm-bare.jsonl');
    writeFileSync(bare, lines.map(({ dJ, dJerr, decrease, ...rest }) => JSON.stringify(rest)).join('\n') + '\n');
    expect((await inproc(['verify-trace', bare])).stdout).toMatch(/L34\s+undecided: 10 steps checked, 0 resolved/);
    // not the quadratic: no dJ, and one line says why
    const p = cli(['train', '--workload', 'penguins-logreg', '--steps', '3', '--seed', '1', '--backend', 'wasm', '--decrease', '--out', join(dir, 'no-decrease.jsonl'), '--quiet']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/^--decrease: not recorded: dJ is computed for the quadratic workload, method lora, full batch .*this run: workload penguins-logreg, method lora, batch full, backend wasm$/m);
    expect(readFileSync(join(dir, 'no-decrease.jsonl'), 'utf8')).not.toMatch(/"dJ"|"decrease"/);
  });

  it.skipIf(!hasTorch)('a PyTorch LoRA loop on the quadratic (torch_quadratic_trace.py, the at-scale example) writes a trace whose five claims verify', async () => {
    const trace = join(dir, 'torch-quadratic.jsonl');
    const script = join(ROOT, 'gpu-runs', 'examples', 'torch_quadratic_trace.py');
    const py = spawnSync('/usr/bin/python3', [script, trace, '--size', '96', '--rank', '3', '--steps', '120', '--device', 'cpu'], { encoding: 'utf8', timeout: 60_000 });
    expect(py.status, py.stderr).toBe(0);
    expect(py.stdout).toMatch(/^120 steps of 96 x 96, r = 3 on cpu/);
    const header = JSON.parse(readFileSync(trace, 'utf8').split('\n')[0]!);
    expect(header).toMatchObject({ workload: 'torch-quadratic', m: 96, r: 3, L: 4, dtype: 'float32', scalarDtype: 'float64' });
    expect(header.rankBound).toBeGreaterThan(0);
    const v = await inproc(['verify-trace', trace]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    for (const id of ['L34', 'GV', 'T10', 'T35', 'LORA.rank']) expect(v.stdout).toMatch(new RegExp(`${id.replace('.', '\\.')}\\s+verified: `));
    // its dJ (float64 from both iterates) decided every L34 step
    expect(v.stdout).toMatch(/L34 .* 120 of 120 steps decided from the recorded dJ/);
    expect(readFileSync(trace, 'utf8')).toMatch(/"decrease": "dJ = /);
    // a bad flag is one line and exit status 1 from argparse/sys.exit, never a traceback
    const bad = spawnSync('/usr/bin/python3', [script, trace, '--rank', '0'], { encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).not.toMatch(/Traceback/);
  });
});
