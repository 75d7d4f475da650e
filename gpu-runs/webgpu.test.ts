/**
 * The webgpu backend on a CPU-only machine: Dawn over Chromium's SwiftShader Vulkan driver
 * (Debian `chromium`, which `.ci/run` installs). Every workload and rule runs on it at tiny sizes
 * (SwiftShader is slow: a 256 x 256 matMul takes about 0.3 s here); the trajectories agree with
 * the wasm backend within float32 rounding, theory traces verify, tf.memory() stays flat across
 * steps, and the CLI writes a trace whose header names the adapter. Skipped (with a message)
 * only where the SwiftShader driver is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseBackend, type BackendName } from './backend.ts';
import { fmnistAvailable } from './data/fmnist.ts';
import { Rng } from './rng.ts';
import { ETA_MARGIN, parseRule, stepSize } from './rules.ts';
import { parseTrace, type Trace } from './trace-reader.ts';
import { MemorySink, type StepRecord } from './trace.ts';
import { train, type TrainConfig } from './trainer.ts';
import { verifyTrace } from './verify.ts';
import { createWorkload, type WorkloadName, type WorkloadOptions } from './workloads/index.ts';

const SWIFTSHADER = process.env.LORACHECK_SWIFTSHADER_ICD || '/usr/lib/chromium/vk_swiftshader_icd.json';
const HAS_SWIFTSHADER = existsSync(SWIFTSHADER);
if (!HAS_SWIFTSHADER) console.warn(`gpu-runs/webgpu.test.ts: ${SWIFTSHADER} not found (apt-get install chromium): webgpu tests skipped`);
const FMNIST = fmnistAvailable();
if (!FMNIST) console.warn('gpu-runs/webgpu.test.ts: Fashion-MNIST not installed: its webgpu cases skipped');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** What Dawn and the Vulkan loader print on stderr while drivers are tried. */
const DAWN_NOISE = /XDG_RUNTIME_DIR|Loader Message|vkCreateInstance|While initializing|cannot open shared object|Found no drivers|Warning: /;

const dir = mkdtempSync(join(tmpdir(), 'loracheck-webgpu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  name: WorkloadName;
  opts: WorkloadOptions;
  rank: number;
  steps: number;
  batch?: number;
  fmnist?: boolean;
}

async function runOn(backendName: BackendName, c: Case, rule: string, extra: Partial<TrainConfig> = {}, onRecord?: (r: StepRecord) => void, shouldStop?: () => boolean) {
  const backend = await chooseBackend(backendName);
  const rng = new Rng(21);
  const w = createWorkload(backend.tf, c.name, c.opts, c.rank, rng);
  const sink = new MemorySink();
  try {
    await train(backend, w, rng, { steps: c.steps, rule: parseRule(rule), rank: c.rank, init: 'paper', seed: 21, batch: c.batch, ...extra }, sink, { onRecord, shouldStop });
  } finally {
    w.dispose();
  }
  return { trace: parseTrace(sink.text(), `${c.name}-${backendName}.jsonl`), backend };
}

/**
 * The largest relative difference of the recorded scalars of two traces, field by field. Both
 * run the same float32 algorithm; only the kernels' summation orders differ (rounding of about
 * 1e-7 per operation, compounding over steps).
 */
type Field = 'J' | 'Vsq' | 'Gnorm' | 'gradJsq' | 'eta';
function worstRelDiff(a: Trace, b: Trace, fields: Field[] = ['J', 'Vsq', 'Gnorm', 'gradJsq', 'eta']): { rel: number; where: string } {
  expect(a.steps.length).toBe(b.steps.length);
  let worst = { rel: 0, where: '' };
  for (let i = 0; i < a.steps.length; i++)
    for (const f of fields) {
      const x = a.steps[i]![f];
      const y = b.steps[i]![f];
      const rel = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-30);
      if (rel > worst.rel) worst = { rel, where: `t = ${i}, ${f}: ${x} vs ${y}` };
    }
  return worst;
}

/** Agreement asked of wasm and webgpu: 2^-14 relative, the verifier's float32 tolerance
 *  (measured here: 2e-7 to 5e-7). */
const AGREE = 2 ** -14;
/** mlp's eta rests on an estimated L, a secant ratio ||G_t - G_{t-1}|| / ||W_t - W_{t-1}|| of
 *  nearby iterates: the subtraction cancels about 10 bits, so its eta, and through it the whole
 *  trajectory, agrees to 2^-10 only (measured: 3e-5 to 6e-5 over 12 steps). */
