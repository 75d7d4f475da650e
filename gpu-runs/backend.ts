/**
 * The one place that decides which TensorFlow.js backend runs a trace (README "Backends"; "Training
 * traces"): auto tries, in order,
 *   gpu    @tensorflow/tfjs-node-gpu, only if it loads AND TensorFlow reports a CUDA device,
 *   webgpu @tensorflow/tfjs-backend-webgpu on Dawn (npm `webgpu`), only with a HARDWARE
 *          adapter (webgpu-adapter.ts; --backend webgpu also takes a software one: SwiftShader),
 *   native @tensorflow/tfjs-node (libtensorflow on the CPU),
 *   wasm   @tensorflow/tfjs-backend-wasm (SIMD build, one thread),
 *   cpu    the plain-JS kernels of @tensorflow/tfjs.
 * The two native packages are optionalDependencies whose install downloads libtensorflow;
 * where that failed they are simply absent, so they are imported lazily and their absence is
 * a skip reason, never an error. Asking for one backend explicitly (--backend gpu) that is
 * not usable throws BackendUnavailable with a one-line reason.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as TFNamespace from '@tensorflow/tfjs';
import { openWebgpuAdapter, type AdapterDescription } from './webgpu-adapter.ts';

export type { AdapterDescription } from './webgpu-adapter.ts';

/** The TensorFlow.js API the trainer talks to (the native packages re-export the same API). */
export type TF = typeof TFNamespace;

export type BackendName = 'gpu' | 'webgpu' | 'native' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'gpu', 'webgpu', 'native', 'wasm', 'cpu'];
export const AUTO_ORDER: readonly BackendName[] = ['gpu', 'webgpu', 'native', 'wasm', 'cpu'];

export interface Backend {
  /** Our name for it (what --backend takes). */
  name: BackendName;
  /** tfjs' own backend name ('tensorflow', 'wasm', 'cpu'). */
  tfBackend: string;
  /** One line: what runs, e.g. "wasm (SIMD, 1 thread)". */
  detail: string;
  /** Why each backend tried before this one was skipped, e.g. "gpu: package ... not installed". */
  reasonsSkipped: string[];
  /** Package versions that matter for this backend. */
  versions: Record<string, string>;
  /** webgpu: the adapter Dawn gave (recorded in the trace header). */
  adapter?: AdapterDescription;
  tf: TF;
}

export class BackendUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailable';
  }
}

const require = createRequire(import.meta.url);

function version(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Imports an optional package; resolves to the module, or to a one-line reason it is unusable. */
async function importOptional(pkg: string): Promise<{ mod?: any; reason?: string }> {
  try {
    // A computed specifier keeps TypeScript (and bundlers) from requiring the package to exist.
    const spec: string = pkg;
    return { mod: await import(spec) };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: string }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && msg.includes(pkg))
      return { reason: `package ${pkg} is not installed (optional dependency; its install downloads libtensorflow)` };
    return { reason: `package ${pkg} failed to load: ${firstLine(msg)}` };
  }
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

let tfjs: TF | undefined;
async function loadTfjs(): Promise<TF> {
  if (!tfjs) {
    tfjs = (await import('@tensorflow/tfjs')) as unknown as TF;
    // Production mode: no per-op debug checks, and no "install tfjs-node" banner on stderr.
    tfjs.enableProdMode();
  }
  return tfjs;
}

type Attempt = { ok: Omit<Backend, 'reasonsSkipped'> } | { skip: string };

async function tryNative(gpu: boolean): Promise<Attempt> {
  const pkg = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  const { mod, reason } = await importOptional(pkg);
  if (!mod) return { skip: reason! };
  const tf = mod as TF;
  let set = false;
  try {
    set = await tf.setBackend('tensorflow');
  } catch (e) {
    return { skip: `${pkg} loaded but its 'tensorflow' backend failed: ${firstLine(String(e))}` };
  }
  if (!set) return { skip: `${pkg} loaded but its 'tensorflow' backend did not initialise` };
  // NodeJSKernelBackend records which package built it and whether TensorFlow placed ops on a GPU.
  const b = tf.backend() as unknown as { isGPUPackage?: boolean; isUsingGpuDevice?: boolean };
  if (gpu && !(b.isGPUPackage && b.isUsingGpuDevice))
    return { skip: `${pkg} loaded but TensorFlow sees no CUDA GPU` };
  const versions: Record<string, string> = {};
  const v = version(pkg);
  if (v) versions[pkg] = v;
  return {
    ok: {
      name: gpu ? 'gpu' : 'native',
      tfBackend: 'tensorflow',
      detail: gpu ? `gpu (${pkg}, CUDA device)` : `native (${pkg}, libtensorflow on the CPU)`,
      versions,
      tf,
    },
  };
}

async function tryWasm(): Promise<Attempt> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    return { skip: `package @tensorflow/tfjs-backend-wasm failed to load: ${firstLine(String(e))}` };
  }
  const tf = await loadTfjs();
  // In Node the .wasm binaries are read from disk: point the loader at the package's dist/.
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/';
  try {
    wasm.setWasmPaths(dist);
  } catch {
    // setWasmPaths throws once the backend has been initialised (a second call in one process).
  }
  let set = false;
  try {
    set = await tf.setBackend('wasm');
  } catch (e) {
    return { skip: `wasm backend failed to initialise: ${firstLine(String(e))}` };
  }
  if (!set) return { skip: `wasm backend did not initialise (binaries looked for in ${dist})` };
  const versions: Record<string, string> = {};
  const v = version('@tensorflow/tfjs-backend-wasm');
  if (v) versions['@tensorflow/tfjs-backend-wasm'] = v;
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { ok: { name: 'wasm', tfBackend: 'wasm', detail: `wasm (${simd ? 'SIMD' : 'no SIMD'}, 1 thread)`, versions, tf } };
}

