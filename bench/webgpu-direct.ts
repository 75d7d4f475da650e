/**
 * Bench suite `webgpu-direct`: the trainer's LoRA step on the quadratic (rule (8), full batch,
 * paper init), dispatched straight on Dawn's GPUDevice instead of through tfjs-backend-webgpu.
 *
 * bench/webgpu-profile.ts measured where the trainer's step goes at 4096 x 4096, r = 16 on an
 * H200: its 8 dispatches take 0.315 ms of GPU time, the step 1.89 ms of wall time, because each
 * dispatch through tfjs costs about 0.1 ms of host work. Here the same WGSL (the programs of
 * gpu-runs/workloads/quadratic-webgpu.ts and gpu-runs/step-webgpu.ts, their getUserCode
 * verbatim; only tfjs' preamble, bindings and uniform struct are rebuilt: gpu-runs/direct-webgpu.ts) runs with
 * pipelines, buffers and bind groups made ONCE, and READ_EVERY steps encoded into one command
 * encoder, one compute pass and one queue.submit; each step's record (the J, ||V||^2, ||G||^2,
 * ||grad J||^2 partials and eta (8)) is written into its slot of one GPU buffer, copied to a
 * mappable buffer and read back once per READ_EVERY steps, then summed on the host in float64
 * as the trainer does (gpu-runs/trainer.ts unpack).
 *
 * One step, 7 dispatches (the trainer's 8 less tfjs' SliceProgram: grad_B is bound as a range
 * of the row kernel's output instead of copied out of it):
 *   rowstep      [loss terms | ||G||^2 rows | G A^T]  (LoracheckQuadraticRowStep)
 *   colpartials  B^T G over chunks of rows            (LoracheckQuadraticColPartials)
 *   sumchunks    grad_A = the chunks summed           (LoracheckSumChunks)
 *   rowsquares   rows of B, A, grad_B, grad_A squared (LoracheckRowSquares)
 *   record       the record and eta (8), into the step's slot (LoracheckStepRecord)
 *   update x 2   B, A <- B, A - eta grad  (3), ping-pong buffers (LoracheckStepUpdate)
 *
 * CORRECTNESS: the first CHECK_STEPS + 1 records are compared with the tfjs trainer's on the
 * same seed and inputs (train() on a fresh workload); a disagreement beyond CHECK_TOL (relative)
 * makes the size's rows say "wrong: ..." and its time is not reported. Every direct record's eta
 * is also checked against rule (8) evaluated in float64 on its recorded scalars (as the trainer's
 * checkEta does).
 * Runs on a HARDWARE adapter at 4096 x 4096, r = 16 (the check also at 64 x 64, r = 4), with the
 * trainer (its direct path, and its tfjs path: LORACHECK_WEBGPU_DIRECT off) and PyTorch eager
 * (bench/peers/torch_cuda_lora.py) timed in the same run;
 * LORACHECK_BENCH_GPU_SOFTWARE=1 runs it on a software adapter (SwiftShader) at toy sizes, no
 * peer: a plumbing and correctness check that measures nothing of a GPU.
 */
import type { Backend } from '../gpu-runs/backend.ts';
import { Rng } from '../gpu-runs/rng.ts';
import type { DirectStep } from '../gpu-runs/direct-dawn.ts';
import { makeDirect } from '../gpu-runs/direct-webgpu.ts';
import { parseRule } from '../gpu-runs/rules.ts';
import { DEFAULT_READ_EVERY } from '../gpu-runs/train-common.ts';
import { levels, quadraticWorkload } from '../gpu-runs/workloads/quadratic.ts';
import { checkBothWays, eagerColumn, timeDirect, trainerReference, type DirectTiming, type RecordCheck } from './direct-check.ts';
import { type BenchOptions, type BenchSuite, type BenchTable, sig, skippedTable } from './types.ts';
import { GPU_PLAN, TIMED_COLUMN, TIMED_NOTE, openWebgpu, peerPlanArgs, timeWorkload, timedText, type PeerTiming, type StepTiming, type TimingPlan } from './webgpu.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type GPUDevice = any;

const READ_EVERY = DEFAULT_READ_EVERY;
/** Steps compared (t = 0..CHECK_STEPS): past one read-back batch, so that both halves of the record slots are used. */
export const CHECK_STEPS = 40;
/** Relative agreement asked of the direct records against the trainer's: the same float32 kernels in the same order (on
 *  SwiftShader they agree bit for bit; a driver may contract a * b + c differently in the rebuilt shaders). */
