/**
 * The report's data layer against answers worked out by hand, not by the code under test:
 * small result files written here (read through the loader's schema, as `loracheck report`
 * reads them), the verdict each claim must get from its checks, searches and proofs, the
 * counterexample and closest call it must show, certified ratios against the paper's constant,
 * how traces are grouped and labelled, and what "At a glance" must list. The rule behind every
 * expectation: the report never shows a stronger verdict than its evidence.
 */
import { describe, expect, it } from 'vitest';
import { PALETTE } from './charts.ts';
import { validate, type Loaded, type Warning } from './load.ts';
import { buildModel, type Model } from './model.ts';
import { renderReport } from './render.ts';
import { glanceSection, summarySection } from './sections/summary.ts';
import { tightnessSection } from './sections/tightness.ts';
import { ablationSection } from './sections/ablation.ts';

/** Reads hand-written documents through the schema; none of them may draw a warning. */
function load(files: Record<string, object>): Loaded {
  const warnings: Warning[] = [];
  const out = Object.entries(files).map(([name, doc]) => ({ name, data: validate(name, doc, warnings)! }));
  expect(warnings).toEqual([]);
  return { dir: 'hand', files: out, warnings };
}
const model = (files: Record<string, object>): Model => buildModel(load(files));
const glance = (m: Model): string => glanceSection(m)!.body.value;
const verdicts = (m: Model) => Object.fromEntries(m.claims.map((c) => [c.id, c.verdict]));

const env = (date?: string) => (date ? { date } : {});
/** A witness whose one relation fails (or holds): lhs 2 <= rhs 1. */
const witness = (claim: string, input: unknown, extra: object = {}) => ({
  claim,
  foundIn: 'exact',
  input,
  comparisons: [{ lhs: '2', rel: '<=', rhs: '1', holds: false, slack: -1, ratio: 2 }],
  dropped: [],
  seed: 7,
  shrunk: true,
  replay: `replay ${claim}`,
  ...extra,
});
const result = (id: string, mode: string, verdict: string, extra: object = {}) => ({ id, mode, verdict, cases: 10, nonTrivial: 9, undecided: 0, ...extra });
const checkFile = (date: string | undefined, ids: string[], results: object[]) => ({ kind: 'check', schema: 1, env: env(date), claims: ids.map((id) => ({ id })), results });
const tightenFile = (rows: object[]) => ({ kind: 'tighten', schema: 1, env: env('2026-01-01'), rows });
const searchFile = (claim: string, dropped: string[], cx?: object) => ({ kind: 'search', schema: 1, env: env('2026-01-01'), claim, dropped, cases: 100, ...(cx ? { counterexample: cx } : {}) });
const proof = (id: string, verdict: string, extra: object = {}) => ({ id, dropped: [], verdict, text: verdict, attempts: [], ...extra });
const proveFile = (date: string, claims: object[]) => ({ kind: 'prove', schema: 1, env: env(date), claims });

