/**
 * Side effects at the edge: results folder, atomic writes (temporary file, then rename, so
 * an interrupted run never destroys earlier results), and the environment record.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus, arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Environment } from '../theory/results.ts';

export const DEFAULT_RESULTS_DIR = 'results';

export function resultsDir(dir?: string): string {
  const d = resolve(dir ?? process.env.LORACHECK_RESULTS ?? DEFAULT_RESULTS_DIR);
  mkdirSync(d, { recursive: true });
  return d;
}

export { writeAtomic, writeJSONAtomic } from '../runtime/atomic.ts';

const require = createRequire(import.meta.url);

function pkgVersion(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
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
