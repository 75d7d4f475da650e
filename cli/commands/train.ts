/**
 * `loracheck train`: LoRA gradient descent on TensorFlow.js, writing a JSON Lines trace
 * (gpu-runs/). Bad flags, a missing data set or an unavailable backend: one line, exit 2.
 * Ctrl-C stops after the current step, writes the summary line, and exits 130.
 */
import { join } from 'node:path';
import type { Command } from '../main.ts';
import { SEED_MAX, UsageError } from '../args.ts';
import { ownVersion, resultsDir } from '../io.ts';
import { BACKEND_CHOICES, BackendUnavailable, chooseBackend, describeBackend, type BackendChoice } from '../../gpu-runs/backend.ts';
import { DatasetError } from '../../gpu-runs/data/dataset.ts';
import { FMNIST_INSTALL_HINT, fmnistAvailable, fmnistDir } from '../../gpu-runs/data/fmnist.ts';
import { freshSeed, Rng } from '../../gpu-runs/rng.ts';
import { RuleError, parseRule, type Rule } from '../../gpu-runs/rules.ts';
import { TraceFileWriter, type StepRecord } from '../../gpu-runs/trace.ts';
import { INITS, TrainError, train, type Init } from '../../gpu-runs/trainer.ts';
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

const NAME = 'train';

function parseSize(v: string): { m: number; n: number } {
  const mm = /^(\d+)x(\d+)$/.exec(v);
  const m = mm ? Number(mm[1]) : NaN;
  const n = mm ? Number(mm[2]) : NaN;
  if (!mm || !(m >= 1 && m <= QUADRATIC_MAX_SIZE && n >= 1 && n <= QUADRATIC_MAX_SIZE))
    throw new UsageError(`${NAME}: flag --size must be MxN with 1 <= M, N <= ${QUADRATIC_MAX_SIZE} (e.g. 4096x4096), got "${v}"`);
  return { m, n };
}

