#!/usr/bin/env bash
# Packs what a GPU machine WITHOUT Node, npm or network needs to run loracheck's GPU checks
# (gpu-runs/device/run.sh) into .device/ at the repository root (git-ignored; hand it to the
# device tool as a carried path, 64 MiB at most):
#   node.xz               this machine's Node binary (NodeSource builds need only glibc >= 2.28)
#   node_modules.tar.xz   the packages a webgpu run loads (tsx/esbuild for the TypeScript sources,
#                         tfjs, tfjs-backend-webgpu, webgpu with only dist/linux-x64, ...), without
#                         source maps, type declarations, docs and tests
#   debs/                 the Vulkan loader and what the NVIDIA driver's Vulkan ICD loads
#                         (libGLX_nvidia needs libglvnd, libGL/GLX/EGL, libX11, libxcb, ...),
#                         downloaded with apt-get from this machine's Debian archive
#   MANIFEST              sizes, versions and sha256 sums
# Usage: gpu-runs/device/pack.sh   (from anywhere; needs apt-get, xz, tar; run `npm install` first)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/.device"
NODE="$(command -v node)"
DEBS=(libvulkan1 libglvnd0 libgl1 libglx0 libegl1 libgles2 libopengl0 libx11-6 libxext6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0)
# Packages a webgpu train / verify-trace / bench run opens (traced with strace), plus the small
# pure-JS packages loracheck's own modules import.
PKGS=(tsx esbuild @esbuild/linux-x64
  @tensorflow/tfjs @tensorflow/tfjs-core @tensorflow/tfjs-backend-cpu @tensorflow/tfjs-backend-webgpu
  @tensorflow/tfjs-backend-wasm @tensorflow/tfjs-layers @tensorflow/tfjs-data @tensorflow/tfjs-converter
  @tensorflow/tfjs-backend-webgl long seedrandom webgpu
  decimal.js fast-check pure-rand ml-matrix is-any-array ml-array-rescale ml-array-max ml-array-min katex
  # what the main job (loracheck verify, run.sh's LORACHECK_DEVICE_ONLY=verify) adds: the SMT
  # solver, mathjs for the loss expressions, the embedded penguins data
  z3-solver async-mutex tslib mathjs @babel/runtime complex.js fraction.js typed-function escape-latex
  javascript-natural-sort tiny-emitter vega-datasets)

[ -d "$ROOT/node_modules/@tensorflow/tfjs-backend-webgpu" ] || { echo "pack.sh: run npm install first" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT/debs"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "node: $NODE ($("$NODE" --version))"
xz -6 -T0 -c "$NODE" > "$OUT/node.xz"

echo "node_modules: ${#PKGS[@]} packages"
for p in "${PKGS[@]}"; do
  src="$ROOT/node_modules/$p"
  [ -d "$src" ] || { echo "pack.sh: node_modules/$p is missing" >&2; exit 2; }
  mkdir -p "$tmp/node_modules/$(dirname "$p")"
  cp -a "$src" "$tmp/node_modules/$p"
done
nm="$tmp/node_modules"
# tfjs packages run from their Node bundles: keep dist/*.node.js and the wasm binaries only
for d in "$nm"/@tensorflow/*/; do
  find "$d" -mindepth 1 -maxdepth 1 ! -name dist ! -name package.json -exec rm -rf {} +
  find "$d/dist" -mindepth 1 \( -type d -o \( -type f ! -name '*.node.js' ! -name '*.wasm' \) \) -prune -exec rm -rf {} +
done
find "$nm/webgpu/dist" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
rm -rf "$nm/webgpu/build" "$nm/katex/fonts" "$nm/katex/contrib" "$nm/katex/src"
# z3-solver: the Node build only; mathjs: its ES modules only (what tsx imports); vega-datasets:
# the penguins data only (gpu-runs/data/penguins.ts)
rm -rf "$nm/z3-solver/build/browser.js" "$nm/mathjs/lib/browser" "$nm/mathjs/lib/cjs" "$nm/mathjs/types" "$nm/mathjs/bin"
find "$nm/vega-datasets/data" -mindepth 1 ! -name penguins.json -exec rm -rf {} +
rm -rf "$nm/vega-datasets/src"
find "$nm" \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -iname '*.md' -o -name 'LICENSE*' -o -name test -o -name tests -o -name __tests__ \) -prune -exec rm -rf {} +
tar -C "$tmp" -cf - node_modules | xz -6 -T0 > "$OUT/node_modules.tar.xz"

echo "debs: ${DEBS[*]}"

( cd "$OUT/debs" && apt-get -qq download "${DEBS[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true )
[ "$(ls "$OUT/debs" | wc -l)" -eq "${#DEBS[@]}" ] || { echo "pack.sh: apt-get download got $(ls "$OUT/debs" | wc -l) of ${#DEBS[@]} packages" >&2; exit 1; }

{
  echo "packed $(date -u +%FT%TZ) on $(uname -m), $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "node $("$NODE" --version); packages: ${PKGS[*]}"
  (cd "$OUT" && find . -type f ! -name MANIFEST | sort | xargs sha256sum)
  echo "total bytes: $(du -sb "$OUT" | cut -f1)"
} > "$OUT/MANIFEST"
du -ah "$OUT" | sort -h | tail -5
echo "carry size: $(du -sb "$OUT" | cut -f1) bytes ($(du -sh "$OUT" | cut -f1)); the device tool carries at most 64 MiB"
