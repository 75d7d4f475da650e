/**
 * The suite's tables; its check (checkSoftmax: the direct records against the trainer's, every eta
 * against (8)) runs on SwiftShader in gpu-runs/direct-softmax.test.ts, beside the trainer's tests
 * at the same size, so that the shaders compile once.
 */
import { describe, expect, it } from 'vitest';
import { softmaxTables } from './webgpu-softmax.ts';

describe('webgpu-softmax tables', () => {
  it('prints a skip as one table with the reason', () => {
    const t = softmaxTables({ skipped: 'no WebGPU adapter (x)' });
    expect(t).toHaveLength(1);
    expect(t[0]!.skipped).toEqual(['no WebGPU adapter (x)']);
    expect(t[0]!.notes).toEqual(['no GPU was available to measure the webgpu / PyTorch ratio']);
  });
});
