import { claimById } from '../../theory/index.ts';
import { decode } from '../../theory/codec.ts';
import { evaluateCase } from '../_internals/evaluate.ts';
import { fieldFor } from '../../numeric/fields.ts';
import { readFileSync } from 'node:fs';
const claim = claimById(process.argv[2] ?? 'L34')!;
const x = decode(JSON.parse(readFileSync('/tmp/lastinput.json', 'utf8')).x);
for (const mode of ['float64', 'precise', 'exact'] as const) {
  const t0 = performance.now();
  const out = evaluateCase(claim, fieldFor(mode), x);
  console.log(mode, out.status, (performance.now() - t0).toFixed(0), 'ms', out.decisions.map((d) => d.ratio));
}
