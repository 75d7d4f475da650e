/**
 * What a file in cli/commands exports as `command`: its flags (for parsing and --help) and
 * its run. Kept apart from cli/main.ts, which loads the command files, so that a command file
 * never imports main back (no import circle).
 */
import type { CommandSpec, Parsed } from './args.ts';

export interface Command {
  spec: CommandSpec;
  /** `ctx` is given by cli/main.ts; a test may call run(args) alone. */
  run(args: Parsed, ctx?: CommandContext): Promise<number>;
}

/** What main hands each command: `dispatch` runs another command (argv as on the command line) and returns its exit code. */
interface CommandContext {
  dispatch(argv: string[]): Promise<number>;
}
