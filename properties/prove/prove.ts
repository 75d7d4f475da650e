/**
 * The SMT engine: decides a claim's encodings (encode.ts) with Z3 within a time budget per
 * claim, and returns a ClaimProofResult (theory/results.ts):
 * - `proved`: the negation is unsat on every branch path of the scalar form (every input), or of
 *   one or more fixed-size classes ("proved for m = n = r = 1 quadratics");
 * - `refuted`: a class model, turned into an exact input and confirmed by the exact field;
 * - `unknown`: timeout or solver limit (the time is recorded), or a scalar model only (the
 *   scalar form is a relaxation: its model need not come from any V);
 * - `no encoding`: the claim has none (exp/log losses, claims without a class).
 * Order: the scalar form first (a proof there covers every input; with a hypothesis dropped it
 * gets at most half the budget, since only a class can give a witness); then the classes,
 * smallest first; a larger class is tried only while the smaller ones are proved.
 */
import { ModeError } from '../../numeric/field.ts';
import { HYPOTHESES, type Claim, type HypothesisName } from '../../theory/claim.ts';
import type { ClaimProofResult, ProofAttempt, Witness } from '../../theory/results.ts';
import { encodingsFor, explore, valueIndependent, type Encoding, type Exploration, type PathQuery } from './encode.ts';
import { solve, type ModelValue } from './solve.ts';
import { classWitness, modelText, scalarModel } from './witness.ts';
import { loadZ3, type Z3 } from './z3.ts';

interface ProveOptions {
  dropped?: readonly HypothesisName[];
  /** Solver time for the claim, all encodings and paths together (ms). */
  budgetMs: number;
  /** Largest number of branch paths per encoding (default 64). */
  maxPaths?: number;
  /** Stop before the larger classes once one class is proved (default false). */
  smallestClassOnly?: boolean;
  /** Aborting interrupts the solver call in progress and makes no other (the result says what
   *  was done: unknown, or proved for the smaller classes only). */
  signal?: AbortSignal;
}

