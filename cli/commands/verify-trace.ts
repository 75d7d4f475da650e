/**
 * `loracheck verify-trace FILE...`: checks L34, GV, T10 and T35 along training traces
 * (gpu-runs/verify.ts) and writes results/verify-trace.json (TraceVerifyResultFile).
 * Exit 0: nothing violated; 1: a violation; 2: unreadable file or bad schema (the message
 * names the file, line and field).
 */
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { UsageError } from '../args.ts';
import { environment, resultsDir, writeJSONAtomic } from '../io.ts';
import { RESULT_SCHEMA_VERSION, type TraceVerifyEntry, type TraceVerifyResultFile } from '../../theory/results.ts';
import { TraceFormatError } from '../../gpu-runs/trace-reader.ts';
import { verifyTraceFile } from '../../gpu-runs/verify.ts';

const NAME = 'verify-trace';

function describe(e: TraceVerifyEntry): string[] {
  const h = e.header;
  const last = e.series.t.length ? e.series.t[e.series.t.length - 1] : undefined;
  const lines = [
    `${e.file}: ${String(h.workload)}, rule ${String(h.rule)}, ${h.batch === 'full' ? 'full batch' : `batch ${String(h.batch)}`}, L ${String(h.L)}, ${last !== undefined ? `records t = 0..${last}` : 'no records'}`,
  ];
  if (e.truncated) lines.push(`  TRUNCATED: no summary line${e.partialLastLine ? ' (last line cut mid-write, ignored)' : ''}; the run was killed or is still running, every verdict covers only the records read`);
  if (e.interrupted) lines.push(`  interrupted: the run was stopped after ${String(e.summary?.steps)} of ${String(h.steps ?? '?')} planned steps`);
  if (e.precision) lines.push(`  precision: ${e.precision.basis}; relative ${e.precision.relative.toPrecision(3)}, iterate u ${e.precision.u.toPrecision(3)}`);
  for (const c of e.claims) {
    let s = `  ${c.id.padEnd(4)} ${c.status}${e.truncated ? ' (truncated)' : ''}${c.estimated ? ' (estimated)' : ''}`;
    if (c.status !== 'not applicable') {
      s += `: ${c.checked ?? c.stepsChecked} steps checked, ${c.resolved ?? '?'} resolved, ${c.unresolved ?? '?'} unresolved, ${c.violations} violation(s)`;
      if (c.firstViolation !== undefined) s += `, first at t = ${c.firstViolation}`;
      if (c.worstSlack !== undefined) s += `, worst slack ${c.worstSlack.toPrecision(4)}`;
    }
    if (c.reason) s += ` — ${c.reason}`;
    lines.push(s);
  }
  if (e.fits?.note) lines.push(`  fits: ${e.fits.note}`);
  if (e.optimum?.note) lines.push(`  distance to the FPFT optimum: ${e.optimum.note}`);
  return lines;
}

export const command: Command = {
  spec: {
    name: NAME,
    summary: 'Check L34, GV, T10 and T35 step by step on training traces (JSON Lines).',
    usage: 'verify-trace FILE... [--json] [--results DIR] [--tol REL]',
    positionals: 'FILE...',
    flags: {
      json: { type: 'boolean', help: 'print the result document (JSON) instead of the table' },
      results: { type: 'string', help: 'results folder (default ./results or $LORACHECK_RESULTS)', arg: 'DIR' },
      tol: {
        type: 'number',
        help: "relative resolution of the recorded scalars (default: from the header's dtype and scalarDtype)",
        arg: 'REL',
        min: 0,
      },
    },
    details: [
      'A comparison counts as violated when its slack is below minus the rounding noise of its values',
      '(README, "Precision"); a step is unresolved when the margin the claim promises is below that',
      'noise. A claim is verified only with no violation and at most 10 % of its steps unresolved,',
      'otherwise undecided. A trace without a summary line is reported truncated.',
      'Claims need rule "theory" and a full batch; otherwise they are reported "not applicable".',
      `Writes <results>/verify-trace.json. Exit 0 ok, 1 a violation, 2 bad input.`,
    ].join('\n'),
  },
  async run({ flags, positionals }) {
    if (positionals.length === 0) throw new UsageError(`${NAME}: give at least one trace file (see 'loracheck ${NAME} --help')`);
    const relative: number | undefined = flags.tol;
    const entries: TraceVerifyEntry[] = [];
    for (const file of positionals) {
      try {
        entries.push(verifyTraceFile(file, { relative }));
      } catch (e) {
        if (e instanceof TraceFormatError) throw new UsageError(`${NAME}: ${e.message}`);
        throw e;
      }
    }
    const backends = [...new Set(entries.map((e) => e.header.backend).filter((b): b is string => typeof b === 'string'))];
    const doc: TraceVerifyResultFile = {
      kind: 'verify-trace',
      schema: RESULT_SCHEMA_VERSION,
      env: environment(backends.length ? { backend: backends.join(', ') } : {}),
      ...(relative !== undefined ? { tolerance: { relative, absolute: 0 } } : {}),
      traces: entries,
    };
    const path = join(resultsDir(flags.results), 'verify-trace.json');
    writeJSONAtomic(path, doc);
    const violated = entries.some((e) => e.claims.some((c) => c.status === 'violated'));
    if (flags.json) console.log(JSON.stringify(doc, null, 2));
    else {
      for (const e of entries) console.log(describe(e).join('\n'));
      const undecided = entries.some((e) => e.claims.some((c) => c.status === 'undecided'));
      const truncated = entries.filter((e) => e.truncated).length;
      const verdict = violated ? 'VIOLATIONS found' : undecided ? 'no violations, some claims undecided' : 'no violations';
      console.log(`\n${verdict}${truncated ? ` (${truncated} truncated trace${truncated > 1 ? 's' : ''})` : ''}; results: ${path}`);
    }
    return violated ? 1 : 0;
  },
};
