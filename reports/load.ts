/**
 * Reads every *.json in the results folder, dispatches on `kind` and validates each file
 * against a small schema (theory/results.ts, restated here as data because reports/ may
 * import only types). Nothing read here is trusted: a file that cannot be read, is not JSON,
 * has an unknown kind or a missing field becomes a warning naming the file and the field
 * path; a bad entry is dropped, a bad optional field is removed, the rest is kept.
 * The values returned contain only the fields the schema names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultFile } from '../theory/results.ts';

/** theory/results.ts RESULT_SCHEMA_VERSION (a value: reports/ may import only types). */
export const SUPPORTED_SCHEMA = 1;

export interface Warning {
  file: string;
  message: string;
}

export interface LoadedFile {
  name: string;
  data: ResultFile;
}

export interface Loaded {
  dir: string;
  files: LoadedFile[];
  warnings: Warning[];
}

/** Warnings kept per file; more are summarised as a count. */
const MAX_WARNINGS_PER_FILE = 12;

// ---------------------------------------------------------------- schema as data

type Spec =
  | 'string'
  | 'number'
  | 'boolean'
  | 'any'
  | 'series'
  | { enum: readonly (string | boolean)[] }
  | { obj: Record<string, Spec> }
  | { arr: Spec }
  | { record: Spec }
  | { opt: Spec }
  | { oneOf: readonly Spec[] };

const opt = (s: Spec): Spec => ({ opt: s });
const arr = (s: Spec): Spec => ({ arr: s });
const obj = (o: Record<string, Spec>): Spec => ({ obj: o });
const oneOf = (...s: Spec[]): Spec => ({ oneOf: s });
const en = (...v: (string | boolean)[]): Spec => ({ enum: v });

const MODE = en('exact', 'precise', 'float64');
const BUDGET = obj({ runs: opt('number'), seconds: opt('number') });

const ENV = obj({
  node: opt('string'),
  platform: opt('string'),
  arch: opt('string'),
  cpus: opt('number'),
  loracheck: opt('string'),
  versions: opt({ record: 'string' }),
  date: opt('string'),
  backend: opt('string'),
});

const COMPARISON = obj({
  label: opt('string'),
  lhs: oneOf('string', 'number'),
  rel: en('<=', '=', '>='),
  rhs: oneOf('string', 'number'),
  holds: en(true, false, 'undecided'),
  slack: opt('number'),
  ratio: opt('number'),
  errorBound: opt('number'),
});

const WITNESS = obj({
  claim: opt('string'),
  foundIn: opt(MODE),
  confirmedIn: opt(MODE),
  input: 'any',
  comparisons: arr(COMPARISON),
  dropped: opt(arr('string')),
  violates: opt(arr('string')),
  seed: opt('number'),
  path: opt('string'),
  shrunk: opt('boolean'),
  replay: opt('string'),
  sizes: opt('string'),
  foundBy: opt(en('smt')),
});

const HISTOGRAM = obj({ of: opt('string'), edges: arr('number'), counts: arr('number') });

const CLAIM_INFO = obj({
  id: 'string',
  paper: opt('string'),
  title: opt('string'),
  latex: opt('string'),
  hypotheses: opt(arr('string')),
  inputKind: opt('string'),
  modes: opt(arr('string')),
  correctedOf: opt('string'),
  note: opt('string'),
  provenance: opt(en('verified', 'reported')),
  statistical: opt(obj({ delta: 'number', deltaText: opt('string'), method: opt('string') })),
});

const CHECK_RESULT = obj({
  id: 'string',
  mode: MODE,
  verdict: en('verified', 'counterexample', 'undecided', 'error', 'statistical'),
  cases: 'number',
  nonTrivial: opt('number'),
  undecided: opt('number'),
  worstSlack: opt(obj({ slack: 'number', ratio: opt('number'), witness: opt(WITNESS) })),
  slackHistogram: opt(HISTOGRAM),
  counterexample: opt(WITNESS),
  known: opt('boolean'),
  seed: opt('number'),
  budget: opt(BUDGET),
  timeMs: opt('number'),
  replay: opt('string'),
  error: opt('string'),
  statistical: opt(obj({ delta: 'number', deltaText: opt('string'), confidence: opt('number'), familywiseDelta: opt('number'), method: opt('string') })),
});

const BOUND = obj({ lo: 'string', hi: opt('string'), status: 'string', domain: 'string', note: 'string' });
/** A user's own loss (`--loss`, theory/results.ts UserLossInfo). */
const USER_LOSS = obj({
  expr: 'string',
  tex: 'string',
  df: 'string',
  d2f: 'string',
  dfTex: opt('string'),
  d2fTex: opt('string'),
  L: obj({ value: 'string', source: en('stated', 'certified') }),
  Lstar: obj({ value: 'string', source: en('stated', 'certified') }),
  smooth: BOUND,
  lower: BOUND,
  notes: arr('string'),
});

