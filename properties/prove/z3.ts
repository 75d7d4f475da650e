/**
 * Loading z3-solver (the official WebAssembly build) once, lazily: `import('z3-solver')` runs
 * only when a proof is asked for, so no other command pays for the 35 MB module.
 */
import type { Z3Context } from '../../numeric/z3-field.ts';

export interface Z3 {
  Z: Z3Context;
  /** The low-level API (algebraic numbers). */
  low: any;
  /** Milliseconds the first load took. */
  loadMs: number;
}

let loading: Promise<Z3> | undefined;
let em: unknown;

export function loadZ3(): Promise<Z3> {
  loading ??= (async () => {
    const t0 = performance.now();
    const mod = await import('z3-solver');
    const api = await mod.init({ printErr: z3Stderr });
    em = api.em;
    const Z = api.Context('main') as unknown as Z3Context;
    return { Z, low: api.Z3, loadMs: performance.now() - t0 };
  })();
  return loading;
}

/**
 * Where the WebAssembly build's stderr goes. A solver thread that finishes while releaseZ3
 * terminates it (a query stopped at its time budget) posts one last message, which the build
 * reports as `received "cleanupThread" command from terminated worker: N`: noise on the user's
 * terminal after a search or proof, not a fault. Everything else passes through.
 */
export function z3Stderr(text: string): void {
  if (/^received "\w+" command from terminated worker: \d+$/.test(text)) return;
  process.stderr.write(`${text}\n`);
}

/** Ends Z3's worker threads so that the process can exit (a later loadZ3 starts afresh). */
export async function releaseZ3(): Promise<void> {
  if (!loading) return;
  await loading.catch(() => undefined);
  const { killThreads } = await import('z3-solver');
  if (em) await killThreads(em);
  loading = undefined;
  em = undefined;
}
