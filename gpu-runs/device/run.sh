#!/usr/bin/env bash
# One call on a GPU machine that has no Node, no npm, no network and maybe no Vulkan loader:
# unpacks what gpu-runs/device/pack.sh put in .device/, points Vulkan at the NVIDIA driver,
# and runs loracheck's GPU checks, writing everything under $OUT:
#   env.txt, nvidia-smi.txt     what machine this was
#   backends.json               the adapter Dawn sees (must be a hardware one)
#   quadratic-<size>.jsonl      a rule-(8) trace at LLM-layer size, and verify-trace's verdicts
#   bench.txt, bench.json       bench suite webgpu: loracheck webgpu vs PyTorch CUDA on this GPU
#                               (bench.log: its progress lines, kept if it runs out of time)
#   quadratic-<size>-{rac,full}.jsonl  RAC-LoRA and full GD at the same size and seed, verified
#   quadratic-8192-r64.jsonl    8192 x 8192, r = 64: runs without running out of memory, verifies
#   SUMMARY.txt                 one line per stage: ok / failed / skipped, seconds
#   HEADLINE.txt                the tables that compare with PyTorch (also printed last on stdout)
#   profile.txt, profile.json   where one step's time goes, dispatch by dispatch (last stage)
#   all.tar.xz                  all of the above in one archive
# Each stage has its own time limit, so one that hangs cannot eat the others' time.
# Usage (repo root, .device/ carried along):  OUT=/some/dir bash gpu-runs/device/run.sh
# Knobs for a local rehearsal on a CPU machine (SwiftShader standing in for the GPU):
#   LORACHECK_DEVICE_ICD=<icd.json>  the Vulkan driver to use (default: the NVIDIA ICD found)
#   LORACHECK_DEVICE_SIZE=N, _STEPS=T quadratic size and steps of the trace stage (4096, 300)
#   LORACHECK_DEVICE_LONG_STEPS=T    steps of settle's LoRA and cola traces (2000 and 1000)
#   LORACHECK_DEVICE_BIG=0           skip the 8192 x 8192, r = 64 stage
#   LORACHECK_DEVICE_METHODS=0       skip the rac and full stages
#   LORACHECK_DEVICE_ONLY=profile    after the set-up, run only the profile stage (also: bench, direct)
#   LORACHECK_DEVICE_ONLY=direct     after the set-up, run only the direct-Dawn stage (direct.txt, direct.json)
#   LORACHECK_DEVICE_ONLY=softmax    after the set-up, run only the softmax-regression stage (softmax.txt, softmax.json)
#   LORACHECK_DEVICE_ONLY=settle     after the set-up, the timing stages only: bench webgpu, webgpu-direct and
#                                    webgpu-softmax (every row on one timing plan), then a 2000-step LoRA trace
#                                    at 4096 (with dJ), a cola and a rac trace and 8192 x 8192 r = 64 (with dJ), each verified, and the
#                                    rac-sketch bench (about 4-5 min)
#   LORACHECK_DEVICE_ONLY=next       after the set-up, torch, verify, tune and settle in turn (folders torch/, verify/, tune/, settle/
#                                    under $OUT), within the one deadline: what the next GPU session runs
#   LORACHECK_DEVICE_ONLY=tune       after the set-up, train's step rate on the direct path for each setting of the
#                                    quadratic kernels' knobs (LORACHECK_DEVICE_TUNE_CONFIGS "ROWSxCOLS[xSHARED] ...",
#                                    _SIZES "MxR ...", _STEPS), one line each in HEADLINE.txt
#   LORACHECK_DEVICE_ONLY=torch      after the set-up, PyTorch's own LoRA loop writing traces (torch_quadratic_trace.py)
#                                    at SIZE x SIZE r = 16 and 2 SIZE r = 64, STEPS steps, each verified by verify-trace
#                                    (LORACHECK_DEVICE_PYTHON: the python3 with torch; default python3)
#   LORACHECK_DEVICE_ONLY=verify     after the set-up, the main job as a user runs it: loracheck verify --quick,
#                                    which adds its at-scale runs where it finds the GPU (report.html, verify/);
#                                    LORACHECK_DEVICE_VERIFY_ARGS adds flags (rehearsal: "--at-scale on --scale-size 64")
#   LORACHECK_DEVICE_FORCE_NODE=1    use the packed Node even where one is installed
#   LORACHECK_BENCH_GPU_SOFTWARE=1   (passed through) let the bench time a software adapter
#   LORACHECK_DEVICE_DEADLINE=S      seconds the whole script may take (default 560)
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

