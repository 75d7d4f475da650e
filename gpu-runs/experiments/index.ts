/**
 * `loracheck experiments`: the papers' experiments, run and judged (README, "Experiments").
 *   section4.ts  Mu & Klabjan, Section 4 on Fashion-MNIST: Figures 1, 4 and 7, full-batch (8) runs
 *   rac.ts       RAC-LoRA's failure demonstration and its five-method fine-tuning comparison
 *   statements.ts  each paper statement beside what the runs show (outcomes from stated criteria)
 * Every run writes its trace (traceDir); the figures, tables and statements go into one
 * ExperimentsResultFile, handed to `save` after every run (the CLI writes it atomically), so an
 * interrupted run keeps what was done.
 */
import { readFileSync, rmSync } from 'node:fs';
import { replaceDir, writeJSONAtomic } from '../../runtime/atomic.ts';
import { RESULT_SCHEMA_VERSION, type Environment, type ExperimentsResultFile } from '../../theory/results.ts';
import type { Backend } from '../backend.ts';
import type { Dataset } from '../data/dataset.ts';
import { loadFashionMNIST } from '../data/fmnist.ts';
import type { Collected, Section } from './collect.ts';
import { Lab, type LabHooks } from './lab.ts';
import { PRESET, type PresetName } from './presets.ts';
import { demoSection, racSection } from './rac.ts';
import { section4 } from './section4.ts';
import { fullBatchStatement } from './statements.ts';

export { PRESETS, type PresetName } from './presets.ts';
export type { Progress } from './lab.ts';

export interface ExperimentsOptions {
  preset: PresetName;
  seed: number;
  /** Where the runs' traces go. */
  traceDir: string;
  /** Fashion-MNIST folder; null: not installed (only the failure demonstration runs). */
  fmnistDir: string | undefined | null;
}

export interface ExperimentsHooks extends LabHooks {
  save?(doc: ExperimentsResultFile): void;
}

/**
 * Where a run of `experiments` writes: while it runs, the document (after every run) goes to
 * `<file>.partial-<pid>` and the traces to `<traceDir>.partial-<pid>`; `commit` moves both in
 * place of `file` and `traceDir` when the run ends (finished, or stopped by Ctrl-C / SIGTERM).
 * So a run that is killed, or crashes, leaves the results of an earlier run as they were, and
 * `traceDir` always holds the traces of the document in `file`. A stopped run does not replace
 * an earlier run that finished (its document is a whole: figures and statements over every run
 * of one preset and seed): it is kept beside it instead, as `<file>.interrupted` (not read by
 * the report) with its traces in `<traceDir>.interrupted/`.
 */
export function stagedResults(file: string, traceDir: string) {
  const partialFile = `${file}.partial-${process.pid}`;
  const partialDir = `${traceDir}.partial-${process.pid}`;
  const relocated = (doc: ExperimentsResultFile, dir: string): ExperimentsResultFile => {
    const moved = (path: string) => (path.startsWith(partialDir) ? dir + path.slice(partialDir.length) : path);
    return {
      ...doc,
      runs: doc.runs.map((r) => (r.trace === undefined ? r : { ...r, trace: moved(r.trace) })),
      ...(doc.traceClaims ? { traceClaims: doc.traceClaims.map((c) => ({ ...c, file: moved(c.file) })) } : {}),
    };
  };
  return {
    partialFile,
    traceDir: partialDir,
    save: (doc: ExperimentsResultFile) => writeJSONAtomic(partialFile, doc),
    /** The document with its trace paths where `commit` put them, and the file it was written to
     *  (`file`, or `<file>.interrupted` beside an earlier finished run, which is then kept). */
    commit(doc: ExperimentsResultFile): { doc: ExperimentsResultFile; file: string; keptEarlier: boolean } {
      const keptEarlier = doc.interrupted === true && finishedRun(file);
      const [toFile, toDir] = keptEarlier ? [`${file}.interrupted`, `${traceDir}.interrupted`] : [file, traceDir];
      const done = relocated(doc, toDir);
      replaceDir(partialDir, toDir);
      writeJSONAtomic(toFile, done);
      rmSync(partialFile, { force: true });
      return { doc: done, file: toFile, keptEarlier };
    },
  };
}

/** Whether `file` holds the document of an experiments run that finished (not interrupted). */
function finishedRun(file: string): boolean {
  try {
    const d = JSON.parse(readFileSync(file, 'utf8')) as Partial<ExperimentsResultFile>;
    return d.kind === 'experiments' && d.interrupted !== true;
  } catch {
    return false;
  }
}

const PAPER_DATA =
  'Mu & Klabjan train logistic regression on ResNet-18 embeddings of CIFAR-10 (512 -> 10); those embeddings are not available offline, so Section 4 runs on Fashion-MNIST images (784 -> 10, pixels / 255).';

/** The largest number of training rows any experiment of the preset reads (undefined: all). */
function rowsNeeded(p: (typeof PRESET)[PresetName]): number | undefined {
  if (p.sec4.rows === undefined || p.rac.rows === undefined) return undefined;
  return Math.max(p.sec4.rows, p.rac.rows, p.fig4.rows);
}

export async function runExperiments(backend: Backend, env: Environment, opts: ExperimentsOptions, hooks: ExperimentsHooks = {}): Promise<ExperimentsResultFile> {
  const p = PRESET[opts.preset];
  const t0 = performance.now();
  const out: Collected = { figures: [], tables: [], statements: [], traceClaims: [], data: [] };
  const doc = (lab: Lab | undefined): ExperimentsResultFile => ({
    kind: 'experiments',
    schema: RESULT_SCHEMA_VERSION,
    env,
    preset: opts.preset,
    seed: opts.seed,
    backend: backend.name,
    data: out.data,
    timeMs: performance.now() - t0,
    ...(lab?.interrupted ? { interrupted: true } : {}),
    runs: lab ? lab.outputs.map((o) => o.run) : [],
    figures: out.figures,
    tables: out.tables,
    statements: out.statements,
    traceClaims: out.traceClaims,
  });
  demoSection(opts.seed, p, out);
  if (opts.fmnistDir === null) {
    out.data.push('Fashion-MNIST is not installed: only the failure demonstration ran (apt-get install dataset-fashion-mnist adds Section 4 and the fine-tuning comparison).');
    const d = doc(undefined);
    hooks.save?.(d);
    return d;
  }
  const train: Dataset = loadFashionMNIST({ dir: opts.fmnistDir, limit: rowsNeeded(p) });
  const test: Dataset = loadFashionMNIST({ dir: opts.fmnistDir, split: 't10k', limit: p.rac.testRows });
  out.data.push(`Training images: ${train.source}.`, `Test images: ${test.source}.`, PAPER_DATA);
  // the CPU backends gather mini-batches on the host (workloads/softmax.ts)
  const hostRows = backend.name === 'wasm' || backend.name === 'cpu';
  let lab: Lab | undefined;
  lab = new Lab(backend, opts.seed, opts.traceDir, {
    ...hooks,
    onRunDone: (run) => {
      hooks.onRunDone?.(run);
      hooks.save?.(doc(lab));
    },
  });
  const sections: Section[] = [section4(lab, train, p, hostRows, out), racSection(lab, train, test, p, hostRows, out)];
  for (const s of sections) s.plan();
  for (const s of sections) {
    await s.run();
    hooks.save?.(doc(lab));
    if (lab.interrupted) break;
  }
  if (out.traceClaims.length) out.statements.push(fullBatchStatement(out.traceClaims));
  const d = doc(lab);
  hooks.save?.(d);
  return d;
}
