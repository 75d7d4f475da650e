/**
 * One place that maps an arithmetic mode (README "Claims and arithmetic") to its field.
 */
import type { Field, Mode } from './field.ts';
import { float64 } from './float64.ts';
import { precise } from './precise.ts';
import { exact } from './real.ts';

interface FieldOptions {
  /** Significant digits of the precise field (>= 50; default 60). */
  digits?: number;
}

export function fieldFor(mode: Mode, opts: FieldOptions = {}): Field<any> {
  switch (mode) {
    case 'exact':
      return exact;
    case 'precise':
      return precise(opts.digits ?? 60);
    case 'float64':
      return float64;
    default:
      throw new RangeError(`fieldFor: argument mode must be exact, precise or float64, got ${String(mode)}`);
  }
}
