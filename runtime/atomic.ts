/**
 * Atomic writes and early writability checks, below every command: a result file is written to
 * `<path>.tmp-<pid>-<ms>` and renamed over `path`, so an interrupted or failed write never
 * destroys what was there; `checkWritableDir` runs before any work, so a run never spends its
 * budget and then fails to write.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A place that cannot be written; `what` names the flag or file (e.g. `--results`). */
export class NotWritable extends Error {
  constructor(readonly what: string, readonly path: string, reason: string) {
    super(`${what}: ${path} ${reason}`);
    this.name = 'NotWritable';
  }
}

function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'is not writable (permission denied)';
  if (code === 'EROFS') return 'is on a read-only file system';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'is a file, not a folder (or lies below one)';
  if (code === 'ENOSPC') return 'has no space left';
  if (code === 'ENOENT') return 'cannot be created (ENOENT: the system has no folders there)';
  return `cannot be written (${code ?? String(e)})`;
}

/**
 * mkdir -p, one level at a time from the nearest folder that exists. Node 20's
 * `mkdirSync(dir, { recursive: true })` never returns where a parent answers ENOENT to mkdir
 * although it exists (`/proc/x`): it retries the parent forever. Here that is an ENOENT thrown.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let d = dir;
  while (statSync(d, { throwIfNoEntry: false }) === undefined && dirname(d) !== d) {
    missing.push(d);
    d = dirname(d);
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(m).isDirectory()) throw e;
    }
  }
}

/**
 * Makes `dir` (recursively) and proves it writable by creating and removing a probe file.
 * Throws NotWritable naming `what` otherwise. Returns `dir`.
 */
export function checkWritableDir(dir: string, what: string): string {
  try {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    makeDirs(dir);
    const probe = join(dir, `.loracheck-probe-${process.pid}-${Date.now()}`);
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
    return dir;
  } catch (e) {
    throw new NotWritable(what, dir, reasonOf(e));
  }
}

/** Checks that the folder of a file path can take the file (see checkWritableDir). */
export function checkWritableFile(path: string, what: string): string {
  let st;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    // ENOTDIR: the path lies below a file
    throw new NotWritable(what, path, reasonOf(e));
  }
  if (st?.isDirectory()) throw new NotWritable(what, path, 'is a folder, not a file');
  checkWritableDir(dirname(path), what);
  return path;
}

/** Writes `data` to `path` atomically: a temporary file beside it, then rename. */
let serial = 0;
export function writeAtomic(path: string, data: string | Uint8Array): void {
  makeDirs(dirname(path));
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}-${serial++}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** JSON with two-space indent and a final newline, written atomically. */
export function writeJSONAtomic(path: string, value: unknown): void {
  writeAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Puts folder `from` in the place of folder `to` (`from` absent: `to` is removed): what was at
 * `to` is moved aside first and removed only once `from` is in place, and put back if that fails.
 */
export function replaceDir(from: string, to: string): void {
  const aside = `${to}.old-${process.pid}-${Date.now()}`;
  const had = existsSync(to);
  if (had) renameSync(to, aside);
  try {
    if (existsSync(from)) renameSync(from, to);
  } catch (e) {
    if (had) renameSync(aside, to);
    throw e;
  }
  if (had) rmSync(aside, { recursive: true, force: true });
}
