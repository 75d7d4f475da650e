/**
 * The RAC-LoRA family's claims on hand-written traces (gpu-runs/verify-family.ts): RAC.step and
 * RAC.sum on rac / full traces, LORA.rank on lora traces that state the rank-r bound, the
 * "below the bound" information for the methods it does not bind, and the distance to the FPFT
 * optimum. Each noise term of README "Precision" is checked where it dominates, with the slack
 * at a fraction of its budget (tolerated) and beyond it (violated).
 */
import { describe, expect, it } from 'vitest';
import { parseTrace, type Trace } from './trace-reader.ts';
import { TRACE_FORMAT, TRACE_SCHEMA, type StepRecord, type TraceHeader } from './trace.ts';
import { verifyTrace } from './verify.ts';

const base: TraceHeader = {
  type: 'header',
  format: TRACE_FORMAT,
  schema: TRACE_SCHEMA,
  workload: 'quadratic',
  m: 2,
  n: 3,
  r: 1,
  L: 1,
  Lstar: 0,
  rule: 'const:0.5',
  batch: 'full',
  dtype: 'float64',
};
const rac: TraceHeader = { ...base, method: 'rac', sketch: 'left', W0sq: 1 };
/** The float32 trainer: float32 tensors, scalars summed in float64 (resolution 2^-20 = 16 u). */
const sums = { dtype: 'float32', scalarDtype: 'float64' };
const U32 = 2 ** -24;

type Rec = Partial<StepRecord> & { J: number };

function racRec(t: number, s: Rec): StepRecord {
  const gradJsq = s.gradJsq ?? 1;
  const gamma = s.gamma ?? 0.5;
  return { type: 'step', t, Vsq: 0.1 * t, Gnorm: Math.sqrt(gradJsq), gradJsq, eta: gamma, gamma, HgradSq: 0.5 * gradJsq, time_ms: t, ...s };
}

/** A rac run that descends 1.5 times what RAC.step promises: f_{t+1} = f_t - 1.5 gamma (1 - L gamma/2) ||H grad f||^2. */
function racRun(T: number, gamma = 0.5, Lloss = 1): StepRecord[] {
  const out: StepRecord[] = [];
  let J = 3;
  for (let t = 0; t <= T; t++) {
    const s = racRec(t, { J, gradJsq: 1 / (1 + t), gamma });
    out.push(s);
    J -= 1.5 * gamma * (1 - (Lloss * gamma) / 2) * s.HgradSq!;
  }
  return out;
}

const summaryOf = (steps: StepRecord[]) => ({ type: 'summary', steps: Math.max(0, steps.length - 1), finalJ: steps.at(-1)?.J ?? null, diverged: false, wall_ms: 1 });

function traceOf(h: TraceHeader, steps: StepRecord[], opts: { summary?: boolean } = {}): Trace {
  const lines = [h, ...steps, ...(opts.summary === false ? [] : [summaryOf(steps)])];
  return parseTrace(lines.map((o) => JSON.stringify(o)).join('\n') + '\n', 'family.jsonl');
}

const claim = (h: TraceHeader, steps: StepRecord[], id: string, opts: { summary?: boolean } = {}) => verifyTrace(traceOf(h, steps, opts)).claims.find((c) => c.id === id);

