/**
 * The report in a real browser: headless Chromium (Debian package) driven by playwright-core.
 * 1. The fixture report loads with no request but itself and no console error, shows every
 *    claim with its verdict, typesets with the inlined fonts, and a screenshot is taken.
 * 2. Result files full of markup payloads produce a page where nothing runs: no dialog, no
 *    script, no handler attribute, no request; the payloads are visible as text. This holds
 *    with the page's CSP and also with the CSP removed (escaping alone must be enough).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResultFile, SearchResultFile } from '../theory/results.ts';
import { ablateFile, AMGM_CX, checkFile, FIXTURE_DIR, searchFiles, tightenFile, traceFile, writeFixtures } from './fixtures/make.ts';
import { num, ratio } from './format.ts';
import { buildReport } from './render.ts';

// Callbacks given to page.evaluate run in the page; the project compiles without the DOM lib.
declare const document: any;
declare const getComputedStyle: (e: unknown, pseudo?: string) => { overflowX: string; content: string };
declare const window: { scrollTo(x: number, y: number): void };
declare const matchMedia: (q: string) => { matches: boolean };

const CHROMIUM = process.env.LORACHECK_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHOT = join(ROOT, 'out', 'browser-test', 'report.png');
/** A4 is 210 mm wide: 794 CSS px at 96 px per inch; less the report's 1 cm margins (style.ts @page), 718 px of content. */
const A4 = 718;

let browser: Browser | undefined;
const tmp = mkdtempSync(join(tmpdir(), 'loracheck-browser-'));

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the report's browser tests need it. Install the Debian package (apt-get install chromium; .ci/run does this) or point LORACHECK_CHROMIUM at a Chromium binary.`,
    );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Seen {
  requests: string[];
  console: { type: string; text: string }[];
  errors: string[];
  dialogs: string[];
}

async function open(file: string): Promise<{ page: Page; seen: Seen }> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  const seen: Seen = { requests: [], console: [], errors: [], dialogs: [] };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('console', (m) => seen.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  return { page, seen };
}

/** Expected verdict per claim, read straight from the fixture files (most severe wins). */
function expectedVerdicts(): Map<string, string> {
  const out = new Map<string, string>();
  const rank = ['verified', 'undecided', 'error', 'counterexample'];
  const put = (id: string, v: string) => out.set(id, rank.indexOf(v) > rank.indexOf(out.get(id) ?? 'verified') ? v : (out.get(id) ?? v));
  for (const name of ['check-exact.json', 'check-float64.json']) {
    const f = JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as CheckResultFile;
    for (const r of f.results) put(r.id, r.verdict);
  }
  for (const name of ['search-L33.json', 'search-L34.s22.amgm1.json']) {
    const s = JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as SearchResultFile;
    if (!s.dropped.length && s.counterexample) put(s.claim, 'counterexample');
  }
  return out;
}

describe('the report in Chromium', () => {
  it('loads nothing but itself, logs no error, shows every claim with its verdict, and renders', async () => {
    const file = join(tmp, 'report.html');
    writeFileSync(file, buildReport(FIXTURE_DIR).html);
    const { page, seen } = await open(file);

    expect(seen.requests).toEqual([pathToFileURL(file).href]);
    expect(seen.console.filter((m) => m.type === 'error' || m.type === 'warning')).toEqual([]);
    expect(seen.errors).toEqual([]);

    const verdicts = expectedVerdicts();
    expect(verdicts.size).toBeGreaterThan(15);
    for (const [id, verdict] of verdicts) {
      const row = page.locator(`#summary tr[data-claim="${id}"]`);
      await expect.poll(() => row.isVisible()).toBe(true);
      const text = await row.innerText();
      expect(text).toContain(id);
      expect(text).toContain(verdict);
      expect(await page.locator(`article[data-claim="${id}"] header`).innerText()).toContain(verdict);
    }

    // KaTeX typeset with its own fonts, loaded from data: URIs under the CSP.
    const fonts = await page.evaluate(() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family));
    expect(fonts).toContain('KaTeX_Main');
    expect(await page.locator('.statement .katex-html').count()).toBe(verdicts.size);
    expect(await page.locator('svg.chart').count()).toBeGreaterThan(10);

    mkdirSync(dirname(SHOT), { recursive: true });
    await page.screenshot({ path: SHOT, fullPage: true });
    const png = readFileSync(SHOT);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(1280); // IHDR width
    expect(png.readUInt32BE(20)).toBeGreaterThan(4000); // the whole page, not a blank viewport
    expect(statSync(SHOT).size).toBeGreaterThan(200_000);
    await page.close();
  });
});

