import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClaimCheckResult, SearchResultFile } from '../theory/results.ts';
import { FIXTURE_DIR, fixtures, traceFile, writeFixtures } from './fixtures/make.ts';
import { writeBigFixture } from './fixtures/synthetic.ts';
import { math } from './katex.ts';
import { overallVerdict } from './model.ts';
import { CSP } from './page.ts';
import { buildReport } from './render.ts';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'loracheck-render-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const NOW = new Date('2026-11-22T12:00:00Z');
const full = buildReport(FIXTURE_DIR, { now: NOW });

describe('the full fixture set', () => {
  it('has every section, in reading order, and no warning', () => {
    expect(full.sections).toEqual(['glance', 'summary', 'claims', 'ablation', 'tightness', 'traces', 'environment']);
    expect(full.warnings).toEqual([]);
  });

  it('loads nothing and runs nothing: CSP first in <head>, no script, no external URL', () => {
    const h = full.html;
    expect(h.indexOf(`<meta http-equiv="Content-Security-Policy" content="${CSP.replace(/'/g, '&#39;')}">`)).toBeGreaterThan(0);
    expect(h.indexOf('Content-Security-Policy')).toBeLessThan(h.indexOf('<style>'));
    expect(CSP).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:/);
    expect(CSP).not.toMatch(/script-src/);
    expect(h).not.toMatch(/<script/i);
    expect(h).not.toMatch(/\son[a-z]+\s*=/i);
    for (const m of h.matchAll(/\b(?:href|src)="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
    for (const m of h.matchAll(/url\(([^)]*)\)/g)) expect(m[1]).toMatch(/^data:font\/woff2;base64,/);
    // The only http URLs are the SVG and MathML namespaces: names, never fetched.
    expect([...new Set(h.match(/https?:\/\/[^"'\s)]+/g))].sort()).toEqual(['http://www.w3.org/1998/Math/MathML', 'http://www.w3.org/2000/svg']);
  });

  it('says per what the check budgets are (each claim in each mode gets one), and counts claims, not results', () => {
    const env = full.html.slice(full.html.indexOf('<section id="environment"'));
    expect(env).toContain('check: 18 claims (exact, precise)</td><td class="wrap">1288004</td><td class="wrap">3 s per claim and mode');
    expect(env).toContain('52,000 runs; 48,000 runs; 90,000 runs per claim and mode');
  });

  it('never skips a heading level (h2 section, h3 block, h4 part, h5 under it), so the outline a screen reader reads holds', () => {
    const levels = [...full.html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
    expect(levels.length).toBeGreaterThan(40);
    const skips = levels.flatMap((l, i) => (i && l > levels[i - 1]! + 1 ? [`h${l} after h${levels[i - 1]}`] : []));
    expect(skips).toEqual([]);
  });

  it('lists every claim of the check files once in the summary with its verdict', () => {
    const ids = fixtures()['check-exact.json'] as { claims: { id: string }[] };
    const rows = [...full.html.matchAll(/<tr(?: class="[^"]*")? data-claim="([^"]*)" data-verdict="([^"]*)"/g)].map((m) => m[1]);
    expect(rows).toEqual(ids.claims.map((c) => c.id));
    expect(full.html).toMatch(/<tr class="row-bad" data-claim="L34.s22.amgm1" data-verdict="counterexample"/);
    expect(full.html).toMatch(/<tr data-claim="T35" data-verdict="undecided"/);
  });

  it('shows the counterexample with exact entries, the failing relation and its replay command', () => {
    const block = full.html.slice(full.html.indexOf('<article class="claim" id="claim--L34.s22.amgm1"'));
    const art = block.slice(0, block.indexOf('</article>'));
    // the smallest counterexample is the SMT engine's exact model (V = [0; 1/2]), with its replay
    expect(art).toContain('Smallest counterexample');
    expect(art).toContain('from prove (SMT, confirmed exactly), prove.json');
    expect(art).toContain('<tr><td>0</td></tr><tr><td>1/2</td></tr>');
    expect(art).toContain('<span class="rel">&lt;</span>');
    expect(art).toContain('<pre><code>npx loracheck check --claim L34.s22.amgm1 --input &#39;{&quot;loss&quot;');
    expect(art).toContain('Proof (SMT): refuted');
    // the sampled run is still shown beside it
    expect(art).toContain('<td>exact</td><td><span class="badge bad"><span aria-hidden="true">✗</span> counterexample</span>');
    expect(art).toContain('class="katex"');
    expect(art).toContain('<math');
    // The glance names the printed line that fails and its corrected form.
    const glance = full.html.slice(full.html.indexOf('Printed statements that fail'), full.html.indexOf('Hypotheses that carry weight'));
    expect(glance).toContain('L34.s22.amgm1');
    expect(glance).toContain('corrected form');
  });

  it('has a proof column and says, line by line, whether the proof of Lemma 3.4 is proved, refuted or unknown', () => {
    const row = (id: string) => {
      const i = full.html.indexOf(`data-claim="${id}" data-verdict=`);
      return full.html.slice(i, full.html.indexOf('</tr>', i));
    };
    expect(row('L34.s18.a')).toContain('∎</span> proved</span><div class="small">every input</div>');
    expect(row('E19')).toContain('<div class="small">for m = n = r = 1 quadratics</div>');
    expect(row('L34')).toMatch(/unknown<\/span><div class="small dim">10.0 s of solver time/);
    expect(row('L33')).toContain('<span class="dim">—</span>');
    const glance = full.html.slice(full.html.indexOf('The proof of Lemma 3.4, line by line'));
    const block = glance.slice(0, glance.indexOf('</div>'));
    expect(block).toContain('L34.s18.a</code></a> <span class="ref">');
    expect(block).toContain('<b>proved as printed</b>');
    expect(block).toContain('<b>refuted as printed</b>: at L = 1, H = diag(1/2), C = (1), V = [0; 1/2]');
    expect(block).toContain('corrected form <a href="#claim--L34.s22.amgm1.corrected"><code class="id">L34.s22.amgm1.corrected</code></a>: <b>proved (from (19))</b>');
    // the card counts proofs apart from sampling
    expect(full.html).toContain('by SMT: 2 for every input, 1 for a fixed-size class');
  });

  it('draws the trace charts with all step rules of a workload on the same chart', () => {
    const traces = full.html.slice(full.html.indexOf('<section id="traces"'));
    const firstGroup = traces.slice(0, traces.indexOf('</article>'));
    const charts = firstGroup.match(/<svg class="chart"[\s\S]*?<\/svg>/g)!;
    expect(charts).toHaveLength(4);
    for (const c of charts) for (const rule of ['theory', 'adapt', 'const:0.5']) expect(c).toContain(`>${rule}</text>`);
    expect(charts[1]).toContain('GV bound (theory)');
    expect(charts[3]).toContain('T10 bound (theory)');
    expect(firstGroup).toContain('not applicable');
  });

  it('shows a truncated run and the steps the recorded precision could not resolve, in the traces and at a glance', () => {
    const traces = full.html.slice(full.html.indexOf('<section id="traces"'));
    const wide = traces.slice(traces.indexOf('<h3>synthetic-quadratic-wide'));
    const group = wide.slice(0, wide.indexOf('</article>'));
    expect(group).toContain('<span aria-hidden="true">✂</span> truncated</span>');
    expect(group).toContain('no summary line');
    expect(group).toMatch(/<td data-status="undecided"><span class="badge warn"><span aria-hidden="true">\?<\/span> undecided<\/span>/);
    expect(group).toMatch(/139 unresolved \(first t = 61\)/);
    expect(group).not.toMatch(/data-status="verified"><span class="badge ok"><span aria-hidden="true">✓<\/span> verified<\/span><div/); // every verdict there carries the truncation badge
    const glance = full.html.slice(full.html.indexOf('<section id="glance"'), full.html.indexOf('<section id="summary"'));
    expect(glance).toMatch(/with undecided claims \(unresolved steps\)/);
    expect(glance).toMatch(/L34<\/code> in <b>theory<\/b> \(<span class="num">139<\/span> of <span class="num">200<\/span> steps unresolved\)/);
    expect(glance).toMatch(/truncated<\/span> <b>theory<\/b> \(no summary line: verdicts cover a prefix\)/);
  });
});

describe('the slack histogram of a claim', () => {
  // What properties/_internals/stats.ts writes: log10 of lhs / rhs (rhs / lhs for >=), right-closed bins, above 0 violated.
  const EDGES = [-12, -6, -4, -3, -2, -1, -0.5, -0.2, -0.1, -0.05, -0.01, -0.001, 0, 0.001, 0.01, 0.1, 1, 12];
  const OF = 'log10(ratio) of the tightest comparison per case (ratio = lhs/rhs for <=, rhs/lhs for >=; > 0 is violated)';
  const SLACK = 'slack of the tightest comparison per case (rhs - lhs for <=, lhs - rhs for >=, -|lhs - rhs| for =)';
  const article = (h: string, id: string) => {
    const a = h.slice(h.indexOf(`<article class="claim" id="claim--${id}"`));
    return a.slice(0, a.indexOf('</article>'));
  };
  const withHistogram = (hist: { of: string; edges: number[]; counts: number[] }) => {
    const d = tmp();
    writeFixtures(d, ['check-exact.json']);
    const f = JSON.parse(readFileSync(join(d, 'check-exact.json'), 'utf8')) as { results: ClaimCheckResult[] };
    f.results = f.results.map((r) => (r.id === 'A2.sub' ? { ...r, slackHistogram: hist } : r));
    writeFileSync(join(d, 'check-exact.json'), JSON.stringify(f));
    return article(buildReport(d, { now: NOW }).html, 'A2.sub');
  };

  it('draws a verified claim whose cases all hold with no bar as a violation, the 0 marker on the right side, and a short axis label', () => {
    const counts = EDGES.slice(1).map((e) => (e <= 0 ? 20 : 0));
    const art = withHistogram({ of: OF, edges: EDGES, counts });
    expect(art).toContain('<rect class="bar"');
    expect(art).not.toContain('bar bad');
    expect(art).toContain('violated →');
    expect(art).toMatch(/<text class="label"[^>]*>log10\(ratio\) \(bins of unequal width/);
    expect(art).toContain(`<figcaption>${OF.replace(/</g, '&lt;').replace(/>/g, '&gt;')} over`);
  });

  it('draws the cases above 0 as violations when there are some', () => {
    const counts = EDGES.slice(1).map((e) => (e === 0.01 ? 3 : 1));
    expect(withHistogram({ of: OF, edges: EDGES, counts }).match(/<rect class="bar bad"/g)).toHaveLength(5);
  });

  it('reads a slack histogram the other way round: the bins below 0 violate', () => {
    const edges = [-1e6, -1e3, -1, -1e-3, -1e-6, -1e-12, 0, 1e-12, 1e-6, 1e-3, 1, 1e3, 1e6];
    const art = withHistogram({ of: SLACK, edges, counts: edges.slice(1).map(() => 1) });
    expect(art.match(/<rect class="bar bad"/g)).toHaveLength(5);
    expect(art).toContain('← violated');
  });
});

describe('the proof block of a claim', () => {
  it('says that sat on the scalar relaxation is no counterexample when the claim is not refuted', () => {
    const d = tmp();
    writeFixtures(d, ['check-exact.json', 'prove.json']);
    const f = JSON.parse(readFileSync(join(d, 'prove.json'), 'utf8')) as { claims: { id: string; verdict: string; text: string; witness?: unknown; attempts: { result: string; encoding: string }[] }[] };
    f.claims = f.claims.map((c) =>
      c.id === 'L34.s22.amgm1' && c.verdict === 'refuted'
        ? { ...c, verdict: 'unknown', text: 'unknown (0.5 s)', witness: undefined, attempts: [{ ...c.attempts[0]!, result: 'sat' }, { ...c.attempts[0]!, encoding: 'class', class: 'm = n = r = 1 quadratics', result: 'unknown', reason: 'timeout after 0.4 s' }] }
        : c,
    );
    writeFileSync(join(d, 'prove.json'), JSON.stringify(f));
    const h = buildReport(d, { now: NOW }).html;
    const a = h.slice(h.indexOf('<article class="claim" id="claim--L34.s22.amgm1"'));
    const block = a.slice(a.indexOf('<div class="proof">'), a.indexOf('</ul>', a.indexOf('<div class="proof">')));
    expect(block).toContain('<b>sat</b> <span class="dim">(a model of the scalar relaxation, which need not come from any V: not a counterexample; the classes decide)</span>');
  });
});

describe('the seed of a trace', () => {
  it('is shown whole, as the replay needs it, never rounded to 4 digits', () => {
    const d = tmp();
    const doc = traceFile();
    doc.traces = doc.traces.map((t) => ({ ...t, header: { ...t.header, seed: 757919126 } }));
    writeFileSync(join(d, 'verify-trace.json'), JSON.stringify(doc));
    const h = buildReport(d, { now: NOW }).html;
    expect(h).toContain('<td class="num">757919126</td>');
    expect(h).not.toContain('7.579e+8');
    // no claim was checked in this folder: no "0 verified, 0 counterexample" cards that read as if they were
    const glance = h.slice(h.indexOf('<section id="glance"'), h.indexOf('</section>', h.indexOf('<section id="glance"')));
    expect(glance).toContain('training runs');
    expect(glance).not.toContain('data-verdict="verified"');
    expect(glance).not.toContain('data-verdict="counterexample"');
  });

  it('of an experiment run is shown whole too, without thousands separators that a shell would not take', () => {
    const d = tmp();
    const run = { id: 'r1', label: 'LoRA', method: 'lora', rule: 'theory', rank: 1, batch: 'full', steps: 3, stepsDone: 3, seed: 757919126 };
    const exp = { kind: 'experiments', schema: 1, env: { date: '2026-01-01' }, preset: 'tiny', seed: 757919126, backend: 'wasm', data: [], timeMs: 1, runs: [run], figures: [], tables: [], statements: [] };
    writeFileSync(join(d, 'experiments.json'), JSON.stringify(exp));
    const r = buildReport(d, { now: NOW });
    expect(r.warnings).toEqual([]);
    expect(r.html).toContain('<td class="num">757919126</td>');
    expect(r.html).not.toContain('757,919,126');
  });
});

describe('the GPU that made a trace', () => {
  it('names the adapter (escaped; software said so) and the direct kernels under the backend', () => {
    const d = tmp();
    const doc = traceFile();
    doc.traces = doc.traces.slice(0, 2).map((t, i) => ({
      ...t,
      header: { ...t.header, backend: 'webgpu', ...(i === 0 ? { adapter: { label: 'nvidia-h200 <b>x</b>', software: false }, kernels: 'direct' } : { adapter: { label: 'swiftshader', software: true } }) },
    }));
    writeFileSync(join(d, 'verify-trace.json'), JSON.stringify(doc));
    const traces = buildReport(d, { now: NOW }).html;
    expect(traces).toContain('<div class="small dim">nvidia-h200 &lt;b&gt;x&lt;/b&gt;; direct Dawn kernels</div>');
    expect(traces).toContain('<div class="small dim">swiftshader (software adapter)</div>');
    expect(traces).not.toContain('<b>x</b>');
  });

  it('says when no trace is at LLM-layer size (naming the largest), and names the largest when one is', () => {
    const d = tmp();
    const doc = traceFile();
    writeFileSync(join(d, 'verify-trace.json'), JSON.stringify(doc));
    const small = buildReport(d, { now: NOW }).html;
    // the fixture's largest W is synthetic-quadratic-wide, 6 x 4 at rank 2
    expect(small).toMatch(/No trace here is at the size of an LLM layer \(4096 × 4096 and up\); the largest is synthetic-quadratic-wide <span class="num">6<\/span> × <span class="num">4<\/span> \(r = 2\), on cpu\./);
    doc.traces[1] = { ...doc.traces[1]!, header: { ...doc.traces[1]!.header, workload: 'quadratic', m: 4096, n: 8192, backend: 'webgpu', adapter: { label: 'nvidia-h200', software: false } } };
    writeFileSync(join(d, 'verify-trace.json'), JSON.stringify(doc));
    const big = buildReport(d, { now: NOW }).html;
    expect(big).toMatch(/Largest trace: quadratic <span class="num">4,096<\/span> × <span class="num">8,192<\/span> \(r = 1\), on webgpu on nvidia-h200, at the size of an LLM layer/);
    expect(big).not.toContain('No trace here is at the size of an LLM layer');
    // the glance says it too, in one line
    const glance = (page: string) => page.slice(page.indexOf('<section id="glance"'), page.indexOf('<section id="summary"'));
    expect(glance(small)).toMatch(/no trace at LLM-layer size \(4096 × 4096 and up\): the largest is synthetic-quadratic-wide/);
    expect(glance(big)).toMatch(/largest trace quadratic <span class="num">4,096<\/span> × <span class="num">8,192<\/span> \(r = 1\), on webgpu on nvidia-h200 \(LLM-layer size\)/);
  });
});

describe('sections appear only when their results exist', () => {
  const cases: [string[], string[]][] = [
    [['check-exact.json'], ['glance', 'summary', 'claims', 'environment']],
    [['search-L33.json'], ['glance', 'summary', 'claims', 'environment']],
    [['ablate.json'], ['glance', 'ablation', 'environment']],
    [['tighten.json'], ['glance', 'tightness', 'environment']],
    [['verify-trace.json'], ['glance', 'traces', 'environment']],
    [['ablate.json', 'verify-trace.json'], ['glance', 'ablation', 'traces', 'environment']],
  ];
  for (const [files, expected] of cases) {
    it(`${files.join(' + ')} -> ${expected.join(', ')}`, () => {
      const d = tmp();
      writeFixtures(d, files);
      const r = buildReport(d, { now: NOW });
      expect(r.sections).toEqual(expected);
      expect(r.html.includes('KaTeX_Main')).toBe(files.includes('check-exact.json'));
    });
  }

  it('an interrupted check or ablate, and the entries it kept from the earlier file, are shown as such', () => {
    const d = tmp();
    const all = fixtures() as Record<string, { interrupted?: boolean; results?: object[]; rows?: object[] }>;
    const check = structuredClone(all['check-exact.json']!);
    const ablate = structuredClone(all['ablate.json']!);
    check.interrupted = true;
    Object.assign(check.results![0]!, { fromEarlierRun: true });
    ablate.interrupted = true;
    for (const r of ablate.rows!) Object.assign(r, { fromEarlierRun: true });
    writeFileSync(join(d, 'check.json'), JSON.stringify(check));
    writeFileSync(join(d, 'ablate.json'), JSON.stringify(ablate));
    const r = buildReport(d, { now: NOW });
    expect(r.warnings).toEqual([]);
    expect(r.html).toContain('(from an earlier run)');
    expect(r.html).toMatch(/\(interrupted\); 1 entry kept from an earlier run/);
    expect(r.html).toMatch(new RegExp(`\\(interrupted\\); ${ablate.rows!.length} entries kept from an earlier run`));
  });

  it('an empty folder gives a page that says how to make results', () => {
    const r = buildReport(tmp(), { now: NOW });
    expect(r.sections).toEqual(['empty']);
    expect(r.html).toContain('loracheck verify');
  });

  it('a tightness row with no case evaluated (only its SMT bracket) loads without a warning, says so, and is in no summary list', () => {
    const d = tmp();
    const t = JSON.parse(readFileSync(join(FIXTURE_DIR, 'tighten.json'), 'utf8'));
    // what tighten writes when its budget ends before the first case: no ratio, evaluations 0
    t.rows = [{ claim: 'A1', paperRatio: 1, restarts: 0, evaluations: 0, seconds: 0.3, smt: { class: 'w1 : w2 = 1 : 1', steps: 1, timeMs: 1100, upper: { ratio: '1', value: 1, class: 'w1 : w2 = 1 : 1' } } }];
    writeFileSync(join(d, 'tighten.json'), JSON.stringify(t));
    const r = buildReport(d, { now: NOW });
    expect(r.warnings).toEqual([]);
    expect(r.html).toContain('no case evaluated within the budget');
    expect(r.html).not.toMatch(/NaN/);
  });

  it('a corrupt file gives a warning section, and the rest of the report', () => {
    const d = tmp();
    writeFixtures(d, ['tighten.json']);
    writeFileSync(join(d, 'check-broken.json'), readFileSync(join(FIXTURE_DIR, 'check-exact.json'), 'utf8').slice(0, 500));
    const r = buildReport(d, { now: NOW });
    expect(r.sections).toEqual(['glance', 'warnings', 'tightness', 'environment']);
    expect(r.warnings.map((w) => w.file)).toEqual(['check-broken.json']);
    expect(r.html).toMatch(/<code>check-broken.json<\/code>: not valid JSON/);
  });
});

describe('overall verdict of a claim', () => {
  const r = (verdict: ClaimCheckResult['verdict']) => ({ verdict }) as ClaimCheckResult;
  const s = (dropped: string[], found: boolean) => ({ dropped, ...(found ? { counterexample: {} } : {}) }) as SearchResultFile;
  it('takes the most severe result; a search counts only with no hypothesis dropped', () => {
    expect(overallVerdict([r('verified'), r('verified')], [])).toBe('verified');
    expect(overallVerdict([r('verified'), r('undecided')], [])).toBe('undecided');
    expect(overallVerdict([r('undecided'), r('error')], [])).toBe('error');
    expect(overallVerdict([r('verified')], [s(['eta_rule'], true)])).toBe('verified');
    expect(overallVerdict([r('verified')], [s([], true)])).toBe('counterexample');
    expect(overallVerdict([], [s([], false)])).toBe('not run');
    expect(overallVerdict([], [])).toBe('not run');
  });
});

describe('KaTeX from a file', () => {
  it('renders untrusted LaTeX without links, classes, styles or raw markup', () => {
    const out = math('\\href{javascript:alert(1)}{x} \\htmlClass{evil}{y} \\url{https://example.com} </span><script>alert(1)</script>').value;
    // The source survives only as escaped text in the MathML annotation.
    expect(out).not.toMatch(/<a\b|\shref=|<script|class="evil"|<\/span><script/);
    expect(out).toContain('&lt;script&gt;');
  });
});

describe('size and time budget', () => {
  it('builds a report of 20 claims and 10 traces of 20000 steps in < 5 s and < 5 MB', () => {
    const d = tmp();
    writeBigFixture(d, { claims: 20, traces: 10, steps: 20000 });
    const t0 = performance.now();
    const r = buildReport(d, { now: NOW });
    const ms = performance.now() - t0;
    expect(r.warnings).toEqual([]);
    expect(r.sections).toContain('traces');
    expect(ms).toBeLessThan(5000);
    expect(Buffer.byteLength(r.html)).toBeLessThan(5 * 1024 * 1024);
  });
});

describe('hostile shapes', () => {
  it('survives a witness input nested 200000 levels deep', () => {
    const d = tmp();
    const check = fixtures()['check-exact.json'] as { results: { counterexample?: unknown }[] };
    const deep = '['.repeat(200000) + ']'.repeat(200000);
    const text = JSON.stringify(check).replaceAll('"input":{"loss"', `"input":{"deep":${deep},"loss"`);
    expect(text.length).toBeGreaterThan(400000);
    writeFileSync(join(d, 'check.json'), text);
    // A second counterexample (from a search) makes the report compare the two inputs' sizes.
    writeFileSync(join(d, 'search.json'), JSON.stringify(fixtures()['search-L34.s22.amgm1.json']).replaceAll('"input":{"loss"', `"input":{"deep":${deep},"loss"`));
    const r = buildReport(d, { now: NOW });
    expect(r.sections).toContain('claims');
    expect(r.html).toContain('L34.s22.amgm1');
  });
});
