/**
 * Constant-memory summaries of a trace read once, front to back: a downsampled series for the
 * report's charts, and the least-squares fits of the verifier, kept as running sums (the
 * length of the trace is not known until its end).
 */

/** Most points per series in the result file (charts). */
export const MAX_SERIES_POINTS = 500;

/**
 * Keeps the points whose index is a multiple of a stride that doubles whenever more than
 * `max` are kept (so between max/2 and max points, evenly spaced), plus the last point.
 * Every point is kept while there are at most `max`.
 */
export class Downsampler<R> {
  private kept: { i: number; row: R }[] = [];
  private stride = 1;
  private last: { i: number; row: R } | undefined;

  constructor(private readonly max = MAX_SERIES_POINTS) {
    if (!(max >= 2)) throw new RangeError(`Downsampler: argument max must be >= 2, got ${max}`);
  }

  /** Point number i (0, 1, 2, ... in order); `row` is built for every point, so keep it small. */
  push(i: number, row: R): void {
    this.last = { i, row };
    if (i % this.stride !== 0) return;
    this.kept.push(this.last);
    if (this.kept.length > this.max) {
      this.kept = this.kept.filter((_, k) => k % 2 === 0);
      this.stride *= 2;
    }
  }

  /** The kept points with the last one included, in order. */
  points(): { i: number; row: R }[] {
    const out = this.kept.slice();
    const last = this.last;
    if (last && out[out.length - 1]?.i !== last.i) {
      if (out.length >= this.max) out.pop();
      out.push(last);
    }
    return out;
  }
}

/** Online simple linear regression (Welford): the slope of y against x. */
export class RunningSlope {
  private n = 0;
  private mx = 0;
  private my = 0;
  private cxy = 0;
  private cxx = 0;

  add(x: number, y: number): void {
    this.n++;
    const dx = x - this.mx;
    this.mx += dx / this.n;
    this.my += (y - this.my) / this.n;
    this.cxy += dx * (y - this.my);
    this.cxx += dx * (x - this.mx);
  }

  slope(): number | undefined {
    return this.n >= 2 && this.cxx > 0 ? this.cxy / this.cxx : undefined;
  }
}

/**
 * Least squares through the origin y ~ c x from running sums, with the uncentred
 * R^2 = 1 - sum (y - c x)^2 / sum y^2 (the usual R^2 for a fit without intercept) and the
 * envelope max_i y_i / x_i: the smallest c with y <= c x at every point (what an O(.) upper
 * bound needs).
 */
export class RunningOriginFit {
  private n = 0;
  private sxy = 0;
  private sxx = 0;
  private syy = 0;
  private envelope = -Infinity;

  add(x: number, y: number): void {
    this.n++;
    this.sxy += x * y;
    this.sxx += x * x;
    this.syy += y * y;
    this.envelope = Math.max(this.envelope, y / x);
  }

  fit(): { c: number; r2: number; envelope: number } | undefined {
    if (this.n < 3 || !(this.sxx > 0)) return undefined;
    const c = this.sxy / this.sxx;
    // sum (y - c x)^2 = syy - 2 c sxy + c^2 sxx = syy - sxy^2 / sxx at the optimum
    const res = Math.max(0, this.syy - c * this.sxy);
    return { c, r2: this.syy > 0 ? 1 - res / this.syy : 1, envelope: this.envelope };
  }
}