/** Elements wider than the page that no scrolling box holds (what makes the whole page scroll sideways). */
async function sideways(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const W = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const e of document.querySelectorAll('body *')) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.right <= W + 0.5) continue;
      let a = e.parentElement;
      while (a && !/(auto|scroll|hidden)/.test(getComputedStyle(a).overflowX)) a = a.parentElement;
      if (!a) out.push(`${e.tagName.toLowerCase()}.${e.getAttribute('class') ?? ''} (${Math.round(r.right)} px)`);
    }
    return out;
  });
}

describe('the report at a desktop and a phone width', () => {
  // The fixture set, every witness with a fast-check replay path as long as real searches print (thousands of
  // characters) and a 2 x 12 matrix of 20-digit entries in its input, every certified constant a 60-digit enclosure.
  const res = join(tmp, 'widths');
  mkdirSync(res, { recursive: true });
  writeFixtures(res);
  const path = Array.from({ length: 1500 }, (_, i) => i % 7).join(':');
  const lengthen = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(lengthen);
    if (!v || typeof v !== 'object') return v;
    const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, lengthen(x)]));
    if (typeof o.certified === 'string') o.certified = `[0.${'3'.repeat(60)}14, 0.${'3'.repeat(60)}41]`;
    if (!('comparisons' in o) || typeof o.replay !== 'string') return o;
    const wide = { rows: 2, cols: 12, data: Array.from({ length: 24 }, (_, i) => `-0.0893051058115997${i}`) };
    return { ...o, path, replay: `${o.replay} --path ${path}`, input: { ...(o.input as object), X: wide } };
  };
  // and the ablation grid as wide as a verify run's: its 12 hypotheses as columns (924 px in print before it printed by claim)
  const more = ['projection', 'step_le_1_over_L', 'frozen_A', 'low_rank_update', 'pl'];
  const rows = more.map((hypothesis, i) => ({ claim: `RAC.T5${i}`, hypothesis, status: 'load-bearing', cases: 1, ascents: 16, seconds: 0.83, foundBy: 'corpus' }));
  writeFileSync(join(res, 'ablate-more.json'), JSON.stringify({ ...ablateFile(), rows }));
  for (const name of readdirSync(res)) writeFileSync(join(res, name), JSON.stringify(lengthen(JSON.parse(readFileSync(join(res, name), 'utf8')))));
  const file = join(tmp, 'widths.html');
  writeFileSync(file, buildReport(res).html);
  // One page, resized and switched to print media in turn (each load of the report costs about a second).
  let page: Page;
  beforeAll(async () => {
    page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
  });
  afterAll(() => page.close());

  const noSideways = async (width: number) => {
    await page.setViewportSize({ width, height: 900 });
    expect(await sideways(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    // a long exact value wraps in its cell rather than widening its table by a page
    const certified = await page.evaluate(() => [...document.querySelectorAll('table.tightness td.cert')].map((e) => e.getBoundingClientRect().width));
    expect(certified.length).toBeGreaterThan(3);
    for (const w of certified) expect(w).toBeLessThanOrEqual(360);
    // ... at a readable width (not squeezed to a column of 8 digits where the window allows more)
    if (width >= 1280) for (const w of certified) expect(w).toBeGreaterThan(250);
  };

  it('at 1280 px: never scrolls sideways (wide tables scroll in their box, long tokens wrap), and the claims table fits the window', async () => {
    await noSideways(1280);
    const wrap = await page.evaluate(() => {
      const w = document.querySelector('#summary .table-wrap');
      return { scroll: w.scrollWidth, client: w.clientWidth };
    });
    expect(wrap.scroll).toBeLessThanOrEqual(wrap.client);
  });

  it('at 420 px: never scrolls sideways, charts shrink, and the claim column of the ablation grid stays in view when the grid scrolls', async () => {
    await noSideways(420);
    const seen = await page.evaluate(() => {
      const wrap = document.querySelector('table.ablation').closest('.table-wrap');
      wrap.scrollLeft = wrap.scrollWidth;
      const box = wrap.getBoundingClientRect();
      const th = wrap.querySelector('tbody th').getBoundingClientRect();
      return { scrolled: wrap.scrollLeft > 0, left: th.left - box.left };
    });
    expect(seen.scrolled).toBe(true);
    expect(Math.abs(seen.left)).toBeLessThan(1);
  });

  it('never breaks a rounded number inside (1 − 6.5e-11 once wrapped after "e-"), while an exact enclosure may wrap', async () => {
    const lines = await page.evaluate(
      ([a, b]) => {
        const box = document.createElement('div');
        box.style.width = '3ch';
        box.innerHTML = `<p>${a}</p><p>${b}</p>`;
        document.querySelector('main').append(box);
        const n = [...box.querySelectorAll('span.num')].map((e) => e.getClientRects().length);
        box.remove();
        return n;
      },
      [ratio(1 - 6.5e-11).value, num('[0.406737842280, 0.406737842281]').value],
    );
    expect(lines[0], 'line boxes of the rounded ratio').toBe(1);
    expect(lines[1], 'line boxes of the long enclosure').toBeGreaterThan(1);
  });

  it('in print at A4 width: what is folded on screen is on paper, every table and grid fits the page, and no cell spills into the next', async () => {
    await page.setViewportSize({ width: A4, height: 1123 });
    await page.emulateMedia({ media: 'print' });
    // the 420 px test scrolled the ablation grid's box back; then a forced layout under print media,
    // repeated until no web font (KaTeX's, data: URIs) is loading, so nothing reflows after we measure
    const settled = await page.evaluate(async () => {
      for (const w of document.querySelectorAll('.table-wrap')) w.scrollLeft = 0;
      window.scrollTo(0, 0);
      for (let i = 0; i < 20; i++) {
        void document.body.getBoundingClientRect();
        await document.fonts.ready;
        if (document.fonts.status === 'loaded') return matchMedia('print').matches;
      }
      return false;
    });
    expect(settled, 'print media applied and fonts loaded').toBe(true);
    const seen = await page.evaluate((A4) => {
      const shown = (sel: string) => [...document.querySelectorAll(sel)].map((e) => e.checkVisibility({ contentVisibilityAuto: true }));
      const name = (e: any) => `${e.tagName.toLowerCase()}.${(e.getAttribute('class') ?? '').replace(/ /g, '.')} in #${e.closest('section')?.id}`;
      // every table (the ablation grid, the tightness table, run tables, witness and matrix tables) and every scroll box of one
      const wide = [...document.querySelectorAll('main table, main .table-wrap')]
        .map((e) => ({ e, w: Math.max(e.scrollWidth, Math.ceil(e.getBoundingClientRect().right)) }))
        .filter((x) => x.w > A4)
        .map((x) => `${name(x.e)} (${x.w} px)`);
      // a cell whose content is wider than the cell overlaps its neighbour (what table-layout: fixed did)
      const spill = [...document.querySelectorAll('main td, main th')]
        .filter((c) => c.checkVisibility() && c.scrollWidth > c.clientWidth + 1)
        .map((c) => `${name(c)}: ${c.scrollWidth} > ${c.clientWidth} px, ${c.textContent.slice(0, 40)}`);
      return {
        replays: shown('.replay'),
        witnesses: shown('details .witness'),
        page: document.documentElement.scrollWidth,
        tables: document.querySelectorAll('main table').length,
        wide,
        spill,
        grid: ['table.ablation', 'table.tightness'].map((sel) => document.querySelector(sel)?.scrollWidth ?? -1),
        cells: [...document.querySelectorAll('table.ablation td:not(.empty), table.tightness td')].filter((c) => !c.checkVisibility()).length,
        // a table printed by rows hides its head: each cell but the row's first says its column (the dropped hypothesis, "certified", ...)
        unlabelled: [...document.querySelectorAll('table.print-blocks td:not(:first-child):not(.empty)')]
          .filter((c) => !/^".+"$/.test(getComputedStyle(c, '::before').content))
          .map((c) => name(c)),
      };
    }, A4);
    await page.emulateMedia({ media: 'screen' });
    expect(seen.replays.length).toBeGreaterThan(10);
    expect(seen.witnesses.length).toBeGreaterThan(5);
    expect(seen.replays.filter((x) => !x).length, 'replay commands hidden in print').toBe(0);
    expect(seen.witnesses.filter((x) => !x).length, 'witnesses hidden in print').toBe(0);
    expect(seen.tables).toBeGreaterThan(20);
    expect(seen.grid.every((w) => w > 0), 'the ablation grid and the tightness table are on the page').toBe(true);
    expect(seen.wide, `tables wider than A4 (${A4} px) in print`).toEqual([]);
    expect(seen.page, 'the page in print').toBeLessThanOrEqual(A4);
    expect(seen.spill, 'cells whose content spills out in print').toEqual([]);
    expect(seen.cells, 'cells of the ablation grid or the tightness table hidden in print').toBe(0);
    expect(seen.unlabelled, 'cells printed without their column').toEqual([]);
  });
});

