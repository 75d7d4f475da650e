/**
 * Small statistics on recorded series for the experiments' figures and statements: moving
 * averages (the papers plot them), downsampling for the result file, correlation, medians and
 * least-squares slopes. Plain arrays: a run's series fit in memory (at most ~10^5 steps).
 */

/** Most points per series in experiments.json. */
export const MAX_POINTS = 400;

/** Trailing moving average: y_t averaged over the last `window` points (fewer at the start). */
export function movingAverage(y: readonly number[], window: number): number[] {
  const out = new Array<number>(y.length);
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    sum += y[i]!;
    if (i >= window) sum -= y[i - window]!;
    out[i] = sum / Math.min(i + 1, window);
  }
  return out;
}

/** At most `max` evenly spaced points (the first and the last included). */
export function downsample(x: readonly number[], y: readonly number[], max = MAX_POINTS): { x: number[]; y: number[] } {
  const n = Math.min(x.length, y.length);
  if (n <= max) return { x: x.slice(0, n), y: y.slice(0, n) };
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < max; k++) {
    const i = Math.round((k * (n - 1)) / (max - 1));
    xs.push(x[i]!);
    ys.push(y[i]!);
  }
  return { x: xs, y: ys };
}

export function mean(a: readonly number[]): number {
  return a.length ? a.reduce((s, v) => s + v, 0) / a.length : NaN;
}

export function median(a: readonly number[]): number {
  if (!a.length) return NaN;
  const s = [...a].sort((p, q) => p - q);
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
}

/** Standard deviation (population). */
export function std(a: readonly number[]): number {
  const m = mean(a);
  return Math.sqrt(mean(a.map((v) => (v - m) ** 2)));
}

/** Pearson correlation of two equally long series (NaN when either is constant). */
export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  const ma = mean(a.slice(0, n));
  const mb = mean(b.slice(0, n));
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Least-squares slope of y against x. */
export function slope(x: readonly number[], y: readonly number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

/** The part of a series between fractions `from` and `to` of its length. */
export function part<T>(a: readonly T[], from: number, to: number): T[] {
  return a.slice(Math.floor(from * a.length), Math.max(Math.floor(from * a.length) + 1, Math.floor(to * a.length)));
}

/** The first index at which y <= level, or -1. */
export function firstAtOrBelow(y: readonly number[], level: number): number {
  for (let i = 0; i < y.length; i++) if (y[i]! <= level) return i;
  return -1;
}

/** A number for a sentence: 4 significant digits. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return String(x);
  return Number(x.toPrecision(digits)).toString();
}
