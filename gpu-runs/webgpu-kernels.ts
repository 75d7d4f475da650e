/**
 * Custom WebGPU kernels through tfjs' kernel registry (the route tfjs gives for new ops): a
 * kernel builds a program in the shape tfjs-backend-webgpu compiles (its webgpu_program.ts
 * writes the bindings, the `uniforms` struct and `_start`, and calls our `main`), and the
 * backend's runWebGPUProgram dispatches it. Used by step-webgpu.ts and the workloads' kernels.
 */
import type { TF } from './backend.ts';

/** LORACHECK_WEBGPU_KERNELS=0 turns the custom kernels off (the plain tfjs-op path runs on
 *  webgpu too): the bench times both, the tests compare both. */
export function customKernelsEnabled(): boolean {
  return process.env.LORACHECK_WEBGPU_KERNELS !== '0';
}

export interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

export type Uniform = { type: 'int32' | 'float32'; data: number[] };

/** What tfjs-backend-webgpu needs of a program. Input buffers are named after variableNames,
 *  the output is `result`; a flat dispatchLayout ({x: all dims}) calls `main(index)`. */
export interface WebGPUProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size?: boolean;
  uniforms?: string;
  getUserCode(): string;
}

interface WebGPUBackendLike {
  runWebGPUProgram(program: WebGPUProgram, inputs: TensorInfoLike[], dtype: string, uniforms?: Uniform[]): TensorInfoLike;
}

/** Registers kernel `name` for the webgpu backend (once per process). */
export function registerWebgpuKernel(
  tf: TF,
  name: string,
  build: (inputs: Record<string, TensorInfoLike>, attrs: Record<string, unknown>) => { program: WebGPUProgram; inputs: TensorInfoLike[]; uniforms?: Uniform[] },
): void {
  if (tf.getKernel(name, 'webgpu')) return;
  tf.registerKernel({
    kernelName: name,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = build(inputs as unknown as Record<string, TensorInfoLike>, attrs as unknown as Record<string, unknown>);
      return (backend as unknown as WebGPUBackendLike).runWebGPUProgram(b.program, b.inputs, 'float32', b.uniforms) as never;
    },
  });
}
