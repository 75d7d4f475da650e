/**
 * The embedded default data set: Palmer penguins (vega-datasets, data/penguins.json),
 * species from beak length, beak depth, flipper length and body mass. Rows with a missing
 * feature are dropped; features are standardised (mean 0, sd 1, computed in float64) and a
 * constant 1 column is appended as the bias, so n = 5 and 3 classes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DatasetError, type Dataset } from './dataset.ts';

const FEATURES = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'] as const;
const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'] as const;

const require = createRequire(import.meta.url);

export function loadPenguins(): Dataset {
  let rows: Record<string, unknown>[];
  try {
    // The package's "exports" hide data/, so locate it next to the resolved entry (build/index.js).
    const file = join(dirname(require.resolve('vega-datasets')), '..', 'data', 'penguins.json');
    rows = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
  } catch (e) {
    throw new DatasetError(`vega-datasets/data/penguins.json could not be read (${e instanceof Error ? e.message : String(e)}); run npm install`);
  }
  const kept = rows.filter((r) => FEATURES.every((f) => typeof r[f] === 'number' && Number.isFinite(r[f])) && SPECIES.includes(r.Species as never));
  const N = kept.length;
  const d = FEATURES.length;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const r of kept) FEATURES.forEach((f, j) => (mean[j]! += (r[f] as number) / N));
  for (const r of kept) FEATURES.forEach((f, j) => (sd[j]! += ((r[f] as number) - mean[j]!) ** 2 / N));
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!);
  const n = d + 1;
  const X = new Float32Array(N * n);
  const y = new Int32Array(N);
  kept.forEach((r, i) => {
    FEATURES.forEach((f, j) => (X[i * n + j] = ((r[f] as number) - mean[j]!) / sd[j]!));
    X[i * n + d] = 1;
    y[i] = SPECIES.indexOf(r.Species as (typeof SPECIES)[number]);
  });
  return {
    name: 'penguins',
    source: `vega-datasets/data/penguins.json: ${N} of ${rows.length} rows (rows with a missing feature dropped), standardised, bias column`,
    N,
    n,
    classes: SPECIES.length,
    X,
    y,
    features: [...FEATURES, 'bias'],
  };
}
