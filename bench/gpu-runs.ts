/**
 * Bench suite `gpu-runs` (targets: README "Benchmarks"):
 *  - fmnist-logreg, full batch, N = 60000, r = 8, float32: loracheck's trainer steps/s against
 *    a PyTorch 1.13 CPU peer (bench/peers/torch_lora.py: 2 threads, autograd, same model and
 *    data, same per-step scalars and rule (8)), measured one after the other in this run;
 *  - the share of the machine's memory bandwidth one step uses: at least 2 N n 4 bytes (a step
 *    reads X twice: Z = X W^T and G = dZ^T X) over (step time x memcpy bandwidth measured here);
 *  - quadratic 4096 x 4096, r = 16: steps/s on every backend that loads;
 *  - peak RSS, and RSS growth across steps (X is held once: no per-step copies);
 *  - the GPU part (bench/webgpu.ts): webgpu against PyTorch CUDA on the same GPU, or why skipped.
 * --quick: N = 2000, quadratic 256 x 256, fewer steps.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendUnavailable, chooseBackend, type Backend, type BackendName } from '../gpu-runs/backend.ts';
import { fmnistAvailable, fmnistDir } from '../gpu-runs/data/fmnist.ts';
import { Rng } from '../gpu-runs/rng.ts';
import { parseRule } from '../gpu-runs/rules.ts';
import { MemorySink, type StepRecord } from '../gpu-runs/trace.ts';
import { train } from '../gpu-runs/trainer.ts';
import { createWorkload, type WorkloadName, type WorkloadOptions } from '../gpu-runs/workloads/index.ts';
import { type BenchOptions, type BenchSuite, type BenchTable, sig, skippedTable } from './types.ts';
import { runPeer, runWebgpuBench, webgpuTables, type PeerTiming, type WebgpuBenchResult } from './webgpu.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const MB = 1024 * 1024;

interface TrainerTiming {
  backend: string;
  stepsPerSec: number;
  msPerStep: number;
  steps: number;
  J0: number;
  Lloss: number;
  /** RSS after the warm-up steps and at the end (MB): equal when nothing is copied per step. */
  rssAfterWarmupMB: number;
  rssEndMB: number;
}

interface GpuRunsBenchResult {
  quick: boolean;
  fmnist:
    | {
        N: number;
        n: number;
        r: number;
        loracheck: TrainerTiming;
        pytorch?: { stepsPerSec: number; msPerStep: number; torch: string; threads: number; blas: string; J0: number; maxrssMB: number };
        pytorchSkipped?: string;
        /** loracheck steps/s over PyTorch steps/s (target >= 3). */
        ratio?: number;
        /** X in float32, and the bytes a step moves at least (X read twice). */
        xBytes: number;
        bytesPerStep: number;
        bandwidthGBs: number;
        /** bytesPerStep / (step time x bandwidth). */
        bandwidthShare: number;
      }
    | { skipped: string };
  quadratic: ({ backend: BackendName; m: number; n: number; r: number; stepsPerSec: number; msPerStep: number } | { backend: BackendName; skipped: string })[];
  /** PyTorch CPU eager on the same quadratic (bench/peers/torch_cuda_lora.py --device cpu), or why not. */
  quadraticPeer: PeerTiming | { skipped: string };
  /** The GPU part (bench/webgpu.ts): webgpu against PyTorch CUDA, or why it was skipped. */
  webgpu: WebgpuBenchResult;
  peakRssMB: number;
  /** Peak RSS when the fmnist phase ended (before the quadratic runs). */
  peakRssAfterFmnistMB?: number;
  bandwidth: { memcpyGBs: number; loopGBs: number };
}

const rssMB = () => process.memoryUsage().rss / MB;

/** Copy bandwidth of this machine: Float32Array.set (memcpy) and a plain JS loop, bytes read + written per second. */
function measureBandwidth(quick: boolean): { memcpyGBs: number; loopGBs: number } {
  const n = quick ? 4 * MB : 16 * MB; // floats: 16 or 64 MB per array
  const src = new Float32Array(n).fill(1);
  const dst = new Float32Array(n);
  const reps = quick ? 3 : 5;
  dst.set(src); // touch pages
  let t0 = performance.now();
  for (let k = 0; k < reps; k++) dst.set(src);
  const memcpy = (2 * 4 * n * reps) / ((performance.now() - t0) / 1000) / 1e9;
  t0 = performance.now();
  for (let k = 0; k < reps; k++) for (let i = 0; i < n; i++) dst[i] = src[i]!;
  const loop = (2 * 4 * n * reps) / ((performance.now() - t0) / 1000) / 1e9;
  return { memcpyGBs: memcpy, loopGBs: loop };
}

