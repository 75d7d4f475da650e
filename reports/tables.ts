/**
 * Tables: one generic builder (columns as functions of a row) and the matrix table used for
 * witness entries. Cells are `Part`s, so anything from a file is escaped on the way in.
 */
import { html, type Html, type Part } from './escape.ts';

export interface Column<R> {
  head: Part;
  cell: (row: R, index: number) => Part;
  /** 'num' right-aligns with tabular figures; 'cert' wraps a long exact value (an enclosure, a large rational) in a narrow column. */
  cls?: 'num' | 'wrap' | 'cert';
  /** Tooltip on the header explaining the column. */
  title?: string;
}

interface TableOptions<R> {
  caption?: Part;
  cls?: string;
  /** data-* attributes per row (keys are ours, values are escaped), e.g. {claim: id}. */
  rowData?: (row: R) => Record<string, string>;
  rowClass?: (row: R) => string;
  /** Each cell carries its column's head as data-label: on paper a row of a table too wide for the page prints as a block of labelled fields (style.ts, table.print-blocks). */
  labels?: boolean;
}

export function table<R>(cols: readonly Column<R>[], rows: readonly R[], o: TableOptions<R> = {}): Html {
  const head = cols.map((c) => html`<th scope="col"${c.cls ? html` class="${c.cls}"` : ''}${c.title ? html` title="${c.title}"` : ''}>${c.head}</th>`);
  const body = rows.map((r, i) => {
    const data = o.rowData ? Object.entries(o.rowData(r)).map(([k, v]) => html` data-${k.replace(/[^a-z-]/g, '')}="${v}"`) : [];
    const cls = o.rowClass ? o.rowClass(r) : '';
    const cells = cols.map((c) => html`<td${c.cls ? html` class="${c.cls}"` : ''}${o.labels && typeof c.head === 'string' ? html` data-label="${c.head}"` : ''}>${c.cell(r, i)}</td>`);
    return html`<tr${cls ? html` class="${cls}"` : ''}${data}>${cells}</tr>`;
  });
  return html`<div class="table-wrap"><table class="${o.cls ?? 'data'}">${o.caption ? html`<caption>${o.caption}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

interface MatrixLike {
  rows: number;
  cols: number;
  data: readonly unknown[];
}

export function isMatrixLike(v: unknown): v is MatrixLike {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const m = v as Record<string, unknown>;
  return (
    Number.isInteger(m.rows) &&
    Number.isInteger(m.cols) &&
    (m.rows as number) >= 0 &&
    (m.cols as number) >= 0 &&
    Array.isArray(m.data) &&
    m.data.length === (m.rows as number) * (m.cols as number)
  );
}

/** Text of one entry: exact "p/q" strings verbatim, doubles as round-trip text. */
export function entryText(x: unknown): string {
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : String(x);
  if (typeof x === 'string') return x;
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return '(nested too deep to show)';
  }
}

/**
 * A matrix with exact entries, bracketed. Large ones show their top-left `max` x `max`
 * corner with the full size stated (the whole input is in the result file).
 */
export function matrixTable(m: MatrixLike, max = 12): Html {
  const R = Math.min(m.rows, max);
  const C = Math.min(m.cols, max);
  const rows: Html[] = [];
  for (let i = 0; i < R; i++) {
    const cells: Html[] = [];
    for (let j = 0; j < C; j++) cells.push(html`<td>${entryText(m.data[i * m.cols + j])}</td>`);
    if (C < m.cols) cells.push(html`<td class="dim">⋯</td>`);
    rows.push(html`<tr>${cells}</tr>`);
  }
  if (R < m.rows) rows.push(html`<tr>${Array.from({ length: C + (C < m.cols ? 1 : 0) }, () => html`<td class="dim">⋮</td>`)}</tr>`);
  const cut = R < m.rows || C < m.cols ? html`<span class="dim"> (top-left ${R} × ${C} shown)</span>` : '';
  if (m.rows === 0 || m.cols === 0) return html`<span class="dim">empty ${m.rows} × ${m.cols} matrix</span>`;
  return html`<span class="matrix-wrap"><table class="matrix"><tbody>${rows}</tbody></table>${cut}</span>`;
}