const HEAD = { kind: 'string', schema: 'number', env: ENV, loss: opt(USER_LOSS) } as const;

const SMT_NOTE = obj({ verdict: en('proved', 'refuted', 'unknown', 'no encoding'), text: 'string', class: opt('string'), timeMs: opt('number') });

const PROOF_ATTEMPT = obj({
  encoding: en('scalar', 'class'),
  class: 'string',
  result: en('unsat', 'sat', 'unknown', 'error'),
  paths: opt('number'),
  timeMs: opt('number'),
  reason: opt('string'),
  assumes: opt(arr('string')),
  model: opt({ record: 'string' }),
  scalarModel: opt(obj({ values: { record: 'string' }, comparisons: arr(COMPARISON) })),
});

const TRACE_CLAIM = obj({
  id: 'string',
  status: en('verified', 'violated', 'undecided', 'not applicable'),
  reason: opt('string'),
  stepsChecked: opt('number'),
  checked: opt('number'),
  resolved: opt('number'),
  unresolved: opt('number'),
  firstUnresolved: opt('number'),
  violations: opt('number'),
  firstViolation: opt('number'),
  worstSlack: opt('number'),
  estimated: opt('boolean'),
});

/** Table cells: strings, numbers or null (anything else is shown as a dash). */
const CELL: Spec = 'any';

const EXPERIMENT_SERIES = obj({ name: 'string', x: 'series', y: 'series', dashed: opt('boolean'), run: opt('string'), key: opt('string') });

