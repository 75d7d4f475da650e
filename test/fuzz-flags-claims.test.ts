/**
 * Fuzz of the flags of the claims side (`check`, `search`, `ablate`, `tighten`, `prove`,
 * `claims`), in process through cli/main.ts main(argv): random flags (known and unknown) with
 * awkward values (1e400, -5, 1.5, NaN, '', huge, unicode, control characters, paths below a
 * file), then a tiny budget so that a run that is accepted ends quickly. Every run must exit 0,
 * 1 or 2 and print no stack trace on stdout or stderr.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.ts';

const base = mkdtempSync(join(tmpdir(), 'lc-fuzz-'));
const aFile = join(base, 'a-file');
writeFileSync(aFile, 'x');
const results = join(base, 'results');

const VALUES = fc.oneof(
  fc.constantFrom('1e400', '-1e400', '-5', '1.5', 'NaN', 'Infinity', '', ' ', '0', '1', '2', '4294967296', '9007199254740993', '1e10', '3000000', '0x10', '1/2', '--json'),
  fc.constantFrom('A1', 'L34', 'L33', 'NOPE', 'L_ge_1', 'smooth', 'exact', 'precise', 'float64', '1/2', '3/2', '0:1', 'λ', 'é\u0301', '\u202e', '\x1b[2J', '\x07', 'a\nb'),
  fc.constantFrom(aFile, join(aFile, 'below'), results, '/proc/nope', '.'),
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -10, max: 10 }).map(String),
);

const FLAGS: Record<string, string[]> = {
  check: ['claim', 'mode', 'runs', 'seconds', 'seed', 'path', 'shrink-seconds', 'json', 'results', 'corpus', 'input', 'loss', 'L', 'Lstar'],
  search: ['claim', 'drop', 'seconds', 'runs', 'workers', 'seed', 'shard', 'mode', 'path', 'no-corpus', 'shrink-seconds', 'smt', 'merge', 'json', 'results', 'corpus'],
  ablate: ['claim', 'seconds', 'workers', 'seed', 'mode', 'smt', 'verbose', 'json', 'results', 'corpus'],
  tighten: ['claim', 'seconds', 'workers', 'seed', 'smt', 'verbose', 'json', 'results'],
  prove: ['claim', 'drop', 'timeout', 'json', 'results'],
  claims: ['json'],
};

/** A tiny budget appended last (a later flag wins), and one claim at most for the slow ones. */
const TINY: Record<string, string[]> = {
  check: ['--runs', '1', '--claim', 'A1'],
  search: ['--runs', '2', '--smt', '0', '--workers', '1', '--shrink-seconds', '0.5', '--claim', 'A1'],
  ablate: ['--seconds', '0.2', '--smt', '0', '--workers', '1', '--claim', 'A1'],
  tighten: ['--seconds', '0.2', '--smt', '0', '--workers', '1', '--claim', 'A1'],
  prove: ['--timeout', '0.5', '--claim', 'A1'],
  claims: [],
};

const ARGV = fc
  .tuple(
    fc.constantFrom(...Object.keys(FLAGS)),
    fc.array(fc.tuple(fc.nat(50), fc.boolean(), VALUES, fc.boolean()), { maxLength: 2 }),
    fc.boolean(),
  )
  .map(([cmd, picks, stray]) => {
    const names = FLAGS[cmd]!;
    const argv: string[] = [cmd];
    for (const [k, eq, v, unknown] of picks) {
      const name = unknown ? `x${k}` : names[k % names.length]!;
      if (eq) argv.push(`--${name}=${v}`);
      else argv.push(`--${name}`, v);
    }
    if (stray) argv.push('stray');
    // the results folder where none was named (a valid one, so that accepted runs can write)
    if (!argv.some((a) => a === '--results' || a.startsWith('--results='))) argv.push('--results', results);
    return [...argv, ...TINY[cmd]!];
  });

const STACK = /^\s+at .+:\d+:\d+\)?$|\n\s+at .+:\d+:\d+/m;

async function run(argv: string[]): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const keep = (...a: unknown[]) => void chunks.push(a.map(String).join(' '));
  const spies = [
    vi.spyOn(console, 'log').mockImplementation(keep),
    vi.spyOn(console, 'error').mockImplementation(keep),
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (keep(String(s)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (keep(String(s)), true)),
  ];
  try {
    return { code: await main(argv), text: chunks.join('\n') };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

describe('fuzz: flags of check, search, ablate, tighten, prove, claims', () => {
  // relative paths among the values (λ, 1/2, '.') land in a scratch folder, never in the repo
  const cwd = process.cwd();
  beforeAll(() => process.chdir(base));
  afterAll(() => {
    process.chdir(cwd);
    delete process.env.LORACHECK_LOSS;
  });
  it('exit 0, 1 or 2, and no stack trace', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(ARGV, async (argv) => {
        const r = await run(argv);
        seen.set(r.code, (seen.get(r.code) ?? 0) + 1);
        delete process.env.LORACHECK_LOSS; // --loss sets it for workers; the next run starts clean
        expect([0, 1, 2], `${JSON.stringify(argv)} -> ${r.code}\n${r.text}`).toContain(r.code);
        expect(r.text, JSON.stringify(argv)).not.toMatch(STACK);
      }),
      { numRuns: 80, seed: 13 },
    );
    // both accepted runs and bad input were exercised (not only one kind of answer)
    expect(seen.get(2) ?? 0).toBeGreaterThan(5);
    expect((seen.get(0) ?? 0) + (seen.get(1) ?? 0)).toBeGreaterThan(5);
  });
});