/** A one-line progress bar on stderr, redrawn at most every 100 ms. */
class Progress {
  private lastDraw = 0;
  private readonly start = performance.now();
  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream,
  ) {}

  update(rec: StepRecord): void {
    const now = performance.now();
    if (now - this.lastDraw < 100 && rec.t < this.total) return;
    this.lastDraw = now;
    const frac = this.total > 0 ? rec.t / this.total : 1;
    const width = 24;
    const fill = Math.round(frac * width);
    const rate = rec.t / Math.max(1e-9, (now - this.start) / 1000);
    const line = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${rec.t}/${this.total}  ${rate.toFixed(1)} steps/s  J ${rec.J.toPrecision(6)}  ||V||^2 ${rec.Vsq.toPrecision(4)}  eta ${rec.eta.toPrecision(3)}`;
    this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
  }

  end(): void {
    this.stream.write('\n');
  }
}

export const command: Command = {
  spec: {
    name: NAME,
    summary: 'Train LoRA adapters with gradient descent on TensorFlow.js and write a JSON Lines trace.',
    usage: 'train [--workload W] [--steps T] [--rule R] [--rank r] [--batch B] [--alpha a] [--sigma s] [--init paper|random] [--seed N] [--backend b] [--out FILE]',
    flags: {
      workload: { type: 'string', help: 'what to train', arg: 'W', choices: WORKLOADS, default: 'penguins-logreg' },
      steps: { type: 'int', help: 'number of LoRA steps (3)', arg: 'T', min: 0, default: 100 },
      rule: { type: 'string', help: 'step size: theory (8), adapt, adapt2, norm, const:<lr>', arg: 'R', default: 'theory' },
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
      quiet: { type: 'boolean', help: 'no progress bar' },
    },
    details: [
      'Workloads: penguins-logreg (embedded Palmer penguins, default), fmnist-logreg and fmnist-2head',
      '(Fashion-MNIST: sudo apt-get install dataset-fashion-mnist), quadratic (exact L, up to 4096x4096),',
      'mlp (two-layer tanh network, L estimated). Check a trace with: loracheck verify-trace FILE',
    ].join('\n'),
  },
  async run({ flags }) {
    const name = flags.workload as WorkloadName;
    let rule: Rule;
    try {
      rule = parseRule(flags.rule);
    } catch (e) {
      throw new UsageError(`${NAME}: flag --rule: ${(e as Error).message}`);
    }
    if (flags.alpha !== undefined && (rule.kind === 'theory' || rule.kind === 'const'))
      throw new UsageError(`${NAME}: flag --alpha applies to the rules adapt, adapt2 and norm, not ${rule.text}`);
    if (flags.size !== undefined && name !== 'quadratic') throw new UsageError(`${NAME}: flag --size applies to the quadratic workload only`);
    if ((flags.hidden !== undefined || flags.data !== undefined) && name !== 'mlp')
      throw new UsageError(`${NAME}: flags --hidden and --data apply to the mlp workload only`);
    if ((flags.samples !== undefined || flags.batch !== undefined) && name === 'quadratic')
      throw new UsageError(`${NAME}: flags --samples and --batch apply to data workloads, not quadratic`);
    const opts: WorkloadOptions = {
      samples: flags.samples,
      hidden: flags.hidden,
      data: flags.data,
      fmnistDir: flags['fmnist-dir'],
      ...(flags.size !== undefined ? parseSize(flags.size) : {}),
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
    const out: string = flags.out ?? join(resultsDir(flags.results), 'traces', `${name}-${rule.text.replace(/[^A-Za-z0-9.]+/g, '_')}-${seed}.jsonl`);

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
      workload = createWorkload(backend.tf, name, opts, rank, rng);
    } catch (e) {
      if (e instanceof WorkloadError || e instanceof DatasetError) throw new UsageError(`${NAME}: ${e.message}`);
      throw e;
    }

    let stop = false;
    const onSigint = () => {
      stop = true;
    };
    process.on('SIGINT', onSigint);
    const tty = Boolean(process.stderr.isTTY) && !flags.quiet;
    const progress = tty ? new Progress(flags.steps, process.stderr) : undefined;
    let sink: TraceFileWriter;
    try {
      sink = new TraceFileWriter(out);
    } catch (e) {
      workload.dispose();
      process.off('SIGINT', onSigint);
      throw new UsageError(`${NAME}: cannot write the trace --out ${out}: ${(e as Error).message}`);
    }
    let res;
    try {
      console.log(`workload: ${workload.description}`);
      res = await train(
        backend,
        workload,
        rng,
        {
          steps: flags.steps,
          rule,
          alpha: flags.alpha,
          rank,
          batch: flags.batch,
          sigma: flags.sigma,
          init: flags.init as Init,
          seed,
          name: flags.name,
          versions: { loracheck: ownVersion() },
        },
        sink,
        { onRecord: (r) => progress?.update(r), shouldStop: () => stop },
      );
    } catch (e) {
      if (e instanceof TrainError) throw new UsageError(`${NAME}: ${e.message}`);
      throw e;
    } finally {
      progress?.end();
      sink.close();
      process.off('SIGINT', onSigint);
      workload.dispose();
    }
    const h = res.header;
    console.log(
      `L = ${h.L} (theory constant; loss L = ${h.Lloss}, ${h.Lestimated ? 'estimated' : 'certified/exact'}), L* = ${h.Lstar}; rule ${h.rule}${h.alpha != null ? ` (alpha ${h.alpha})` : ''}, ${h.batch === 'full' ? 'full batch' : `batch ${h.batch}`}, rank ${h.r}`,
    );
    const s = res.summary;
    const first = res.last ? `J ${res.last.J.toPrecision(6)}, ||V||^2 ${res.last.Vsq.toPrecision(6)}` : 'no finite record';
    const rate = s.steps / Math.max(1e-9, s.wall_ms / 1000);
    if (res.divergence) console.log(`diverged: ${res.divergence.reason}; the trace ends with a divergence record`);
    console.log(`${s.interrupted ? 'interrupted after' : 'done:'} ${s.steps} steps in ${(s.wall_ms / 1000).toFixed(2)} s (${rate.toFixed(1)} steps/s); last ${first}`);
    console.log(`trace: ${out}`);
    return s.interrupted ? 130 : 0;
  },
};
