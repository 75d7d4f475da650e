/**
 * The bookkeeping every trace claim shares (gpu-runs/verify-tally.ts), on hand-made comparisons:
 * where "violated" starts (slack below minus the noise, README "Precision"), what counts as
 * resolved (the margin above the noise), and the verdict's 90 % rule with its "at least one"
 * floor, each at its boundary.
 */
import { describe, expect, it } from 'vitest';
import { judged, MIN_RESOLVED_FRACTION, slackOf, Tally, verdictOf } from './verify-tally.ts';

type Judged = ReturnType<typeof judged>;

const item = (slack: number, noise: number, margin = slack, label = 'x'): Judged => ({ slack, noise, margin, label });
const ctx = { dtype: 'float32', unresolvedWhy: 'WHY' };

/** A tally of `n` steps, each judged with the items `at(t)` gives. */
function tallyOf(n: number, at: (t: number) => Judged[]): Tally {
  const k = new Tally();
  for (let t = 0; t < n; t++) k.judge(t, at(t));
  return k;
}

describe('slackOf and judged', () => {
  it('the slack is bound minus value on either side; the noise is the resolution of both sides', () => {
    expect(slackOf({ lhs: 5, rel: '>=', rhs: 2 })).toBe(3);
    expect(slackOf({ lhs: 2, rel: '<=', rhs: 5 })).toBe(3);
    expect(slackOf({ lhs: 5, rel: '<=', rhs: 2 })).toBe(-3);
    const j = judged({ lhs: -3, rel: '<=', rhs: 1, label: 'J_t >= b' }, 0.5);
    expect(j).toEqual({ slack: 4, noise: 0.5 * (3 + 1), margin: 4, label: 'J_t >= b' });
    expect(judged({ lhs: 1, rel: '>=', rhs: 2 }, 0.25)).toEqual({ slack: -1, noise: 0.75, margin: -1, label: '' });
  });
});

describe('Tally', () => {
  it('a slack of exactly minus the noise is tolerated; a hair below is violated (and counts as resolved)', () => {
    const at = tallyOf(1, () => [item(-1, 1)]);
    expect(at).toMatchObject({ checked: 1, violations: 0, tolerated: 1, resolved: 0 });
    const below = tallyOf(1, () => [item(-1 - 2 ** -40, 1)]);
    expect(below).toMatchObject({ checked: 1, violations: 1, firstViolation: 0, tolerated: 0, resolved: 1, unresolved: 0 });
    // NaN (a record the sides cannot evaluate) is a violation, never a pass
    expect(tallyOf(1, () => [item(NaN, 1)]).violations).toBe(1);
  });

  it('tolerated counts comparisons with a negative slack within the noise, not zero or positive ones', () => {
    const k = tallyOf(1, () => [item(-0.5, 1), item(0, 1), item(0.5, 1), item(-0.25, 1)]);
    expect(k).toMatchObject({ tolerated: 2, violations: 0 });
    expect(tallyOf(3, () => [item(0, 1, 2)]).tolerated).toBe(0);
  });

  it('a step is resolved when every margin exceeds its noise; a margin equal to the noise is not enough', () => {
    expect(tallyOf(1, () => [item(2, 1)])).toMatchObject({ resolved: 1, unresolved: 0 });
    expect(tallyOf(1, () => [item(1, 1)])).toMatchObject({ resolved: 0, unresolved: 1, firstUnresolved: 0 });
    // the margin, not the slack, decides (L34: the promised decrease)
    expect(tallyOf(1, () => [item(0.1, 1, 3)])).toMatchObject({ resolved: 1 });
    expect(tallyOf(1, () => [item(3, 1, 0.1)])).toMatchObject({ resolved: 0 });
    // one unresolved comparison leaves the whole step unresolved; the step counts once
    const k = tallyOf(4, (t) => (t >= 2 ? [item(5, 1), item(0.5, 1)] : [item(5, 1), item(6, 1)]));
    expect(k).toMatchObject({ checked: 4, resolved: 2, unresolved: 2, firstUnresolved: 2 });
  });

  it('counts a step with several failing comparisons once and remembers the first violating step', () => {
    const k = tallyOf(6, (t) => (t === 3 || t === 5 ? [item(-5, 1), item(-6, 1)] : [item(2, 1)]));
    expect(k).toMatchObject({ checked: 6, violations: 2, firstViolation: 3, resolved: 6 });
  });

  it('keeps the worst (smallest) slack and the label of the first comparison that reached it', () => {
    const k = new Tally();
    k.judge(0, [item(3, 1, 3, 'a'), item(-2, 1, -2, 'b')]);
    k.judge(1, [item(-2, 1, -2, 'c'), item(1, 1, 1, 'd')]);
    expect(k.worstSlack).toBe(-2);
    expect(k.worstLabel).toBe('b');
    k.judge(2, [item(-7, 1, -7, 'e')]);
    expect(k).toMatchObject({ worstSlack: -7, worstLabel: 'e' });
  });
});