/** Times the real trainer (rule (8), full batch) from the trace's own clock, after `warmup` steps. */
async function timeTrainer(
  backend: Backend,
  name: WorkloadName,
  opts: WorkloadOptions,
  rank: number,
  steps: number,
  warmup: number,
): Promise<TrainerTiming> {
  const rng = new Rng(1);
  const w = createWorkload(backend.tf, name, opts, rank, rng);
  const sink = new MemorySink();
  let rssWarm = 0;
  try {
    // readEvery 1: every record carries its own read-back time (on CPU backends a read-back is free)
    await train(backend, w, rng, { steps: warmup + steps, rule: parseRule('theory'), rank, init: 'paper', seed: 1, readEvery: 1 }, sink, {
      onRecord: (r) => {
        if (r.t === warmup) rssWarm = rssMB();
      },
    });
  } finally {
    w.dispose();
  }
  const recs = sink.lines.filter((l): l is StepRecord => l.type === 'step');
  const a = recs[warmup]!;
  const b = recs[recs.length - 1]!;
  const ms = (b.time_ms - a.time_ms) / (b.t - a.t);
  const header = sink.lines[0] as { Lloss: number };
  return {
    backend: backend.detail,
    stepsPerSec: 1000 / ms,
    msPerStep: ms,
    steps: b.t - a.t,
    J0: recs[0]!.J,
    Lloss: header.Lloss,
    rssAfterWarmupMB: rssWarm,
    rssEndMB: rssMB(),
  };
}

