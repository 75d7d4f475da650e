import { describe, expect, it } from 'vitest';
import { chooseBackend } from '../gpu-runs/backend.ts';
import { quadraticWorkload } from '../gpu-runs/workloads/quadratic.ts';
import { timeWorkload, timedText, type TimingPlan } from './webgpu.ts';

// The GPU suites' one timing function, on the wasm backend (records read back every step, so
// every record is a read-back of its own): the window honours the plan and the run stops there.
describe('timeWorkload: the timing plan', () => {
  it('warms up for the steps and the time asked, times a window at least as long, then stops the run', async () => {
    const backend = await chooseBackend('wasm');
    const make = (rng: import('../gpu-runs/rng.ts').Rng) => quadraticWorkload(backend.tf, 'quadratic', 16, 16, 2, rng);
    const plan: TimingPlan = { warmupSteps: 5, warmupMs: 40, minSteps: 10, minMs: 80, maxSteps: 1_000_000 };
    const t = await timeWorkload(backend, make, 2, plan);
    expect(t.short).toBe(false);
    expect(t.warmupSteps).toBeGreaterThanOrEqual(plan.warmupSteps);
    expect(t.steps).toBeGreaterThanOrEqual(plan.minSteps);
    expect(t.windowMs).toBeGreaterThanOrEqual(plan.minMs);
    // stopped soon after the window: far from the cap (a 16 x 16 step takes well under 1 ms... or 10 ms on a loaded machine)
    expect(t.warmupSteps + t.steps).toBeLessThan(100_000);
    expect(t.msPerStep).toBeCloseTo(t.windowMs / t.steps, 9);
    expect(t.firstQuarter).toBeGreaterThan(0);
    expect(t.lastQuarter).toBeGreaterThan(0);
    expect(t.tensors[0]).toBe(t.tensors[1]);
    expect(timedText(t)).toMatch(new RegExp(`^${t.steps}, [0-9.e-]+ s; `));
  });

  it('says "short" when the step cap ends the window first', async () => {
    const backend = await chooseBackend('wasm');
    const make = (rng: import('../gpu-runs/rng.ts').Rng) => quadraticWorkload(backend.tf, 'quadratic', 16, 16, 2, rng);
    const t = await timeWorkload(backend, make, 2, { warmupSteps: 3, warmupMs: 0, minSteps: 5, minMs: 1e9, maxSteps: 20 });
    expect(t.short).toBe(true);
    // the window runs from the first read-back after the warm-up (t = 3) to the run's last record (t = 20)
    expect(t.warmupSteps).toBe(3);
    expect(t.steps).toBe(17);
    expect(timedText(t)).toMatch(/short: step cap/);
  });

  it('flags a window that was still speeding up', () => {
    const base = { msPerStep: 1, stepsPerSec: 1000, steps: 2000, windowMs: 2000, warmupSteps: 64, readEvery: 32, short: false, J0: 1, Lloss: 1, tensors: [7, 7] as [number, number], gpuBytes: [0, 0] as [number, number] };
    expect(timedText({ ...base, firstQuarter: 800, lastQuarter: 1100 })).toMatch(/RAMPING/);
    expect(timedText({ ...base, firstQuarter: 1000, lastQuarter: 1050 })).not.toMatch(/RAMPING/);
  });
});
