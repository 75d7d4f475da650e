/**
 * Terminal text for the claims side: a witness (sizes, input fields, each comparison, violated
 * hypotheses, replay line) and a search's progress line. File-borne text goes through
 * runtime/escape.ts (a corpus or result file cannot move the cursor).
 */
import type { Witness } from '../theory/results.ts';
import { type SearchProgress } from '../properties/index.ts';
import { safeText } from '../runtime/escape.ts';

export function searchProgressText(label: string, p: SearchProgress): string {
  return `${label}: ${p.cases} cases, ${p.casesPerSecond.toFixed(0)} cases/s, ${p.failures} failure${p.failures === 1 ? '' : 's'}${
    p.falseAlarms ? ` (${p.falseAlarms} float64 false alarms)` : ''
  }${p.worstRatio !== undefined ? `, worst ratio ${p.worstRatio.toPrecision(6)}` : ''}${p.shrinking ? ', shrinking' : ''}, ${(p.elapsedMs / 1000).toFixed(1)} s`;
}

/** A search's closing counts. Non-trivial and float64 false alarms count the optimiser's
 *  restarts too (properties/search/loop.ts Counts), so the restarts are named beside the cases. */
export function searchCountsText(o: Omit<SearchProgress, 'elapsedMs' | 'failures' | 'shrinking'> & { timeMs: number }): string {
  const restarts = o.ascents ? ` and ${o.ascents} ascent restart${o.ascents === 1 ? '' : 's'} (${o.evaluations ?? 0} float64 evaluations)` : '';
  return `cases ${o.cases}${restarts}: ${o.nonTrivial} non-trivial, ${o.undecided} undecided, ${o.falseAlarms} float64 false alarms; ${o.casesPerSecond.toFixed(1)} cases/s, ${(o.timeMs / 1000).toFixed(1)} s`;
}

/** tighten's line for a proposed better constant: it holds on every point tried, or one point
 *  reached past it in float64 (not certified: rounding may have made it). */
export function betterConstantText(b: { value: string; holdsOnTried: boolean; tried: number; worstTried: number }): string {
  return `better constant ${b.value}: ${b.holdsOnTried ? `holds on all ${b.tried} points tried` : `not on every point tried: one reached ${b.worstTried.toPrecision(6)} in float64 (not certified)`}`;
}

function matrixText(x: unknown): string | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const m = x as { rows?: number; cols?: number; data?: unknown[] };
  if (typeof m.rows !== 'number' || typeof m.cols !== 'number' || !Array.isArray(m.data)) return undefined;
  const rows: string[] = [];
  for (let i = 0; i < m.rows; i++) rows.push(`[${m.data.slice(i * m.cols, (i + 1) * m.cols).map(String).join(', ')}]`);
  return `[${rows.join(', ')}]`;
}

/** Human lines for a witness: sizes, input fields, each comparison, violated hypotheses, replay. */
export function witnessLines(w: Witness, indent = '  '): string[] {
  const out: string[] = [];
  const inp = w.input as Record<string, unknown> | null;
  if (inp && typeof inp === 'object') {
    for (const [k, v] of Object.entries(inp)) {
      if (k === 'loss' && v && typeof v === 'object') {
        const l = v as Record<string, unknown>;
        out.push(`${indent}loss: ${String(l.family ?? '?')}${typeof l.expr === 'string' ? ` f(w, c) = ${l.expr}` : ''} (L = ${String(l.L ?? '?')}, L* = ${String(l.Lstar ?? '?')}; full data in the JSON)`);
        continue;
      }
      const mt = matrixText(v);
      out.push(`${indent}${k} = ${mt ?? (typeof v === 'string' ? v : JSON.stringify(v))}`);
    }
  }
  for (const c of w.comparisons) {
    const verdict = c.holds === true ? 'holds' : c.holds === false ? 'FALSE' : 'undecided';
    const ratio = c.ratio !== undefined ? `, ratio ${c.ratio.toPrecision(6)}` : '';
    out.push(`${indent}${c.label ?? 'comparison'}: ${c.lhs} ${c.rel} ${c.rhs}  ${verdict}${ratio}`);
  }
  if (w.violates?.length) out.push(`${indent}violates: ${w.violates.join(', ')}`);
  out.push(`${indent}replay: ${w.replay}`);
  return out.map(safeText);
}
