/**
 * The one interrupt handler: the first SIGINT (Ctrl-C) or SIGTERM asks the work to stop (an
 * AbortSignal, and `onFirst`, e.g. a line saying what will be kept); the second runs `onSecond`
 * (flush what can be flushed) and exits at once with 128 + the signal number, as shells report.
 * Every long command takes its stop request from here; `dispose` removes the listeners.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Exit codes of a run stopped by a signal: 128 + the signal number. */
export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** The exit code of a command its first signal stopped: 130 (SIGINT), 143 (SIGTERM). */
export function stoppedExit(received: StopSignal | undefined): number {
  return SIGNAL_EXIT[received ?? 'SIGINT'];
}

/**
 * Ends the process now as the signal itself would (its default action: no exit handlers, no native
 * destructors), so that a shell reports 128 + its number and a parent sees the signal. A run on
 * WebGPU that exited through process.exit while Dawn still had work in flight crashed in Dawn's
 * teardown (SIGSEGV, seen on SwiftShader in 1 to 3 of 3 tries). Where raising the signal does not
 * end the process (Windows), process.exit follows.
 */
export function endBySignal(signal: StopSignal): void {
  process.removeAllListeners(signal);
  try {
    process.kill(process.pid, signal);
  } catch {
    // no signals here: the exit code below says the same
  }
  setTimeout(() => process.exit(SIGNAL_EXIT[signal]), 1000);
}

export interface Interrupt {
  /** Aborted on the first signal. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: StopSignal | undefined;
  dispose(): void;
}

/** `bySignal`: the second signal ends the process with endBySignal (work in flight on a GPU), not process.exit. */
export function onInterrupt(hooks: { onFirst?(s: StopSignal): void; onSecond?(s: StopSignal): void; bySignal?: boolean } = {}): Interrupt {
  const ac = new AbortController();
  let received: StopSignal | undefined;
  const listeners = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const h = () => {
      if (received) {
        try {
          hooks.onSecond?.(name);
        } finally {
          if (hooks.bySignal) endBySignal(name);
          else process.exit(SIGNAL_EXIT[name]);
        }
        return;
      }
      received = name;
      hooks.onFirst?.(name);
      ac.abort(name);
    };
    process.on(name, h);
    return [name, h] as const;
  });
  return {
    signal: ac.signal,
    get received() {
      return received;
    },
    dispose() {
      for (const [name, h] of listeners) process.off(name, h);
    },
  };
}

/** Runs `fn` with an interrupt handler installed, and removes it afterwards. */
export async function withInterrupt<T>(fn: (it: Interrupt) => Promise<T>, hooks?: Parameters<typeof onInterrupt>[0]): Promise<T> {
  const it = onInterrupt(hooks);
  try {
    return await fn(it);
  } finally {
    it.dispose();
  }
}
