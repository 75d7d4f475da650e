import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { anchor, esc, html, join, trusted } from './escape.ts';
import { ratio, rounded } from './format.ts';

const unescape = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);

describe('esc', () => {
  it('escapes the five characters that matter in text, attributes and SVG text', () => {
    expect(esc(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });

  it('leaves no markup or control character, and loses no information from text without control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = esc(s);
        expect(e).not.toMatch(/[<>"'\x00-\x08\x0b-\x1f\x7f-\x9f]/);
        // eslint-disable-next-line no-control-regex
        if (!/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(s)) expect(unescape(e)).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('shows terminal control sequences (from file names, workloads) as visible escapes', () => {
    expect(esc('w\x1b]0;PWNED\x07\x1b[2J\u0085<')).toBe('w\\x1b]0;PWNED\\x07\\x1b[2J\\x85&lt;');
    expect(html`<td title="${'a\x00b'}">${'\x9b'}</td>`.value).toBe('<td title="a\\x00b">\\x9b</td>');
  });
});

describe('html template', () => {
  it('escapes every interpolation unless it is already Html', () => {
    const evil = '"><img src=x onerror=alert(1)>';
    const out = html`<p title="${evil}">${evil}${trusted('<b>ok</b>')}</p>`.value;
    expect(out).toBe('<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;<b>ok</b></p>');
    expect(out.match(/<img/g)).toBeNull();
  });

  it('renders false/null/undefined as nothing and joins arrays (escaping their strings)', () => {
    expect(html`${false}${null}${undefined}${['<a>', html`<b></b>`, 3]}`.value).toBe('&lt;a&gt;<b></b>3');
    expect(join(['<x>', '<y>'], html`<br>`).value).toBe('&lt;x&gt;<br>&lt;y&gt;');
  });
});

describe('anchor', () => {
  it('keeps readable ids readable', () => {
    expect(anchor('claim', 'L34.s22.amgm1')).toBe('claim--L34.s22.amgm1');
  });

  it('is injective and only ever contains [A-Za-z0-9._-]', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 3 }), fc.array(fc.string(), { minLength: 1, maxLength: 3 }), (a, b) => {
        const x = anchor('p', ...a);
        expect(x).toMatch(/^[A-Za-z0-9._-]+$/);
        if (JSON.stringify(a) !== JSON.stringify(b)) expect(x).not.toBe(anchor('p', ...b));
      }),
      { numRuns: 300 },
    );
    expect(anchor('p', 'a b')).not.toBe(anchor('p', 'a_20_b'));
    expect(anchor('p', 'a--b')).not.toBe(anchor('p', 'a', 'b'));
  });
});

describe('number display', () => {
  it('rounds without switching to exponent form in the readable range', () => {
    expect(rounded(1560, 3)).toBe('1560');
    expect(rounded(0.012345, 3)).toBe('0.0123');
    expect(rounded(1.2e-52)).toBe('1.2e-52');
    expect(rounded(-0.029959185517469858)).toBe('-0.02996');
  });

  it('never shows a ratio just below or above 1 as 1, and keeps the exact value in the tooltip', () => {
    expect(ratio(0.9999997448979806).value).toContain('1 − 2.6e-7');
    expect(ratio(0.9999997448979806).value).toContain('title="0.9999997448979806"');
    expect(ratio(1.0000003).value).toContain('1 + 3e-7');
    expect(ratio(1).value).toContain('>1<');
  });
});
