/**
 * Fuzz: hostile trace files through `verify-trace`, and hostile flag strings through the trace
 * and report commands (verify-trace, report, train, experiments, verify, backends), all run in
 * this process through cli/main.ts `main(argv)`. Whatever the input: the exit code is 0, 1 or 2,
 * nothing printed is a stack trace, no control character reaches the terminal, and a usage error
 * (exit 2) is one line.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'loracheck-fuzz-'));
const results = join(dir, 'results');
const noFmnist = join(dir, 'no-fmnist');
mkdirSync(noFmnist);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
/** A V8 stack frame line ("    at f (file.ts:1:2)"). */
const STACK = /^\s+at .*(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

let serial = 0;

/** main(argv) with everything it prints captured (console and the streams' write). */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const spies = [
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ') + '\n')),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ') + '\n')),
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true)),
  ];
  const env = { ...process.env };
  Object.assign(process.env, { LORACHECK_RESULTS: results, LORACHECK_FMNIST_DIR: noFmnist });
  try {
    const code = await main(argv);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    spies.forEach((s) => s.mockRestore());
    process.env = env;
  }
}

function expectSane(r: { code: number; out: string; err: string }, argv: readonly string[]): void {
  const ctx = `${JSON.stringify(argv).slice(0, 300)} -> ${r.code}\n${r.err.slice(0, 600)}`;
  expect([0, 1, 2], ctx).toContain(r.code);
  expect(r.out + r.err, ctx).not.toMatch(STACK);
  expect(r.out + r.err, ctx).not.toMatch(CONTROL);
  if (r.code === 2) expect(r.err.trim().split('\n'), ctx).toHaveLength(1);
  // exit 1 is a finding (a violated claim), never an internal error such as a stack overflow
  if (r.code === 1) {
    expect(argv[0], ctx).toBe('verify-trace');
    expect(r.out, ctx).toMatch(/VIOLATIONS found|"status": "violated"/);
    expect(r.err, ctx).toBe('');
  }
}

// ---------------------------------------------------------------- hostile values

const EVIL = '\x1b]0;PWNED\x07\x1b[2J\u009b<script>';
/** JSON text of a value nested `d` levels deep. */
const nested = (d: number) => '['.repeat(d) + ']'.repeat(d);
/** Raw JSON texts no JSON.stringify would write: 1e400 (Infinity), deep nesting. */
const rawValue = fc.constantFrom('1e400', '-1e400', '1e-400', '9007199254740993', nested(33), nested(100_000), '{"a":' + nested(5000) + '}', '"\\u001b[2J"');
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, -0, 1.5, 2 ** 53 + 2, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, '', 'full', 'NaN', 'Infinity', EVIL, [], {}),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.double(),
  fc.integer(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

const HEADER: Record<string, unknown> = {
  type: 'header', format: 'loracheck-trace', schema: 1, workload: 'w', m: 2, n: 2, r: 1, L: 1, Lstar: 0, rule: 'theory', batch: 'full', dtype: 'float32', steps: 4,
};
const step = (t: number, J: number): Record<string, unknown> => ({ type: 'step', t, J, Vsq: 1, Gnorm: 1, gradJsq: 1, eta: 1 / (8 * Math.SQRT2), time_ms: t });

/** An edit of one record: a field set to a hostile value, a raw JSON text, or removed. */
const edit = fc.record({
  field: fc.oneof(fc.constantFrom('type', 'format', 'schema', 'workload', 'name', 'm', 'r', 'L', 'Lstar', 'rule', 'batch', 'dtype', 't', 'J', 'Vsq', 'eta', 'gradJsq', 'steps', 'diverged'), fc.string({ unit: 'binary', maxLength: 6 })),
  how: fc.oneof(fc.constant<{ kind: 'delete' }>({ kind: 'delete' }), hostile.map((v) => ({ kind: 'set' as const, v })), rawValue.map((raw) => ({ kind: 'raw' as const, raw }))),
});

/** A record as one JSON line, with its edits applied (raw texts spliced in as they are). */
function line(rec: Record<string, unknown>, edits: readonly { field: string; how: { kind: 'delete' } | { kind: 'set'; v: unknown } | { kind: 'raw'; raw: string } }[]): string {
  const o = { ...rec };
  const raws: [string, string][] = [];
  for (const e of edits) {
    if (e.how.kind === 'delete') delete o[e.field];
    else if (e.how.kind === 'set') o[e.field] = e.how.v;
    else {
      const mark = `@@raw${raws.length}@@`;
      o[e.field] = mark;
      raws.push([JSON.stringify(mark), e.how.raw]);
    }
  }
  let s = JSON.stringify(o);
  for (const [mark, raw] of raws) s = s.replace(mark, raw);
  return s;
}

/** A trace: header, a few steps, maybe a summary, each line maybe edited; the file maybe cut short. */
const traceText = fc
  .record({
    steps: fc.integer({ min: 0, max: 5 }),
    rising: fc.boolean(),
    summary: fc.boolean(),
    edits: fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), edit), { maxLength: 3 }),
    garbage: fc.option(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.string({ unit: 'binary', maxLength: 20 })), { nil: undefined }),
    cut: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
  })
  .map(({ steps, rising, summary, edits, garbage, cut }) => {
    const recs: Record<string, unknown>[] = [HEADER];
    for (let t = 0; t < steps; t++) recs.push(step(t, rising ? 1 + t : 1 - t / 10));
    if (summary) recs.push({ type: 'summary', steps: Math.max(0, steps - 1), finalJ: 0.5, diverged: false, wall_ms: 1 });
    const lines = recs.map((r, i) => line(r, edits.filter(([k]) => k === i).map(([, e]) => e)));
    if (garbage && garbage[0] < lines.length) lines[garbage[0]] = garbage[1];
    const text = lines.join('\n') + '\n';
    return cut !== undefined && cut < text.length ? text.slice(0, text.length - cut) : text;
  });

