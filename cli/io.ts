/**
 * Side effects at the edge: results folder, atomic writes (temporary file, then rename, so
 * an interrupted run never destroys earlier results), and the environment record.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Environment } from '../theory/results.ts';
import { NotWritable, checkWritableDir } from '../runtime/atomic.ts';
import { oneLine } from '../runtime/escape.ts';
import { BadFile } from '../runtime/bad-file.ts';
import { CorpusError } from '../properties/index.ts';
import { UsageError } from './args.ts';

export const DEFAULT_RESULTS_DIR = 'results';

/**
 * The results folder, made and proved writable before any work starts (runtime/atomic.ts
 * checkWritableDir): a folder that cannot be written, or a path that is (or lies below) a file,
 * is bad input naming `flag` (exit 2), never a failure after the budget is spent.
 */
export function resultsDir(dir?: string, flag = '--results'): string {
  const d = resolve(dir ?? process.env.LORACHECK_RESULTS ?? DEFAULT_RESULTS_DIR);
  const what = dir === undefined && process.env.LORACHECK_RESULTS !== undefined ? '$LORACHECK_RESULTS' : flag;
  return asUsage(() => checkWritableDir(d, what));
}

/** Runs `fn`, turning the errors that mean bad input (a place that cannot be written, a
 *  malformed corpus or result file) into a UsageError (one line, exit 2). */
export function asUsage<T>(fn: () => T, prefix = ''): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NotWritable || e instanceof CorpusError || e instanceof BadFile) throw new UsageError(`${prefix}${oneLine(e.message)}`);
    throw e;
  }
}

export { writeAtomic, writeJSONAtomic } from '../runtime/atomic.ts';

const require = createRequire(import.meta.url);

/** A dependency's installed version. A package whose `exports` hides its package.json (ml-matrix)
 *  is found from its entry point upwards. */
export function pkgVersion(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    try {
      for (let d = dirname(require.resolve(name)); dirname(d) !== d; d = dirname(d)) {
        const file = join(d, 'package.json');
        if (!existsSync(file)) continue;
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version;
      }
    } catch {
      // not installed, or no package.json on the way up
    }
    return undefined;
  }
}

export function ownVersion(): string {
  const pkg = JSON.parse(readFileSync(join(dirname(new URL(import.meta.url).pathname), '..', 'package.json'), 'utf8'));
  return pkg.version as string;
}

export function environment(extra: Partial<Environment> = {}): Environment {
  const versions: Record<string, string> = {};
  for (const n of ['fast-check', 'decimal.js', 'ml-matrix', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'katex']) {
    const v = pkgVersion(n);
    if (v) versions[n] = v;
  }
  return {
    node: process.version,
    platform: platform(),
    arch: arch(),
    cpus: cpus().length,
    loracheck: ownVersion(),
    versions,
    date: new Date().toISOString(),
    ...extra,
  };
}
