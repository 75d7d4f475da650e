/**
 * Fixed-size classes of claim inputs whose numbers are variables: a 1x1 quadratic loss
 * 1/2 h (W - c)^2 with V = [b; a] is five reals (h, c, L, b, a), and the claim's own
 * comparisons over the symbolic field are then a formula in them. Unsat of its negation proves
 * the claim for every input of the class ("proved for m = n = r = 1 quadratics"); a model is an
 * input of the claim itself, minimal in size by construction, which `check --input` replays.
 *
 * The loss family is the one the generators draw (properties/losses.ts), with its hypotheses as
 * relations among the variables, as numeric/losses defines them (theory/_internals/hyp.ts
 * decides the same from numbers): convex quadratics (h_i >= 0) with H = diag(h), `smooth`
 * L >= max h_i (quadraticSmoothness), `L_ge_1` L >= 1, `lower_bound` L* <= 0 = inf
 * (quadraticInfimum), each kept unless dropped. `eta_rule` dropped makes eta (or a run's
 * etaScale) a free positive variable; `symmetric` is M = M^T; `nonneg` is x1, x2 >= 0 (the
 * weights of Lemma A.1 are fixed per class). Every stated L is positive (descriptors require it).
 */
import type { Field, Num } from '../../numeric/field.ts';
import type { Matrix } from '../../numeric/matrix.ts';
import type { Assumption, Claim, HypothesisName, ScalarVariable } from '../../theory/claim.ts';

type V = (name: string) => Num;

export interface ClassTemplate {
  /** e.g. "m = n = r = 1 quadratics" */
  text: string;
  vars: ScalarVariable[];
  /** The claim input with v(name) in place of each number. */
  input(v: V): unknown;
  /** The kept hypotheses (and what the family requires) as relations among the variables. */
  assumptions<T>(F: Field<T>, v: Readonly<Record<string, T>>): Assumption<T>[];
}

const real = (name: string, text = name): ScalarVariable => ({ name, sign: 'real', text });
const positive = (name: string, text = name): ScalarVariable => ({ name, sign: 'positive', text });

