/**
 * `loracheck verify`: the main job. Runs every claim (check), the ablations, the tightness
 * search, a short training run per step rule on the embedded default data (and on
 * Fashion-MNIST when its Debian package is installed), verifies those traces, and writes
 * the report. Each stage is the same command a user can run alone, so every stage's
 * result file can be rebuilt on its own.
 */
import { join, resolve } from 'node:path';
import type { Command } from '../command.ts';
import { SEED_MAX, UsageError } from '../args.ts';
import { oneLine } from '../../runtime/escape.ts';
import { SIGNAL_EXIT } from '../../runtime/interrupt.ts';
import { checkWritableDir, checkWritableFile } from '../../runtime/atomic.ts';
import { FMNIST_DEFAULT_DIR, FMNIST_INSTALL_HINT, fmnistAvailable, fmnistDir } from '../../gpu-runs/data/fmnist.ts';
import { atScaleChoice } from '../../gpu-runs/train-file.ts';

/** Whether the Fashion-MNIST stages run: the data is where train looks for it ($LORACHECK_FMNIST_DIR or the Debian package), and --no-fmnist is not given. */
export function withFmnist(noFmnist: boolean): boolean {
  return !noFmnist && fmnistAvailable();
}
const RULES = ['theory', 'adapt', 'adapt2', 'norm', 'const:0.5'];

interface Stage {
  title: string;
  argv: string[];
  /** Exit codes that do not stop the job (1 = a counterexample/violation was found: that is a finding). */
  okCodes: number[];
}

/** The side N of the at-scale runs: LoRA on the quadratic at N x N (r = 16) and 2N x 2N (r = 64), the RAC-LoRA family at N x N. */
const SCALE_SIZE = 4096;

/**
 * The runs at LLM-layer sizes (where a GPU runs them, or --at-scale on): LoRA on the quadratic
 * 1/2 <W - C, H o (W - C)> at N x N, r = 16, under (8) and adapt; at 2N x 2N, r = 64, under (8);
 * and full fine-tuning, RAC-LoRA, Chain of LoRA and asymmetric LoRA at N x N, r = 16.
 */
function atScaleStages(N: number, steps: (n: number) => string, seed: string[], traces: string): { stages: Stage[]; files: string[] } {
  // extra: ['--rule', rule] (LoRA) or ['--method', method]; the trace file and the title name its value
  const runs: { size: number; r: number; extra: [string, string]; n: number }[] = [
    { size: N, r: 16, extra: ['--rule', 'theory'], n: 2000 },
    { size: N, r: 16, extra: ['--rule', 'adapt'], n: 2000 },
    { size: 2 * N, r: 64, extra: ['--rule', 'theory'], n: 500 },
    ...['full', 'rac', 'cola', 'asym'].map((m) => ({ size: N, r: 16, extra: ['--method', m] as [string, string], n: 300 })),
  ];
  const stages: Stage[] = [];
  const files: string[] = [];
  for (const x of runs) {
    const mn = `${x.size}x${x.size}`;
    const [flag, value] = x.extra;
    const file = join(traces, `quadratic-${mn}-r${x.r}-${value}.jsonl`);
    files.push(file);
    stages.push({
      title: `At scale: quadratic ${x.size} x ${x.size}, r = ${x.r}, ${flag.slice(2)} ${value}`,
      // LoRA's runs record dJ: L34 then resolves at these sizes, where J's own resolution cannot
      argv: ['train', '--workload', 'quadratic', '--size', mn, '--rank', String(x.r), ...x.extra, ...(flag === '--rule' ? ['--decrease'] : []), '--steps', steps(x.n), ...seed, '--out', file, '--quiet'],
      okCodes: [0, 1],
    });
  }
  return { stages, files };
}

