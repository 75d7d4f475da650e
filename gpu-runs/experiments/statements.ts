/**
 * The papers' statements about their experiments, each set beside what our runs show. The
 * outcome word comes from a stated criterion applied to the numbers (never written by hand), and
 * the finding is a sentence built from those numbers.
 */
import type { ExperimentStatement, TraceClaimResult } from '../../theory/results.ts';
import type { RunOutput } from './lab.ts';
import { firstAtOrBelow, fmt, mean, median, movingAverage, part, pearson, slope, std } from './stats.ts';

type Outcome = ExperimentStatement['outcome'];

/** reproduced when every check holds, not reproduced when fewer than half do, partly otherwise. */
function byShare(holds: number, of: number): Outcome {
  if (of === 0) return 'not tested';
  if (holds === of) return 'reproduced';
  return holds * 2 < of ? 'not reproduced' : 'partly reproduced';
}

const M_K = 'Mu & Klabjan, Sec. 4';

/**
 * A run's loss facts: the one-epoch moving average of the batch loss (`ma`), its last value
 * (`final`), and the noise around it over the second half: the standard deviation of
 * (batch loss - moving average), relative to the mean loss there (spikes and oscillation, not the
 * downward trend).
 */
function lossFacts(o: RunOutput, perEpoch: number) {
  const ma = movingAverage(o.rec.loss, Math.max(2, perEpoch));
  const resid = o.rec.loss.map((y, i) => y - ma[i]!);
  return {
    final: ma[ma.length - 1]!,
    ma,
    noise: std(part(resid, 0.5, 1)) / mean(part(o.rec.loss, 0.5, 1)),
  };
}

/** The first step at which a moving average is at or below `level` (Infinity: never). */
function reachAt(ma: readonly number[], level: number): number {
  const i = firstAtOrBelow(ma, level);
  return i < 0 ? Infinity : i;
}

function notTested(id: string, figure: string, claim: string, why: string): ExperimentStatement {
  return { id, figure, source: M_K, provenance: 'printed', claim, finding: why, outcome: 'not tested', criterion: '—' };
}

