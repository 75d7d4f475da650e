/**
 * The top of the report: what holds, what fails and how, which hypotheses carry weight, how
 * tight the constants are and how the traces went, in a few lines; then one row per claim.
 */
import { badge } from '../badges.ts';
import { anchor, html, type Html } from '../escape.ts';
import { count, countSum, duration, num, plural, ratio, rounded } from '../format.ts';
import { constantGap, failing, type ClaimView, type Model, type OverallVerdict } from '../model.ts';
import { table } from '../tables.ts';
import { relText } from '../witness.ts';
import type { Section } from '../page.ts';
import type { LoadedFile } from '../load.ts';
import type { ExperimentsResultFile } from '../../theory/results.ts';
import { largestTrace } from './traces.ts';

export const claimLink = (id: string): Html => html`<a href="#${anchor('claim', id)}"><code class="id">${id}</code></a>`;

const CARDS: readonly OverallVerdict[] = ['verified', 'statistical', 'counterexample', 'undecided', 'error', 'not run'];
const CARD_TEXT: Readonly<Record<string, string>> = {
  verified: 'hold in every case sampled',
  statistical: 'not rejected by any Monte-Carlo test (statistical claims)',
  counterexample: 'fail as printed',
  undecided: 'could not be decided',
  error: 'could not be run',
  'not run': 'listed but not run',
};

/** The SMT verdict of a claim: proved (for every input, or the class), refuted, unknown (time). */
function proofCell(c: ClaimView): Html {
  const p = c.proof;
  if (!p) return html`<span class="dim">—</span>`;
  if (p.verdict === 'proved') {
    // several classes ("m = n = 1 (M is 2 x 2); m = 1, n = 2 ...") would make the row a column of text: counted here, listed in the tooltip and the claim's proof block
    const classes = p.class && p.class !== 'all inputs' ? p.class.split('; ') : [];
    const which = classes.length > 1 ? html`<div class="small" title="${p.class}">for ${classes.length} fixed-size classes</div>` : classes.length ? html`<div class="small">for ${p.class}</div>` : html`<div class="small">every input</div>`;
    return html`${badge('proved', p.text)}${which}${p.assumes?.length ? html`<div class="small dim">from ${p.assumes.join(', ')}</div>` : ''}`;
  }
  if (p.verdict === 'unknown') return html`${badge('unknown')}${typeof p.timeMs === 'number' ? html`<div class="small dim">${duration(p.timeMs)} of solver time</div>` : ''}`;
  return badge(p.verdict);
}

/**
 * One side of a failing relation: exact text verbatim; an enclosure "[lo, hi]" of 17-digit doubles
 * as its midpoint to 6 digits, the enclosure itself in the tooltip (and in the claim's witness table).
 */
function sideText(text: string): Html {
  const m = /^\[\s*([-+]?[0-9.]+(?:e[-+]?\d+)?)\s*,\s*([-+]?[0-9.]+(?:e[-+]?\d+)?)\s*\]$/i.exec(text);
  const mid = m ? (Number(m[1]) + Number(m[2])) / 2 : Number.NaN;
  return Number.isFinite(mid) ? html`<code class="exact" title="${text}">≈ ${rounded(mid, 6)}</code>` : html`<code class="exact">${text}</code>`;
}

/** "L = 1, H = 1/2, C = 1, V = [0; 1/2]" for a LoRA input; the JSON for anything else. */
function inputText(input: unknown): string {
  const x = input as { loss?: { L?: unknown; d?: unknown[]; C?: { data?: unknown[] } }; V?: { data?: unknown[] } } | null;
  if (x?.loss && x.V?.data) {
    const h = (x.loss.d ?? []).map(String).join(', ');
    const C = (x.loss.C?.data ?? []).map(String).join(', ');
    return `L = ${String(x.loss.L)}, H = diag(${h}), C = (${C}), V = [${x.V.data.map(String).join('; ')}]`;
  }
  return JSON.stringify(input);
}

