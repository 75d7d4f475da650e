/**
 * SVG charts written as text when the report is built (no browser, no library, no script):
 * line charts with linear or log axes, nice ticks, a legend and dashed bound lines, and
 * histograms. Long series are decimated per pixel column (first, min, max, last of each
 * column are kept) so a 20000-step trace costs a few hundred points but keeps every spike.
 * All text in the SVG (series names, labels) goes through the escaping `html` template.
 */
import { html, join, type Html } from './escape.ts';

/** Okabe-Ito colours (distinguishable with the common colour-vision deficiencies). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#882255', '#44AA99', '#999933'];

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  /** Bounds are drawn dashed. */
  dashed?: boolean;
}

interface LineChartOptions {
  /** Accessible name of the figure (the visible caption is the caller's). */
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  logX?: boolean;
  /** 'auto': log when every value is positive and they span at least two decades. */
  logY?: boolean | 'auto';
  width?: number;
  height?: number;
  /** Axis ranges to include (charts of one figure share their axes): the data's range is widened to cover them. */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
}

interface HistogramOptions {
  title: string;
  xLabel: string;
  /** Bin edges; bins are right-closed, (edges[i], edges[i+1]] (properties/_internals/stats.ts). */
  edges: readonly number[];
  counts: readonly number[];
  /**
   * Which side of 0 violates the claim: 'above' for log10(lhs / rhs), 'below' for a slack. Bins
   * wholly on that side are drawn as violations, with a marker at 0; unset, nothing is marked.
   */
  violated?: 'above' | 'below';
  width?: number;
  height?: number;
}

const FONT = 11;
/** Average glyph width of the sans-serif at 11 px, for laying out the legend without a browser. */
const CHAR_W = 6.3;
const DECIMATE_PX = 2;

// ---------------------------------------------------------------- scales

interface Scale {
  lo: number;
  hi: number;
  log: boolean;
  ticks: number[];
  label(v: number): string;
  map(v: number): number;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

const SUP: Readonly<Record<string, string>> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

function powerText(mantissa: number, exp: number): string {
  const e = String(exp).replace(/./g, (c) => SUP[c] ?? c);
  return mantissa === 1 ? `10${e}` : `${mantissa}×10${e}`;
}

/** Tick text: plain decimals in a readable range, else m×10ⁿ. */
export function tickText(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const exp = Math.floor(Math.log10(a) + 1e-9);
    const m = Number((v / 10 ** exp).toPrecision(3));
    return powerText(m, exp);
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(Math.min(decimals, 10));
}

/** Linear scale over [min, max] mapped to [r0, r1]; `exact` keeps the domain as given (histograms). */
export function linearScale(min: number, max: number, r0: number, r1: number, exact = false): Scale {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const step = niceStep((max - min) / 5);
  const lo = exact ? min : Math.floor(min / step + 1e-9) * step;
  const hi = exact ? max : Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i <= Math.floor(hi / step + 1e-9); i++) ticks.push(Number((i * step).toPrecision(12)));
  return {
    lo,
    hi,
    log: false,
    ticks,
    label: (v) => tickText(v, step),
    map: (v) => r0 + ((v - lo) / (hi - lo)) * (r1 - r0),
  };
}

/** Log10 scale over positive [min, max]: whole decades, with 2 and 5 between when few. */
export function logScale(min: number, max: number, r0: number, r1: number): Scale {
  const lo10 = Math.floor(Math.log10(min) + 1e-12);
  let hi10 = Math.ceil(Math.log10(max) - 1e-12);
  if (hi10 <= lo10) hi10 = lo10 + 1;
  const decades = hi10 - lo10;
  const stride = Math.max(1, Math.ceil(decades / 6));
  const ticks: number[] = [];
  for (let e = lo10; e <= hi10; e += stride) {
    // Number('1e-5') is the double nearest 10^-5; 10 ** -5 is not.
    ticks.push(Number(`1e${e}`));
    if (decades <= 2 && e < hi10) ticks.push(Number(`2e${e}`), Number(`5e${e}`));
  }
  const label = (v: number): string => {
    const exp = Math.floor(Math.log10(v) + 1e-9);
    const m = Math.round(v / 10 ** exp);
    return exp >= -3 && exp <= 4 ? String(Number(v.toPrecision(3))) : powerText(m, exp);
  };
  return {
    lo: Number(`1e${lo10}`),
    hi: Number(`1e${hi10}`),
    log: true,
    ticks,
    label,
    map: (v) => r0 + ((Math.log10(v) - lo10) / (hi10 - lo10)) * (r1 - r0),
  };
}

