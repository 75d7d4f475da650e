import { describe, expect, it } from 'vitest';
import { float64 } from '../numeric/float64.ts';
import { eta8 } from '../theory/trace-sides.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
