/**
 * How a worker thread gets its code. Worker threads inherit neither the tsx loader of the
 * CLI nor vitest's transform, and a worker that registers tsx itself and compiles ~60
 * modules takes about a second to start (two seconds for two workers on two cores): more
 * than a whole counterexample search. So the handler and the harness are bundled once with
 * esbuild (tsx's own compiler, always installed with it) into one plain ES module that a
 * worker loads in tens of milliseconds. The bundle is cached in the temporary folder and
 * rebuilt when any of its input files changes (size or mtime).
 *
 * Fallback: if esbuild cannot be loaded or the build fails, or LORACHECK_WORKER_BUNDLE=0,
 * workers start from boot.mjs, which registers tsx in the thread and imports the sources.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { writeAtomic } from '../../runtime/atomic.ts';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerEntry {
  /** The file a Worker runs. */
  file: URL;
  /** Extra workerData the entry needs (the boot path needs the module URLs). */
  data: Record<string, unknown>;
  bundled: boolean;
}

const HARNESS = new URL('./worker-harness.ts', import.meta.url);
const BOOT = new URL('./boot.mjs', import.meta.url);

interface Manifest {
  bundle: string;
  inputs: Record<string, [number, number]>;
}

function cacheDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `loracheck-workers-${uid}`);
}

function stamp(path: string): [number, number] | undefined {
  try {
    const s = statSync(path);
    return [s.mtimeMs, s.size];
  } catch {
    return undefined;
  }
}

function fresh(m: Manifest, dir: string): boolean {
  if (!stamp(join(dir, m.bundle))) return false;
  for (const [p, st] of Object.entries(m.inputs)) {
    const now = stamp(p);
    if (!now || now[0] !== st[0] || now[1] !== st[1]) return false;
  }
  return true;
}

const memo = new Map<string, Promise<WorkerEntry>>();

/** The entry for workers serving `handler` (memoised per process). `bundle: false` (or
 *  LORACHECK_WORKER_BUNDLE=0) takes the tsx path. */
export function workerEntry(handler: URL, opts: { bundle?: boolean } = {}): Promise<WorkerEntry> {
  const bundle = opts.bundle ?? process.env.LORACHECK_WORKER_BUNDLE !== '0';
  if (!bundle) return Promise.resolve(bootEntry(handler));
  const key = handler.href;
  let p = memo.get(key);
  if (!p) {
    p = build(handler).catch(() => bootEntry(handler));
    memo.set(key, p);
  }
  return p;
}

function bootEntry(handler: URL): WorkerEntry {
  return { file: BOOT, data: { harness: HARNESS.href, handler: handler.href }, bundled: false };
}

async function build(handler: URL): Promise<WorkerEntry> {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const handlerPath = fileURLToPath(handler);
  const harnessPath = fileURLToPath(HARNESS);
  const id = createHash('sha1').update(`${handlerPath}\n${harnessPath}\n${process.version}`).digest('hex').slice(0, 16);
  const manifestPath = join(dir, `${id}.json`);
  try {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (fresh(m, dir)) return { file: pathToFileURL(join(dir, m.bundle)), data: {}, bundled: true };
  } catch {
    /* no manifest yet, or unreadable: build */
  }
  const esbuild = await import('esbuild');
  const started = Date.now();
  const workDir = dirname(handlerPath);
  const res = await esbuild.build({
    stdin: {
      contents: `import { serve } from ${JSON.stringify(harnessPath)};\nimport { handle } from ${JSON.stringify(handlerPath)};\nserve(handle);\n`,
      resolveDir: workDir,
      loader: 'ts',
      sourcefile: 'loracheck-worker-entry.ts',
    },
    absWorkingDir: workDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    // a smaller file parses faster in each new thread; names kept for error messages
    minify: true,
    keepNames: true,
    logLevel: 'silent',
    // CommonJS dependencies inside an ES module bundle need a real require
    banner: { js: "import { createRequire as __lcRequire } from 'node:module'; const require = __lcRequire(import.meta.url);" },
  });
  const out = res.outputFiles[0]!.contents;
  const hash = createHash('sha1').update(out).digest('hex').slice(0, 16);
  const bundle = `${id}-${hash}.mjs`;
  writeAtomic(join(dir, bundle), out);
  const inputs: Manifest['inputs'] = {};
  let changedWhileBuilding = false;
  for (const p of Object.keys(res.metafile.inputs)) {
    const abs = resolve(workDir, p);
    const st = stamp(abs);
    if (!st) continue; // the stdin entry is no file
    inputs[abs] = st;
    if (st[0] >= started) changedWhileBuilding = true;
  }
  // a source edited during the build may not be in the bundle: use it now, but do not cache it
  if (!changedWhileBuilding) writeAtomic(manifestPath, JSON.stringify({ bundle, inputs } satisfies Manifest));
  return { file: pathToFileURL(join(dir, bundle)), data: {}, bundled: true };
}