/** Each printed line of the proof of Lemma 3.4: proved as printed, refuted as printed (exact model), or unknown. */
function proofLines(m: Model): Html {
  const lines = m.claims.filter((c) => c.id.startsWith('L34.s') && !c.info?.correctedOf && c.proof);
  if (!lines.length) return html``;
  const items = lines.map((c) => {
    const p = c.proof!;
    const fixes = c.correctedBy.map((id) => {
      const fixed = m.claims.find((o) => o.id === id)!;
      return html`; corrected form ${claimLink(id)}: ${fixed.proof ? html`<b>${fixed.proof.text}</b>` : badge(fixed.verdict)}`;
    });
    let how: Html;
    if (p.verdict === 'proved') how = html`<b>proved as printed</b>${p.assumes?.length ? html` (from ${p.assumes.join(', ')})` : ''}${p.class && p.class !== 'all inputs' ? html` for ${p.class}` : ''}`;
    else if (p.verdict === 'refuted' && p.witness) {
      const f = failing(p.witness);
      how = html`<b>refuted as printed</b>: at ${inputText(p.witness.input)}${f ? html`, ${sideText(f.lhs)} <b class="rel">${relText(f.rel, false)}</b> ${sideText(f.rhs)} is false` : ''} (exact model, confirmed)`;
    } else how = html`<b>${p.text}</b>`;
    // the solver's word is not the line's last: sampling may have refuted what it left unknown
    const sampled = p.verdict !== 'refuted' && c.verdict === 'counterexample' ? html`; sampling: ${badge('counterexample')}` : '';
    return html`<li>${claimLink(c.id)} <span class="ref">${c.info?.paper ?? ''}</span>: ${how}${sampled}${fixes}</li>`;
  });
  return html`<div class="glance-block wide"><h3>The proof of Lemma 3.4, line by line (SMT)</h3><ul class="proof-lines">${items}</ul><p class="small">Z3 on each line's own sides over ||V_t||, ||G||, ||∇J||, L and η_t (every input satisfying the line's hypotheses and (19)): proved means the negation is unsat, not that no counterexample was sampled.</p></div>`;
}

/** Fewer non-trivial sampled cases than this (all checks and searches together) make a verified
 *  claim's evidence thin (a short --seconds or --runs budget may give a whole-run claim only a few cases): the card says how many. */
const THIN_CASES = 10;

/** Verified claims whose sampling ran fewer than THIN_CASES non-trivial cases and that no proof covers for every input. */
function thinlyVerified(m: Model): ClaimView[] {
  return m.claims.filter((c) => {
    if (c.verdict !== 'verified' || (c.proof?.verdict === 'proved' && c.proof.class === 'all inputs')) return false;
    const n = c.checks.reduce((k, r) => k + r.nonTrivial, 0) + c.searches.reduce((k, r) => k + (r.dropped.length ? 0 : r.cases), 0);
    return n < THIN_CASES;
  });
}

function cards(m: Model): Html {
  const out: Html[] = [];
  // with no claim in the results (traces or experiments only), zero counts would read as checks that passed
  for (const v of m.claims.length ? CARDS : []) {
    const n = m.claims.filter((c) => c.verdict === v).length;
    if (!n && (v === 'error' || v === 'not run' || v === 'statistical')) continue;
    const thin = v === 'verified' ? thinlyVerified(m) : [];
    const note = thin.length ? html`; <span title="${thin.map((c) => c.id).join(', ')}">${thin.length} of them on fewer than ${THIN_CASES} non-trivial cases</span>` : '';
    out.push(html`<div class="card ${v === 'counterexample' && n ? 'card-bad' : ''}" data-verdict="${v}"><div class="card-n">${n}</div>${badge(v)}<div class="card-t">${CARD_TEXT[v]}${note}</div></div>`);
  }
  const proved = m.claims.filter((c) => c.proof?.verdict === 'proved');
  if (m.claims.some((c) => c.proof)) {
    const all = proved.filter((c) => c.proof!.class === 'all inputs').length;
    out.push(html`<div class="card" data-verdict="proved"><div class="card-n">${proved.length}</div>${badge('proved')}<div class="card-t">by SMT: ${all} for every input, ${proved.length - all} for a fixed-size class</div></div>`);
  }
  const runs = m.traces.flatMap((g) => g.runs);
  if (runs.length) {
    const bad = runs.filter((r) => r.entry.claims.some((c) => c.status === 'violated')).length;
    const undecided = runs.filter((r) => r.entry.claims.some((c) => c.status === 'undecided')).length;
    const truncated = runs.filter((r) => r.entry.truncated).length;
    const more = [undecided ? `${undecided} with undecided claims (unresolved steps)` : '', truncated ? `${truncated} truncated` : ''].filter(Boolean).join(', ');
    out.push(html`<div class="card ${bad ? 'card-bad' : ''}"><div class="card-n">${runs.length}</div><span class="badge na">training runs</span><div class="card-t">${bad ? `${bad} with a violated bound` : 'no bound violated'}${more ? `; ${more}` : ''}</div></div>`);
  }
  return html`<div class="cards">${out}</div>`;
}

