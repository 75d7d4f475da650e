/**
 * The import graph of every project file (test/import-graph.ts): no circles, and every folder
 * imports only what README "Layout" lets it (runtime < numeric < theory < properties,
 * gpu-runs < cli, bench; reports imports types only, and the result schema; a test file may
 * import anything). Type-only imports count for circles, as `madge --circular` counts them:
 * a type cycle still ties two files together for a reader.
 */
import { describe, expect, it } from 'vitest';
import { doorViolations, graphOfTexts, importCycles, layerViolations, loadGraph, type Module } from './import-graph.ts';

/**
 * Circles allowed by name (none today; an entry would be the files of one circle, sorted,
 * joined by ' <-> ', with the reason it stays). The test fails on any other circle.
 */
const ALLOWED_CYCLES: Record<string, string> = {};

const graph = loadGraph();

describe('import graph', () => {
  it('reads every project file, and every relative import resolves to a file', () => {
    expect(graph.size).toBeGreaterThan(200);
    const unresolved = [...graph.values()].flatMap((m) => m.unresolved.map((u) => `${m.file}:${u.line} ${u.spec}`));
    expect(unresolved, 'a relative import that is not a literal path, or names no file').toEqual([]);
  });

  it('has no import circles (but the allowed ones of other owners, listed above)', () => {
    const found = importCycles(graph);
    const text = found.map((c) => `${c.files.join(' <-> ')}\n${c.cycles.map((cy) => `    ${[...cy, cy[0]].join(' -> ')}`).join('\n')}`);
    const notAllowed = found.filter((c) => !(c.files.join(' <-> ') in ALLOWED_CYCLES));
    expect(notAllowed.length, `import circles:\n${text.join('\n')}`).toBe(0);
    // an allowed circle that is gone must leave the list
    const stale = Object.keys(ALLOWED_CYCLES).filter((k) => !found.some((c) => c.files.join(' <-> ') === k));
    expect(stale, 'allowed circles that no longer exist: remove them from ALLOWED_CYCLES').toEqual([]);
  });

  it('every import goes down the folder table of README "Layout"', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('other folders import properties/ only through properties/index.ts, and properties/ never imports it', () => {
    expect(doorViolations(graph)).toEqual([]);
  });
});

describe('the checker itself', () => {
  const tree = (files: Record<string, string>): Map<string, Module> => graphOfTexts(files).graph;

  it('finds a circle through a type-only import and a dynamic import, and none without them', () => {
    const g = tree({
      'numeric/a.ts': "import type { B } from './b.ts';\nexport const a = 1;",
      'numeric/b.ts': "export type B = number;\nexport const f = async () => (await import('./c.ts')).c;",
      'numeric/c.ts': "import { a } from './a.ts';\nexport const c = a;",
      'numeric/d.ts': "export * from './c.ts';",
    });
    const cycles = importCycles(g);
    expect(cycles.map((c) => c.files)).toEqual([['numeric/a.ts', 'numeric/b.ts', 'numeric/c.ts']]);
    expect(cycles[0]!.cycles).toEqual([['numeric/a.ts', 'numeric/b.ts', 'numeric/c.ts']]);
    const acyclic = tree({ 'numeric/a.ts': "export const a = 1;", 'numeric/c.ts': "import { a } from './a.ts';\nexport const c = a;" });
    expect(importCycles(acyclic)).toEqual([]);
  });

  it('flags an upward import and a run-time import into reports, not a type import or a test file', () => {
    const g = tree({
      'numeric/x.ts': "import { t } from '../theory/t.ts';\nexport const x = t;",
      'theory/t.ts': "export const t = 1;",
      'reports/r.ts': "import type { t } from '../theory/t.ts';\nimport { x } from '../numeric/x.ts';\nexport const r = x;",
      'numeric/x.test.ts': "import { r } from '../reports/r.ts';",
    });
    expect(layerViolations(g)).toEqual([
      'numeric/x.ts:1 imports theory/t.ts: numeric/ may import no other folder',
      'reports/r.ts:2 imports numeric/x.ts: reports/ may import runtime',
    ]);
  });

  it('flags a file past a door, and a door imported from inside its folder', () => {
    const g = tree({
      'properties/index.ts': "export { a } from './a.ts';",
      'properties/a.ts': "import { b } from './index.ts';\nexport const a = 1;",
      'cli/x.ts': "import { a } from '../properties/index.ts';\nimport { b } from '../properties/a.ts';",
    });
    expect(doorViolations(g)).toEqual([
      'cli/x.ts:2 imports properties/a.ts: import it through properties/index.ts',
      "properties/a.ts:1 imports its own folder's door properties/index.ts: import the file itself",
    ]);
  });

  it('a template-literal import of a project path is reported as unresolved', () => {
    const g = tree({ 'cli/m.ts': 'const n = "a"; export const f = () => import(`./commands/${n}.ts`);' });
    expect(g.get('cli/m.ts')!.unresolved).toHaveLength(1);
  });
});
