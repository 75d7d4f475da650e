/**
 * `loracheck train`: LoRA gradient descent on TensorFlow.js, writing a JSON Lines trace
 * (gpu-runs/train-file.ts). Bad flags, a missing data set or an unavailable backend: one
 * line, exit 2. Ctrl-C / SIGTERM stop after the current step, write the summary line, and
 * exit 130 / 143; the trace replaces an earlier one of that name only when the run ends.
 */
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { SEED_MAX, UsageError } from '../args.ts';
import { ownVersion, resultsDir } from '../io.ts';
import { trainProgress, usageErrors } from '../train-progress.ts';
import { oneLine } from '../../runtime/escape.ts';
import { SIGNAL_EXIT } from '../../runtime/interrupt.ts';
import { BACKEND_CHOICES, describeBackend, type BackendChoice } from '../../gpu-runs/backend.ts';
import { Rng } from '../../gpu-runs/rng.ts';
import { freshSeed } from '../../numeric/random.ts';
import { openBackend, planTrain, planWorkload, traceTag, trainSummaryLines, trainToFile } from '../../gpu-runs/train-file.ts';
import { INITS, METHODS, SKETCHES, type Method, type Sketch } from '../../gpu-runs/trainer.ts';
import { MLP_DATA, WORKLOADS, type WorkloadName } from '../../gpu-runs/workloads/index.ts';
import { QUADRATIC_MAX_SIZE } from '../../gpu-runs/workloads/quadratic.ts';
import { LOSS_FLAGS, trainLoss } from '../loss.ts';

const NAME = 'train';

function parseSize(v: string): { m: number; n: number } {
  const mm = /^(\d+)x(\d+)$/.exec(v);
  const m = mm ? Number(mm[1]) : NaN;
  const n = mm ? Number(mm[2]) : NaN;
  if (!mm || !(m >= 1 && m <= QUADRATIC_MAX_SIZE && n >= 1 && n <= QUADRATIC_MAX_SIZE))
    throw new UsageError(`${NAME}: flag --size must be MxN with 1 <= M, N <= ${QUADRATIC_MAX_SIZE} (e.g. 4096x4096), got "${v}"`);
  return { m, n };
}

