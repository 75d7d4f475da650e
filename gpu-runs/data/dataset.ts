/**
 * A classification data set as the trainer holds it: X is N x n row-major float32 (held
 * once; workloads upload it to ONE tensor), y the class of each row.
 */
export interface Dataset {
  name: string;
  /** Where it came from (package and file names), for the trace header. */
  source: string;
  N: number;
  /** Features per row (columns of X). */
  n: number;
  classes: number;
  X: Float32Array;
  y: Int32Array;
  /** Feature names, when the data set has them. */
  features?: string[];
}

/** Raised when a data set is missing or malformed; the CLI turns it into a one-line error, exit 2. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** The first N rows (a view, no copy). */
export function firstRows(d: Dataset, N: number): Dataset {
  if (N >= d.N) return d;
  return { ...d, N, X: d.X.subarray(0, N * d.n), y: d.y.subarray(0, N) };
}