const SCHEMAS: Record<ResultFile['kind'], Spec> = {
  experiments: obj({
    ...HEAD,
    preset: 'string',
    seed: 'number',
    backend: 'string',
    data: arr('string'),
    timeMs: 'number',
    interrupted: opt('boolean'),
    runs: arr(
      obj({
        id: 'string',
        label: 'string',
        method: 'string',
        rule: 'string',
        rank: 'number',
        batch: oneOf('number', en('full')),
        epochs: opt('number'),
        steps: 'number',
        stepsDone: 'number',
        seed: opt('number'),
        trace: opt('string'),
        seconds: opt('number'),
        finalJ: opt('number'),
        testAccuracy: opt('number'),
        diverged: opt('boolean'),
        interrupted: opt('boolean'),
      }),
    ),
    figures: arr(
      obj({
        id: 'string',
        title: 'string',
        paper: 'string',
        setting: 'string',
        panels: arr(
          obj({ title: 'string', xLabel: 'string', yLabel: 'string', logY: opt('boolean'), logX: opt('boolean'), smoothing: opt('string'), series: arr(EXPERIMENT_SERIES) }),
        ),
      }),
    ),
    tables: arr(obj({ id: 'string', title: 'string', columns: arr('string'), rows: arr(arr(CELL)), note: opt('string') })),
    statements: arr(
      obj({
        id: 'string',
        figure: opt('string'),
        source: 'string',
        provenance: en('printed', 'reported'),
        claim: 'string',
        finding: 'string',
        outcome: en('reproduced', 'partly reproduced', 'not reproduced', 'not tested'),
        criterion: 'string',
        numbers: opt({ record: 'any' }),
      }),
    ),
    traceClaims: opt(arr(obj({ file: 'string', label: 'string', claims: arr(TRACE_CLAIM) }))),
  }),
  prove: obj({
    ...HEAD,
    solver: opt(obj({ name: 'string', version: opt('string') })),
    budgetMs: opt('number'),
    interrupted: opt('boolean'),
    claims: arr(
      obj({
        id: 'string',
        dropped: opt(arr('string')),
        verdict: en('proved', 'refuted', 'unknown', 'no encoding'),
        class: opt('string'),
        text: 'string',
        assumes: opt(arr('string')),
        witness: opt(WITNESS),
        attempts: arr(PROOF_ATTEMPT),
        timeMs: opt('number'),
        budgetMs: opt('number'),
      }),
    ),
  }),
  check: obj({ ...HEAD, claims: arr(CLAIM_INFO), hypotheses: opt({ record: 'string' }), results: arr(CHECK_RESULT) }),
  search: obj({
    ...HEAD,
    claim: 'string',
    dropped: opt(arr('string')),
    seed: opt('number'),
    shard: opt('string'),
    workers: opt('number'),
    budget: opt(BUDGET),
    cases: 'number',
    casesPerSecond: opt('number'),
    timeMs: opt('number'),
    counterexample: opt(WITNESS),
    timeToFirstMs: opt('number'),
    interrupted: opt('boolean'),
    smt: opt(SMT_NOTE),
  }),
  ablate: obj({
    ...HEAD,
    rows: arr(
      obj({
        claim: 'string',
        hypothesis: 'string',
        status: en('load-bearing', 'not-shown', 'not-needed', 'cannot-fail', 'error'),
        smt: opt(SMT_NOTE),
        witness: opt(WITNESS),
        cases: opt('number'),
        ascents: opt('number'),
        evaluations: opt('number'),
        seconds: opt('number'),
        reason: opt('string'),
        foundBy: opt(en('smt', 'sampling', 'ascent', 'corpus')),
        error: opt('string'),
      }),
    ),
  }),
  tighten: obj({
    ...HEAD,
    rows: arr(
      obj({
        claim: 'string',
        label: opt('string'),
        worstRatio: 'number',
        worstRatioCertified: opt('string'),
        paperRatio: opt('number'),
        witness: opt(WITNESS),
        restarts: opt('number'),
        evaluations: opt('number'),
        seconds: opt('number'),
        constant: opt(
          obj({
            printed: 'string',
            printedValue: 'number',
            direction: en('sup', 'inf'),
            quantity: 'string',
            degenerate: opt('string'),
            declared: 'boolean',
            found: 'number',
            certified: opt('string'),
            certifiedIn: opt(MODE),
            digits: opt('string'),
            gap: opt('number'),
            conjecture: opt(obj({ form: 'string', matchedDigits: 'number' })),
            better: opt(obj({ value: 'string', holdsOnTried: 'boolean', tried: 'number', worstTried: opt('number') })),
            witness: opt(WITNESS),
            label: opt('string'),
          }),
        ),
        smt: opt(
          obj({
            class: 'string',
            lower: opt(obj({ ratio: 'string', value: 'number', class: 'string', input: opt('any') })),
            upper: opt(obj({ ratio: 'string', value: 'number', class: 'string' })),
            steps: opt('number'),
            timeMs: opt('number'),
            stoppedAt: opt('string'),
          }),
        ),
      }),
    ),
  }),
  'verify-trace': obj({
    ...HEAD,
    tolerance: opt(obj({ relative: opt('number'), absolute: opt('number') })),
    traces: arr(
      obj({
        file: 'string',
        header: { record: 'any' },
        claims: arr(TRACE_CLAIM),
        fits: opt(
          obj({
            vsqSlope: opt('number'),
            gvSlope: opt('number'),
            minGradVsInvLogT: opt('number'),
            minGradVsInvT: opt('number'),
            note: opt('string'),
          }),
        ),
        series: obj({
          t: 'series',
          J: 'series',
          Vsq: 'series',
          eta: 'series',
          minGradJsq: 'series',
          gvBound: opt('series'),
          t10Bound: opt('series'),
          distSq: opt('series'),
        }),
        summary: opt({ record: 'any' }),
        truncated: opt('boolean'),
        partialLastLine: opt('boolean'),
        interrupted: opt('boolean'),
        records: opt('number'),
        precision: opt(obj({ dtype: 'string', scalarDtype: 'string', u: 'number', relative: 'number', basis: 'string' })),
        optimum: opt(
          obj({
            distSq0: 'number',
            distSqFinal: 'number',
            distSqMin: 'number',
            tMin: 'number',
            rankBoundJ: opt('number'),
            rankBoundDistSq: opt('number'),
            note: opt('string'),
          }),
        ),
      }),
    ),
  }),
};

// ---------------------------------------------------------------- validator

class Ctx {
  count = 0;
  constructor(
    readonly file: string,
    readonly warnings: Warning[],
  ) {}
  warn(path: string, message: string): void {
    this.count++;
    if (this.count <= MAX_WARNINGS_PER_FILE) this.warnings.push({ file: this.file, message: `${path}: ${message}` });
  }
  finish(): void {
    if (this.count > MAX_WARNINGS_PER_FILE)
      this.warnings.push({ file: this.file, message: `${this.count - MAX_WARNINGS_PER_FILE} more problems not listed` });
  }
}

/** Short, printable description of a bad value for a message. */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Series entries: numbers; null and the codec's "NaN"/"Infinity" texts become NaN/±Infinity. */
function seriesValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === null || v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}

const FAIL = Symbol('fail');