const AGREE_SECANT = 2 ** -10;

const CASES: Case[] = [
  { name: 'quadratic', opts: { m: 12, n: 10 }, rank: 3, steps: 12 },
  { name: 'penguins-logreg', opts: {}, rank: 2, steps: 12 },
  { name: 'mlp', opts: { hidden: 4 }, rank: 2, steps: 10 },
  { name: 'fmnist-logreg', opts: { samples: 16 }, rank: 2, steps: 4, fmnist: true },
  { name: 'fmnist-2head', opts: { samples: 16 }, rank: 2, steps: 4, fmnist: true },
];

describe.skipIf(!HAS_SWIFTSHADER)('webgpu on SwiftShader', () => {
  it('--backend webgpu takes the software adapter, says so, and records it', async () => {
    const b = await chooseBackend('webgpu');
    expect(b.name).toBe('webgpu');
    expect(b.adapter).toMatchObject({ architecture: 'swiftshader', software: true });
    expect(b.detail).toMatch(/SOFTWARE adapter/);
    const auto = await chooseBackend('auto');
    expect(auto.name).not.toBe('webgpu'); // auto never picks a software adapter
    expect(auto.reasonsSkipped.find((r) => r.startsWith('webgpu:'))).toMatch(/software/);
  });

  for (const c of CASES)
    it.skipIf(c.fmnist && !FMNIST)(`${c.name}: rule (8), full batch, agrees with wasm and verifies`, async () => {
      const web = await runOn('webgpu', c, 'theory');
      const was = await runOn('wasm', c, 'theory');
      expect(web.trace.header).toMatchObject({ backend: 'webgpu', adapter: { architecture: 'swiftshader' } });
      const d = worstRelDiff(web.trace, was.trace);
      console.log(`webgpu vs wasm, ${c.name}: worst relative difference ${d.rel.toExponential(2)} (${d.where})`);
      expect(d.rel, d.where).toBeLessThan(c.name === 'mlp' ? AGREE_SECANT : AGREE);
      const claims = verifyTrace(web.trace).claims;
      for (const cl of claims) {
        // Fashion-MNIST: a step of (8) may promise a decrease of J below what float32 resolves
        // (README, "Precision"), so L34 may be undecided there; never violated
        const ok = c.fmnist && cl.id === 'L34' ? ['verified', 'undecided'] : ['verified'];
        expect(ok, `${cl.id}: ${cl.status}: ${cl.reason ?? ''}`).toContain(cl.status);
        expect(cl.violations).toBe(0);
        expect(cl.stepsChecked).toBeGreaterThanOrEqual(c.steps);
      }
      // the same verdicts as the wasm trace's
      expect(claims.map((cl) => cl.status)).toEqual(verifyTrace(was.trace).claims.map((cl) => cl.status));
      expect(web.trace.steps[c.steps]!.J).toBeLessThan(web.trace.steps[0]!.J);
    });

  it('every rule, and mini-batch runs, agree with wasm', async () => {
    for (const rule of ['adapt', 'adapt2', 'norm', 'const:0.05']) {
      const c: Case = { name: 'quadratic', opts: { m: 6, n: 5 }, rank: 2, steps: 2 };
      const d = worstRelDiff((await runOn('webgpu', c, rule)).trace, (await runOn('wasm', c, rule)).trace);
      expect(d.rel, `${rule}: ${d.where}`).toBeLessThan(AGREE);
    }
    for (const c of [
      { ...CASES[1]!, steps: 2, batch: 32 },
      { ...CASES[2]!, steps: 2, batch: 16 },
      ...(FMNIST ? [{ ...CASES[4]!, steps: 2, batch: 8 }] : []),
    ]) {
      const web = (await runOn('webgpu', c, 'adapt2')).trace;
      expect(web.steps.every((s) => typeof s.batchJ === 'number')).toBe(true);
      const d = worstRelDiff(web, (await runOn('wasm', c, 'adapt2')).trace);
      expect(d.rel, `${c.name} batch ${c.batch}: ${d.where}`).toBeLessThan(AGREE);
    }
  });

  it('the custom kernels and the plain tfjs ops give the same trajectory on webgpu', async () => {
    for (const c of [
      { name: 'quadratic', opts: { m: 12, n: 10 }, rank: 3, steps: 5 },
      { name: 'penguins-logreg', opts: {}, rank: 2, steps: 5 },
    ] as Case[]) {
      const fused = (await runOn('webgpu', c, 'theory')).trace;
      process.env.LORACHECK_WEBGPU_KERNELS = '0';
      try {
        const plain = (await runOn('webgpu', c, 'theory')).trace;
        const d = worstRelDiff(fused, plain);
        expect(d.rel, `${c.name}: ${d.where}`).toBeLessThan(AGREE);
        expect(d.rel).toBeGreaterThan(0); // two different computations, not one path twice
      } finally {
        delete process.env.LORACHECK_WEBGPU_KERNELS;
      }
    }
  });

  it('cola: eta on the device, records read back 4 at a time, across chain links, against the host-eta path', async () => {
    const cfg: Partial<TrainConfig> = { method: 'cola', linkSteps: 3, readEvery: 4, readAfterMs: Infinity };
    const u = 2 ** -24;
    const onHost = async (run: () => Promise<Trace>): Promise<Trace> => {
      process.env.LORACHECK_COLA_HOST_ETA = '1';
      try {
        return await run();
      } finally {
        delete process.env.LORACHECK_COLA_HOST_ETA;
      }
    };
    // (8), and norm (the rule that reads grad J's rows), each across one chain-link merge at least
    for (const [rule, steps] of [['theory', 10], ['norm', 4]] as const) {
      const c: Case = { name: 'quadratic', opts: { m: 6, n: 5 }, rank: 2, steps };
      const dev = (await runOn('webgpu', c, rule, cfg)).trace;
      const host = await onHost(async () => (await runOn('webgpu', c, rule, cfg)).trace);
      expect(dev.summary).toMatchObject({ steps: c.steps, diverged: false });
      // one read-back per 4 records (they share its time stamp); the host path reads every step
      expect(new Set(dev.steps.map((s) => s.time_ms)).size).toBe(Math.ceil((c.steps + 1) / 4));
      expect(new Set(host.steps.map((s) => s.time_ms)).size).toBe(c.steps + 1);
      // the same start: the first record's scalars bit for bit (its eta differs by the margin)
      for (const f of ['J', 'Vsq', 'Gnorm', 'gradJsq', 'distSq'] as const) expect(dev.steps[0]![f], f).toBe(host.steps[0]![f]);
      // every eta against the rule on its own recorded float64 scalars: the host's is the rule
      // rounded down to float32 (within 2 units of 2^-24), the device's ETA_MARGIN (12 units) and
      // its float32 evaluation (8 units) below it, never above
      const ratios = (tr: Trace) =>
        tr.steps.map((s) => s.eta / stepSize(parseRule(rule), tr.header.alpha ?? null, { Vsq: s.Vsq, Gnorm: s.Gnorm, J: s.J, gradJsq: s.gradJsq, L: tr.header.L }));
      for (const [i, q] of ratios(dev).entries()) {
        expect(q, `${rule} device t = ${i}`).toBeGreaterThanOrEqual(1 - ETA_MARGIN - 8 * u);
        expect(q, `${rule} device t = ${i}`).toBeLessThanOrEqual(1);
      }
      for (const [i, q] of ratios(host).entries()) {
        expect(q, `${rule} host t = ${i}`).toBeGreaterThanOrEqual(1 - 2 * u);
        expect(q, `${rule} host t = ${i}`).toBeLessThanOrEqual(1);
      }
      // from there on the two trajectories differ only through that margin
      const d = worstRelDiff(dev, host);
      console.log(`cola ${rule}, device vs host eta: worst relative difference ${d.rel.toExponential(2)} (${d.where})`);
      expect(d.rel, d.where).toBeLessThan(2 ** -18);
    }
    // divergence (norm, alpha 5, from a random start): found at a batched read-back, at the step the host path finds it
    const wild: Case = { name: 'quadratic', opts: { m: 6, n: 5 }, rank: 2, steps: 40 };
    const div = { ...cfg, alpha: 5, init: 'random' } as const;
    const a = (await runOn('webgpu', wild, 'norm', div)).trace;
    const b = await onHost(async () => (await runOn('webgpu', wild, 'norm', div)).trace);
    expect(a.divergence?.reason).toMatch(/is (NaN|Infinity|-Infinity) at step \d+/);
    expect(a.summary).toMatchObject({ diverged: true, steps: a.divergence!.t });
    expect(a.divergence!.t).toBe(b.divergence!.t);
    // Ctrl-C after the third record: the fourth, already computed and read back with it, is dropped
    let seen = 0;
    const stopped = (await runOn('webgpu', { ...wild, steps: 20 }, 'theory', cfg, () => seen++, () => seen >= 3)).trace;
    expect(stopped.steps.map((s) => s.t)).toEqual([0, 1, 2]);
    expect(stopped.summary).toMatchObject({ interrupted: true, steps: 2, diverged: false });
  });

  it('a diverging constant step ends with a divergence record, as on wasm', async () => {
    const c: Case = { name: 'quadratic', opts: { m: 6, n: 5 }, rank: 2, steps: 60 };
    const web = (await runOn('webgpu', c, 'const:20', { init: 'random' })).trace;
    const was = (await runOn('wasm', c, 'const:20', { init: 'random' })).trace;
    expect(web.divergence?.reason).toMatch(/is (NaN|Infinity|-Infinity) at step \d+/);
    expect(web.summary).toMatchObject({ diverged: true, steps: web.divergence!.t });
    expect(web.divergence!.t).toBe(was.divergence!.t);
  });

  it('Ctrl-C with batched read-backs: the trace ends at the record the stop followed', async () => {
    let seen = 0;
    const c: Case = { name: 'quadratic', opts: { m: 6, n: 5 }, rank: 2, steps: 50 };
    const backend = await chooseBackend('webgpu');
    const rng = new Rng(3);
    const w = createWorkload(backend.tf, c.name, c.opts, c.rank, rng);
    const sink = new MemorySink();
    await train(backend, w, rng, { steps: 50, rule: parseRule('theory'), rank: 2, init: 'paper', seed: 3, readEvery: 4, readAfterMs: Infinity }, sink, {
      onRecord: () => seen++,
      shouldStop: () => seen >= 3,
    });
    w.dispose();
    const tr = parseTrace(sink.text(), 'stop.jsonl');
    // records come back 4 at a time; the stop after the third drops the fourth (already computed)
    expect(tr.steps.map((s) => s.t)).toEqual([0, 1, 2]);
    expect(tr.summary).toMatchObject({ interrupted: true, steps: 2, diverged: false });
  });

  it('no tensor or GPU buffer grows across steps (tf.memory() flat)', async () => {
    const seen: { tensors: number; bytes: number; gpu: number }[] = [];
    const c: Case = { name: 'quadratic', opts: { m: 8, n: 6 }, rank: 2, steps: 20 };
    const tf = (await chooseBackend('webgpu')).tf;
    await runOn('webgpu', c, 'theory', { readEvery: 4, readAfterMs: Infinity }, () => {
      const m = tf.memory() as { numTensors: number; numBytes: number; numBytesAllocatedInGPU?: number };
      seen.push({ tensors: m.numTensors, bytes: m.numBytes, gpu: m.numBytesAllocatedInGPU ?? 0 });
    });
    // records come back in groups of 4: compare the state at every read-back after the first two
    const reads = seen.filter((_, i) => i % 4 === 3).slice(2);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const s of reads) expect(s).toEqual(reads[0]);
    expect(reads[0]!.gpu).toBeGreaterThan(0); // the buffer pool is measured, not absent
  });

  it('CLI: train --backend webgpu writes a trace naming the adapter; verify-trace accepts it', () => {
    const out = join(dir, 't.jsonl');
    const env: NodeJS.ProcessEnv = { ...process.env, LORACHECK_RESULTS: join(dir, 'results') };
    delete env.XDG_RUNTIME_DIR; // Vulkan's window-system code complains without one: loracheck gives Dawn its own
    const t = spawnSync(process.execPath, [join(ROOT, 'bin', 'loracheck.js'), 'train', '--backend', 'webgpu', '--workload', 'quadratic', '--size', '64x64', '--rank', '4', '--steps', '30', '--seed', '1', '--out', out], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    expect(t.status, t.stderr).toBe(0);
    expect(t.stderr, 'stderr of loracheck train').not.toMatch(DAWN_NOISE);
    expect(t.stdout).toMatch(/^backend: webgpu \(Dawn\/vulkan: .*SwiftShader.*SOFTWARE adapter/m);
    const header = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!);
    expect(header).toMatchObject({ backend: 'webgpu', adapter: { vendor: 'google', architecture: 'swiftshader', software: true } });
    expect(header.adapter.description).toMatch(/SwiftShader/);
    const v = spawnSync(process.execPath, [join(ROOT, 'bin', 'loracheck.js'), 'verify-trace', out], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect(v.status, v.stdout + v.stderr).toBe(0);
    // L34, GV, T10, T35, and LORA.rank (a quadratic trace states LoRA's rank-r bound)
    expect(v.stdout.match(/ verified: /g)).toHaveLength(5);
  });
});

describe.skipIf(!HAS_SWIFTSHADER)('loracheck backends', () => {
  it('lists webgpu with its adapter, marked software, and an auto choice that is not webgpu', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'loracheck.js'), 'backends', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { backends: { name: string; available: boolean; autoEligible: boolean; adapter?: { architecture: string } }[]; auto: string };
    expect(doc.backends.map((b) => b.name)).toEqual(['gpu', 'webgpu', 'native', 'wasm', 'cpu']);
    expect(doc.backends[1]).toMatchObject({ available: true, autoEligible: false, adapter: { architecture: 'swiftshader' } });
    expect(doc.auto).toMatch(/^(wasm|native|gpu) .*webgpu: only a software adapter/);
  });

  it("train's auto choice names the software adapter it leaves to --backend webgpu, as backends does", () => {
    const out = join(dir, 'auto.jsonl');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'loracheck.js'), 'train', '--workload', 'quadratic', '--size', '8x8', '--rank', '1', '--steps', '1', '--quiet', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const first = r.stdout.split('\n')[0]!;
    expect(first).toMatch(/^backend: (wasm|native|gpu)\b/);
    expect(first).toMatch(/webgpu: .*(only a software adapter|SwiftShader \(.*\), a software adapter, is left to --backend webgpu)/);
  });
});

