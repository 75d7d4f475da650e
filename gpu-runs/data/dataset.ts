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

/** The rows whose class is in `classes` (a copy), e.g. Fashion-MNIST's classes 0-4 or 5-9. */
export function selectClasses(d: Dataset, classes: readonly number[], what = `classes ${classes.join(', ')}`): Dataset {
  const keep: number[] = [];
  for (let i = 0; i < d.N; i++) if (classes.includes(d.y[i]!)) keep.push(i);
  const X = new Float32Array(keep.length * d.n);
  const y = new Int32Array(keep.length);
  keep.forEach((row, k) => {
    X.set(d.X.subarray(row * d.n, (row + 1) * d.n), k * d.n);
    y[k] = d.y[row]!;
  });
  return { ...d, name: `${d.name} (${what})`, source: `${d.source}, ${what} (${keep.length} rows)`, N: keep.length, X, y };
}

/** Share of rows whose argmax of X W^T (W: classes x n, row-major) is the label: the accuracy. */
export function accuracy(d: Dataset, W: Float32Array): number {
  let right = 0;
  for (let i = 0; i < d.N; i++) {
    let best = -Infinity;
    let arg = -1;
    for (let c = 0; c < d.classes; c++) {
      let z = 0;
      const xo = i * d.n;
      const wo = c * d.n;
      for (let j = 0; j < d.n; j++) z += d.X[xo + j]! * W[wo + j]!;
      if (z > best) {
        best = z;
        arg = c;
      }
    }
    if (arg === d.y[i]) right++;
  }
  return d.N ? right / d.N : NaN;
}
