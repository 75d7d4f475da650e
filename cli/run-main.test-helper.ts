/**
 * For tests: runs cli/main.ts main(argv) in process and captures what console.log and
 * console.error print (one entry a call).
 */
import { vi } from 'vitest';
import { main } from './main.ts';

export async function runMain(argv: string[]): Promise<{ code: number; err: string[]; out: string[] }> {
  const err: string[] = [];
  const out: string[] = [];
  const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const o = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  try {
    return { code: await main(argv), err, out };
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
}