describe('RAC.step and RAC.sum', () => {
  it('verify a rac run that descends more than promised; the four LoRA claims are not applicable', () => {
    const e = verifyTrace(traceOf(rac, racRun(20)));
    const byId = Object.fromEntries(e.claims.map((c) => [c.id, c]));
    expect(byId['RAC.step']).toMatchObject({ status: 'verified', checked: 20, resolved: 20, violations: 0 });
    expect(byId['RAC.sum']).toMatchObject({ status: 'verified', checked: 20, violations: 0 });
    expect(byId['L34']!.status).toBe('not applicable');
    expect(byId['LORA.rank']).toBeUndefined(); // no rank bound in the header
  });

  it('RAC.step: a step that descends less than promised is violated, naming the inequality', () => {
    const steps = racRun(10);
    for (let t = 5; t <= 10; t++) steps[t]!.J += 0.2; // step 4 -> 5 goes up
    const c = claim(rac, steps, 'RAC.step')!;
    expect(c).toMatchObject({ status: 'violated', violations: 1, firstViolation: 4 });
    expect(c.reason).toMatch(/worst: f\(W\) - f\(W - gamma H grad f\) >= gamma \(1 - L gamma\/2\) \|\|H grad f\|\|\^2/);
  });

  it('RAC.sum: the running sum of ||H grad f||^2 against 2 (f(W^0) - f*) / gamma, naming the worst prefix', () => {
    // f* = 2.9: 2 (f0 - f*) / gamma = 0.4; the sum 0.5 + 0.25 + ... passes 0.4 at T = 1
    const c = claim({ ...rac, Lstar: 2.9 }, racRun(6), 'RAC.sum')!;
    expect(c).toMatchObject({ status: 'violated', firstViolation: 0, violations: 6, checked: 6 });
    expect(c.reason).toMatch(/worst: T = 6: sum_t \|\|H_t grad f\(W_t\)\|\|\^2 <= 2 \(f\(W\^0\) - f\*\) \/ gamma/);
    // f* = 2.75: 2 (f0 - f*) / gamma = 1; the sum 0.5 (1 + 1/2 + ... + 1/T) passes it first at T = 4 (1.04)
    const late = claim({ ...rac, Lstar: 2.75 }, racRun(6), 'RAC.sum')!;
    expect(late).toMatchObject({ status: 'violated', firstViolation: 3, violations: 3 });
    expect(late.reason).toMatch(/worst: T = 6:/);
  });

  it('gamma, where recorded, is the step (not eta); L is the loss\'s own Lloss', () => {
    // a run of gamma = 0.1 with eta = 0.6 recorded beside it: the promise and the constant step are gamma's
    // (with eta, 0.6 (1 - 0.6) ||H grad f||^2 would exceed the descent, and 0.6 > 1/Lloss)
    const h = { ...rac, L: 1, Lloss: 2 };
    const e = verifyTrace(traceOf(h, racRun(6, 0.1, 2).map((s) => ({ ...s, eta: 0.6 }))));
    expect(e.claims.find((c) => c.id === 'RAC.step')).toMatchObject({ status: 'verified', violations: 0 });
    expect(e.claims.find((c) => c.id === 'RAC.sum')!.status).toBe('verified');
    // gamma = 0.6 > 1/Lloss = 0.5 (with L = 1 it would be within 1/L)
    const big = claim(h, racRun(4, 0.6, 2), 'RAC.sum')!;
    expect(big.status).toBe('not applicable');
    expect(big.reason).toMatch(/gamma = 0\.6000 > 1\/L = 0\.5000: RAC.sum assumes gamma <= 1\/L/);
    expect(big.reason).toMatch(/for information only, the inequality holds at all 4 prefixes/);
    // gamma = 1/L exactly is allowed
    expect(claim(h, racRun(4, 0.5, 2), 'RAC.sum')!.status).toBe('verified');
    // without Lloss, L
    expect(claim({ ...rac, L: 1 }, racRun(4, 0.6, 1), 'RAC.sum')!.status).toBe('verified');
    expect(claim({ ...rac, L: 4, Lloss: 1 }, racRun(4, 0.6, 1), 'RAC.sum')!.status).toBe('verified');
  });

  it('RAC.sum: the last record\'s gamma maps to no step (README, trace format), so it neither varies gamma nor exceeds 1/L', () => {
    for (const last of [0, 0.3, 5]) {
      const steps = racRun(5, 0.5);
      steps[5] = { ...steps[5]!, gamma: last, eta: last };
      expect(claim(rac, steps, 'RAC.sum'), `last gamma ${last}`).toMatchObject({ status: 'verified', checked: 5 });
    }
  });

  it('RAC.sum is stated for one constant gamma: a varying one (the first step included) is not applicable', () => {
    const steps = racRun(6, 0.2);
    steps[0] = racRec(0, { J: 3, gradJsq: 1, gamma: 0.1 });
    const c = claim(rac, steps, 'RAC.sum')!;
    expect(c.status).toBe('not applicable');
    expect(c.reason).toMatch(/^gamma varies along the run \(0\.1000 to 0\.2000\): RAC.sum is stated for one constant gamma; for information only, the inequality holds at all 6 prefixes/);
    expect(claim(rac, steps, 'RAC.step')!.status).toBe('verified');
    // f* = 2.95: the bound is 1 at T = 1 (gamma 0.1), then 0.5; the sum 0.5, 0.75, ... fails from T = 2
    const failing = claim({ ...rac, Lstar: 2.95 }, steps, 'RAC.sum')!;
    expect(failing.reason).toMatch(/for information only, the inequality fails at 5 of 6 prefixes \(first T = 2\)/);
  });

  it('the promise decides resolution: a step exactly as promised is resolved; a non-positive promise leaves the slack to decide', () => {
    // exactly the promise (slack 0): resolved by the promise
    const exact: StepRecord[] = [];
    for (let t = 0, J = 3; t <= 4; t++) {
      const s = racRec(t, { J, gradJsq: 1 });
      exact.push(s);
      J -= 0.5 * (1 - 0.25) * s.HgradSq!;
    }
    expect(claim(rac, exact, 'RAC.step')).toMatchObject({ status: 'verified', resolved: 4, violations: 0 });
    // ||H grad f||^2 = 0 promises nothing: a step that still descends is resolved by its slack
    const flatH = racRun(4).map((s) => ({ ...s, HgradSq: 0 }));
    expect(claim(rac, flatH, 'RAC.step')).toMatchObject({ status: 'verified', resolved: 4 });
    // gamma = 3 > 2/L: the promise gamma (1 - L gamma/2) ||H grad f||^2 is negative, a descent still resolves
    const big = racRun(4, 3).map((s) => ({ ...s, J: 3 - 0.01 * s.t }));
    expect(claim(rac, big, 'RAC.step')).toMatchObject({ status: 'verified', resolved: 4 });
    // and a J that does not move at all is unresolved
    const flat = racRun(4).map((s) => ({ ...s, J: 3, HgradSq: 0 }));
    expect(claim(rac, flat, 'RAC.step')).toMatchObject({ status: 'undecided', resolved: 0, unresolved: 4 });
  });

  it('when RAC.step and RAC.sum do not apply: mini-batch, one record, no HgradSq (full uses ||grad f||^2)', () => {
    const mini = claim({ ...rac, batch: 8 }, racRun(4), 'RAC.step')!;
    expect(mini).toMatchObject({ status: 'not applicable', checked: 0 });
    expect(mini.reason).toMatch(/^mini-batch \(batch 8\): RAC.step and RAC.sum are about full-gradient steps/);
    expect(claim({ ...rac, batch: 8 }, racRun(4), 'RAC.sum')!.status).toBe('not applicable');
    const one = claim(rac, racRun(0), 'RAC.sum')!;
    expect(one).toMatchObject({ status: 'not applicable' });
    expect(one.reason).toMatch(/^only 1 step record\(s\): nothing to check/);
    expect(claim(rac, racRun(1), 'RAC.step')).toMatchObject({ status: 'verified', checked: 1 });
    const noH = racRun(4).map(({ HgradSq: _, ...s }) => s as StepRecord);
    for (const id of ['RAC.step', 'RAC.sum']) {
      const c = claim(rac, noH, id)!;
      expect(c.status).toBe('not applicable');
      expect(c.reason).toMatch(/the records carry no HgradSq \(\|\|H_t grad f\|\|\^2\), first at t = 0/);
    }
    // FPFT's H is the identity: ||grad f||^2 is the projected gradient (here 2x the rac run's HgradSq: it descends 0.75 of the promise)
    const full = noH.map((s, t) => ({ ...s, J: 3 - t * 0.01 }));
    expect(claim({ ...rac, method: 'full' }, full, 'RAC.step')!.status).toBe('violated');
    const fullOk = racRun(4).map((s) => ({ ...s, gradJsq: s.HgradSq!, Gnorm: Math.sqrt(s.HgradSq!) })).map(({ HgradSq: _, ...s }) => s as StepRecord);
    expect(claim({ ...rac, method: 'full' }, fullOk, 'RAC.step')).toMatchObject({ status: 'verified', checked: 4 });
  });

  it('an unknown dtype leaves them undecided; a truncated trace says so first', () => {
    const c = claim({ ...rac, dtype: 'int8' }, racRun(4), 'RAC.step')!;
    expect(c).toMatchObject({ status: 'undecided', resolved: 0, unresolved: 4 });
    expect(c.reason).toMatch(/dtype "int8" has no known precision/);
    // an undecided verdict names the dtype it was judged in
    const flat = racRun(4).map((s) => ({ ...s, J: 3, HgradSq: 0 }));
    expect(claim({ ...rac, ...sums }, flat, 'RAC.step')!.reason).toMatch(/verified needs at least 90 % in float32/);
    for (const id of ['RAC.step', 'RAC.sum']) expect(claim(rac, racRun(4), id, { summary: false })!.reason).toMatch(/^truncated trace: no summary line, the records end at t = 4/);
  });
});