// ---------------------------------------------------------------- decimation

/**
 * Indices to keep from a run of points (pixel coordinates, x non-decreasing): for each
 * DECIMATE_PX-wide column, the first, the lowest, the highest and the last point, in their
 * original order. The drawn line is then the full one at screen resolution, spikes included.
 */
export function decimate(xs: ArrayLike<number>, ys: ArrayLike<number>, n = Math.min(xs.length, ys.length)): number[] {
  const keep: number[] = [];
  let start = 0;
  while (start < n) {
    const col = Math.floor(xs[start]! / DECIMATE_PX);
    let end = start + 1;
    while (end < n && Math.floor(xs[end]! / DECIMATE_PX) === col) end++;
    let iMin = start;
    let iMax = start;
    for (let i = start + 1; i < end; i++) {
      if (ys[i]! < ys[iMin]!) iMin = i;
      if (ys[i]! > ys[iMax]!) iMax = i;
    }
    const a = Math.min(iMin, iMax);
    const b = Math.max(iMin, iMax);
    for (const k of [start, a, b, end - 1]) if (keep[keep.length - 1] !== k) keep.push(k);
    start = end;
  }
  return keep;
}

// ---------------------------------------------------------------- drawing helpers

const px = (v: number) => Math.round(v * 10) / 10;

function usable(v: number, log: boolean): boolean {
  return Number.isFinite(v) && (!log || v > 0);
}

function extent(series: readonly Series[], key: 'x' | 'y', log: boolean): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    const a = s[key];
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!usable(v, log)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** [lo, hi] widened to cover a requested domain (its usable ends). */
function widen(e: [number, number] | undefined, d: readonly [number, number] | undefined, log: boolean): [number, number] | undefined {
  if (!d) return e;
  const ends = d.filter((v) => usable(v, log));
  if (!ends.length) return e;
  const lo = Math.min(...ends, ...(e ? [e[0]] : []));
  const hi = Math.max(...ends, ...(e ? [e[1]] : []));
  return [lo, hi];
}

function wantLogY(series: readonly Series[], opt: boolean | 'auto' | undefined): boolean {
  if (opt !== 'auto') return !!opt;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series)
    for (let i = 0; i < s.y.length; i++) {
      const v = s.y[i]!;
      if (!Number.isFinite(v)) continue;
      if (v <= 0) return false;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return lo <= hi && hi / lo >= 100;
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function axes(box: Box, xs: Scale, ys: Scale, xLabel: string, yLabel: string): Html {
  const grid: Html[] = [];
  for (const t of ys.ticks) {
    const y = px(ys.map(t));
    grid.push(html`<line class="grid" x1="${box.left}" x2="${box.right}" y1="${y}" y2="${y}"/>`);
    grid.push(html`<text x="${box.left - 6}" y="${y + 3.5}" text-anchor="end">${ys.label(t)}</text>`);
  }
  for (const t of xs.ticks) {
    const x = px(xs.map(t));
    grid.push(html`<line class="grid" x1="${x}" x2="${x}" y1="${box.top}" y2="${box.bottom}"/>`);
    grid.push(html`<text x="${x}" y="${box.bottom + 15}" text-anchor="middle">${xs.label(t)}</text>`);
  }
  const midY = px((box.top + box.bottom) / 2);
  return html`<g class="axes">${grid}<line class="axis" x1="${box.left}" x2="${box.right}" y1="${box.bottom}" y2="${box.bottom}"/><line class="axis" x1="${box.left}" x2="${box.left}" y1="${box.top}" y2="${box.bottom}"/><text class="label" x="${px((box.left + box.right) / 2)}" y="${box.bottom + 33}" text-anchor="middle">${xLabel}</text><text class="label" transform="translate(13 ${midY}) rotate(-90)" text-anchor="middle">${yLabel}</text></g>`;
}

interface LegendLayout {
  height: number;
  svg: Html;
}

function legend(series: readonly Series[], x0: number, width: number, y0: number): LegendLayout {
  const items: Html[] = [];
  let x = x0;
  let y = y0;
  for (const s of series) {
    const w = 26 + s.name.length * CHAR_W;
    if (x > x0 && x + w > x0 + width) {
      x = x0;
      y += 16;
    }
    items.push(
      html`<g><line x1="${x}" x2="${x + 20}" y1="${y - 3.5}" y2="${y - 3.5}" stroke="${s.color}" stroke-width="2"${s.dashed ? html` stroke-dasharray="5 3"` : ''}/><text x="${x + 25}" y="${y}">${s.name}</text></g>`,
    );
    x += w + 14;
  }
  return { height: y - y0 + 16, svg: html`<g class="legend">${items}</g>` };
}

function svg(width: number, height: number, title: string, body: Html): Html {
  return html`<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${title}" font-size="${FONT}"><title>${title}</title>${body}</svg>`;
}

// ---------------------------------------------------------------- line chart

function countHidden(series: readonly Series[], logX: boolean, logY: boolean): number {
  let hidden = 0;
  for (const s of series) {
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) if (!usable(s.x[i]!, logX) || !usable(s.y[i]!, logY)) hidden++;
  }
  return hidden;
}