/** One line per printed statement that fails: which relation, both sides, sizes, and the correction. */
function failures(m: Model): Html {
  const bad = m.claims.filter((c) => c.verdict === 'counterexample');
  if (!bad.length) return html``;
  const items = bad.map((c) => {
    const w = c.counterexample?.witness;
    const f = w ? failing(w) : undefined;
    const how = f
      ? html`<div class="how">fails${w?.sizes ? html` at <b>${w.sizes}</b>` : ''}${f.label ? html` <span class="dim">(${f.label})</span>` : ''}: ${sideText(f.lhs)} <b class="rel">${relText(f.rel, false)}</b> ${sideText(f.rhs)}${typeof f.ratio === 'number' ? html` <span class="dim">· ratio</span> ${ratio(f.ratio)}` : ''}</div>`
      : html`<div class="how">${w ? 'see its counterexample' : 'counterexample found by search'}</div>`;
    const fixes = c.correctedBy.map((id) => {
      const fixed = m.claims.find((o) => o.id === id)!;
      return html`<div class="fix">corrected form ${claimLink(id)}: ${badge(fixed.verdict)}</div>`;
    });
    return html`<li>${claimLink(c.id)} <span class="ref">${c.info?.paper ?? ''}${c.info?.title ? html` · ${c.info.title}` : ''}</span>${how}${fixes}</li>`;
  });
  return html`<div class="glance-block wide"><h3>Printed statements that fail</h3><ul class="failures">${items}</ul></div>`;
}

function weight(m: Model): Html {
  if (!m.ablation.length) return html``;
  const byClaim = new Map<string, string[]>();
  for (const r of m.ablation) if (r.status === 'load-bearing') byClaim.set(r.claim, [...(byClaim.get(r.claim) ?? []), r.hypothesis]);
  const notShown = m.ablation.filter((r) => r.status === 'not-shown').length;
  const cannot = m.ablation.filter((r) => r.status === 'cannot-fail');
  const items = [...byClaim].map(
    ([claim, hs]) => html`<li><a href="#${anchor('abl', claim)}"><code class="id">${claim}</code></a>: ${hs.map((h, i) => html`${i ? ', ' : ''}<a href="#${anchor('abl', claim, h)}"><code class="hyp">${h}</code></a>`)}</li>`,
  );
  return html`<div class="glance-block"><h3>Hypotheses that carry weight</h3><p class="small">Dropping each of these produced a counterexample${notShown ? html`; for ${plural(notShown, 'other pair')} none was shown within the budget` : ''}${cannot.length ? html`; ${cannot.map((r, i) => html`${i ? ', ' : ''}<code class="hyp">${r.hypothesis}</code> for <code class="id">${r.claim}</code>`)} cannot fail (the reason is in the table)` : ''} (<a href="#ablation">table</a>).</p>${items.length ? html`<ul class="cols">${items}</ul>` : html`<p class="dim">No hypothesis was shown load-bearing.</p>`}</div>`;
}

function tightness(m: Model): Html {
  if (!m.tightness.length) return html``;
  const declared = m.tightness.filter((r) => r.constant?.declared && r.constant.gap !== undefined);
  const constants = declared.length
    ? html`<li>constants printed vs found: ${declared.map((r, i) => html`${i ? '; ' : ''}<code class="id">${r.claim}</code> ${r.constant!.printed} vs ${ratio(r.constant!.found, 4)}${(constantGap(r.constant!) ?? 1) < 1 - 1e-12 ? html` ${badge('counterexample', 'the quantity passes the printed constant')}` : ''}${r.constant!.conjecture ? html` (= ${r.constant!.conjecture.form}?)` : ''}`)}</li>`
    : '';
  // a row with no ratio (no case evaluated within the budget) is in none of the lists
  const rows = [...m.tightness].filter((r): r is typeof r & { worstRatio: number } => !r.constant?.declared && r.worstRatio !== undefined).sort((a, b) => b.worstRatio - a.worstRatio);
  const over = rows.filter((r) => r.worstRatio > (r.paperRatio ?? 1));
  const tight = rows.filter((r) => r.worstRatio <= (r.paperRatio ?? 1) && r.worstRatio >= 0.99 * (r.paperRatio ?? 1));
  const loose = rows.filter((r) => r.worstRatio < 0.5 * (r.paperRatio ?? 1));
  const mid = rows.filter((r) => !over.includes(r) && !tight.includes(r) && !loose.includes(r));
  const list = (rs: typeof rows) => rs.map((r, i) => html`${i ? ', ' : ''}<code class="id"${r.label ? html` title="${r.label}"` : ''}>${r.claim}</code> ${ratio(r.worstRatio, 3)}`);
  return html`<div class="glance-block"><h3>How tight the constants are</h3><ul>${constants}${over.length ? html`<li>${badge('counterexample')} ratio above the paper's constant: ${list(over)}</li>` : ''}${tight.length ? html`<li>at the constant or within 1 %: ${list(tight)}</li>` : ''}${mid.length ? html`<li>within a factor 2: ${list(mid)}</li>` : ''}${loose.length ? html`<li>not approached (below half): ${list(loose)}</li>` : ''}<li class="small">Printed constant against the worst value of its normalised quantity found by search; other relations: worst ratio lhs / rhs against 1 (<a href="#tightness">table</a>).</li></ul></div>`;
}