describe('the noise budget of RAC.step: res (|f_t| + |f_{t+1}| + |rhs|) + 2u (||W_{t+1} - W0|| + ||W0||) ||grad f|| + 4 (m + n) u gamma ||grad f|| ||H grad f||', () => {
  /** Violations of one rac step from p with the slack at -f times the budget (computed from the documented formula). */
  function violations(h: TraceHeader, rho: number, u: number, p: StepRecord, next: Partial<StepRecord>, f: number): number {
    const gamma = p.gamma!;
    const Lloss = (h.Lloss as number | undefined) ?? h.L;
    const rhs = gamma * (1 - (Lloss * gamma) / 2) * p.HgradSq!;
    const J1 = p.J - rhs; // slack 0
    const W0 = Math.sqrt((h.W0sq as number | undefined) ?? 0);
    const Vsq1 = next.Vsq ?? p.Vsq;
    const grad1 = next.gradJsq ?? p.gradJsq;
    const budget =
      rho * (Math.abs(p.J) + Math.abs(J1) + Math.abs(rhs)) +
      2 * u * (Math.sqrt(Vsq1) + W0) * Math.sqrt(Math.max(p.gradJsq, grad1)) +
      4 * (h.m + h.n) * u * gamma * Math.sqrt(p.gradJsq * p.HgradSq!);
    const s1 = racRec(1, { ...p, ...next, t: 1, time_ms: 1, J: J1 + f * budget, Vsq: Vsq1, gradJsq: grad1, Gnorm: Math.sqrt(grad1) });
    return claim(h, [p, s1], 'RAC.step')!.violations;
  }

  it('the scalars dominate (float32 reductions, f ~ 3)', () => {
    const h = { ...rac, dtype: 'float32', W0sq: 0 };
    const p = racRec(0, { J: 3, Vsq: 0.01, gradJsq: 0.01, gamma: 0.5 });
    expect(violations(h, 2 ** -14, U32, p, {}, 0.5)).toBe(0);
    expect(violations(h, 2 ** -14, U32, p, {}, 2)).toBe(1);
  });

  it('the promised decrease is half of the scalars\' share when f_t = rhs/2 and f_{t+1} = -rhs/2', () => {
    const h = { ...rac, dtype: 'float32', W0sq: 0 };
    const p0 = racRec(0, { J: 0, Vsq: 0.01, gradJsq: 0.01, gamma: 0.5 });
    const p = { ...p0, J: (0.5 * 0.75 * p0.HgradSq!) / 2 };
    expect(violations(h, 2 ** -14, U32, p, {}, 0.75)).toBe(0);
    expect(violations(h, 2 ** -14, U32, p, {}, 1.5)).toBe(1);
  });

  it('the rounding of the stored W_{t+1} dominates: ||W0|| = 1000 and the larger gradient (at t + 1)', () => {
    const h = { ...rac, ...sums, W0sq: 1e6 };
    const p = racRec(0, { J: 1e-3, Vsq: 1e-4, gradJsq: 1, gamma: 0.01 });
    expect(violations(h, 2 ** -20, U32, p, { gradJsq: 100 }, 0.5)).toBe(0);
    expect(violations(h, 2 ** -20, U32, p, { gradJsq: 100 }, 2)).toBe(1);
  });

  it('H applied in float32 dominates: 4 (m + n) u gamma ||grad f|| ||H grad f|| with m + n = 200', () => {
    const h = { ...rac, ...sums, m: 100, n: 100, W0sq: 0 };
    const p = racRec(0, { J: 1e-3, Vsq: 1e-6, gradJsq: 1, HgradSq: 0.25, gamma: 0.1 });
    expect(violations(h, 2 ** -20, U32, p, {}, 0.5)).toBe(0);
    expect(violations(h, 2 ** -20, U32, p, {}, 2)).toBe(1);
  });
});