describe('fuzz: hostile traces through verify-trace', () => {
  it('any trace: exit 0, 1 or 2, no stack trace, no control character on the terminal, one line for bad input', async () => {
    const codes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(traceText, fc.constantFrom('t.jsonl', `evil${EVIL}.jsonl`), fc.boolean(), async (text, name, json) => {
        const file = join(dir, `${serial++}-${name}`);
        writeFileSync(file, text);
        const argv = ['verify-trace', file, '--results', results, ...(json ? ['--json'] : [])];
        const r = await run(argv);
        codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
        expectSane(r, argv);
      }),
      { numRuns: 250, seed: 13 },
    );
    // the generator reaches every outcome: valid traces (0), violations (1) and bad input (2)
    console.info(`verify-trace fuzz: exit codes ${JSON.stringify(Object.fromEntries(codes))}`);
    for (const c of [0, 1, 2]) expect(codes.get(c) ?? 0, `exit ${c}`).toBeGreaterThan(10);
  }, 60_000);
});

// ---------------------------------------------------------------- flags

const flagValue = fc.oneof(
  fc.constantFrom('0', '1', '2', '-1', '1.5', '1e400', '4294967296', 'NaN', 'Infinity', '', '--', '-', EVIL, 'x', '3x3', '99999x99999', 'auto', 'cpu', 'nope', 'theory', 'const:0.1', '1/L', '0/L'),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const argvOf = (flags: readonly string[], valued: readonly string[]) =>
  fc.array(fc.oneof(fc.constantFrom(...flags), fc.constantFrom(...valued).chain((f) => flagValue.map((v) => `${f}=${v}`)), flagValue), { maxLength: 5 });

const TRAIN_FLAGS = ['--workload', '--method', '--sketch', '--link-steps', '--rule', '--rank', '--batch', '--alpha', '--sigma', '--init', '--seed', '--samples', '--size', '--hidden', '--data', '--name', '--full-loss-every', '--loss', '--quiet', '--nope'];

describe('fuzz: hostile flags through the trace and report commands', () => {
  it('train (2 steps at most, cpu, small sizes), report, verify-trace, experiments, verify, backends: exit 0, 1 or 2, no stack trace', async () => {
    const codes = new Map<string, number>();
    const commands: [string, fc.Arbitrary<string[]>][] = [
      // train runs for real when its flags are valid: few steps on the cpu backend, into the temp folder
      ['train', argvOf(TRAIN_FLAGS, TRAIN_FLAGS).map((a) => [...a, '--steps', '2', '--backend', 'cpu', '--quiet', '--out', join(dir, `tr-${serial++}.jsonl`)])],
      ['report', argvOf(['--results', '--out', '--nope'], ['--results', '--out']).map((a) => [...a, '--out', join(dir, 'r.html')])],
      ['verify-trace', argvOf(['--tol', '--json', '--results', '--nope', join(dir, 'missing.jsonl')], ['--tol', '--results'])],
      // these would run for minutes with valid flags: each case carries one flag they reject
      ['experiments', argvOf(['--quick', '--preset', '--seed', '--backend', '--quiet'], ['--preset', '--seed', '--backend']).map((a) => [...a, '--preset', 'huge'])],
      ['verify', argvOf(['--quick', '--budget', '--seed', '--workers', '--no-fmnist'], ['--budget', '--seed', '--workers']).map((a) => [...a, '--budget', '-1'])],
      ['backends', argvOf(['--json', '--nope'], ['--json']).map((a) => [...a, '--nope'])],
    ];
    await fc.assert(
      fc.asyncProperty(fc.oneof(...commands.map(([name, arb]) => arb.map((rest) => [name, ...rest]))), async (argv) => {
        const r = await run(argv);
        const key = `${argv[0]} ${r.code}`;
        codes.set(key, (codes.get(key) ?? 0) + 1);
        expectSane(r, argv);
      }),
      { numRuns: 120, seed: 7 },
    );
    console.info(`flag fuzz: ${JSON.stringify(Object.fromEntries([...codes].sort()))}`);
    // not all rejected at parse: some train and report runs go through
    expect(codes.get('train 0') ?? 0).toBeGreaterThan(0);
    expect(codes.get('report 0') ?? 0).toBeGreaterThan(0);
  }, 90_000);
});
