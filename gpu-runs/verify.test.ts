import { describe, expect, it } from 'vitest';
import { float64 } from '../numeric/float64.ts';
import { eta8 } from '../theory/trace-sides.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slope } from './experiments/stats.ts';
import { Downsampler } from './series.ts';
import { parseTrace, type Trace } from './trace-reader.ts';
import { TRACE_FORMAT, TRACE_SCHEMA, type StepRecord, type TraceHeader } from './trace.ts';
import { MAX_SERIES_POINTS, MIN_RESOLVED_FRACTION, verifyTrace, verifyTraceFile } from './verify.ts';

const L = 2;
const header: TraceHeader = {
  type: 'header',
  format: TRACE_FORMAT,
  schema: TRACE_SCHEMA,
  workload: 'synthetic',
  m: 2,
  n: 3,
  r: 1,
  L,
  Lstar: 0,
  rule: 'theory',
  batch: 'full',
  dtype: 'float64',
};
/** The same run declared as float32 throughout (a foreign float32 trace). */
const f32: TraceHeader = { ...header, dtype: 'float32' };

/** A run that obeys the theory: eta_t from (8), J drops by eta ||grad J||^2 (> eta/4 of it), ||V||^2 grows slowly. */
function goodSteps(T: number): StepRecord[] {
  const out: StepRecord[] = [];
  let J = 3;
  let Vsq = 1;
  for (let t = 0; t <= T; t++) {
    const Gnorm = 0.5 / Math.sqrt(1 + t);
    const gradJsq = 0.2 / (1 + t);
    const eta = eta8(float64, { Vsq, Gnorm, L });
    out.push({ type: 'step', t, J, Vsq, Gnorm, gradJsq, eta, time_ms: t });
    J -= eta * gradJsq;
    Vsq += eta * gradJsq;
  }
  return out;
}

const summaryOf = (steps: StepRecord[]) => ({ type: 'summary', steps: steps.length - 1, finalJ: steps[steps.length - 1]!.J, diverged: false, wall_ms: 1 });

function traceOf(h: TraceHeader, steps: StepRecord[], opts: { summary?: boolean } = {}): Trace {
  const lines = [h, ...steps, ...(opts.summary === false ? [] : [summaryOf(steps)])];
  return parseTrace(lines.map((o) => JSON.stringify(o)).join('\n') + '\n', 'synthetic.jsonl');
}

const status = (e: ReturnType<typeof verifyTrace>) => Object.fromEntries(e.claims.map((c) => [c.id, c.status]));

const claim = (e: ReturnType<typeof verifyTrace>, id: string) => e.claims.find((c) => c.id === id)!;