# the tables that compare with PyTorch, title line included, as one file and on stdout (a device
# tool shows the end of stdout first): the numbers a GPU session is for. The ratio column may end
# the header line (webgpu-direct's does: its table was missing from HEADLINE.txt before)
headline() {
  for f in bench.txt direct.txt softmax.txt; do
    [ -s "$OUT/$f" ] && awk -v f="$f" 'prev != "" && /x PyTorch eager( |$)/ && !/^  note:/ { p = 1; print "== " f ": " prev } p && (/^$/ || /^  note:/) { p = 0 } p { print } { prev = $0 }' "$OUT/$f"
  done
  # RAC-LoRA at scale: the trace's rate and where its sketches came from, and the host side alone
  for f in "$OUT"/train-*-rac.txt; do [ -s "$f" ] && { echo "== $(basename "$f")"; grep -E '^(done|sketches):' "$f"; }; done
  [ -s "$OUT/rac-sketch.txt" ] && awk '/^RAC-LoRA sketch/ { p = 1; print "== rac-sketch.txt: " $0; next } p && (/^$/ || /^  note:/) { p = 0 } p { print }' "$OUT/rac-sketch.txt"
}
finish() {
  headline > "$OUT/HEADLINE.txt" 2> /dev/null || true
  [ -s "$OUT/HEADLINE.txt" ] && cat "$OUT/HEADLINE.txt"
  note "done; results in $OUT"
  # everything again as one archive (a device tool may hand back only a few files: all.tar.xz sorts first)
  tar -C "$OUT" --exclude all.tar.xz -cJf "$OUT/all.tar.xz" . 2> /dev/null || true
}
# where one LoRA step's time goes, dispatch by dispatch (bench/webgpu-profile.ts)
profile() { stage profile 120 "$OUT/profile.txt" bench --suite webgpu-profile --out "$OUT/profile.json"; }
if [ "${LORACHECK_DEVICE_ONLY:-}" = profile ]; then
  profile
  finish
  exit 0
fi
# the trainer's step dispatched straight on Dawn, checked against the trainer (bench/webgpu-direct.ts)
if [ "${LORACHECK_DEVICE_ONLY:-}" = bench ]; then
  stage bench 300 "$OUT/bench.txt" bench --suite webgpu --out "$OUT/bench.json"
  finish
  exit 0
fi
if [ "${LORACHECK_DEVICE_ONLY:-}" = direct ]; then
  stage direct 180 "$OUT/direct.txt" bench --suite webgpu-direct --out "$OUT/direct.json"
  finish
  exit 0
fi
# softmax regression 60000 x 784, r = 8: direct vs the tfjs trainer vs PyTorch eager (bench/webgpu-softmax.ts)
if [ "${LORACHECK_DEVICE_ONLY:-}" = softmax ]; then
  stage softmax 240 "$OUT/softmax.txt" bench --suite webgpu-softmax --out "$OUT/softmax.json"
  finish
  exit 0