/** The claim ids of the glance's "Printed statements that fail" list, in order. */
function failingInGlance(m: Model): string[] {
  const g = glance(m);
  const i = g.indexOf('<ul class="failures">');
  if (i < 0) return [];
  const ul = g.slice(i, g.indexOf('</ul>', i));
  return [...ul.matchAll(/<li><a href="#[^"]*"><code class="id">([^<]*)<\/code>/g)].map((x) => x[1]!);
}
const card = (m: Model, v: string): number | undefined => {
  const x = new RegExp(`data-verdict="${v}"><div class="card-n">(\\d+)</div>`).exec(glance(m));
  return x ? Number(x[1]) : undefined;
};

describe('the verdict of a claim is never stronger than its evidence', () => {
  // built inside each test, so that coverage (and mutation testing) sees every test use it
  const build = () => model({
    'c.json': checkFile('2026-01-01', ['V', 'S', 'U', 'E', 'X', 'D', 'P', 'Q', 'R', 'U2', 'W', 'N'], [
      ...(['V exact verified', 'V float64 verified', 'S exact statistical', 'S float64 verified', 'U exact verified', 'U precise undecided', 'E exact error', 'E float64 undecided', 'X exact verified', 'D exact verified', 'P exact verified', 'Q exact verified'].map((t) => {
        const [id, mode, verdict] = t.split(' ');
        return result(id!, mode!, verdict!);
      })),
      result('R', 'exact', 'counterexample', { counterexample: witness('R', { x: 1 }) }),
      result('U2', 'exact', 'undecided'),
      result('W', 'exact', 'verified'),
      result('W', 'float64', 'counterexample', { counterexample: witness('W', { x: 2 }) }),
    ]),
    // X: a search of the claim as stated found a counterexample; D: only with a hypothesis dropped
    's-X.json': searchFile('X', [], witness('X', { x: 3 })),
    's-D.json': searchFile('D', ['smooth'], witness('D', { x: 4 }, { dropped: ['smooth'] })),
    's-U2.json': searchFile('U2', [], witness('U2', { x: 5 })),
    's-V.json': searchFile('V', []), // searched, nothing found
    'p.json': proveFile('2026-01-01', [
      proof('P', 'refuted', { witness: witness('P', { x: 6 }) }),
      proof('Q', 'refuted', { dropped: ['L_ge_1'], witness: witness('Q', { x: 7 }, { dropped: ['L_ge_1'] }) }),
      proof('R', 'proved', { class: 'all inputs' }),
      proof('V', 'unknown'),
    ]),
  });

  it('takes the weakest result of every mode, search and proof', () => {
    const m = build();
    expect(verdicts(m)).toEqual({
      V: 'verified', // two verified modes, a search that found nothing, an unknown proof
      S: 'statistical', // a Monte-Carlo pass is never shown as verified
      U: 'undecided', // an undecided mode beats a verified one
      E: 'error',
      X: 'counterexample', // a search of the claim as stated found one
      D: 'verified', // found only with `smooth` dropped: not a counterexample to the claim
      P: 'counterexample', // a refuted proof wins over a verified check
      Q: 'verified', // refuted only with a hypothesis dropped: does not count
      R: 'counterexample', // a proof never overrules a confirmed counterexample
      U2: 'counterexample',
      W: 'counterexample', // one failing mode is enough
      N: 'not run',
    });
  });

  it('shows each counterexample with where it came from, and none for a claim whose only failures dropped a hypothesis', () => {
    const m = build();
    const cx = Object.fromEntries(m.claims.map((c) => [c.id, c.counterexample?.from]));
    expect(cx).toEqual({
      V: undefined,
      S: undefined,
      U: undefined,
      E: undefined,
      X: 'search, s-X.json',
      D: undefined,
      P: 'prove (SMT, confirmed exactly), p.json',
      Q: undefined,
      R: 'check (exact), c.json',
      U2: 'search, s-U2.json',
      W: 'check (float64), c.json',
      N: undefined,
    });
  });

  it('the verified card says how many of its claims rest on fewer than 10 non-trivial cases (no proof for every input)', () => {
    const thin = model({
      'c.json': checkFile('2026-01-01', ['A', 'B', 'C', 'D'], [
        result('A', 'exact', 'verified', { cases: 2, nonTrivial: 2 }),
        result('B', 'exact', 'verified', { cases: 30, nonTrivial: 3 }),
        result('B', 'float64', 'verified', { cases: 40, nonTrivial: 6 }), // 3 + 6 = 9 < 10
        result('C', 'exact', 'verified', { cases: 1, nonTrivial: 1 }),
        result('D', 'exact', 'verified', { cases: 10, nonTrivial: 10 }),
      ]),
      's-A.json': searchFile('A', ['smooth']), // a search with a hypothesis dropped is not evidence for A as stated
      'p.json': proveFile('2026-01-01', [proof('C', 'proved', { class: 'all inputs' })]),
    });
    expect(card(thin, 'verified')).toBe(4);
    expect(glance(thin)).toContain('hold in every case sampled; <span title="A, B">2 of them on fewer than 10 non-trivial cases</span>');
    // a search of the claim as stated adds its cases
    const searched = model({ 'c.json': checkFile('2026-01-01', ['A'], [result('A', 'exact', 'verified', { cases: 2, nonTrivial: 2 })]), 's-A.json': searchFile('A', []) });
    expect(glance(searched)).not.toContain('fewer than 10');
  });

  it('lists every failing claim at a glance, and only those; the cards count each verdict', () => {
    const m = build();
    expect(failingInGlance(m)).toEqual(['X', 'P', 'R', 'U2', 'W']);
    expect([card(m, 'verified'), card(m, 'statistical'), card(m, 'counterexample'), card(m, 'undecided'), card(m, 'error'), card(m, 'not run')]).toEqual([3, 1, 5, 1, 1, 1]);
    expect(glance(m)).toContain('class="card card-bad" data-verdict="counterexample"');
    expect(glance(m)).toContain('<div class="card " data-verdict="verified"><div class="card-n">3</div>'); // only failures are marked
    // W's counterexample has no sizes or label recorded: none is made up
    expect(glance(m)).toContain('<li><a href="#claim--W"><code class="id">W</code></a> <span class="ref"></span><div class="how">fails: <code class="exact">2</code>');
    // the proof card: one proof that proves (R, for every input)
    expect(glance(m)).toContain('data-verdict="proved"><div class="card-n">1</div>');
    expect(glance(m)).toContain('by SMT: 1 for every input, 0 for a fixed-size class');
  });

  it("gives the summary table's rows the same verdicts, failing rows marked", () => {
    const m = build();
    const body = summarySection(m)!.body.value;
    const rows = [...body.matchAll(/<tr( class="row-bad")? data-claim="([^"]*)" data-verdict="([^"]*)"/g)].map((x) => `${x[2]} ${x[3]}${x[1] ? ' bad' : ''}`);
    expect(rows).toEqual(m.claims.map((c) => `${c.id} ${verdicts(m)[c.id]}${c.verdict === 'counterexample' ? ' bad' : ''}`));
    expect(rows).toContain('X counterexample bad');
    expect(rows).toContain('S statistical');
  });

  it('a search file that names no dropped hypothesis is of the claim as stated', () => {
    const { dropped: _, ...noDropped } = searchFile('A', [], witness('A', 1));
    expect(verdicts(model({ 's.json': noDropped }))).toEqual({ A: 'counterexample' });
  });

  it("keeps each claim's ablation and tightness rows with it, and the hypotheses' statements", () => {
    const m = model({
      'c.json': { ...checkFile('2026-01-01', ['A', 'B'], [result('A', 'exact', 'verified'), result('B', 'exact', 'verified')]), hypotheses: { smooth: 'L-smooth' } },
      'a.json': { kind: 'ablate', schema: 1, env: env(), rows: [{ claim: 'A', hypothesis: 'smooth', status: 'load-bearing' }, { claim: 'B', hypothesis: 'x', status: 'not-shown' }] },
      't.json': { kind: 'tighten', schema: 1, env: env(), rows: [{ claim: 'B', worstRatio: 0.5, paperRatio: 1 }] },
    });
    expect(m.claims.map((c) => [c.id, c.ablation.map((r) => r.hypothesis), c.tightness.map((r) => r.worstRatio), c.worstRatio])).toEqual([
      ['A', ['smooth'], [], undefined],
      ['B', ['x'], [0.5], 0.5],
    ]);
    expect(m.hypothesisText).toEqual({ smooth: 'L-smooth' });
    expect(m.ablation.map((r) => `${r.claim} ${r.file}`)).toEqual(['A a.json', 'B a.json']);
  });

  it('says how a failure fails: the relation, both sides, the sizes', () => {
    const holdsFirst = witness('F', { x: 1 }, {
      sizes: 'm=1, n=1, r=1',
      comparisons: [
        { lhs: '0', rel: '<=', rhs: '5', holds: true, slack: 5, ratio: 0 },
        { label: 'second', lhs: '2', rel: '<=', rhs: '1', holds: false, slack: -1, ratio: 2 },
      ],
    });
    const one = model({
      'c.json': { ...checkFile('2026-01-01', ['F'], [result('F', 'exact', 'counterexample', { counterexample: holdsFirst })]), claims: [{ id: 'F', paper: '(99)', title: 'a bound' }] },
    });
    const g = glance(one);
    expect(g).toContain('<li><a href="#claim--F"><code class="id">F</code></a> <span class="ref">(99) · a bound</span><div class="how">');
    expect(g).toContain('fails at <b>m=1, n=1, r=1</b> <span class="dim">(second)</span>: <code class="exact">2</code> <b class="rel">');
    // only the cards that have claims, but always verified, counterexample and undecided; no proof card without proofs
    expect([...g.matchAll(/data-verdict="([^"]*)"><div class="card-n">(\d+)</g)].map((x) => `${x[1]} ${x[2]}`)).toEqual(['verified 0', 'counterexample 1', 'undecided 0']);
    expect(g).toContain('<div class="card " data-verdict="verified">');
    expect(g).toContain('<div class="card card-bad" data-verdict="counterexample">');
    const none = glance(model({ 'c.json': checkFile('2026-01-01', ['F'], [result('F', 'exact', 'verified')]) }));
    expect(none).toContain('<div class="card " data-verdict="counterexample"><div class="card-n">0</div>');
    expect(none).not.toContain('Printed statements that fail');
    for (const absent of ['Hypotheses that carry weight', 'How tight the constants are', 'Training traces', 'training runs', 'The proof of Lemma 3.4', 'data-verdict="proved"'])
      expect(none).not.toContain(absent);
    expect(g).toContain('<code class="exact">1</code> <span class="dim">· ratio</span> <span class="num">2</span>');
    // a search counterexample without a failing relation recorded still counts, and says so
    const bare = model({ 's.json': searchFile('F', [], { ...witness('F', { x: 1 }), comparisons: [] }) });
    expect(verdicts(bare)).toEqual({ F: 'counterexample' });
    expect(glance(bare)).toContain('<div class="how">see its counterexample</div>');
    // a refuted proof with no witness recorded still makes the claim fail
    const noWitness = model({ 'c.json': checkFile('2026-01-01', ['F'], [result('F', 'exact', 'verified')]), 'p.json': proveFile('2026-01-01', [proof('F', 'refuted')]) });
    expect(verdicts(noWitness)).toEqual({ F: 'counterexample' });
    expect(failingInGlance(noWitness)).toEqual(['F']);
    expect(glance(noWitness)).toContain('<div class="how">counterexample found by search</div>');
  });
});

describe('the latest result per claim and mode', () => {
  it('takes the later date, whatever the file names; a dated result beats an undated one; modes are kept apart', () => {
    const m = model({
      'a.json': checkFile('2026-03-02T10:00:00Z', ['A', 'B'], [result('A', 'exact', 'counterexample', { counterexample: witness('A', 1) }), result('B', 'exact', 'undecided')]),
      'b.json': checkFile('2026-03-01T10:00:00Z', ['A'], [result('A', 'exact', 'verified'), result('A', 'float64', 'verified')]),
      'c.json': checkFile(undefined, ['B'], [result('B', 'exact', 'verified')]),
      'd.json': checkFile('2026-03-03T10:00:00Z', ['B'], [result('B', 'float64', 'error')]),
      'e.json': checkFile('2026-03-01T09:00:00Z', ['B'], [result('B', 'float64', 'verified')]),
    });
    const a = m.claims.find((c) => c.id === 'A')!;
    expect(a.checks.map((r) => `${r.mode} ${r.verdict} ${r.file}`).sort()).toEqual(['exact counterexample a.json', 'float64 verified b.json']);
    expect(a.verdict).toBe('counterexample');
    const b = m.claims.find((c) => c.id === 'B')!;
    expect(b.checks.map((r) => `${r.mode} ${r.verdict} ${r.file}`)).toEqual(['exact undecided a.json', 'float64 error d.json']);
    expect(b.verdict).toBe('error');
    // claims in the order of the first check file's list
    expect(m.claims.map((c) => c.id)).toEqual(['A', 'B']);
  });

  it('the latest proof of the claim as stated: a newer refutation wins over an older proof, a refutation with a hypothesis dropped is not read', () => {
    const m = model({
      'c.json': checkFile('2026-01-01', ['A', 'B'], [result('A', 'exact', 'verified'), result('B', 'exact', 'verified')]),
      'p1.json': proveFile('2026-02-01', [proof('A', 'refuted', { witness: witness('A', 1) }), proof('B', 'proved', { class: 'all inputs' }), proof('B', 'refuted', { dropped: ['smooth'] })]),
      'p2.json': proveFile('2026-01-15', [proof('A', 'proved', { class: 'all inputs' })]),
      'p3.json': proveFile('2026-01-01', [{ id: 'C', verdict: 'refuted', text: 'refuted', attempts: [] }]), // no dropped field: the claim as stated
    });
    expect(verdicts(m)).toEqual({ A: 'counterexample', B: 'verified', C: 'counterexample' });
    expect(m.claims.map((c) => `${c.id} ${c.proof?.verdict} ${c.proof?.file}`)).toEqual(['A refuted p1.json', 'B proved p1.json', 'C refuted p3.json']);
  });

  it('a claim with results but missing from every check file list is still shown, after the listed ones, by id', () => {
    const m = model({
      'c.json': checkFile('2026-01-01', ['Z'], [result('Z', 'exact', 'verified'), result('L34', 'exact', 'verified')]),
      's.json': searchFile('A2.sym', [], witness('A2.sym', 0)),
      'p.json': proveFile('2026-01-01', [proof('E19', 'proved')]),
    });
    expect(m.claims.map((c) => `${c.id} ${c.verdict}`)).toEqual(['Z verified', 'A2.sym counterexample', 'E19 not run', 'L34 verified']);
  });

  it("results on a user's loss are kept out of the paper's claims", () => {
    const bound = { lo: '0', status: 'bounded', domain: 'R', note: '' };
    const loss = { expr: 'x^2', tex: 'x^2', df: '2x', d2f: '2', L: { value: '2', source: 'stated' }, Lstar: { value: '0', source: 'stated' }, smooth: bound, lower: bound, notes: [] };
    const loss2 = { ...loss, expr: 'x^4' };
    const m = model({
      'c.json': checkFile('2026-01-01', ['A'], [result('A', 'exact', 'verified')]),
      'u.json': { ...checkFile('2026-01-01', ['A'], [result('A', 'exact', 'counterexample', { counterexample: witness('A', 1) })]), loss },
      'us.json': { ...searchFile('A', [], witness('A', 2)), loss },
      'ua.json': { kind: 'ablate', schema: 1, env: env(), loss, rows: [{ claim: 'A', hypothesis: 'smooth', status: 'not-shown' }] },
      'ut.json': { kind: 'tighten', schema: 1, env: env(), loss: loss2, rows: [{ claim: 'A', worstRatio: 0.5, paperRatio: 1 }] },
      'p.json': proveFile('2026-01-01', [proof('A', 'proved')]),
    });
    expect(verdicts(m)).toEqual({ A: 'verified' });
    expect(m.ablation).toEqual([]);
    expect(m.tightness).toEqual([]);
    const views = m.userLosses!.map((u) => [u.loss.expr, u.checks.map((c) => `${c.verdict} ${c.file}`), u.searches.map((x) => x.file), u.ablation.map((r) => r.file), u.tightness.map((r) => r.file)]);
    expect(views).toEqual([
      ['x^2', ['counterexample u.json'], ['us.json'], ['ua.json'], []],
      ['x^4', [], [], [], ['ut.json']],
    ]);
  });
});

describe('the counterexample shown is the smallest; the closest call the highest ratio', () => {
  it('picks the smallest input among checks, searches and refuted proofs of the claim as stated', () => {
    const big = { V: [1, 2, 3, 4, 5, 6] };
    const m = model({
      'c.json': checkFile('2026-01-01', ['A', 'B'], [
        result('A', 'exact', 'counterexample', { counterexample: witness('A', big) }),
        result('B', 'exact', 'counterexample', { counterexample: witness('B', big) }),
      ]),
      's1.json': searchFile('A', [], witness('A', { V: [1, 2] })),
      's2.json': searchFile('A', ['smooth'], witness('A', {}, { dropped: ['smooth'] })), // smaller, but a hypothesis dropped
      'p.json': proveFile('2026-01-01', [proof('A', 'refuted', { witness: witness('A', { V: [1, 2, 3] }) }), proof('B', 'refuted', { witness: witness('B', { V: [] }) })]),
    });
    const a = m.claims.find((c) => c.id === 'A')!;
    expect(a.counterexample?.from).toBe('search, s1.json');
    expect(a.counterexample?.witness.input).toEqual({ V: [1, 2] });
    const b = m.claims.find((c) => c.id === 'B')!;
    expect(b.counterexample?.from).toBe('prove (SMT, confirmed exactly), p.json');
    expect(b.counterexample?.witness.input).toEqual({ V: [] });
  });

  it('the closest call: the highest ratio from tightness rows (with a witness) and checks; the worst ratio over all; else the smallest slack', () => {
    const w = (x: number) => ({ ...witness('T', x), comparisons: [{ lhs: '1', rel: '<=', rhs: '2', holds: true }] });
    const m = model({
      'c.json': checkFile('2026-01-01', ['T', 'U'], [
        result('T', 'exact', 'verified', { worstSlack: { slack: 0.1, ratio: 0.7, witness: w(1) } }),
        result('T', 'float64', 'verified', { worstSlack: { slack: 0.01, witness: w(2) } }),
        result('U', 'exact', 'verified', { worstSlack: { slack: 0.3, witness: w(3) } }),
        result('U', 'float64', 'verified', { worstSlack: { slack: 0.05, witness: w(4) } }),
        result('U', 'precise', 'verified', { worstSlack: { slack: 0.5, witness: w(5) } }),
      ]),
      't.json': {
        kind: 'tighten',
        schema: 1,
        env: env('2026-01-01'),
        rows: [
          { claim: 'T', worstRatio: 0.5, paperRatio: 1, witness: w(6) },
          { claim: 'T', worstRatio: 0.8, paperRatio: 1, witness: w(7) },
          { claim: 'T', worstRatio: 0.9, paperRatio: 1 }, // no witness: not a closest call to show, but the worst ratio
        ],
      },
    });
    const t = m.claims.find((c) => c.id === 'T')!;
    expect([t.tightest?.from, t.tightest?.ratio, t.tightest?.witness.input]).toEqual(['tightness search, t.json', 0.8, 7]);
    expect(t.worstRatio).toBe(0.9);
    const u = m.claims.find((c) => c.id === 'U')!;
    expect([t.id, u.tightest?.from, u.tightest?.slack, u.tightest?.witness.input]).toEqual(['T', 'check (float64), c.json', 0.05, 4]);
    expect(u.worstRatio).toBeUndefined();
  });
});

describe('a certified ratio moves the shown ratio to its side of the constant, never across it', () => {
  const row = (claim: string, worstRatio: number, certified: string, paperRatio = 1) => ({ claim, worstRatio, worstRatioCertified: certified, paperRatio });
  const ONE_UP = 1 + 2 ** -52; // the double just above 1
  const ONE_DOWN = 1 - 2 ** -53; // the double just below 1
  const build = () => model({
    't.json': {
      kind: 'tighten',
      schema: 1,
      env: env('2026-01-01'),
      rows: [
        row('C1', ONE_UP, '1'), // a tie: float64 noise above 1 -> exactly 1
        row('C2', ONE_UP, '999/1000'), // below 1 for certain: never shown above it
        row('C3', ONE_DOWN, '1001/1000'), // above 1 for certain: never shown below or at it
        row('C4', 1.0004, '[0.999, 1.001]'), // the enclosure contains 1: shown as 1
        row('C5', 0.99, '[1.0000001, 1.0000002]'),
        row('C6', 1.2, '[0.5, 0.6]'),
        row('C7', 1.3, 'about one'), // not a certified value: left as found
        row('C8', 0.3, '3/10'), // already on its side: unchanged
        row('C9', 2 + 2 ** -51, '4/2', 2), // a tie with an integer constant 2
        row('C10', 0.5, '500000000000000000001/1000000000000000000000', 0.5), // above 0.5 by 1e-21
        row('C11', 0.5, '-1/3'),
        row('C12', 0.75, '[0.75, 0.75]', 0.75), // an enclosure of one point: the constant
        row('C13', 1.1, '[1.2.3, 2]'), // no decimal: not an enclosure (and no exception)
        { claim: 'C14', worstRatioCertified: '1', paperRatio: 1 }, // no case evaluated: no ratio to show, even with a certified text
        row('C15', 1.5, '99999999999999999999/100000000000000000000'), // below 1, though it rounds to 1: just below 1
        row('C16', 0.9, 'about [1.5, 1.6]'), // not an enclosure: left as found
        row('C17', 1.2, ' 3/4 '), // spaces around are no matter
        { claim: 'C18', worstRatio: 2, worstRatioCertified: '1', paperRatio: 'Infinity' }, // no finite constant: left as found
        row('C19', 1.25, '5/4'), // already on its side: unchanged
        row('C20', 1, '3/4'), // at the constant, certified below it: the certified value
        { claim: 'C21', worstRatio: 1 + 2 ** -52, worstRatioCertified: '[ 0.5 , 0.75 ]' }, // no paperRatio: the constant is 1
        { claim: 'C22', worstRatio: 1.5, paperRatio: 2, label: 'second side' }, // 3/4 of the constant 2: within a factor 2
        { claim: 'C23', worstRatio: 0.5, paperRatio: 2 }, // a quarter of 2: below half
        { claim: 'C24', worstRatio: 1.985, paperRatio: 2 }, // within 1 % of 2
        row('C25', 0.31, '3/10'), // on its side: the float64 value is kept
        row('C26', 1.05, ' [0.9, 1.1] '), // an enclosure with spaces around, containing 1
        row('C27', 0.6, '1/4', 0.5), // below a constant 0.5: the certified value
        row('C28', 1.2, '3/4 or so'), // not a certified value: left as found
        row('C29', 1.3, '5/4'), // above 1, on its side: the float64 value is kept
      ],
    },
  });
  const shownIn = (m: Model) => Object.fromEntries(m.tightness.map((r) => [r.claim, r.worstRatio]));

  it('per row', () => {
    const m = build();
    const shown = shownIn(m);
    // across the constant: the certified value instead (an enclosure's end nearest the constant)
    expect(shown).toEqual({
      ...{ C1: 1, C2: 0.999, C3: 1.001, C4: 1, C5: 1.0000001, C6: 0.6, C7: 1.3, C8: 0.3, C9: 2, C10: 0.5 + 2 ** -53, C11: 0.5, C12: 0.75, C13: 1.1 },
      ...{ C14: undefined, C15: 1 - 2 ** -53, C16: 0.9, C17: 0.75, C18: 2, C19: 1.25, C20: 0.75, C21: 0.75, C22: 1.5, C23: 0.5, C24: 1.985, C25: 0.31, C26: 1, C27: 0.25, C28: 1.2, C29: 1.3 },
    });
    expect(m.claims).toEqual([]); // no check file: no claim, and nothing thrown
  });

  it('and the glance lists exactly the rows above their constant as counterexamples, the ties as at the constant', () => {
    const g = glance(build());
    const li = (start: string) => {
      const i = g.indexOf(start);
      return i < 0 ? [] : [...g.slice(i, g.indexOf('</li>', i)).matchAll(/<code class="id"(?: title="[^"]*")?>([^<]*)<\/code>/g)].map((x) => x[1]!);
    };
    expect(li("ratio above the paper's constant")).toEqual(['C7', 'C29', 'C19', 'C28', 'C13', 'C3', 'C5', 'C10']); // largest first
    expect(li('at the constant or within 1 %').sort()).toEqual(['C1', 'C12', 'C15', 'C2', 'C24', 'C26', 'C4', 'C9']);
    expect(li('not approached (below half)')).toEqual(['C18', 'C23', 'C25', 'C8']); // largest first; C18: 2 against an infinite constant
    expect(li('within a factor 2').sort()).toEqual(['C11', 'C16', 'C17', 'C20', 'C21', 'C22', 'C27', 'C6']);
    // the relation's label (often a whole printed line) is a tooltip, so the list stays a list of ids and numbers
    expect(g).toContain('<code class="id" title="second side">C22</code> <span class="num">1.5</span>, ');
    expect(g).not.toContain('(second side)');
  });
});

describe('one malformed certified value', () => {
  it('does not empty the report: the claims are still shown, with no merge warning', () => {
    const r = renderReport(
      load({
        'c.json': checkFile('2026-01-01', ['A'], [result('A', 'exact', 'counterexample', { counterexample: witness('A', 1) })]),
        't.json': tightenFile([{ claim: 'A', worstRatio: 1.1, worstRatioCertified: '[1.2.3, 2]', paperRatio: 1 }]),
      }),
    );
    expect(r.warnings).toEqual([]);
    expect(r.html).toContain('data-claim="A" data-verdict="counterexample"');
  });
});

describe('a printed constant that was passed is a counterexample at a glance', () => {
  it('a declared constant with gap below 1 carries the counterexample badge; one with gap 1 or more does not', () => {
    const constant = (found: number, gap: number) => ({ printed: '2', printedValue: 2, direction: 'sup', quantity: 'q', declared: true, found, gap });
    const m = model({
      't.json': tightenFile([
        { claim: 'BROKEN', worstRatio: 1.25, paperRatio: 1, constant: constant(2.5, 0.8) },
        { claim: 'SHARP', worstRatio: 1, paperRatio: 1, constant: constant(2, 1) },
        { claim: 'LOOSE', worstRatio: 0.5, paperRatio: 1, constant: constant(1, 2) },
      ]),
    });
    const g = glance(m);
    const i = g.indexOf('constants printed vs found');
    const line = g.slice(i, g.indexOf('</li>', i));
    const parts = line.split('; ');
    expect(parts).toHaveLength(3);
    expect(parts[0]).toMatch(/BROKEN<\/code> 2 vs .*counterexample/);
    expect(parts[1]).toContain('SHARP');
    expect(parts[1]).not.toContain('counterexample');
    expect(parts[2]).toContain('LOOSE');
    expect(parts[2]).not.toContain('counterexample');
    // a declared constant is judged by its gap, not listed again by its side ratio
    expect(g).not.toContain("ratio above the paper's constant");
    expect(g).not.toContain('at the constant or within 1 %');
  });
});

describe('a better constant that a float64 point passes', () => {
  it('says so with the value reached, in float64 and not certified, without an error badge', () => {
    const k = { printed: '1/4', printedValue: 0.25, direction: 'inf', quantity: 'q', declared: true, found: 0.9116, gap: 3.646, better: { value: '10/11', holdsOnTried: false, tried: 134722, worstTried: 0.8982529442605576 } };
    const t = tightnessSection(model({ 't.json': tightenFile([{ claim: 'L34', worstRatio: 0.9999999957, paperRatio: 1, constant: k }]) }))!.body.value;
    expect(t).toContain('<code>10/11</code>: <b>not</b> on every point tried: one reached');
    expect(t).toContain('0.8983');
    expect(t).toContain('in float64 (not certified)');
    expect(t).not.toMatch(/badge[^"]*"[^>]*>[^<]*error/);
  });
});

describe('a sup constant whose worst value found is not positive', () => {
  // RAC.T53 / RAC.T55 in a quick run: the quantity is a lower confidence bound, -0.5 against the
  // printed 1; tighten writes gap = printed / found = -2, which is below 1 but no counterexample.
  const constant = (declared: boolean) => ({ printed: '1', printedValue: 1, direction: 'sup', quantity: 'q', declared, found: -0.5, gap: -2 });
  const m = model({
    't.json': tightenFile([
      { claim: 'NEG', worstRatio: -0.5, paperRatio: 1, constant: constant(true) },
      { claim: 'NEGP', worstRatio: -0.5, paperRatio: 1, constant: constant(false) },
    ]),
  });

  it('is not a counterexample at a glance', () => {
    const g = glance(m);
    const i = g.indexOf('constants printed vs found');
    const line = g.slice(i, g.indexOf('</li>', i));
    expect(line).toContain('NEG');
    expect(line).not.toContain('counterexample');
    expect(g).not.toContain("ratio above the paper's constant");
  });

  it('is not a broken row in the tightness table, shows no gap, and reads as not approached', () => {
    const t = tightnessSection(m)!.body.value;
    const rows = t.slice(0, t.indexOf('</tbody>')).split('<tr').slice(2);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r).not.toContain('row-bad');
      expect(r).not.toContain('counterexample');
      expect(r).not.toContain('>-2<');
      expect(r).toContain('never above 0');
    }
  });
});

describe('hypotheses that carry weight', () => {
  it('lists the load-bearing pairs per claim, counts the pairs with nothing shown, names those that cannot fail', () => {
    const row = (claim: string, hypothesis: string, status: string) => ({ claim, hypothesis, status });
    const m = model({
      'a.json': {
        kind: 'ablate',
        schema: 1,
        env: env('2026-01-01'),
        rows: [row('L34', 'smooth', 'load-bearing'), row('L33', 'smooth', 'not-shown'), row('L34', 'L_ge_1', 'load-bearing'), row('E19', 'nonneg', 'cannot-fail'), row('T10', 'eta_rule', 'not-needed'), row('L36', 'smooth', 'cannot-fail'), row('GV', 'x', 'not-shown'), row('A1', 'y', 'error')],
      },
    });
    const g = glance(m);
    const i = g.indexOf('<h3>Hypotheses that carry weight</h3>');
    const block = g.slice(i, g.indexOf('</div>', i));
    const items = [...block.matchAll(/<li>(.*?)<\/li>/g)].map((x) => [...x[1]!.matchAll(/<code class="(?:id|hyp)">([^<]*)<\/code>/g)].map((y) => y[1]).join(' '));
    expect(items).toEqual(['L34 smooth L_ge_1']);
    expect(block).toContain('for 2 other pairs none was shown within the budget');
    expect(block).toContain('; <code class="hyp">nonneg</code> for <code class="id">E19</code>, <code class="hyp">smooth</code> for <code class="id">L36</code> cannot fail (the reason is in the table)');
    expect(block).toContain('<li><a href="#abl--L34"><code class="id">L34</code></a>: <a href="#abl--L34--smooth"><code class="hyp">smooth</code></a>, <a href="#abl--L34--L_5f_ge_5f_1"><code class="hyp">L_ge_1</code></a></li>');
    const only = glance(model({ 'a.json': { kind: 'ablate', schema: 1, env: env(), rows: [row('L34', 'smooth', 'load-bearing')] } }));
    expect(only).toContain('<p class="small">Dropping each of these produced a counterexample (<a href="#ablation">table</a>).</p><ul class="cols"><li>');
    const none = model({ 'a.json': { kind: 'ablate', schema: 1, env: env(), rows: [row('L33', 'smooth', 'not-shown')] } });
    expect(glance(none)).toContain('No hypothesis was shown load-bearing.');
    expect(glance(none)).toContain('for 1 other pair none was shown');
  });
});

describe('traces: grouped by what they share, labelled by step rule, listed at a glance', () => {
  const series = { t: [0, 1], J: [1, 0.5], Vsq: [1, 1], eta: [0.1, 0.1], minGradJsq: [1, 0.5] };
  const claim = (id: string, status: string, extra: object = {}) => ({ id, status, stepsChecked: 20, violations: status === 'violated' ? 1 : 0, ...extra });
  const entry = (file: string, header: object, claims: object[] = [claim('L34', 'verified')], extra: object = {}) => ({ file, header, claims, series, ...extra });
  const q = { workload: 'quadratic', m: 4, n: 3, r: 2 };
  const build = () => model({
    'v.json': {
      kind: 'verify-trace',
      schema: 1,
      env: env('2026-01-01'),
      tolerance: { relative: 1e-6 },
      traces: [
        entry('e2.jsonl', { ...q, rule: 'theory', seed: 1 }, [claim('L34', 'violated'), claim('GV', 'verified')]),
        entry('e3.jsonl', { ...q, rule: 'adapt', seed: 1 }, [claim('L34', 'verified'), claim('GV', 'undecided', { stepsChecked: 25, checked: 20, unresolved: 5 }), claim('T10', 'undecided')]),
        entry('e4.jsonl', { ...q, rule: 'theory', seed: 2 }),
        entry('e5.jsonl', { ...q, m: 8, rule: 'theory' }),
        entry('e6.jsonl', { ...q, rule: 'mystery' }, [claim('L34', 'verified')], { truncated: true }),
        entry('e7.jsonl', { ...q, rule: 'norm', method: 'rac' }),
        entry('e8.jsonl', { ...q, rule: 'adapt2', seed: 3 }),
        entry('e9.jsonl', { ...q, rule: 'adapt2', seed: 3 }),
        entry('e10.jsonl', { ...q, rule: 'norm', method: 'lora' }),
        entry('e1.jsonl', { ...q, rule: 'const:0.5', seed: 1 }), // after 'mystery' here, before it on the chart
        entry('e11.jsonl', {}),
        entry('e12.jsonl', { ...q, dtype: 'float32', rule: 'theory' }), // another dtype: another chart
        entry('e13.jsonl', { workload: 'mlp', rank: 3, batch: 16, rule: 'adapt' }),
        entry('e14.jsonl', { workload: 'mlp', rank: 3, batch: 32, rule: 'adapt' }),
        entry('e15.jsonl', { ...q, n: 5, rule: 'theory' }),
        entry('e16.jsonl', { ...q, n: 5, r: 1, rule: 'theory' }),
        entry('e17.jsonl', { ...q, n: 5, r: 1, rule: 'theory' }), // the same rule, no seed: told apart by file
        entry('e18.jsonl', { ...q, m: 1, n: 23, rule: 'theory' }), // m = 1, n = 23 and m = 12, n = 3: two groups
        entry('e19.jsonl', { ...q, m: 12, n: 3, rule: 'theory' }),
        entry('e20.jsonl', { ...q, workload: 'other', rule: 'theory' }),
        entry('e21.jsonl', { workload: 'mlp', rank: 4, batch: 16, rule: 'adapt' }),
      ],
    },
  });

  it('one group per workload and sizes, the paper rule first, duplicates told apart by seed then file, colours in order', () => {
    const m = build();
    expect(m.traces.map((g) => `${g.title}: ${g.runs.length}`)).toEqual([
      'quadratic (m = 4, n = 3, r = 2): 9',
      'quadratic (m = 8, n = 3, r = 2): 1',
      'unnamed workload: 1',
      'quadratic (m = 4, n = 3, r = 2): 1',
      'mlp (r = 3, batch = 16): 1',
      'mlp (r = 3, batch = 32): 1',
      'quadratic (m = 4, n = 5, r = 2): 1',
      'quadratic (m = 4, n = 5, r = 1): 2',
      'quadratic (m = 1, n = 23, r = 2): 1',
      'quadratic (m = 12, n = 3, r = 2): 1',
      'other (m = 4, n = 3, r = 2): 1',
      'mlp (r = 4, batch = 16): 1',
    ]);
    expect(m.traces[7]!.runs.map((r) => r.label)).toEqual(['theory (e16.jsonl)', 'theory (e17.jsonl)']);
    expect(m.traces[3]!.runs.map((r) => r.label)).toEqual(['theory']);
    const [g] = m.traces;
    expect(g!.runs.map((r) => r.label)).toEqual([
      'theory, seed 1',
      'theory, seed 2',
      'adapt',
      'adapt2, seed 3 (e8.jsonl)',
      'adapt2, seed 3 (e9.jsonl)',
      'norm',
      'const:0.5',
      'mystery',
      'rac, norm',
    ]);
    expect(g!.runs.map((r) => r.color)).toEqual(PALETTE.slice(0, 9));
    expect(g!.runs.every((r) => r.tolerance?.relative === 1e-6 && r.file === 'v.json')).toBe(true);
    expect(m.traces[2]!.runs.map((r) => r.label)).toEqual(['e11.jsonl']);
  });

  it('the glance names each violated and undecided claim in its run, and each truncated run', () => {
    const g = glance(build());
    const i = g.indexOf('<h3>Training traces</h3>');
    const items = [...g.slice(i).matchAll(/<li><a href="#trace--[^"]*">(.*?)<\/li>/g)].map((x) => x[1]!);
    expect(items).toHaveLength(12);
    expect(items[0]).toContain('violated</span> <code class="id">L34</code> in <b>theory, seed 1</b>;');
    expect(items[0]).toContain('undecided</span> <code class="id">GV</code> in <b>adapt</b> (<span class="num">5</span> of <span class="num">20</span> steps unresolved); <code class="id">T10</code> in <b>adapt</b>;');
    expect(items[0]).toContain('truncated</span> <b>mystery</b> (no summary line');
    expect(items[0]).not.toContain('no bound violated');
    expect(items[1]).toContain('no bound violated');
    expect(items[1]).not.toMatch(/undecided|truncated|violated<\/span>/);
    const clean = glance(model({ 'v.json': { kind: 'verify-trace', schema: 1, env: env(), traces: [entry('ok.jsonl', { ...q, rule: 'theory' })] } }));
    expect(clean).toContain('<div class="card "><div class="card-n">1</div><span class="badge na">training runs</span><div class="card-t">no bound violated</div></div>');
    expect(clean).toContain('<a href="#trace--');
    expect(clean).toContain('quadratic (m = 4, n = 3, r = 2)</a>: 1 run (theory); no bound violated</li>');
    expect(g).toContain('<div class="card-n">21</div><span class="badge na">training runs</span><div class="card-t">1 with a violated bound; 1 with undecided claims (unresolved steps), 1 truncated</div>');
  });
});

describe('the tightness column of the summary', () => {
  it('shows a declared constant as found against printed, not the side ratio that tends to 1 by construction', () => {
    const k = { printed: '1/4', printedValue: 0.25, direction: 'inf', quantity: 'q', declared: true, found: 0.9124, gap: 3.6496 };
    const m = model({
      'c.json': checkFile('2026-01-01', ['L34', 'A2.sym'], [
        result('L34', 'exact', 'verified', { worstSlack: { slack: 1e-9, ratio: 0.999999995 } }),
        result('A2.sym', 'exact', 'verified', { worstSlack: { slack: 0.1, ratio: 0.9 } }),
      ]),
      't.json': tightenFile([{ claim: 'L34', worstRatio: 0.9999999957, paperRatio: 1, constant: k }]),
    });
    const body = summarySection(m)!.body.value;
    const cell = (id: string) => {
      const i = body.indexOf(`data-claim="${id}"`);
      return [...body.slice(i, body.indexOf('</tr>', i)).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((x) => x[1]!.replace(/<[^>]*>/g, ''))[9];
    };
    expect(cell('L34')).toBe('0.9124vs ≥ 1/4');
    expect(cell('A2.sym')).toBe('0.9');
  });
});

describe('proofs and failures read at a glance', () => {
  it('a proof over several fixed-size classes says how many in the table (the classes in its tooltip); an unknown with no time recorded says no time', () => {
    const m = model({
      'c.json': checkFile('2026-01-01', ['S1', 'G7'], [result('S1', 'exact', 'verified'), result('G7', 'exact', 'verified')]),
      'p.json': proveFile('2026-01-01', [
        proof('S1', 'proved', { class: 'm = n = r = 1 quadratics; m = 1, n = 2, r = 1 quadratics with H diagonal; m = 2, n = 1, r = 1 quadratics with H diagonal', text: 'proved for 3 classes' }),
        proof('G7', 'unknown', { text: 'unknown' }),
      ]),
    });
    const body = summarySection(m)!.body.value;
    const row = (id: string) => {
      const i = body.indexOf(`data-claim="${id}"`);
      return body.slice(i, body.indexOf('</tr>', i));
    };
    expect(row('S1')).toContain('<div class="small" title="m = n = r = 1 quadratics; m = 1, n = 2, r = 1 quadratics with H diagonal; m = 2, n = 1, r = 1 quadratics with H diagonal">for 3 fixed-size classes</div>');
    expect(row('G7')).not.toContain('— of solver time');
    expect(row('G7')).toContain('unknown</span></td>');
  });

  it('a printed line of the proof of Lemma 3.4 that the solver left unknown but sampling refuted says so in the line-by-line list', () => {
    const cx = witness('L34.s22.amgm1', { x: 1 }, { comparisons: [{ lhs: '2', rel: '>=', rhs: '3', holds: false }] });
    const m = model({
      'c.json': checkFile('2026-01-01', ['L34.s22.amgm1'], [result('L34.s22.amgm1', 'exact', 'counterexample', { counterexample: cx })]),
      'p.json': proveFile('2026-01-01', [proof('L34.s22.amgm1', 'unknown', { text: 'unknown (0.5 s)', timeMs: 500 })]),
    });
    const g = glance(m);
    const i = g.indexOf('<ul class="proof-lines">');
    const line = g.slice(i, g.indexOf('</ul>', i));
    expect(line).toContain('<b>unknown (0.5 s)</b>; sampling: <span class="badge bad"><span aria-hidden="true">✗</span> counterexample</span>');
  });

  it('shows a failing side that is a 17-digit enclosure rounded, the enclosure in its tooltip, and an exact side verbatim', () => {
    const cx = witness('F', { x: 1 }, { comparisons: [{ lhs: '[16.384898184423474, 16.384898184453366]', rel: '>=', rhs: '4*sqrt(2)/8 + 1/8', holds: false }] });
    const g = glance(model({ 'c.json': checkFile('2026-01-01', ['F'], [result('F', 'exact', 'counterexample', { counterexample: cx })]) }));
    expect(g).toContain('<code class="exact" title="[16.384898184423474, 16.384898184453366]">≈ 16.3849</code>');
    expect(g).toContain('<code class="exact">4*sqrt(2)/8 + 1/8</code>');
  });
});

describe('tightness witnesses', () => {
  it('name the relation after a dash, so a label that is an equation number is not wrapped in a second pair of parentheses', () => {
    const w = { ...witness('E19', { x: 1 }), comparisons: [{ lhs: '1', rel: '<=', rhs: '2', holds: true }] };
    const k = { printed: '2', printedValue: 2, direction: 'sup', quantity: 'q', declared: true, found: 1, gap: 2, label: '(19)' };
    const m = model({ 't.json': tightenFile([{ claim: 'E19', worstRatio: 0.5, paperRatio: 1, constant: k, witness: w }]) });
    const t = tightnessSection(m)!.body.value;
    expect(t).toContain('<code class="id">E19</code> — (19): quantity');
    expect(t).not.toContain('((19))');
  });

  it('give the bar beside a witness a spoken name with rounded numbers, not 17-digit doubles', () => {
    const w = { ...witness('L33', { x: 1 }), comparisons: [{ lhs: '1', rel: '<=', rhs: '2', holds: true }] };
    const k = { printed: '1', printedValue: 1, direction: 'sup', quantity: 'q', declared: true, found: 0.2613565816003046, gap: 3.826190233576404 };
    const m = model({ 't.json': tightenFile([{ claim: 'L33', worstRatio: 0.26, paperRatio: 1, constant: k, witness: w }]) });
    const t = tightnessSection(m)!.body.value;
    expect(t).toContain('aria-label="found 0.2614, printed constant 1"');
    expect(t).not.toContain('0.2613565816003046 of');
  });
});

describe('the papers\' experiments at a glance', () => {
  const statement = (id: string, outcome: string, figure?: string) => ({ id, ...(figure ? { figure } : {}), source: `source ${id}`, provenance: id === 'b' ? 'reported' : 'printed', claim: `claim ${id}`, finding: `finding ${id}`, outcome, criterion: 'c' });
  const file = (preset: string) => ({
    kind: 'experiments',
    schema: 1,
    env: env('2026-01-01'),
    preset,
    seed: 7,
    backend: 'wasm',
    data: [],
    timeMs: 1000,
    runs: [],
    figures: [{ id: 'demo', title: 'the failure demonstration', paper: 'p', setting: 's', panels: [] }],
    tables: [],
    statements: [statement('a', 'reproduced', 'demo'), statement('b', 'not reproduced')],
  });

  it('lists each statement with its outcome, linked to its figure, and says when the runs were short', () => {
    const g = glance(model({ 'e.json': file('tiny') }));
    const i = g.indexOf("The papers' experiments");
    expect(i).toBeGreaterThan(0);
    const block = g.slice(i, g.indexOf('</div>', i));
    expect(block).toContain('<span class="badge ok"><span aria-hidden="true">✓</span> reproduced</span> <b>source a</b>: <a href="#experiment-demo">the failure demonstration</a>');
    expect(block).toContain('<span class="badge bad"><span aria-hidden="true">✗</span> not reproduced</span> <b>source b</b> <span class="small dim">(reported)</span>: claim b');
    expect(block).toContain('preset <b>tiny</b>');
    expect(block).toContain('short runs');
    const full = glance(model({ 'e.json': file('full') }));
    expect(full).not.toContain('short runs');
  });
});

describe('the ablation grid', () => {
  it('says "1 case" and "1 ascent", not "1 cases"', () => {
    const m = model({ 'a.json': { kind: 'ablate', schema: 1, env: env(), rows: [{ claim: 'A', hypothesis: 'smooth', status: 'load-bearing', cases: 1, ascents: 1, seconds: 1 }, { claim: 'B', hypothesis: 'smooth', status: 'not-shown', cases: 2, ascents: 6, seconds: 1 }] } });
    const t = ablationSection(m)!.body.value;
    expect(t).toContain('<span class="num">1</span> case · <span class="num">1</span> ascent · ');
    expect(t).toContain('<span class="num">2</span> cases · <span class="num">6</span> ascents · ');
    expect(t).not.toContain('1</span> cases');
  });
});

describe('the summary table and the SMT column', () => {
  it('sums cases and times over modes and searches, takes the smallest slack, and says what each proof covers', () => {
    const m = model({
      'c.json': {
        ...checkFile('2026-01-01', ['L34.s18.a', 'L34.s22.amgm1', 'L34.s22.amgm1.corrected', 'E19', 'L34'], [
          result('L34.s18.a', 'exact', 'verified', { cases: 1200, timeMs: 1500, worstSlack: { slack: 0.25 } }),
          result('L34.s18.a', 'float64', 'verified', { cases: 30, nonTrivial: 7, undecided: 2, timeMs: 500, worstSlack: { slack: -0.5, ratio: 1.5 } }),
          result('E19', 'exact', 'verified', { cases: 5 }),
        ]),
        claims: [
          { id: 'L34.s18.a', paper: '(18), first inequality' },
          { id: 'L34.s22.amgm1', paper: '(22)', provenance: 'reported' },
          { id: 'L34.s22.amgm1.corrected', correctedOf: 'L34.s22.amgm1' },
          { id: 'E19' },
          { id: 'L34' },
        ],
      },
      's.json': { ...searchFile('L34.s18.a', []), cases: 4000, timeMs: 2000 },
      's2.json': { ...searchFile('S9', []), cases: 77 },
      'p.json': proveFile('2026-01-01', [
        proof('L34.s18.a', 'proved', { class: 'all inputs', text: 'proved (from (19))', assumes: ['(19)'] }),
        proof('L34.s22.amgm1', 'refuted', { witness: { ...witness('L34.s22.amgm1', { loss: { L: '1', d: ['1/2'], C: { data: ['1'] } }, V: { data: ['0', '1/2'] } }), comparisons: [{ lhs: '3', rel: '>=', rhs: '4', holds: false }] } }),
        proof('L34.s22.amgm1.corrected', 'proved', { class: 'm = n = r = 1 quadratics', text: 'proved for m = n = r = 1 quadratics' }),
        proof('E19', 'unknown', { timeMs: 2000, text: 'unknown (2.0 s)' }),
        proof('L34', 'no encoding'),
        proof('L34.s20', 'unknown', { text: 'unknown (3.0 s)' }), // no claim info: a proof-only line
        proof('L34.s21', 'refuted'), // refuted, with no witness recorded
        proof('L34.s23', 'proved', { class: 'm = n = r = 1 quadratics', text: 'proved for m = n = r = 1 quadratics' }),
        proof('L34.s24', 'refuted', { witness: witness('L34.s24', { a: 1 }) }), // an input that is not LoRA's
      ]),
    });
    const body = summarySection(m)!.body.value;
    const row = (id: string) => {
      const i = body.indexOf(`data-claim="${id}" data-verdict=`);
      return [...body.slice(i, body.indexOf('</tr>', i)).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((x) => x[1]!.replace(/<[^>]*>/g, ''));
    };
    // claim, paper, verdict, proof, mode, cases, non-trivial, undecided, worst slack, tightness ratio, time
    expect(row('L34.s18.a')).toEqual(['L34.s18.a', '(18), first inequality', '✓ verified', '∎ provedevery inputfrom (19)', 'exact, float64', '5,230', '16', '2', '-0.5', '1.5', '4.0 s']);
    expect(row('L34.s22.amgm1')).toEqual(['L34.s22.amgm1', '(22)reported form, not printed', '✗ counterexample', '✗ refuted', '—', '—', '—', '—', '—', '—', '—']);
    expect(row('L34.s22.amgm1.corrected')[0]).toBe('L34.s22.amgm1.correctedcorrects L34.s22.amgm1');
    expect(row('L34.s22.amgm1.corrected')[3]).toBe('∎ provedfor m = n = r = 1 quadratics');
    expect(row('E19')[3]).toBe('? unknown2.0 s of solver time');
    expect(row('L34')[3]).toBe('· no encoding');
    expect(row('S9')).toEqual(['S9', '', '· not run', '—', 'search', '77', '—', '—', '—', '—', '—']);
    // a claim with checks or searches links to its article; one with neither does not
    expect(body).toContain('<a href="#claim--L34.s18.a"><code class="id">L34.<wbr>s18.<wbr>a</code></a>');
    expect(body).not.toContain('<a href="#claim--L34"><code');
    // at a glance: each printed line of the proof of Lemma 3.4 with a proof, and its corrected form
    const g = glance(m);
    const i = g.indexOf('<ul class="proof-lines">');
    const lines = g.slice(i, g.indexOf('</ul>', i)).split('<li>').slice(1);
    expect(lines).toHaveLength(6);
    expect(lines.slice(2)).toEqual([
      '<a href="#claim--L34.s20"><code class="id">L34.s20</code></a> <span class="ref"></span>: <b>unknown (3.0 s)</b></li>', // never "refuted" or "proved"
      '<a href="#claim--L34.s21"><code class="id">L34.s21</code></a> <span class="ref"></span>: <b>refuted</b></li>',
      '<a href="#claim--L34.s23"><code class="id">L34.s23</code></a> <span class="ref"></span>: <b>proved as printed</b> for m = n = r = 1 quadratics</li>',
      '<a href="#claim--L34.s24"><code class="id">L34.s24</code></a> <span class="ref"></span>: <b>refuted as printed</b>: at {&quot;a&quot;:1}, <code class="exact">2</code> <b class="rel">&gt;</b> <code class="exact">1</code> is false (exact model, confirmed)</li>',
    ]);
    // the proof card: proved for every input or for a class
    expect(g).toContain('data-verdict="proved"><div class="card-n">3</div>');
    expect(g).toContain('by SMT: 1 for every input, 2 for a fixed-size class');
    // the failing printed line names its corrected form with that form's own verdict
    expect(g).toContain('<div class="fix">corrected form <a href="#claim--L34.s22.amgm1.corrected"><code class="id">L34.s22.amgm1.corrected</code></a>: <span class="badge na"><span aria-hidden="true">·</span> not run</span></div>');
    expect(row('E19')[8]).toBe('—'); // no slack recorded: no number
    expect(body).toContain('<a href="#claim--E19"><code class="id">E19</code></a>'); // checks but no search: still a link
    expect(lines[0]).toBe('<a href="#claim--L34.s18.a"><code class="id">L34.s18.a</code></a> <span class="ref">(18), first inequality</span>: <b>proved as printed</b> (from (19))</li>');
    expect(lines[1]).toMatch(
      /^<a href="#claim--L34.s22.amgm1"><code class="id">L34.s22.amgm1<\/code><\/a> <span class="ref">\(22\)<\/span>: <b>refuted as printed<\/b>: at L = 1, H = diag\(1\/2\), C = \(1\), V = \[0; 1\/2\], <code class="exact">3<\/code> <b class="rel">[^<]+<\/b> <code class="exact">4<\/code> is false \(exact model, confirmed\); corrected form <a href="#claim--L34.s22.amgm1.corrected"><code class="id">L34.s22.amgm1.corrected<\/code><\/a>: <b>proved for m = n = r = 1 quadratics<\/b><\/li>$/,
    );
  });
});
