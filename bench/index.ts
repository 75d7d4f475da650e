/**
 * Benchmark suites by name (one line each; loaded lazily so one suite's imports do not slow
 * another's).
 */
import type { BenchSuite } from './types.ts';

export const SUITES: Record<string, () => Promise<BenchSuite>> = {
  numeric: async () => (await import('./numeric.ts')).suite,
  'gpu-runs': async () => (await import('./gpu-runs.ts')).suite,
  // the GPU part of gpu-runs alone (what gpu-runs/device/run.sh runs on a GPU machine)
  webgpu: async () => (await import('./webgpu.ts')).suite,
  // where one LoRA step's time goes on webgpu: each dispatch alone, overheads, the whole step
  'webgpu-profile': async () => (await import('./webgpu-profile.ts')).suite,
  // the trainer's quadratic step dispatched straight on Dawn (no tfjs per dispatch), checked against the trainer
  'webgpu-direct': async () => (await import('./webgpu-direct.ts')).suite,
  // the trainer's softmax-regression step dispatched straight on Dawn, checked against the trainer, with counts
  'webgpu-softmax': async () => (await import('./webgpu-softmax.ts')).suite,
  // RAC-LoRA's per-step sketch: drawn on the main thread vs ahead on worker threads (gpu-runs/sketch-draw.ts)
  'rac-sketch': async () => (await import('./rac-sketch.ts')).suite,
  search: async () => (await import('./search.ts')).suite,
  properties: async () => (await import('./properties.ts')).suite,
  traces: async () => (await import('./traces.ts')).suite,
};