export function fig1Statements(o1: RunOutput[], perEpoch: number): ExperimentStatement[] {
  const claimA =
    'Training with the nonconstant learning rates η^adapt, η^adapt2 or η^norm exhibits faster and more stable convergence than training with a constant learning rate in the same range of values (Figures 1a, 1b).';
  const claimC = 'η^adapt and η^adapt2 are closely correlated early on, but diverge as the model converges (Figure 1c).';
  const adaptive = o1.filter((o) => !o.spec.rule.startsWith('const:'));
  const constant = o1.filter((o) => o.spec.rule.startsWith('const:'));
  const out: ExperimentStatement[] = [];
  if (!adaptive.length || !constant.length) out.push(notTested('fig1-faster-stabler', 'fig1', claimA, 'the runs did not complete'));
  else {
    const facts = new Map(o1.map((o) => [o, lossFacts(o, perEpoch)]));
    // a level every run reaches: the largest final value of the runs' moving averages
    const level = Math.max(...o1.map((o) => facts.get(o)!.final));
    const reach = (o: RunOutput): number => reachAt(facts.get(o)!.ma, level);
    let faster = 0;
    let stabler = 0;
    const pairs = adaptive.length * constant.length;
    for (const a of adaptive)
      for (const c of constant) {
        if (reach(a) < reach(c)) faster++;
        if (facts.get(a)!.noise < facts.get(c)!.noise) stabler++;
      }
    const desc = (o: RunOutput): string => `${o.spec.label}: final ${fmt(facts.get(o)!.final)}, reaches ${fmt(level)} at epoch ${fmt(reach(o) / perEpoch, 3)}, late relative noise ${fmt(facts.get(o)!.noise, 3)}`;
    const numbers: Record<string, number> = { level, pairs, faster, stabler };
    for (const o of o1) {
      numbers[`${o.spec.rule} final`] = facts.get(o)!.final;
      numbers[`${o.spec.rule} epochs to level`] = reach(o) / perEpoch;
      numbers[`${o.spec.rule} late noise`] = facts.get(o)!.noise;
    }
    out.push({
      id: 'fig1-faster-stabler',
      figure: 'fig1',
      source: M_K,
      provenance: 'printed',
      claim: claimA,
      finding: `An adaptive or normalized rule reached the loss level ${fmt(level)} sooner than a constant rate in ${faster} of ${pairs} pairs and had the smaller late noise in ${stabler} of ${pairs}. ${o1.map(desc).join('; ')}.`,
      outcome: byShare(faster + stabler, 2 * pairs),
      criterion: `Each of the ${adaptive.length} nonconstant rules against each of the ${constant.length} constant rates: "faster" = its one-epoch moving average of the batch loss first reaches the largest of the runs' final moving averages at an earlier step; "more stable" = smaller noise over the second half (standard deviation of the batch loss around its one-epoch moving average, relative to the mean loss). Reproduced when all ${2 * pairs} comparisons hold, not reproduced when fewer than half do.`,
      numbers,
    });
  }
  const ad = o1.find((o) => o.spec.rule === 'adapt');
  const ad2 = o1.find((o) => o.spec.rule === 'adapt2');
  if (!ad || !ad2) out.push(notTested('fig1-eta-correlation', 'fig1', claimC, 'the η^adapt and η^adapt2 runs did not both complete'));
  else {
    const n = Math.min(ad.rec.eta.length, ad2.rec.eta.length);
    const la = ad.rec.eta.slice(0, n).map(Math.log);
    const lb = ad2.rec.eta.slice(0, n).map(Math.log);
    const early = pearson(part(la, 0, 0.1), part(lb, 0, 0.1));
    const late = pearson(part(la, 0.9, 1), part(lb, 0.9, 1));
    const ratio = ad.rec.eta.slice(0, n).map((e, i) => e / ad2.rec.eta[i]!);
    const drift = median(part(ratio, 0.9, 1)) / median(part(ratio, 0, 0.1));
    const correlated = early >= 0.9;
    const diverge = drift >= 1.5 || drift <= 1 / 1.5;
    if (!Number.isFinite(early) || part(la, 0, 0.1).length < 10)
      out.push(notTested('fig1-eta-correlation', 'fig1', claimC, `too few steps (${n}) for a correlation over the first 10 %`));
    else out.push({
      id: 'fig1-eta-correlation',
      figure: 'fig1',
      source: M_K,
      provenance: 'printed',
      claim: claimC,
      finding: `Correlation of log η^adapt and log η^adapt2 over the first 10 % of steps: ${fmt(early, 3)}; over the last 10 %: ${fmt(late, 3)}. The ratio η^adapt / η^adapt2 moved from ${fmt(median(part(ratio, 0, 0.1)), 3)} (median, first 10 %) to ${fmt(median(part(ratio, 0.9, 1)), 3)} (last 10 %), a factor ${fmt(drift, 3)}.`,
      outcome: correlated && diverge ? 'reproduced' : correlated || diverge ? 'partly reproduced' : 'not reproduced',
      criterion: 'Closely correlated early: Pearson correlation of the logarithms >= 0.9 over the first 10 % of steps. Diverge: the median ratio η^adapt / η^adapt2 over the last 10 % differs from that over the first 10 % by a factor >= 1.5. Reproduced when both hold, partly when one does.',
      numbers: { early, late, drift },
    });
  }
  return out;
}

