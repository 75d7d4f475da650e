/**
 * The skeleton of every command that produces one result file of rows (`check`, `ablate`,
 * `tighten`, `prove`): the interrupt handler (runtime/interrupt.ts), a worker pool started on
 * demand and always closed, the file rewritten atomically after every row, and the rule that a
 * run never shrinks the file it replaces:
 *
 * - while it runs and when it is interrupted, the file holds the rows done now followed by the
 *   earlier file's rows that were not redone, each marked `fromEarlierRun: true`, and the
 *   document says `interrupted: true` (a run killed outright leaves the same);
 * - a run that finishes replaces the file with its own rows (it redid what it was asked), unless
 *   it produced none: then the earlier rows stay (an empty result never replaces a full one).
 *
 * Printing is the caller's (onRow); this module writes files only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeJSONAtomic } from '../runtime/atomic.ts';
import { withInterrupt, type StopSignal } from '../runtime/interrupt.ts';
import { HANDLER } from './search/search.ts';
import { WorkerPool } from './search/pool.ts';
import type { RowsFileSpec } from './result-files.ts';

/** A row carried over from the file an interrupted run replaced. */
type Carried<R> = R & { fromEarlierRun: true };

interface RowsJobContext<R> {
  /** The worker pool, started on the first call. */
  pool: () => WorkerPool;
  /** Aborted by the first Ctrl-C (or SIGTERM). */
  signal: AbortSignal;
  /** Record a finished row (it replaces the row of the same key done earlier in this run): the
   *  file is rewritten at once. */
  onRow: (row: R) => void;
}

interface RowsJobOptions<R, D> extends RowsFileSpec<R> {
  /** The result file. */
  file: string;
  /** The document around the rows. */
  doc: (rows: R[], interrupted: boolean) => D;
  /** 'always': a finished run keeps the earlier rows it did not redo too (prove.json is a
   *  store of proofs); default: only an interrupted run does. */
  keepEarlier?: 'always' | 'interrupted';
  /** Worker threads of the pool (if the run asks for one). */
  workers?: number;
  /** Called after each row is recorded and written (the CLI prints it). */
  printRow?: (row: R) => void;
  /** A line on stderr at the first Ctrl-C. */
  onFirstSignal?: (s: StopSignal) => void;
  run: (ctx: RowsJobContext<R>) => Promise<{ interrupted: boolean }>;
}

interface RowsJobResult<R, D> {
  interrupted: boolean;
  /** The signal that stopped the run (interrupted). */
  received?: StopSignal;
  /** The rows done now. */
  rows: R[];
  /** The document written last. */
  doc: D;
}

/** The rows of an earlier result file of this kind (none when it is absent or unreadable:
 *  such a file holds no results to keep). */
function earlierRows<R>(file: string, kind: string, rowsField: string): R[] {
  if (!existsSync(file)) return [];
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
    const rows = doc?.kind === kind ? doc[rowsField] : undefined;
    return Array.isArray(rows) ? (rows.filter((r) => r !== null && typeof r === 'object') as R[]) : [];
  } catch {
    return [];
  }
}

/** Rows done now, then the earlier rows not redone (marked as from the earlier run). */
function mergeRows<R>(fresh: readonly R[], earlier: readonly R[], key: (row: R) => string | undefined): (R | Carried<R>)[] {
  const redone = new Set(fresh.map(key));
  return [...fresh, ...earlier.filter((r) => !redone.has(key(r))).map((r) => ({ ...r, fromEarlierRun: true as const }))];
}

export async function rowsJob<R, D>(opts: RowsJobOptions<R, D>): Promise<RowsJobResult<R, D>> {
  const earlier = earlierRows<R>(opts.file, opts.kind, opts.rowsField).filter((r) => opts.key(r) !== undefined);
  const rows: R[] = [];
  const partialDoc = () => opts.doc(mergeRows(rows, earlier, opts.key) as R[], true);
  let pool: WorkerPool | undefined;
  let received: StopSignal | undefined;
  const result = await withInterrupt(
    async (it) => {
      try {
        return await opts.run({
          pool: () => (pool && !pool.closed ? pool : (pool = new WorkerPool({ workers: opts.workers ?? 1, handler: HANDLER }))),
          signal: it.signal,
          onRow: (row) => {
            const k = opts.key(row);
            const at = k === undefined ? -1 : rows.findIndex((r) => opts.key(r) === k);
            if (at >= 0) rows[at] = row;
            else rows.push(row);
            writeJSONAtomic(opts.file, partialDoc());
            opts.printRow?.(row);
          },
        });
      } finally {
        received = it.received;
        await pool?.close();
      }
    },
    {
      onFirst: (s) => opts.onFirstSignal?.(s),
      // the second signal exits at once: what was done is already in the file; write it once more
      onSecond: () => writeJSONAtomic(opts.file, partialDoc()),
    },
  );
  // a run that produced no row replaces nothing
  const keep = opts.keepEarlier === 'always' || rows.length === 0;
  const doc = result.interrupted ? partialDoc() : keep ? opts.doc(mergeRows(rows, earlier, opts.key) as R[], false) : opts.doc(rows, false);
  writeJSONAtomic(opts.file, doc);
  return { interrupted: result.interrupted, ...(received ? { received } : {}), rows, doc };
}
