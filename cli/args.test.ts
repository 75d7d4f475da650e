/**
 * The flag parser's limits (cli/args.ts): durations above MAX_SECONDS, seeds above 32 bits,
 * integers beyond 2^53 and non-finite numbers are bad input naming the flag and what was given.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SECONDS, SEED_MAX, UsageError, helpText, parseArgs, type CommandSpec } from './args.ts';

const SPEC: CommandSpec = {
  name: 't',
  summary: 's',
  usage: 't',
  flags: {
    seconds: { type: 'number', arg: 'S', gt: 0, duration: true, help: 'budget' },
    seed: { type: 'int', arg: 'N', min: 0, max: SEED_MAX, help: 'seed' },
    runs: { type: 'int', arg: 'N', min: 1, help: 'runs' },
  },
};
const err = (argv: string[]): string => {
  try {
    parseArgs(SPEC, argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
};

describe('cli/args limits', () => {
  it('a duration above one week is bad input (tighten --seconds 3000000 overflowed the timers)', () => {
    expect(err(['--seconds', '3000000'])).toMatch(/--seconds must be <= 604800 seconds .* got 3000000/);
    expect(err(['--seconds', '1e10'])).toMatch(/--seconds must be <= 604800 seconds/);
    expect(parseArgs(SPEC, ['--seconds', String(MAX_SECONDS)]).flags.seconds).toBe(MAX_SECONDS);
    expect(helpText(SPEC)).toMatch(/at most 604800 s/);
  });
  it('--seed 4294967296 is refused naming the flag and the range (it used to equal --seed 0)', () => {
    expect(err(['--seed', '4294967296'])).toMatch(/--seed must be <= 4294967295 \(seeds are 32-bit: 0\.\.4294967295\), got 4294967296/);
    expect(err(['--seed', '-1'])).toMatch(/--seed must be >= 0 \(seeds are 32-bit/);
  });
  it('1e400 is named as given, not "null"', () => {
    const m = err(['--seconds', '1e400']);
    expect(m).toMatch(/got 1e400, which is not a finite number/);
    expect(m).not.toMatch(/null/);
    expect(err(['--runs', '1e400'])).toMatch(/got 1e400, which is not a finite number/);
    expect(err(['--runs', '1e20'])).toMatch(/at most 2\^53/);
    expect(err(['--runs', 'NaN'])).toMatch(/must be an integer, got "NaN"/);
  });
  it('control characters in flags and values are shown escaped', () => {
    expect(err(['--\x1b[2J'])).toContain('\\x1b[2J');
    expect(err(['--runs', '\x07'])).toContain('\\x07');
  });
});