/**
 * webgpu: Dawn's adapter first (webgpu-adapter.ts decides which Vulkan loader and drivers it
 * sees, and refuses software adapters unless `acceptSoftware`), then tfjs' webgpu backend on it.
 * tfjs-backend-webgpu registers itself at import time only if navigator.gpu exists, so it is
 * imported after the adapter is in place.
 */
async function tryWebgpu(acceptSoftware: boolean): Promise<Attempt> {
  const opened = await openWebgpuAdapter(acceptSoftware);
  if ('skip' in opened) return { skip: opened.skip };
  const tf = await loadTfjs();
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    return { skip: `package @tensorflow/tfjs-backend-webgpu failed to load: ${firstLine(String(e))}` };
  }
  if (!tf.findBackendFactory('webgpu')) return { skip: 'tfjs-backend-webgpu did not register (it was imported before navigator.gpu existed)' };
  let set = false;
  try {
    set = await tf.setBackend('webgpu');
  } catch (e) {
    return { skip: `webgpu backend failed to initialise on ${opened.adapter.device}: ${firstLine(String(e))}` };
  }
  if (!set) return { skip: `webgpu backend did not initialise on ${opened.adapter.device}` };
  const versions: Record<string, string> = {};
  for (const pkg of ['@tensorflow/tfjs-backend-webgpu', 'webgpu']) {
    const v = version(pkg);
    if (v) versions[pkg] = v;
  }
  const a = opened.adapter;
  const soft = a.software ? '; a SOFTWARE adapter: correct but slow, for tests' : '';
  return { ok: { name: 'webgpu', tfBackend: 'webgpu', detail: `webgpu (Dawn/${a.backendType}: ${a.label}${soft})`, versions, adapter: a, tf } };
}

async function tryCpu(): Promise<Attempt> {
  const tf = await loadTfjs();
  const set = await tf.setBackend('cpu');
  if (!set) return { skip: 'cpu backend did not initialise' };
  return { ok: { name: 'cpu', tfBackend: 'cpu', detail: 'cpu (plain JavaScript kernels)', versions: {}, tf } };
}

function attempt(name: BackendName, explicit: boolean): Promise<Attempt> {
  switch (name) {
    case 'gpu':
      return tryNative(true);
    case 'webgpu':
      return tryWebgpu(explicit);
    case 'native':
      return tryNative(false);
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return tryCpu();
  }
}

/**
 * Chooses and activates a backend. `auto` walks AUTO_ORDER and records why each earlier one
 * was skipped; an explicit choice either works or throws BackendUnavailable.
 */
export async function chooseBackend(choice: BackendChoice = 'auto'): Promise<Backend> {
  if (!BACKEND_CHOICES.includes(choice))
    throw new BackendUnavailable(`unknown backend "${choice}" (one of ${BACKEND_CHOICES.join(', ')})`);
  const order = choice === 'auto' ? AUTO_ORDER : [choice];
  const reasonsSkipped: string[] = [];
  for (const name of order) {
    const a = await attempt(name, choice !== 'auto');
    if ('ok' in a) {
      const tfVersion = version('@tensorflow/tfjs');
      const versions = { ...(tfVersion ? { '@tensorflow/tfjs': tfVersion } : {}), ...a.ok.versions };
      return { ...a.ok, versions, reasonsSkipped };
    }
    if (choice !== 'auto') throw new BackendUnavailable(`backend ${name} is not available: ${a.skip}`);
    reasonsSkipped.push(`${name}: ${a.skip}`);
  }
  throw new BackendUnavailable(`no TensorFlow.js backend could be initialised (${reasonsSkipped.join('; ')})`);
}

/**
 * Whether a backend runs on a GPU: tfjs-node-gpu, or webgpu on a hardware adapter (SwiftShader
 * and llvmpipe are software). `loracheck verify` adds its runs at LLM-layer sizes only there
 * (or when asked to with --at-scale on).
 */
export function onGpu(b: Pick<Backend, 'name' | 'adapter'>): boolean {
  return b.name === 'gpu' || (b.name === 'webgpu' && b.adapter !== undefined && !b.adapter.software);
}

/** "wasm (SIMD, 1 thread); skipped gpu: ..., native: ..." — what `train` prints. */
export function describeBackend(b: Backend): string {
  return b.reasonsSkipped.length ? `${b.detail}; skipped ${b.reasonsSkipped.join('; ')}` : b.detail;
}

/** One line of `loracheck backends`: whether a backend can run here, and what it is. */
export interface BackendProbe {
  name: BackendName;
  available: boolean;
  /** What runs (available) or why not. */
  detail: string;
  adapter?: AdapterDescription;
  /** Whether `auto` would take it when everything before it is absent (not software webgpu). */
  autoEligible: boolean;
}

/** Tries every backend explicitly (so webgpu accepts a software adapter), then says what auto picks. */
export async function probeBackends(): Promise<{ backends: BackendProbe[]; auto: string }> {
  const backends: BackendProbe[] = [];
  for (const name of AUTO_ORDER) {
    try {
      const b = await chooseBackend(name);
      backends.push({ name, available: true, detail: b.detail, ...(b.adapter ? { adapter: b.adapter } : {}), autoEligible: !b.adapter?.software });
    } catch (e) {
      if (!(e instanceof BackendUnavailable)) throw e;
      backends.push({ name, available: false, detail: e.message.replace(/^backend \S+ is not available: /, ''), autoEligible: false });
    }
  }
  const auto = await chooseBackend('auto');
  return { backends, auto: describeBackend(auto) };
}