function mat(v: V, prefix: string, rows: number, cols: number): Matrix<Num> {
  const data: Num[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data.push(v(rows * cols === 1 ? prefix : `${prefix}${i + 1}${j + 1}`));
  return { rows, cols, data };
}

function matVars(prefix: string, rows: number, cols: number): ScalarVariable[] {
  const out: ScalarVariable[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out.push(real(rows * cols === 1 ? prefix : `${prefix}${i + 1}${j + 1}`));
  return out;
}

const cmp = <T>(from: string, label: string, lhs: T, rel: '<=' | '>=' | '=', rhs: T): Assumption<T> => ({ from, cmp: { label, lhs, rel, rhs } });

/**
 * A quadratic 1/2 <W - C, H (W - C)> on R^{m x n} with H = diag(h) (Q = I: for one entry that is
 * every quadratic; for two, a symbolic Householder reflector would cover every symmetric H but
 * makes the formulas too hard for the time budgets here, so the class says "H diagonal").
 */
interface QuadSpec {
  m: number;
  n: number;
  /** Names of the eigenvalues and of the centre. */
  h: string[];
  C: string;
}

function quadSpec(m: number, n: number, tag = ''): QuadSpec {
  const k = m * n;
  return {
    m,
    n,
    h: k === 1 ? [`h${tag}`] : Array.from({ length: k }, (_, i) => `h${tag}${i + 1}`),
    C: `c${tag}`,
  };
}

function quadVars(q: QuadSpec, hyps: HypothesisName[]): ScalarVariable[] {
  return [...q.h.map((h) => real(h)), ...matVars(q.C, q.m, q.n), positive('L'), ...(hyps.includes('lower_bound') ? [real('Lstar', 'L*')] : [])];
}

function quadDesc(q: QuadSpec, v: V, hyps: HypothesisName[]) {
  return {
    family: 'quadratic' as const,
    m: q.m,
    n: q.n,
    d: q.h.map(v),
    u: [],
    C: mat(v, q.C, q.m, q.n),
    L: v('L'),
    Lstar: hyps.includes('lower_bound') ? v('Lstar') : 0,
  };
}

/**
 * The loss family at a fixed size, as the generators draw it (properties/losses.ts): convex
 * (every h_i >= 0), and Assumptions 3.1-3.2 with the stated constants unless the hypothesis is
 * dropped, whether or not the claim names it: `smooth` L >= h_i (= max |h_i|), `L_ge_1` L >= 1,
 * `lower_bound` L* <= 0 = inf L (L* is a variable only where the claim names `lower_bound`,
 * else it is 0).
 */
function lossAssumptions<T>(F: Field<T>, v: Readonly<Record<string, T>>, h: string[], dropped: ReadonlySet<HypothesisName>): Assumption<T>[] {
  const out: Assumption<T>[] = h.map((name) => cmp('convex', `${name} >= 0`, v[name]!, '>=', F.zero));
  const L = v.L!;
  if (!dropped.has('smooth')) for (const name of h) out.push(cmp('smooth', `L >= ${name}`, L, '>=', v[name]!));
  if (!dropped.has('L_ge_1')) out.push(cmp('L_ge_1', 'L >= 1', L, '>=', F.one));
  if (v.Lstar !== undefined && !dropped.has('lower_bound')) out.push(cmp('lower_bound', 'L* <= 0 = inf L', v.Lstar, '<=', F.zero));
  return out;
}

function sizesText(m: number, n: number, r?: number): string {
  if (m === 1 && n === 1 && (r === undefined || r === 1)) return r === undefined ? 'm = n = 1' : 'm = n = r = 1';
  return r === undefined ? `m = ${m}, n = ${n}` : `m = ${m}, n = ${n}, r = ${r}`;
}

/** Sizes tried, smallest first: 1x1, then 1x2 and 2x1 (r = 1). */
const LORA_SIZES: [number, number][] = [
  [1, 1],
  [1, 2],
  [2, 1],
];

function loraClasses(claim: Claim, keep: Set<HypothesisName>, dropped: ReadonlySet<HypothesisName>, pair: boolean): ClassTemplate[] {
  const hyps = [...claim.hypotheses];
  const etaFree = hyps.includes('eta_rule') && !keep.has('eta_rule');
  return LORA_SIZES.map(([m, n]) => {
    const q = quadSpec(m, n);
    const Vs = pair ? ['V1_', 'V2_'] : [''];
    const vVars = Vs.flatMap((p) => [...matVars(`${p}b`, m, 1), ...matVars(`${p}a`, n, 1)]);
    const Vof = (v: V, p: string): Matrix<Num> => {
      const B = mat(v, `${p}b`, m, 1);
      const A = mat(v, `${p}a`, n, 1);
      return { rows: m + n, cols: 1, data: [...B.data, ...A.data] };
    };
    return {
      text: `${sizesText(m, n, 1)} quadratics${m * n > 1 ? ' with H diagonal' : ''}`,
      vars: [...quadVars(q, hyps), ...vVars, ...(etaFree ? [positive('eta', 'eta_t')] : [])],
      input: (v: V) =>
        pair
          ? { loss: quadDesc(q, v, hyps), V1: Vof(v, 'V1_'), V2: Vof(v, 'V2_') }
          : { loss: quadDesc(q, v, hyps), V: Vof(v, ''), ...(etaFree ? { eta: v('eta') } : {}) },
      assumptions: (F, v) => lossAssumptions(F, v, q.h, dropped),
    };
  });
}

function lossPointClasses(claim: Claim, dropped: ReadonlySet<HypothesisName>): ClassTemplate[] {
  const hyps = [...claim.hypotheses];
  return LORA_SIZES.map(([m, n]) => {
    const q = quadSpec(m, n);
    return {
      text: `${sizesText(m, n)} quadratics${m * n > 1 ? ' with H diagonal' : ''}`,
      vars: [...quadVars(q, hyps), ...matVars('w', m, n)],
      input: (v: V) => ({ loss: quadDesc(q, v, hyps), W: mat(v, 'w', m, n) }),
      assumptions: (F, v) => lossAssumptions(F, v, q.h, dropped),
    };
  });
}

function runClasses(claim: Claim, keep: Set<HypothesisName>, dropped: ReadonlySet<HypothesisName>): ClassTemplate[] {
  const hyps = [...claim.hypotheses];
  const etaFree = hyps.includes('eta_rule') && !keep.has('eta_rule');
  const q = quadSpec(1, 1);
  return [
    {
      text: 'm = n = r = 1 quadratics, T = 1 step',
      vars: [...quadVars(q, hyps), real('b'), real('a'), ...(etaFree ? [positive('etaScale')] : [])],
      input: (v: V) => ({ loss: quadDesc(q, v, hyps), V0: { rows: 2, cols: 1, data: [v('b'), v('a')] }, T: 1, ...(etaFree ? { etaScale: v('etaScale') } : {}) }),
      assumptions: (F, v) => lossAssumptions(F, v, q.h, dropped),
    },
  ];
}

/** Lemma A.2: M is (m+n) x (m+n) (square kind) or X is m x n (block kind). */
function squareClasses(claim: Claim, keep: Set<HypothesisName>): ClassTemplate[] {
  const symmetric = claim.hypotheses.includes('symmetric') && keep.has('symmetric');
  return LORA_SIZES.map(([m, n]) => {
    const k = m + n;
    return {
      text: `${sizesText(m, n)} (M is ${k} x ${k}${symmetric ? ', symmetric' : ''})`,
      vars: matVars('M', k, k),
      input: (v: V) => ({ m, n, M: mat(v, 'M', k, k) }),
      assumptions: (_F, v) => {
        const out: Assumption<any>[] = [];
        if (symmetric)
          for (let i = 1; i <= k; i++) for (let j = i + 1; j <= k; j++) out.push(cmp('symmetric', `M${i}${j} = M${j}${i}`, v[`M${i}${j}`], '=', v[`M${j}${i}`]));
        return out;
      },
    };
  });
}

function blockClasses(): ClassTemplate[] {
  return [
    [1, 1],
    [1, 2],
    [2, 2],
  ].map(([m, n]) => ({
    text: `${m} x ${n} matrices X`,
    vars: matVars('X', m!, n!),
    input: (v: V) => ({ X: mat(v, 'X', m!, n!) }),
    assumptions: () => [],
  }));
}

/** Weight ratios w1 : w2 of Lemma A.1 tried, each its own class (only the ratio matters). */
const AMGM_WEIGHTS: readonly [number, number][] = [
  [1, 1],
  [1, 2],
  [2, 1],
  [1, 3],
  [2, 3],
];

function amgmClasses(keep: Set<HypothesisName>): ClassTemplate[] {
  const nonneg = keep.has('nonneg');
  return AMGM_WEIGHTS.map(([w1, w2]) => ({
    text: `w1 : w2 = ${w1} : ${w2}`,
    vars: [nonneg ? { name: 'x1', sign: 'nonneg', text: 'x1' } : real('x1'), nonneg ? { name: 'x2', sign: 'nonneg', text: 'x2' } : real('x2')],
    input: (v: V) => ({ x1: v('x1'), x2: v('x2'), w1, w2 }),
    assumptions: () => [],
  }));
}

/** Two-matrix claims (Lemma 3.6, Sec. 3.2): W1, W2 are 1 x 1, H any symmetric 2 x 2. */
function twoQuad(v: V, hyps: HypothesisName[]) {
  return {
    family: 'two-quadratic' as const,
    m1: 1,
    n1: 1,
    m2: 1,
    n2: 1,
    d: [v('h1'), v('h2')],
    u: [],
    C1: { rows: 1, cols: 1, data: [v('c1')] },
    C2: { rows: 1, cols: 1, data: [v('c2')] },
    L: v('L'),
    Lstar: hyps.includes('lower_bound') ? v('Lstar') : 0,
  };
}

function twoClasses(claim: Claim, dropped: ReadonlySet<HypothesisName>): ClassTemplate[] {
  const hyps = [...claim.hypotheses];
  const lossVars = [real('h1'), real('h2'), real('c1'), real('c2'), positive('L'), ...(hyps.includes('lower_bound') ? [real('Lstar', 'L*')] : [])];
  const text = 'm1 = n1 = m2 = n2 = 1 two-matrix quadratics with H diagonal';
  const assumptions = <T>(F: Field<T>, v: Readonly<Record<string, T>>) => lossAssumptions(F, v, ['h1', 'h2'], dropped);
  if (claim.inputKind === 'two-pair')
    return [{ text, vars: [...lossVars, ...matVars('M', 2, 2), ...matVars('N', 2, 2)], input: (v) => ({ loss: twoQuad(v, hyps), M: mat(v, 'M', 2, 2), M2: mat(v, 'N', 2, 2) }), assumptions }];
  // two-lora: r1 = r2 = 1 (same_rank holds)
  const one = (v: V, name: string): Matrix<Num> => ({ rows: 1, cols: 1, data: [v(name)] });
  return [
    {
      text: `${text}, r1 = r2 = 1`,
      vars: [...lossVars, real('B1'), real('A1'), real('B2'), real('A2'), real('eta')],
      input: (v) => ({ loss: twoQuad(v, hyps), B1: one(v, 'B1'), A1: one(v, 'A1'), B2: one(v, 'B2'), A2: one(v, 'A2'), eta: v('eta') }),
      assumptions,
    },
  ];
}

/** The fixed-size classes of a claim's inputs with `dropped` left out, smallest first. */
export function classesFor(claim: Claim, dropped: ReadonlySet<HypothesisName>): ClassTemplate[] {
  const keep = new Set(claim.hypotheses.filter((h) => !dropped.has(h)));
  switch (claim.inputKind) {
    case 'lora':
      return loraClasses(claim, keep, dropped, false);
    case 'lora-pair':
      return loraClasses(claim, keep, dropped, true);
    case 'loss-point':
      return lossPointClasses(claim, dropped);
    case 'lora-run':
      return runClasses(claim, keep, dropped);
    case 'square':
      return squareClasses(claim, keep);
    case 'block':
      return blockClasses();
    case 'amgm':
      return amgmClasses(keep);
    case 'two-pair':
    case 'two-lora':
      return twoClasses(claim, dropped);
    default:
      return [];
  }
}