export function plan(opts: { quick: boolean; budget: number; results: string; out: string; seed: number; workers?: number; fmnist: boolean; atScale?: { size: number } }): Stage[] {
  const b = opts.quick ? 0.08 : opts.budget;
  const secs = (x: number) => String(Math.max(0.05, Math.round(x * b * 100) / 100));
  const res = ['--results', opts.results];
  const seed = ['--seed', String(opts.seed)];
  const workers = opts.workers ? ['--workers', String(opts.workers)] : [];
  const steps = (n: number) => String(Math.max(20, Math.round(n * (opts.quick ? 0.2 : opts.budget))));
  const traces = join(opts.results, 'traces');
  // The SMT engine: proofs first (so that check prints them), then asked first by ablate (up to
  // 3 s a pair; a pair it settles skips sampling, most do) and beside tighten (1 s). Its time
  // comes out of the sampling budgets (check 4 -> 3.5 s, ablate 2.5 -> 2 s, tighten 4 -> 3 s per
  // item), so the job takes about as long as before.
  const proveSecs = opts.quick ? '0.5' : secs(2);
  const stages: Stage[] = [
    { title: 'Prove what the SMT engine can decide', argv: ['prove', '--timeout', proveSecs, ...res], okCodes: [0, 1] },
    { title: 'Check every claim', argv: ['check', '--seconds', secs(3.5), ...seed, ...res], okCodes: [0, 1] },
    { title: 'Ablation: drop each hypothesis', argv: ['ablate', '--seconds', secs(2), '--smt', secs(3), ...seed, ...workers, ...res], okCodes: [0, 1] },
    { title: 'Tightness of each constant', argv: ['tighten', '--seconds', secs(3), '--smt', opts.quick ? '0' : secs(1), ...seed, ...workers, ...res], okCodes: [0, 1] },
  ];
  const traceFiles: string[] = [];
  for (const rule of RULES) {
    const file = join(traces, `penguins-logreg-${rule.replace(/[^a-z0-9.]+/gi, '_')}.jsonl`);
    traceFiles.push(file);
    stages.push({
      title: `Train penguins-logreg, rule ${rule}`,
      argv: ['train', '--workload', 'penguins-logreg', '--steps', steps(2000), '--rule', rule, '--rank', '2', ...seed, '--out', file, '--quiet'],
      okCodes: [0, 1],
    });
  }
  if (opts.fmnist) {
    for (const rule of ['theory', 'adapt2', 'const:0.05']) {
      const file = join(traces, `fmnist-logreg-${rule.replace(/[^a-z0-9.]+/gi, '_')}.jsonl`);
      traceFiles.push(file);
      stages.push({
        title: `Train fmnist-logreg, rule ${rule}`,
        // --quick reads 6000 of the 60000 images (the gz is inflated only that far)
        argv: ['train', '--workload', 'fmnist-logreg', '--steps', steps(60), '--rule', rule, '--rank', '4', ...(opts.quick ? ['--samples', '6000'] : []), ...seed, '--out', file, '--quiet'],
        okCodes: [0, 1],
      });
    }
    // the papers' experiments, short: --preset quick (1-2 min here), tiny under --quick (about 6 s)
    stages.push({ title: "The papers' experiments (short)", argv: ['experiments', '--preset', opts.quick ? 'tiny' : 'quick', ...seed, ...res, '--quiet'], okCodes: [0] });
  }
  if (opts.atScale) {
    const big = atScaleStages(opts.atScale.size, steps, seed, traces);
    stages.push(...big.stages);
    traceFiles.push(...big.files);
  }
  stages.push({ title: 'Verify the traces', argv: ['verify-trace', ...traceFiles, ...res], okCodes: [0, 1] });
  stages.push({ title: 'Write the report', argv: ['report', ...res, '--out', opts.out], okCodes: [0] });
  return stages;
}