export function fig7Statements(o1: RunOutput[], o7: RunOutput[]): ExperimentStatement[] {
  const claim = 'Comparing (mini-batch) gradient descent with and without LoRA, the convergence of LoRA gradient descent is slower (Appendix B, Figures 7 and 8).';
  const pairs = o7.map((f) => ({ full: f, lora: o1.find((o) => o.spec.rule === f.spec.rule) })).filter((p): p is { full: RunOutput; lora: RunOutput } => p.lora !== undefined);
  if (!pairs.length) return [notTested('fig7-lora-slower', 'fig7', claim, 'the runs did not complete')];
  let slower = 0;
  let tested = 0;
  const parts: string[] = [];
  const numbers: Record<string, number | null> = {};
  for (const { full, lora } of pairs) {
    const rate = full.spec.rule.slice(6);
    if (full.run.diverged || lora.run.diverged) {
      parts.push(`at rate ${rate} ${full.run.diverged ? 'full-rank GD' : 'LoRA'} diverged`);
      continue;
    }
    tested++;
    const ma = (o: RunOutput) => movingAverage(o.rec.loss, 10);
    const level = Math.max(ma(full).at(-1)!, ma(lora).at(-1)!);
    const tl = firstAtOrBelow(ma(lora), level);
    const tf_ = firstAtOrBelow(ma(full), level);
    const isSlower = (tl < 0 ? Infinity : tl) > (tf_ < 0 ? Infinity : tf_);
    if (isSlower) slower++;
    const half = (o: RunOutput) => mean(part(o.rec.loss, 0.45, 0.55));
    parts.push(
      `at rate ${rate}: LoRA's moving average first reaches ${fmt(level)} at step ${tl < 0 ? 'never' : tl}, full-rank GD's at step ${tf_ < 0 ? 'never' : tf_}; mid-run batch loss ${fmt(half(lora))} (LoRA) vs ${fmt(half(full))} (full); final ${fmt(mean(part(lora.rec.loss, 0.9, 1)))} vs ${fmt(mean(part(full.rec.loss, 0.9, 1)))}`,
    );
    numbers[`${rate} LoRA steps to level`] = tl < 0 ? null : tl;
    numbers[`${rate} full steps to level`] = tf_ < 0 ? null : tf_;
  }
  return [
    {
      id: 'fig7-lora-slower',
      figure: 'fig7',
      source: 'Mu & Klabjan, Appendix B',
      provenance: 'printed',
      claim,
      finding: `LoRA was slower at ${slower} of ${tested} rates where neither run diverged: ${parts.join('; ')}.`,
      outcome: byShare(slower, tested),
      criterion: 'At each constant rate, "slower" = the moving average (10 steps) of LoRA\'s batch loss first reaches the larger of the two runs\' final moving averages at a later step than full-rank GD\'s. Reproduced when LoRA is slower at every rate where neither run diverged.',
      numbers,
    },
  ];
}

