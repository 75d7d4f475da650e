import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli/args.ts';
import { command, formatTable } from '../cli/commands/bench.ts';
import { SUITES } from './index.ts';
import { timeIt } from './types.ts';

describe('bench runner', () => {
  it('registers the numeric suite under its name', async () => {
    const s = await SUITES.numeric!();
    expect(s.name).toBe('numeric');
  });

  it('formats a table with aligned columns and notes', () => {
    const text = formatTable({ title: 'T', columns: ['kernel', 'n', 'calls/s'], rows: [['matmul', 2, 1500], ['inner', 16, 3]], notes: ['hi'] });
    expect(text.split('\n')).toEqual(['T', 'kernel   n  calls/s', '------  --  -------', 'matmul   2     1500', 'inner   16        3', '  note: hi']);
  });

  it('rejects an unknown suite with a UsageError naming the flag', async () => {
    await expect(command.run({ flags: { suite: ['nope'], quick: true }, positionals: [] })).rejects.toThrow(UsageError);
    await expect(command.run({ flags: { suite: ['nope'], quick: true }, positionals: [] })).rejects.toThrow(/--suite/);
  });

  it('timeIt measures a positive time per call', () => {
    let k = 0;
    const r = timeIt(() => (k += 1), 5);
    expect(r.calls).toBeGreaterThan(0);
    expect(r.perCall).toBeGreaterThan(0);
  });
});
