/** Witness records (theory/results.ts): the input as JSON ("p/q" rationals), its evaluated sides, replay. */
import type { Mode } from '../../numeric/field.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import { encode } from '../../theory/codec.ts';
import type { Witness } from '../../theory/results.ts';
import { evaluatedComparisons } from './evaluate.ts';
import { lossFlags } from '../user-loss.ts';

export interface ReplaySpec {
  /** The CLI command that reruns it: 'check' (default) or 'search'. */
  command?: string;
  claim: string;
  mode: Mode;
  seed: number;
  runs?: number;
  seconds?: number;
  path?: string;
  dropped?: readonly string[];
}

/** `npx loracheck check --claim ID --mode M --seed S --runs N [--path P]` (search adds --drop H). */
export function replayCommand(s: ReplaySpec): string {
  const parts = ['npx loracheck', s.command ?? 'check', `--claim ${s.claim}`, `--mode ${s.mode}`];
  for (const h of s.dropped ?? []) parts.push(`--drop ${h}`);
  parts.push(`--seed ${s.seed}`);
  if (s.runs !== undefined) parts.push(`--runs ${s.runs}`);
  else if (s.seconds !== undefined) parts.push(`--seconds ${s.seconds}`);
  if (s.path) parts.push(`--path ${s.path}`);
  return parts.join(' ') + lossFlags();
}

type Sized = { rows: number; cols: number };

/** One size of an input: a name and its value ("m", 3), or a shape in words ("left sketch 3x2"). */
type SizePart = readonly [name: string, value: number] | string;

/** The sizes of an input in the order describeSizes prints them (m, n, r, T, ...), from its shape. */
export function sizeParts(input: unknown): SizePart[] {
  if (!input || typeof input !== 'object') return [];
  const x = input as Record<string, any>;
  const parts: SizePart[] = [];
  const loss = x.loss as Record<string, unknown> | undefined;
  if (loss && typeof loss.m === 'number') parts.push(['m', loss.m], ['n', loss.n as number]);
  if (loss && typeof loss.m1 === 'number') parts.push(['m1', loss.m1], ['n1', loss.n1 as number], ['m2', loss.m2 as number], ['n2', loss.n2 as number]);
  const V: Sized | undefined = x.V ?? x.V1 ?? x.V0;
  if (V) parts.push(['r', V.cols]);
  // the RAC-LoRA family (theory/inputs.ts): W0 without a loss, the rank r, the sketch side, K samples
  if (!loss && x.W0) parts.push(['m', (x.W0 as Sized).rows], ['n', (x.W0 as Sized).cols]);
  if (!V && typeof x.r === 'number') parts.push(['r', x.r]);
  else if (!V && (x.B0 || x.A)) parts.push(['r', ((x.B0 ?? x.A) as Sized)[x.B0 ? 'cols' : 'rows']]);
  if (x.S && typeof x.side === 'string') parts.push(`${x.side} sketch ${(x.S as Sized).rows}x${(x.S as Sized).cols}`);
  if (typeof x.samples === 'number') parts.push(['K', x.samples]);
  if (typeof x.steps === 'number') parts.push(['T', x.steps]);
  if (x.B1) parts.push(['r1', (x.B1 as Sized).cols], ['r2', (x.B2 as Sized).cols]);
  if (typeof x.T === 'number') parts.push(['T', x.T]);
  if (!loss && typeof x.m === 'number') parts.push(['m', x.m], ['n', x.n]);
  if (x.X && !loss) parts.push(['m', (x.X as Sized).rows], ['n', (x.X as Sized).cols]);
  return parts;
}

/** "m=2, n=1, r=1", "m1=1, n1=1, m2=1, n2=1, r1=1, r2=1", "m+n=3", "T=4" ... from the input's shape. */
export function describeSizes(input: unknown): string | undefined {
  const parts = sizeParts(input).map((p) => (typeof p === 'string' ? p : `${p[0]}=${p[1]}`));
  return parts.length ? parts.join(', ') : undefined;
}

/** Hypotheses of the claim the input violates (per claim.hypothesesHold), or undefined when it
 *  violates none. hypothesesHold reports every hypothesis of the input kind (L >= 1, eta from (8),
 *  ...); one the claim does not name is no hypothesis of it (the AM-GM lines of (22) hold or fail
 *  whatever L and eta are). */
export function violated(claim: Claim, input: unknown): HypothesisName[] | undefined {
  if (!claim.hypothesesHold) return undefined;
  try {
    const h = claim.hypothesesHold(input);
    const v = (Object.keys(h) as HypothesisName[]).filter((k) => h[k] === false && claim.hypotheses.includes(k));
    return v.length ? v : undefined;
  } catch {
    return undefined;
  }
}

interface WitnessSpec {
  claim: Claim;
  input: unknown;
  foundIn: Mode;
  /** Mode the comparisons are evaluated in (the confirmation mode for a counterexample). */
  evaluatedIn: Mode;
  confirmed: boolean;
  dropped: readonly string[];
  seed: number;
  path?: string;
  shrunk: boolean;
  replay: string;
}

export function makeWitness(s: WitnessSpec): Witness {
  const w: Witness = {
    claim: s.claim.id,
    foundIn: s.foundIn,
    input: encode(s.input),
    comparisons: evaluatedComparisons(s.claim, s.evaluatedIn, s.input),
    dropped: [...s.dropped],
    seed: s.seed,
    shrunk: s.shrunk,
    replay: s.replay,
  };
  if (s.confirmed) w.confirmedIn = s.evaluatedIn;
  const v = violated(s.claim, s.input);
  if (v) w.violates = v;
  if (s.path) w.path = s.path;
  const sizes = describeSizes(s.input);
  if (sizes) w.sizes = sizes;
  return w;
}
