/**
 * The workload registry: names, defaults, and construction from `train`'s options.
 *   penguins-logreg  softmax regression on Palmer penguins (embedded in vega-datasets; default)
 *   fmnist-logreg    softmax regression 784 -> 10 on Fashion-MNIST (Debian dataset-fashion-mnist)
 *   fmnist-2head     two heads on disjoint pixel rows, two adapter pairs (Sec. 3.2: L36, M36)
 *   quadratic        1/2 ||W - C||_H^2 with exact L, up to 8192 x 8192
 *   mlp              two-layer tanh network (L estimated along the run)
 *   expr             your own elementwise loss f(W_ij, C_ij) (`train --loss EXPR`), like quadratic
 */
import type { TF } from '../backend.ts';
import { firstRows, type Dataset } from '../data/dataset.ts';
import { loadFashionMNIST } from '../data/fmnist.ts';
import { loadPenguins } from '../data/penguins.ts';
import type { Rng } from '../rng.ts';
import { exprWorkload, type ExprWorkloadLoss } from './expr.ts';
import { mlpWorkload } from './mlp.ts';
import { quadraticWorkload } from './quadratic.ts';
import { logregWorkload, twoHeadWorkload } from './softmax.ts';
import { WorkloadError, type Workload } from './types.ts';

export { WorkloadError, type Workload } from './types.ts';

export const WORKLOADS = ['penguins-logreg', 'fmnist-logreg', 'fmnist-2head', 'quadratic', 'mlp', 'expr'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export const MLP_DATA = ['penguins', 'fmnist'] as const;

export interface WorkloadOptions {
  /** Use only the first N training rows (data workloads). */
  samples?: number;
  /** quadratic: W is m x n (default 1024 x 1024). */
  m?: number;
  n?: number;
  /** mlp: hidden width (default 16) and data set (default penguins). */
  hidden?: number;
  data?: (typeof MLP_DATA)[number];
  /** Fashion-MNIST folder (default /usr/share/datasets/fashion-mnist or $LORACHECK_FMNIST_DIR). */
  fmnistDir?: string;
  /** expr: the user's loss and its constants (size as quadratic). */
  loss?: ExprWorkloadLoss;
}

export const DEFAULT_RANK: Readonly<Record<WorkloadName, number>> = {
  'penguins-logreg': 2,
  'fmnist-logreg': 8,
  'fmnist-2head': 8,
  quadratic: 16,
  mlp: 2,
  expr: 4,
};

export const QUADRATIC_DEFAULT_SIZE = 1024;
export const EXPR_DEFAULT_SIZE = 256;
export const MLP_DEFAULT_HIDDEN = 16;
/** fmnist-2head: head 1 sees pixel rows 0-11 (12 x 28 = 336 columns), head 2 rows 12-27. */
export const TWO_HEAD_SPLIT = 12 * 28;

export function isWorkload(name: string): name is WorkloadName {
  return (WORKLOADS as readonly string[]).includes(name);
}

/** Whether a workload reads Fashion-MNIST with these options. */
export function needsFashionMNIST(name: WorkloadName, opts: WorkloadOptions): boolean {
  return name === 'fmnist-logreg' || name === 'fmnist-2head' || (name === 'mlp' && opts.data === 'fmnist');
}

function dataset(which: 'penguins' | 'fmnist', opts: WorkloadOptions): Dataset {
  const d = which === 'penguins' ? loadPenguins() : loadFashionMNIST({ limit: opts.samples, dir: opts.fmnistDir });
  return opts.samples !== undefined ? firstRows(d, opts.samples) : d;
}

/** The weight shapes a workload will have, known before any data is read (for early flag checks). */
export function plannedShapes(name: WorkloadName, opts: WorkloadOptions): { m: number; n: number }[] {
  const pixels = 28 * 28;
  switch (name) {
    case 'penguins-logreg':
      return [{ m: 3, n: 5 }];
    case 'fmnist-logreg':
      return [{ m: 10, n: pixels }];
    case 'fmnist-2head':
      return [
        { m: 10, n: TWO_HEAD_SPLIT },
        { m: 10, n: pixels - TWO_HEAD_SPLIT },
      ];
    case 'quadratic':
      return [{ m: opts.m ?? QUADRATIC_DEFAULT_SIZE, n: opts.n ?? QUADRATIC_DEFAULT_SIZE }];
    case 'expr':
      return [{ m: opts.m ?? EXPR_DEFAULT_SIZE, n: opts.n ?? EXPR_DEFAULT_SIZE }];
    case 'mlp': {
      const h = opts.hidden ?? MLP_DEFAULT_HIDDEN;
      const fm = opts.data === 'fmnist';
      return [
        { m: h, n: fm ? pixels : 5 },
        { m: fm ? 10 : 3, n: h },
      ];
    }
  }
}

/** Throws WorkloadError for options that cannot work, before anything is loaded. */
export function checkWorkloadOptions(name: WorkloadName, opts: WorkloadOptions, rank: number): void {
  if (opts.samples !== undefined && (!Number.isInteger(opts.samples) || opts.samples < 1))
    throw new WorkloadError(`samples must be an integer >= 1, got ${opts.samples}`);
  if (name === 'mlp' && opts.hidden !== undefined && (!Number.isInteger(opts.hidden) || opts.hidden < 1))
    throw new WorkloadError(`mlp: hidden width must be an integer >= 1, got ${opts.hidden}`);
  const shapes = plannedShapes(name, opts);
  const smallest = Math.min(...shapes.map((s) => Math.min(s.m, s.n)));
  if (!Number.isInteger(rank) || rank < 1 || rank > smallest) {
    const sizes = shapes.map((s) => `${s.m} x ${s.n}`).join(', ');
    throw new WorkloadError(`rank ${rank} does not fit ${name} (weights ${sizes}): it must be an integer in 1..${smallest}`);
  }
}

export function createWorkload(tf: TF, name: WorkloadName, opts: WorkloadOptions, rank: number, rng: Rng): Workload {
  checkWorkloadOptions(name, opts, rank);
  switch (name) {
    case 'penguins-logreg':
      return logregWorkload(tf, name, dataset('penguins', opts), rng);
    case 'fmnist-logreg':
      return logregWorkload(tf, name, dataset('fmnist', opts), rng);
    case 'fmnist-2head':
      return twoHeadWorkload(tf, name, dataset('fmnist', opts), rng, TWO_HEAD_SPLIT);
    case 'quadratic':
      return quadraticWorkload(tf, name, opts.m ?? QUADRATIC_DEFAULT_SIZE, opts.n ?? QUADRATIC_DEFAULT_SIZE, rank, rng);
    case 'expr':
      return exprWorkload(tf, name, opts.m ?? EXPR_DEFAULT_SIZE, opts.n ?? EXPR_DEFAULT_SIZE, rank, rng, opts.loss);
    case 'mlp':
      return mlpWorkload(tf, name, dataset(opts.data ?? 'penguins', opts), opts.hidden ?? MLP_DEFAULT_HIDDEN, rng);
  }
}