export function lineChart(o: LineChartOptions): Html {
  const width = o.width ?? 560;
  const logY = wantLogY(o.series, o.logY);
  const logX = !!o.logX;
  const hidden = countHidden(o.series, logX, logY);
  // A line below the x label says how many points could not be drawn.
  const height = (o.height ?? 300) + (hidden ? 14 : 0);
  const lg = legend(o.series, 62, width - 86, 14);
  // The right margin leaves room for half of the last x tick label ("20000").
  const box: Box = { left: 62, right: width - 24, top: lg.height + 10, bottom: height - 44 - (hidden ? 14 : 0) };
  const ex = widen(extent(o.series, 'x', logX), o.xDomain, logX);
  const ey = widen(extent(o.series, 'y', logY), o.yDomain, logY);
  if (!ex || !ey) {
    return svg(width, height, o.title, html`${lg.svg}<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">no finite values to plot</text>`);
  }
  const xs = logX ? logScale(ex[0], ex[1], box.left, box.right) : linearScale(ex[0], ex[1], box.left, box.right);
  const ys = logY ? logScale(ey[0], ey[1], box.bottom, box.top) : linearScale(ey[0], ey[1], box.bottom, box.top);
  const paths: Html[] = [];
  for (const s of o.series) {
    const n = Math.min(s.x.length, s.y.length);
    const rx = new Float64Array(n);
    const ry = new Float64Array(n);
    let len = 0;
    const parts: string[] = [];
    const flush = () => {
      const keep = decimate(rx, ry, len);
      if (keep.length === 1) parts.push(`M${px(rx[0]!)} ${px(ry[0]!)}h0.01`);
      else keep.forEach((k, j) => parts.push(`${j ? 'L' : 'M'}${px(rx[k]!)} ${px(ry[k]!)}`));
      len = 0;
    };
    for (let i = 0; i < n; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      if (!usable(x, logX) || !usable(y, logY)) {
        if (len) flush();
        continue;
      }
      rx[len] = xs.map(x);
      ry[len] = ys.map(y);
      len++;
    }
    if (len) flush();
    const d = parts.join('');
    paths.push(
      html`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.dashed ? 1.5 : 1.8}" stroke-linejoin="round"${s.dashed ? html` stroke-dasharray="6 4"` : ''}><title>${s.name}</title></path>`,
    );
  }
  const note = hidden
    ? html`<text class="note" x="${box.right}" y="${box.bottom + 48}" text-anchor="end">${hidden} point${hidden === 1 ? '' : 's'} not drawn (${logY ? 'non-positive or ' : ''}non-finite)</text>`
    : '';
  return svg(width, height, o.title, html`${axes(box, xs, ys, o.xLabel, o.yLabel + (logY ? ' (log scale)' : ''))}${lg.svg}<g class="series">${paths}</g>${note}`);
}

// ---------------------------------------------------------------- histogram

/** Text of a bin edge: plain decimals in a readable range, else ±m×10ⁿ; infinite ends as ∞. */
function edgeText(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) {
    const exp = Math.floor(Math.log10(a) + 1e-9);
    return `${v < 0 ? '-' : ''}${powerText(Number((a / 10 ** exp).toPrecision(2)), exp)}`;
  }
  return String(Number(v.toPrecision(3)));
}