export function fig4Statements(o4: RunOutput[], perEpoch: number, fb: RunOutput | undefined, gv: TraceClaimResult | undefined): ExperimentStatement[] {
  const claim = 'Although the loss appears to converge early on, ‖V_t‖ grows unbounded for all t (Figure 4, 1000 epochs): the iterates converge to a stationary point at infinity.';
  const out: ExperimentStatement[] = [];
  if (!o4.length) out.push(notTested('fig4-growth', 'fig4', claim, 'the runs did not complete'));
  else {
    let holds = 0;
    const parts: string[] = [];
    const numbers: Record<string, number> = {};
    for (const o of o4) {
      const V = o.rec.Vsq.map(Math.sqrt);
      const ends = V.filter((_, i) => (i + 1) % perEpoch === 0);
      let up = 0;
      for (let i = 1; i < ends.length; i++) if (ends[i]! > ends[i - 1]!) up++;
      const share = ends.length > 1 ? up / (ends.length - 1) : NaN;
      const tail = part(o.rec.t, 0.8, 1);
      const lateSlope = slope(tail, part(V, 0.8, 1));
      const lossMid = mean(part(o.rec.loss, 0.45, 0.55));
      const lossEnd = mean(part(o.rec.loss, 0.9, 1));
      const flat = Math.abs(lossEnd - lossMid) / lossMid;
      const ok = share >= 0.95 && lateSlope > 0 && flat < 0.1;
      if (ok) holds++;
      parts.push(`${o.spec.label}: ‖V‖ from ${fmt(V[0])} to ${fmt(V[V.length - 1])}, up at ${fmt(100 * share, 3)} % of epochs, still growing at the end (slope ${fmt(lateSlope, 3)} per step over the last 20 %), batch loss ${fmt(lossMid)} at mid-run and ${fmt(lossEnd)} at the end (${fmt(100 * flat, 2)} % change)`);
      numbers[`${o.spec.rule} share of epochs up`] = share;
      numbers[`${o.spec.rule} late slope`] = lateSlope;
      numbers[`${o.spec.rule} loss change second half`] = flat;
    }
    out.push({
      id: 'fig4-growth',
      figure: 'fig4',
      source: M_K,
      provenance: 'printed',
      claim,
      finding: `${holds} of ${o4.length} runs show a settled loss with ‖V_t‖ still rising. ${parts.join('; ')}. A finite run cannot show unboundedness: the criterion asks whether ‖V_t‖ is still rising at the end.`,
      outcome: byShare(holds, o4.length),
      criterion: '‖V_t‖ at the end of an epoch exceeds the previous epoch\'s at >= 95 % of epochs, its least-squares slope over the last 20 % of steps is > 0, and the batch loss changed by < 10 % over the second half (the loss "appears to converge"). Reproduced when every rule shows this.',
      numbers,
    });
  }
  if (fb && gv) {
    const V = fb.rec.Vsq;
    out.push({
      id: 'fig4-gv-bound',
      figure: 'fig4',
      source: 'Mu & Klabjan, proof of Theorem 3.5 (A.4)',
      provenance: 'printed',
      claim: 'Along LoRA GD with η_t from (8), full batch: ‖V_T‖² ≤ ‖V_0‖² + T/(4√2 L) + 8 (J(V_0) − L*), so ‖V_t‖ grows at most like √t.',
      finding: `On Figure 4's rows, a full-batch run of rule (8) for ${fb.run.stepsDone} steps: ‖V_t‖² from ${fmt(V[0])} to ${fmt(V[V.length - 1])}; verify-trace: GV ${gv.status} (${gv.checked ?? gv.stepsChecked} steps, ${gv.violations} violations${gv.unresolved ? `, ${gv.unresolved} unresolved` : ''}).`,
      outcome: gv.status === 'verified' ? 'reproduced' : gv.status === 'violated' ? 'not reproduced' : 'not tested',
      criterion: 'The trace verifier\'s verdict on GV (gpu-runs/verify.ts): reproduced when verified, not reproduced when violated, not tested when undecided or not applicable.',
      numbers: { Vsq0: V[0]!, VsqT: V[V.length - 1]! },
    });
  }
  return out;
}

/** Lemma 3.4 and Theorem 3.5 on the full-batch runs of rule (8), from the trace verifier's verdicts. */
export function fullBatchStatement(traces: { label: string; claims: TraceClaimResult[] }[]): ExperimentStatement {
  const lora = traces.map((t) => ({ label: t.label, claims: t.claims.filter((c) => ['L34', 'GV', 'T10', 'T35'].includes(c.id)) }));
  const all = lora.flatMap((t) => t.claims);
  const verified = all.filter((c) => c.status === 'verified').length;
  const violated = all.filter((c) => c.status === 'violated').length;
  const finding = lora
    .map((t) => `${t.label}: ${t.claims.map((c) => `${c.id} ${c.status}${c.unresolved ? ` (${c.unresolved} of ${c.checked ?? c.stepsChecked} steps unresolved)` : ''}`).join(', ')}`)
    .join('; ');
  return {
    id: 'fullbatch-claims',
    source: 'Mu & Klabjan, Lemma 3.4 and Theorem 3.5',
    provenance: 'printed',
    claim: 'With η_t from (8), full-batch LoRA GD decreases J by at least (η_t/4)‖∇J(V_t)‖² per step (Lemma 3.4); ‖V_t‖² grows at most linearly (GV), min ‖∇J‖² obeys (10), and η_t obeys the bounds of Theorem 3.5.',
    finding: `${finding}.`,
    outcome: violated ? 'not reproduced' : all.length === 0 ? 'not tested' : verified === all.length ? 'reproduced' : 'partly reproduced',
    criterion: 'The trace verifier\'s verdicts (step by step, precision-aware): reproduced when every claim is verified; partly when none is violated but some are undecided (too many steps below float32 resolution); not reproduced when one is violated.',
    numbers: { verified, violated, claims: all.length },
  };
}
