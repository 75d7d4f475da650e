/**
 * Benchmark suites by name, each loaded lazily (so one suite's imports do not slow another's)
 * beside what `loracheck bench --help` and results/bench.json say of it: what it times, the
 * peer it is compared with in the same run, the seeds, and how long it takes.
 */
import type { BenchSuite } from './types.ts';

export interface SuiteInfo {
  load: () => Promise<BenchSuite>;
  /** What the suite times, in one line. */
  times: string;
  /** The peer timed in the same run, and which way its ratio reads; or why there is none. */
  peer: string;
  /** The seeds its inputs come from. */
  seed: string;
  /** Rough wall seconds on the 2-core machine the README's numbers come from: full run, --quick (for the ETA). */
  seconds: { full: number; quick: number };
  /** How long, in words (a GPU suite's time on a GPU is not known here). */
  took: string;
}

export const SUITES: Record<string, SuiteInfo> = {
  numeric: {
    load: async () => (await import('./numeric.ts')).suite,
    times: 'exact-rational kernels at n = 2..8, float64 kernels at 16..256, a certified ||E1 M E2|| = ||M||/sqrt 2',
    peer: 'the plain rational field Q (column "x Q"); generic Field path and ml-matrix (columns "x generic", "x ml-matrix"); each ratio is the peer\'s time over ours: above 1 = ours faster',
    seed: 'mulberry32 seeds 1 (exact), 2 (float64), 3 (certified), fixed',
    seconds: { full: 52, quick: 3 },
    took: 'about 50 s (--quick 3 s)',
  },
  'gpu-runs': {
    load: async () => (await import('./gpu-runs.ts')).suite,
    times: 'the trainer: fmnist-logreg N = 60000 r = 8 steps/s and bandwidth share; quadratic 4096 x 4096 r = 16 on every backend; peak RSS; then the webgpu part',
    peer: 'PyTorch CPU from /usr/bin/python3 (bench/peers/torch_lora.py, bench/peers/torch_cuda_lora.py --device cpu), same model, data and per-step scalars; "x PyTorch" = our steps/s over its: above 1 = ours faster',
    seed: 'trainer seed 1 (gpu-runs/rng.ts); PyTorch seed 0',
    seconds: { full: 66, quick: 20 },
    took: 'about 65 s (--quick 20 s), the webgpu counts on SwiftShader included',
  },
  // the GPU part of gpu-runs alone (what gpu-runs/device/run.sh runs on a GPU machine)
  webgpu: {
    load: async () => (await import('./webgpu.ts')).suite,
    times: 'dispatches and read-backs per step (any adapter); on a HARDWARE adapter: quadratic 4096 x 4096 r = 16, 8192 x 8192 r = 32, softmax 60000 x 784 r = 8 steps/s',
    peer: 'PyTorch CUDA eager (and torch.compile) on the same GPU (bench/peers/torch_cuda_lora.py); "x PyTorch eager" = our steps/s over its: above 1 = ours faster; skipped with the reason where python3 has no CUDA',
    seed: 'trainer seed 1, counts seed 2; PyTorch seed 0',
    seconds: { full: 17, quick: 17 },
    took: 'about 17 s here (counts on SwiftShader; the timings skip: no hardware adapter); minutes on a GPU',
  },
  // where one LoRA step's time goes on webgpu: each dispatch alone, overheads, the whole step
  'webgpu-profile': {
    load: async () => (await import('./webgpu-profile.ts')).suite,
    times: "on a HARDWARE adapter: each GPU dispatch of one quadratic LoRA step replayed alone (wall and GPU ms, GB/s), beside the whole step",
    peer: 'none: it says where the step\'s time goes',
    seed: 'trainer seed 1',
    seconds: { full: 1, quick: 1 },
    took: 'about 1 s here (skips: no hardware adapter); minutes on a GPU',
  },
  // the trainer's quadratic step dispatched straight on Dawn (no tfjs per dispatch), checked against the trainer
  'webgpu-direct': {
    load: async () => (await import('./webgpu-direct.ts')).suite,
    times: 'on a HARDWARE adapter: the quadratic step dispatched straight on Dawn (checked record for record against the trainer) vs the trainer, at 4096 x 4096 r = 16',
    peer: 'PyTorch CUDA eager on the same GPU (bench/peers/torch_cuda_lora.py); "x PyTorch eager" = our steps/s over its: above 1 = ours faster',
    seed: 'trainer seed 1; PyTorch seed 0',
    seconds: { full: 1, quick: 1 },
    took: 'about 1 s here (skips: no hardware adapter; LORACHECK_BENCH_GPU_SOFTWARE=1: about 1 min on SwiftShader)',
  },
  // the trainer's softmax-regression step dispatched straight on Dawn, checked against the trainer, with counts
  'webgpu-softmax': {
    load: async () => (await import('./webgpu-softmax.ts')).suite,
    times: 'dispatches, submits, read-backs per softmax step (any adapter); on a HARDWARE adapter: the direct softmax step vs the trainer, full batch and mini-batches, steps/s',
    peer: 'PyTorch CUDA eager on the same GPU, same batches; "x PyTorch eager" = our steps/s over its: above 1 = ours faster',
    seed: 'trainer seed 1; PyTorch seed 0',
    seconds: { full: 19, quick: 19 },
    took: 'about 20 s here (counts on SwiftShader; the timings skip: no hardware adapter)',
  },
  // RAC-LoRA's per-step sketch: drawn on the main thread vs ahead on worker threads (gpu-runs/sketch-draw.ts)
  'rac-sketch': {
    load: async () => (await import('./rac-sketch.ts')).suite,
    times: "RAC-LoRA's per-step sketch at 4096 x 4096 r = 16, drawn ahead on worker threads, ms a step",
    peer: 'the main thread drawing each sketch itself; "x main thread" = its ms over ours: above 1 = ours faster',
    seed: 'gpu-runs/rng.ts seed 1',
    seconds: { full: 3, quick: 1 },
    took: 'about 3 s (--quick 1 s)',
  },
  search: {
    load: async () => (await import('./search.ts')).suite,
    times: 'time to a confirmed, shrunk counterexample (5 seeds); cases/s on 2 workers vs 1; tightness of a short run vs one ten times longer',
    peer: 'hand-written Hypothesis + numpy searches (bench/peers/hypothesis_*.py), same seeds; "ours / peer" = our time over its: below 1 = ours faster',
    seed: 'seeds 1..5 (a); 7.. (b); 1 and 2 (c)',
    seconds: { full: 2100, quick: 160 },
    took: 'about 35 min, most of it the 60 s vs 10 min tightness runs (--quick under 3 min)',
  },
  properties: {
    load: async () => (await import('./properties.ts')).suite,
    times: 'checks per second of every claim in exact, precise and float64',
    peer: 'none: a throughput table',
    seed: 'fast-check seed 1 per cell',
    seconds: { full: 84, quick: 16 },
    took: 'about 85 s (--quick 16 s)',
  },
  traces: {
    load: async () => (await import('./traces.ts')).suite,
    times: 'loracheck verify-trace on a generated 1,000,000-step trace (173 MB, in a temporary folder): wall time, peak RSS, steps/s',
    peer: 'JSON.parse of every line (the floor of any JSON Lines reader); the note gives our verification time over its: lower is better',
    seed: 'none (the trace is generated deterministically)',
    seconds: { full: 11, quick: 3 },
    took: 'about 11 s (--quick 3 s)',
  },
};
