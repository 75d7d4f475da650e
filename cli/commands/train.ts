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
import { trainProgress } from '../train-progress.ts';
import { BACKEND_CHOICES, BackendUnavailable, chooseBackend, describeBackend, type BackendChoice } from '../../gpu-runs/backend.ts';
import { DatasetError } from '../../gpu-runs/data/dataset.ts';
import { FMNIST_INSTALL_HINT, fmnistAvailable, fmnistDir } from '../../gpu-runs/data/fmnist.ts';
import { Rng } from '../../gpu-runs/rng.ts';
import { freshSeed } from '../../numeric/random.ts';
import { RuleError, parseRule, type Rule } from '../../gpu-runs/rules.ts';
import { SIGNAL_EXIT, trainToFile } from '../../gpu-runs/train-file.ts';
import { MethodError, checkMethod } from '../../gpu-runs/methods.ts';
import { INITS, METHODS, SKETCHES, TrainError, type Init, type Method, type Sketch } from '../../gpu-runs/trainer.ts';
import {
  DEFAULT_RANK,
  MLP_DATA,
  WORKLOADS,
  WorkloadError,
  checkWorkloadOptions,
  createWorkload,
  needsFashionMNIST,
  type WorkloadName,
  type WorkloadOptions,
} from '../../gpu-runs/workloads/index.ts';
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
      results: { type: 'string', help: 'results folder for the default --out (default ./results)', arg: 'DIR' },
      samples: { type: 'int', help: 'use the first N training rows only (data workloads)', arg: 'N', min: 1 },
      size: { type: 'string', help: `quadratic: W is MxN (default 1024x1024, at most ${QUADRATIC_MAX_SIZE}x${QUADRATIC_MAX_SIZE})`, arg: 'MxN' },
      hidden: { type: 'int', help: 'mlp: hidden width (default 16)', arg: 'H', min: 1 },
      data: { type: 'string', help: 'mlp: data set (default penguins)', choices: MLP_DATA },
      'fmnist-dir': { type: 'string', help: 'Fashion-MNIST IDX folder (default /usr/share/datasets/fashion-mnist or $LORACHECK_FMNIST_DIR)', arg: 'DIR' },
      name: { type: 'string', help: 'free-text run name stored in the trace header', arg: 'TEXT' },
      quiet: { type: 'boolean', help: 'no progress line on stderr' },
      ...LOSS_FLAGS,
    },
    details: [
      'Workloads: penguins-logreg (embedded Palmer penguins, default), fmnist-logreg and fmnist-2head',
      '(Fashion-MNIST: sudo apt-get install dataset-fashion-mnist), quadratic (exact L, up to 8192x8192),',
      'mlp (two-layer tanh network, L estimated). Check a trace with: loracheck verify-trace FILE',
      'The trace is written to FILE.partial-<pid> and renamed to FILE when the run ends; Ctrl-C or SIGTERM stop after the step and write the summary (exit 130 / 143).',
    ].join('\n'),
  },
  async run({ flags }) {
    // --loss trains your own loss (the expr workload) unless another workload is named
    const loss = trainLoss(NAME, flags);
    const name = (loss && flags.workload === 'penguins-logreg' ? 'expr' : flags.workload) as WorkloadName;
    if (loss && name !== 'expr') throw new UsageError(`${NAME}: flag --loss goes with the expr workload, not ${name}`);
    let rule: Rule;
    try {
      rule = parseRule(flags.rule ?? (flags.method === 'lora' || flags.method === 'cola' ? 'theory' : '1/L'));
    } catch (e) {
      throw new UsageError(`${NAME}: flag --rule: ${(e as Error).message}`);
    }
    const method = flags.method as Method;
    try {
      checkMethod({ method, rule, sketch: flags.sketch as Sketch | undefined, linkSteps: flags['link-steps'] });
    } catch (e) {
      if (e instanceof MethodError) throw new UsageError(`${NAME}: flag --${e.option}: ${e.message}`);
      throw e;
    }
    if (flags['full-loss-every'] !== undefined && flags.batch === undefined) throw new UsageError(`${NAME}: flag --full-loss-every applies to mini-batch runs (--batch)`);
    if (flags.alpha !== undefined && (rule.kind === 'theory' || rule.kind === 'const' || rule.kind === 'overL'))
      throw new UsageError(`${NAME}: flag --alpha applies to the rules adapt, adapt2 and norm, not ${rule.text}`);
    if (flags.size !== undefined && name !== 'quadratic' && name !== 'expr') throw new UsageError(`${NAME}: flag --size applies to the quadratic and expr workloads only`);
    if ((flags.hidden !== undefined || flags.data !== undefined) && name !== 'mlp')
      throw new UsageError(`${NAME}: flags --hidden and --data apply to the mlp workload only`);
    if ((flags.samples !== undefined || flags.batch !== undefined) && (name === 'quadratic' || name === 'expr'))
      throw new UsageError(`${NAME}: flags --samples and --batch apply to data workloads, not ${name}`);
    const opts: WorkloadOptions = {
      samples: flags.samples,
      hidden: flags.hidden,
      data: flags.data,
      fmnistDir: flags['fmnist-dir'],
      ...(flags.size !== undefined ? parseSize(flags.size) : {}),
      ...(loss ? { loss } : {}),
    };
    const rank: number = flags.rank ?? DEFAULT_RANK[name];
    try {
      checkWorkloadOptions(name, opts, rank);
    } catch (e) {
      if (e instanceof WorkloadError) throw new UsageError(`${NAME}: ${e.message}`);
      throw e;
    }
    if (needsFashionMNIST(name, opts) && !fmnistAvailable(opts.fmnistDir))
      throw new UsageError(`${NAME}: Fashion-MNIST not found in ${fmnistDir(opts.fmnistDir)}; ${FMNIST_INSTALL_HINT}`);
    if (flags.batch !== undefined && flags.samples !== undefined && flags.batch > flags.samples)
      throw new UsageError(`${NAME}: flag --batch (${flags.batch}) is larger than --samples (${flags.samples})`);

    const seed: number = flags.seed ?? freshSeed();
    const tag = `${method === 'lora' ? '' : `${method}-`}${rule.text.replace(/[^A-Za-z0-9.]+/g, '_')}`;
    const out: string = flags.out ?? join(resultsDir(flags.results), 'traces', `${name}-${tag}-${seed}.jsonl`);

    let backend;
    try {
      backend = await chooseBackend(flags.backend as BackendChoice);
    } catch (e) {
      if (e instanceof BackendUnavailable) throw new UsageError(`${NAME}: ${e.message}`);
      throw e;
    }
    console.log(`backend: ${describeBackend(backend)}`);
    console.log(`seed: ${seed}`);

    const rng = new Rng(seed);
    let workload;
    try {
      // the CPU backends gather mini-batches faster on the host (workloads/softmax.ts)
      workload = createWorkload(backend.tf, name, { ...opts, hostRows: flags.batch !== undefined && (backend.name === 'wasm' || backend.name === 'cpu') }, rank, rng);
    } catch (e) {
      if (e instanceof WorkloadError || e instanceof DatasetError) throw new UsageError(`${NAME}: ${e.message}`);
      throw e;
    }

    const bar = flags.quiet ? undefined : trainProgress(flags.steps);
    let run;
    try {
      console.log(`workload: ${workload.description}`);
      const cfg = {
        ...{ steps: flags.steps, rule, alpha: flags.alpha, rank, batch: flags.batch, sigma: flags.sigma, init: flags.init as Init, seed, name: flags.name, versions: { loracheck: ownVersion() } },
        ...{ method, sketch: flags.sketch as Sketch | undefined, linkSteps: flags['link-steps'], fullJEvery: flags['full-loss-every'] },
      };
      run = await trainToFile(backend, workload, rng, cfg, out, {
        onRecord: (r) => bar?.update(r),
        onSignal: (sig) => process.stderr.write(`\nloracheck: ${sig}: stopping after this step and writing the summary (again to quit now; ${out} is replaced only by a finished trace)\n`),
      });
    } catch (e) {
      if (e instanceof TrainError) throw new UsageError(`${NAME}: ${e.message}`);
      const sys = (e as { syscall?: string }).syscall;
      if (sys && ['open', 'mkdir', 'write', 'fsync', 'rename'].includes(sys)) throw new UsageError(`${NAME}: cannot write the trace --out ${out}: ${(e as Error).message}`);
      throw e;
    } finally {
      bar?.done();
      workload.dispose();
    }
    const res = run.result;
    const h = res.header;
    console.log(
      `L = ${h.L} (theory constant; loss L = ${h.Lloss}, ${h.Lestimated ? 'estimated' : 'certified/exact'}), L* = ${h.Lstar}; method ${h.method}, rule ${h.rule}${h.alpha != null ? ` (alpha ${h.alpha})` : ''}, ${h.batch === 'full' ? 'full batch' : `batch ${h.batch}`}, rank ${h.r}`,
    );
    const s = res.summary;
    const dist = res.last?.distSq !== undefined ? `, ||W - W*||^2 ${res.last.distSq.toPrecision(4)}${h.rankBound !== undefined ? ` (rank-${h.r} bound: J >= ${Number(h.rankBound).toPrecision(4)})` : ''}` : '';
    const first = res.last ? `J ${res.last.J.toPrecision(6)}, ||V||^2 ${res.last.Vsq.toPrecision(6)}${dist}` : 'no finite record';
    const rate = s.steps / Math.max(1e-9, s.wall_ms / 1000);
    if (res.divergence) console.log(`diverged: ${res.divergence.reason}; the trace ends with a divergence record`);
    console.log(`${s.interrupted ? 'interrupted after' : 'done:'} ${s.steps} steps in ${(s.wall_ms / 1000).toFixed(2)} s (${rate.toFixed(1)} steps/s); last ${first}`);
    console.log(`trace: ${out}`);
    return run.signal ? SIGNAL_EXIT[run.signal] : 0;
  },
};
