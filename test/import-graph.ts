/**
 * The project's module graph, read from the sources with the TypeScript parser (no build, no
 * type checking): every static import, `export ... from`, `import()` with a string literal,
 * `import('...').T` in a type, and `new URL('./x.ts', import.meta.url)` (a worker entry).
 * Used by test/imports.test.ts (cycles, the folder rule of README "Layout") and
 * test/dead-exports.test.ts (exported names nothing imports).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** Folders that hold no project source (build outputs, results, dependencies). */
const SKIP_DIRS = new Set(['node_modules', 'out', 'results', 'dist', '.stryker-tmp', '.bench', '.device', '.git']);

export type EdgeKind = 'static' | 'dynamic' | 'reexport' | 'type-import' | 'url';

export interface Edge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Erased at run time (`import type`, every named binding `type`, `import('x').T`). */
  typeOnly: boolean;
  /** The names used from `to`; '*' for a namespace, a bare `import()`, or a worker entry. */
  names: string[];
  line: number;
}

export interface ExportEntry {
  name: string;
  line: number;
  /** A re-export: the name it forwards (`export { a as b } from './x.ts'` -> x.ts's a). */
  from?: { file: string; name: string };
}

export interface Module {
  file: string;
  exports: ExportEntry[];
  /** Targets of `export * from`. */
  stars: string[];
  edges: Edge[];
  /** Relative `import()` whose path is not a literal: the graph cannot follow it. */
  unresolved: { spec: string; line: number }[];
}

/** Every project source file (repo-relative, '/'-separated), tests included. */
export function projectFiles(root = ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

function resolveSpec(root: string, from: string, spec: string): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return undefined;
  const base = resolve(root, dirname(from), spec);
  const tries = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  for (const t of tries) if (existsSync(t) && statSync(t).isFile()) return relative(root, t).split(sep).join('/');
  return undefined;
}

function hasExport(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}
function hasDefault(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
}

function bindingNames(name: ts.BindingName, out: string[]): void {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
}

/** What a dynamic `import(...)` expression is used for: `(await import(x)).a`, `const { a } = await import(x)`. */
function dynamicNames(call: ts.Node): string[] {
  let p = call.parent;
  if (p && ts.isAwaitExpression(p)) {
    let q = p.parent;
    while (q && ts.isParenthesizedExpression(q)) q = q.parent;
    if (q && ts.isPropertyAccessExpression(q)) return [q.name.text];
    if (q && ts.isVariableDeclaration(q) && ts.isObjectBindingPattern(q.name)) {
      const names: string[] = [];
      for (const el of q.name.elements) {
        if (el.dotDotDotToken) return ['*'];
        const key = el.propertyName ?? el.name;
        if (!ts.isIdentifier(key)) return ['*'];
        names.push(key.text);
      }
      return names;
    }
  }
  return ['*'];
}

