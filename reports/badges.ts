/**
 * Verdict badges: a colour AND a symbol AND a word, so no verdict is told by colour alone
 * (readable in greyscale, by colour-blind readers and by screen readers).
 */
import { html, type Html } from './escape.ts';

interface Look {
  cls: string;
  icon: string;
  text: string;
}

const LOOKS: Readonly<Record<string, Look>> = {
  verified: { cls: 'ok', icon: '✓', text: 'verified' },
  statistical: { cls: 'stat', icon: '≈', text: 'statistical' },
  counterexample: { cls: 'bad', icon: '✗', text: 'counterexample' },
  undecided: { cls: 'warn', icon: '?', text: 'undecided' },
  error: { cls: 'err', icon: '!', text: 'error' },
  violated: { cls: 'bad', icon: '✗', text: 'violated' },
  'not applicable': { cls: 'na', icon: '–', text: 'not applicable' },
  truncated: { cls: 'warn', icon: '✂', text: 'truncated' },
  interrupted: { cls: 'na', icon: '■', text: 'interrupted' },
  'load-bearing': { cls: 'load', icon: '●', text: 'load-bearing' },
  'not-shown': { cls: 'na', icon: '○', text: 'not shown within budget' },
  'not run': { cls: 'na', icon: '·', text: 'not run' },
  proved: { cls: 'ok', icon: '∎', text: 'proved' },
  refuted: { cls: 'bad', icon: '✗', text: 'refuted' },
  unknown: { cls: 'na', icon: '?', text: 'unknown' },
  'no encoding': { cls: 'na', icon: '·', text: 'no encoding' },
  'not-needed': { cls: 'ok', icon: '∎', text: 'not needed (proved without it)' },
  found: { cls: 'bad', icon: '✗', text: 'counterexample found' },
  'none found': { cls: 'ok', icon: '✓', text: 'none found' },
  reproduced: { cls: 'ok', icon: '✓', text: 'reproduced' },
  'partly reproduced': { cls: 'warn', icon: '◐', text: 'partly reproduced' },
  'not reproduced': { cls: 'bad', icon: '✗', text: 'not reproduced' },
  'not tested': { cls: 'na', icon: '·', text: 'not tested' },
};

/** A badge for a verdict/status word; unknown words get a neutral badge with the word escaped. */
export function badge(status: unknown, title?: string): Html {
  const look = LOOKS[String(status)] ?? { cls: 'na', icon: '·', text: String(status) };
  return html`<span class="badge ${look.cls}"${title ? html` title="${title}"` : ''}><span aria-hidden="true">${look.icon}</span> ${look.text}</span>`;
}
