/** TEMPORARY (development): replaced by the properties helper's corpus functions. */
import type { Claim } from '../../theory/claim.ts';
import type { Found } from './handler.ts';

export interface CorpusSave {
  path: string;
  known: boolean;
}

export function saveToCorpus(_claim: Claim, _found: Found, _input: unknown): CorpusSave | undefined {
  return undefined;
}
