/**
 * How big each experiment is: `full` (the default of `loracheck experiments`), `quick`
 * (`--quick`: a few epochs on subsets, 1-2 minutes here) and `tiny` (the slice that
 * `loracheck verify --quick` runs). The paper's settings (Mu & Klabjan, Table 1, logistic
 * regression column): batch 512, rank 4, 60 epochs, alpha_adapt 1, alpha_adapt2 0.8, alpha_norm 0.06,
 * constant rates 0.03, 0.05, 0.07; Figure 4: 1000 epochs.
 */

export type PresetName = 'full' | 'quick' | 'tiny';
export const PRESETS: readonly PresetName[] = ['full', 'quick', 'tiny'];

export interface Preset {
  name: PresetName;
  /** Figures 1 and 7: the first `rows` training images (undefined: all 60,000), `epochs` epochs. */
  sec4: { rows?: number; epochs: number };
  /** Figure 4: the first `rows` images for `epochs` epochs (the paper: all rows, 1000 epochs); full loss every `fullEvery` epochs. */
  fig4: { rows: number; epochs: number; fullEvery: number; rules: string[] };
  /** Full-batch runs with rule (8), verified claim by claim: on the Figure 1 rows and on the Figure 4 rows. */
  fullBatch: { steps: number; fig4Steps: number };
  /** The failure demonstration (RAC-LoRA, reported): steps per run, instances (W* drawn anew). */
  demo: { steps: number; instances: number };
  /** Five methods on classes 5-9 after pretraining on 0-4: the first `rows` training images (undefined: all). */
  rac: { rows?: number; testRows?: number; pretrainEpochs: number; epochs: number; ranks: number[] };
}

/** Table 1 (logistic regression): the rules of Figure 1 with their alphas, and the constant rates. */
export const TABLE1 = {
  batch: 512,
  rank: 4,
  epochs: 60,
  rules: ['adapt', 'adapt2', 'norm'],
  alpha: { adapt: 1, adapt2: 0.8, norm: 0.06 },
  constants: [0.03, 0.05, 0.07],
} as const;

export const PRESET: Readonly<Record<PresetName, Preset>> = {
  full: {
    name: 'full',
    sec4: { epochs: 60 },
    // 1000 epochs of all 60,000 rows is 117,000 steps (about 4.5 h here): 6,000 rows, 11 steps per epoch
    fig4: { rows: 6000, epochs: 1000, fullEvery: 10, rules: ['adapt', 'adapt2', 'norm', 'const:0.05'] },
    fullBatch: { steps: 150, fig4Steps: 1000 },
    demo: { steps: 4000, instances: 20 },
    rac: { pretrainEpochs: 5, epochs: 20, ranks: [1, 4] },
  },
  quick: {
    name: 'quick',
    sec4: { rows: 12000, epochs: 10 },
    fig4: { rows: 2048, epochs: 100, fullEvery: 10, rules: ['adapt', 'adapt2', 'norm', 'const:0.05'] },
    fullBatch: { steps: 30, fig4Steps: 150 },
    demo: { steps: 4000, instances: 10 },
    rac: { rows: 12000, testRows: 4000, pretrainEpochs: 3, epochs: 8, ranks: [1, 4] },
  },
  tiny: {
    name: 'tiny',
    sec4: { rows: 3072, epochs: 3 },
    fig4: { rows: 1024, epochs: 20, fullEvery: 10, rules: ['adapt2', 'const:0.05'] },
    fullBatch: { steps: 10, fig4Steps: 30 },
    demo: { steps: 1500, instances: 5 },
    rac: { rows: 4096, testRows: 2000, pretrainEpochs: 2, epochs: 3, ranks: [1] },
  },
};