export function parseModule(file: string, root = ROOT): Module {
  const text = readFileSync(join(root, file), 'utf8');
  const kind = /\.m?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, kind);
  const mod: Module = { file, exports: [], stars: [], edges: [], unresolved: [] };
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const edge = (n: ts.Node, spec: string, kind: EdgeKind, typeOnly: boolean, names: string[]): string | undefined => {
    const to = resolveSpec(root, file, spec);
    if (to) mod.edges.push({ from: file, to, kind, typeOnly, names, line: lineOf(n) });
    else if (spec.startsWith('.')) mod.unresolved.push({ spec, line: lineOf(n) });
    return to;
  };
  const exp = (name: string, n: ts.Node, from?: ExportEntry['from']) => mod.exports.push({ name, line: lineOf(n), ...(from ? { from } : {}) });

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const names: string[] = [];
      let allTypes = !!clause;
      if (clause) {
        if (clause.name) {
          names.push('default');
          allTypes &&= clause.isTypeOnly;
        }
        const nb = clause.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) {
          names.push('*');
          allTypes &&= clause.isTypeOnly;
        } else if (nb) {
          for (const el of nb.elements) {
            names.push((el.propertyName ?? el.name).text);
            allTypes &&= clause.isTypeOnly || el.isTypeOnly;
          }
        }
        if (clause.isTypeOnly) allTypes = true;
      }
      edge(node, node.moduleSpecifier.text, 'static', allTypes, names);
    } else if (ts.isExportDeclaration(node)) {
      const spec = node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : undefined;
      const clause = node.exportClause;
      if (spec !== undefined) {
        if (!clause) {
          const to = edge(node, spec, 'reexport', node.isTypeOnly, ['*']);
          if (to) mod.stars.push(to);
        } else if (ts.isNamespaceExport(clause)) {
          const to = edge(node, spec, 'reexport', node.isTypeOnly, ['*']);
          exp(clause.name.text, node, to ? { file: to, name: '*' } : undefined);
        } else {
          const used = clause.elements.map((el) => (el.propertyName ?? el.name).text);
          const typeOnly = node.isTypeOnly || clause.elements.every((el) => el.isTypeOnly);
          const to = edge(node, spec, 'reexport', typeOnly, used);
          for (const el of clause.elements) exp(el.name.text, el, to ? { file: to, name: (el.propertyName ?? el.name).text } : undefined);
        }
      } else if (clause && ts.isNamedExports(clause)) {
        for (const el of clause.elements) exp(el.name.text, el);
      }
    } else if (ts.isExportAssignment(node)) {
      exp('default', node);
    } else if (hasExport(node)) {
      if (hasDefault(node)) exp('default', node);
      else if (ts.isVariableStatement(node)) {
        const names: string[] = [];
        for (const d of node.declarationList.declarations) bindingNames(d.name, names);
        for (const n of names) exp(n, node);
      } else if (
        (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) ||
          ts.isTypeAliasDeclaration(node) || ts.isEnumDeclaration(node) || ts.isModuleDeclaration(node)) &&
        node.name && ts.isIdentifier(node.name)
      ) {
        exp(node.name.text, node);
      }
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) edge(node, arg.text, 'dynamic', false, dynamicNames(node));
      else if (arg && ts.isTemplateExpression(arg) && arg.head.text.startsWith('.')) mod.unresolved.push({ spec: arg.getText(sf), line: lineOf(node) });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      const q = node.qualifier;
      const name = q ? (ts.isIdentifier(q) ? q.text : q.left.getText(sf).split('.')[0]!) : '*';
      edge(node, node.argument.literal.text, 'type-import', true, [name]);
    } else if (
      ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL' &&
      node.arguments?.[0] && ts.isStringLiteral(node.arguments[0]) && node.arguments[1]?.getText(sf) === 'import.meta.url'
    ) {
      const spec = node.arguments[0].text;
      if (/\.(ts|mts|js|mjs)$/.test(spec)) edge(node, spec, 'url', false, ['*']);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return mod;
}

/** The graph of a made-up tree (path -> text), written to a temporary folder: for the checkers' own tests. */
export function graphOfTexts(files: Record<string, string>): { root: string; graph: Map<string, Module> } {
  const root = mkdtempSync(join(tmpdir(), 'import-graph-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), text);
  }
  return { root, graph: new Map(Object.keys(files).map((f) => [f, parseModule(f, root)])) };
}

export function loadGraph(root = ROOT): Map<string, Module> {
  const g = new Map<string, Module>();
  for (const f of projectFiles(root)) g.set(f, parseModule(f, root));
  return g;
}

/** Tests and what only tests use (a `test/` or `fixtures/` folder, `test-helpers.ts`): free to import anything. */
export const isTestFile = (f: string): boolean =>
  /\.test\.ts$/.test(f) || /(^|\/)(test|fixtures)\//.test(f) || /(^|\/)test-helpers\.ts$/.test(f);

/**
 * The import cycles: strongly connected components of the graph of static, dynamic and
 * re-export edges, type-only ones included (`url` edges start a worker thread, a separate
 * module instance, and are left out). Each component is given with one shortest cycle
 * through each of its files, de-duplicated.
 */
export function importCycles(g: Map<string, Module>): { files: string[]; cycles: string[][] }[] {
  const adj = new Map<string, string[]>();
  for (const [f, m] of g) adj.set(f, [...new Set(m.edges.filter((e) => e.kind !== 'url').map((e) => e.to))]);
  // Tarjan's algorithm (iterative enough for this graph's depth: recursion over a few hundred files)
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), on = new Set<string>(), stack: string[] = [];
  const comps: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); c.push(w); } while (w !== v);
      if (c.length > 1 || (adj.get(v) ?? []).includes(v)) comps.push(c.sort());
    }
  };
  for (const f of [...adj.keys()].sort()) if (!idx.has(f)) strong(f);
  return comps.map((files) => {
    const inC = new Set(files);
    const seen = new Set<string>();
    const cycles: string[][] = [];
    for (const s of files) {
      // breadth-first from s back to s inside the component
      const prev = new Map<string, string>();
      const queue = [s];
      let found = false;
      while (queue.length && !found) {
        const v = queue.shift()!;
        for (const w of adj.get(v) ?? []) {
          if (!inC.has(w)) continue;
          if (w === s) { prev.set(s, v); found = true; break; }
          if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
        }
      }
      const path = [s];
      for (let v = prev.get(s)!; v !== s; v = prev.get(v)!) path.unshift(v);
      const rot = path.indexOf([...path].sort()[0]!);
      const key = [...path.slice(rot), ...path.slice(0, rot)].join(' -> ');
      if (!seen.has(key)) { seen.add(key); cycles.push([...path.slice(rot), ...path.slice(0, rot)]); }
    }
    return { files, cycles };
  });
}

