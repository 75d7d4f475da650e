/**
 * The test subset `npm run mutate` (Stryker, stryker.config.json) runs against each mutant of
 * theory/, numeric/losses/, the trace verifier, the trace reader, the step-size rules and the
 * chart downsampler: the tests that exercise the claims and the losses directly (hand-made
 * inputs, the catalogue, the property suite, the worst-case ascent, the corpus replay, the SMT
 * engine's proofs of the scalar forms), the verifier's in-process tests on hand-written traces
 * (gpu-runs/verify*.test.ts) and the reader's, the rules' and the downsampler's own tests
 * (gpu-runs/trace-reader.test.ts, rules.test.ts, series.test.ts), and for the certified comparison
 * core (numeric/compare.ts, rational.ts, interval-f64.ts), the precise field (numeric/precise.ts,
 * bigmath.ts) and the exact field (numeric/real.ts, real-algebra.ts) the in-process numeric tests
 * that exercise them (their own tests, the precise field's and the exact field's oracle tests,
 * and the fields, matrix and linalg tests that compute through them), and for the SMT prover's
 * encodings, classes, witnesses, bracket, per-claim outcome and solver query (properties/prove/)
 * its own tests (properties/prove/*.test.ts),
 * without the worker-thread,
 * CLI, training and browser tests (slow, and they test other layers).
 *
 * No webgpu test belongs here: Stryker's vitest runner runs the tests in worker threads, whose
 * process.env never reaches the Vulkan loader, so Dawn finds no adapter there. A test file that
 * has SwiftShader cases beside CPU ones (gpu-runs/methods.test.ts) can be run under Stryker with
 * LORACHECK_SWIFTSHADER_ICD=/nonexistent, which skips those cases.
 *
 * LORACHECK_MUTATE_SUBSET=numeric keeps only the numeric tests (numeric/*.test.ts): the exact
 * field (numeric/real.ts, real-algebra.ts) is measured that way, since under the whole subset
 * each of its mutants reruns the claim tests that compute in exact mode (hours).
 *
 * LORACHECK_MUTATE_SUBSET=engine keeps only the tests that drive the check engine
 * (properties/engine.ts, properties/_internals/evaluate.ts, stop.ts, witness.ts, stats.ts,
 * dropped.ts, seeds.ts, buffer.ts) on claims and inputs whose truth is known outside it: the toy
 * claims of properties/engine*.test.ts, the entry grids' own tests (properties/buffer.test.ts)
 * and the planted bugs (properties/planted-*.test.ts). Under the whole subset every engine mutant
 * reruns every claim test of the catalogue (each calls checkClaim).
 *
 * LORACHECK_MUTATE_SUBSET=prove keeps only the SMT prover's own tests (properties/prove/*.test.ts):
 * no other test in the subset reaches properties/prove/, so a run over its files scores the same
 * without the whole subset's dry run (minutes on this shared 2-core machine), e.g.
 * LORACHECK_MUTATE_SUBSET=prove npx stryker run --mutate properties/prove/prove.ts,properties/prove/solve.ts.
 *
 * LORACHECK_MUTATE_SUBSET=expr keeps only the tests of a user loss's expressions
 * (numeric/expr/*.test.ts), for numeric/expr/intervals.ts:
 * LORACHECK_MUTATE_SUBSET=expr npx stryker run --mutate numeric/expr/intervals.ts.
 *
 * LORACHECK_MUTATE_SUBSET=report keeps only the report's in-process tests (reports/*.test.ts but
 * reports/browser.test.ts, which needs Chromium, and reports/cli.test.ts, whose child processes
 * never see the mutant): the report's data layer (reports/model.ts, load.ts, sections/summary.ts)
 * is measured that way, e.g. LORACHECK_MUTATE_SUBSET=report npx stryker run --concurrency 1
 * --mutate reports/model.ts,reports/load.ts,reports/sections/summary.ts.
 */
import { defineConfig } from 'vitest/config';

/** The test files of each LORACHECK_MUTATE_SUBSET value (described above); unset: the whole subset. */
const SUBSETS: Record<string, string[]> = {
  numeric: ['numeric/*.test.ts'],
  engine: ['properties/engine*.test.ts', 'properties/buffer.test.ts', 'properties/planted-*.test.ts'],
  prove: ['properties/prove/*.test.ts'],
  expr: ['numeric/expr/*.test.ts'],
  report: ['reports/*.test.ts'],
};
const REPORT_ONLY = process.env.LORACHECK_MUTATE_SUBSET === 'report';
const SUBSET = SUBSETS[process.env.LORACHECK_MUTATE_SUBSET ?? ''];

export default defineConfig({
  test: {
    include: SUBSET ?? [
      'theory/test/*.test.ts',
      'numeric/losses/*.test.ts',
      'properties/claims-1.test.ts',
      'properties/claims-2.test.ts',
      'properties/constants.test.ts',
      'properties/corpus.test.ts',
      'properties/catalogue-snapshot.test.ts',
      'properties/constant-parts.test.ts',
      'properties/prove/*.test.ts',
      'gpu-runs/verify.test.ts',
      'gpu-runs/verify-tally.test.ts',
      'gpu-runs/verify-family.test.ts',
      'gpu-runs/trace-reader.test.ts',
      'gpu-runs/rules.test.ts',
      'gpu-runs/series.test.ts',
      'numeric/compare.test.ts',
      'numeric/rational.test.ts',
      'numeric/interval-f64.test.ts',
      'numeric/fields.test.ts',
      'numeric/precise.test.ts',
      'numeric/precise-oracle.test.ts',
      'numeric/real*.test.ts',
      'numeric/bigmath.test.ts',
      'numeric/matrix.test.ts',
      'numeric/linalg.test.ts',
    ],
    exclude: ['node_modules/**', 'out/**', 'results/**', '.stryker-tmp/**', ...(REPORT_ONLY ? ['reports/browser.test.ts', 'reports/cli.test.ts'] : [])],
    // a wall-clock bound ("certified bound in well under a second", the report's "in < 5 s") cannot hold for instrumented code
    testNamePattern: '^((?!well under a second|in < 5 s and < 5 MB).)*$',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
