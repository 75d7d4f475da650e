/**
 * Builds the report: load the result files, merge them into the model, render each section
 * that has results, and wrap them in the page. A section that fails to render (a file we
 * validated but did not foresee) becomes a warning, never a crash.
 */
import { html, type Html } from './escape.ts';
import { plural } from './format.ts';
import { loadResults, type Loaded, type Warning } from './load.ts';
import { buildModel, type Model } from './model.ts';
import { page, type Section } from './page.ts';
import { ablationSection } from './sections/ablation.ts';
import { claimsSection } from './sections/claims.ts';
import { environmentSection } from './sections/environment.ts';
import { experimentsSection } from './sections/experiments.ts';
import { glanceSection, summarySection } from './sections/summary.ts';
import { tightnessSection } from './sections/tightness.ts';
import { tracesSection } from './sections/traces.ts';
import { userLossSection } from './sections/user-loss.ts';

interface ReportOptions {
  /** Shown in the header (the folder the results were read from). */
  resultsLabel?: string;
  /** Fixed date for reproducible output in tests; default now. */
  now?: Date;
}

interface Report {
  html: string;
  warnings: Warning[];
  /** Ids of the sections written, in order. */
  sections: string[];
  files: number;
}

const SECTIONS: readonly [string, (m: Model) => Section | undefined][] = [
  ['At a glance', glanceSection],
  ['Claims', summarySection],
  ['Claims in detail', claimsSection],
  ['Ablation', ablationSection],
  ['Tightness', tightnessSection],
  ['Training traces', tracesSection],
  ["The papers' experiments", experimentsSection],
  ['Your own losses', userLossSection],
  ['Environment', environmentSection],
];

function warningsSection(ws: readonly Warning[]): Section | undefined {
  if (!ws.length) return undefined;
  return {
    id: 'warnings',
    title: 'Unreadable results',
    body: html`<div class="warnings"><p>${plural(ws.length, 'problem')} in the result files; what could be read is shown, the rest is left out.</p><ul>${ws.map((w) => html`<li><code>${w.file}</code>: ${w.message}</li>`)}</ul></div>`,
  };
}

export function renderReport(loaded: Loaded, o: ReportOptions = {}): Report {
  const warnings = [...loaded.warnings];
  let model: Model;
  try {
    model = buildModel(loaded);
  } catch (e) {
    // Unforeseen data: keep the page (warnings, environment) rather than fail the command.
    warnings.push({ file: '(report)', message: `results could not be merged: ${(e as Error).message}` });
    model = { dir: loaded.dir, files: loaded.files, warnings: loaded.warnings, claims: [], ablation: [], tightness: [], traces: [], hypothesisText: {} };
  }
  const sections: Section[] = [];
  for (const [name, make] of SECTIONS) {
    try {
      const s = make(model);
      if (s) sections.push(s);
    } catch (e) {
      warnings.push({ file: '(report)', message: `section "${name}" could not be rendered: ${(e as Error).message}` });
    }
  }
  const w = warningsSection(warnings);
  if (w) sections.splice(Math.min(1, sections.length), 0, w);
  const usedMath = sections.some((s) => s.body.value.includes('class="katex'));
  const now = o.now ?? new Date();
  const n = loaded.files.length;
  const empty: Section[] = n
    ? []
    : [{ id: 'empty', title: 'No results yet', body: html`<p>No result files were found. Run <code>loracheck verify</code> (or <code>check</code>, <code>ablate</code>, <code>tighten</code>, <code>verify-trace</code>) to produce them, then <code>loracheck report</code>.</p>` }];
  const subtitle: Html = html`Checks of Mu &amp; Klabjan, <i>On the Convergence Rate of LoRA Gradient Descent</i> · built ${now.toISOString().replace('T', ' ').slice(0, 16)} UTC from ${plural(n, 'result file')}${o.resultsLabel ? html` in <code>${o.resultsLabel}</code>` : ''}`;
  const all = [...sections, ...empty];
  const text = page({
    title: 'loracheck report',
    subtitle,
    sections: all,
    math: usedMath,
    footer: html`Written by <code>loracheck report</code> from result files only; it runs no script and loads nothing. Rounded numbers show their exact round-trip value on hover; witness entries are exact (rationals as p/q). Every result can be rebuilt with the replay commands shown.`,
  });
  return { html: text, warnings, sections: all.map((s) => s.id), files: n };
}

/** Reads `dir` and renders it. */
export function buildReport(dir: string, o: ReportOptions = {}): Report {
  return renderReport(loadResults(dir), { resultsLabel: dir, ...o });
}