fi
# the main job (cli/commands/verify.ts) on this machine: its at-scale runs come in where auto finds the GPU
if [ "${LORACHECK_DEVICE_ONLY:-}" = verify ]; then
  stage verify 400 "$OUT/verify.txt" verify --quick --results "$OUT/verify" --out "$OUT/report.html" ${LORACHECK_DEVICE_VERIFY_ARGS:-}
  xz -f "$OUT"/verify/traces/*.jsonl 2> /dev/null
  finish
  exit 0
fi
SIZE="${LORACHECK_DEVICE_SIZE:-4096}"
STEPS="${LORACHECK_DEVICE_STEPS:-300}"
# the next GPU session's one call: PyTorch's traces with dJ, the main job (its at-scale LoRA traces
# with dJ), then the timing stages, each in its own folder under $OUT with its own share of the
# deadline; HEADLINE.txt gathers their headlines and every L34 verdict
if [ "${LORACHECK_DEVICE_ONLY:-}" = next ]; then
  for mode in torch verify tune settle; do
    left=$((DEADLINE - SECONDS))
    if [ "$left" -lt 60 ]; then note "$mode: skipped (no time left)"; continue; fi
    case $mode in torch) lim=100 ;; verify) lim=200 ;; tune) lim=110 ;; *) lim=$left ;; esac
    [ "$lim" -le "$left" ] || lim=$left
    mkdir -p "$OUT/$mode"
    t0=$SECONDS
    # tune: the register and workgroup-memory variants of the row kernel at the sizes below PyTorch
    LORACHECK_DEVICE_TUNE_SIZES="${LORACHECK_DEVICE_TUNE_SIZES:-8192x32 8192x64 4096x16}" LORACHECK_DEVICE_TUNE_CONFIGS="${LORACHECK_DEVICE_TUNE_CONFIGS:-1x1 2x2 1x2x2 1x2x4 1x1x4}" \
      LORACHECK_DEVICE_ONLY=$mode LORACHECK_DEVICE_DEADLINE=$lim OUT="$OUT/$mode" bash "$0" > "$OUT/$mode.out" 2>&1
    note "$mode: exit $?, $((SECONDS - t0)) s (its stages: $mode/SUMMARY.txt)"
  done
  {
    for mode in torch verify tune settle; do [ -s "$OUT/$mode/HEADLINE.txt" ] && { echo "=== $mode"; cat "$OUT/$mode/HEADLINE.txt"; }; done
    echo "=== every L34 verdict"; grep -h -E "^/.*jsonl:|^  L34 " "$OUT"/torch/verify-*.txt "$OUT"/verify/verify.txt "$OUT"/settle/verify-*.txt 2> /dev/null | cut -c1-260
  } > "$OUT/HEADLINE.txt"
  cat "$OUT/HEADLINE.txt"
  note "done; results in $OUT"
  tar -C "$OUT" --exclude all.tar.xz -cJf "$OUT/all.tar.xz" . 2> /dev/null || true
  exit 0
fi
# the quadratic kernels' tuning knobs (workloads/quadratic-webgpu.ts: rows a workgroup of the row
# kernel, columns a thread of the column partials), each setting timed by train on the direct path
# (its step loop's wall rate over LORACHECK_DEVICE_TUNE_STEPS steps) at each size MxR
if [ "${LORACHECK_DEVICE_ONLY:-}" = tune ]; then
  TSTEPS="${LORACHECK_DEVICE_TUNE_STEPS:-1000}"
  for size in ${LORACHECK_DEVICE_TUNE_SIZES:-8192x32 4096x16 8192x64}; do
    for cfg in ${LORACHECK_DEVICE_TUNE_CONFIGS:-1x1 2x1 4x1 8x1 1x2 1x4 2x2 4x2 4x4}; do
      # ROWSxCOLS, or ROWSxCOLSxSHARED (rows a workgroup with A's tiles in workgroup memory)
      rows=${cfg%%x*}; rest=${cfg#*x}; cols=${rest%%x*}; shared=0
      [ "$rest" != "$cols" ] && shared=${rest#*x}
      m=${size%x*}; r=${size#*x}
      LORACHECK_ROWSTEP_ROWS=$rows LORACHECK_COLPART_COLS=$cols LORACHECK_ROWSTEP_SHARED=$shared stage "tune-$size-$cfg" 40 "$OUT/tune-$size-$cfg.txt" train --backend webgpu --workload quadratic --size "${m}x$m" --rank "$r" --steps "$TSTEPS" --seed 1 --out "$OUT/tune.jsonl" --quiet
      echo "$size rows $rows cols $cols shared $shared: $(grep -h '^done:' "$OUT/tune-$size-$cfg.txt" | sed 's/; last J.*//')" | tee -a "$OUT/HEADLINE.txt"
    done
  done
  rm -f "$OUT/tune.jsonl"
  note "done; results in $OUT"
  tar -C "$OUT" --exclude all.tar.xz -cJf "$OUT/all.tar.xz" . 2> /dev/null || true
  exit 0
