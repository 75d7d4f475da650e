/**
 * Statistical claims and the provenance of the RAC-LoRA family in the report: the verdict word
 * 'statistical' (never shown as verified), its level and family-wise probability, and the
 * "reported, not printed" provenance, from a hand-made check file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClaimInfo } from '../theory/claim.ts';
import type { CheckResultFile, ClaimCheckResult } from '../theory/results.ts';
import { env } from './fixtures/make.ts';
import { overallVerdict } from './model.ts';
import { buildReport } from './render.ts';

const dir = mkdtempSync(join(tmpdir(), 'loracheck-stat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stat = { delta: 2 ** -20, deltaText: '2^-20', method: 'Hoeffding, union bound' };
const claims: ClaimInfo[] = [
  { id: 'RAC.EH', paper: 'RAC-LoRA, isotropic sketches (reported)', title: 'E[H_B] = (r/m) I', latex: '\\mathbb{E}[H_B] = \\frac{r}{m} I', hypotheses: [], inputKind: 'sketch-mean', modes: ['exact', 'float64'], provenance: 'reported', statistical: stat },
  { id: 'RAC.step', paper: 'RAC-LoRA, one projected step', title: 'descent', latex: 'f(W) \\geq f(W_+)', hypotheses: ['smooth', 'projection'], inputKind: 'rac-point', modes: ['exact'], provenance: 'verified' },
];
const result = (id: string, verdict: ClaimCheckResult['verdict'], extra: Partial<ClaimCheckResult> = {}): ClaimCheckResult => ({
  id,
  mode: 'exact',
  verdict,
  cases: 6,
  nonTrivial: 6,
  undecided: 0,
  seed: 1,
  budget: { runs: 6 },
  timeMs: 100,
  replay: `npx loracheck check --claim ${id} --mode exact --seed 1 --runs 6`,
  ...extra,
});
const file: CheckResultFile = {
  kind: 'check',
  schema: 1,
  env: env('2026-11-22T12:00:00Z'),
  claims,
  results: [
    result('RAC.EH', 'statistical', { statistical: { ...stat, confidence: 1 - stat.delta, familywiseDelta: 6 * stat.delta } }),
    result('RAC.step', 'verified'),
  ],
};
writeFileSync(join(dir, 'check.json'), JSON.stringify(file));

describe('statistical verdicts and provenance in the report', () => {
  const r = buildReport(dir, { now: new Date('2026-11-22T12:00:00Z') });
  const article = (id: string) => {
    const from = r.html.slice(r.html.indexOf(`<article class="claim" id="claim--${id}"`));
    return from.slice(0, from.indexOf('</article>'));
  };

  it('shows the word statistical with its level, never verified, for a statistical claim', () => {
    expect(r.warnings).toEqual([]);
    expect(r.html).toMatch(/data-claim="RAC.EH" data-verdict="statistical"/);
    const a = article('RAC.EH');
    expect(a).toContain('statistical</span>');
    expect(a).not.toContain('✓</span> verified');
    expect(a).toContain('level 2^-20');
    expect(a).toMatch(/all <span class="num">6<\/span> cases pass with probability at least <span class="num"[^>]*>0.999994/);
    expect(r.html).toContain('data-verdict="statistical"><div class="card-n">1</div>');
  });

  it('marks reported and verified provenance', () => {
    expect(article('RAC.EH')).toContain('Provenance: reported');
    expect(article('RAC.step')).toContain('Provenance: verified');
    expect(r.html).toContain('reported form, not printed');
    // in the summary table too, for both: a verified RAC-LoRA claim is not left to read as printed in the paper
    const row = (id: string) => {
      const i = r.html.indexOf(`<tr data-claim="${id}"`);
      return r.html.slice(i, r.html.indexOf('</tr>', i));
    };
    expect(row('RAC.EH')).toContain('reported form, not printed');
    expect(row('RAC.step')).toContain('verified from public code or algebra');
  });

  it('ranks statistical below a failure and above a plain pass', () => {
    const v = (verdict: ClaimCheckResult['verdict']) => ({ verdict }) as ClaimCheckResult;
    expect(overallVerdict([v('verified'), v('statistical')], [])).toBe('statistical');
    expect(overallVerdict([v('statistical'), v('counterexample')], [])).toBe('counterexample');
    expect(overallVerdict([v('statistical'), v('undecided')], [])).toBe('undecided');
  });
});