describe('LORA.rank', () => {
  const lora: TraceHeader = { ...base, rule: 'theory', rankBound: 1, rankBoundMethod: 'Eckart-Young', distance: 'exact' };
  const loraRec = (t: number, s: Partial<StepRecord>): StepRecord => ({ type: 'step', t, J: 2, Vsq: 1, Gnorm: 1, gradJsq: 1, eta: 0.01, time_ms: t, ...s });

  /** LORA.rank on one record with J (or the distance) below its bound by f times the documented budget. */
  function below(h: TraceHeader, rho: number, u: number, s: Partial<StepRecord>, what: 'J' | 'dist', f: number) {
    const wNoise = ((h.r + 1) * u * s.Vsq!) / 2;
    if (what === 'J') {
      const b = h.rankBound as number;
      const budget = rho * (b + b) + s.Gnorm! * wNoise;
      return claim(h, [loraRec(0, { ...s, J: b - f * budget })], 'LORA.rank')!;
    }
    const b = h.rankBoundDistSq as number;
    const budget = rho * (b + b) + 2 * Math.sqrt(b) * wNoise;
    return claim(h, [loraRec(0, { ...s, distSq: b - f * budget })], 'LORA.rank')!;
  }

  it('J_t >= rankBound: the scalars dominate (float32 reductions)', () => {
    const h = { ...lora, dtype: 'float32', rankBound: 2 };
    expect(below(h, 2 ** -14, U32, { Vsq: 1e-2, Gnorm: 0.1 }, 'J', 0.5)).toMatchObject({ status: 'undecided', violations: 0 });
    expect(below(h, 2 ** -14, U32, { Vsq: 1e-2, Gnorm: 0.1 }, 'J', 2)).toMatchObject({ status: 'violated', violations: 1, firstViolation: 0 });
  });

  it('J_t >= rankBound: the rounding of W = W0 + BA dominates, (r + 1) u ||V||^2 / 2 times ||G|| (r = 1 and r = 3)', () => {
    for (const r of [1, 3]) {
      const h = { ...lora, ...sums, r, rankBound: 1 };
      expect(below(h, 2 ** -20, U32, { Vsq: 100, Gnorm: 100 }, 'J', 0.6).violations, `r = ${r}`).toBe(0);
      expect(below(h, 2 ** -20, U32, { Vsq: 100, Gnorm: 100 }, 'J', 1.6).violations, `r = ${r}`).toBe(1);
    }
  });

  it('||W_t - W*||^2 >= rankBoundDistSq: the scalars, then the rounding of W times 2 ||W - W*||', () => {
    const h = { ...lora, dtype: 'float32', rankBound: 0, rankBoundDistSq: 4 };
    expect(below(h, 2 ** -14, U32, { Vsq: 1e-2, Gnorm: 0.1 }, 'dist', 0.5).violations).toBe(0);
    expect(below(h, 2 ** -14, U32, { Vsq: 1e-2, Gnorm: 0.1 }, 'dist', 2).violations).toBe(1);
    // ||V||^2 = 1e4: the rounding of W, 2 ||W - W*|| (r + 1) u ||V||^2 / 2 = 2e5 u, against 16 u (100 + 100)
    const w = { ...lora, ...sums, rankBound: 0, rankBoundDistSq: 100 };
    expect(below(w, 2 ** -20, U32, { Vsq: 1e4, Gnorm: 1 }, 'dist', 0.5).violations).toBe(0);
    const v = below(w, 2 ** -20, U32, { Vsq: 1e4, Gnorm: 1 }, 'dist', 2);
    expect(v.violations).toBe(1);
    expect(v.reason).toMatch(/worst: \|\|W_t - W\*\|\|\^2 >= 100\.0 \(Eckart-Young\)/);
    const j = below({ ...lora, dtype: 'float32', rankBound: 2 }, 2 ** -14, U32, { Vsq: 1e-2, Gnorm: 0.1 }, 'J', 2);
    expect(j.reason).toMatch(/worst: J_t >= 2\.000 \(the rank-1 bound\)/);
  });

  it('checks each record that carries the quantity: J always, the distance where both it and its bound exist', () => {
    const steps = [0, 1, 2, 3].map((t) => loraRec(t, { J: 2 - t * 0.1, distSq: 5 - t }));
    // a distance without its bound, a bound without the distance: J alone is checked
    expect(claim(lora, steps, 'LORA.rank')).toMatchObject({ status: 'verified', checked: 4, resolved: 4 });
    const noDist = steps.map(({ distSq: _, ...s }) => s as StepRecord);
    expect(claim({ ...lora, rankBoundDistSq: 3 }, noDist, 'LORA.rank')).toMatchObject({ status: 'verified', checked: 4 });
    expect(claim({ ...lora, rankBoundDistSq: 3 }, steps, 'LORA.rank')).toMatchObject({ status: 'violated', firstViolation: 3, violations: 1 });
    // the header's method absent: a LoRA run, bound by the rank
    const { method: _, ...noMethod } = { ...lora, method: undefined };
    expect(claim(noMethod as TraceHeader, steps, 'LORA.rank')!.status).toBe('verified');
    expect(claim({ ...lora, method: 'asym' }, steps, 'LORA.rank')!.status).toBe('verified');
    // J below the bound is a violation for lora
    expect(claim({ ...lora, rankBound: 1.85 }, steps, 'LORA.rank')).toMatchObject({ status: 'violated', firstViolation: 2, violations: 2 });
  });

  it('mini-batch with fullJEvery: the full-data fullJ where recorded, never the batch J', () => {
    const h = { ...lora, batch: 4, fullJEvery: 2 };
    // the batch loss dips below the bound; the full loss (t = 0, 2, 4) stays above it
    const steps = [0, 1, 2, 3, 4].map((t) => loraRec(t, { J: t % 2 ? 0.5 : 1.5, ...(t % 2 ? {} : { fullJ: 1.5 }) }));
    expect(claim(h, steps, 'LORA.rank')).toMatchObject({ status: 'verified', checked: 3, resolved: 3 });
    const dips = steps.map((s) => (s.t === 4 ? { ...s, fullJ: 0.9 } : s));
    expect(claim(h, dips, 'LORA.rank')).toMatchObject({ status: 'violated', firstViolation: 4 });
    // without fullJEvery, J is the full loss
    expect(claim(lora, [0, 1, 2].map((t) => loraRec(t, { J: 1.5 })), 'LORA.rank')).toMatchObject({ status: 'verified', checked: 3 });
  });

  it('methods not bound by the rank: for information, from which record J and ||W - W*||^2 go below it', () => {
    const h = { ...lora, rankBoundDistSq: 2 };
    // J: 1.2, 1.1, 1 (equal: not below), 0.9 ...; distance: 5, 4, 3, 2 (equal), 1
    const steps = [0, 1, 2, 3, 4, 5].map((t) => loraRec(t, { J: 1.2 - 0.1 * t, distSq: Math.max(5 - t, 0) }));
    steps[2]!.J = 1;
    steps[3]!.J = 0.9;
    for (const method of ['cola', 'rac', 'full']) {
      const c = claim({ ...h, method }, steps, 'LORA.rank')!;
      expect(c).toMatchObject({ status: 'not applicable', checked: 0, violations: 0 });
      expect(c.reason).toMatch(new RegExp(`^method ${method} is not bound by the rank of one adapter .*; for information, it goes below LoRA's rank-1 bound \\(J from t = 3, \\|\\|W - W\\*\\|\\|\\^2 from t = 4\\)$`));
    }
    const jOnly = claim({ ...lora, method: 'cola' }, steps, 'LORA.rank')!;
    expect(jOnly.reason).toMatch(/\(J from t = 3\)$/);
    const distOnly = claim({ ...h, method: 'cola', rankBound: 0 }, steps, 'LORA.rank')!;
    expect(distOnly.reason).toMatch(/bound \(\|\|W - W\*\|\|\^2 from t = 4\)$/);
    const above = claim({ ...h, method: 'cola', rankBound: 0, rankBoundDistSq: 0 }, steps, 'LORA.rank')!;
    expect(above.reason).toMatch(/it stays above LoRA's rank-1 bound at all 6 records$/);
  });

  it('a header that says the bound was not computed gets "not checked", never silence; a truncated trace says so first', () => {
    const { rankBound: _, ...h } = lora;
    const c = claim(h as TraceHeader, [loraRec(0, {}), loraRec(1, {})], 'LORA.rank')!;
    expect(c.status).toBe('not applicable');
    expect(c.reason).toMatch(/^not checked: the header states no rank-1 bound \(Eckart-Young\)/);
    expect(claim(lora, [loraRec(0, {}), loraRec(1, {})], 'LORA.rank', { summary: false })!.reason).toMatch(/^truncated trace: .*the records end at t = 1/);
    const cola = claim({ ...lora, method: 'cola' }, [loraRec(0, {})], 'LORA.rank', { summary: false })!;
    expect(cola.reason).toMatch(/^truncated trace: no summary line, the records end at t = 0, so this covers only that prefix; method cola is not bound/);
  });
});

describe('the distance to the FPFT optimum', () => {
  const at = (d: (number | undefined)[], h: Partial<TraceHeader> = {}) =>
    verifyTrace(traceOf({ ...base, rule: 'theory', ...h }, d.map((x, t) => ({ type: 'step', t, J: 2, Vsq: 1, Gnorm: 1, gradJsq: 1, eta: 0.01, time_ms: t, ...(x === undefined ? {} : { distSq: x }) }) as StepRecord)));

  it('first, last, the smallest and its first record, beside the rank-r bounds', () => {
    const o = at([5, 3, 4, 3, 6], { rankBound: 1, rankBoundDistSq: 2 }).optimum!;
    expect(o).toMatchObject({ distSq0: 5, distSqFinal: 6, distSqMin: 3, tMin: 1, rankBoundJ: 1, rankBoundDistSq: 2 });
    expect(o.note).toMatch(/from 5\.000 to 6\.000 \(smallest 3\.000 at t = 1\); LoRA at rank 1 cannot go below 2\.000 \(Eckart-Young\)/);
    // records without the distance are skipped; no bound in the header, none in the entry
    const later = at([undefined, 7, 2, 9]).optimum!;
    expect(later).toEqual({ distSq0: 7, distSqFinal: 9, distSqMin: 2, tMin: 2, note: expect.stringMatching(/^\|\|W_t - W\*\|\|\^2 from 7\.000 to 9\.000 \(smallest 2\.000 at t = 2\)$/) });
    const jOnly = at([4, 3], { rankBound: 1 }).optimum!;
    expect(jOnly).toMatchObject({ rankBoundJ: 1 });
    expect(jOnly.rankBoundDistSq).toBeUndefined();
    expect(jOnly.note).not.toMatch(/cannot go below/);
    expect(at([undefined, undefined]).optimum).toBeUndefined();
  });
});

describe('the growth fit of another method', () => {
  it("names what the method records as Vsq and leaves out GV's slope, which bounds LoRA's ||V_t||^2 only", () => {
    const e = verifyTrace(traceOf(rac, racRun(6)));
    expect(e.fits!.vsqSlope).toBeCloseTo(0.1, 12);
    expect(e.fits!.gvSlope).toBeUndefined();
    expect(e.fits!.note).toMatch(/^\|\|W_t - W_0\|\|\^2 grows at 0\.1000 per step \(GV, LoRA's bound on \|\|V_t\|\|\^2, does not apply to method rac\)/);
    const asym = verifyTrace(traceOf({ ...base, method: 'asym' }, racRun(6).map(({ HgradSq: _h, gamma: _g, ...s }) => s)));
    expect(asym.fits!.note).toMatch(/^\|\|B_t\|\|\^2 \+ \|\|A\|\|\^2 grows at .* does not apply to method asym/);
    // a LoRA trace keeps both
    const lora = verifyTrace(traceOf({ ...base, rule: 'theory' }, racRun(6).map(({ HgradSq: _h, gamma: _g, ...s }) => s)));
    expect(lora.fits!.gvSlope).toBeGreaterThan(0);
    expect(lora.fits!.note).toMatch(/GV allows 1\/\(4 sqrt2 L\)/);
  });
});
