/**
 * The records of a run, as both trainers (trainer.ts, methods.ts) write them. A step leaves its
 * record on the device as packed float32 per-row partials (`pending`); a read-back downloads all
 * pending records at once, and each is unpacked to a step record (host float64 sums), checked,
 * written and shown, then shouldStop (Ctrl-C) is polled, so that a stop ends the run after the
 * record of W_t: the summary's steps is the last t written, and work the device ran ahead of it
 * is dropped. A non-finite record ends the run with a divergence record; a device eta above the
 * rule (deviceEtaAboveRule) ends it with an error after the records, before the summary.
 */
import type { Tensor1D } from '@tensorflow/tfjs';
import type { Backend } from './backend.ts';
import { etaAboveRuleError, nonFinite, type TrainHooks } from './train-common.ts';
import type { DivergenceRecord, StepRecord, SummaryRecord, TraceSink } from './trace.ts';

/** A step's record still on the device: the packed partials, and rows read back with them. */
export interface PendingRecord {
  t: number;
  packed: Tensor1D;
  extra?: Tensor1D;
  /** eta came from the record kernel (step-webgpu.ts): checked against the rule on arrival. */
  etaOnDevice: boolean;
}

interface RecordStreamOptions<P extends PendingRecord> {
  tf: Backend['tf'];
  sink: TraceSink;
  hooks: TrainHooks;
  /** T: no stop is polled after the final record. */
  steps: number;
  /** One record from a download: the float64 sums of its partials from `at` on, and its eta. */
  unpack(vals: Float32Array, at: number, p: P, time_ms: number): StepRecord;
  /** Why a device eta exceeds the rule on the recorded scalars (deviceEtaAboveRule), else undefined. */
  etaAboveRule(rec: StepRecord): string | undefined;
  /** Read back once this many records wait, or once this long (ms) has passed since the last read. */
  readEvery: number;
  readAfterMs: number;
  /** Hold each record taken until release() (train --decrease on the host-eta path: the record of
   *  V_t gets dJ after the update to V_{t+1}); a record still held is written before the next one,
   *  a divergence record or the summary. */
  hold?: boolean;
}

export class RecordStream<P extends PendingRecord> {
  last?: StepRecord;
  divergence?: DivergenceRecord;
  interrupted = false;
  private etaAbove?: string;
  private held?: StepRecord;
  private readonly pending: P[] = [];
  private readonly t0 = performance.now();
  private lastRead = performance.now();

  constructor(private readonly o: RecordStreamOptions<P>) {}

  /** The run ends here: it diverged, or a stop was seen. */
  get ended(): boolean {
    return this.divergence !== undefined || this.interrupted;
  }

  /** Polls shouldStop (Ctrl-C) and, if asked, ends the run here: no further update. */
  stopAsked(): boolean {
    if (this.stopRequested()) this.interrupted = true;
    return this.interrupted;
  }

  /** Polls shouldStop without ending the run (the direct path queues no further batch). */
  stopRequested(): boolean {
    return Boolean(this.o.hooks.shouldStop?.());
  }

  /** ms since the run started (a record's time_ms). */
  elapsed(): number {
    return performance.now() - this.t0;
  }

  /** ms since the last read-back, and the clock restarts (the direct path sizes its batches by it). */
  markRead(): number {
    const took = performance.now() - this.lastRead;
    this.lastRead = performance.now();
    return took;
  }

  push(p: P): void {
    this.pending.push(p);
  }

  /** Whether the waiting records are due: the final step's, readEvery of them, or readAfterMs passed. */
  due(final: boolean): boolean {
    return final || this.pending.length >= this.o.readEvery || performance.now() - this.lastRead > this.o.readAfterMs;
  }

  /** Reads the pending records back (one download) and writes them; false when the run ends here. */
  async readBack(): Promise<boolean> {
    const { tf } = this.o;
    if (this.pending.length === 0) return true;
    const parts = this.pending.flatMap((p) => (p.extra ? [p.packed, p.extra] : [p.packed]));
    const all = parts.length === 1 ? parts[0]! : (tf.concat(parts) as Tensor1D);
    const vals = (await all.data()) as Float32Array;
    const time_ms = this.elapsed();
    this.lastRead = performance.now();
    if (all !== parts[0]) all.dispose();
    const batch = this.pending.splice(0, this.pending.length);
    disposeRecords(batch);
    let off = 0;
    for (const p of batch) {
      const at = off;
      off += p.packed.shape[0] + (p.extra?.shape[0] ?? 0);
      if (!this.ended) this.take(this.o.unpack(vals, at, p, time_ms), p.etaOnDevice);
    }
    return !this.ended;
  }

  /**
   * One record as it arrives: a non-finite field ends the run (a divergence record); else the
   * device's eta is checked, the record written and shown, and a stop polled (not after t = T).
   */
  take(rec: StepRecord, etaOnDevice: boolean): void {
    const { sink } = this.o;
    this.release();
    const bad = nonFinite(rec);
    if (bad) {
      this.divergence = { type: 'divergence', t: rec.t, reason: bad };
      sink.write(this.divergence);
      return;
    }
    if (etaOnDevice) this.etaAbove ??= this.o.etaAboveRule(rec);
    this.last = rec;
    if (this.o.hold) this.held = rec;
    else this.emit(rec);
  }

  /** Writes the record held (hold), with `extra` fields added; nothing when none is held. */
  release(extra: Partial<StepRecord> = {}): void {
    const rec = this.held;
    if (!rec) return;
    this.held = undefined;
    Object.assign(rec, extra);
    this.emit(rec);
  }

  private emit(rec: StepRecord): void {
    const { sink, hooks } = this.o;
    sink.write(rec);
    hooks.onRecord?.(rec);
    if (rec.t < this.o.steps && hooks.shouldStop?.()) this.interrupted = true;
  }

  /** Frees the records still waiting (a run that ended early, or threw). */
  dispose(): void {
    disposeRecords(this.pending);
  }

  /**
   * The summary line, written last (after the error, if a device eta was above the rule): steps
   * are the updates that led to recorded iterates (records t = 0..T: T steps).
   */
  finish(extra: Partial<SummaryRecord> = {}): SummaryRecord {
    this.release();
    if (this.etaAbove) throw etaAboveRuleError(this.etaAbove);
    const { divergence, last } = this;
    const summary: SummaryRecord = {
      type: 'summary',
      steps: divergence ? divergence.t : (last?.t ?? 0),
      finalJ: last ? last.J : null,
      diverged: divergence !== undefined,
      ...(this.interrupted ? { interrupted: true } : {}),
      wall_ms: this.elapsed(),
      ...extra,
    };
    this.o.sink.write(summary);
    return summary;
  }
}

function disposeRecords(ps: PendingRecord[]): void {
  ps.forEach((p) => {
    p.packed.dispose();
    p.extra?.dispose();
  });
}