// ------------------------------------------------------------------ hostile result files

const P = {
  script: '<script>alert(1)</script>',
  img: '"><img src=x onerror=alert(2)>',
  svg: "'><svg onload=alert(3)>",
  style: '</style><script>alert(5)</script>',
  frame: '<iframe src="https://example.com/x"></iframe>',
  js: 'javascript:alert(7)',
};

function hostileResults(dir: string): void {
  const env = { node: P.script, platform: P.img, arch: P.svg, cpus: 2, loracheck: P.style, versions: { [P.img]: P.script }, date: P.style, backend: P.frame };
  const id = `A9${P.script}`;
  const witness = {
    ...AMGM_CX,
    claim: id,
    input: { [P.img]: P.script, M: { rows: 1, cols: 2, data: [P.svg, P.js] }, v: [P.frame] },
    comparisons: [{ label: P.script, lhs: P.img, rel: '>=' as const, rhs: P.svg, holds: false, slack: -1, ratio: 2 }],
    dropped: [P.img],
    violates: [P.svg],
    replay: `npx loracheck check ${P.script}`,
    sizes: P.img,
    path: P.frame,
  };
  const check = checkFile();
  check.env = env;
  check.claims = [
    { ...check.claims[0]!, id, title: P.img, paper: P.svg, hypotheses: [P.img as never], note: P.style, latex: `\\text{</span>${P.script}} \\href{${P.js}}{x}` },
    { ...check.claims[1]!, correctedOf: id },
  ];
  check.results = [
    { ...check.results[0]!, id, verdict: 'counterexample', counterexample: witness, replay: P.script, error: P.img, slackHistogram: { of: P.script, edges: [-1, 0, 1], counts: [1, 2] } },
    { ...check.results[1]! },
  ];
  const search = { ...searchFiles()[0]!, env, claim: id, dropped: [P.svg], counterexample: witness, shard: P.img };
  const ablate = {
    ...ablateFile(),
    env,
    rows: [
      { claim: id, hypothesis: P.img, status: 'load-bearing', cases: 1, seconds: 1, witness, foundBy: 'ascent' },
      { claim: P.svg, hypothesis: P.script, status: 'error', cases: 0, seconds: 0, error: P.frame },
      { claim: P.svg, hypothesis: P.img, status: 'cannot-fail', cases: 1, seconds: 1, reason: P.script },
      { claim: P.svg, hypothesis: P.style, status: 'not-shown', cases: 1, ascents: 2, seconds: 1, reason: P.frame },
    ],
  };
  const constant = {
    printed: P.img,
    printedValue: 1,
    direction: 'sup',
    quantity: P.script,
    degenerate: P.style,
    declared: true,
    found: 0.5,
    certified: P.svg,
    certifiedIn: 'exact',
    digits: P.frame,
    gap: 2,
    conjecture: { form: P.script, matchedDigits: 30 },
    better: { value: P.img, holdsOnTried: true, tried: 3, worstTried: 0.5 },
    witness,
    label: P.js,
  };
  const tighten = { ...tightenFile(), env, rows: [{ claim: P.svg, label: P.script, worstRatio: 0.5, worstRatioCertified: P.img, paperRatio: 1, witness, restarts: 1, evaluations: 1, seconds: 1, constant }] };
  const traces = traceFile();
  traces.env = env;
  traces.traces = traces.traces.slice(0, 2).map((t, i) => ({
    ...t,
    file: P.frame,
    header: { ...t.header, workload: P.script, rule: i ? P.img : P.svg, seed: P.style, backend: P.frame, L: P.js },
    claims: [{ id: P.script, status: 'not applicable', reason: P.img, stepsChecked: 1, violations: 0 }],
    fits: { note: P.svg },
  }));
  const files: Record<string, unknown> = { 'check.json': check, 'search.json': search, 'ablate.json': ablate, 'tighten.json': tighten, 'trace.json': traces, 'kind.json': { kind: P.script, schema: 1 } };
  for (const [name, doc] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(doc));
  writeFileSync(join(dir, `x${P.img}.json`), `${P.script}${P.img}`);
}

