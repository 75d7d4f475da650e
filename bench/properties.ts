/**
 * Bench suite `properties` (README "Benchmarks"): checks per second for every claim in exact and float64
 * mode (precise where that is a claim's certified mode, e.g. the multi-step runs). One check is
 * what the engine does per case: draw an input with the claim's arbitrary, evaluate every
 * comparison and decide it, and evaluate nonTrivial. Counterexamples are not shrunk here (the
 * predicate always passes), so a printed-false line is timed like any other claim.
 */
import fc from 'fast-check';
import type { Mode } from '../numeric/field.ts';
import { fieldFor } from '../numeric/fields.ts';
import { CATALOGUE } from '../theory/index.ts';
import type { Claim } from '../theory/claim.ts';
import { claimArbitrary, evaluateCase, stopPlugin } from '../properties/index.ts';
import { type BenchOptions, type BenchSuite, type BenchTable, sig } from './types.ts';

interface Throughput {
  checks: number;
  seconds: number;
  perSecond: number;
  failing: number;
}

/** Checks per second of one claim in one mode for about `ms` milliseconds (at most maxChecks). */
function throughput(claim: Claim, mode: Mode, ms: number, maxChecks = 100_000, seed = 1): Throughput {
  const F = fieldFor(mode);
  const arb = claimArbitrary(claim, { mode });
  let checks = 0;
  let failing = 0;
  const start = performance.now();
  fc.check(
    fc.property(arb, (input) => {
      const out = evaluateCase(claim, F, input);
      claim.nonTrivial(input);
      checks++;
      if (out.status === 'fail') failing++;
      return true;
    }),
    { seed, numRuns: maxChecks, plugins: [stopPlugin({ deadline: start + ms })] },
  );
  const seconds = (performance.now() - start) / 1000;
  return { checks, seconds, perSecond: checks / seconds, failing };
}


export const suite: BenchSuite = {
  name: 'properties',
  async run(opts: BenchOptions): Promise<BenchTable[]> {
    const ms = opts.quick ? 150 : 1000;
    const rows: (string | number)[][] = [];
    const MODES: Mode[] = ['exact', 'precise', 'float64'];
    const timed = (claim: Claim, mode: Mode) => claim.modes.includes(mode) && !(mode === 'precise' && claim.modes.includes('exact'));
    const total = CATALOGUE.reduce((n, c) => n + MODES.filter((m) => timed(c, m)).length, 0);
    let done = 0;
    for (const claim of CATALOGUE) {
      const cells: (string | number)[] = [claim.id];
      for (const mode of MODES) {
        if (!timed(claim, mode)) {
          cells.push('-');
          continue;
        }
        opts.log(`properties: ${claim.id} ${mode} (cell ${done + 1} of ${total}, about ${Math.ceil(((total - done) * ms) / 1000)} s left)`);
        const t = throughput(claim, mode, ms);
        cells.push(sig(t.perSecond));
        done++;
      }
      rows.push(cells);
      await new Promise((r) => setImmediate(r));
    }
    const preciseOnly = CATALOGUE.filter((c) => timed(c, 'precise')).map((c) => c.id);
    return [
      {
        title: `Checks per second per claim (one core; ${ms} ms per cell; generation + evaluation + nonTrivial)`,
        columns: ['claim', 'exact', 'precise', 'float64'],
        rows,
        notes: [
          `precise is timed only for claims without an exact mode (${preciseOnly.join(', ')}).`,
          'no peer: a throughput table (what a check budget buys per claim).',
          'float64 sizes are larger (see properties/inputs.ts kindProfile), so float64 is not "faster exact": it screens bigger inputs.',
        ],
      },
    ];
  },
};
