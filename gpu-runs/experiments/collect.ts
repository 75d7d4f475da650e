/** What the experiments gather as they run, and the two phases of each experiment. */
import type { ExperimentFigure, ExperimentStatement, ExperimentTable, TraceClaimResult } from '../../theory/results.ts';

export interface Collected {
  figures: ExperimentFigure[];
  tables: ExperimentTable[];
  statements: ExperimentStatement[];
  traceClaims: { file: string; label: string; claims: TraceClaimResult[] }[];
  data: string[];
}

export interface Section {
  /** Announces its runs to the lab (for the overall ETA) before any section runs. */
  plan(): void;
  run(): Promise<void>;
}