/** Whether the finite bins have one width (then the axis is an ordinary linear one). */
function equalBins(edges: readonly number[]): boolean {
  const w = edges.slice(1).map((e, i) => e - edges[i]!);
  return w.every((x) => Number.isFinite(x) && Math.abs(x - w[0]!) <= 1e-9 * Math.abs(w[0]!));
}

/**
 * One column per bin, all of one width: the bins a check writes are fine near 0 and coarse far
 * from it (log10 ratios from -12 to 12, slacks from -10⁶ to 10⁶), and on a linear axis the bins
 * that matter most, next to 0, would be slivers. The edges are the tick labels (thinned so they
 * do not overlap, 0 always kept); unequal bins are said so in the axis label.
 */
export function histogram(o: HistogramOptions): Html {
  const width = o.width ?? 560;
  const height = o.height ?? 240;
  const edges = o.edges;
  const n = o.counts.length;
  const box: Box = { left: 62, right: width - 24, top: 14, bottom: height - 44 };
  if (!(edges.length === n + 1) || n === 0 || edges.some((e) => Number.isNaN(e)) || !(edges[0]! < edges[n]!)) {
    return svg(width, height, o.title, html`<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">histogram edges are not usable</text>`);
  }
  const bw = (box.right - box.left) / n;
  const xAt = (i: number) => box.left + i * bw;
  const ys = linearScale(0, Math.max(1, ...o.counts), box.bottom, box.top);
  const zero = edges.indexOf(0);
  const bars: Html[] = [];
  o.counts.forEach((c, i) => {
    const y = ys.map(c);
    const bad = c > 0 && (o.violated === 'above' ? edges[i]! >= 0 : o.violated === 'below' ? edges[i + 1]! < 0 : false);
    bars.push(
      html`<rect class="${bad ? 'bar bad' : 'bar'}" x="${px(xAt(i) + 0.5)}" y="${px(y)}" width="${px(Math.max(0.5, bw - 1))}" height="${px(box.bottom - y)}"><title>${`(${edges[i]}, ${edges[i + 1]}]: ${c}`}</title></rect>`,
    );
  });
  const texts = edges.map(edgeText);
  const widest = Math.max(...texts.map((t) => t.length)) * CHAR_W + 6;
  const stride = Math.max(1, Math.ceil(widest / bw));
  const from = zero >= 0 ? zero % stride : 0;
  const grid: Html[] = [];
  for (const t of ys.ticks) {
    const y = px(ys.map(t));
    grid.push(html`<line class="grid" x1="${box.left}" x2="${box.right}" y1="${y}" y2="${y}"/><text x="${box.left - 6}" y="${y + 3.5}" text-anchor="end">${ys.label(t)}</text>`);
  }
  for (let i = from; i <= n; i += stride) grid.push(html`<line class="axis" x1="${px(xAt(i))}" x2="${px(xAt(i))}" y1="${box.bottom}" y2="${box.bottom + 4}"/><text x="${px(xAt(i))}" y="${box.bottom + 15}" text-anchor="middle">${texts[i]}</text>`);
  let marker: Html | string = '';
  if (o.violated && zero > 0 && zero < n) {
    const x = px(xAt(zero));
    const [l, r] = o.violated === 'above' ? ['← holds', 'violated →'] : ['← violated', 'holds →'];
    marker = html`<line class="marker" x1="${x}" x2="${x}" y1="${box.top}" y2="${box.bottom}"/><text class="marker-label" x="${x - 4}" y="${box.top + 10}" text-anchor="end">${l}</text><text class="marker-label" x="${x + 4}" y="${box.top + 10}">${r}</text>`;
  }
  const xLabel = equalBins(edges) ? o.xLabel : `${o.xLabel} (bins of unequal width, drawn equal)`;
  const midY = px((box.top + box.bottom) / 2);
  const axesSvg = html`<g class="axes">${grid}<line class="axis" x1="${box.left}" x2="${box.right}" y1="${box.bottom}" y2="${box.bottom}"/><line class="axis" x1="${box.left}" x2="${box.left}" y1="${box.top}" y2="${box.bottom}"/><text class="label" x="${px((box.left + box.right) / 2)}" y="${box.bottom + 33}" text-anchor="middle">${xLabel}</text><text class="label" transform="translate(13 ${midY}) rotate(-90)" text-anchor="middle">count</text></g>`;
  return svg(width, height, o.title, html`${axesSvg}${join(bars)}${marker}`);
}
