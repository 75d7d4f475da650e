/**
 * A file that loracheck reads and cannot use (truncated, another kind, a field of the wrong
 * type): the message names the file and the field. The CLI shows it as bad input (one line,
 * exit 2; cli/io.ts asUsage).
 */
export class BadFile extends Error {
  constructor(readonly path: string, readonly field: string, why: string) {
    super(`${path}: ${field === '' ? '' : `field ${field} `}${why}`);
    this.name = 'BadFile';
  }
}
