/**
 * Fashion-MNIST from the Debian package `dataset-fashion-mnist` (IDX files, gzip'd, under
 * /usr/share/datasets/fashion-mnist). Images become rows of X with pixels / 255 in [0, 1].
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { DatasetError, type Dataset } from './dataset.ts';

export const FMNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';
export const FMNIST_INSTALL_HINT = 'install it with: sudo apt-get install dataset-fashion-mnist (or set LORACHECK_FMNIST_DIR)';

export function fmnistDir(dir?: string): string {
  return dir ?? process.env.LORACHECK_FMNIST_DIR ?? FMNIST_DEFAULT_DIR;
}

export type Split = 'train' | 't10k';

export function fmnistFiles(split: Split, dir?: string): { images: string; labels: string } {
  const d = fmnistDir(dir);
  return {
    images: join(d, `${split}-images-idx3-ubyte.gz`),
    labels: join(d, `${split}-labels-idx1-ubyte.gz`),
  };
}

/** Whether the files are there (tests skip with a message when they are not). */
export function fmnistAvailable(dir?: string): boolean {
  const f = fmnistFiles('train', dir);
  return existsSync(f.images) && existsSync(f.labels);
}

/** Parses one IDX file: magic 0x00 0x00 type ndims, then ndims big-endian u32 sizes, then data. */
export function parseIDX(bytes: Uint8Array, file: string, prefix = false): { dims: number[]; data: Uint8Array } {
  if (bytes.length < 4) throw new DatasetError(`${file}: not an IDX file (only ${bytes.length} bytes)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new DatasetError(`${file}: not an IDX file (bad magic at byte 0)`);
  if (bytes[2] !== 0x08) throw new DatasetError(`${file}: IDX element type 0x${bytes[2]!.toString(16)} is not unsigned byte (0x08)`);
  const ndims = bytes[3]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 + 4 * ndims) throw new DatasetError(`${file}: IDX header truncated at byte ${bytes.length}`);
  const dims: number[] = [];
  for (let k = 0; k < ndims; k++) dims.push(view.getUint32(4 + 4 * k, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * ndims;
  if (prefix ? bytes.length - start > count : bytes.length - start !== count)
    throw new DatasetError(`${file}: IDX data has ${bytes.length - start} bytes, header says ${dims.join(' x ')} = ${count}`);
  return { dims, data: bytes.subarray(start) };
}

/**
 * Gunzips a file, or only its first `need` bytes of output: a prefix of the compressed stream
 * inflated with Z_SYNC_FLUSH yields the output so far (a small subset loads in milliseconds
 * instead of inflating all 47 MB).
 */
function readGz(file: string, need?: number): Uint8Array {
  if (!existsSync(file)) throw new DatasetError(`Fashion-MNIST file ${file} not found; ${FMNIST_INSTALL_HINT}`);
  try {
    const gz = readFileSync(file);
    if (need !== undefined) {
      for (let take = Math.min(gz.length, need + 65536); take < gz.length; take *= 2) {
        const out = gunzipSync(gz.subarray(0, take), { finishFlush: constants.Z_SYNC_FLUSH });
        if (out.length >= need) return out.subarray(0, need);
      }
    }
    return gunzipSync(gz);
  } catch (e) {
    throw new DatasetError(`${file}: cannot gunzip (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Loads a split; `limit` keeps the first rows only (tests use a few hundred). */
export function loadFashionMNIST(opts: { split?: Split; limit?: number; dir?: string } = {}): Dataset {
  const split = opts.split ?? 'train';
  const f = fmnistFiles(split, opts.dir);
  const limit = opts.limit;
  // With a limit, inflate only the header (16 / 8 bytes) and the first `limit` rows.
  const img = parseIDX(readGz(f.images, limit !== undefined ? 16 + limit * 28 * 28 : undefined), f.images, limit !== undefined);
  const lab = parseIDX(readGz(f.labels, limit !== undefined ? 8 + limit : undefined), f.labels, limit !== undefined);
  if (img.dims.length !== 3) throw new DatasetError(`${f.images}: expected 3 IDX dimensions, got ${img.dims.length}`);
  if (lab.dims.length !== 1) throw new DatasetError(`${f.labels}: expected 1 IDX dimension, got ${lab.dims.length}`);
  const [count, rows, cols] = img.dims as [number, number, number];
  if (lab.dims[0] !== count) throw new DatasetError(`${f.labels}: ${lab.dims[0]} labels for ${count} images`);
  const N = Math.min(count, limit ?? count);
  const n = rows * cols;
  if (img.data.length < N * n || lab.data.length < N)
    throw new DatasetError(`${f.images}: ends before row ${N} (truncated file?)`);
  const X = new Float32Array(N * n);
  for (let i = 0; i < N * n; i++) X[i] = img.data[i]! / 255;
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const c = lab.data[i]!;
    if (c > 9) throw new DatasetError(`${f.labels}: label ${c} at index ${i} is not a class 0..9`);
    y[i] = c;
  }
  return {
    name: 'fashion-mnist',
    source: `${f.images} (Debian dataset-fashion-mnist), ${split} split, first ${N} of ${count}`,
    N,
    n,
    classes: 10,
    X,
    y,
  };
}