export const command: Command = {
  spec: {
    name: NAME,
    summary: 'Train LoRA adapters with gradient descent on TensorFlow.js and write a JSON Lines trace.',
    usage: 'train [--workload W] [--method M] [--steps T] [--rule R] [--rank r] [--batch B] [--alpha a] [--sigma s] [--init paper|random] [--seed N] [--backend b] [--out FILE]',
    flags: {
      workload: { type: 'string', help: 'what to train', arg: 'W', choices: WORKLOADS, default: 'penguins-logreg' },
      method: { type: 'string', help: 'lora (the paper), asym (Asymmetric LoRA), cola (Chain of LoRA), rac (RAC-LoRA), full (full-parameter GD)', arg: 'M', choices: METHODS, default: 'lora' },
      sketch: { type: 'string', help: 'rac: left (H_B, default) or right (H_A) Gaussian sketch', choices: SKETCHES },
      'link-steps': { type: 'int', help: 'cola: LoRA steps per chain link (default 50); rac: steps per sketch (default 1)', arg: 'K', min: 1 },
      steps: { type: 'int', help: 'number of steps (LoRA: (3))', arg: 'T', min: 0, default: 100 },
      rule: { type: 'string', help: 'step size: theory (8), adapt, adapt2, norm (lora, cola), const:<lr>, <c>/L (every method); default theory for lora and cola, 1/L for the others', arg: 'R' },
      'full-loss-every': { type: 'int', help: 'mini-batch: the full-data loss every K steps only (J is then the batch loss; default 1)', arg: 'K', min: 1 },
      rank: { type: 'int', help: 'adapter rank r (default: 2 for penguins-logreg and mlp, 8 for fmnist-*, 16 for quadratic)', arg: 'r', min: 1 },
      batch: { type: 'int', help: 'mini-batch size (default: full batch, the algorithm the theory covers)', arg: 'B', min: 1 },
      alpha: { type: 'number', help: 'alpha of adapt / adapt2 / norm (default: the paper\'s 1 / 0.8 / 0.06)', arg: 'a', gt: 0 },
      sigma: { type: 'number', help: 'std of the Gaussian adapter init (default 1/sqrt(n) per matrix)', arg: 's', gt: 0 },
      init: { type: 'string', help: 'paper: B = 0, A Gaussian; random: both Gaussian', choices: INITS, default: 'paper' },
      seed: { type: 'int', help: 'random seed, 0..2^32-1 (printed; default: fresh)', arg: 'N', min: 0, max: SEED_MAX },
      backend: { type: 'string', help: 'TensorFlow.js backend', arg: 'b', choices: BACKEND_CHOICES, default: 'auto' },
      out: { type: 'string', help: 'trace file (default: <results>/traces/<workload>-<rule>-<seed>.jsonl)', arg: 'FILE' },
      results: { type: 'string', help: 'results folder for the default --out (default ./results or $LORACHECK_RESULTS)', arg: 'DIR' },
      samples: { type: 'int', help: 'use the first N training rows only (data workloads)', arg: 'N', min: 1 },
      size: { type: 'string', help: `quadratic: W is MxN (default 1024x1024, at most ${QUADRATIC_MAX_SIZE}x${QUADRATIC_MAX_SIZE})`, arg: 'MxN' },
      hidden: { type: 'int', help: 'mlp: hidden width (default 16)', arg: 'H', min: 1 },
      data: { type: 'string', help: 'mlp: data set (default penguins)', choices: MLP_DATA },
      'fmnist-dir': { type: 'string', help: 'Fashion-MNIST IDX folder (default /usr/share/datasets/fashion-mnist or $LORACHECK_FMNIST_DIR)', arg: 'DIR' },
      name: { type: 'string', help: 'free-text run name stored in the trace header', arg: 'TEXT' },
      quiet: { type: 'boolean', help: 'no progress line on stderr' },
      decrease: { type: 'boolean', help: 'quadratic, lora, on webgpu (the direct step): also record dJ = J(V_{t+1}) - J(V_t) from both iterates with its rounding bound, so that L34 resolves where J itself is too coarse (LLM-layer sizes)' },
      ...LOSS_FLAGS,
    },
    details: [
      'Workloads: penguins-logreg (embedded Palmer penguins, default), fmnist-logreg and fmnist-2head',
      '(Fashion-MNIST: sudo apt-get install dataset-fashion-mnist), quadratic (exact L, up to 8192x8192),',
      'mlp (two-layer tanh network, L estimated). Check a trace with: loracheck verify-trace FILE',
      'The trace is written to FILE.partial-<pid> and renamed to FILE when the run ends; Ctrl-C or SIGTERM stop after the step and write the summary (exit 130 / 143).',
      '',
      'Examples:',
      '  loracheck train --steps 500 --out runs/p.jsonl                         # penguins, rule (8), full batch',
      '  loracheck train --workload quadratic --size 64x64 --rank 4 --method rac --steps 300 --out runs/r.jsonl',
      '  loracheck train --workload fmnist-logreg --rank 8 --rule adapt2 --batch 512 --steps 200 --out runs/f.jsonl',
      '  loracheck verify-trace runs/p.jsonl runs/r.jsonl',
    ].join('\n'),
  },
  async run({ flags }) {
    // --loss trains your own loss (the expr workload) unless another workload is named
    const loss = trainLoss(NAME, flags);
    const workload = (loss && flags.workload === 'penguins-logreg' ? 'expr' : flags.workload) as WorkloadName;
    if (loss && workload !== 'expr') throw new UsageError(`${NAME}: flag --loss goes with the expr workload, not ${workload}`);
    const opts = { samples: flags.samples, hidden: flags.hidden, data: flags.data, fmnistDir: flags['fmnist-dir'], ...(flags.size !== undefined ? parseSize(flags.size) : {}), ...(loss ? { loss } : {}) };
    const seed: number = flags.seed ?? freshSeed();
    const versions = { loracheck: ownVersion() };
    const { steps, rank, batch, alpha, sigma, init, name } = flags;
    const request = { workload, opts, steps, rule: flags.rule, rank, batch, alpha, sigma, init, name, versions, method: flags.method as Method, sketch: flags.sketch as Sketch | undefined, linkSteps: flags['link-steps'], fullJEvery: flags['full-loss-every'] };
    return usageErrors(NAME, async () => {
      const plan = planTrain(request);
      const out: string = flags.out ?? join(resultsDir(flags.results), 'traces', `${workload}-${traceTag(plan)}-${seed}.jsonl`);
      const backend = await openBackend(flags.backend as BackendChoice);
      console.log(`backend: ${describeBackend(backend)}`);
      console.log(`seed: ${seed}`);
      const rng = new Rng(seed);
      const w = planWorkload(backend, plan, rng);
      const bar = flags.quiet ? undefined : trainProgress(flags.steps);
      let run;
      try {
        console.log(`workload: ${oneLine(w.description)}`);
        run = await trainToFile(backend, w, rng, { ...plan.cfg, seed, ...(flags.decrease ? { decrease: true } : {}) }, out, {
          onRecord: (r) => bar?.update(r),
          onSignal: (sig) => process.stderr.write(`\nloracheck: ${sig}: stopping after this step and writing the summary (again to quit now; ${oneLine(out)} is replaced only by a finished trace)\n`),
        });
      } catch (e) {
        const sys = (e as { syscall?: string }).syscall;
        if (sys && ['open', 'mkdir', 'write', 'fsync', 'rename'].includes(sys)) throw new UsageError(`${NAME}: cannot write the trace --out ${oneLine(out)}: ${oneLine((e as Error).message)}`);
        throw e;
      } finally {
        bar?.done();
        w.dispose();
      }
      console.log(trainSummaryLines(run, out).join('\n'));
      if (flags.decrease && run.result.header.decrease === undefined) {
        const h = run.result.header;
        console.log(`--decrease: not recorded: dJ is computed for the quadratic workload, method lora, full batch (on webgpu by its direct step); this run: workload ${h.workload}, method ${h.method ?? 'lora'}, batch ${h.batch}, backend ${h.backend}${h.backend === 'webgpu' && h.kernels !== 'direct' ? ' (the tfjs path)' : ''}`);
      }
      return run.signal ? SIGNAL_EXIT[run.signal] : 0;
    });
  },
};
