/**
 * Text from files (workload names, paths, expressions, corpus fields) shown on a terminal:
 * control characters (C0 but tab and newline, DEL, C1) are written as visible escapes, so a
 * file cannot move the cursor, retitle the window or clear the screen. `oneLine` also escapes
 * newlines (for fields that must stay on one line).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_AND_NEWLINES = /[\x00-\x1f\x7f-\x9f]/g;

function visible(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : c;
}

/** Escapes control characters other than tab and newline. */
export function safeText(s: string): string {
  return s.replace(CONTROL, visible);
}

/** Escapes every control character, newlines and tabs too. */
export function oneLine(s: string): string {
  return s.replace(CONTROL_AND_NEWLINES, visible);
}
