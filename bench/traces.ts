/**
 * Bench suite `traces`: `loracheck verify-trace` on a long trace, as a user runs it.
 *  - a trace of T = 1,000,000 steps (--quick: 100,000) of rule (8) on a synthetic descent is
 *    written to a temporary folder (never to the repo), in the format loracheck's trainer
 *    writes (float32 iterate, float64 scalar sums);
 *  - `node bin/loracheck.js verify-trace FILE` runs as a child process: wall time (start-up
 *    included) and peak RSS (VmHWM polled from /proc), against the targets < 10 s and < 300 MB;
 *  - in this process: verification alone (streamTrace + TraceVerifier), steps/s, next to the
 *    peer "split the file into lines and JSON.parse each" (the floor any JSON Lines reader
 *    pays), as a ratio.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { float64 } from '../numeric/float64.ts';
import { eta8 } from '../theory/trace-sides.ts';
import { streamTrace } from '../gpu-runs/trace-reader.ts';
import { TRACE_FORMAT, TRACE_SCHEMA, type TraceHeader } from '../gpu-runs/trace.ts';
import { verifyTraceFile } from '../gpu-runs/verify.ts';
import { type BenchOptions, type BenchSuite, type BenchTable, letSignalsIn, scratchDir, sig, untilDone } from './types.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;
const TARGET_SECONDS = 10;
const TARGET_RSS_MB = 300;

/**
 * Writes a T-step theory trace that float32 can resolve at every step: (9) promises a decrease
 * of 3e-6 J_t (above the 2 x 16 u = 1.9e-6 J_t the verifier needs), J drops by four times that
 * (J_T ~ J_0 e^-12), ||V||^2 grows slowly. Written in 4 MB chunks.
 */
function writeSyntheticTrace(file: string, T: number): void {
  const L = 2;
  const header: TraceHeader = {
    type: 'header',
    format: TRACE_FORMAT,
    schema: TRACE_SCHEMA,
    workload: 'bench-synthetic',
    m: 64,
    n: 64,
    r: 4,
    L,
    Lstar: 0,
    rule: 'theory',
    batch: 'full',
    dtype: 'float32',
    scalarDtype: 'float64',
    steps: T,
  };
  const fd = openSync(file, 'w');
  let buf = JSON.stringify(header) + '\n';
  let J = 10;
  let Vsq = 1;
  let eta = 0.08;
  for (let t = 0; t <= T; t++) {
    const gradJsq = (4 * 3e-6 * J) / eta; // (eta/4) ||grad J||^2 = 3e-6 J with the previous eta (close to this one)
    const Gnorm = Math.sqrt(gradJsq);
    eta = eta8(float64, { Vsq, Gnorm, L });
    buf += JSON.stringify({ type: 'step', t, J, Vsq, Gnorm, gradJsq, eta, time_ms: t * 0.5 }) + '\n';
    J -= eta * gradJsq;
    Vsq += eta * gradJsq * 1e-3;
    if (buf.length > 4 * MB) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  buf += JSON.stringify({ type: 'summary', steps: T, finalJ: J, diverged: false, wall_ms: T * 0.5 }) + '\n';
  writeSync(fd, buf);
  closeSync(fd);
}

/** Peak RSS of a child (Linux VmHWM, polled), its wall time and exit code. */
function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; peakMB: number | undefined; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const done = untilDone(() => child.kill());
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let peak: number | undefined;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak ?? 0, Number(m[1]) / 1024);
      } catch {
        // exited between polls, or no /proc
      }
    }, 20);
    child.on('exit', (code) => {
      done();
      clearInterval(poll);
      resolve({ seconds: (performance.now() - t0) / 1000, peakMB: peak, code, stderr });
    });
  });
}

/** Reading alone: the streaming reader with its validation, no verifier. Returns the step records seen. */
function readOnly(file: string): number {
  let n = 0;
  streamTrace(file, { header() {}, step: () => void n++ });
  return n;
}

interface TracesBenchResult {
  steps: number;
  fileMB: number;
  cli: { seconds: number; peakRssMB?: number; code: number | null };
  verify: { seconds: number; stepsPerSec: number };
  read: { seconds: number };
  peer: { seconds: number; what: string };
}

