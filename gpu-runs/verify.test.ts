import { describe, expect, it } from 'vitest';
import { float64 } from '../numeric/float64.ts';
import { eta8 } from '../theory/trace-sides.ts';
import { parseTrace, type Trace } from './trace-reader.ts';
import { TRACE_FORMAT, TRACE_SCHEMA, type StepRecord, type TraceHeader } from './trace.ts';
import { DEFAULT_TOLERANCE, MAX_SERIES_POINTS, downsampleIndices, verifyTrace } from './verify.ts';

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
  dtype: 'float32',
};

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

function traceOf(h: TraceHeader, steps: StepRecord[]): Trace {
  const text = [h, ...steps].map((o) => JSON.stringify(o)).join('\n') + '\n';
  return parseTrace(text, 'synthetic.jsonl');
}

const status = (e: ReturnType<typeof verifyTrace>) => Object.fromEntries(e.claims.map((c) => [c.id, c.status]));

describe('verifyTrace', () => {
  it('verifies a run that follows (8) and descends', () => {
    const e = verifyTrace(traceOf(header, goodSteps(50)));
    expect(status(e)).toEqual({ L34: 'verified', GV: 'verified', T10: 'verified', T35: 'verified' });
    const l34 = e.claims.find((c) => c.id === 'L34')!;
    expect(l34.stepsChecked).toBe(50);
    expect(l34.worstSlack).toBeGreaterThan(0);
    expect(e.series.gvBound).toHaveLength(51);
    expect(e.series.t10Bound).toHaveLength(51);
  });

  it('reports a step whose J rises as an L34 violation, naming the first step', () => {
    const steps = goodSteps(20);
    steps[8]!.J = steps[7]!.J + 1e-3; // step 7 -> 8 goes up
    const e = verifyTrace(traceOf(header, steps));
    const l34 = e.claims.find((c) => c.id === 'L34')!;
    expect(l34.status).toBe('violated');
    expect(l34.firstViolation).toBe(7);
    expect(l34.violations).toBe(1);
    expect(l34.worstSlack).toBeLessThan(0);
  });

  it('tolerates float32 noise below the tolerance and not above it', () => {
    const base = goodSteps(4);
    const bound = (s: StepRecord) => s.J - (s.eta / 4) * s.gradJsq;
    const within = goodSteps(4);
    within[2]!.J = bound(base[1]!) + 0.5 * DEFAULT_TOLERANCE.relative * 2 * bound(base[1]!);
    const l34w = verifyTrace(traceOf(header, within)).claims.find((c) => c.id === 'L34')!;
    expect(l34w.status).toBe('verified');
    expect(l34w.reason).toMatch(/within the float32 tolerance/);
    const beyond = goodSteps(4);
    beyond[2]!.J = bound(base[1]!) + 4 * DEFAULT_TOLERANCE.relative * bound(base[1]!);
    expect(verifyTrace(traceOf(header, beyond)).claims.find((c) => c.id === 'L34')!.status).toBe('violated');
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
    const info = verifyTrace(traceOf({ ...header, rule: 'const:0.1' }, rising)).claims.find((c) => c.id === 'L34')!;
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
    expect(e.series.t[0]).toBe(0);
    expect(e.series.t[e.series.t.length - 1]).toBe(2000);
    expect(downsampleIndices(3)).toEqual([0, 1, 2]);
    // the running minimum is taken before downsampling
    expect(e.series.minGradJsq[e.series.minGradJsq.length - 1]).toBeCloseTo(0.2 / 2001, 12);
  });
});
