/**
 * cli/main.ts: a command file that fails to load is an internal error, said in one line
 * naming the command and the error, exit EXIT_INTERNAL (3, not 2 as for bad input), never a
 * silent "unknown command" or a command missing from --help.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Command } from '../cli/command.ts';
import { COMMANDS, EXIT_INTERNAL, main, type CommandLoader } from '../cli/main.ts';

const ok: Command = {
  spec: { name: 'fine', summary: 'a command that loads', usage: 'fine', flags: {} },
  run: async () => 0,
};
const table: Record<string, CommandLoader> = {
  fine: async () => ({ command: ok }),
  broken: async () => {
    throw new SyntaxError("The requested module '../x.ts' does not provide an export named 'y'\n    at stack line");
  },
  empty: async () => ({}) as { command: Command },
};

function capture() {
  const err: string[] = [];
  const out: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  return { err, out };
}
afterEach(() => vi.restoreAllMocks());

describe('cli/main: a command file that fails to load', () => {
  it('running it exits 3 with one line naming the command and the error', async () => {
    const { err } = capture();
    expect(await main(['broken', '--x'], table)).toBe(EXIT_INTERNAL);
    expect(EXIT_INTERNAL).toBe(3);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^loracheck: internal error: the command file of "broken" \(cli\/commands\/broken\.ts\) failed to load: SyntaxError: The requested module/);
    expect(err[0]).not.toMatch(/\n|stack line/);
  });

  it('--help of the whole CLI fails loudly instead of leaving the command out', async () => {
    const { err, out } = capture();
    expect(await main(['--help'], table)).toBe(EXIT_INTERNAL);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/"broken".*failed to load/);
  });

  it('a file that exports no command is the same internal error', async () => {
    const { err } = capture();
    expect(await main(['empty'], table)).toBe(EXIT_INTERNAL);
    expect(err[0]).toMatch(/"empty".*exports no `command`/);
  });

  it('an unknown name is still bad input (2), and a good command runs (0)', async () => {
    const { err } = capture();
    expect(await main(['nope'], table)).toBe(2);
    expect(err[0]).toMatch(/unknown command "nope"/);
    expect(await main(['fine'], table)).toBe(0);
    expect(await main(['constructor'], table)).toBe(2);
  });

  it('every command of the real table loads and is named as its key', async () => {
    for (const [name, load] of Object.entries(COMMANDS)) expect((await load()).command.spec.name).toBe(name);
  });
});
