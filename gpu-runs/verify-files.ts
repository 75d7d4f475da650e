/**
 * `verify-trace` below the CLI: every file verified in one streaming pass (verify.ts), the one
 * builder of the result file (TraceVerifyResultFile), and the text a terminal shows. Every
 * string that comes from a trace or its file name is escaped there (runtime/escape.ts oneLine),
 * so a trace cannot move the cursor, retitle the window or clear the screen.
 */
import { oneLine } from '../runtime/escape.ts';
import { RESULT_SCHEMA_VERSION, type Environment, type TraceVerifyEntry, type TraceVerifyResultFile } from '../theory/results.ts';
import { verifyTraceFile } from './verify.ts';

/** Verifies `files` (a TraceFormatError on the first bad one) and builds the result file. */
export function verifyTraceFiles(files: readonly string[], env: (extra: Partial<Environment>) => Environment, relative?: number): TraceVerifyResultFile {
  const traces = files.map((file) => verifyTraceFile(file, { relative }));
  const backends = [...new Set(traces.map((e) => e.header.backend).filter((b): b is string => typeof b === 'string'))];
  return {
    kind: 'verify-trace',
    schema: RESULT_SCHEMA_VERSION,
    env: env(backends.length ? { backend: backends.join(', ') } : {}),
    ...(relative !== undefined ? { tolerance: { relative, absolute: 0 } } : {}),
    traces,
  };
}

/** A header value as one line of visible text. */
const text = (v: unknown): string => oneLine(typeof v === 'string' ? v : v === undefined ? '?' : JSON.stringify(v) ?? String(v));

/** The lines a terminal shows for one trace (escaped). */
export function traceEntryLines(e: TraceVerifyEntry): string[] {
  const h = e.header;
  const last = e.series.t.length ? e.series.t[e.series.t.length - 1] : undefined;
  const lines = [
    `${oneLine(e.file)}: ${text(h.workload)}${typeof h.m === 'number' && typeof h.n === 'number' ? ` ${h.m} x ${h.n}` : ''}${typeof h.method === 'string' && h.method !== 'lora' ? `, method ${text(h.method)}` : ''}, rule ${text(h.rule)}, ${h.batch === 'full' ? 'full batch' : `batch ${text(h.batch)}`}, L ${text(h.L)}, ${last !== undefined ? `records t = 0..${last}` : 'no records'}`,
  ];
  if (e.truncated) lines.push(`  TRUNCATED: no summary line${e.partialLastLine ? ' (last line cut mid-write, ignored)' : ''}; the run was killed or is still running, every verdict covers only the records read`);
  if (e.divergence) lines.push(`  DIVERGED at t = ${e.divergence.t}: ${oneLine(e.divergence.reason)}`);
  if (e.interrupted) lines.push(`  interrupted: the run was stopped after ${text(e.summary?.steps)} of ${text(h.steps)} planned steps`);
  if (e.precision) lines.push(`  precision: ${oneLine(e.precision.basis)}; relative ${e.precision.relative.toPrecision(3)}, iterate u ${e.precision.u.toPrecision(3)}`);
  for (const c of e.claims) {
    let s = `  ${c.id.padEnd(4)} ${c.status}${e.truncated ? ' (truncated)' : ''}${c.estimated ? ' (estimated)' : ''}`;
    if (c.status !== 'not applicable') {
      s += `: ${c.checked ?? c.stepsChecked} steps checked, ${c.resolved ?? '?'} resolved, ${c.unresolved ?? '?'} unresolved, ${c.violations} violation(s)`;
      if (c.firstViolation !== undefined) s += `, first at t = ${c.firstViolation}`;
      if (c.worstSlack !== undefined) s += `, worst slack ${c.worstSlack.toPrecision(4)}`;
    }
    if (c.reason) s += ` — ${oneLine(c.reason)}`;
    lines.push(s);
  }
  if (e.fits?.note) lines.push(`  fits: ${oneLine(e.fits.note)}`);
  if (e.optimum?.note) lines.push(`  distance to the FPFT optimum: ${oneLine(e.optimum.note)}`);
  return lines;
}

/** Whether any claim of any trace was violated (exit 1). */
export const anyViolation = (doc: TraceVerifyResultFile): boolean => doc.traces.some((e) => e.claims.some((c) => c.status === 'violated'));

/** The closing line: the overall verdict, truncated traces, and where the result went. */
export function traceVerdictLine(doc: TraceVerifyResultFile, path: string): string {
  const undecided = doc.traces.some((e) => e.claims.some((c) => c.status === 'undecided'));
  const truncated = doc.traces.filter((e) => e.truncated).length;
  const diverged = doc.traces.filter((e) => e.divergence).length;
  const verdict = anyViolation(doc) ? 'VIOLATIONS found' : undecided ? 'no violations, some claims undecided' : 'no violations';
  const notes = [truncated ? `${truncated} truncated trace${truncated > 1 ? 's' : ''}` : '', diverged ? `${diverged} diverged run${diverged > 1 ? 's' : ''}` : ''].filter(Boolean);
  return `${verdict}${notes.length ? ` (${notes.join(', ')})` : ''}; results: ${oneLine(path)}`;
}

/**
 * A document as JSON for a terminal (--json): JSON.stringify escapes C0 controls in strings but
 * writes DEL and the C1 controls raw; here they are \u escapes too (the same JSON value).
 */
export function terminalJSON(doc: unknown): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(doc, null, 2).replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