function traces(m: Model): Html {
  if (!m.traces.length) return html``;
  const items = m.traces.map((g) => {
    const viol = g.runs.flatMap((r) => r.entry.claims.filter((c) => c.status === 'violated').map((c) => html`<code class="id">${c.id}</code> in <b>${r.label}</b>`));
    const undecided = g.runs.flatMap((r) =>
      r.entry.claims
        .filter((c) => c.status === 'undecided')
        .map((c) => html`<code class="id">${c.id}</code> in <b>${r.label}</b>${c.unresolved !== undefined ? html` (${count(c.unresolved)} of ${count(c.checked ?? c.stepsChecked)} steps unresolved)` : ''}`),
    );
    const truncated = g.runs.filter((r) => r.entry.truncated).map((r) => html`<b>${r.label}</b>`);
    const list = (xs: Html[]) => xs.map((v, i) => html`${i ? '; ' : ''}${v}`);
    return html`<li><a href="#${anchor('trace', g.key)}">${g.title}</a>: ${plural(g.runs.length, 'run')} (${g.runs.map((r, i) => html`${i ? ', ' : ''}${r.label}`)}); ${viol.length ? html`${badge('violated')} ${list(viol)}` : html`no bound violated`}${undecided.length ? html`; ${badge('undecided')} ${list(undecided)}` : ''}${truncated.length ? html`; ${badge('truncated')} ${list(truncated)} (no summary line: verdicts cover a prefix)` : ''}</li>`;
  });
  const big = largestTrace(m);
  const scale = big ? html`<li class="small">${big.atScale ? html`largest trace ${big.what} (LLM-layer size)` : html`${badge('not run', 'no trace at LLM-layer size')} no trace at LLM-layer size (4096 × 4096 and up): the largest is ${big.what} (<a href="#traces">why</a>)`}</li>` : '';
  return html`<div class="glance-block"><h3>Training traces</h3><ul>${items}${scale}</ul></div>`;
}

/**
 * The practitioner's answer (which method reaches what full fine-tuning reaches, which step rule
 * helps): each statement of the papers' experiments with its outcome, linked to its figure.
 */
function experiments(m: Model): Html {
  const files = m.files.filter((f): f is LoadedFile & { data: ExperimentsResultFile } => f.data.kind === 'experiments');
  if (!files.length) return html``;
  const blocks = files.map((f) => {
    const d = f.data;
    const items = d.statements.map((s) => {
      const fig = s.figure ? d.figures.find((x) => x.id === s.figure) : undefined;
      const what = fig ? html`<a href="#experiment-${fig.id}">${fig.title}</a>` : s.claim;
      return html`<li>${badge(s.outcome)} <b>${s.source}</b>${s.provenance === 'reported' ? html` <span class="small dim">(reported)</span>` : ''}: ${what}</li>`;
    });
    const short = d.preset !== 'full' ? html`: short runs, the outcomes are indicative (<code>loracheck experiments</code> runs the full preset)` : '';
    return html`<p class="small">From <code>${f.name}</code>, preset <b>${d.preset}</b>${short} (<a href="#experiments">figures and criteria</a>).</p><ul>${items}</ul>`;
  });
  return html`<div class="glance-block wide"><h3>The papers' experiments</h3>${blocks}</div>`;
}

export function glanceSection(m: Model): Section | undefined {
  const exp = m.files.some((f) => f.data.kind === 'experiments');
  if (!m.claims.length && !m.ablation.length && !m.tightness.length && !m.traces.length && !exp) return undefined;
  return {
    id: 'glance',
    title: 'At a glance',
    body: html`${cards(m)}<div class="glance">${failures(m)}${proofLines(m)}${weight(m)}${tightness(m)}${traces(m)}${experiments(m)}</div>`,
  };
}

