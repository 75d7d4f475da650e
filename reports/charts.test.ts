import { describe, expect, it } from 'vitest';
import { decimate, histogram, lineChart, linearScale, logScale, tickText } from './charts.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const paths = (svg: string) => [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]!);

describe('scales', () => {
  it('picks nice linear ticks that cover the data', () => {
    const s = linearScale(0.3, 9.3, 0, 100);
    expect(s.ticks).toEqual([0, 2, 4, 6, 8, 10]);
    expect(s.map(s.lo)).toBe(0);
    expect(s.map(s.hi)).toBe(100);
  });

  it('puts log ticks on decades, with 2 and 5 between when the range is short', () => {
    expect(logScale(3e-7, 40, 0, 1).ticks).toEqual([1e-7, 1e-5, 1e-3, 1e-1, 10]);
    expect(logScale(1.5, 40, 0, 1).ticks).toEqual([1, 2, 5, 10, 20, 50, 100]);
  });

  it('writes small and large ticks as powers of ten', () => {
    expect(tickText(1e-6, 1e-6)).toBe('10⁻⁶');
    expect(tickText(2e5, 1e5)).toBe('2×10⁵');
    expect(tickText(0.25, 0.05)).toBe('0.25');
  });
});

describe('decimate', () => {
  it('keeps a few points per pixel column but every spike', () => {
    const n = 20000;
    const x = range(n).map((i) => (i / n) * 480);
    const y = range(n).map((i) => (i === 12345 ? 1000 : Math.sin(i / 50)));
    const keep = decimate(x, y);
    expect(keep.length).toBeLessThan(4 * 241);
    expect(keep).toContain(12345);
    expect(keep[0]).toBe(0);
    expect(keep[keep.length - 1]).toBe(n - 1);
    expect([...keep].sort((a, b) => a - b)).toEqual(keep);
  });
});

describe('lineChart', () => {
  const base = { title: 'J', xLabel: 'step t', yLabel: 'J' };

  it('draws one path per series, dashed bounds, axes and a legend with escaped names', () => {
    const t = range(50);
    const svg = lineChart({
      ...base,
      series: [
        { name: 'theory <script>', x: t, y: t.map((i) => 10 - i / 10), color: '#0072B2' },
        { name: 'GV bound', x: t, y: t.map((i) => 12 + i), color: '#0072B2', dashed: true },
      ],
    }).value;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(paths(svg)).toHaveLength(2);
    expect(svg.match(/stroke-dasharray="6 4"/g)).toHaveLength(1);
    expect(svg).toContain('theory &lt;script&gt;');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('>step t</text>');
    expect(svg.match(/class="grid"/g)!.length).toBeGreaterThan(4);
  });

  it('switches to a log axis when positive values span decades, and says so', () => {
    const t = range(100).map((i) => i + 1);
    const svg = lineChart({ ...base, series: [{ name: 'g', x: t, y: t.map((i) => 10 ** -i / 10) }].map((s) => ({ ...s, color: '#000' })), logY: 'auto' }).value;
    expect(svg).toContain('(log scale)');
    expect(svg).toContain('10⁻');
    const lin = lineChart({ ...base, series: [{ name: 'g', x: t, y: t.map((i) => 50 + i), color: '#000' }], logY: 'auto' }).value;
    expect(lin).not.toContain('(log scale)');
  });

  it('breaks the line at non-finite values and counts what it did not draw', () => {
    const svg = lineChart({ ...base, series: [{ name: 'd', x: [0, 1, 2, 3, 4], y: [1, 2, NaN, 4, 5], color: '#000' }] }).value;
    expect(paths(svg)[0]!.match(/M/g)).toHaveLength(2);
    expect(svg).toContain('1 point not drawn');
  });

  it('says so when there is nothing to plot', () => {
    expect(lineChart({ ...base, series: [{ name: 'd', x: [0, 1], y: [NaN, Infinity], color: '#000' }] }).value).toContain('no finite values');
  });

  it('keeps a 20000-step series small', () => {
    const t = range(20001);
    const svg = lineChart({ ...base, series: [{ name: 'J', x: t, y: t.map((i) => 1 / (1 + i) + 0.01 * Math.sin(i)), color: '#000' }] }).value;
    expect(svg.length).toBeLessThan(40_000);
  });
});

describe('histogram', () => {
  const widths = (svg: string) => [...svg.matchAll(/<rect class="bar[^"]*" x="[^"]*" y="[^"]*" width="([^"]*)"/g)].map((m) => Number(m[1]));

  it('draws one bar per bin, the non-empty bins wholly below 0 as violations (slack), and the 0 marker', () => {
    const svg = histogram({ title: 'slack', xLabel: 'slack', edges: [-1, -0.5, 0, 0.5, 1], counts: [2, 3, 10, 4], violated: 'below' }).value;
    expect(svg.match(/<rect class="bar/g)).toHaveLength(4);
    // (-0.5, 0] holds a slack of 0, which holds: only (-1, -0.5] is wholly violated
    expect(svg.match(/<rect class="bar bad"/g)).toHaveLength(1);
    expect(svg).toContain('class="marker"');
    // bins are right-closed, as properties/_internals/stats.ts counts them
    expect(svg).toContain('<title>(-0.5, 0]: 3</title>');
  });

  it('marks the bins above 0 when a ratio above 1 is the violation (log10 of lhs / rhs), and the bin ending at 0 holds', () => {
    const svg = histogram({ title: 'r', xLabel: 'log10(ratio)', edges: [-12, -1, -0.001, 0, 0.001, 12], counts: [5, 6, 7, 1, 1], violated: 'above' }).value;
    const bars = [...svg.matchAll(/<rect class="(bar[^"]*)"[^>]*><title>([^<]*)<\/title>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(bars).toEqual(['bar (-12, -1]: 5', 'bar (-1, -0.001]: 6', 'bar (-0.001, 0]: 7', 'bar bad (0, 0.001]: 1', 'bar bad (0.001, 12]: 1']);
    expect(svg).toContain('violated →');
  });

  it('draws bins of unequal width as equal columns, so the narrow bins next to 0 stay visible, and says so', () => {
    const svg = histogram({ title: 'r', xLabel: 'log10(ratio)', edges: [-12, -6, -0.01, -0.001, 0, 12], counts: [1, 2, 3, 4, 0], violated: 'above' }).value;
    const w = widths(svg);
    expect(w).toHaveLength(5);
    expect(Math.max(...w) - Math.min(...w)).toBeLessThan(0.2);
    expect(svg).toContain('bins of unequal width');
    expect(svg).toContain('>-0.001<');
  });

  it('marks nothing where the file does not say which side violates', () => {
    const svg = histogram({ title: 'h', xLabel: 'x', edges: [-1, 0, 1], counts: [1, 2] }).value;
    expect(svg).not.toContain('bar bad');
    expect(svg).not.toContain('class="marker"');
  });

  it('refuses edges that do not match the counts instead of drawing nonsense', () => {
    expect(histogram({ title: 'h', xLabel: 'x', edges: [0, 1], counts: [1, 2] }).value).toContain('not usable');
  });
});