async function assertInert(page: Page, seen: Seen, file: string): Promise<void> {
  expect(seen.dialogs).toEqual([]);
  expect(seen.errors).toEqual([]);
  expect(seen.requests).toEqual([pathToFileURL(file).href]);
  expect(seen.console.filter((m) => /alert|script|onerror|onload|iframe|example\.com/i.test(m.text))).toEqual([]);
  const dom = await page.evaluate(() => ({
    scripts: document.querySelectorAll('script').length,
    injected: document.querySelectorAll('img, iframe, object, embed, svg svg, form, base, link, meta[http-equiv="refresh"]').length,
    handlers: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName}.${a.name}`)),
    links: [...document.querySelectorAll('[href], [src], [xlink\\:href]')].map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? ''),
  }));
  expect(dom.scripts).toBe(0);
  expect(dom.injected).toBe(0);
  expect(dom.handlers).toEqual([]);
  for (const l of dom.links) expect(l).toMatch(/^#/);
  // The payloads are there, as text a reader can see.
  for (const text of [P.script, P.img, P.svg, P.frame]) await expect.poll(() => page.getByText(text).first().isVisible()).toBe(true);
  expect(await page.locator('svg.chart text', { hasText: 'onerror=alert(2)' }).count()).toBeGreaterThan(0);
}

describe('hostile result files in Chromium', () => {
  const res = join(tmp, 'hostile');
  mkdirSync(res, { recursive: true });
  hostileResults(res);
  const report = buildReport(res);

  it('reads them with warnings, not a crash', () => {
    expect(report.sections).toContain('warnings');
    expect(report.sections).toContain('traces');
    expect(report.html).not.toMatch(/<script>alert/);
  });

  it('runs nothing and shows the payloads as text, with the CSP', async () => {
    const file = join(tmp, 'hostile.html');
    writeFileSync(file, report.html);
    const { page, seen } = await open(file);
    await assertInert(page, seen, file);
    await page.close();
  });

  it('runs nothing and shows the payloads as text, even with the CSP removed', async () => {
    const file = join(tmp, 'hostile-no-csp.html');
    const stripped = report.html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    expect(stripped).not.toContain('Content-Security-Policy');
    writeFileSync(file, stripped);
    const { page, seen } = await open(file);
    await assertInert(page, seen, file);
    await page.close();
  });
});