/** A driver manifest whose library is missing: the loader warns about it when Dawn starts on it. */
function brokenDriver(): string {
  const f = join(dir, 'broken_icd.json');
  writeFileSync(f, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: join(dir, 'libvulkan_missing.so'), api_version: '1.3.0' } }));
  return f;
}

describe.skipIf(!HAS_SWIFTSHADER)("Dawn's and the loader's messages stay out of loracheck's output", () => {
  it('a driver that fails is tried apart, named with the reason, and not given to Dawn; no $XDG_RUNTIME_DIR needed', () => {
    const broken = brokenDriver();
    const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: `${broken}:${SWIFTSHADER}`, LORACHECK_RESULTS: join(dir, 'results') };
    delete env.XDG_RUNTIME_DIR;
    delete env.VK_DRIVER_FILES;
    const b = spawnSync(process.execPath, [join(ROOT, 'bin', 'loracheck.js'), 'backends'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect(b.status, b.stderr).toBe(0);
    expect(b.stderr, 'stderr of loracheck backends').not.toMatch(DAWN_NOISE);
    expect(b.stdout).toContain(`drivers ${SWIFTSHADER}`);
    expect(b.stdout).toMatch(new RegExp(`not used: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(.*libvulkan_missing\\.so: cannot open shared object file`));
    const out = join(dir, 'quiet.jsonl');
    const t = spawnSync(process.execPath, [join(ROOT, 'bin', 'loracheck.js'), 'train', '--backend', 'webgpu', '--workload', 'quadratic', '--size', '32x32', '--rank', '2', '--steps', '3', '--seed', '1', '--out', out], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    expect(t.status, t.stderr).toBe(0);
    expect(t.stderr, 'stderr of loracheck train').not.toMatch(DAWN_NOISE);
    const header = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!);
    expect(header.adapter.vulkanDrivers).toEqual([SWIFTSHADER]);
    expect(header.adapter.vulkanDriversSkipped).toEqual([expect.stringMatching(/^.*broken_icd\.json \(.*cannot open shared object file/)]);
  });

  it('only a failing driver: one line with its reason, exit 2', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: brokenDriver(), LORACHECK_RESULTS: join(dir, 'results') };
    delete env.XDG_RUNTIME_DIR;
    delete env.VK_DRIVER_FILES;
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'loracheck.js'), 'train', '--backend', 'webgpu', '--steps', '1'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/backend webgpu is not available: Dawn found no usable adapter among the Vulkan drivers .*broken_icd\.json \(.*cannot open shared object file/);
  });
});

describe('webgpu without an adapter', () => {
  it('--backend webgpu with no Vulkan driver: one line, exit 2', () => {
    const env = { ...process.env, VK_ICD_FILENAMES: join(dir, 'no-such-driver.json'), LORACHECK_RESULTS: join(dir, 'results') };
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'loracheck.js'), 'train', '--backend', 'webgpu', '--steps', '1'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/backend webgpu is not available: (no Vulkan driver|the Vulkan loader)/);
  });
});
