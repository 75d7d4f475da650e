/**
 * Running statistics of a check: case counts and the slack histogram. One value per case: its
 * tightest comparison (closest to failing), binned as log10(ratio) where the claim's sides
 * define a ratio (ratio = lhs/rhs for <=, rhs/lhs for >=: > 1 means violated), else as the
 * absolute slack. Bins are right-closed, (edges[i], edges[i+1]]; values beyond either end are
 * counted in the end bins.
 */
import type { Decision } from '../../numeric/compare.ts';
import type { Histogram } from '../../theory/results.ts';

export const LOG_RATIO_EDGES = [-12, -6, -4, -3, -2, -1, -0.5, -0.2, -0.1, -0.05, -0.01, -0.001, 0, 0.001, 0.01, 0.1, 1, 12];
const SLACK_EDGES = [-1e6, -1e3, -1, -1e-3, -1e-6, -1e-12, 0, 1e-12, 1e-6, 1e-3, 1, 1e3, 1e6];

export class SlackHistogram {
  private readonly ratio = new Array<number>(LOG_RATIO_EDGES.length - 1).fill(0);
  private readonly slack = new Array<number>(SLACK_EDGES.length - 1).fill(0);
  private ratios = 0;
  private slacks = 0;

  add(d: Decision): void {
    if (d.ratio !== undefined && Number.isFinite(d.ratio) && d.ratio >= 0) {
      this.ratio[bin(LOG_RATIO_EDGES, d.ratio === 0 ? -Infinity : Math.log10(d.ratio))]!++;
      this.ratios++;
    } else if (Number.isFinite(d.slack)) {
      this.slack[bin(SLACK_EDGES, d.slack)]!++;
      this.slacks++;
    }
  }

  /** Adds the counts of a histogram result() gave (an earlier run of the same claim). */
  addCounts(h: Histogram): void {
    const ratio = h.edges.length === LOG_RATIO_EDGES.length && h.edges.every((e, i) => e === LOG_RATIO_EDGES[i]);
    const into = ratio ? this.ratio : this.slack;
    if (!ratio && !(h.edges.length === SLACK_EDGES.length && h.edges.every((e, i) => e === SLACK_EDGES[i]))) throw new RangeError('SlackHistogram.addCounts: unknown bin edges');
    h.counts.forEach((c, i) => (into[i]! += c));
    const n = h.counts.reduce((a, b) => a + b, 0);
    if (ratio) this.ratios += n;
    else this.slacks += n;
  }

  /** The histogram of whichever kind most cases had (ratios win ties), or undefined when empty. */
  result(): Histogram | undefined {
    if (this.ratios === 0 && this.slacks === 0) return undefined;
    if (this.ratios >= this.slacks)
      return { of: 'log10(ratio) of the tightest comparison per case (ratio = lhs/rhs for <=, rhs/lhs for >=; > 0 is violated)', edges: LOG_RATIO_EDGES, counts: this.ratio.slice() };
    return { of: 'slack of the tightest comparison per case (rhs - lhs for <=, lhs - rhs for >=, -|lhs - rhs| for =)', edges: SLACK_EDGES, counts: this.slack.slice() };
  }
}

/** Index of the right-closed bin (edges[i], edges[i+1]] holding x, clamped to the end bins. */
export function bin(edges: readonly number[], x: number): number {
  const last = edges.length - 2;
  if (!(x > edges[0]!)) return 0;
  for (let i = 0; i <= last; i++) if (x <= edges[i + 1]!) return i;
  return last;
}
