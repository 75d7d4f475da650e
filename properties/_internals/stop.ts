/**
 * A fast-check plugin that interrupts a run (search or shrinking) at a deadline or when an
 * external flag says stop (Ctrl-C, a worker's shared flag). An interrupted shrink keeps the
 * smallest failing value found so far, so a stopped search still returns its witness.
 */
import fc from 'fast-check';

export interface StopCondition {
  /** performance.now() deadline in ms, or undefined for none. */
  deadline?: number;
  shouldStop?: () => boolean;
}

function stopped(c: StopCondition): boolean {
  return (c.deadline !== undefined && performance.now() >= c.deadline) || (c.shouldStop?.() ?? false);
}

export function stopPlugin(c: StopCondition): fc.Plugin<unknown> {
  return () => ({
    decorateRun: (nestedRun) => (value) => (stopped(c) ? new fc.PreconditionFailure(true) : nestedRun(value)),
  });
}