const CHECK_TOL = 1e-5;
const SEED = 1;
/** On a software adapter: a plumbing check over a few read-back periods, no clock. */
const SOFTWARE_PLAN: TimingPlan = { warmupSteps: 2, warmupMs: 0, minSteps: 32, minMs: 0, maxSteps: 96 };

/** The direct step at one size (gpu-runs/direct-webgpu.ts) on the trainer's inputs; numScale scales eta's
 *  numerator: 1 is the trainer's step; the tests pass another value to see the check fail. */
function makeBenchDirect(device: GPUDevice, m: number, r: number, C: Float32Array, h: Float32Array, k: Float32Array, A0: Float32Array, L: number, numScale = 1): Promise<DirectStep> {
  return makeDirect(device, { m, n: m, r, C, h, k, B0: new Float32Array(m * r), A0, rule: parseRule('theory'), alpha: null, L, distance: false, maxBatch: READ_EVERY, numScale });
}

/** The inputs the trainer sees on seed SEED (timeWorkload / train: the workload, then A from the same rng). */
async function inputs(backend: Backend, m: number, r: number): Promise<{ C: Float32Array; h: Float32Array; k: Float32Array; A0: Float32Array; L: number }> {
  const rng = new Rng(SEED);
  const w = quadraticWorkload(backend.tf, 'quadratic', m, m, r, rng);
  try {
    const A0 = Float32Array.from(rng.gaussian(r * m, 1 / Math.sqrt(m)));
    const C = (await w.optimum![0]!.data()) as Float32Array;
    // h and k: quadraticWorkload's first two draws
    const again = new Rng(SEED);
    const h = levels(again, m);
    const k = levels(again, m);
    return { C, h, k, A0, L: Math.max(w.Lloss!, 1) };
  } finally {
    w.dispose();
  }
}

/** The direct records against the tfjs trainer's, t = 0..CHECK_STEPS, and eta against (8) in float64. */
export async function checkSize(backend: Backend, device: GPUDevice, m: number, r: number, numScale = 1): Promise<RecordCheck> {
  const make = (rng: Rng) => quadraticWorkload(backend.tf, 'quadratic', m, m, r, rng);
  const { ref, res } = await trainerReference(backend, make, `${m} x ${m}, r = ${r}`, r, CHECK_STEPS, SEED, READ_EVERY);
  const inp = await inputs(backend, m, r);
  const open = async () => ({ step: await makeBenchDirect(device, m, r, inp.C, inp.h, inp.k, inp.A0, inp.L, numScale), L: inp.L });
  return checkBothWays(res, ref, open, CHECK_STEPS, READ_EVERY, CHECK_TOL);
}

interface Timed {
  name: string;
  m: number;
  r: number;
  check: RecordCheck;
  direct?: DirectTiming;
  /** The same with the next READ_EVERY steps submitted before each read-back. */
  directPipelined?: DirectTiming;
  trainer?: StepTiming;
  /** The trainer itself (train()) on its direct path (LORACHECK_WEBGPU_DIRECT on): the trace it writes. */
  trainerDirect?: StepTiming;
  eager?: PeerTiming;
  peerSkipped?: string;
  failed?: string;
}

