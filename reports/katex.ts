/**
 * Math typeset when the report is built (KaTeX to HTML + MathML), so no script runs in the
 * page. The KaTeX stylesheet is inlined with its woff2 fonts as data: URIs (about 350 kB for
 * all 20 faces): the HTML rendering needs KaTeX's own font metrics to line up fractions,
 * roots and delimiters, and the CSP allows fonts only from data:. The woff/ttf fallbacks are
 * dropped (every browser that honours the CSP reads woff2). The MathML half stays in the page
 * for screen readers and copy-paste.
 */
import katex from 'katex';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { html, trusted, type Html } from './escape.ts';

/** LaTeX longer than this is shown as text: a statement is a line or two, not a document. */
const MAX_LATEX = 4000;

/**
 * Renders LaTeX from a result file. `trust: false` (the default, stated here on purpose)
 * makes \href, \url, \includegraphics and \html* render as errors, so a file cannot put a
 * link, a class or a style into the page through its LaTeX; KaTeX escapes all text it emits.
 */
export function math(latex: string, display = true): Html {
  if (latex.length > MAX_LATEX) return html`<code class="latex">${latex.slice(0, MAX_LATEX)}…</code>`;
  try {
    return trusted(
      katex.renderToString(latex, {
        displayMode: display,
        output: 'htmlAndMathml',
        throwOnError: false,
        trust: false,
        strict: 'ignore',
        maxExpand: 200,
      }),
    );
  } catch (e) {
    // Only non-parse failures get here (throwOnError: false covers parse errors).
    return html`<code class="latex" title="${(e as Error).message}">${latex}</code>`;
  }
}

let cssCache: string | undefined;

/** katex.min.css with every @font-face pointing at an inlined woff2 file. */
export function katexCss(): string {
  if (cssCache !== undefined) return cssCache;
  const require = createRequire(import.meta.url);
  const cssPath = require.resolve('katex/dist/katex.min.css');
  const dir = dirname(cssPath);
  const css = readFileSync(cssPath, 'utf8');
  cssCache = css.replace(/@font-face\{[^}]*\}/g, (rule) => {
    const woff2 = /url\((fonts\/[^)]+\.woff2)\)/.exec(rule);
    if (!woff2) return '';
    const data = readFileSync(join(dir, woff2[1]!)).toString('base64');
    return rule.replace(/src:[^;}]*/, `src:url(data:font/woff2;base64,${data}) format("woff2")`);
  });
  return cssCache;
}