/** README "Layout": the folders each folder may import at run time (its own always). */
export const MAY_IMPORT: Record<string, readonly string[] | 'everything'> = {
  runtime: [],
  numeric: [],
  theory: ['numeric'],
  properties: ['runtime', 'numeric', 'theory'],
  'gpu-runs': ['runtime', 'numeric', 'theory'],
  reports: ['runtime'], // runtime (escaping), types, and the result schema, which is data (theory/results.ts)
  cli: 'everything',
  bench: 'everything',
  bin: 'everything',
  test: 'everything',
};
/** Files a folder may import at run time beyond its row: reports reads the schema the writers use. */
export const MAY_IMPORT_FILES: Record<string, readonly string[]> = { reports: ['theory/results.ts'] };

export const folderOf = (f: string): string => (f.includes('/') ? f.split('/')[0]! : '.');

/** Imports that break the folder rule (a test file may import anything; type-only imports are free for reports). */
export function layerViolations(g: Map<string, Module>): string[] {
  const out: string[] = [];
  for (const [f, m] of g) {
    if (isTestFile(f)) continue;
    const from = folderOf(f);
    const rule = MAY_IMPORT[from];
    if (rule === undefined || rule === 'everything') continue;
    for (const e of m.edges) {
      if (isTestFile(e.to)) {
        out.push(`${f}:${e.line} imports ${e.to}: a test or test fixture, which only tests may import`);
        continue;
      }
      const to = folderOf(e.to);
      if (to === from || rule.includes(to) || (MAY_IMPORT_FILES[from] ?? []).includes(e.to)) continue;
      if (from === 'reports' && e.typeOnly) continue;
      out.push(`${f}:${e.line} imports ${e.to}${e.typeOnly ? ' (type only)' : ''}: ${from}/ may import ${rule.length ? rule.join(', ') : 'no other folder'}`);
    }
  }
  return out.sort();
}

/**
 * Exported names that no other file imports (tests, bench, bin, dynamic imports and worker
 * entries count; a name forwarded by an index counts once the index's name is used).
 */
export function deadExports(g: Map<string, Module>, root = ROOT): { file: string; name: string; line: number; usedInFile: boolean }[] {
  const used = new Set<string>();
  const key = (f: string, n: string) => `${f}#${n}`;
  const mark = (file: string, name: string, seen = new Set<string>()): boolean => {
    const k = key(file, name);
    if (seen.has(k)) return false;
    seen.add(k);
    const m = g.get(file);
    if (!m) return false;
    if (name === '*') {
      for (const e of m.exports) mark(file, e.name, seen);
      for (const s of m.stars) mark(s, '*', seen);
      return true;
    }
    const own = m.exports.filter((e) => e.name === name);
    if (own.length) {
      used.add(k);
      for (const e of own) if (e.from) mark(e.from.file, e.from.name, seen);
      return true;
    }
    for (const s of m.stars) if (mark(s, name, seen)) return true;
    return false;
  };
  for (const m of g.values()) for (const e of m.edges) {
    if (e.kind === 'reexport') continue; // counted when the forwarding name is used
    for (const n of e.names) mark(e.to, n);
  }
  const out: { file: string; name: string; line: number; usedInFile: boolean }[] = [];
  for (const [f, m] of g) {
    if (isTestFile(f)) continue;
    const text = m.exports.some((e) => !used.has(key(f, e.name))) ? readFileSync(join(root, f), 'utf8') : '';
    for (const e of m.exports) {
      if (used.has(key(f, e.name)) || e.name === 'default') continue;
      const uses = text.match(new RegExp(`\\b${e.name.replace(/\$/g, '\\$')}\\b`, 'g'))?.length ?? 0;
      out.push({ file: f, name: e.name, line: e.line, usedInFile: uses > 1 });
    }
  }
  return out.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}

/** Folders with a door: other folders import them only through it; their own files never import it (a door imported from inside closes circles). */
export const DOORS: Record<string, string> = { properties: 'properties/index.ts' };

export function doorViolations(g: Map<string, Module>, doors: Record<string, string> = DOORS): string[] {
  const out: string[] = [];
  for (const [f, m] of g) {
    if (isTestFile(f)) continue;
    const from = folderOf(f);
    for (const e of m.edges) {
      const door = doors[folderOf(e.to)];
      if (!door) continue;
      if (from !== folderOf(e.to) && e.to !== door) out.push(`${f}:${e.line} imports ${e.to}: import it through ${door}`);
      if (from === folderOf(e.to) && e.to === door && f !== door) out.push(`${f}:${e.line} imports its own folder's door ${door}: import the file itself`);
    }
  }
  return out.sort();
}
