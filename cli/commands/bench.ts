/**
 * `loracheck bench`: runs the benchmark suites of bench/index.ts (bench/run.ts), prints one
 * table per result and writes them all to results/bench.json (atomically).
 */
import { join, resolve } from 'node:path';
import { SUITES } from '../../bench/index.ts';
import { runBench, suitesHelp } from '../../bench/run.ts';
import { checkWritableFile } from '../../runtime/atomic.ts';
import { UsageError } from '../args.ts';
import { asUsage, environment, pkgVersion, resultsDir, writeJSONAtomic } from '../io.ts';
import type { Command } from '../command.ts';

/** Versions the suites use beyond environment()'s (the peers' own versions are in their rows). */
const BENCH_PACKAGES = ['ml-matrix', 'z3-solver', 'webgpu', '@tensorflow/tfjs-backend-webgpu'];

export const command: Command = {
  spec: {
    name: 'bench',
    summary: 'Time loracheck against a named peer in the same run (one table per result, ratios included) and write results/bench.json.',
    usage: 'bench [--suite NAME]... [--out FILE] [--quick]',
    flags: {
      suite: { type: 'string[]', arg: 'NAME', help: `run only this suite (repeatable): ${Object.keys(SUITES).join(', ')}` },
      out: { type: 'string', arg: 'FILE', help: 'where to write the JSON results (default: results/bench.json)' },
      quick: { type: 'boolean', help: 'fewer sizes and shorter timing windows (each suite\'s --quick duration is below; search still takes minutes)' },
    },
    details: [
      'Suites (durations: this shared 2-core CPU machine, no GPU):',
      suitesHelp(),
      '',
      'Timings are wall-clock on this machine; the JSON records the machine (CPU model, cores, memory, load average), the versions, each suite\'s peer and seeds, and what was skipped and why, next to them. Each suite starts with a line giving its rough duration and the run\'s ETA. Ctrl-C stops the run within seconds (exit 130; a timing loop in progress ends first): nothing is written and an earlier results file is kept; temporary folders are removed. Exit 2: an unknown suite, or an --out that cannot be written (checked before any suite runs).',
    ].join('\n'),
    examples: [
      { run: 'npm run bench -- --quick', does: 'every suite, short (about 4-5 min here, most of it the search suite)' },
      { run: 'npm run bench -- --suite numeric --suite traces --out /tmp/bench.json', does: 'two suites, results elsewhere' },
    ],
  },
  async run({ flags }) {
    const names: string[] = flags.suite.length > 0 ? [...new Set<string>(flags.suite)] : Object.keys(SUITES); // a suite named twice runs once
    for (const n of names)
      if (!SUITES[n]) throw new UsageError(`bench: flag --suite must be one of ${Object.keys(SUITES).join(', ')}; got "${n}"`);
    const out = flags.out !== undefined ? asUsage(() => checkWritableFile(resolve(flags.out), '--out'), 'bench: ') : join(resultsDir(), 'bench.json');
    const versions = Object.fromEntries(BENCH_PACKAGES.flatMap((p) => (pkgVersion(p) ? [[p, pkgVersion(p)!]] : [])));
    const env = environment();
    const doc = await runBench(
      { names, quick: flags.quick === true, out, environment: { ...env, versions: { ...env.versions, ...versions } } },
      { log: (s) => console.error(s), print: (s) => console.log(s) },
    );
    writeJSONAtomic(out, doc);
    console.log(`wrote ${out}`);
    return 0;
  },
};