function sum(xs: readonly unknown[]): number | undefined {
  const ns = xs.filter((x): x is number => typeof x === 'number');
  return ns.length ? ns.reduce((a, b) => a + b, 0) : undefined;
}

/**
 * The worst value of a declared constant's quantity against the printed constant (the one of the
 * claim's rows nearest to passing it), else the worst ratio of the sides: for the main lemmas the
 * sides share a large term and their ratio tends to 1 whatever the constant (L34 reads 1 − 4e-9
 * while its 1/4 is 3.6x loose), so the side ratio alone would call them tight.
 */
function tightnessCell(c: ClaimView): Html {
  const declared = c.tightness
    .map((r) => r.constant)
    .filter((k): k is NonNullable<typeof k> => !!k?.declared)
    .sort((a, b) => (constantGap(a) ?? Infinity) - (constantGap(b) ?? Infinity));
  const k = declared[0];
  if (!k) return ratio(c.worstRatio);
  const broken = (constantGap(k) ?? 1) < 1 - 1e-12;
  return html`${ratio(k.found, 4)}<div class="small dim">vs ${k.direction === 'sup' ? '≤' : '≥'} ${k.printed}</div>${broken ? html` ${badge('counterexample', 'the quantity passes the printed constant')}` : ''}`;
}

export function summarySection(m: Model): Section | undefined {
  const claims = m.claims.filter((c) => c.checks.length || c.searches.length || c.info || c.proof);
  if (!claims.length) return undefined;
  const worstSlack = (c: ClaimView) => {
    const s = c.checks.map((r) => r.worstSlack?.slack).filter((x): x is number => typeof x === 'number');
    return s.length ? Math.min(...s) : undefined;
  };
  const body = table(
    [
      {
        head: 'claim',
        cell: (c: ClaimView) => {
          // long ids (L34.s22.amgm1.corrected) may break after a dot, so the table fits a desktop window
          const id = html`<code class="id">${c.id.split('.').map((p, i) => html`${i ? html`.<wbr>` : ''}${p}`)}</code>`;
          return html`${c.checks.length || c.searches.length ? html`<a href="#${anchor('claim', c.id)}">${id}</a>` : id}${c.info?.correctedOf ? html`<div class="small dim">corrects ${c.info.correctedOf}</div>` : ''}`;
        },
        cls: 'wrap',
      },
      {
        head: 'paper',
        cell: (c) =>
          html`${c.info?.paper ?? ''}${c.info?.provenance === 'reported' ? html`<div class="small dim">reported form, not printed</div>` : c.info?.provenance === 'verified' ? html`<div class="small dim">verified from public code or algebra</div>` : ''}`,
        cls: 'wrap',
      },
      { head: 'verdict', cell: (c) => badge(c.verdict), title: 'sampling (check, search), or a refutation by the SMT engine' },
      { head: 'proof', cell: (c) => proofCell(c), cls: 'wrap', title: 'SMT (prove): proved = the negation is unsat, for every input or the fixed-size class named; refuted = an exact counterexample; unknown = no answer in the time' },
      { head: 'mode', cell: (c) => c.checks.map((r) => r.mode).join(', ') || (c.searches.length ? 'search' : '—') },
      { head: 'cases', cell: (c) => countSum<{ cases?: number }>([...c.checks, ...c.searches], 'cases'), cls: 'num' },
      { head: 'non-trivial', cell: (c) => countSum(c.checks, 'nonTrivial'), cls: 'num', title: 'cases that exercise the claim (d ≠ 0, ∇J ≠ 0, G ≠ 0, …)' },
      { head: 'undecided', cell: (c) => countSum(c.checks, 'undecided'), cls: 'num' },
      { head: 'worst slack', cell: (c) => num(worstSlack(c)), cls: 'num', title: 'smallest rhs − lhs seen; negative means violated' },
      {
        head: 'tightness',
        cell: tightnessCell,
        cls: 'num',
        title: "a claim that declares its constant (L33, L34, E19, ...): the worst value of that quantity found vs the printed constant; any other: the worst lhs / rhs found by tightness search or check, against the paper's 1",
      },
      { head: 'time', cell: (c) => duration(sum([...c.checks.map((r) => r.timeMs), ...c.searches.map((s) => s.timeMs)])), cls: 'num' },
    ],
    claims,
    { cls: 'data summary', rowData: (c) => ({ claim: c.id, verdict: c.verdict }), rowClass: (c) => (c.verdict === 'counterexample' ? 'row-bad' : '') },
  );
  return { id: 'summary', title: 'Claims', body };
}
