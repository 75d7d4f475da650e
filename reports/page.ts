/**
 * The document shell: a Content-Security-Policy that allows nothing but inline styles and
 * data: images/fonts (no script source at all, no network), the stylesheets, a table of
 * contents built from the sections that exist, and the footer.
 */
import { html, trusted, type Html } from './escape.ts';
import { katexCss } from './katex.ts';
import { REPORT_CSS } from './style.ts';

export interface Section {
  /** Fixed ids chosen by the report (never from a file). */
  id: string;
  title: string;
  body: Html;
}

/**
 * default-src 'none' forbids every fetch (scripts included, since no script-src widens it);
 * base-uri and form-action are not covered by default-src, so they are closed too.
 */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'";

interface PageOptions {
  title: string;
  subtitle: Html;
  sections: readonly Section[];
  /** Include the KaTeX stylesheet (only when some math was typeset). */
  math: boolean;
  footer: Html;
}

/** `</style` cannot occur in our CSS or KaTeX's, but a stylesheet is cut there by HTML parsers: refuse it. */
function style(css: string): Html {
  if (/<\/style/i.test(css)) throw new Error('stylesheet contains </style');
  return trusted(`<style>${css}</style>`);
}

export function page(o: PageOptions): string {
  const nav = o.sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`);
  const body = o.sections.map((s) => html`<section id="${s.id}" aria-labelledby="${s.id}-h"><h2 id="${s.id}-h">${s.title}</h2>${s.body}</section>`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${o.title}</title>
${style(REPORT_CSS)}
${o.math ? style(katexCss()) : ''}
</head>
<body>
<header class="top"><div class="inner"><h1>${o.title}</h1><p class="sub">${o.subtitle}</p><nav class="toc" aria-label="Sections">${nav}</nav></div></header>
<main>
${body}
</main>
<footer>${o.footer}</footer>
</body>
</html>
`.value;
}
