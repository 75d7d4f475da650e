import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { MODES } from '../../numeric/field.ts';
import { HYPOTHESES, claimInfo, type InputKind } from '../claim.ts';
import { CATALOGUE, claimById } from '../index.ts';

/** The catalogue in paper order, with one id per printed relation sign of (18), (20), (21), (22), then the
 *  RAC-LoRA family (README, The RAC-LoRA family). */
const EXPECTED_IDS = [
  'A1',
  'A2.sub',
  'A2.embed',
  'A2.sym',
  'S1',
  'G7',
  'L33',
  'E19',
  'L34',
  'L34.s18.a',
  'L34.s18.b',
  'L34.s20.a',
  'L34.s20.b',
  'L34.s20.c',
  'L34.s21.a',
  'L34.s22.amgm1',
  'L34.s22.amgm1.corrected',
  'L34.s22.amgm2',
  'L34.s22.amgm2.corrected',
  'L34.s22.amgm3',
  'L34.s22.a',
  'L34.s22.b',
  'L34.s22.c',
  'L34.s22.d',
  'E23',
  'GV',
  'GV.step',
  'T10',
  'T35',
  'L36',
  'L36.grad',
  'M36',
  'RAC.H',
  'RAC.step',
  'RAC.sum',
  'RAC.EH',
  'RAC.T53',
  'RAC.T55',
  'ASYM.subspace',
  'LORA.rank',
];

const INPUT_KINDS: InputKind[] = [
  'amgm',
  'square',
  'block',
  'lora',
  'lora-pair',
  'loss-point',
  'lora-run',
  'two-pair',
  'two-lora',
  'sketch',
  'rac-point',
  'rac-run',
  'sketch-mean',
  'rac-runs',
  'asym-run',
  'lora-rank-run',
];

describe('claim catalogue', () => {
  it('has exactly these ids, in this order, each once', () => {
    const ids = CATALOGUE.map((c) => c.id);
    expect(ids).toEqual(EXPECTED_IDS);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('claimById finds every claim and nothing else', () => {
    for (const c of CATALOGUE) expect(claimById(c.id)).toBe(c);
    expect(claimById('L34.s19')).toBeUndefined();
  });

  it.each(CATALOGUE.map((c) => [c.id, c] as const))('%s is well formed', (_id, c) => {
    expect(c.paper.length).toBeGreaterThan(0);
    expect(c.title.length).toBeGreaterThan(0);
    for (const h of c.hypotheses) expect(Object.keys(HYPOTHESES)).toContain(h);
    expect(new Set(c.hypotheses).size).toBe(c.hypotheses.length);
    expect(INPUT_KINDS).toContain(c.inputKind);
    expect(c.modes.length).toBeGreaterThan(0);
    for (const m of c.modes) expect(MODES).toContain(m);
    expect(() => katex.renderToString(c.latex, { throwOnError: true })).not.toThrow();
    // a declared constant: its quantity typesets, its printed value is an exact rational
    if (c.constant) {
      expect(() => katex.renderToString(c.constant!.latex, { throwOnError: true })).not.toThrow();
      expect(c.constant.latex).not.toMatch(/[\f\n\t\v\r]/); // a lost backslash turns \frac into a form feed
      expect(c.constant.printed).toMatch(/^\d+(\/\d+)?$/);
      expect(['sup', 'inf']).toContain(c.constant.direction);
    }
    if (c.correctedOf !== undefined) {
      expect(c.id).toBe(`${c.correctedOf}.corrected`);
      expect(claimById(c.correctedOf)).toBeDefined();
      expect(c.note).toBeTruthy();
    }
    // what `loracheck claims --json` prints survives JSON
    expect(JSON.parse(JSON.stringify(claimInfo(c)))).toEqual(claimInfo(c));
  });

  it('marks the two misprinted AM-GM lines with corrected twins', () => {
    const corrected = CATALOGUE.filter((c) => c.correctedOf).map((c) => c.correctedOf);
    expect(corrected).toEqual(['L34.s22.amgm1', 'L34.s22.amgm2']);
  });

  it('lists the hypotheses each proof step needs', () => {
    const hyp = (id: string) => [...claimById(id)!.hypotheses].sort();
    expect(hyp('L34')).toEqual(['L_ge_1', 'eta_rule', 'smooth']);
    expect(hyp('L34.s18.b')).toEqual(['L_ge_1']);
    expect(hyp('L34.s20.a')).toEqual(['L_ge_1', 'eta_rule']);
    expect(hyp('A2.sym')).toEqual(['symmetric']);
    expect(hyp('GV.step')).toEqual(['eta_rule']);
    expect(hyp('T35')).toEqual(['L_ge_1', 'eta_rule', 'lower_bound', 'smooth']);
    expect(hyp('M36')).toEqual(['same_rank']);
    expect(hyp('RAC.step')).toEqual(['projection', 'smooth']);
    expect(hyp('RAC.sum')).toEqual(['lower_bound', 'smooth', 'step_le_1_over_L']);
    expect(hyp('RAC.T55')).toEqual(['pl', 'smooth', 'step_le_1_over_L']);
    expect(hyp('ASYM.subspace')).toEqual(['frozen_A']);
    expect(hyp('LORA.rank')).toEqual(['low_rank_update']);
  });

  it('marks the provenance of the RAC-LoRA family and its statistical claims', () => {
    const rac = CATALOGUE.filter((c) => /^(RAC|ASYM|LORA)\./.test(c.id));
    expect(rac.every((c) => c.provenance !== undefined)).toBe(true);
    expect(CATALOGUE.filter((c) => !rac.includes(c)).every((c) => c.provenance === undefined && !c.statistical)).toBe(true);
    const reported = rac.filter((c) => c.provenance === 'reported');
    expect(reported.map((c) => c.id)).toEqual(['RAC.EH', 'RAC.T53', 'RAC.T55']);
    // a reported form says so in its note, and these are exactly the statistical claims here
    for (const c of reported) {
      expect(c.note).toMatch(/Reported form \(from secondary reports of the paper, not its printed text/);
      expect(c.statistical?.delta).toBeGreaterThan(0);
      expect(c.modes).not.toContain('precise');
    }
    expect(rac.filter((c) => c.statistical).map((c) => c.id)).toEqual(['RAC.EH', 'RAC.T53', 'RAC.T55']);
  });
});