async function runDirect(opts: BenchOptions): Promise<{ adapter: string; software: boolean; checks: RecordCheck[]; timed: Timed[] } | { skipped: string }> {
  const { log } = opts;
  const opened = await openWebgpu();
  if ('skipped' in opened) return opened;
  const backend: Backend = opened;
  const a = backend.adapter!;
  if (a.software && process.env.LORACHECK_BENCH_GPU_SOFTWARE !== '1')
    return { skipped: `the only WebGPU adapter is a software rasteriser (${a.label}): timings need a hardware adapter (LORACHECK_BENCH_GPU_SOFTWARE=1 runs it at toy sizes)` };
  const device: GPUDevice = (backend.tf.backend() as any).device;
  log(`webgpu-direct on ${a.label}${a.software ? ' (software)' : ''}`);
  const checks: RecordCheck[] = [];
  const timed: Timed[] = [];
  // [m, r, timed]: the check alone at 64 x 64, r = 4; then the check and the timing at the size
  const sizes: [number, number, boolean][] = a.software ? [[64, 4, false], [128, 16, true]] : [[64, 4, false], [4096, 16, true]];
  for (const [m, r, time] of sizes) {
    const name = `quadratic ${m} x ${m}, r = ${r}`;
    let c: RecordCheck;
    try {
      c = await checkSize(backend, device, m, r);
    } catch (e) {
      c = { size: `${m} x ${m}, r = ${r}`, steps: 0, maxRel: NaN, values: 0, exact: 0, worst: '-', wrong: `failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    checks.push(c);
    log(`${name}: records vs the trainer over ${c.steps} steps: max relative difference ${c.maxRel}, ${c.exact} of ${c.values} values equal${c.wrong ? `; WRONG: ${c.wrong}` : ''}`);
    if (!time) continue;
    const row: Timed = { name, m, r, check: c };
    timed.push(row);
    // a fast wrong step is worth nothing: when the check fails, the time is still taken (for diagnosis) but shown only as a note
    try {
      const inp = await inputs(backend, m, r);
      const d = await makeBenchDirect(device, m, r, inp.C, inp.h, inp.k, inp.A0, inp.L);
      try {
        const [plain, piped] = await timeDirect(d, a.software ? SOFTWARE_PLAN : GPU_PLAN, READ_EVERY, inp.L, [false, true]);
        row.direct = plain!;
        row.directPipelined = piped!;
        for (const [way, t] of [['', plain!], [', pipelined', piped!]] as const) {
          if (t.bad) row.failed = t.bad;
          log(`  direct${way}: ${t.stepsPerSec.toFixed(1)} steps/s (${t.msPerStep.toFixed(4)} ms/step over ${t.steps} steps, read-back every ${READ_EVERY})`);
        }
      } finally {
        d.destroy();
      }
      const make = (rng: Rng) => quadraticWorkload(backend.tf, 'quadratic', m, m, r, rng);
      row.trainer = await timeWorkload(backend, make, r, a.software ? SOFTWARE_PLAN : GPU_PLAN, READ_EVERY, { direct: false });
      log(`  tfjs trainer: ${row.trainer.stepsPerSec.toFixed(1)} steps/s`);
      row.trainerDirect = await timeWorkload(backend, make, r, a.software ? SOFTWARE_PLAN : GPU_PLAN, READ_EVERY, { direct: true });
      log(`  trainer, direct path: ${row.trainerDirect.stepsPerSec.toFixed(1)} steps/s`);
      eagerColumn(row, a.software, ['--workload', 'quadratic', '--m', String(m), '--n', String(m), '--rank', String(r), ...peerPlanArgs(GPU_PLAN)], log);
    } catch (e) {
      row.failed = e instanceof Error ? e.message : String(e);
      log(`  FAILED: ${row.failed}`);
    }
  }
  return { adapter: a.label, software: a.software, checks, timed };
}


/** A timing plan in words, as the rows were timed on it. */
function planText(p: TimingPlan): string {
  const warm = [`${p.warmupSteps} steps`, ...(p.warmupMs ? [`${p.warmupMs / 1000} s`] : [])].join(' and ');
  const win = [`${p.minSteps} steps`, ...(p.minMs ? [`${p.minMs / 1000} s`] : [])].join(' and ');
  return `at least ${win}, after at least ${warm} of warm-up; at most ${p.maxSteps} steps in all`;
}

export function directTables(res: Awaited<ReturnType<typeof runDirect>>): BenchTable[] {
  const title = 'webgpu direct (Dawn, no tfjs per dispatch) vs the tfjs trainer and PyTorch eager, rule (8)';
  if ('skipped' in res) return [skippedTable(title, res.skipped)];
  const checkRows = res.checks.map((c) => [c.size, c.steps, `${c.exact} / ${c.values}`, sig(c.maxRel), c.worst, c.wrong ? `wrong: ${c.wrong}` : 'ok']);
  const rows: (string | number)[][] = [];
  const measuredWrong: string[] = [];
  for (const x of res.timed) {
    const ratio = (s: number) => (x.eager ? sig(s / x.eager.stepsPerSec) : '-');
    if (x.check.wrong) {
      rows.push([x.name, `loracheck direct: wrong: ${x.check.wrong}`, '-', '-', '-', '-']);
      if (x.direct) measuredWrong.push(`${x.name}: the WRONG direct step ran at ${sig(x.direct.stepsPerSec)} steps/s${x.directPipelined ? ` (pipelined ${sig(x.directPipelined.stepsPerSec)})` : ''}: not a result, its records disagree with the trainer's`);
    }
    else if (x.failed && !x.direct) rows.push([x.name, `loracheck direct: FAILED: ${x.failed}`, '-', '-', '-', '-']);
    else if (x.direct)
      rows.push([x.name, `loracheck direct Dawn, ${READ_EVERY} steps a submit, read-back every ${READ_EVERY}${x.failed ? ` (wrong: ${x.failed})` : ''}`, x.failed ? '-' : sig(x.direct.stepsPerSec), x.failed ? '-' : sig(x.direct.msPerStep), x.failed ? '-' : ratio(x.direct.stepsPerSec), `${x.direct.steps} steps`]);
    if (x.directPipelined && !x.check.wrong && !x.failed)
      rows.push(['', `loracheck direct Dawn, pipelined (next ${READ_EVERY} steps submitted before each read-back)`, sig(x.directPipelined.stepsPerSec), sig(x.directPipelined.msPerStep), ratio(x.directPipelined.stepsPerSec), `${x.directPipelined.steps} steps`]);
    if (x.trainerDirect) rows.push(['', `loracheck trainer, direct path (train --backend webgpu), read-back every ${x.trainerDirect.readEvery}`, sig(x.trainerDirect.stepsPerSec), sig(x.trainerDirect.msPerStep), ratio(x.trainerDirect.stepsPerSec), timedText(x.trainerDirect)]);
    if (x.trainer) rows.push(['', `loracheck trainer, tfjs path (LORACHECK_WEBGPU_DIRECT=0), read-back every ${x.trainer.readEvery}`, sig(x.trainer.stepsPerSec), sig(x.trainer.msPerStep), ratio(x.trainer.stepsPerSec), timedText(x.trainer)]);
    if (x.eager) rows.push(['', `PyTorch ${x.eager.torch} eager (${x.eager.device})`, sig(x.eager.stepsPerSec), sig(x.eager.msPerStep), 1, timedText(x.eager)]);
    if (x.peerSkipped) rows.push(['', `PyTorch: ${x.peerSkipped}`, '-', '-', '-', '-']);
  }
  return [
    {
      title: `webgpu direct: records vs the tfjs trainer (same seed and inputs) on ${res.adapter}`,
      columns: ['size', 'records compared', 'values equal', 'max relative difference', 'where', 'verdict'],
      rows: checkRows,
      notes: [`fields J, ||V||^2, ||G||, ||grad J||^2, eta of t = 0..${CHECK_STEPS}, the direct step run both ways (read-back after each batch, and pipelined); tolerance ${CHECK_TOL} relative; also every direct eta <= (8) on its float64 scalars`],
    },
    {
      title: `${title} on ${res.adapter}${res.software ? ' (SOFTWARE adapter: plumbing check, not a GPU measurement)' : ''}`,
      columns: ['workload', 'implementation', 'steps/s', 'ms/step', 'x PyTorch eager', TIMED_COLUMN],
      rows,
      notes: [
        `direct: the trainer's WGSL on Dawn's GPUDevice, pipelines and bind groups made once, 7 dispatches a step (the trainer's 8 less its grad_B slice), one compute pass and one submit per ${READ_EVERY} steps, records mapped back once per ${READ_EVERY} steps and summed in float64 on the host; time = wall clock over the timed steps (${planText(res.software ? SOFTWARE_PLAN : GPU_PLAN)}${res.software ? '' : '; every row and the PyTorch peer on that plan, bench/webgpu.ts GPU_PLAN'}), read-backs included; pipelined: each read-back waits while the next ${READ_EVERY} steps already run on the GPU`,
        "x PyTorch eager: the row's steps/s over PyTorch eager's in the same run (above 1: faster than PyTorch; target >= 1)",
        TIMED_NOTE,
        ...res.checks.filter((c) => c.wrong).map((c) => `WRONG at ${c.size}: ${c.wrong}`),
        ...measuredWrong,
      ],
    },
  ];
}

export const suite: BenchSuite = {
  name: 'webgpu-direct',
  async run(opts: BenchOptions): Promise<BenchTable[]> {
    const res = await runDirect(opts);
    if ('skipped' in res) opts.log(`webgpu-direct skipped: ${res.skipped}`);
    return directTables(res);
  },
};