interface EncodingOutcome {
  attempt: ProofAttempt;
  witness?: Witness;
  /** The paths decided (unsat): the very paths a scalar proof's facts are looked for on. */
  paths?: readonly PathQuery[];
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Decides every path of one encoding; stops at the first confirmed counterexample. */
async function decideEncoding(z3: Z3, claim: Claim, enc: Encoding, dropped: ReadonlySet<HypothesisName>, deadline: number, maxPaths: number, signal?: AbortSignal): Promise<EncodingOutcome> {
  const t0 = performance.now();
  const base = { encoding: enc.kind, class: enc.text } as const;
  const done = (a: Omit<ProofAttempt, 'encoding' | 'class' | 'timeMs'>, extra: Partial<EncodingOutcome> = {}): EncodingOutcome => ({
    attempt: { ...base, ...a, timeMs: performance.now() - t0 },
    ...extra,
  });
  if (enc.kind === 'class' && !valueIndependent(z3.Z, enc))
    return done({ result: 'error', paths: 0, reason: 'the claim reads its input numbers outside the field: no symbolic run' });
  let exp: Exploration;
  try {
    exp = explore(z3.Z, enc, maxPaths);
  } catch (e) {
    if (e instanceof ModeError) return done({ result: 'error', paths: 0, reason: `not polynomial: ${e.message}` });
    throw e;
  }
  if (exp.truncated) return done({ result: 'unknown', paths: exp.paths.length, reason: `more than ${maxPaths} branch paths` });
  // no path left to decide: "unsat" would prove a claim that was never evaluated
  if (!exp.paths.length) return done({ result: 'error', paths: 0, reason: `the sides are undefined on every branch path (${exp.undefinedPaths[0]?.error ?? 'no path'})` });
  let unknown: string | undefined;
  let sat: { model: Record<string, ModelValue> } | undefined;
  for (const p of exp.paths) {
    const r = await solve(z3, [...p.constraints, ...p.assumptionTerms, p.negation], p.F.inputs, deadline - performance.now(), signal);
    if (process.env.LORACHECK_DEBUG) console.error(`  ${claim.id} [${enc.text}] ${p.pathText.join(' & ')}: ${r.answer} ${r.ms.toFixed(0)} ms`);
    if (r.answer === 'unknown') {
      unknown ??= r.reason ?? 'unknown';
      if (signal?.aborted) break;
      continue;
    }
    if (r.answer === 'unsat') continue;
    sat ??= { model: r.model! };
    if (enc.kind === 'class') {
      const w = classWitness(claim, enc, r.model!, dropped);
      if (w) return done({ result: 'sat', paths: exp.paths.length, model: modelText(r.model!) }, { witness: w.witness });
      unknown ??= `a model was found (${JSON.stringify(modelText(r.model!))}) but no rational point near it fails in exact arithmetic`;
    } else {
      const sm = scalarModel(claim, r.model!, dropped);
      return done({
        result: 'sat',
        paths: exp.paths.length,
        model: modelText(r.model!),
        ...(sm ? { scalarModel: { values: sm.values, comparisons: sm.comparisons } } : { reason: 'the model could not be confirmed exactly' }),
      });
    }
  }
  const undef = exp.undefinedPaths.length ? `; ${exp.undefinedPaths.length} path(s) where the sides are undefined (${exp.undefinedPaths[0]!.error})` : '';
  if (unknown !== undefined) return done({ result: 'unknown', paths: exp.paths.length, reason: unknown + undef, ...(sat ? { model: modelText(sat.model) } : {}) });
  return done({ result: 'unsat', paths: exp.paths.length, ...(undef ? { reason: undef.slice(2) } : {}) }, { paths: exp.paths });
}

/** The facts (not hypotheses) a scalar proof needed: its paths (all of them, as many as the
 *  proof decided) re-proved without them, briefly; any answer but unsat keeps them all. */
async function factsNeeded(z3: Z3, paths: readonly PathQuery[], deadline: number, signal?: AbortSignal): Promise<string[]> {
  const own = new Set<string>([...Object.keys(HYPOTHESES), 'sign', 'convex']);
  const facts = [...new Set(paths.flatMap((p) => p.assumptionFrom.filter((f) => !own.has(f))))];
  if (!facts.length) return [];
  const until = Math.min(deadline, performance.now() + 1000);
  for (const p of paths) {
    const kept = p.assumptionTerms.filter((_, i) => own.has(p.assumptionFrom[i]!));
    const r = await solve(z3, [...p.constraints, ...kept, p.negation], p.F.inputs, until - performance.now(), signal);
    if (r.answer !== 'unsat') return facts;
  }
  return [];
}

export async function proveClaim(claim: Claim, opts: ProveOptions): Promise<ClaimProofResult> {
  const dropped = new Set(opts.dropped ?? []);
  const encodings = encodingsFor(claim, dropped);
  // loading z3 (once per process) is not the claim's solver time
  const z3 = encodings.length ? await loadZ3() : undefined;
  const t0 = performance.now();
  const result = (r: Omit<ClaimProofResult, 'id' | 'dropped' | 'timeMs' | 'budgetMs'>): ClaimProofResult => ({
    id: claim.id,
    dropped: [...dropped],
    ...r,
    timeMs: performance.now() - t0,
    budgetMs: opts.budgetMs,
  });
  if (!z3) return result({ verdict: 'no encoding', text: 'no encoding', attempts: [] });
  const deadline = t0 + opts.budgetMs;
  const attempts: ProofAttempt[] = [];
  const proved: string[] = [];
  let scalarProof: { assumes: string[] } | undefined;
  for (const enc of encodings) {
    if (opts.signal?.aborted) break;
    if (enc.kind === 'class' && (scalarProof || (attempts.some((a) => a.encoding === 'class' && a.result !== 'unsat') && !proved.length))) break;
    if (enc.kind === 'class' && proved.length && opts.smallestClassOnly) break;
    if (performance.now() >= deadline) {
      attempts.push({ encoding: enc.kind, class: enc.text, result: 'unknown', paths: 0, timeMs: 0, reason: 'no time left in the budget' });
      break;
    }
    let out: EncodingOutcome;
    try {
      // with a hypothesis dropped a witness is likely and only a class can give one: the scalar
      // form then gets at most half the budget
      const half = enc.kind === 'scalar' && dropped.size > 0 && encodings.some((e) => e.kind === 'class');
      const until = half ? Math.min(deadline, t0 + opts.budgetMs / 2) : deadline;
      out = await decideEncoding(z3, claim, enc, dropped, until, opts.maxPaths ?? 64, opts.signal);
    } catch (e) {
      // a bug or a solver failure in one encoding is that encoding's error, not the command's
      out = { attempt: { encoding: enc.kind, class: enc.text, result: 'error', paths: 0, timeMs: 0, reason: e instanceof Error ? e.message : String(e) } };
    }
    attempts.push(out.attempt);
    if (out.witness) return result({ verdict: 'refuted', text: dropped.size ? `refuted (without ${[...dropped].join(', ')})` : 'refuted', witness: out.witness, attempts });
    if (out.attempt.result !== 'unsat') {
      if (enc.kind === 'class' && proved.length) break; // a larger class that is not proved: keep the smaller ones
      continue;
    }
    if (enc.kind === 'scalar') {
      const assumes = await factsNeeded(z3, out.paths ?? [], deadline, opts.signal);
      if (assumes.length) out.attempt.assumes = assumes;
      scalarProof = { assumes };
    } else proved.push(enc.text);
  }
  if (scalarProof)
    return result({
      verdict: 'proved',
      class: 'all inputs',
      text: scalarProof.assumes.length ? `proved (from ${scalarProof.assumes.join(', ')})` : 'proved',
      ...(scalarProof.assumes.length ? { assumes: scalarProof.assumes } : {}),
      attempts,
    });
  if (proved.length) return result({ verdict: 'proved', class: unionText(proved), text: `proved for ${unionText(proved)}`, attempts });
  const spent = performance.now() - t0;
  return result({ verdict: 'unknown', text: `unknown (${secs(spent)})`, attempts });
}

/** "w1 : w2 = 1 : 1", "w1 : w2 = 1 : 2" -> "w1 : w2 in {1 : 1, 1 : 2}"; other lists joined by "; ". */
export function unionText(classes: readonly string[]): string {
  const m = classes.map((c) => /^(.*) = (.*)$/.exec(c));
  const prefix = m[0]?.[1];
  if (classes.length > 1 && prefix !== undefined && m.every((x) => x?.[1] === prefix && !x[2]!.includes(';')))
    return `${prefix} in {${m.map((x) => x![2]).join(', ')}}`;
  return classes.join('; ');
}

/** Proves each claim in turn (each with its own budget); `onClaim` after each (the CLI rewrites
 *  its result file then, so a stopped run keeps every claim so far). */
export async function proveClaims(
  claims: readonly Claim[],
  opts: Omit<ProveOptions, 'dropped'> & { dropped?: (claim: Claim) => readonly HypothesisName[]; onClaim?: (r: ClaimProofResult) => void },
): Promise<{ results: ClaimProofResult[]; interrupted: boolean }> {
  const results: ClaimProofResult[] = [];
  for (const claim of claims) {
    if (opts.signal?.aborted) return { results, interrupted: true };
    const r = await proveClaim(claim, { ...opts, dropped: opts.dropped?.(claim) ?? [] });
    // a claim Ctrl-C cut short is no result (it would replace an earlier one in prove.json);
    // a refutation or a proof for every input is final however it ended
    if (opts.signal?.aborted && r.verdict !== 'refuted' && r.class !== 'all inputs') return { results, interrupted: true };
    results.push(r);
    opts.onClaim?.(r);
  }
  return { results, interrupted: false };
}