describe('verdictOf', () => {
  const resolvedOf = (n: number, resolved: number) => tallyOf(n, (t) => [t < resolved ? item(2, 1) : item(0.5, 1)]);

  it('verified needs at least 90 % of the checked steps resolved: 9 of 10 is enough, 8 of 10 is undecided', () => {
    expect(MIN_RESOLVED_FRACTION).toBe(0.9);
    const nine = verdictOf('C', resolvedOf(10, 9), ctx);
    expect(nine).toMatchObject({ status: 'verified', checked: 10, stepsChecked: 10, resolved: 9, unresolved: 1, violations: 0, firstUnresolved: 9 });
    expect(nine.reason).toMatch(/1 of 10 steps unresolved, first at t = 9 \(WHY\)/);
    expect(nine.reason!.split('; ')).toHaveLength(1);
    const eight = verdictOf('C', resolvedOf(10, 8), ctx);
    expect(eight).toMatchObject({ status: 'undecided', resolved: 8, unresolved: 2 });
    expect(eight.reason).toMatch(/only 8 of 10 steps resolved: verified needs at least 90 % in float32/);
    // mostly unresolved is never verified, however clean
    expect(verdictOf('C', resolvedOf(50, 3), ctx).status).toBe('undecided');
  });

  it('verified needs at least one resolved step: one of one verifies, none checked is undecided', () => {
    expect(verdictOf('C', resolvedOf(1, 1), ctx)).toMatchObject({ status: 'verified', resolved: 1 });
    const none = verdictOf('C', new Tally(), ctx);
    expect(none).toMatchObject({ status: 'undecided', checked: 0, resolved: 0, unresolved: 0 });
    expect(none.reason).toMatch(/only 0 of 0 steps resolved/);
    expect(verdictOf('C', resolvedOf(1, 0), ctx).status).toBe('undecided');
  });

  it('a clean, fully resolved claim carries no reason at all', () => {
    const v = verdictOf('C', resolvedOf(5, 5), ctx);
    expect(v).toMatchObject({ status: 'verified', worstSlack: 2 });
    expect(v.reason).toBeUndefined();
  });

  it('violated whatever the resolved share, naming the worst comparison; tolerated comparisons are counted', () => {
    const k = new Tally();
    k.judge(0, [item(0.5, 1, 0.5, 'tiny')]);
    k.judge(1, [item(-0.5, 1, -0.5, 'within')]);
    k.judge(2, [item(-4, 1, -4, 'L34 (9)')]);
    const v = verdictOf('C', k, ctx);
    expect(v).toMatchObject({ status: 'violated', violations: 1, firstViolation: 2, worstSlack: -4, resolved: 1, unresolved: 2 });
    const notes = v.reason!.split('; ');
    expect(notes).toHaveLength(3);
    expect(notes[0]).toMatch(/^2 of 3 steps unresolved, first at t = 0/);
    expect(notes[1]).toMatch(/^1 comparison\(s\) held only within the float32 rounding noise/);
    expect(notes[2]).toMatch(/^worst: L34 \(9\)/);
    // without a violation the worst comparison is not named
    const ok = tallyOf(3, () => [item(-0.5, 1, 2, 'within')]);
    const w = verdictOf('C', ok, ctx);
    expect(w).toMatchObject({ status: 'verified', worstSlack: -0.5 });
    expect(w.reason).toMatch(/^3 comparison\(s\) held only within/);
    expect(w.reason).not.toMatch(/worst/);
  });

  it('an unknown precision leaves everything undecided and unresolved, even a violation', () => {
    const k = tallyOf(4, (t) => [t === 1 ? item(-9, 1) : item(2, 1)]);
    const v = verdictOf('C', k, { ...ctx, precUnknown: 'dtype "int8" has no known precision' });
    expect(v).toMatchObject({ status: 'undecided', checked: 4, resolved: 0, unresolved: 4, violations: 0, worstSlack: -9 });
    expect(v.reason).toMatch(/^dtype "int8" has no known precision: no step can be called resolved or violated/);
  });

  it('labels a verdict on an estimated L, naming how L was obtained', () => {
    const v = verdictOf('C', resolvedOf(3, 3), { ...ctx, estimated: 'secant' });
    expect(v).toMatchObject({ status: 'verified', estimated: true });
    expect(v.reason).toMatch(/^L is estimated \(secant\)/);
    expect(verdictOf('C', resolvedOf(3, 3), ctx).estimated).toBeUndefined();
  });
});
