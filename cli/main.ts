/**
 * `loracheck <command>`: dispatch, --help, and the one place that turns errors into exit
 * codes: UsageError (bad flags, bad files) -> one line on stderr and exit 2; anything else
 * -> a one-line message and exit 1 (stack only with LORACHECK_DEBUG=1).
 */
import { UsageError, helpText, parseArgs, type CommandSpec, type Parsed } from './args.ts';
import { releaseZ3 } from '../properties/prove/z3.ts';

export interface Command {
  spec: CommandSpec;
  run(args: Parsed): Promise<number>;
}

/** Commands load lazily so that `loracheck claims` does not pay for TensorFlow.js. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  claims: async () => (await import('./commands/claims.ts')).command,
};

/** Registered by later modules (check, search, train, report, verify, bench ...). */
export function registerCommand(name: string, load: () => Promise<Command>): void {
  COMMANDS[name] = load;
}

async function loadCommands(): Promise<void> {
  // Each file in cli/commands registers itself by name in this table; missing ones are skipped.
  const optional = ['check', 'prove', 'search', 'ablate', 'tighten', 'train', 'verify-trace', 'report', 'verify', 'bench', 'backends'];
  for (const name of optional) {
    if (COMMANDS[name]) continue;
    COMMANDS[name] = async () => (await import(`./commands/${name}.ts`)).command as Command;
  }
}

async function available(): Promise<Command[]> {
  const out: Command[] = [];
  for (const [, load] of Object.entries(COMMANDS)) {
    try {
      out.push(await load());
    } catch {
      /* not built yet */
    }
  }
  return out;
}

async function topHelp(): Promise<string> {
  const cmds = await available();
  const w = Math.max(...cmds.map((c) => c.spec.name.length)) + 2;
  return [
    'loracheck: checks the convergence theory of LoRA gradient descent (Mu & Klabjan)',
    '',
    'Usage: loracheck <command> [flags]      loracheck <command> --help',
    '',
    'Commands:',
    ...cmds.map((c) => `  ${c.spec.name.padEnd(w)}${c.spec.summary}`),
    '',
    'Exit codes: 0 ok, 1 a new counterexample or violation, 2 bad input.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  await loadCommands();
  const [name, ...rest] = argv;
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      console.log(await topHelp());
      return 0;
    }
    if (name === '--version') {
      const { ownVersion } = await import('./io.ts');
      console.log(ownVersion());
      return 0;
    }
    const load = COMMANDS[name];
    let cmd: Command | undefined;
    if (load) {
      try {
        cmd = await load();
      } catch (e) {
        if (process.env.LORACHECK_DEBUG) console.error(e);
      }
    }
    if (!cmd) throw new UsageError(`unknown command "${name}" (see 'loracheck --help')`);
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(helpText(cmd.spec));
      return 0;
    }
    try {
      return await cmd.run(parseArgs(cmd.spec, rest));
    } finally {
      // z3-solver's worker threads (prove, and search/ablate/tighten asking it first) would keep the process alive
      await releaseZ3();
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`loracheck: ${e.message}`);
      return 2;
    }
    if (process.env.LORACHECK_DEBUG) console.error(e);
    console.error(`loracheck: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
