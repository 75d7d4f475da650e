/**
 * A small, strict flag parser shared by every command. Unknown flags, missing values and
 * malformed numbers raise UsageError, which main() prints as one line and exits with 2.
 */
import { oneLine } from '../runtime/escape.ts';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type FlagType = 'boolean' | 'string' | 'int' | 'number' | 'string[]';

export interface FlagSpec {
  type: FlagType;
  /** One-line help. */
  help: string;
  /** Placeholder in help, e.g. "N". */
  arg?: string;
  default?: unknown;
  /** Allowed values for 'string'. */
  choices?: readonly string[];
  /** For int/number: inclusive lower bound. */
  min?: number;
  /** For int/number: exclusive lower bound (value must be greater). */
  gt?: number;
  /** For int/number: inclusive upper bound. */
  max?: number;
  /** A duration in seconds: capped at MAX_SECONDS (timers beyond 2^31 - 1 ms overflow). */
  duration?: boolean;
}

/** Seeds are 32-bit words: fast-check and pure-rand keep only the low 32 bits of a seed, so a
 *  larger one would silently replay another seed's run. Seed flags reject it instead. */
export const SEED_MAX = 2 ** 32 - 1;

/** The longest duration a flag accepts, in seconds (one week; Node's timers overflow at about
 *  24.8 days, and a longer budget is a typo). README "Commands" states it. */
export const MAX_SECONDS = 604_800;

export interface CommandSpec {
  name: string;
  summary: string;
  /** Usage line after "loracheck ", e.g. "check [--claim ID]... [--json]". */
  usage: string;
  flags: Record<string, FlagSpec>;
  /** Name of positional arguments, e.g. "FILE...", or undefined for none allowed. */
  positionals?: string;
  /** Extra text at the end of --help. */
  details?: string;
  /** Command lines to copy, each with what it does (--help prints them last). */
  examples?: readonly { run: string; does: string }[];
}

export interface Parsed {
  flags: Record<string, any>;
  positionals: string[];
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): Parsed {
  const flags: Record<string, any> = {};
  const positionals: string[] = [];
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.type === 'string[]') flags[name] = [];
    else if (f.default !== undefined) flags[name] = f.default;
    else if (f.type === 'boolean') flags[name] = false;
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const f = spec.flags[name];
      if (!f) throw new UsageError(`${spec.name}: unknown flag --${oneLine(name)} (see 'loracheck ${spec.name} --help')`);
      if (f.type === 'boolean') {
        if (eq >= 0) throw new UsageError(`${spec.name}: flag --${name} takes no value`);
        flags[name] = true;
        continue;
      }
      let v: string | undefined;
      if (eq >= 0) v = a.slice(eq + 1);
      else {
        v = argv[i + 1];
        i++;
      }
      if (v === undefined || (eq < 0 && v.startsWith('--')))
        throw new UsageError(`${spec.name}: flag --${name} needs a value${f.arg ? ` (${f.arg})` : ''}`);
      const val = convert(spec.name, name, f, v);
      if (f.type === 'string[]') flags[name].push(val);
      else flags[name] = val;
    } else if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      throw new UsageError(`${spec.name}: unknown flag ${oneLine(a)} (flags are spelled --name)`);
    } else {
      if (!spec.positionals) throw new UsageError(`${spec.name}: unexpected argument "${oneLine(a)}"`);
      positionals.push(a);
    }
  }
  return { flags, positionals };
}

function convert(cmd: string, name: string, f: FlagSpec, v: string): unknown {
  if (f.type === 'int' || f.type === 'number') {
    const x = Number(v);
    const shown = oneLine(v);
    const kind = f.type === 'int' ? 'an integer' : 'a number';
    if (v.trim() === '' || Number.isNaN(x)) throw new UsageError(`${cmd}: flag --${name} must be ${kind}, got "${shown}"`);
    if (!Number.isFinite(x)) throw new UsageError(`${cmd}: flag --${name} must be ${kind}, got ${shown}, which is not a finite number`);
    if (f.type === 'int' && !Number.isInteger(x)) throw new UsageError(`${cmd}: flag --${name} must be an integer, got ${shown}`);
    if (f.type === 'int' && !Number.isSafeInteger(x)) throw new UsageError(`${cmd}: flag --${name} must be an integer of at most 2^53 in size, got ${shown}`);
    const range = rangeText(f);
    if (f.min !== undefined && x < f.min) throw new UsageError(`${cmd}: flag --${name} must be >= ${f.min}${range}, got ${shown}`);
    if (f.gt !== undefined && !(x > f.gt)) throw new UsageError(`${cmd}: flag --${name} must be > ${f.gt}${range}, got ${shown}`);
    if (f.max !== undefined && x > f.max) throw new UsageError(`${cmd}: flag --${name} must be <= ${f.max}${range}, got ${shown}`);
    if (f.duration && x > MAX_SECONDS)
      throw new UsageError(`${cmd}: flag --${name} must be <= ${MAX_SECONDS} seconds (one week, the longest budget loracheck takes), got ${shown}`);
    return x;
  }
  if (f.choices && !f.choices.includes(v))
    throw new UsageError(`${cmd}: flag --${name} must be one of ${f.choices.join(', ')}; got "${oneLine(v)}"`);
  return v;
}

/** " (seeds are 32-bit: 0..4294967295)" for seed flags, "" otherwise. */
function rangeText(f: FlagSpec): string {
  return f.max === SEED_MAX ? ` (seeds are 32-bit: ${f.min ?? 0}..${SEED_MAX})` : '';
}

export function helpText(spec: CommandSpec): string {
  const lines = [`loracheck ${spec.usage}`, '', spec.summary, ''];
  const entries = Object.entries(spec.flags);
  if (entries.length) {
    lines.push('Flags:');
    const left = entries.map(([n, f]) => `  --${n}${f.type === 'boolean' ? '' : ` ${f.arg ?? f.type.toUpperCase()}`}`);
    const w = Math.max(...left.map((s) => s.length)) + 2;
    entries.forEach(([, f], k) => {
      const def = f.default !== undefined && f.type !== 'boolean' ? ` (default: ${String(f.default)})` : '';
      const ch = f.choices ? ` [${f.choices.join('|')}]` : '';
      const cap = f.duration ? ` (at most ${MAX_SECONDS} s)` : '';
      lines.push(left[k]!.padEnd(w) + f.help + ch + def + cap);
    });
  }
  if (spec.details) lines.push('', spec.details);
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.flatMap((e) => [`  ${e.run}`, `      ${e.does}`]));
  return lines.join('\n');
}