export const command: Command = {
  spec: {
    name: 'verify',
    summary: 'The main job: check every claim, ablate, tighten, train and verify traces, write the HTML report.',
    usage: 'verify [--quick] [--budget X] [--seed N] [--workers K] [--results DIR] [--out FILE] [--no-fmnist] [--at-scale auto|on|off] [--scale-size N]',
    flags: {
      quick: { type: 'boolean', help: 'a short pass (about a tenth of the default budget; about 1.5 min on 2 cores)' },
      budget: { type: 'number', arg: 'X', help: 'scale every budget by X (1 = about 7 minutes on 2 cores)', default: 1, gt: 0 },
      seed: { type: 'int', arg: 'N', help: 'seed for every stage, 0..2^32-1 (printed, so a run can be replayed)', min: 0, max: SEED_MAX },
      workers: { type: 'int', arg: 'K', help: 'worker threads for search stages (default: all cores)', min: 1 },
      results: { type: 'string', arg: 'DIR', help: 'results folder', default: 'results' },
      out: { type: 'string', arg: 'FILE', help: 'report file', default: 'out/report.html' },
      'no-fmnist': { type: 'boolean', help: 'skip Fashion-MNIST even when its package is installed' },
      'at-scale': { type: 'string', arg: 'WHEN', help: 'train at LLM-layer sizes: auto (where train finds a GPU), on (on any backend: slow on a CPU), off', choices: ['auto', 'on', 'off'], default: 'auto' },
      'scale-size': { type: 'int', arg: 'N', help: 'side of the at-scale runs: N x N at r = 16 and 2N x 2N at r = 64 (a multiple of 32)', default: SCALE_SIZE, min: 64, max: 4096 },
    },
    details: `Fashion-MNIST runs, and the papers' experiments in short (loracheck experiments --preset quick; tiny under --quick), are added when Fashion-MNIST is found ($LORACHECK_FMNIST_DIR, default ${FMNIST_DEFAULT_DIR}; ${FMNIST_INSTALL_HINT}). Where train's backend choice finds a GPU (loracheck backends), runs at LLM-layer sizes are added: LoRA on the quadratic at ${SCALE_SIZE} x ${SCALE_SIZE} (r = 16, rules (8) and adapt) and ${2 * SCALE_SIZE} x ${2 * SCALE_SIZE} (r = 64), and full fine-tuning, RAC-LoRA, Chain of LoRA and asymmetric LoRA at ${SCALE_SIZE} x ${SCALE_SIZE}; the report says when there were none.`,
  },
  async run({ flags }, ctx) {
    if (!ctx) throw new Error('verify runs its stages through cli/main.ts (CommandContext.dispatch)');
    const seed: number = flags.seed ?? Math.floor(Math.random() * 2 ** 31);
    const results = resolve(flags.results);
    const out = resolve(flags.out);
    try {
      checkWritableDir(results, '--results');
      checkWritableFile(out, '--out');
    } catch (e) {
      throw new UsageError(`verify: ${oneLine((e as Error).message)}`);
    }
    const size: number = flags['scale-size'];
    if (size % 32 !== 0) throw new UsageError(`verify: flag --scale-size must be a multiple of 32, got ${size}`);
    const fmnist = withFmnist(flags['no-fmnist']);
    const scale = await atScaleChoice(flags['at-scale']);
    const stages = plan({ quick: flags.quick, budget: flags.budget, results, out, seed, workers: flags.workers, fmnist, ...(scale.run ? { atScale: { size } } : {}) });
    const t0 = Date.now();
    console.error(`loracheck verify: seed ${seed}, budget ${flags.quick ? 'quick' : flags.budget}, ${stages.length} stages, results in ${oneLine(results)}`);
    console.error(`  at-scale runs (quadratic ${size} x ${size} and ${2 * size} x ${2 * size}, the RAC-LoRA family at ${size} x ${size}): ${scale.why}`);
    if (!fmnist && !flags['no-fmnist']) console.error(`  (Fashion-MNIST not found in ${oneLine(fmnistDir())}: its runs are skipped; ${FMNIST_INSTALL_HINT})`);
    const findings: string[] = [];
    for (const [k, st] of stages.entries()) {
      const ts = Date.now();
      console.error(`\n[${k + 1}/${stages.length}] ${st.title}  (loracheck ${oneLine(st.argv.join(' '))})`);
      const code = await ctx.dispatch(st.argv);
      const dt = ((Date.now() - ts) / 1000).toFixed(1);
      if (Object.values(SIGNAL_EXIT).includes(code)) {
        console.error(`loracheck verify: interrupted during "${st.title}"; what was done is kept in ${oneLine(results)} (no report written)`);
        return code;
      }
      if (!st.okCodes.includes(code)) {
        console.error(`loracheck verify: stage "${st.title}" failed with exit code ${code}; earlier results are kept in ${oneLine(results)}`);
        return code === 2 ? 2 : 1;
      }
      if (code === 1) findings.push(st.title);
      console.error(`    done in ${dt} s${code === 1 ? ' (findings: see the report)' : ''}`);
    }
    const total = ((Date.now() - t0) / 1000).toFixed(1);
    console.log(`\nReport: ${oneLine(out)}`);
    console.log(`Finished in ${total} s with seed ${seed}. ${findings.length ? `Stages with findings: ${findings.join('; ')}.` : 'No stage reported a finding.'}`);
    const scaleFlags = `${flags['at-scale'] !== 'auto' ? ` --at-scale ${flags['at-scale']}` : ''}${size !== SCALE_SIZE ? ` --scale-size ${size}` : ''}`;
    console.log(`Replay: npx loracheck verify --seed ${seed}${flags.quick ? ' --quick' : flags.budget !== 1 ? ` --budget ${flags.budget}` : ''}${scaleFlags}`);
    return 0;
  },
};
