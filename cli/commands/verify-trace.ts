/**
 * `loracheck verify-trace FILE...`: checks L34, GV, T10 and T35 along training traces
 * (gpu-runs/verify.ts) and writes results/verify-trace.json (TraceVerifyResultFile).
 * Exit 0: nothing violated; 1: a violation; 2: unreadable file or bad schema (the message
 * names the file, line and field).
 */
import { join } from 'node:path';
import type { Command } from '../main.ts';
import { UsageError } from '../args.ts';
import { environment, resultsDir, writeJSONAtomic } from '../io.ts';
import { RESULT_SCHEMA_VERSION, type TraceVerifyEntry, type TraceVerifyResultFile } from '../../theory/results.ts';
import { TraceFormatError, readTrace } from '../../gpu-runs/trace-reader.ts';
import { DEFAULT_TOLERANCE, verifyTrace, type Tolerance } from '../../gpu-runs/verify.ts';

const NAME = 'verify-trace';

function describe(e: TraceVerifyEntry): string[] {
  const h = e.header;
  const lines = [
    `${e.file}: ${String(h.workload)}, rule ${String(h.rule)}, ${h.batch === 'full' ? 'full batch' : `batch ${String(h.batch)}`}, L ${String(h.L)}, ${e.series.t.length ? `records t = 0..${e.series.t[e.series.t.length - 1]}` : 'no records'}`,
  ];
  for (const c of e.claims) {
    let s = `  ${c.id.padEnd(4)} ${c.status}${c.estimated ? ' (estimated)' : ''}`;
    if (c.status !== 'not applicable') {
      s += `: ${c.stepsChecked} steps checked, ${c.violations} violation(s)`;
      if (c.firstViolation !== undefined) s += `, first at t = ${c.firstViolation}`;
      if (c.worstSlack !== undefined) s += `, worst slack ${c.worstSlack.toPrecision(4)}`;
    }
    if (c.reason) s += ` — ${c.reason}`;
    lines.push(s);
  }
  if (e.fits?.note) lines.push(`  fits: ${e.fits.note}`);
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
        help: `relative float32 tolerance on each comparison's slack (default 2^-14 = ${DEFAULT_TOLERANCE.relative})`,
        arg: 'REL',
        min: 0,
      },
    },
    details: [
      'A comparison lhs <= rhs counts as violated when rhs - lhs < -REL (|lhs| + |rhs|).',
      'Claims need rule "theory" and a full batch; otherwise they are reported "not applicable".',
      `Writes <results>/verify-trace.json. Exit 0 ok, 1 a violation, 2 bad input.`,
    ].join('\n'),
  },
  async run({ flags, positionals }) {
    if (positionals.length === 0) throw new UsageError(`${NAME}: give at least one trace file (see 'loracheck ${NAME} --help')`);
    const tol: Tolerance = { relative: flags.tol ?? DEFAULT_TOLERANCE.relative, absolute: DEFAULT_TOLERANCE.absolute };
    const entries: TraceVerifyEntry[] = [];
    for (const file of positionals) {
      try {
        entries.push(verifyTrace(readTrace(file), tol));
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
      tolerance: tol,
      traces: entries,
    };
    const path = join(resultsDir(flags.results), 'verify-trace.json');
    writeJSONAtomic(path, doc);
    const violated = entries.some((e) => e.claims.some((c) => c.status === 'violated'));
    if (flags.json) console.log(JSON.stringify(doc, null, 2));
    else {
      for (const e of entries) console.log(describe(e).join('\n'));
      console.log(`\n${violated ? 'VIOLATIONS found' : 'no violations'} (tolerance ${tol.relative} relative); results: ${path}`);
    }
    return violated ? 1 : 0;
  },
};