describe('verifyTrace', () => {
  it('verifies a float64 run that follows (8) and descends: every step resolved', () => {
    const e = verifyTrace(traceOf(header, goodSteps(50)));
    expect(status(e)).toEqual({ L34: 'verified', GV: 'verified', T10: 'verified', T35: 'verified' });
    const l34 = claim(e, 'L34');
    expect(l34).toMatchObject({ stepsChecked: 50, checked: 50, resolved: 50, unresolved: 0, violations: 0 });
    expect(l34.worstSlack).toBeGreaterThan(0);
    expect(e.series.gvBound).toHaveLength(51);
    expect(e.series.t10Bound).toHaveLength(51);
    expect(e).toMatchObject({ truncated: false, records: 51, precision: { dtype: 'float64', scalarDtype: 'float64', relative: 2 ** -43 } });
  });

  it('a float32 trace whose promised decreases fall below float32 resolution: unresolved counts, undecided, never verified', () => {
    // J = 3 and the promised decrease (eta/4) ||grad J||^2 ~ 3e-3 / (t + 1): above 2^-14 (|J_t| + |J_t+1|) only for t < 7
    const steps = goodSteps(50);
    const l34 = claim(verifyTrace(traceOf(f32, steps)), 'L34');
    expect(l34.status).toBe('undecided');
    expect(l34.violations).toBe(0);
    expect(l34.resolved! + l34.unresolved!).toBe(50);
    expect(l34.unresolved).toBeGreaterThan((1 - MIN_RESOLVED_FRACTION) * 50);
    expect(l34.resolved).toBeGreaterThan(0);
    expect(l34.firstUnresolved).toBeGreaterThan(0);
    expect(l34.reason).toMatch(/steps unresolved, first at t = \d+ \(the promised decrease .* below the resolution of J\)/);
    expect(l34.reason).toMatch(/only \d+ of 50 steps resolved: verified needs at least 90 % in float32/);
    // A J that stops moving at t = 20 passed the old fixed tolerance: unresolved in float32, violated in float64.
    const flat = goodSteps(50).map((s, t) => (t > 20 ? { ...s, J: steps[20]!.J } : s));
    expect(claim(verifyTrace(traceOf(f32, flat)), 'L34')).toMatchObject({ status: 'undecided', violations: 0 });
    expect(claim(verifyTrace(traceOf(header, flat)), 'L34')).toMatchObject({ status: 'violated', firstViolation: 20, violations: 30 });
    // The same numbers declared as float64 sums of float32 partials (loracheck's trainer) resolve: 16 u of float32.
    const sums = verifyTrace(traceOf({ ...f32, scalarDtype: 'float64' }, steps));
    expect(claim(sums, 'L34')).toMatchObject({ status: 'verified', unresolved: 0 });
    expect(sums.precision).toMatchObject({ dtype: 'float32', scalarDtype: 'float64', relative: 2 ** -20, u: 2 ** -24 });
    // ... and as evaluated in float64 as well (termDtype: the loss and norms computed in float64 at
    // the stored float32 iterate): 512 ulps of float64; u stays float32's (the iterate's rounding)
    const f64terms = verifyTrace(traceOf({ ...f32, scalarDtype: 'float64', termDtype: 'float64' }, steps));
    expect(claim(f64terms, 'L34')).toMatchObject({ status: 'verified', unresolved: 0 });
    expect(f64terms.precision).toMatchObject({ dtype: 'float32', scalarDtype: 'float64', relative: 2 ** -43, u: 2 ** -24 });
    expect(f64terms.precision!.basis).toMatch(/evaluated and summed in float64 \(termDtype\)/);
    // termDtype without a wider scalarDtype changes nothing (the sums were float32); an unknown one is undecided
    expect(verifyTrace(traceOf({ ...f32, termDtype: 'float64' }, steps)).precision).toMatchObject({ relative: 2 ** -14 });
    expect(claim(verifyTrace(traceOf({ ...f32, scalarDtype: 'float64', termDtype: 'float128' }, steps)), 'L34').status).toBe('undecided');
  });

  it('a recorded dJ (header decrease) decides L34 at its own bound where J cannot; a dJ that breaks (9) is a violation; a dJ that disagrees with J is named', () => {
    // float32 reductions: J ~ 3 resolves to 2^-14 * 6 ~ 4e-4, and the promised decreases fall below it after t ~ 7
    const steps = goodSteps(50);
    expect(claim(verifyTrace(traceOf(f32, steps)), 'L34').status).toBe('undecided');
    // the same run with each step's decrease recorded (it is -eta ||grad J||^2 here) at a bound of 1e-9
    const withDJ = steps.map((s, t) => (t < 50 ? { ...s, dJ: steps[t + 1]!.J - s.J, dJerr: 1e-9 } : s));
    const h = { ...f32, decrease: 'dJ = J(V_{t+1}) - J(V_t) (synthetic)' };
    const l34 = claim(verifyTrace(traceOf(h, withDJ)), 'L34');
    expect(l34).toMatchObject({ status: 'verified', resolved: 50, unresolved: 0, violations: 0 });
    expect(l34.reason).toMatch(/50 of 50 steps decided from the recorded dJ/);
    expect(l34.reason).not.toMatch(/disagree/);
    // a bound as coarse as J's leaves the late steps unresolved again: the bound is what decides
    const coarse = steps.map((s, t) => (t < 50 ? { ...s, dJ: steps[t + 1]!.J - s.J, dJerr: 1e-3 } : s));
    expect(claim(verifyTrace(traceOf(h, coarse)), 'L34').status).toBe('undecided');
    // dJ above -(eta/4) ||grad J||^2 at t = 30 by 1e-6 (below J's resolution, 3.6e-4; above the
    // comparison's noise, about 2e-8 with the stored iterate's rounding): a violation at t = 30
    const bad = withDJ.map((s, t) => (t === 30 ? { ...s, dJ: -(s.eta * s.gradJsq) / 4 + 1e-6 } : s));
    const b = claim(verifyTrace(traceOf(h, bad)), 'L34');
    expect(b).toMatchObject({ status: 'violated', violations: 1, firstViolation: 30 });
    // a dJ that J_{t+1} - J_t contradicts beyond J's resolution: named in the reason
    const off = withDJ.map((s, t) => (t === 30 ? { ...s, dJ: 0.01 } : s));
    expect(claim(verifyTrace(traceOf(h, off)), 'L34').reason).toMatch(/disagree beyond both resolutions at 1 steps \(first t = 30\)/);
  });

  it('resolution also counts the rounding of the float32 iterate: a step smaller than its ulps is unresolved', () => {
    // Tiny steps on a large V: (eta/4) ||grad J||^2 ~ 1e-12 against J ~ 1e-9 is resolved by the scalars,
    // but V_{t+1} moves by eta ||grad J|| ~ 1e-6, below 2u ||V|| ~ 1.2e-4 for ||V||^2 = 1e6.
    const steps: StepRecord[] = [];
    let J = 1e-9;
    for (let t = 0; t <= 20; t++) {
      const Vsq = 1e6;
      const Gnorm = 1e-9;
      const gradJsq = 1e-6;
      const eta = eta8(float64, { Vsq, Gnorm, L });
      steps.push({ type: 'step', t, J, Vsq, Gnorm, gradJsq, eta, time_ms: t });
      J -= eta * gradJsq;
    }
    const sums = claim(verifyTrace(traceOf({ ...f32, scalarDtype: 'float64' }, steps)), 'L34');
    expect(sums).toMatchObject({ status: 'undecided', resolved: 0, unresolved: 20 });
    expect(claim(verifyTrace(traceOf(header, steps)), 'L34').status).toBe('verified'); // float64 iterate: u = 2^-53
  });

  it('reports a step whose J rises as an L34 violation, naming the first step', () => {
    const steps = goodSteps(20);
    steps[8]!.J = steps[7]!.J + 1e-3; // step 7 -> 8 goes up
    for (const h of [header, f32]) {
      const l34 = claim(verifyTrace(traceOf(h, steps)), 'L34');
      expect(l34.status).toBe('violated');
      expect(l34.firstViolation).toBe(7);
      expect(l34.violations).toBe(1);
      expect(l34.worstSlack).toBeLessThan(0);
    }
  });

  it('tolerates rounding noise below the float32 resolution and not above it', () => {
    const base = goodSteps(4);
    const bound = (s: StepRecord) => s.J - (s.eta / 4) * s.gradJsq;
    const rho = 2 ** -14;
    const within = goodSteps(4);
    within[2]!.J = bound(base[1]!) + 0.5 * rho * 2 * bound(base[1]!);
    const l34w = claim(verifyTrace(traceOf(f32, within)), 'L34');
    expect(l34w.violations).toBe(0);
    expect(l34w.reason).toMatch(/held only within the float32 rounding noise/);
    const beyond = goodSteps(4);
    beyond[2]!.J = bound(base[1]!) + 4 * rho * bound(base[1]!);
    expect(claim(verifyTrace(traceOf(f32, beyond)), 'L34').status).toBe('violated');
    // --tol replaces the scalar resolution
    expect(claim(verifyTrace(traceOf(f32, beyond), { relative: 2 ** -10 }), 'L34').violations).toBe(0);
  });

  it('flags a trace without a summary as truncated in the entry and in every reason', () => {
    const e = verifyTrace(traceOf(header, goodSteps(30), { summary: false }));
    expect(e.truncated).toBe(true);
    for (const c of e.claims) expect(c.reason).toMatch(/^truncated trace: no summary line, the records end at t = 30/);
    const na = verifyTrace(traceOf({ ...header, rule: 'adapt' }, goodSteps(5), { summary: false }));
    expect(na.claims.every((c) => c.status === 'not applicable' && c.reason!.startsWith('truncated trace'))).toBe(true);
    expect(verifyTrace(traceOf(header, goodSteps(30))).truncated).toBe(false);
  });

  it('says undecided for a dtype without a known precision', () => {
    const e = verifyTrace(traceOf({ ...header, dtype: 'int8' }, goodSteps(10)));
    expect(e.claims.every((c) => c.status === 'undecided' && /dtype "int8" has no known precision/.test(c.reason!))).toBe(true);
    expect(verifyTrace(traceOf({ ...header, dtype: 'torch.float64' }, goodSteps(10))).precision?.dtype).toBe('float64');
  });

  it('catches a wrong lower bound L* through T10 (and T35 through the D_t guard)', () => {
    const steps = goodSteps(30);
    const e = verifyTrace(traceOf({ ...header, Lstar: steps[0]!.J - 1e-6 }, steps));
    expect(status(e).T10).toBe('violated');
  });

  it('says not applicable, with the reason, for other rules, mini-batches and traces whose eta is not (8)', () => {
    const steps = goodSteps(10);
    const adapt = verifyTrace(traceOf({ ...header, rule: 'adapt' }, steps));
    expect(new Set(adapt.claims.map((c) => c.status))).toEqual(new Set(['not applicable']));
    expect(adapt.claims[0]!.reason).toMatch(/rule "adapt".*; for information only, the inequality holds at all 10 steps$/);
    const rising = goodSteps(10);
    rising[3]!.J = 5;
    const info = claim(verifyTrace(traceOf({ ...header, rule: 'const:0.1' }, rising)), 'L34');
    expect(info.status).toBe('not applicable');
    expect(info.violations).toBe(0);
    expect(info.reason).toMatch(/fails at 1 of 10 steps \(first t = 2\)/);
    expect(adapt.series.gvBound).toBeUndefined();
    const mini = verifyTrace(traceOf({ ...header, batch: 64 }, steps));
    expect(mini.claims.every((c) => c.status === 'not applicable' && /mini-batch/.test(c.reason!))).toBe(true);
    const wrong = goodSteps(10);
    wrong[4]!.eta *= 1.5;
    const off = verifyTrace(traceOf(header, wrong));
    expect(off.claims.every((c) => c.status === 'not applicable')).toBe(true);
    expect(off.claims[0]!.reason).toMatch(/not \(8\) at 1 step\(s\), first at t = 4/);
  });

  it('labels verdicts on an estimated L', () => {
    const e = verifyTrace(traceOf({ ...header, Lestimated: true, Lmethod: 'secant' }, goodSteps(5)));
    expect(e.claims.every((c) => c.estimated === true && c.status === 'verified')).toBe(true);
  });

  it('downsamples long traces to at most 500 points with both ends kept', () => {
    const e = verifyTrace(traceOf(header, goodSteps(2000)));
    expect(e.series.t.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    expect(e.series.t.length).toBeGreaterThan(MAX_SERIES_POINTS / 2);
    expect(e.series.t[0]).toBe(0);
    expect(e.series.t[e.series.t.length - 1]).toBe(2000);
    // the running minimum is taken before downsampling
    expect(e.series.minGradJsq[e.series.minGradJsq.length - 1]).toBeCloseTo(0.2 / 2001, 12);
  });
});

describe('Downsampler', () => {
  const indices = (n: number, max = 10) => {
    const d = new Downsampler<number>(max);
    for (let i = 0; i < n; i++) d.push(i, i);
    return d.points().map((p) => p.i);
  };
  it('keeps every point up to max, then evenly spaced points with both ends', () => {
    expect(indices(3)).toEqual([0, 1, 2]);
    expect(indices(10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(indices(11)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(indices(12)).toEqual([0, 2, 4, 6, 8, 10, 11]);
    const many = indices(1_000_003, 500);
    expect(many.length).toBeLessThanOrEqual(500);
    expect(many.length).toBeGreaterThan(250);
    expect(many[0]).toBe(0);
    expect(many[many.length - 1]).toBe(1_000_002);
    const gaps = new Set(many.slice(1, -2).map((x, k) => x - many[k]!));
    expect(gaps.size).toBe(1); // one stride between all interior points
  });
});

describe('long traces', () => {
  it('verifies a 150,000-step trace from a file in one pass (no spread over arrays: per-record L included)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loracheck-long-'));
    try {
      const T = 150_000;
      const file = join(dir, 'long.jsonl');
      const steps = goodSteps(T);
      const parts = [{ ...header, Lestimated: true, Lmethod: 'secant' }, ...steps.map((s) => ({ ...s, L })), summaryOf(steps)].map((o) => JSON.stringify(o));
      writeFileSync(file, parts.join('\n') + '\n');
      const e = verifyTraceFile(file);
      expect(e.records).toBe(T + 1);
      expect(status(e)).toEqual({ L34: 'verified', GV: 'verified', T10: 'verified', T35: 'verified' });
      expect(claim(e, 'L34')).toMatchObject({ checked: T, resolved: T, violations: 0 });
      expect(e.series.t.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
      expect(e.series.t[e.series.t.length - 1]).toBe(T);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A step record with eta_t from (8) at the L given (the header's L by default). */
function rec(t: number, s: { J: number; Vsq: number; Gnorm: number; gradJsq: number; L?: number; distSq?: number }): StepRecord {
  const { L: Lt, ...rest } = s;
  const eta = eta8(float64, { Vsq: s.Vsq, Gnorm: s.Gnorm, L: Lt ?? L });
  return { type: 'step', t, ...rest, eta, time_ms: t, ...(Lt === undefined ? {} : { L: Lt }) };
}

/** The trace's lines as the reader sees them; `tail` replaces the summary line (divergence, summary with fields). */
function textTrace(h: TraceHeader, steps: StepRecord[], tail: object[] = [summaryOf(steps)]): Trace {
  return parseTrace([h, ...steps, ...tail].map((o) => JSON.stringify(o)).join('\n') + '\n', 'synthetic.jsonl');
}

/** The float32 trainer's header: float32 iterate, scalars summed in float64 (resolution 16 u = 2^-20). */
const sums: TraceHeader = { ...f32, scalarDtype: 'float64' };
const U32 = 2 ** -24;

describe('the noise budget of each comparison (README, "Precision"): a slack at a fraction of it is tolerated, beyond it violated', () => {
  /** L34: res (|J_t| + |J_{t+1}| + (eta_t/4) ||grad J(V_t)||^2) + 2u ||V_{t+1}|| max(||grad J(V_t)||, ||grad J(V_{t+1})||). */
  function l34Violations(h: TraceHeader, rho: number, u: number, p: StepRecord, next: Omit<StepRecord, 'J' | 't' | 'eta' | 'type' | 'time_ms'>, f: number): number {
    const promised = (p.eta * p.gradJsq) / 4;
    const J1 = p.J - promised; // slack 0; the budget barely depends on the slack itself
    const budget = rho * (Math.abs(p.J) + Math.abs(J1) + promised) + 2 * u * Math.sqrt(next.Vsq) * Math.sqrt(Math.max(p.gradJsq, next.gradJsq));
    const s1 = rec(1, { ...next, J: J1 + f * budget });
    return claim(verifyTrace(traceOf(h, [p, s1])), 'L34').violations;
  }

  it('L34, the scalars dominate (float32 reductions): J_t and J_{t+1} at their resolution', () => {
    const p = rec(0, { J: 3, Vsq: 1, Gnorm: 0.5, gradJsq: 0.2 });
    const next = { Vsq: 1, Gnorm: 0.5, gradJsq: 0.2 };
    expect(l34Violations(f32, 2 ** -14, U32, p, next, 0.5)).toBe(0);
    expect(l34Violations(f32, 2 ** -14, U32, p, next, 2)).toBe(1);
  });

  it('L34, the promised decrease itself is a recorded quantity: its resolution is part of the budget', () => {
    // J_t = P/2 and J_{t+1} = -P/2: res (|J_t| + |J_{t+1}|) is only half of the budget, res P the other half
    const first = rec(0, { J: 0, Vsq: 0.01, Gnorm: 0.5, gradJsq: 0.2 });
    const P = (first.eta * first.gradJsq) / 4;
    const p = { ...first, J: P / 2 };
    const next = { Vsq: 0.01, Gnorm: 0.5, gradJsq: 0.2 };
    expect(l34Violations(f32, 2 ** -14, U32, p, next, 0.75)).toBe(0);
    expect(l34Violations(f32, 2 ** -14, U32, p, next, 1.5)).toBe(1);
  });

  it('L34, the rounding of the stored iterate dominates: 2u ||V_{t+1}|| times the larger of the two gradients', () => {
    // ||V|| = 10, ||grad J(V_t)|| = 1, ||grad J(V_{t+1})|| = 10, J ~ 1e-3: the scalars' share is below 1 %
    const p = rec(0, { J: 1e-3, Vsq: 100, Gnorm: 1, gradJsq: 1 });
    const next = { Vsq: 100, Gnorm: 1, gradJsq: 100 };
    expect(l34Violations(sums, 2 ** -20, U32, p, next, 0.5)).toBe(0);
    expect(l34Violations(sums, 2 ** -20, U32, p, next, 2)).toBe(1);
    // the same step in float64 resolves 2^29 times finer: the half-budget slack of float32 is a violation there
    const p64 = rec(0, { J: 1e-3, Vsq: 100, Gnorm: 1, gradJsq: 1 });
    const promised = (p64.eta * p64.gradJsq) / 4;
    const s1 = rec(1, { ...next, J: p64.J - promised + 0.5 * 2 * U32 * 10 * 10 });
    expect(claim(verifyTrace(traceOf(header, [p64, s1])), 'L34').violations).toBe(1);
  });

  /** GV per step: (res + 4u)(||V_t||^2 + ||V_{t+1}||^2) + res |rhs|, rhs = 1/(4 sqrt2 L) + 2 eta_t ||grad J(V_t)||^2. */
  function gvViolations(h: TraceHeader, rho: number, u: number, p: StepRecord, f: number): { step: number; e: ReturnType<typeof verifyTrace> } {
    const rhs = 1 / (4 * Math.SQRT2 * L) + 2 * p.eta * p.gradJsq;
    const V1 = p.Vsq + rhs; // slack 0
    const budget = (rho + 4 * u) * (p.Vsq + V1) + rho * rhs;
    const s1 = rec(1, { J: p.J - p.eta * p.gradJsq, Vsq: V1 + f * budget, Gnorm: p.Gnorm, gradJsq: p.gradJsq });
    const e = verifyTrace(traceOf(h, [p, s1]));
    return { step: claim(e, 'GV').violations, e };
  }

  it('GV, ||V||^2 dominates: res + 4u of both norms (the iterate rounding, 4u, is a fifth of it at 16 u)', () => {
    const p = rec(0, { J: 3, Vsq: 1e4, Gnorm: 0.5, gradJsq: 0.2 });
    expect(gvViolations(sums, 2 ** -20, U32, p, 0.8).step).toBe(0);
    const beyond = gvViolations(sums, 2 ** -20, U32, p, 1.25);
    expect(beyond.step).toBe(1);
    expect(claim(beyond.e, 'GV').reason).toMatch(/worst: \|\|V_\{t\+1\}\|\|\^2 - \|\|V_t\|\|\^2 <= 1\/\(4 sqrt2 L\)/);
  });

  it('GV, the bound itself is large: res |rhs| is half of the budget', () => {
    // ||V_0||^2 tiny, eta = 1 (capped), ||grad J||^2 = 1e4: rhs ~ 2e4 and ||V_1||^2 ~ rhs
    const p = rec(0, { J: 1e4, Vsq: 1e-4, Gnorm: 0.01, gradJsq: 1e4 });
    expect(p.eta).toBe(1);
    expect(gvViolations(f32, 2 ** -14, U32, p, 0.75).step).toBe(0);
    expect(gvViolations(f32, 2 ** -14, U32, p, 1.5).step).toBe(1);
  });

  it('L34 names the descent inequality (9) as the worst comparison of a violated claim', () => {
    const steps = goodSteps(5);
    steps[3]!.J = steps[2]!.J + 0.5;
    expect(claim(verifyTrace(traceOf(header, steps)), 'L34').reason).toMatch(/worst: \(9\) J\(V_\{t\+1\}\) <= J\(V_t\)/);
  });
});

describe('what each claim is measured against', () => {
  it('GV total and T10 use J(V_0) and ||V_0||^2 of the first record, not of the current one', () => {
    // Each step grows ||V||^2 by 1/(4 sqrt2 L) + eta ||grad J||^2 (half the per-step allowance), while
    // 8 (J(V_0) - L*) = 8e-3 is below one step's eta ||grad J||^2 ~ 1.2e-2: the total fails from T = 1.
    const steps: StepRecord[] = [];
    let Vsq = 1;
    for (let t = 0; t <= 5; t++) {
      const s = rec(t, { J: 3 - t * 1e-4, Vsq, Gnorm: 0.5, gradJsq: 0.2 });
      steps.push(s);
      Vsq += 1 / (4 * Math.SQRT2 * L) + s.eta * s.gradJsq;
    }
    const gv = claim(verifyTrace(traceOf({ ...header, Lstar: 3 - 1e-3 }, steps)), 'GV');
    expect(gv).toMatchObject({ status: 'violated', firstViolation: 0, violations: 5 });
    expect(gv.reason).toMatch(/worst: \|\|V_T\|\|\^2 <= \|\|V_0\|\|\^2 \+ T\/\(4 sqrt2 L\) \+ 8 \(J\(V_0\) - L\*\)/);
    // with room in J(V_0) - L* the same growth is allowed
    expect(claim(verifyTrace(traceOf(header, steps)), 'GV').status).toBe('verified');
  });

  it('T35: eta_t from (8) is below 1/D_t when ||G_t|| exceeds (2L (J(V_0) - L*))^{1/2} (a wrong L*)', () => {
    // ||G|| = 0.5 against (2 * 2 * 1e-3)^{1/2} = 0.063: eta = 1/(4 sqrt2 L (||V||^2 + ||G||)) < 1/D_t at every record
    const steps = goodSteps(5).map((s) => ({ ...s, J: 3 - s.t * 1e-5 }));
    const e = verifyTrace(traceOf({ ...header, Lstar: 3 - 1e-3 }, steps));
    expect(claim(e, 'T35')).toMatchObject({ status: 'violated', firstViolation: 0, violations: 6, checked: 6 });
    expect(claim(e, 'T35').reason).toMatch(/worst: eta_t >= min\{1\/D_t, 1\}/);
    expect(claim(verifyTrace(traceOf(header, steps)), 'T35')).toMatchObject({ status: 'verified', checked: 6 });
  });

  it('estimated L: each step uses its own L, the totals and the GV slope the smallest L of the steps taken', () => {
    // record t's L is the one of the step t -> t + 1: the last record's (0.5) is used by no step
    const Ls = [4, 1, 3, 2, 0.5];
    const steps = goodSteps(4).map((s, t) => rec(t, { J: s.J, Vsq: s.Vsq, Gnorm: s.Gnorm, gradJsq: s.gradJsq, L: Ls[t]! }));
    const e = verifyTrace(traceOf({ ...header, L: 8, Lestimated: true, Lmethod: 'secant' }, steps));
    expect(e.claims.every((c) => c.status === 'verified' && c.estimated === true)).toBe(true);
    expect(e.fits?.gvSlope).toBeCloseTo(1 / (4 * Math.SQRT2 * 1), 14);
    // the chart's GV bound at T = t is the one checked: the smallest L of steps 0 .. t - 1 (none at T = 0)
    const Lmin = [Infinity, 4, 1, 1, 1];
    expect(e.series.gvBound!.map((b, t) => b - (steps[0]!.Vsq + t / (4 * Math.SQRT2 * Lmin[t]!) + 8 * steps[0]!.J))).toEqual(Lmin.map(() => expect.closeTo(0, 12)));
    // ||V_1||^2 between the L = 4 bound (checked at T = 1: step 0 ran under L = 4) and the L = 1 one: violated,
    // and the chart shows it above its bound
    const V1 = steps[0]!.Vsq + 1 / (4 * Math.SQRT2 * 2) + 8 * steps[0]!.J;
    const grow = steps.map((s, t) => (t === 0 ? s : rec(t, { J: s.J, Vsq: V1 + t * 1e-3, Gnorm: s.Gnorm, gradJsq: s.gradJsq, L: Ls[t]! })));
    const g = verifyTrace(traceOf({ ...header, L: 8, Lestimated: true, Lmethod: 'secant' }, grow));
    expect(claim(g, 'GV')).toMatchObject({ status: 'violated', firstViolation: 0 });
    expect(g.series.gvBound![1]).toBeLessThan(grow[1]!.Vsq);
    expect(claim(e, 'L34').reason).toMatch(/L is estimated \(secant\)/);
    // an estimated L without a method says it is not certified
    const bare = verifyTrace(traceOf({ ...header, Lestimated: true }, goodSteps(3)));
    expect(claim(bare, 'GV').reason).toMatch(/L is estimated \(not certified\)/);
  });
});

describe('is the recorded eta_t (8)?', () => {
  const scaled = (h: TraceHeader, factor: number, opts = {}) => {
    const steps = goodSteps(6);
    steps[3]!.eta *= factor;
    return claim(verifyTrace(traceOf(h, steps), opts), 'L34');
  };

  it('up to the resolution of the scalars (float64: 2^-43 relative), relative to eta_t + (8)', () => {
    expect(scaled(header, 1 + 2 ** -43).status).toBe('verified');
    const off = scaled(header, 1 + 2 ** -40);
    expect(off.status).toBe('not applicable');
    expect(off.reason).toMatch(/not \(8\) at 1 step\(s\), first at t = 3/);
  });

  it('and at least 8 u of the dtype: an eta_t rounded to float32 follows (8) even under a tighter --tol', () => {
    const steps = goodSteps(6).map((s) => ({ ...s, eta: Math.fround(s.eta) }));
    expect(steps.some((s, t) => s.eta !== goodSteps(6)[t]!.eta)).toBe(true);
    const e = verifyTrace(traceOf(f32, steps), { relative: 2 ** -30 });
    expect(e.precision?.relative).toBe(2 ** -30);
    expect(status(e).L34).not.toBe('not applicable');
    // the same rounding is not (8) in a float64 trace
    expect(status(verifyTrace(traceOf(header, steps))).L34).toBe('not applicable');
  });

  it('a difference of exactly the tolerance still follows (8)', () => {
    // ||V||^2 + ||G|| small: (8) caps eta at 1; with --tol 0.5, |3 - 1| = 0.5 (3 + 1) is the boundary
    const steps = [rec(0, { J: 3, Vsq: 0.01, Gnorm: 0.01, gradJsq: 0.2 }), rec(1, { J: 2, Vsq: 0.02, Gnorm: 0.01, gradJsq: 0.2 })];
    expect(steps[0]!.eta).toBe(1);
    const at = verifyTrace(traceOf(header, [{ ...steps[0]!, eta: 3 }, steps[1]!]), { relative: 0.5 });
    expect(claim(at, 'L34').reason ?? '').not.toMatch(/not \(8\)/);
    const beyond = verifyTrace(traceOf(header, [{ ...steps[0]!, eta: 3.01 }, steps[1]!]), { relative: 0.5 });
    expect(claim(beyond, 'L34').reason).toMatch(/not \(8\) at 1 step\(s\), first at t = 0 \(recorded 3.01, \(8\) gives 1\)/);
  });
});

describe('when the four claims do not apply', () => {
  it('other methods: not applicable with the method named, no counts and no information line; COLA says it restarts V', () => {
    for (const method of ['cola', 'rac', 'asym']) {
      const e = verifyTrace(traceOf({ ...header, method }, goodSteps(5)));
      for (const id of ['L34', 'GV', 'T10', 'T35']) {
        const c = claim(e, id);
        expect(c).toMatchObject({ status: 'not applicable', checked: 0, violations: 0 });
        expect(c.reason).toMatch(new RegExp(`^method ${method}: L34, GV, T10 and T35 are about one LoRA run`));
        expect(c.reason).not.toMatch(/for information/);
        expect(/COLA restarts V at every chain link/.test(c.reason!)).toBe(method === 'cola');
        if (method !== 'cola') expect(c.reason).toMatch(/eta_t from \(8\)\)$/);
      }
      expect(e.series.gvBound).toBeUndefined();
    }
    // no method in the header is a LoRA run
    expect(status(verifyTrace(traceOf(header, goodSteps(5)))).L34).toBe('verified');
  });

  it('one step record is nothing to check; two are one step', () => {
    const one = verifyTrace(traceOf(header, goodSteps(0)));
    for (const c of one.claims) {
      expect(c).toMatchObject({ status: 'not applicable', checked: 0 });
      expect(c.reason).toMatch(/^only 1 step record\(s\): nothing to check$/);
    }
    expect(one.fits?.note).toBeUndefined();
    expect(one.fits?.vsqSlope).toBeUndefined();
    const two = verifyTrace(traceOf(header, goodSteps(1)));
    expect(status(two)).toEqual({ L34: 'verified', GV: 'verified', T10: 'verified', T35: 'verified' });
    expect(claim(two, 'L34')).toMatchObject({ checked: 1, resolved: 1 });
    expect(claim(two, 'T35')).toMatchObject({ checked: 2 });
    expect(two.fits?.minGradVsInvLogT).toBeUndefined(); // one point is no fit
    expect(two.fits?.note).toMatch(/grows at .* per step/);
    expect(two.fits?.note).not.toMatch(/fitted as/);
  });

  it('mini-batch: not applicable with no information line (the inequalities use batch estimates)', () => {
    const e = verifyTrace(traceOf({ ...header, batch: 32 }, goodSteps(5)));
    for (const c of e.claims) {
      expect(c).toMatchObject({ status: 'not applicable', checked: 0 });
      expect(c.reason).toMatch(/^mini-batch \(batch 32\)/);
      expect(c.reason).not.toMatch(/for information/);
    }
  });

  it('another rule on a full batch: the inequalities for information, with their unresolved steps', () => {
    const steps = goodSteps(50);
    const theory = claim(verifyTrace(traceOf(f32, steps)), 'L34');
    expect(theory.unresolved).toBeGreaterThan(0);
    const info = claim(verifyTrace(traceOf({ ...f32, rule: 'adapt' }, steps)), 'L34');
    expect(info).toMatchObject({ status: 'not applicable', checked: 0, unresolved: 0 });
    expect(info.reason).toMatch(/^rule "adapt": .*; for information only, the inequality holds at all 50 steps \((\d+) of them unresolved\)$/);
    expect(info.reason!.match(/\((\d+) of them unresolved\)/)![1]).toBe(String(theory.unresolved));
    expect(claim(verifyTrace(traceOf({ ...header, rule: 'adapt' }, steps)), 'L34').reason).not.toMatch(/unresolved/);
  });

  it('an unknown dtype is judged with float32 numbers for the information line, and the entry claims no precision', () => {
    const steps = goodSteps(10);
    const e = verifyTrace(traceOf({ ...header, dtype: 'int8', rule: 'adapt' }, steps));
    expect(e.precision).toBeUndefined();
    expect(claim(e, 'GV').reason).toMatch(/the inequality holds at all 10 steps/);
    const rising = goodSteps(10);
    rising[3]!.J = rising[2]!.J + 1e-3; // 3e-4 of J: beyond float32's 2^-14
    expect(claim(verifyTrace(traceOf({ ...header, dtype: 'int8', rule: 'adapt' }, rising)), 'L34').reason).toMatch(/fails at 1 of 10 steps \(first t = 2\)/);
    const theory = verifyTrace(traceOf({ ...header, dtype: 'int8' }, rising));
    expect(theory.precision).toBeUndefined();
    expect(claim(theory, 'L34')).toMatchObject({ status: 'undecided', violations: 0, resolved: 0, unresolved: 10 });
  });
});

/** Least squares through the origin y ~ c x: c. */
const originFit = (x: number[], y: number[]) => x.reduce((a, xi, i) => a + xi * y[i]!, 0) / x.reduce((a, xi) => a + xi * xi, 0);

describe('fits, series and the entry', () => {
  // gradients that are not monotone, so that the running minimum differs from the record's own value
  const steps: StepRecord[] = [];
  for (let t = 0, J = 3, Vsq = 1; t <= 12; t++) {
    const s = rec(t, { J, Vsq, Gnorm: 0.5 / Math.sqrt(1 + t), gradJsq: t % 3 === 1 ? 0.5 : 0.2 / (1 + t) });
    steps.push(s);
    J -= s.eta * s.gradJsq;
    Vsq += s.eta * s.gradJsq;
  }
  // verified inside each test (Stryker counts only what a test runs)
  const verified = () => verifyTrace(traceOf(header, steps));
  const ts = steps.map((s) => s.t);
  const runMin = steps.map((_, t) => Math.min(...steps.slice(0, t + 1).map((s) => s.gradJsq)));
  const runEta = steps.map((_, t) => steps.slice(0, t + 1).reduce((a, s) => a + s.eta, 0));

  it('fits: the slope of ||V_t||^2, the GV slope 1/(4 sqrt2 L), min_{t<T} ||grad J||^2 against 1/log T and 1/T (T = t + 1 >= 2)', () => {
    const e = verified();
    expect(status(e).L34).toBe('verified');
    expect(claim(e, 'L34').estimated).toBeUndefined(); // L is the header's, not estimated
    expect(claim(e, 'L34').reason).toBeUndefined();
    // two-pass least squares (gpu-runs/experiments/stats.ts) against the verifier's running one
    expect(e.fits!.vsqSlope).toBeCloseTo(slope(ts, steps.map((s) => s.Vsq)), 12);
    expect(e.fits!.gvSlope).toBeCloseTo(1 / (4 * Math.SQRT2 * L), 15);
    const later = ts.slice(1);
    expect(e.fits!.minGradVsInvLogT).toBeCloseTo(originFit(later.map((t) => 1 / Math.log(t + 1)), runMin.slice(1)), 12);
    expect(e.fits!.minGradVsInvT).toBeCloseTo(originFit(later.map((t) => 1 / (t + 1)), runMin.slice(1)), 12);
    const note = e.fits!.note!;
    expect(note).toMatch(/\|\|V_t\|\|\^2 grows at \S+ per step; GV allows 1\/\(4 sqrt2 L\) = 0\.08839 per step/);
    expect(note).toMatch(/fitted as c\/log T: c = \S+ \(uncentred R\^2 \S+, smallest c bounding every T: \S+\); as c\/T: c = /);
    expect(note).not.toMatch(/diverged/);
  });

  it('series: the records as read, the running minimum, and the bounds at T = t (GV) and T = t + 1 (T10)', () => {
    const e = verified();
    expect(e.series.t).toEqual(ts);
    expect(e.series.J).toEqual(steps.map((s) => s.J));
    expect(e.series.Vsq).toEqual(steps.map((s) => s.Vsq));
    expect(e.series.eta).toEqual(steps.map((s) => s.eta));
    expect(e.series.minGradJsq).toEqual(runMin);
    expect(e.series.distSq).toBeUndefined();
    const J0 = steps[0]!.J;
    const V0 = steps[0]!.Vsq;
    e.series.gvBound!.forEach((b, t) => expect(b).toBeCloseTo(V0 + t / (4 * Math.SQRT2 * L) + 8 * J0, 12));
    e.series.t10Bound!.forEach((b, t) => expect(b).toBeCloseTo((4 * J0) / runEta[t]!, 10));
    // ||W_t - W*||^2 is a series once any record carries it (the others: NaN)
    const withDist = steps.map((s, t) => (t >= 2 ? { ...s, distSq: 20 - t } : s));
    const d = verifyTrace(traceOf(header, withDist)).series.distSq!;
    expect(d.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(d.slice(2)).toEqual(withDist.slice(2).map((s) => s.distSq));
    expect(verifyTrace(traceOf(header, steps.map((s) => ({ ...s, distSq: 0 })))).series.distSq).toEqual(steps.map(() => 0));
  });

  it('the entry: the summary as read, an interrupted run, a divergence in the note, a cut last line', () => {
    const e = verified();
    expect(e).toMatchObject({ summary: { type: 'summary', steps: 12 }, truncated: false, records: 13 });
    expect(e.interrupted).toBeUndefined();
    expect(e.partialLastLine).toBeUndefined();
    expect(e.optimum).toBeUndefined();
    const stopped = verifyTrace(textTrace(header, steps, [{ ...summaryOf(steps), interrupted: true }]));
    expect(stopped).toMatchObject({ interrupted: true, summary: { interrupted: true } });
    expect(verifyTrace(textTrace(header, steps, [{ ...summaryOf(steps), interrupted: false }])).interrupted).toBeUndefined();
    const div = verifyTrace(textTrace(header, steps, [{ type: 'divergence', t: 12, reason: 'J is NaN' }, { ...summaryOf(steps), diverged: true }]));
    expect(div.fits!.note).toMatch(/\. the run diverged: J is NaN$/);
    expect(div.divergence).toEqual({ t: 12, reason: 'J is NaN' });
    for (const c of div.claims) expect(c.reason).toMatch(/^the run diverged at t = 12: only the records before it are checked/);
    expect(verified().divergence).toBeUndefined();
    // Python's json writes a diverged record as NaN / Infinity: the same entry, the verdicts on the records before it
    const py = [header, ...steps].map((o) => JSON.stringify(o)).join('\n') + '\n' + JSON.stringify({ ...steps[12]!, t: 13 }).replace(/"J":[^,]*/, '"J":NaN') + '\n';
    const pyDiv = verifyTrace(parseTrace(py, 'py.jsonl'));
    expect(pyDiv).toMatchObject({ records: 13, truncated: true, divergence: { t: 13, reason: 'J is NaN at step 13 (line 15; later step records not read)' } });
    expect(claim(pyDiv, 'L34').status).toBe(claim(verified(), 'L34').status);
    // a run killed mid-write: the entry and every reason say so
    const text = [header, ...steps].map((o) => JSON.stringify(o)).join('\n') + '\n{"type":"step","t":13,"J":';
    const cut = verifyTrace(parseTrace(text, 'cut.jsonl'));
    expect(cut).toMatchObject({ truncated: true, partialLastLine: true, records: 13 });
    expect(cut.summary).toBeUndefined();
    for (const c of cut.claims) expect(c.reason).toMatch(/^truncated trace: no summary line \(the last line was cut mid-write and ignored\), the records end at t = 12/);
    // a header alone
    const bare = verifyTrace(parseTrace(JSON.stringify(header) + '\n', 'bare.jsonl'));
    expect(bare.records).toBe(0);
    expect(claim(bare, 'L34').reason).toMatch(/^truncated trace: no summary line, the records end at the header, .*; only 0 step record\(s\)/);
    // a finished trace's reasons start with their own words
    expect(claim(verifyTrace(traceOf({ ...header, rule: 'adapt' }, steps)), 'GV').reason).toMatch(/^rule "adapt"/);
  });
});

describe('the precision a header declares (gpu-runs/precision.ts)', () => {
  const precisionOf = (h: Partial<TraceHeader>, opts = {}) => verifyTrace(traceOf({ ...header, ...h }, goodSteps(2)), opts);

  it('reads the dtype names of PyTorch, NumPy, JAX and TensorFlow and the short forms, in any case', () => {
    const cases: [string, string, number][] = [
      ['torch.float32', 'float32', 2 ** -24],
      ['np.float64', 'float64', 2 ** -53],
      ['numpy.float16', 'float16', 2 ** -11],
      ['jnp.bfloat16', 'bfloat16', 2 ** -8],
      ['tf.float32', 'float32', 2 ** -24],
      [' Torch.Float64 ', 'float64', 2 ** -53],
      ['double', 'float64', 2 ** -53],
      ['fp32', 'float32', 2 ** -24],
      ['half', 'float16', 2 ** -11],
      ['bf16', 'bfloat16', 2 ** -8],
    ];
    for (const [dtype, canonical, u] of cases) expect(precisionOf({ dtype }).precision, dtype).toMatchObject({ dtype: canonical, scalarDtype: canonical, u, relative: 1024 * u });
    expect(precisionOf({ dtype: 'torch.float32' }).precision!.basis).toMatch(/float32 reductions: 512 ulps of float32$/); // nothing about a narrower dtype
  });

  it('scalars summed in a wider dtype resolve to 16 u of the tensor dtype; an unknown scalarDtype leaves every claim undecided', () => {
    const wide = precisionOf({ dtype: 'fp32', scalarDtype: 'torch.float64' }).precision!;
    expect(wide).toMatchObject({ dtype: 'float32', scalarDtype: 'float64', u: 2 ** -24, relative: 2 ** -20 });
    expect(wide.basis).toMatch(/16 u of float32/);
    const unknown = precisionOf({ scalarDtype: 'int8' });
    expect(unknown.precision).toBeUndefined();
    for (const c of unknown.claims) {
      expect(c.status).toBe('undecided');
      expect(c.reason).toMatch(/scalarDtype "int8" has no known precision \(one of float64, float32, float16, bfloat16\)/);
    }
    expect(claim(precisionOf({ dtype: 'int8' }), 'L34').reason).toMatch(/dtype "int8" has no known precision \(one of float64, float32, float16, bfloat16\)/);
  });

  it('scalars reduced in a narrower dtype than the tensors (mixed precision) resolve only to that dtype: 1024 u of it', () => {
    const p = precisionOf({ dtype: 'float32', scalarDtype: 'bfloat16' }).precision!;
    expect(p).toMatchObject({ dtype: 'float32', scalarDtype: 'bfloat16', u: 2 ** -24, relative: 1024 * 2 ** -8 });
    expect(p.basis).toMatch(/bfloat16 reductions: 512 ulps of bfloat16 \(narrower than the float32 tensors\)/);
    expect(precisionOf({ dtype: 'float64', scalarDtype: 'float32' }).precision).toMatchObject({ u: 2 ** -53, relative: 2 ** -14 });
    // J recorded in float16 moves by one float16 ulp (2^-9 at J ~ 3): never a violation; in float32 it would be
    const steps = goodSteps(10);
    steps[5]!.J = steps[4]!.J + 2 ** -9;
    const h = { ...header, dtype: 'float32', scalarDtype: 'float16' };
    expect(claim(verifyTrace(traceOf(h, steps)), 'L34').violations).toBe(0);
    expect(claim(verifyTrace(traceOf({ ...h, scalarDtype: 'float32' }, steps)), 'L34').violations).toBe(1);
  });

  it('--tol replaces the resolution of the scalars, not the unit roundoff of the iterate', () => {
    const p = precisionOf({ dtype: 'float32', scalarDtype: 'float64' }, { relative: 1e-3 }).precision!;
    expect(p).toMatchObject({ dtype: 'float32', scalarDtype: 'float64', u: 2 ** -24, relative: 1e-3 });
    expect(p.basis).toMatch(/--tol 0\.001/);
  });
});
