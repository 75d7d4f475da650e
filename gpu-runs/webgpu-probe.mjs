// Child process of webgpu-adapter.ts (plain JavaScript: it starts without tsx, in ~0.1 s).
// Opens Dawn on the Vulkan drivers named in $VK_ICD_FILENAMES and prints what it finds as one
// JSON line on stdout: { "adapter": {vendor, architecture, device, description, fallback} }
// or { "adapter": null }, or { "error": "..." }.
//
// It runs apart from loracheck so that what Dawn and the Vulkan loader print on stderr while a
// driver is tried (a driver Dawn refuses, a driver with no device, a library that does not
// load) lands in a pipe the parent reads as the reason, not in loracheck's output.
//
// argv[2]: the Vulkan loader the parent loaded ('' for the system's), loaded here the same way
// (RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE) before Dawn dlopens "libvulkan.so.1".
const loader = process.argv[2];
if (loader) {
  try {
    process.dlopen({ exports: {} }, loader, 2 | 256 | 0x1000);
  } catch {
    // "did not self-register": the library is loaded, which is all that is wanted
  }
}
let out;
try {
  const { create } = await import('webgpu');
  const gpu = create(['backend=vulkan']);
  const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  const i = a?.info;
  out = {
    adapter: a
      ? { vendor: i.vendor ?? '', architecture: i.architecture ?? '', device: i.device ?? '', description: i.description ?? '', fallback: Boolean(a.isFallbackAdapter || i.isFallbackAdapter) }
      : null,
  };
} catch (e) {
  out = { error: String(e).split('\n')[0] };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