function runTorchPeer(N: number, r: number, L: number, steps: number): { ok: NonNullable<Extract<GpuRunsBenchResult['fmnist'], { N: number }>['pytorch']> } | { skipped: string } {
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found (Debian python3-torch provides the peer)` };
  const p = spawnSync(
    PYTHON,
    [join(HERE, 'peers', 'torch_lora.py'), '--dir', fmnistDir(), '--samples', String(N), '--rank', String(r), '--steps', String(steps), '--warmup', '2', '--threads', '2', '--L', String(L)],
    { encoding: 'utf8', timeout: 600_000 },
  );
  if (p.status !== 0) {
    const why = (p.stderr || p.error?.message || '').trim().split('\n').pop() ?? 'failed';
    return { skipped: `PyTorch peer failed: ${why}${/No module named .torch/.test(why) ? ' (apt-get install python3-torch)' : ''}` };
  }
  const o = JSON.parse(p.stdout.trim().split('\n').pop()!) as Record<string, any>;
  return {
    ok: {
      stepsPerSec: o.steps_per_s,
      msPerStep: 1000 / o.steps_per_s,
      torch: o.torch,
      threads: o.threads,
      blas: o.blas,
      J0: o.J0,
      maxrssMB: o.maxrss_kb / 1024,
    },
  };
}

async function runGpuRunsBench(opts: { quick?: boolean; log?: (line: string) => void } = {}): Promise<GpuRunsBenchResult> {
  const quick = opts.quick ?? false;
  const log = opts.log ?? (() => {});
  const bandwidth = measureBandwidth(quick);
  const bw = Math.max(bandwidth.memcpyGBs, bandwidth.loopGBs);
  log(`bandwidth: memcpy ${bandwidth.memcpyGBs.toFixed(2)} GB/s, JS loop ${bandwidth.loopGBs.toFixed(2)} GB/s`);

  let fmnist: GpuRunsBenchResult['fmnist'];
  if (!fmnistAvailable()) fmnist = { skipped: `Fashion-MNIST not found in ${fmnistDir()} (apt-get install dataset-fashion-mnist)` };
  else {
    const N = quick ? 2000 : 60000;
    const r = 8;
    const steps = quick ? 5 : 10;
    const backend = await chooseBackend('auto');
    const ours = await timeTrainer(backend, 'fmnist-logreg', { samples: N }, r, steps, 2);
    log(`fmnist-logreg N=${N} r=${r}: loracheck ${ours.stepsPerSec.toFixed(2)} steps/s on ${ours.backend}`);
    const peer = runTorchPeer(N, r, ours.Lloss, steps);
    const n = 784;
    const xBytes = N * n * 4;
    const bytesPerStep = 2 * xBytes;
    fmnist = {
      N,
      n,
      r,
      loracheck: ours,
      xBytes,
      bytesPerStep,
      bandwidthGBs: bw,
      bandwidthShare: bytesPerStep / (ours.msPerStep / 1000) / (bw * 1e9),
    };
    if ('ok' in peer) {
      fmnist.pytorch = peer.ok;
      fmnist.ratio = ours.stepsPerSec / peer.ok.stepsPerSec;
      log(`  PyTorch ${peer.ok.torch} (${peer.ok.threads} threads, BLAS ${peer.ok.blas}): ${peer.ok.stepsPerSec.toFixed(2)} steps/s; ratio ${fmnist.ratio.toFixed(2)}x`);
    } else {
      fmnist.pytorchSkipped = peer.skipped;
      log(`  PyTorch peer skipped: ${peer.skipped}`);
    }
    log(`  a step moves >= ${(bytesPerStep / 1e6).toFixed(0)} MB: ${(100 * fmnist.bandwidthShare).toFixed(1)}% of ${bw.toFixed(2)} GB/s`);
  }

  const peakRssAfterFmnistMB = 'skipped' in fmnist ? undefined : process.resourceUsage().maxRSS / 1024;
  const quadratic: GpuRunsBenchResult['quadratic'] = [];
  const size = quick ? 256 : 4096;
  const quadSteps = (name: BackendName) => (quick ? 3 : name === 'cpu' ? 2 : 5);
  for (const name of ['gpu', 'webgpu', 'native', 'wasm', 'cpu'] as const) {
    let backend: Backend;
    try {
      backend = await chooseBackend(name);
      if (backend.adapter?.software) throw new BackendUnavailable(`a software adapter (${backend.adapter.label}): not timed at this size`);
    } catch (e) {
      if (!(e instanceof BackendUnavailable)) throw e;
      quadratic.push({ backend: name, skipped: e.message });
      log(`quadratic ${size}x${size} r=16 on ${name}: skipped (${e.message})`);
      continue;
    }
    // The plain-JS kernels take seconds per step at 4096 x 4096: fewer steps there.
    const t = await timeTrainer(backend, 'quadratic', { m: size, n: size }, 16, quadSteps(name), 1);
    quadratic.push({ backend: name, m: size, n: size, r: 16, stepsPerSec: t.stepsPerSec, msPerStep: t.msPerStep });
    log(`quadratic ${size}x${size} r=16 on ${t.backend}: ${t.stepsPerSec.toFixed(2)} steps/s`);
  }
  // the peer: the same step in PyTorch eager on this CPU, every step's scalars read back, 1 warm-up step
  const quadraticPeer = existsSync(PYTHON)
    ? runPeer(['--workload', 'quadratic', '--m', String(size), '--n', String(size), '--rank', '16', '--steps', String(quadSteps('wasm')), '--warmup', '1'], 'cpu', false)
    : { skipped: `${PYTHON} not found (Debian python3-torch provides the peer)` };
  log(`quadratic ${size}x${size} r=16, PyTorch CPU peer: ${'skipped' in quadraticPeer ? `skipped (${quadraticPeer.skipped})` : `${quadraticPeer.stepsPerSec.toFixed(2)} steps/s`}`);
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  log(`peak RSS ${peakRssMB.toFixed(0)} MB`);
  const webgpu = await runWebgpuBench({ quick, log });
  return { quick, fmnist, quadratic, quadraticPeer, webgpu, peakRssMB, ...(peakRssAfterFmnistMB !== undefined ? { peakRssAfterFmnistMB } : {}), bandwidth };
}


/** The result as the bench command's tables. */
function benchTables(r: GpuRunsBenchResult): BenchTable[] {
  const tables: BenchTable[] = [];
  const f = r.fmnist;
  if ('skipped' in f) tables.push(skippedTable('fmnist-logreg vs PyTorch', f.skipped));
  else {
    const rows: (string | number)[][] = [['loracheck (tfjs)', f.loracheck.backend, sig(f.loracheck.stepsPerSec), sig(f.loracheck.msPerStep), f.ratio !== undefined ? sig(f.ratio) : '-']];
    if (f.pytorch)
      rows.push([`PyTorch ${f.pytorch.torch} CPU, autograd`, `${f.pytorch.threads} threads, BLAS ${f.pytorch.blas}`, sig(f.pytorch.stepsPerSec), sig(f.pytorch.msPerStep), 1]);
    tables.push({
      title: `fmnist-logreg, full batch, N = ${f.N}, r = ${f.r}, float32, rule (8)`,
      columns: ['implementation', 'backend', 'steps/s', 'ms/step', 'x PyTorch'],
      rows,
      ...(f.pytorchSkipped ? { skipped: [`PyTorch peer: ${f.pytorchSkipped}`] } : {}),
      notes: [
        ...(f.pytorch ? [`x PyTorch: loracheck's steps/s over PyTorch's (above 1: loracheck faster): ${sig(f.ratio!)}x (target >= 3x), the two measured one after the other in this run`] : []),
        `a step reads X (${sig(f.xBytes / 1e6)} MB) twice: >= ${sig(f.bytesPerStep / 1e6)} MB per step = ${sig(100 * f.bandwidthShare)}% of the ${sig(f.bandwidthGBs)} GB/s copy bandwidth measured here`,
        `RSS after warm-up ${sig(f.loracheck.rssAfterWarmupMB)} MB, after the timed steps ${sig(f.loracheck.rssEndMB)} MB (no per-step copy of X)`,
        ...(f.pytorch ? [`PyTorch peer peak RSS ${sig(f.pytorch.maxrssMB)} MB; J(V_0): loracheck ${sig(f.loracheck.J0, 6)}, PyTorch ${sig(f.pytorch.J0, 6)}`] : []),
      ],
    });
  }
  const qp = r.quadraticPeer;
  const xPeer = (stepsPerSec: number) => ('skipped' in qp ? '-' : sig(stepsPerSec / qp.stepsPerSec));
  const qSkipped = [...r.quadratic.flatMap((q) => ('skipped' in q ? [`${q.backend}: ${q.skipped}`] : [])), ...('skipped' in qp ? [`PyTorch CPU peer: ${qp.skipped}`] : [])];
  tables.push({
    title: `quadratic ${r.quick ? '256 x 256' : '4096 x 4096'}, r = 16, rule (8), per backend`,
    columns: ['backend', 'steps/s', 'ms/step', 'x PyTorch'],
    rows: [
      ...r.quadratic.map((q) => ('skipped' in q ? [q.backend, '-', '-', '-'] : [q.backend, sig(q.stepsPerSec), sig(q.msPerStep), xPeer(q.stepsPerSec)])),
      ...('skipped' in qp ? [] : [[`PyTorch ${qp.torch} eager (cpu)`, sig(qp.stepsPerSec), sig(qp.msPerStep), 1]]),
    ],
    ...(qSkipped.length ? { skipped: qSkipped } : {}),
    notes: [
      'every step reads its J, ||V||^2, ||G||, ||grad J||^2 back to the host and computes eta (8) on both sides; loracheck 1 warm-up step, then the trace\'s own clock; PyTorch (bench/peers/torch_cuda_lora.py --device cpu, hand-written gradients, its default threads) 1 warm-up step, then the same number of steps, in this run',
      "x PyTorch: the backend's steps/s over PyTorch's (above 1: loracheck faster)",
    ],
  });
  tables.push({
    title: 'memory',
    columns: ['metric', 'value'],
    rows: [
      ...(r.peakRssAfterFmnistMB !== undefined ? [['peak RSS after the fmnist-logreg phase (MB)', sig(r.peakRssAfterFmnistMB)]] : []),
      ['peak RSS of this bench process, quadratic on every backend included (MB)', sig(r.peakRssMB)],
      ['copy bandwidth, Float32Array.set (GB/s, read + write)', sig(r.bandwidth.memcpyGBs)],
      ['copy bandwidth, JS loop (GB/s, read + write)', sig(r.bandwidth.loopGBs)],
    ],
    notes: ['peak RSS is the process\'s since it started: suites run before this one in the same `bench` call are included (run `--suite gpu-runs` alone for this suite\'s own)'],
  });
  tables.push(...webgpuTables(r.webgpu));
  return tables;
}

export const suite: BenchSuite = {
  name: 'gpu-runs',
  async run(opts: BenchOptions): Promise<BenchTable[]> {
    return benchTables(await runGpuRunsBench({ quick: opts.quick, log: opts.log }));
  },
};