fi
# traces written by PyTorch itself (gpu-runs/examples/torch_quadratic_trace.py, CUDA where python3 has it),
# at SIZE (r = 16) and 2 SIZE (r = 64), each verified by loracheck
if [ "${LORACHECK_DEVICE_ONLY:-}" = torch ]; then
  PY="${LORACHECK_DEVICE_PYTHON:-python3}"
  for spec in "$SIZE 16 $STEPS" "$((2 * SIZE)) 64 $STEPS"; do
    set -- $spec
    name="torch-$1-r$2"
    left=$((DEADLINE - SECONDS))
    [ "$left" -ge 15 ] || { note "$name: skipped (no time left)"; continue; }
    t0=$SECONDS
    if timeout --kill-after=5 "$((left < 120 ? left : 120))" "$PY" "$ROOT/gpu-runs/examples/torch_quadratic_trace.py" "$OUT/$name.jsonl" --size "$1" --rank "$2" --steps "$3" > "$OUT/$name.txt" 2> "$OUT/$name.log"; then
      note "$name: ok, $((SECONDS - t0)) s"
      stage "verify-$name" 60 "$OUT/verify-$name.txt" verify-trace "$OUT/$name.jsonl" --results "$OUT/results-$name"
    else
      note "$name: failed (exit $?), $((SECONDS - t0)) s"
    fi
  done
  for f in "$OUT"/torch-*.txt "$OUT"/verify-torch-*.txt; do [ -s "$f" ] && { echo "== $(basename "$f")"; cat "$f"; }; done > "$OUT/HEADLINE.txt"
  xz -f "$OUT"/*.jsonl 2> /dev/null
  cat "$OUT/HEADLINE.txt"
  note "done; results in $OUT"
  tar -C "$OUT" --exclude all.tar.xz -cJf "$OUT/all.tar.xz" . 2> /dev/null || true
  exit 0
fi
# the softmax step's own suite (bench/webgpu-softmax.ts)
softmax_suite() { stage softmax 150 "$OUT/softmax.txt" bench --suite webgpu-softmax --out "$OUT/softmax.json"; }
if [ "${LORACHECK_DEVICE_ONLY:-}" = settle ]; then
  stage bench 200 "$OUT/bench.txt" bench --suite webgpu --out "$OUT/bench.json"
  stage direct 120 "$OUT/direct.txt" bench --suite webgpu-direct --out "$OUT/direct.json"
  softmax_suite
  stage "train-$SIZE-2000" 60 "$OUT/train-$SIZE-2000.txt" train --backend webgpu --workload quadratic --size "${SIZE}x$SIZE" --rank 16 --steps "${LORACHECK_DEVICE_LONG_STEPS:-2000}" --seed 1 --decrease --quiet --out "$OUT/quadratic-$SIZE-2000.jsonl" &&
    stage "verify-$SIZE-2000" 40 "$OUT/verify-$SIZE-2000.txt" verify-trace "$OUT/quadratic-$SIZE-2000.jsonl" --results "$OUT/results-2000"
  stage "train-$SIZE-cola" 60 "$OUT/train-$SIZE-cola.txt" train --backend webgpu --workload quadratic --method cola --size "${SIZE}x$SIZE" --rank 16 --steps "${LORACHECK_DEVICE_LONG_STEPS:-1000}" --seed 1 --quiet --out "$OUT/quadratic-$SIZE-cola.jsonl" &&
    stage "verify-$SIZE-cola" 40 "$OUT/verify-$SIZE-cola.txt" verify-trace "$OUT/quadratic-$SIZE-cola.jsonl" --results "$OUT/results-cola"
  # RAC-LoRA at 4096: its sketches now drawn ahead on worker threads (was 114 steps/s, host-bound),
  # and the host side alone (bench rac-sketch: main thread vs 1, 2, 4 threads on this machine's cores)
  stage "train-$SIZE-rac" 60 "$OUT/train-$SIZE-rac.txt" train --backend webgpu --workload quadratic --method rac --size "${SIZE}x$SIZE" --rank 16 --steps 1000 --seed 1 --out "$OUT/quadratic-$SIZE-rac.jsonl" &&
    stage "verify-$SIZE-rac" 40 "$OUT/verify-$SIZE-rac.txt" verify-trace "$OUT/quadratic-$SIZE-rac.jsonl" --results "$OUT/results-rac"
  stage rac-sketch 60 "$OUT/rac-sketch.txt" bench --suite rac-sketch --out "$OUT/rac-sketch.json"
  # r = 64 at 8192 now takes the direct path (the row kernel reduces in rounds): was 107 steps/s through tfjs
  [ "${LORACHECK_DEVICE_BIG:-1}" = 1 ] && stage train-8192-r64 90 "$OUT/train-8192-r64.txt" train --backend webgpu --workload quadratic --size 8192x8192 --rank 64 --steps 300 --seed 2 --decrease --quiet --out "$OUT/quadratic-8192-r64.jsonl" &&
    stage verify-8192-r64 30 "$OUT/verify-8192-r64.txt" verify-trace "$OUT/quadratic-8192-r64.jsonl" --results "$OUT/results-8192"
  xz -f "$OUT"/*.jsonl 2> /dev/null
  finish
  exit 0
fi

# --- the checks, most important first ---------------------------------------------------------
TRACE="$OUT/quadratic-$SIZE.jsonl"
if ! stage "train-$SIZE" 90 "$OUT/train-$SIZE.txt" train --backend webgpu --workload quadratic --size "${SIZE}x$SIZE" --rank 16 --steps "$STEPS" --seed 1 --quiet --out "$TRACE"; then
  # the same with loracheck's custom kernels off (tfjs ops only, eta on the host)
  TRACE="$OUT/quadratic-$SIZE-plain.jsonl"
  LORACHECK_WEBGPU_KERNELS=0 stage "train-$SIZE-plain" 90 "$OUT/train-$SIZE-plain.txt" train --backend webgpu --workload quadratic --size "${SIZE}x$SIZE" --rank 16 --steps "$STEPS" --seed 1 --quiet --out "$TRACE"
fi
[ -s "$TRACE" ] && stage "verify-$SIZE" 40 "$OUT/verify-$SIZE.txt" verify-trace "$TRACE" --results "$OUT/results"
# the bench's progress lines (bench.log) survive a timeout; its tables come at the end
stage bench 300 "$OUT/bench.txt" bench --suite webgpu --out "$OUT/bench.json"
stage direct 120 "$OUT/direct.txt" bench --suite webgpu-direct --out "$OUT/direct.json"
softmax_suite
# the other methods at the same size and seed (issue 12): RAC-LoRA and full fine-tuning reach
# below LoRA's rank-r bound, LoRA cannot; verify-trace says which claims bind each method
if [ "${LORACHECK_DEVICE_METHODS:-1}" = 1 ]; then
  for m in rac full; do
    stage "train-$SIZE-$m" 45 "$OUT/train-$SIZE-$m.txt" train --backend webgpu --workload quadratic --method "$m" --size "${SIZE}x$SIZE" --rank 16 --steps "$STEPS" --seed 1 --quiet --out "$OUT/quadratic-$SIZE-$m.jsonl" &&
      stage "verify-$SIZE-$m" 30 "$OUT/verify-$SIZE-$m.txt" verify-trace "$OUT/quadratic-$SIZE-$m.jsonl" --results "$OUT/results-$m"
  done
fi
if [ "${LORACHECK_DEVICE_BIG:-1}" = 1 ]; then
  stage train-8192-r64 90 "$OUT/train-8192-r64.txt" train --backend webgpu --workload quadratic --size 8192x8192 --rank 64 --steps 100 --seed 2 --quiet --out "$OUT/quadratic-8192-r64.jsonl" &&
    stage verify-8192-r64 30 "$OUT/verify-8192-r64.txt" verify-trace "$OUT/quadratic-8192-r64.jsonl" --results "$OUT/results-8192"
fi
profile
finish
