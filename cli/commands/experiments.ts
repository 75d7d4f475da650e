/**
 * `loracheck experiments`: the papers' experiments (gpu-runs/experiments/): Mu & Klabjan's
 * Section 4 on Fashion-MNIST and RAC-LoRA's comparison. Writes <results>/experiments.json and one
 * trace per run under <results>/traces/experiments/, staged beside them while it runs and moved in
 * place when it ends (gpu-runs/experiments/index.ts stagedResults); Ctrl-C stops after the current
 * step and keeps what was done (exit 130; SIGTERM 143); a killed run leaves the earlier results.
 */
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { UsageError } from '../args.ts';
import { environment, resultsDir } from '../io.ts';
import { usageErrors } from '../train-progress.ts';
import { duration } from '../../reports/format.ts';
import { oneLine } from '../../runtime/escape.ts';
import { SIGNAL_EXIT, withInterrupt, type StopSignal } from '../../runtime/interrupt.ts';
import { progressPrinter } from '../../runtime/progress.ts';
import { BACKEND_CHOICES, describeBackend, type BackendChoice } from '../../gpu-runs/backend.ts';
import { FMNIST_INSTALL_HINT, fmnistAvailable, fmnistDir } from '../../gpu-runs/data/fmnist.ts';
import { PRESETS, runExperiments, stagedResults, type PresetName } from '../../gpu-runs/experiments/index.ts';
import { freshSeed } from '../../numeric/random.ts';
import { openBackend } from '../../gpu-runs/train-file.ts';

const NAME = 'experiments';

export const command: Command = {
  spec: {
    name: NAME,
    summary: "Reproduce the papers' experiments: Mu & Klabjan Sec. 4 (Figures 1, 4, 7) on Fashion-MNIST, RAC-LoRA's comparison.",
    usage: 'experiments [--quick] [--preset full|quick|tiny] [--seed N] [--backend b] [--results DIR]',
    flags: {
      quick: { type: 'boolean', help: 'a short version: a few epochs on subsets (= --preset quick, 1-2 minutes here)' },
      preset: { type: 'string', help: 'full (default: about 10 min on 2 CPU cores), quick, or tiny (what verify --quick runs, seconds)', choices: PRESETS },
      seed: { type: 'int', help: 'seed of every run (printed; default: fresh)', arg: 'N', min: 0 },
      backend: { type: 'string', help: 'TensorFlow.js backend (auto takes a GPU when there is one)', arg: 'b', choices: BACKEND_CHOICES, default: 'auto' },
      results: { type: 'string', help: 'results folder (default ./results or $LORACHECK_RESULTS)', arg: 'DIR' },
      'fmnist-dir': { type: 'string', help: 'Fashion-MNIST IDX folder (default /usr/share/datasets/fashion-mnist or $LORACHECK_FMNIST_DIR)', arg: 'DIR' },
      quiet: { type: 'boolean', help: 'no progress line on stderr' },
    },
    details: [
      'Without Fashion-MNIST only the failure demonstration (a 3 x 3 quadratic) runs; ' + FMNIST_INSTALL_HINT + '.',
      'Results: <results>/experiments.json (figures, tables, statements; read by loracheck report) and <results>/traces/experiments/*.jsonl,',
      'both replaced only when the run ends (a killed run leaves the earlier ones; its own are in *.partial-<pid>); a stopped run',
      'does not replace an earlier run that finished: it is kept beside it, in experiments.json.interrupted and traces/experiments.interrupted/.',
      '',
      'Examples:',
      '  loracheck experiments --quick && loracheck report',
      '  loracheck experiments --seed 2024             # replays the full set of the README',
    ].join('\n'),
  },
  async run({ flags }) {
    if (flags.quick && flags.preset !== undefined && flags.preset !== 'quick') throw new UsageError(`${NAME}: flag --quick contradicts --preset ${flags.preset}`);
    const preset: PresetName = flags.quick ? 'quick' : ((flags.preset as PresetName | undefined) ?? 'full');
    const seed: number = flags.seed ?? freshSeed();
    const results = resultsDir(flags.results);
    const file = join(results, 'experiments.json');
    const staged = stagedResults(file, join(results, 'traces', 'experiments'));
    const backend = await usageErrors(NAME, () => openBackend(flags.backend as BackendChoice));
    const fm = fmnistAvailable(flags['fmnist-dir']) ? fmnistDir(flags['fmnist-dir']) : null;
    console.log(`backend: ${describeBackend(backend)}`);
    console.log(`seed: ${seed} (replay: npx loracheck experiments --preset ${preset} --seed ${seed})`);
    if (!fm) console.log(`Fashion-MNIST not found in ${oneLine(fmnistDir(flags['fmnist-dir']))}: only the failure demonstration runs; ${FMNIST_INSTALL_HINT}`);
    const bar = flags.quiet ? undefined : progressPrinter();
    const t0 = performance.now();
    let stoppedBy: StopSignal | undefined;
    const onFirst = (sig: StopSignal) => process.stderr.write(`\nloracheck: ${sig}: stopping after this step and keeping every run so far (again to quit now and leave ${oneLine(file)} as it was)\n`);
    const done = await usageErrors(NAME, () =>
      withInterrupt(async (it) => {
        const d = await runExperiments(
          backend,
          environment({ backend: backend.name }),
          { preset, seed, traceDir: staged.traceDir, fmnistDir: fm },
          {
            shouldStop: () => it.signal.aborted,
            save: staged.save,
            onProgress: (p) =>
              bar?.line(`experiments [${p.run}/${p.runs}] ${p.label}: step ${p.t}/${p.steps}; all runs ${(100 * p.fraction).toFixed(1)} %, ETA ${p.etaMs === undefined ? '?' : duration(p.etaMs)} (${duration(performance.now() - t0)})`),
            onRunDone: (r) => {
              bar?.done();
              const acc = r.testAccuracy !== undefined ? `, test accuracy ${(100 * r.testAccuracy).toFixed(2)} %` : '';
              console.log(`  ${r.id}: ${r.label}, ${r.stepsDone}/${r.steps} steps in ${r.seconds.toFixed(1)} s${r.finalJ != null ? `, final J ${r.finalJ.toPrecision(5)}` : ''}${acc}${r.diverged ? ' (diverged)' : ''}${r.interrupted ? ' (interrupted)' : ''}`);
            },
          },
        );
        stoppedBy = it.received;
        return staged.commit(d);
      // on a device a second Ctrl-C ends the process as the signal does (Dawn's teardown crashed under process.exit with work in flight)
      }, { onFirst, bySignal: backend.name === 'webgpu' || backend.name === 'gpu' }).finally(() => bar?.done()),
    );
    const doc = done.doc;
    for (const s of doc.statements) console.log(`${s.outcome.padEnd(17)} ${s.id} (${s.provenance}): ${s.finding}`);
    console.log(`${doc.interrupted ? 'interrupted after' : 'done:'} ${doc.runs.length} runs in ${duration(doc.timeMs)}; results: ${oneLine(done.file)}${done.keptEarlier ? '' : ' (loracheck report draws the figures)'}`);
    if (done.keptEarlier) console.log(`kept: ${oneLine(file)}, an earlier run that finished (the report still reads it; this run's results are in ${oneLine(done.file)})`);
    return doc.interrupted ? SIGNAL_EXIT[stoppedBy ?? 'SIGINT'] : 0;
  },
};