/** The peer: JSON.parse of every line of the text already in memory (the floor any JSON Lines reader pays). */
function jsonParseOnly(file: string): number {
  const text = readFileSync(file, 'utf8');
  const t0 = performance.now();
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    JSON.parse(text.slice(pos, end));
    pos = end + 1;
  }
  return (performance.now() - t0) / 1000;
}

async function benchTraces(opts: BenchOptions): Promise<TracesBenchResult> {
  const T = opts.quick ? 100_000 : 1_000_000;
  const { dir, remove } = scratchDir('loracheck-bench-traces-');
  try {
    const file = join(dir, 'long.jsonl');
    opts.log(`traces: writing a ${T.toLocaleString('en-US')}-step trace to ${file}`);
    writeSyntheticTrace(file, T);
    await letSignalsIn();
    const fileMB = statSync(file).size / MB;
    opts.log(`traces: ${fileMB.toFixed(0)} MB; loracheck verify-trace as a child process`);
    const cli = await runChild([join(ROOT, 'bin', 'loracheck.js'), 'verify-trace', file, '--results', join(dir, 'results')], { ...process.env });
    if (cli.code !== 0) throw new Error(`verify-trace exited ${cli.code}: ${cli.stderr.trim().split('\n').pop()}`);
    opts.log('traces: in-process verification and the JSON.parse peer');
    let t0 = performance.now();
    const e = verifyTraceFile(file);
    const verifySec = (performance.now() - t0) / 1000;
    await letSignalsIn();
    if (e.claims.some((c) => c.status !== 'verified')) throw new Error(`the synthetic trace should verify: ${JSON.stringify(e.claims.map((c) => [c.id, c.status, c.reason]))}`);
    t0 = performance.now();
    const n = readOnly(file);
    const readSec = (performance.now() - t0) / 1000;
    if (n !== T + 1) throw new Error(`read ${n} step records, expected ${T + 1}`);
    await letSignalsIn();
    const peerSec = jsonParseOnly(file);
    return {
      steps: T,
      fileMB,
      cli: { seconds: cli.seconds, peakRssMB: cli.peakMB, code: cli.code },
      verify: { seconds: verifySec, stepsPerSec: T / verifySec },
      read: { seconds: readSec },
      peer: { seconds: peerSec, what: 'JSON.parse of every line of the file already in memory' },
    };
  } finally {
    remove();
  }
}


export const suite: BenchSuite = {
  name: 'traces',
  async run(opts): Promise<BenchTable[]> {
    const r = await benchTraces(opts);
    const met = (ok: boolean) => (r.steps < 1_000_000 ? 'n/a (--quick)' : ok ? 'yes' : 'NO');
    return [
      {
        title: `verify-trace on a ${r.steps.toLocaleString('en-US')}-step trace (${r.fileMB.toFixed(0)} MB)`,
        columns: ['what', 'seconds', 'steps/s', 'peak RSS MB', 'target', 'met'],
        rows: [
          ['loracheck verify-trace (child process, start-up included)', sig(r.cli.seconds), sig(r.steps / r.cli.seconds), r.cli.peakRssMB !== undefined ? sig(r.cli.peakRssMB) : '-', `< ${TARGET_SECONDS} s, < ${TARGET_RSS_MB} MB`, met(r.cli.seconds < TARGET_SECONDS && (r.cli.peakRssMB ?? 0) < TARGET_RSS_MB)],
          ['verification in process (read + validate + verify)', sig(r.verify.seconds), sig(r.verify.stepsPerSec), '-', '', ''],
          ['reading alone (read + validate)', sig(r.read.seconds), sig(r.steps / r.read.seconds), '-', '', ''],
          [`peer: ${r.peer.what}`, sig(r.peer.seconds), sig(r.steps / r.peer.seconds), '-', '', ''],
        ],
        notes: [
          `verification in process takes ${sig(r.verify.seconds / r.peer.seconds)}x the time of the peer, JSON.parse alone (lower is better; 1 would be a verifier that costs nothing beyond parsing)`,
          r.steps < 1_000_000 ? '--quick: 100,000 steps; the targets are for 1,000,000 (run without --quick)' : 'targets: 1,000,000 steps in under 10 s with under 300 MB peak RSS',
          r.cli.peakRssMB === undefined ? 'peak RSS not measured (no /proc)' : 'peak RSS: VmHWM of the child, polled every 20 ms',
        ],
      },
    ];
  },
};
