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
 *    a CPU-only machine with `chromium` has an adapter. Added drivers go through the loader's
 *    $VK_ADD_DRIVER_FILES, which keeps the system's drivers in the list; with several, Dawn's
 *    high-performance order puts hardware adapters before CPU ones.
 *
 * The adapter Dawn returns is checked once more (its vendor, architecture and description name
 * SwiftShader or llvmpipe on software ones) and then handed to tfjs as navigator.gpu.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

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

let loaderResult: { loader: string } | { skip: string } | undefined;

/** Which Vulkan loader this process uses, or why none (decided once: a loaded library stays). */
function loadVulkanLoader(): { loader: string } | { skip: string } {
  loaderResult ??= findVulkanLoader();
  return loaderResult;
}

function findVulkanLoader(): { loader: string } | { skip: string } {
  const own = process.env.LORACHECK_VULKAN_LOADER;
  if (own) return preload(own) ? { loader: own } : { skip: `LORACHECK_VULKAN_LOADER=${own} could not be loaded` };
  if (preload('libvulkan.so.1')) return { loader: 'libvulkan.so.1 (system)' };
  if (existsSync(CHROMIUM_LOADER) && preload(CHROMIUM_LOADER)) return { loader: CHROMIUM_LOADER };
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

/** The drivers to hand the loader; sets $VK_ADD_DRIVER_FILES for the extra ones. */
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
      skip: `no Vulkan driver (ICD manifest) found in ${where}${acceptSoftware ? `; on a CPU-only machine Debian's chromium provides SwiftShader (${SWIFTSHADER_ICD})` : ''}`,
    };
  }
  if (extra.length > 0) process.env.VK_ADD_DRIVER_FILES = [process.env.VK_ADD_DRIVER_FILES, ...extra].filter(Boolean).join(':');
  return { drivers: usable };
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
  let loader: string | undefined;
  let drivers: string[] | undefined;
  if (linux) {
    const l = loadVulkanLoader();
    if ('skip' in l) return l;
    loader = l.loader;
    const d = chooseDrivers(acceptSoftware);
    if ('skip' in d) return d;
    drivers = d.drivers;
  }
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
  if (!adapter) return { skip: `Dawn found no usable adapter${drivers ? ` among the Vulkan drivers ${drivers.join(', ')}` : ''}` };
  const desc = describe(adapter, backendType);
  if (loader) desc.vulkanLoader = loader;
  if (drivers) desc.vulkanDrivers = drivers;
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
