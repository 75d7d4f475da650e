/**
 * Running a 'lora-run' input (GV, GV.step, T10, T35): T steps of LoRA GD (3) from V0 with
 * eta_t from (8), or eta_t = etaScale * (8)'s first term (uncapped) when `eta_rule` is dropped.
 */
import type { Field } from '../../numeric/field.ts';
import { lossOver } from '../../numeric/losses/index.ts';
import { lift } from '../../numeric/matrix.ts';
import type { LoraRunInput } from '../inputs.ts';
import { runLora, type RunRecord } from '../lora.ts';
import { gradJNonzero, loraHypotheses } from './lora-input.ts';
import type { Holds } from './hyp.ts';

interface RunAt<T> {
  L: T;
  Lstar: T;
  /** Records for t = 0..T. */
  records: RunRecord<T>[];
}

export function runAt<T>(F: Field<T>, input: LoraRunInput): RunAt<T> {
  const loss = lossOver(F, input.loss);
  const opts = input.etaScale !== undefined ? { etaScale: F.lift(input.etaScale) } : {};
  const { records } = runLora(F, loss, lift(F, input.V0), input.T, opts);
  return { L: loss.L, Lstar: loss.Lstar, records };
}

/** A run moves only if grad J(V_0) != 0 (and T >= 1). */
export function runNonTrivial(input: LoraRunInput): boolean {
  return input.T >= 1 && gradJNonzero(input.loss, input.V0);
}

export function runHypotheses(input: LoraRunInput): Holds {
  return loraHypotheses(input.loss, input.etaScale !== undefined);
}
