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
import { oneLine } from '../../runtime/escape.ts';
import { TraceFormatError } from '../../gpu-runs/trace-reader.ts';
import { anyViolation, terminalJSON, traceEntryLines, traceVerdictLine, verifyTraceFiles } from '../../gpu-runs/verify-files.ts';

const NAME = 'verify-trace';

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
      'Traces from other tools: README, "Trace format" (Python\'s NaN / Infinity tokens read as a divergence).',
      '',
      'Examples:',
      '  loracheck verify-trace runs/p.jsonl                   # a trace of loracheck train',
      '  loracheck verify-trace torch.jsonl --json > v.json    # a PyTorch trace, the result document on stdout',
      '  loracheck verify-trace run.jsonl --tol 1e-6           # judge the recorded scalars at 1e-6 relative',
    ].join('\n'),
  },
  async run({ flags, positionals }) {
    if (positionals.length === 0) throw new UsageError(`${NAME}: give at least one trace file (see 'loracheck ${NAME} --help')`);
    let doc;
    try {
      doc = verifyTraceFiles(positionals, environment, flags.tol);
    } catch (e) {
      if (e instanceof TraceFormatError) throw new UsageError(`${NAME}: ${oneLine(e.message)}`);
      throw e;
    }
    const path = join(resultsDir(flags.results), 'verify-trace.json');
    writeJSONAtomic(path, doc);
    if (flags.json) console.log(terminalJSON(doc));
    else console.log(`${doc.traces.map((e) => traceEntryLines(e).join('\n')).join('\n')}\n\n${traceVerdictLine(doc, path)}`);
    return anyViolation(doc) ? 1 : 0;
  },
};
