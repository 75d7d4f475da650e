/**
 * Finding a WebGPU adapter in Node through Dawn (npm `webgpu`), quietly, for backend.ts.
 *
 * On Linux Dawn reaches the GPU through Vulkan: it dlopens the Vulkan loader `libvulkan.so.1`,
 * which reads driver manifests (ICDs, `vulkan/icd.d/*.json`). When either is missing Dawn prints
 * warnings on stderr ("Couldn't load Vulkan", "Found no drivers!"), so both are looked for here
 * first and their absence becomes a one-line skip reason instead:
 *
 *  - the loader: $LORACHECK_VULKAN_LOADER, else the system's `libvulkan.so.1` (Debian
 *    `libvulkan1`), else the copy Debian's `chromium` ships in /usr/lib/chromium. It is loaded
 *    into the process (RTLD_GLOBAL, never unloaded) before Dawn, so Dawn's own
 *    dlopen("libvulkan.so.1") finds it already loaded;
 *  - the drivers: the loader's search path (or $VK_ICD_FILENAMES / $VK_DRIVER_FILES when set),
 *    plus the NVIDIA container toolkit's /usr/local/nvidia/share/vulkan/icd.d, which the loader
 *    does not search by itself. Software drivers (SwiftShader, lavapipe/llvmpipe) count only when
 *    software is accepted (`--backend webgpu`); then Chromium's SwiftShader
 *    (/usr/lib/chromium/vk_swiftshader_icd.json, or $LORACHECK_SWIFTSHADER_ICD) is added too, so
 *    a CPU-only machine with `chromium` has an adapter. With several, hardware drivers are
 *    listed first and Dawn's high-performance order puts hardware adapters before CPU ones.
 *
 * Each candidate driver is then tried alone in a child process (webgpu-probe.mjs, ~0.1 s, all
 * at once): what Dawn and the loader print while a driver fails (Debian 12's lavapipe, which
 * Dawn refuses; Mesa's Intel/AMD drivers on a machine without that GPU; a manifest whose
 * library does not load) stays in the child's pipe and becomes that driver's reason. This
 * process then gives the loader only the drivers that yielded an adapter ($VK_ICD_FILENAMES),
 * and a private $XDG_RUNTIME_DIR while Dawn starts when the environment has none (Vulkan's
 * window-system code complains on stderr otherwise). LORACHECK_WEBGPU_PROBE=0 skips the
 * children (every candidate is handed to Dawn; its messages then reach stderr).
 *
 * The adapter Dawn returns is checked once more (its vendor, architecture and description name
 * SwiftShader or llvmpipe on software ones) and then handed to tfjs as navigator.gpu.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

/** What the trace header records about the adapter. */
export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn's backend API: vulkan (Linux), metal (macOS), d3d12 (Windows). */
  backendType: string;
  /** A software rasteriser (SwiftShader, llvmpipe): correct, slow, for tests only. */
  software: boolean;
  /** One line: device or description, with vendor/architecture. */
  label: string;
  /** Linux: which libvulkan.so.1 was loaded, and the driver manifests the loader was given. */
  vulkanLoader?: string;
  vulkanDrivers?: string[];
  /** Linux: the candidate drivers not given to Dawn, each with why ("FILE (reason)"). */
  vulkanDriversSkipped?: string[];
}

export type Opened = { adapter: AdapterDescription } | { skip: string };

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const CHROMIUM_LOADER = '/usr/lib/chromium/libvulkan.so.1';
const NVIDIA_CONTAINER_ICD_DIR = '/usr/local/nvidia/share/vulkan/icd.d';
/** glibc's RTLD_NODELETE (Node does not export it): the library stays after Node's dlclose. */
const RTLD_NODELETE = 0x1000;
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|\blvp\b|lvp_icd|software rasterizer|basic render/i;

/** Whether a name (manifest file, library, adapter field) is a known software rasteriser. */
export function isSoftwareName(s: string): boolean {
  return SOFTWARE.test(s);
}

/**
 * Loads a shared library into the process for good (RTLD_GLOBAL | RTLD_NODELETE) through
 * process.dlopen. A library that is not a Node addon makes process.dlopen throw "did not
 * self-register" AFTER dlopen succeeded: that is the success case here.
 */
function preload(path: string): boolean {
  const flags = 2 /* RTLD_NOW */ | 256 /* RTLD_GLOBAL */ | RTLD_NODELETE;
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, path, flags);
    return true;
  } catch (e) {
    return /did not self-register/.test(String(e));
  }
}

/** The loader as shown (`loader`) and as loaded again by the probe children (`path`). */
type LoaderFound = { loader: string; path: string } | { skip: string };
let loaderResult: LoaderFound | undefined;

