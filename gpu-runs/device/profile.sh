#!/usr/bin/env bash
# A copy of gpu-runs/device/run.sh's set-up (Node, node_modules, the Vulkan loader, the NVIDIA
# ICD, the backends check) that then runs only bench suite webgpu-profile (bench/webgpu-profile.ts):
#   env.txt, nvidia-smi.txt, backends.json   as run.sh
#   profile.txt, profile.json                where one LoRA step's time goes (profile.log: progress)
#   SUMMARY.txt, all.tar.xz                  as run.sh
# Usage (repo root, .device/ carried along):  OUT=/some/dir bash gpu-runs/device/profile.sh
# Knobs: those of run.sh's set-up, and LORACHECK_PROFILE_SIZES=MxR,... (default 4096x16,8192x32),
# LORACHECK_DEVICE_DEADLINE=S (default 560). The set-up below is run.sh's, lines 1-131, unchanged
# but for this header: keep the two in step.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PACK="$ROOT/.device"
OUT="${OUT:-$ROOT/device-out}"
mkdir -p "$OUT"
SUMMARY="$OUT/SUMMARY.txt"
: > "$SUMMARY"
note() { echo "$*" | tee -a "$SUMMARY"; }

# The whole script must end inside one device call (600 s at most): every stage's limit is cut
# to what is left of LORACHECK_DEVICE_DEADLINE seconds (default 560), and a stage with under
# 15 s left is skipped.
DEADLINE="${LORACHECK_DEVICE_DEADLINE:-560}"

# stage NAME LIMIT_S STDOUT loracheck-args...: one loracheck command with its own time limit;
# stdout to the file STDOUT, stderr to $OUT/NAME.log
stage() {
  local name="$1" limit="$2" stdout="$3"
  shift 3
  local left=$((DEADLINE - SECONDS))
  if [ "$left" -lt 15 ]; then
    note "$name: skipped (no time left)"
    return 1
  fi
  [ "$limit" -le "$left" ] || limit=$left
  local t0=$SECONDS
  timeout --kill-after=5 "$limit" "$NODE_BIN" "$ROOT/bin/loracheck.js" "$@" > "$stdout" 2> "$OUT/$name.log"
  local rc=$?
  local what=ok
  [ $rc -eq 0 ] || what="failed (exit $rc$([ $rc -eq 124 ] && echo ', timed out'))"
  note "$name: $what, $((SECONDS - t0)) s"
  return $rc
}

{
  echo "date: $(date -u +%FT%TZ)"; uname -a; cat /etc/os-release 2>/dev/null | head -2
  ldd --version 2>&1 | head -1; nproc; free -g 2>/dev/null | head -2
} > "$OUT/env.txt" 2>&1
command -v nvidia-smi > /dev/null && nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1

# --- Node -------------------------------------------------------------------------------
NODE_BIN=""
if [ "${LORACHECK_DEVICE_FORCE_NODE:-0}" != 1 ] && command -v node > /dev/null && node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2> /dev/null; then
  NODE_BIN="$(command -v node)"
else
  mkdir -p "$PACK/bin"
  [ -x "$PACK/bin/node" ] || { xz -dc "$PACK/node.xz" > "$PACK/bin/node" && chmod +x "$PACK/bin/node"; }
  NODE_BIN="$PACK/bin/node"
fi
export PATH="$(dirname "$NODE_BIN"):$PATH"
note "node: $NODE_BIN $("$NODE_BIN" --version 2>&1)"

# --- node_modules -------------------------------------------------------------------------
if [ ! -d "$ROOT/node_modules/@tensorflow/tfjs-backend-webgpu" ] || [ ! -d "$ROOT/node_modules/webgpu/dist/linux-x64" ]; then
  tar -C "$ROOT" -xJf "$PACK/node_modules.tar.xz" && note "node_modules: unpacked from .device/node_modules.tar.xz"
fi

# --- Vulkan loader and the libraries the NVIDIA ICD loads ------------------------------------
# Unpacked into .device/root (no root needed) and found through LD_LIBRARY_PATH; loracheck
# loads this libvulkan.so.1 itself (LORACHECK_VULKAN_LOADER).
extract_deb() { # dpkg -x, or python3 reading the ar archive where dpkg is missing
  if command -v dpkg > /dev/null; then dpkg -x "$1" "$2"; else
    python3 - "$1" "$2" << 'PY'
import io, lzma, sys, tarfile
data = open(sys.argv[1], 'rb').read()
pos = 8
while pos < len(data):
    name = data[pos:pos + 16].decode().strip().rstrip('/'); size = int(data[pos + 48:pos + 58])
    body = data[pos + 60:pos + 60 + size]; pos += 60 + size + (size & 1)
    if name.startswith('data.tar'):
        mode = 'r:xz' if name.endswith('.xz') else 'r:zst' if name.endswith('.zst') else 'r:*'
        tarfile.open(fileobj=io.BytesIO(body), mode=mode).extractall(sys.argv[2])
PY
  fi
}
if ! ldconfig -p 2> /dev/null | grep -q 'libvulkan\.so\.1'; then
  mkdir -p "$PACK/root"
  for d in "$PACK"/debs/*.deb; do extract_deb "$d" "$PACK/root" || note "could not unpack $(basename "$d")"; done
  LIBDIR="$PACK/root/usr/lib/x86_64-linux-gnu"
  export LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export LORACHECK_VULKAN_LOADER="$LIBDIR/libvulkan.so.1"
  note "vulkan loader: $LORACHECK_VULKAN_LOADER (unpacked from .device/debs)"
else
  note "vulkan loader: the system's libvulkan.so.1"
fi

# --- the NVIDIA driver's Vulkan ICD ---------------------------------------------------------
if [ -n "${LORACHECK_DEVICE_ICD:-}" ]; then
  export VK_ICD_FILENAMES="$LORACHECK_DEVICE_ICD"
elif [ -z "${VK_ICD_FILENAMES:-}" ]; then
  for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/local/share/vulkan/icd.d/nvidia_icd.json; do
    [ -f "$f" ] && { export VK_ICD_FILENAMES="$f"; break; }
  done
fi
note "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-<unset: the loader searches its default places>}"

hardware() { "$NODE_BIN" -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const w = d.backends.find((b) => b.name === "webgpu"); process.exit(w && w.available && !w.adapter.software ? 0 : 1)' "$OUT/backends.json" 2> /dev/null; }

stage backends 60 "$OUT/backends.json" backends --json
if ! hardware && [ -z "${LORACHECK_DEVICE_ICD:-}" ] && [ "$(id -u)" = 0 ]; then
  # the route measured on an H200 image: the Debian packages unpacked into / itself
  note "no hardware adapter with .device/root; unpacking .device/debs into / and trying again"
  for d in "$PACK"/debs/*.deb; do extract_deb "$d" /; done
  unset LORACHECK_VULKAN_LOADER
  stage backends-retry 60 "$OUT/backends.json" backends --json
fi
if hardware; then note "webgpu: hardware adapter"; else note "webgpu: NO hardware adapter (see backends.json, backends.log)"; fi

stage profile 120 "$OUT/profile.txt" bench --suite webgpu-profile --out "$OUT/profile.json"
note "done; results in $OUT"
tar -C "$OUT" --exclude all.tar.xz -cJf "$OUT/all.tar.xz" . 2> /dev/null || true
