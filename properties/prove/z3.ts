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
    const api = await mod.init();
    em = api.em;
    const Z = api.Context('main') as unknown as Z3Context;
    return { Z, low: api.Z3, loadMs: performance.now() - t0 };
  })();
  return loading;
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