/** Which Vulkan loader this process uses, or why none (decided once: a loaded library stays). */
function loadVulkanLoader(): LoaderFound {
  loaderResult ??= findVulkanLoader();
  return loaderResult;
}

function findVulkanLoader(): LoaderFound {
  const own = process.env.LORACHECK_VULKAN_LOADER;
  if (own) return preload(own) ? { loader: own, path: own } : { skip: `LORACHECK_VULKAN_LOADER=${own} could not be loaded` };
  if (preload('libvulkan.so.1')) return { loader: 'libvulkan.so.1 (system)', path: 'libvulkan.so.1' };
  if (existsSync(CHROMIUM_LOADER) && preload(CHROMIUM_LOADER)) return { loader: CHROMIUM_LOADER, path: CHROMIUM_LOADER };
  return { skip: 'the Vulkan loader libvulkan.so.1 is not installed (Debian: apt-get install libvulkan1)' };
}

function manifestsIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** A manifest is software when its name or its library_path names a software rasteriser. */
function manifestIsSoftware(file: string): boolean {
  if (isSoftwareName(file)) return true;
  try {
    const lib = (JSON.parse(readFileSync(file, 'utf8')) as { ICD?: { library_path?: string } }).ICD?.library_path ?? '';
    return isSoftwareName(lib);
  } catch {
    return false;
  }
}

/** The driver manifests the Vulkan loader will read, as its documented search order has them. */
function systemDrivers(): { files: string[]; searched: string[]; override: boolean } {
  const env = process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES;
  if (env) {
    const files = env.split(':').filter((f) => f !== '');
    return { files: files.flatMap((f) => (f.endsWith('.json') ? (existsSync(f) ? [f] : []) : manifestsIn(f))), searched: files, override: true };
  }
  const xdgConfig = (process.env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const dataHome = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  const xdgData = (process.env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const dirs = [...xdgConfig, '/etc', dataHome, ...xdgData].filter((d) => d !== '').map((d) => join(d, 'vulkan', 'icd.d'));
  return { files: [...new Set(dirs.flatMap(manifestsIn))], searched: dirs, override: false };
}

/** The candidate drivers: the loader's own, the NVIDIA container toolkit's, SwiftShader when
 *  software is accepted; software manifests dropped when it is not. */
function chooseDrivers(acceptSoftware: boolean): { drivers: string[] } | { skip: string } {
  const sys = systemDrivers();
  const extra: string[] = [];
  if (!sys.override) {
    for (const f of manifestsIn(NVIDIA_CONTAINER_ICD_DIR)) if (!sys.files.includes(f)) extra.push(f);
    const swiftshader = process.env.LORACHECK_SWIFTSHADER_ICD || SWIFTSHADER_ICD;
    if (acceptSoftware && existsSync(swiftshader) && !sys.files.includes(swiftshader)) extra.push(swiftshader);
  }
  const all = [...sys.files, ...extra];
  const usable = acceptSoftware ? all : all.filter((f) => !manifestIsSoftware(f));
  if (usable.length === 0) {
    const where = sys.override ? `$VK_DRIVER_FILES/$VK_ICD_FILENAMES (${sys.searched.join(':')})` : `${sys.searched.join(', ')}, ${NVIDIA_CONTAINER_ICD_DIR}`;
    if (all.length > 0) return { skip: `only software Vulkan drivers (${all.join(', ')}); auto never picks a software adapter (--backend webgpu does)` };
    return {
      skip: `no Vulkan driver (ICD manifest) found in ${where}${acceptSoftware ? `; on a CPU-only machine Debian's chromium provides SwiftShader (${SWIFTSHADER_ICD})` : softwareAside()}`,
    };
  }
  return { drivers: usable };
}

/** For auto's skip reason: the software adapter that only --backend webgpu is offered (as `loracheck backends` shows it). */
function softwareAside(): string {
  const swiftshader = process.env.LORACHECK_SWIFTSHADER_ICD || SWIFTSHADER_ICD;
  return systemDrivers().override || !existsSync(swiftshader) ? '' : `; SwiftShader (${swiftshader}), a software adapter, is left to --backend webgpu (auto never picks one)`;
}

const PROBE = fileURLToPath(new URL('./webgpu-probe.mjs', import.meta.url));
const PROBE_TIMEOUT_MS = 30_000;

/** What one driver gave when Dawn was opened on it alone in a child process. */
interface DriverProbe {
  file: string;
  adapter?: AdapterDescription;
  /** why it gave no adapter: the first thing Dawn or the loader said, or the child's fate */
  why?: string;
  /** the child did not start at all (then nothing is known of any driver) */
  spawnFailed?: boolean;
}

/** The first line of a child's stderr that says something (not a stack frame, not the
 *  window-system complaint about $XDG_RUNTIME_DIR), without its "Warning:" prefix. */
function dawnSaid(stderr: string): string | undefined {
  const said = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^at /.test(l) && !/^- While /.test(l) && !/XDG_RUNTIME_DIR/.test(l));
  // "Warning: Loader Message: setup_loader_term_phys_devs:  Failed to ..." -> "Failed to ..."
  const first = said[0]?.replace(/^(warning|error):\s*/i, '').replace(/^loader message:\s*/i, '').replace(/^[a-z_]+:\s+/, '');
  return first === undefined ? undefined : first.length > 160 ? `${first.slice(0, 157)}...` : first;
}

function probeDriver(file: string, loaderPath: string, runtimeDir: string): Promise<DriverProbe> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: file, VK_DRIVER_FILES: file, XDG_RUNTIME_DIR: runtimeDir };
    delete env.VK_ADD_DRIVER_FILES;
    let child;
    try {
      child = spawn(process.execPath, [PROBE, loaderPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ file, spawnFailed: true, why: String(e).split('\n')[0] });
      return;
    }
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ file, spawnFailed: true, why: String(e).split('\n')[0] });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let doc: { adapter?: { vendor: string; architecture: string; device: string; description: string; fallback: boolean } | null; error?: string } | undefined;
      try {
        doc = JSON.parse(out.trim().split('\n').pop() ?? '');
      } catch {
        doc = undefined;
      }
      if (doc?.adapter) {
        const { fallback, ...info } = doc.adapter;
        resolve({ file, adapter: describe({ info, isFallbackAdapter: fallback }, 'vulkan') });
        return;
      }
      const fate = signal === 'SIGKILL' ? `no answer in ${PROBE_TIMEOUT_MS / 1000} s` : signal ? `the probe died (${signal})` : code !== 0 ? `the probe exited ${code}` : 'no adapter';
      resolve({ file, why: dawnSaid(err) ?? doc?.error ?? fate });
    });
  });
}

