/**
 * Dead exports: names a file exports that no other file imports (tests, bench, bin, dynamic
 * imports, worker entries and re-exports through an index all count; test/import-graph.ts
 * deadExports). A dead export is either dead code or a name that should not be exported.
 */
import { describe, expect, it } from 'vitest';
import { deadExports, graphOfTexts, loadGraph } from './import-graph.ts';

/**
 * Dead exports left in files of other owners (A, B: the two other helpers of this change;
 * GPU: gpu-runs/ trainer side and bench/; runtime/ is the shared foundation, used once the
 * commands adopt it). The lead empties this list after merging: an entry that is no longer
 * dead fails the test too, so the list only shrinks.
 */
const ALLOWED: Record<string, string> = {
  'bench/webgpu.ts': 'GPU: StructureCounts MatmulTiming GpuRow',
  'gpu-runs/backend.ts': 'GPU: AdapterDescription AUTO_ORDER BackendProbe',
  'gpu-runs/data/fmnist.ts': 'B: Split fmnistFiles parseIDX',
  'gpu-runs/experiments/index.ts': 'B: Progress ExperimentsOptions ExperimentsHooks',
  'gpu-runs/experiments/lab.ts': 'B: Progress Recorded',
  'gpu-runs/experiments/rac.ts': 'B: DEMO REPORTED_MNIST FINE_TUNE_RATE',
  'gpu-runs/experiments/stats.ts': 'B: MAX_POINTS',
  'gpu-runs/methods.ts': 'GPU: METHOD_RULES DEFAULT_LINK_STEPS',
  'gpu-runs/precision.ts': 'GPU: canonicalDtype SAME_DTYPE_ULPS PrecisionOrUnknown',
  'gpu-runs/rules.ts': 'GPU: RULE_NAMES',
  'gpu-runs/trace-reader.ts': 'B: streamTraceText',
  'gpu-runs/train-common.ts': 'GPU: HeaderExtras',
  'gpu-runs/train-file.ts': 'B: TrainFileHooks TrainFileResult',
  'gpu-runs/trainer.ts': 'GPU: DEFAULT_READ_AFTER_MS',
  'gpu-runs/verify-family.ts': 'B: FAMILY_CLAIMS FamilyClaimId',
  'gpu-runs/verify-tally.ts': 'GPU: Judged VerdictContext',
  'gpu-runs/verify.ts': 'B: TRACE_CLAIMS TraceClaimId VerifyOptions TraceVerifier',
  'gpu-runs/webgpu-adapter.ts': 'GPU: Opened isSoftwareName',
  'gpu-runs/workloads/expr.ts': 'GPU: tfEvaluate',
  'gpu-runs/workloads/index.ts': 'GPU: Workload QUADRATIC_DEFAULT_SIZE EXPR_DEFAULT_SIZE MLP_DEFAULT_HIDDEN TWO_HEAD_SPLIT isWorkload plannedShapes',
  'gpu-runs/workloads/quadratic.ts': 'GPU: RANK_BOUND_MAX_ENTRIES quadraticRankBound',
  'gpu-runs/workloads/softmax.ts': 'GPU: randomW0',
  'gpu-runs/workloads/types.ts': 'GPU: TermsAt',
};

const graph = loadGraph();

describe('dead exports', () => {
  const dead = deadExports(graph);
  it('none outside the allowed list of other owners', () => {
    const unexpected = dead.filter((d) => !(ALLOWED[d.file]?.split(': ')[1]!.split(' ') ?? []).includes(d.name));
    expect(unexpected.map((d) => `${d.file}:${d.line} ${d.name}${d.usedInFile ? ' (used in its file only: drop `export`)' : ' (unused: delete it)'}`)).toEqual([]);
  });

  it('every allowed entry is still dead (else remove it from ALLOWED)', () => {
    const deadKeys = new Set(dead.map((d) => `${d.file} ${d.name}`));
    const stale = Object.entries(ALLOWED).flatMap(([f, v]) => v.split(': ')[1]!.split(' ').filter((n) => !deadKeys.has(`${f} ${n}`)).map((n) => `${f} ${n}`));
    expect(stale).toEqual([]);
  });
});

describe('the dead-export finder itself', () => {
  it('follows named, namespace, dynamic and re-exported uses', () => {
    const { root, graph: g } = graphOfTexts({
      'numeric/a.ts': 'export const used = 1;\nexport const viaIndex = 2;\nexport const dead = 3;\nexport type T = number;\nexport const local = 4;\nconst x = local;',
      'numeric/b.ts': 'export function all() {}\nexport function too() {}',
      'numeric/c.ts': 'export const lazy = 1;\nexport const notLazy = 2;',
      'numeric/index.ts': "export { viaIndex, dead } from './a.ts';\nexport * from './c.ts';",
      'cli/x.ts': "import { used, type T } from '../numeric/a.ts';\nimport * as B from '../numeric/b.ts';\nimport { viaIndex } from '../numeric/index.ts';\nexport const f = async () => (await import('../numeric/index.ts')).lazy;",
      'cli/x.test.ts': "import { f } from './x.ts';",
    });
    expect(deadExports(g, root).map((d) => `${d.file} ${d.name}`)).toEqual(['numeric/a.ts dead', 'numeric/a.ts local', 'numeric/c.ts notLazy', 'numeric/index.ts dead']);
  });
});
