/**
 * `loracheck <command>`: dispatch, --help, and the one place that turns errors into exit
 * codes: UsageError (bad flags, bad files) -> one line on stderr and exit 2; a command file
 * that fails to load -> one line naming it and exit 3 (EXIT_INTERNAL); anything else -> a
 * one-line message and exit 1 (stack only with LORACHECK_DEBUG=1).
 */
import { UsageError, helpText, parseArgs, type Parsed } from './args.ts';
import type { Command } from './command.ts';
import { releaseZ3 } from '../properties/index.ts';
import { oneLine } from '../runtime/escape.ts';

/** Exit code of an internal error: a command file of this install does not load (a bug or a broken install, never bad input). */
export const EXIT_INTERNAL = 3;

export type CommandLoader = () => Promise<{ command: Command }>;

/**
 * Every command, loaded lazily so that `loracheck claims` does not pay for TensorFlow.js.
 * Each path is a literal so that the import graph (test/imports.test.ts) sees every edge.
 */
export const COMMANDS: Readonly<Record<string, CommandLoader>> = {
  claims: () => import('./commands/claims.ts'),
  prove: () => import('./commands/prove.ts'),
  check: () => import('./commands/check.ts'),
  search: () => import('./commands/search.ts'),
  ablate: () => import('./commands/ablate.ts'),
  tighten: () => import('./commands/tighten.ts'),
  train: () => import('./commands/train.ts'),
  'verify-trace': () => import('./commands/verify-trace.ts'),
  experiments: () => import('./commands/experiments.ts'),
  report: () => import('./commands/report.ts'),
  verify: () => import('./commands/verify.ts'),
  bench: () => import('./commands/bench.ts'),
  backends: () => import('./commands/backends.ts'),
};

/** A command file that does not load or exports no usable `command`: an internal error, never "unknown command". */
class CommandLoadError extends Error {
  constructor(readonly commandName: string, cause: unknown) {
    const why = cause instanceof Error ? `${cause.name === 'Error' ? '' : `${cause.name}: `}${cause.message}` : String(cause);
    super(`internal error: the command file of "${commandName}" (cli/commands/${commandName}.ts) failed to load: ${oneLine(why.split('\n')[0]!)}`, { cause });
  }
}

async function load(commands: Readonly<Record<string, CommandLoader>>, name: string): Promise<Command> {
  let cmd: unknown;
  try {
    cmd = (await commands[name]!()).command;
  } catch (e) {
    throw new CommandLoadError(name, e);
  }
  const c = cmd as Partial<Command> | undefined;
  if (!c || typeof c.run !== 'function' || typeof c.spec?.name !== 'string') throw new CommandLoadError(name, new Error('it exports no `command` with a spec and a run()'));
  return c as Command;
}

async function topHelp(commands: Readonly<Record<string, CommandLoader>>): Promise<string> {
  const cmds: Command[] = [];
  for (const name of Object.keys(commands)) cmds.push(await load(commands, name));
  const w = Math.max(...cmds.map((c) => c.spec.name.length)) + 2;
  return [
    'loracheck: checks the convergence theory of LoRA gradient descent (Mu & Klabjan)',
    '',
    'Usage: loracheck <command> [flags]      loracheck <command> --help',
    '',
    'Commands:',
    ...cmds.map((c) => `  ${c.spec.name.padEnd(w)}${c.spec.summary}`),
    '',
    `Exit codes: 0 ok, 1 a new counterexample or violation, 2 bad input, ${EXIT_INTERNAL} internal error (a command file failed to load).`,
  ].join('\n');
}

/** Runs one command line; `commands` is replaceable for tests (a loader that throws, say). */
export async function main(argv: string[], commands: Readonly<Record<string, CommandLoader>> = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  const dispatch = (sub: string[]) => main(sub, commands);
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      console.log(await topHelp(commands));
      return 0;
    }
    if (name === '--version') {
      const { ownVersion } = await import('./io.ts');
      console.log(ownVersion());
      return 0;
    }
    if (!Object.hasOwn(commands, name)) throw new UsageError(`unknown command "${name}" (see 'loracheck --help')`);
    const cmd = await load(commands, name);
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(helpText(cmd.spec));
      return 0;
    }
    const args: Parsed = parseArgs(cmd.spec, rest);
    try {
      return await cmd.run(args, { dispatch });
    } finally {
      // z3-solver's worker threads (prove, and search/ablate/tighten asking it first) would keep the process alive
      await releaseZ3();
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`loracheck: ${e.message}`);
      return 2;
    }
    if (process.env.LORACHECK_DEBUG) console.error(e instanceof CommandLoadError ? e.cause : e);
    console.error(`loracheck: ${e instanceof Error ? e.message : String(e)}`);
    return e instanceof CommandLoadError ? EXIT_INTERNAL : 1;
  }
}
