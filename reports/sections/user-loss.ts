/**
 * Results on a user's own loss (`--loss`): the loss typeset (mathjs toTex, rendered by KaTeX
 * like the claims), its derivatives, the certified sup |f''| and inf f with the domain they
 * hold on, the constants the claims stated, and the check, search, ablation and tightness
 * results on it. Kept apart from the paper's claims, whose verdicts are about the built-in losses.
 */
import type { AblationRow, CertifiedBound, ClaimCheckResult, SearchResultFile, TightnessRow, UserLossInfo } from '../../theory/results.ts';
import { badge } from '../badges.ts';
import { anchor, html, type Html } from '../escape.ts';
import { budget, countOf, duration, ratio } from '../format.ts';
import { math } from '../katex.ts';
import type { Model, Sourced, UserLossView } from '../model.ts';
import type { Section } from '../page.ts';
import { table } from '../tables.ts';
import { replayBlock, witnessBlock } from '../witness.ts';

function enclosure(b: CertifiedBound): Html {
  const v = b.hi !== undefined && b.hi !== null && b.hi === b.lo ? html`<code>${b.lo}</code>` : html`<code>[${b.lo}, ${b.hi ?? '∞'}]</code>`;
  return html`${b.status === 'bounded' ? v : badge(b.status === 'unbounded' ? 'undecided' : 'error', b.note)} <span class="small dim">${b.note}</span>`;
}

function header(l: UserLossInfo): Html {
  const src = (s: string) => (s === 'stated' ? 'stated with --L / --Lstar (your assertion)' : 'certified bound');
  return html`<div class="user-loss-head">
<p>L(W) = s Σ<sub>ij</sub> f(W<sub>ij</sub>, C<sub>ij</sub>) with</p>
${math(`f(w, c) = ${l.tex}`)}
${l.dfTex ? math(`f'(w, c) = ${l.dfTex}`) : html`<p><code>f' = ${l.df}</code></p>`}
${l.d2fTex ? math(`f''(w, c) = ${l.d2fTex}`) : html`<p><code>f'' = ${l.d2f}</code></p>`}
<dl class="hyp-legend">
<dt>sup |f''|</dt><dd>${enclosure(l.smooth)}</dd>
<dt>inf f</dt><dd>${enclosure(l.lower)}</dd>
<dt>L</dt><dd><code>${l.L.value}</code> <span class="small dim">(${src(l.L.source)})</span></dd>
<dt>L* per entry</dt><dd><code>${l.Lstar.value}</code> <span class="small dim">(${src(l.Lstar.source)}; L* = s m n × this)</span></dd>
</dl>
${l.notes.length ? html`<ul class="small">${l.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
</div>`;
}

function checks(v: UserLossView): Html {
  if (!v.checks.length) return html``;
  const cx = v.checks.filter((r) => r.counterexample);
  return html`<h4>Checks</h4>${table(
    [
      { head: 'claim', cell: (r: Sourced<ClaimCheckResult>) => html`<code class="id">${r.id}</code>` },
      { head: 'mode', cell: (r) => r.mode },
      { head: 'verdict', cell: (r) => badge(r.verdict) },
      { head: 'violates', cell: (r) => (r.counterexample?.violates?.length ? html`<code class="hyp">${r.counterexample.violates.join(', ')}</code>` : '—') },
      { head: 'cases', cell: (r) => countOf(r, 'cases'), cls: 'num' },
      { head: 'non-trivial', cell: (r) => countOf(r, 'nonTrivial'), cls: 'num' },
      { head: 'undecided', cell: (r) => countOf(r, 'undecided'), cls: 'num' },
      { head: 'ratio', cell: (r) => ratio(r.worstSlack?.ratio), cls: 'num' },
      { head: 'budget', cell: (r) => budget(r.budget) },
      { head: 'time', cell: (r) => duration(r.timeMs), cls: 'num' },
    ],
    v.checks,
    { cls: 'data runs' },
  )}${cx.map((r) => html`<details><summary><code class="id">${r.id}</code>: counterexample${r.counterexample!.sizes ? html` at ${r.counterexample!.sizes}` : ''}</summary>${witnessBlock(r.counterexample!, { from: r.file })}</details>`)}${v.checks
    .filter((r) => !r.counterexample)
    .map((r) => html`<div class="small"><code class="id">${r.id}</code> ${replayBlock(r.replay)}</div>`)}`;
}

function searches(v: UserLossView): Html {
  if (!v.searches.length) return html``;
  return html`<h4>Searches</h4>${table(
    [
      { head: 'claim', cell: (s: Sourced<SearchResultFile>) => html`<code class="id">${s.claim}</code>` },
      { head: 'dropped', cell: (s) => (s.dropped?.length ? html`<code class="hyp">${s.dropped.join(', ')}</code>` : '—') },
      { head: 'result', cell: (s) => (s.counterexample ? badge('found') : badge('none found')) },
      { head: 'violates', cell: (s) => (s.counterexample?.violates?.length ? html`<code class="hyp">${s.counterexample.violates.join(', ')}</code>` : '—') },
      { head: 'cases', cell: (s) => countOf(s, 'cases'), cls: 'num' },
    ],
    v.searches,
  )}${v.searches.filter((s) => s.counterexample).map((s) => html`<details><summary><code class="id">${s.claim}</code>: counterexample</summary>${witnessBlock(s.counterexample!, { from: s.file })}</details>`)}`;
}

function ablation(v: UserLossView): Html {
  if (!v.ablation.length) return html``;
  return html`<h4>Ablation</h4>${table(
    [
      { head: 'claim', cell: (r: Sourced<AblationRow>) => html`<code class="id">${r.claim}</code>` },
      { head: 'dropped', cell: (r) => html`<code class="hyp">${r.hypothesis}</code>` },
      { head: 'status', cell: (r) => badge(r.status, r.error) },
      { head: 'cases', cell: (r) => countOf(r, 'cases'), cls: 'num' },
    ],
    v.ablation,
  )}`;
}

function tightness(v: UserLossView): Html {
  if (!v.tightness.length) return html``;
  return html`<h4>Tightness</h4>${table(
    [
      { head: 'claim', cell: (r: Sourced<TightnessRow>) => html`<code class="id">${r.claim}</code>${r.label ? html` <span class="small dim">${r.label}</span>` : ''}` },
      { head: 'worst ratio', cell: (r) => ratio(r.worstRatio), cls: 'num' },
      { head: 'certified', cell: (r) => (r.worstRatioCertified ? html`<code>${r.worstRatioCertified}</code>` : '—') },
      { head: 'paper', cell: (r) => ratio(r.paperRatio), cls: 'num' },
    ],
    v.tightness,
  )}`;
}

export function userLossSection(m: Model): Section | undefined {
  const views = m.userLosses ?? [];
  if (!views.length) return undefined;
  return {
    id: 'user-losses',
    title: 'Your own losses',
    body: html`<p class="lead">Claims checked on a loss given with <code>--loss</code>. The paper's hypotheses are those of the claims; where the stated L or L* is false (see the notes), a counterexample shows its consequence, not an error in the paper.</p>${views.map(
      (v) => html`<div class="user-loss" id="${anchor('loss', v.loss.expr)}"><h3><code>${v.loss.expr}</code></h3>${header(v.loss)}${checks(v)}${searches(v)}${ablation(v)}${tightness(v)}</div>`,
    )}`,
  };
}