function check(v: unknown, spec: Spec, path: string, ctx: Ctx): unknown {
  if (spec === 'any') return v;
  if (spec === 'number' && typeof v === 'string' && /^-?Infinity$/.test(v)) return Number(v); // codec text
  if (spec === 'string' || spec === 'number' || spec === 'boolean') {
    if (typeof v === spec && !(spec === 'number' && Number.isNaN(v))) return v;
    ctx.warn(path, `expected a ${spec}, got ${show(v)}`);
    return FAIL;
  }
  if (spec === 'series') {
    if (!Array.isArray(v)) {
      ctx.warn(path, `expected an array of numbers, got ${show(v)}`);
      return FAIL;
    }
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = seriesValue(v[i]);
      if (x === undefined) {
        ctx.warn(`${path}[${i}]`, `expected a number, got ${show(v[i])}`);
        return FAIL;
      }
      out[i] = x;
    }
    return out;
  }
  if ('enum' in spec) {
    if (spec.enum.includes(v as string | boolean)) return v;
    ctx.warn(path, `expected one of ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${show(v)}`);
    return FAIL;
  }
  if ('oneOf' in spec) {
    const quiet = new Ctx(ctx.file, []);
    for (const s of spec.oneOf) {
      const r = check(v, s, path, quiet);
      if (r !== FAIL) return r;
    }
    ctx.warn(path, `unexpected value ${show(v)}`);
    return FAIL;
  }
  if ('opt' in spec) return check(v, spec.opt, path, ctx);
  if ('arr' in spec) {
    if (!Array.isArray(v)) {
      ctx.warn(path, `expected an array, got ${show(v)}`);
      return FAIL;
    }
    const out: unknown[] = [];
    v.forEach((e, i) => {
      const r = check(e, spec.arr, `${path}[${i}]`, ctx);
      if (r !== FAIL) out.push(r);
    });
    return out;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    ctx.warn(path, `expected an object, got ${show(v)}`);
    return FAIL;
  }
  const o = v as Record<string, unknown>;
  if ('record' in spec) {
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(o)) {
      const r = check(e, spec.record, `${path}.${k}`, ctx);
      if (r !== FAIL) out[k] = r;
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  let ok = true;
  for (const [k, s] of Object.entries(spec.obj)) {
    const optional = typeof s === 'object' && 'opt' in s;
    // JSON.stringify writes a non-finite optional number as null: read that as absent.
    if (o[k] === undefined || (optional && o[k] === null)) {
      if (!optional) {
        ctx.warn(path ? `${path}.${k}` : k, 'missing');
        ok = false;
      }
      continue;
    }
    const r = check(o[k], s, path ? `${path}.${k}` : k, ctx);
    if (r === FAIL) {
      if (!optional) ok = false;
      continue;
    }
    out[k] = r;
  }
  return ok ? out : FAIL;
}

/** Series of one trace must have one entry per step: cut all to the shortest, with a warning. */
function alignSeries(f: ResultFile, ctx: Ctx): void {
  if (f.kind !== 'verify-trace') return;
  f.traces.forEach((tr, i) => {
    const s = tr.series as unknown as Record<string, number[]>;
    const n = Math.min(...Object.values(s).map((a) => a.length));
    if (Object.values(s).every((a) => a.length === n)) return;
    const lengths = Object.entries(s).map(([k, a]) => `${k} ${a.length}`).join(', ');
    ctx.warn(`traces[${i}].series`, `series of different lengths (${lengths}); all cut to ${n}`);
    for (const k of Object.keys(s)) s[k] = s[k]!.slice(0, n);
  });
}

/** Validates one parsed document; undefined (with warnings) when it cannot be used at all. */
export function validate(name: string, doc: unknown, warnings: Warning[]): ResultFile | undefined {
  const ctx = new Ctx(name, warnings);
  try {
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
      ctx.warn('(file)', 'not a result object; skipped');
      return undefined;
    }
    const kind = (doc as { kind?: unknown }).kind;
    if (typeof kind !== 'string' || !Object.hasOwn(SCHEMAS, kind)) {
      ctx.warn('kind', `unknown kind ${show(kind)} (expected one of ${Object.keys(SCHEMAS).join(', ')}); skipped`);
      return undefined;
    }
    const schema = (doc as { schema?: unknown }).schema;
    if (schema !== SUPPORTED_SCHEMA) {
      ctx.warn('schema', `version ${show(schema)}, this report reads version ${SUPPORTED_SCHEMA}; skipped`);
      return undefined;
    }
    const out = check(doc, SCHEMAS[kind as ResultFile['kind']], '', ctx);
    if (out === FAIL) {
      ctx.warn('(file)', 'required fields are missing or malformed; skipped');
      return undefined;
    }
    const file = out as ResultFile;
    alignSeries(file, ctx);
    return file;
  } finally {
    ctx.finish();
  }
}

/** Reads `dir` (which must exist: the caller turns a missing folder into a usage error). */
export function loadResults(dir: string): Loaded {
  const warnings: Warning[] = [];
  const files: LoadedFile[] = [];
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch (e) {
      warnings.push({ file: name, message: `cannot be read: ${(e as Error).message}` });
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      warnings.push({ file: name, message: `not valid JSON (${(e as Error).message}); skipped` });
      continue;
    }
    const data = validate(name, doc, warnings);
    if (data) files.push({ name, data });
  }
  return { dir, files, warnings };
}