/** $XDG_RUNTIME_DIR as it is when it names a directory, else a private one made for the
 *  duration of Dawn's start (removed by `done`). */
function runtimeDir(): { dir: string; done: () => void } {
  const own = process.env.XDG_RUNTIME_DIR;
  try {
    if (own && statSync(own).isDirectory()) return { dir: own, done: () => {} };
  } catch {
    // not a directory: make one
  }
  const dir = mkdtempSync(join(tmpdir(), 'loracheck-xdg-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Tries every candidate driver alone (in parallel children): those that gave an acceptable
 *  adapter (hardware first) and the others with why; undefined when no child could start. */
async function probeDrivers(candidates: string[], loaderPath: string, dir: string, acceptSoftware: boolean): Promise<{ good: string[]; skipped: string[] } | undefined> {
  const probes = await Promise.all(candidates.map((f) => probeDriver(f, loaderPath, dir)));
  if (probes.every((p) => p.spawnFailed)) return undefined;
  const ok = probes.filter((p) => p.adapter && (acceptSoftware || !p.adapter.software));
  // drivers that failed alike are named together: "a.json, b.json (Failed to detect any valid GPUs ...)"
  const why = new Map<string, string[]>();
  for (const p of probes) {
    if (ok.includes(p)) continue;
    const reason = p.adapter ? `software adapter ${p.adapter.label}` : p.why!;
    why.set(reason, [...(why.get(reason) ?? []), p.file]);
  }
  const skipped = [...why].map(([reason, files]) => `${files.join(', ')} (${reason})`);
  const good = [...ok.filter((p) => !p.adapter!.software), ...ok.filter((p) => p.adapter!.software)].map((p) => p.file);
  return { good, skipped };
}

interface GpuAdapterLike {
  info: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

function describe(a: GpuAdapterLike, backendType: string): AdapterDescription {
  const i = a.info;
  const pick = { vendor: i.vendor ?? '', architecture: i.architecture ?? '', device: i.device ?? '', description: i.description ?? '' };
  const software = Boolean(a.isFallbackAdapter || i.isFallbackAdapter) || isSoftwareName(Object.values(pick).join(' '));
  const name = pick.description && pick.device && !pick.description.includes(pick.device) ? `${pick.device}, ${pick.description}` : pick.description || pick.device || 'unnamed adapter';
  const va = [pick.vendor, pick.architecture].filter(Boolean).join('/');
  return { ...pick, backendType, software, label: va ? `${name} [${va}]` : name };
}

let cached: { adapter: AdapterDescription } | undefined;
const failures = new Map<boolean, string>();

/**
 * Opens Dawn's adapter once per process and installs it as navigator.gpu (for tfjs). With
 * acceptSoftware false, a software adapter is a skip reason.
 */
export async function openWebgpuAdapter(acceptSoftware: boolean): Promise<Opened> {
  if (cached) {
    if (cached.adapter.software && !acceptSoftware)
      return { skip: `only a software adapter (${cached.adapter.label}); auto never picks one (--backend webgpu does)` };
    return cached;
  }
  const failed = failures.get(acceptSoftware);
  if (failed) return { skip: failed };
  const r = await open(acceptSoftware);
  if ('skip' in r) failures.set(acceptSoftware, r.skip);
  else cached = r;
  return r;
}

async function open(acceptSoftware: boolean): Promise<Opened> {
  const linux = process.platform === 'linux';
  if (!linux) return openDawn(acceptSoftware, {});
  const l = loadVulkanLoader();
  if ('skip' in l) return l;
  const d = chooseDrivers(acceptSoftware);
  if ('skip' in d) return d;
  const rt = runtimeDir();
  // what is set below holds while Dawn starts (the loader reads it when Dawn creates its Vulkan
  // instance) and is put back after, so that child processes see the user's environment
  const saved = Object.fromEntries(ENV_SET.map((k) => [k, process.env[k]]));
  try {
    let drivers = d.drivers;
    let skipped: string[] = [];
    const probed = process.env.LORACHECK_WEBGPU_PROBE === '0' ? undefined : await probeDrivers(d.drivers, l.path, rt.dir, acceptSoftware);
    if (probed) {
      if (probed.good.length === 0) {
        const soft = probed.skipped.filter((s) => / \(software adapter /.test(s));
        if (soft.length > 0 && soft.length === probed.skipped.length) return { skip: `only a software adapter (${soft.join(', ')}); auto never picks one (--backend webgpu does)` };
        return { skip: `Dawn found no usable adapter among the Vulkan drivers ${probed.skipped.join(', ')}${acceptSoftware ? '' : softwareAside()}` };
      }
      ({ good: drivers, skipped } = probed);
    }
    // only these drivers from here on: the loader does not load (nor Dawn try) the others
    process.env.VK_ICD_FILENAMES = process.env.VK_DRIVER_FILES = drivers.join(':');
    delete process.env.VK_ADD_DRIVER_FILES;
    process.env.XDG_RUNTIME_DIR = rt.dir;
    return await openDawn(acceptSoftware, { loader: l.loader, drivers, skipped });
  } finally {
    for (const k of ENV_SET) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    rt.done();
  }
}

const ENV_SET = ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES', 'XDG_RUNTIME_DIR'] as const;

async function openDawn(acceptSoftware: boolean, vk: { loader?: string; drivers?: string[]; skipped?: string[] }): Promise<Opened> {
  const linux = process.platform === 'linux';
  let dawn: { create: (flags: string[]) => any; globals: Record<string, unknown> };
  try {
    const spec: string = 'webgpu';
    dawn = await import(spec);
  } catch (e) {
    return { skip: `package webgpu (Dawn) failed to load: ${String(e).split('\n')[0]}` };
  }
  const backendType = linux ? 'vulkan' : process.platform === 'darwin' ? 'metal' : 'd3d12';
  const gpu = dawn.create(linux ? ['backend=vulkan'] : []);
  let adapter: (GpuAdapterLike & object) | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { skip: `Dawn could not enumerate adapters: ${String(e).split('\n')[0]}` };
  }
  if (!adapter) {
    // a worker thread's process.env is its own copy: what open() set never reached the loader
    const thread = linux && !isMainThread ? ' (in a worker thread: the Vulkan environment set here does not reach Dawn; open webgpu on the main thread)' : '';
    return { skip: `Dawn found no usable adapter${vk.drivers ? ` among the Vulkan drivers ${vk.drivers.join(', ')}` : ''}${thread}` };
  }
  const desc = describe(adapter, backendType);
  if (vk.loader) desc.vulkanLoader = vk.loader;
  if (vk.drivers) desc.vulkanDrivers = vk.drivers;
  if (vk.skipped && vk.skipped.length > 0) desc.vulkanDriversSkipped = vk.skipped;
  if (desc.software && !acceptSoftware) return { skip: `only a software adapter (${desc.label}); auto never picks one (--backend webgpu does)` };
  // tfjs-backend-webgpu needs the WebGPU globals (GPUBufferUsage, GPUMapMode, ...) and
  // navigator.gpu; its requestAdapter gets the adapter vetted above.
  Object.assign(globalThis, dawn.globals);
  const nav = {
    requestAdapter: async () => adapter,
    getPreferredCanvasFormat: () => gpu.getPreferredCanvasFormat(),
    get wgslLanguageFeatures() {
      return gpu.wgslLanguageFeatures;
    },
  };
  const g = globalThis as { navigator?: object };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: nav, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu: nav }, configurable: true, writable: true });
  return { adapter: desc };
}
