/**
 * `loracheck report`: one self-contained HTML file built from the result JSON files only.
 * A missing results folder is a usage error (exit 2); unreadable files inside it are
 * warnings, listed in the report and on stderr, and the report is still written.
 */
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from '../main.ts';
import { UsageError } from '../args.ts';
import { DEFAULT_RESULTS_DIR, writeAtomic } from '../io.ts';
import { oneLine } from '../../runtime/escape.ts';
import { buildReport } from '../../reports/render.ts';

export const command: Command = {
  spec: {
    name: 'report',
    summary: 'Write one self-contained HTML report from the result files.',
    usage: 'report [--results DIR] [--out FILE]',
    flags: {
      results: { type: 'string', arg: 'DIR', help: `folder of result JSON files (default: $LORACHECK_RESULTS or ./${DEFAULT_RESULTS_DIR})` },
      out: { type: 'string', arg: 'FILE', help: 'HTML file to write', default: 'out/report.html' },
    },
    details: 'The report reads only *.json result files; it runs no script and loads nothing from the network.',
  },
  async run({ flags }) {
    const t0 = performance.now();
    const dir = resolve(flags.results ?? process.env.LORACHECK_RESULTS ?? DEFAULT_RESULTS_DIR);
    if (!existsSync(dir)) throw new UsageError(`report: --results folder ${oneLine(dir)} does not exist (run 'loracheck verify' or 'loracheck check' first)`);
    if (!statSync(dir).isDirectory()) throw new UsageError(`report: --results ${oneLine(dir)} is not a folder`);
    const out = resolve(flags.out);
    if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`report: --out ${oneLine(out)} is a folder; give a file name such as ${oneLine(out)}/report.html`);
    const label = relative(process.cwd(), dir);
    const report = buildReport(dir, { resultsLabel: label && !label.startsWith('..') ? label : dir });
    try {
      writeAtomic(out, report.html);
    } catch (e) {
      throw new UsageError(`report: cannot write --out ${oneLine(out)}: ${oneLine((e as Error).message)}`);
    }
    for (const w of report.warnings) console.error(`loracheck report: warning: ${oneLine(w.file)}: ${oneLine(w.message)}`);
    const kb = Buffer.byteLength(report.html) / 1024;
    const shown = relative(process.cwd(), out);
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `wrote ${oneLine(shown && !shown.startsWith('..') ? shown : out)} (${kb < 1024 ? `${kb.toFixed(0)} kB` : `${(kb / 1024).toFixed(1)} MB`}) from ${report.files} result file${report.files === 1 ? '' : 's'} in ${secs.toFixed(2)} s` +
        (report.warnings.length ? `; ${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}` : ''),
    );
    return 0;
  },
};
