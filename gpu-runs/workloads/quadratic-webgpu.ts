/**
 * The quadratic's step as two WebGPU kernels (registered in tfjs' kernel registry for the
 * webgpu backend only), instead of eight tfjs ops over m x n matrices:
 *
 *   LoracheckQuadraticG      G_ij = H_ij ((B A)_ij - C_ij),  H_ij = 4 h_i k_j
 *                            one pass: reads C (and the small B, A, h, k), writes G; W = BA and
 *                            H are never stored (H is rebuilt from h and k, exactly: dyadic)
 *   LoracheckQuadraticStep   the adapters' step in ONE pass over C, one workgroup per row i: G's
 *                            row (written: B^T G still needs it), the row's loss term and ||G||^2
 *                            partial, and row i of grad_B = G A^T (r sums), reduced in the
 *                            workgroup; replaces the G and rows kernels and the G A^T product
 *                            (three passes over G fewer: it is read once more, by B^T G)
 *   LoracheckQuadraticGW     the same as LoracheckQuadraticG from W itself (the methods that train W: rac, full;
 *                            and W = W0 + BA where the adapters' kernel does not apply)
 *   LoracheckQuadraticRows   per row i, one workgroup: [ 1/2 sum_j G_ij^2 / H_ij , sum_j G_ij^2 ]
 *                            = the row's loss term 1/2 sum_j H_ij E_ij^2 and its ||G||^2 partial;
 *                            one pass over G
 *
 * The plain path (quadratic.ts, every backend) computes BA, W - C, H o E, (H o E) o E, a row
 * sum, a scaling, G o G and a row sum: 8 dispatches and about 14 passes over an m x n matrix
 * per step; this one: 2 dispatches (+2 small slices) and 2 passes, plus the two skinny products
 * G A^T and B^T G that both paths share. The SwiftShader tests compare the two paths' traces.
 */
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { TF } from '../backend.ts';
import { customKernelsEnabled, registerWebgpuKernel, type WebGPUProgram } from '../webgpu-kernels.ts';

const G_KERNEL = 'LoracheckQuadraticG';
const ROWS_KERNEL = 'LoracheckQuadraticRows';
const GW_KERNEL = 'LoracheckQuadraticGW';
const ROWSTEP_KERNEL = 'LoracheckQuadraticRowStep';
const COLPART_KERNEL = 'LoracheckQuadraticColPartials';
const SUMCHUNKS_KERNEL = 'LoracheckSumChunks';
/** Largest rank of the adapter kernels (LoracheckQuadraticRowStep, ColPartials): workgroup memory
 *  does not bound it (the row kernel reduces its r + 2 sums in rounds, rowStepProgram), each
 *  thread's r-long arrays grow with it (3 r floats in the row kernel, 3 KB at r = 256). Checked up
 *  to here on SwiftShader (webgpu-kernels.test.ts); larger ranks take the G-stored kernels. */
export const STEP_MAX_RANK = 256;
const WG = 256;

/** G = H o (BA - C), one thread per entry (flat dispatch; tfjs folds it to 2-D past 65535 groups). */
function gProgram(m: number, n: number): WebGPUProgram {
  return {
    variableNames: ['B', 'A', 'C', 'hv', 'kv'],
    outputShape: [m, n],
    shaderKey: 'loracheck_quadratic_g',
    dispatchLayout: { x: [0, 1] },
    dispatch: [Math.ceil((m * n) / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    size: true,
    uniforms: 'n : i32, r : i32,',
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let i = index / uniforms.n;
          let j = index - i * uniforms.n;
          var w = 0.0;
          for (var q = 0; q < uniforms.r; q = q + 1) {
            w = w + B[i * uniforms.r + q] * A[q * uniforms.n + j];
          }
          result[index] = 4.0 * hv[i] * kv[j] * (w - C[index]);
        }
      }`,
  };
}

/** Floats of workgroup memory a kernel may use: WebGPU's default maxComputeWorkgroupStorageSize, 16 KB. */
const WG_FLOATS = 4096;

/** Threads a row in LoracheckQuadraticRowStep: 128 for long rows when the r + 2 sums of 128 threads
 *  fit in one round (r <= 30), else 64 (SwiftShader pays for every barrier round). */
const rowStepThreads = (n: number, r: number): number => (n >= 2048 && (r + 2) * 128 <= WG_FLOATS ? 128 : 64);

/** One tree over the WGS threads of the first `count` arrays of `red` (log2 WGS barrier rounds). */
const treeOf = (WGS: number, count: number): string => `
        for (var s = ${WGS / 2}; s > 0; s = s >> 1) {
          if (t < s) {
            for (var v = 0; v < ${count}; v = v + 1) { red[v * ${WGS} + t] = red[v * ${WGS} + t] + red[v * ${WGS} + t + s]; }
          }
          workgroupBarrier();
        }`;

/** Row i of the adapters' step, G never stored: result = [loss terms (m) | ||G||^2 rows (m) |
 *  G A^T (m x r)]. Each thread keeps r partial sums of G A^T in registers; the r + 2 sums are
 *  reduced by trees over the threads, as many together as 16 KB of workgroup memory holds
 *  (WG_FLOATS / threads: 64 at 64 threads). Up to r = 62 that is one round, the loss and ||G||^2
 *  sums with all r columns; above, the first round takes them with the first 62 columns and each
 *  further round the next 64 (the same tree for every sum, so the rounds change no result). */
export function rowStepProgram(m: number, n: number, r: number, rows = rowStepRows(m, r)): WebGPUProgram {
  const WGS = rowStepThreads(n, r);
  const shared = rowStepShared(m, r, WGS);
  if (shared > 0) return rowStepSharedProgram(m, n, r, WGS, shared);
  if (rows > 1) return rowStepRowsProgram(m, n, r, WGS, rows);
  const K = WG_FLOATS / WGS;
  const q1 = Math.min(r, K - 2);
  const V = q1 + 2;
  const rounds: string[] = [];
  for (let qa = q1; qa < r; qa += K) {
    const qb = Math.min(r, qa + K);
    rounds.push(`
        workgroupBarrier();
        for (var q = ${qa}; q < ${qb}; q = q + 1) { red[(q - ${qa}) * ${WGS} + t] = acc[q]; }
        workgroupBarrier();${treeOf(WGS, qb - qa)}
        if (t == 0) {
          for (var q = ${qa}; q < ${qb}; q = q + 1) { result[2 * m + i * ${r} + q] = red[(q - ${qa}) * ${WGS}]; }
        }`);
  }
  return {
    variableNames: ['B', 'A', 'C', 'hv', 'kv'],
    outputShape: [2 * m + m * r],
    shaderKey: `loracheck_quadratic_rowstep_${r}_${WGS}`,
    dispatchLayout: { x: [0] },
    dispatch: [m, 1, 1],
    workgroupSize: [WGS, 1, 1],
    uniforms: 'm : i32, n : i32,',
    getUserCode: () => `
      var<workgroup> red : array<f32, ${V * WGS}>;
      fn main(index : i32) {
        let i = i32(workgroupId.x);
        let t = i32(localId.x);
        let n = uniforms.n;
        let m = uniforms.m;
        var b : array<f32, ${r}>;
        var acc : array<f32, ${r}>;
        var aj : array<f32, ${r}>;
        for (var q = 0; q < ${r}; q = q + 1) {
          b[q] = B[i * ${r} + q];
          acc[q] = 0.0;
        }
        var sJ = 0.0;
        var sG = 0.0;
        let hi = 4.0 * hv[i];
        for (var j = t; j < n; j = j + ${WGS}) {
          var w = 0.0;
          for (var q = 0; q < ${r}; q = q + 1) {
            aj[q] = A[q * n + j];
            w = w + b[q] * aj[q];
          }
          let H = hi * kv[j];
          let g = H * (w - C[i * n + j]);
          let g2 = g * g;
          sJ = sJ + g2 / H;
          sG = sG + g2;
          for (var q = 0; q < ${r}; q = q + 1) { acc[q] = acc[q] + g * aj[q]; }
        }
        red[t] = sJ;
        red[${WGS} + t] = sG;
        for (var q = 0; q < ${q1}; q = q + 1) { red[(2 + q) * ${WGS} + t] = acc[q]; }
        workgroupBarrier();${treeOf(WGS, V)}
        if (t == 0) {
          result[i] = 0.5 * red[0];
          result[m + i] = red[${WGS}];
          for (var q = 0; q < ${q1}; q = q + 1) { result[2 * m + i * ${r} + q] = red[(2 + q) * ${WGS}]; }
        }${rounds.join('')}
      }`,
  };
}

/** A power of two from the environment variable `name` (a tuning knob of the bench), else `fallback`. */
function knob(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v >= 1 && v <= 16 && (v & (v - 1)) === 0 ? v : fallback;
}

/** Rows of C a workgroup of LoracheckQuadraticRowStep takes (a power of two dividing m): each
 *  thread then reads its r entries of A's column once for all of them (the kernel was bound by
 *  those reads at 8192 x 8192, r = 32: about 6.5 TB/s from L2 on an H200). Each row's sums are
 *  those of the one-row kernel, bit for bit (same columns a thread, same order, same tree).
 *  `LORACHECK_ROWSTEP_ROWS` overrides the default (bench tuning). */
function rowStepRows(m: number, r: number): number {
  let R = knob('LORACHECK_ROWSTEP_ROWS', ROWSTEP_ROWS_DEFAULT(r));
  while (R > 1 && m % R !== 0) R >>= 1;
  return R;
}
/** Measured on an H200 (2026-11-27, train's step rate on the direct path, 1000 steps; rows x
 *  columns of the two knobs): 8192 x 8192, r = 32: 1x1 407, 2x1 477, 2x2 484, 4x1 329, 8x1 169
 *  steps/s; 4096 x 4096, r = 16: 1x1 1584, 2x1 1904, 2x2 2085, 4x2 2017; 8192 x 8192, r = 64:
 *  1x1 197, 2x1 130, 1x2 185 (more registers than the GPU keeps). So two rows up to r = 32. */
const ROWSTEP_ROWS_DEFAULT = (r: number): number => (r <= 32 ? 2 : 1);

/** The row kernel over `R` rows a workgroup (rowStepRows): A's column entries loaded once per
 *  column, the R rows' loops and reductions unrolled one after another. */
function rowStepRowsProgram(m: number, n: number, r: number, WGS: number, R: number): WebGPUProgram {
  const K = WG_FLOATS / WGS;
  const q1 = Math.min(r, K - 2);
  const V = q1 + 2;
  const rowLoop = (p: number) => `
          {
            var w = 0.0;
            for (var q = 0; q < ${r}; q = q + 1) { w = w + b[${p * r} + q] * aj[q]; }
            let H = hi${p} * kj;
            let g = H * (w - C[(i0 + ${p}) * n + j]);
            let g2 = g * g;
            sJ${p} = sJ${p} + g2 / H;
            sG${p} = sG${p} + g2;
            for (var q = 0; q < ${r}; q = q + 1) { acc[${p * r} + q] = acc[${p * r} + q] + g * aj[q]; }
          }`;
  const reduce = (p: number) => {
    const rounds: string[] = [];
    for (let qa = q1; qa < r; qa += K) {
      const qb = Math.min(r, qa + K);
      rounds.push(`
        workgroupBarrier();
        for (var q = ${qa}; q < ${qb}; q = q + 1) { red[(q - ${qa}) * ${WGS} + t] = acc[${p * r} + q]; }
        workgroupBarrier();${treeOf(WGS, qb - qa)}
        if (t == 0) {
          for (var q = ${qa}; q < ${qb}; q = q + 1) { result[2 * m + (i0 + ${p}) * ${r} + q] = red[(q - ${qa}) * ${WGS}]; }
        }`);
    }
    return `${p > 0 ? `
        workgroupBarrier();` : ''}
        red[t] = sJ${p};
        red[${WGS} + t] = sG${p};
        for (var q = 0; q < ${q1}; q = q + 1) { red[(2 + q) * ${WGS} + t] = acc[${p * r} + q]; }
        workgroupBarrier();${treeOf(WGS, V)}
        if (t == 0) {
          result[i0 + ${p}] = 0.5 * red[0];
          result[m + i0 + ${p}] = red[${WGS}];
          for (var q = 0; q < ${q1}; q = q + 1) { result[2 * m + (i0 + ${p}) * ${r} + q] = red[(2 + q) * ${WGS}]; }
        }${rounds.join('')}`;
  };
  const rows = [...Array(R).keys()];
  return {
    variableNames: ['B', 'A', 'C', 'hv', 'kv'],
    outputShape: [2 * m + m * r],
    shaderKey: `loracheck_quadratic_rowstep_${r}_${WGS}_x${R}`,
    dispatchLayout: { x: [0] },
    dispatch: [m / R, 1, 1],
    workgroupSize: [WGS, 1, 1],
    uniforms: 'm : i32, n : i32,',
    getUserCode: () => `
      var<workgroup> red : array<f32, ${V * WGS}>;
      fn main(index : i32) {
        let i0 = i32(workgroupId.x) * ${R};
        let t = i32(localId.x);
        let n = uniforms.n;
        let m = uniforms.m;
        var b : array<f32, ${R * r}>;
        var acc : array<f32, ${R * r}>;
        var aj : array<f32, ${r}>;
        for (var q = 0; q < ${R * r}; q = q + 1) {
          b[q] = B[i0 * ${r} + q];
          acc[q] = 0.0;
        }${rows.map((p) => `
        var sJ${p} = 0.0;
        var sG${p} = 0.0;
        let hi${p} = 4.0 * hv[i0 + ${p}];`).join('')}
        for (var j = t; j < n; j = j + ${WGS}) {
          for (var q = 0; q < ${r}; q = q + 1) { aj[q] = A[q * n + j]; }
          let kj = kv[j];${rows.map(rowLoop).join('')}
        }${rows.map(reduce).join('')}
      }`,
  };
}

/** Rows a workgroup of the row kernel takes with A's column tiles in workgroup memory
 *  (`LORACHECK_ROWSTEP_SHARED`, a bench knob; 0: off, the default until a GPU has timed it):
 *  each tile of A (r x T columns, T the threads of a row) is read from memory once for all the
 *  workgroup's rows instead of once per row. Applies where R T <= 256 threads, r T <= 4096 floats
 *  and R divides m; each row's sums stay the one-row kernel's, bit for bit (same columns a
 *  thread, same order, same trees). */
function rowStepShared(m: number, r: number, T: number): number {
  let R = knob('LORACHECK_ROWSTEP_SHARED', 0);
  if (R === 0 || r * T > WG_FLOATS) return 0;
  while (R > 1 && (m % R !== 0 || R * T > 256)) R >>= 1;
  return R;
}

/** The row kernel with `R` rows a workgroup of R x T threads, A read in tiles of T columns
 *  through workgroup memory (rowStepShared); the rows' reductions one after another in the same
 *  memory afterwards. */
function rowStepSharedProgram(m: number, n: number, r: number, T: number, R: number): WebGPUProgram {
  const K = WG_FLOATS / T;
  const q1 = Math.min(r, K - 2);
  const V = q1 + 2;
  const tree = (pp: number, count: number) => `
        for (var s = ${T / 2}; s > 0; s = s >> 1) {
          if (p == ${pp} && t < s) {
            for (var v = 0; v < ${count}; v = v + 1) { sh[v * ${T} + t] = sh[v * ${T} + t] + sh[v * ${T} + t + s]; }
          }
          workgroupBarrier();
        }`;
  const reduce = (pp: number) => {
    const rounds: string[] = [];
    for (let qa = q1; qa < r; qa += K) {
      const qb = Math.min(r, qa + K);
      rounds.push(`
        if (p == ${pp}) {
          for (var q = ${qa}; q < ${qb}; q = q + 1) { sh[(q - ${qa}) * ${T} + t] = acc[q]; }
        }
        workgroupBarrier();${tree(pp, qb - qa)}
        if (p == ${pp} && t == 0) {
          for (var q = ${qa}; q < ${qb}; q = q + 1) { result[2 * m + i * ${r} + q] = sh[(q - ${qa}) * ${T}]; }
        }
        workgroupBarrier();`);
    }
    return `
        if (p == ${pp}) {
          sh[t] = sJ;
          sh[${T} + t] = sG;
          for (var q = 0; q < ${q1}; q = q + 1) { sh[(2 + q) * ${T} + t] = acc[q]; }
        }
        workgroupBarrier();${tree(pp, V)}
        if (p == ${pp} && t == 0) {
          result[i] = 0.5 * sh[0];
          result[m + i] = sh[${T}];
          for (var q = 0; q < ${q1}; q = q + 1) { result[2 * m + i * ${r} + q] = sh[(2 + q) * ${T}]; }
        }
        workgroupBarrier();${rounds.join('')}`;
  };
  return {
    variableNames: ['B', 'A', 'C', 'hv', 'kv'],
    outputShape: [2 * m + m * r],
    shaderKey: `loracheck_quadratic_rowstep_${r}_${T}_s${R}`,
    dispatchLayout: { x: [0] },
    dispatch: [m / R, 1, 1],
    workgroupSize: [R * T, 1, 1],
    uniforms: 'm : i32, n : i32,',
    getUserCode: () => `
      var<workgroup> sh : array<f32, ${WG_FLOATS}>;
      fn main(index : i32) {
        let lid = i32(localId.x);
        let p = lid / ${T};
        let t = lid - p * ${T};
        let i = i32(workgroupId.x) * ${R} + p;
        let n = uniforms.n;
        let m = uniforms.m;
        var b : array<f32, ${r}>;
        var acc : array<f32, ${r}>;
        for (var q = 0; q < ${r}; q = q + 1) {
          b[q] = B[i * ${r} + q];
          acc[q] = 0.0;
        }
        var sJ = 0.0;
        var sG = 0.0;
        let hi = 4.0 * hv[i];
        for (var j0 = 0; j0 < n; j0 = j0 + ${T}) {
          for (var e = lid; e < ${r * T}; e = e + ${R * T}) {
            let q = e / ${T};
            let jj = j0 + e - q * ${T};
            if (jj < n) { sh[e] = A[q * n + jj]; }
          }
          workgroupBarrier();
          let j = j0 + t;
          if (j < n) {
            var w = 0.0;
            for (var q = 0; q < ${r}; q = q + 1) { w = w + b[q] * sh[q * ${T} + t]; }
            let H = hi * kv[j];
            let g = H * (w - C[i * n + j]);
            let g2 = g * g;
            sJ = sJ + g2 / H;
            sG = sG + g2;
            for (var q = 0; q < ${r}; q = q + 1) { acc[q] = acc[q] + g * sh[q * ${T} + t]; }
          }
          workgroupBarrier();
        }${[...Array(R).keys()].map(reduce).join('')}
      }`,
  };
}

/** Rows per chunk of the B^T G partials: at least 64, and 4 r (the partials then take at most a quarter of C's size). */
export const chunkRows = (r: number): number => Math.max(64, 4 * r);

/** Partial sums of B^T G over chunks of rows, G recomputed from C: result[s, q, j] = sum_{i in chunk s} B_iq G_ij.
 *  One thread per (chunk, column): A's column in registers, B's rows read by all threads alike. */
export function colPartialsProgram(m: number, n: number, r: number, cols = colPartialsCols(n, r)): WebGPUProgram {
  const R = chunkRows(r);
  const S = Math.ceil(m / R);
  if (cols > 1) return colPartialsColsProgram(m, n, r, R, S, cols);
  return {
    variableNames: ['B', 'A', 'C', 'hv', 'kv'],
    outputShape: [S * r * n],
    shaderKey: `loracheck_quadratic_colpartials_${r}_${R}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil((S * n) / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    uniforms: 'm : i32, n : i32, S : i32,',
    getUserCode: () => `
      fn main(index : i32) {
        let n = uniforms.n;
        if (index >= uniforms.S * n) { return; }
        let s = index / n;
        let j = index - s * n;
        var a : array<f32, ${r}>;
        var acc : array<f32, ${r}>;
        for (var q = 0; q < ${r}; q = q + 1) {
          a[q] = A[q * n + j];
          acc[q] = 0.0;
        }
        let kj = 4.0 * kv[j];
        let end = min(uniforms.m, (s + 1) * ${R});
        for (var i = s * ${R}; i < end; i = i + 1) {
          var w = 0.0;
          for (var q = 0; q < ${r}; q = q + 1) { w = w + B[i * ${r} + q] * a[q]; }
          let g = (kj * hv[i]) * (w - C[i * n + j]);
          for (var q = 0; q < ${r}; q = q + 1) { acc[q] = acc[q] + B[i * ${r} + q] * g; }
        }
        for (var q = 0; q < ${r}; q = q + 1) { result[(s * ${r} + q) * n + j] = acc[q]; }
      }`,
  };
}

/** Columns a thread of LoracheckQuadraticColPartials takes (a power of two dividing n): the row's
 *  r entries of B are then read once for all of them. Each column's sums are those of the
 *  one-column kernel, bit for bit. `LORACHECK_COLPART_COLS` overrides the default (bench tuning). */
function colPartialsCols(n: number, r: number): number {
  let c = knob('LORACHECK_COLPART_COLS', COLPART_COLS_DEFAULT(r));
  while (c > 1 && n % c !== 0) c >>= 1;
  return c;
}
/** Two columns up to r = 32 (measured beside ROWSTEP_ROWS_DEFAULT). */
const COLPART_COLS_DEFAULT = (r: number): number => (r <= 32 ? 2 : 1);

/** The B^T G partials with `CJ` columns a thread, n / CJ apart (so that a warp's loads stay
 *  consecutive): B's row in registers once per row for all of them. */
function colPartialsColsProgram(m: number, n: number, r: number, R: number, S: number, CJ: number): WebGPUProgram {
  const N = n / CJ;
  const cs = [...Array(CJ).keys()];
  return {
    variableNames: ['B', 'A', 'C', 'hv', 'kv'],
    outputShape: [S * r * n],
    shaderKey: `loracheck_quadratic_colpartials_${r}_${R}_x${CJ}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil((S * N) / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    uniforms: 'm : i32, n : i32, S : i32,',
    getUserCode: () => `
      fn main(index : i32) {
        let n = uniforms.n;
        if (index >= uniforms.S * ${N}) { return; }
        let s = index / ${N};
        let jt = index - s * ${N};
        var a : array<f32, ${CJ * r}>;
        var acc : array<f32, ${CJ * r}>;
        var b : array<f32, ${r}>;${cs.map((c) => `
        let j${c} = jt + ${c * N};
        let kj${c} = 4.0 * kv[j${c}];
        for (var q = 0; q < ${r}; q = q + 1) {
          a[${c * r} + q] = A[q * n + j${c}];
          acc[${c * r} + q] = 0.0;
        }`).join('')}
        let end = min(uniforms.m, (s + 1) * ${R});
        for (var i = s * ${R}; i < end; i = i + 1) {
          for (var q = 0; q < ${r}; q = q + 1) { b[q] = B[i * ${r} + q]; }
          let hi = hv[i];${cs.map((c) => `
          {
            var w = 0.0;
            for (var q = 0; q < ${r}; q = q + 1) { w = w + b[q] * a[${c * r} + q]; }
            let g = (kj${c} * hi) * (w - C[i * n + j${c}]);
            for (var q = 0; q < ${r}; q = q + 1) { acc[${c * r} + q] = acc[${c * r} + q] + b[q] * g; }
          }`).join('')}
        }${cs.map((c) => `
        for (var q = 0; q < ${r}; q = q + 1) { result[(s * ${r} + q) * n + j${c}] = acc[${c * r} + q]; }`).join('')}
      }`,
  };
}

/** result[e] = sum_s X[s * size + e]: the chunks' partials summed, one thread per entry. */
export function sumChunksProgram(size: number, S: number, shape: number[]): WebGPUProgram {
  return {
    variableNames: ['X'],
    outputShape: shape,
    shaderKey: `loracheck_sum_chunks_${S}`,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    size: true,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          var acc = 0.0;
          for (var s = 0; s < ${S}; s = s + 1) { acc = acc + X[s * uniforms.size + index]; }
          result[index] = acc;
        }
      }`,
  };
}

/** G = H o (W - C), one thread per entry. */
function gwProgram(m: number, n: number): WebGPUProgram {
  return {
    variableNames: ['W', 'C', 'hv', 'kv'],
    outputShape: [m, n],
    shaderKey: 'loracheck_quadratic_gw',
    dispatchLayout: { x: [0, 1] },
    dispatch: [Math.ceil((m * n) / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    size: true,
    uniforms: 'n : i32,',
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let i = index / uniforms.n;
          let j = index - i * uniforms.n;
          result[index] = 4.0 * hv[i] * kv[j] * (W[index] - C[index]);
        }
      }`,
  };
}

/** Row i -> result[i] = 1/2 sum_j G_ij^2 / H_ij, result[m + i] = sum_j G_ij^2 (one workgroup per row;
 *  64 threads for short rows, where a wide workgroup only adds barrier rounds). */
function rowsProgram(m: number, n: number): WebGPUProgram {
  const WG = n >= 2048 ? 256 : 64;
  return {
    variableNames: ['G', 'hv', 'kv'],
    outputShape: [2 * m],
    shaderKey: `loracheck_quadratic_rows_${WG}`,
    dispatchLayout: { x: [0] },
    dispatch: [m, 1, 1],
    workgroupSize: [WG, 1, 1],
    uniforms: 'm : i32, n : i32,',
    getUserCode: () => `
      var<workgroup> s0 : array<f32, ${WG}>;
      var<workgroup> s1 : array<f32, ${WG}>;
      fn main(index : i32) {
        let i = i32(workgroupId.x);
        let t = i32(localId.x);
        var a0 = 0.0;
        var a1 = 0.0;
        let hi = 4.0 * hv[i];
        for (var j = t; j < uniforms.n; j = j + ${WG}) {
          let g = G[i * uniforms.n + j];
          let g2 = g * g;
          a0 = a0 + g2 / (hi * kv[j]);
          a1 = a1 + g2;
        }
        s0[t] = a0;
        s1[t] = a1;
        workgroupBarrier();
        for (var s = ${WG / 2}; s > 0; s = s >> 1) {
          if (t < s) {
            s0[t] = s0[t] + s0[t + s];
            s1[t] = s1[t] + s1[t + s];
          }
          workgroupBarrier();
        }
        if (t == 0) {
          result[i] = 0.5 * s0[0];
          result[uniforms.m + i] = s1[0];
        }
      }`,
  };
}

function register(tf: TF): void {
  registerWebgpuKernel(tf, G_KERNEL, ({ B, A, C, h, k }) => {
    const [m, n] = C!.shape as [number, number];
    return { program: gProgram(m, n), inputs: [B!, A!, C!, h!, k!], uniforms: [{ type: 'int32', data: [n] }, { type: 'int32', data: [B!.shape[1]!] }] };
  });
  registerWebgpuKernel(tf, ROWSTEP_KERNEL, ({ B, A, C, h, k }) => {
    const [m, n] = C!.shape as [number, number];
    return { program: rowStepProgram(m, n, B!.shape[1]!), inputs: [B!, A!, C!, h!, k!], uniforms: [{ type: 'int32', data: [m] }, { type: 'int32', data: [n] }] };
  });
  registerWebgpuKernel(tf, COLPART_KERNEL, ({ B, A, C, h, k }) => {
    const [m, n] = C!.shape as [number, number];
    const r = B!.shape[1]!;
    const S = Math.ceil(m / chunkRows(r));
    return { program: colPartialsProgram(m, n, r), inputs: [B!, A!, C!, h!, k!], uniforms: [{ type: 'int32', data: [m] }, { type: 'int32', data: [n] }, { type: 'int32', data: [S] }] };
  });
  registerWebgpuKernel(tf, SUMCHUNKS_KERNEL, ({ X }, attrs) => {
    const shape = (attrs as { shape: number[] }).shape;
    const size = shape.reduce((a, b) => a * b, 1);
    return { program: sumChunksProgram(size, X!.shape[0]! / size, shape), inputs: [X!] };
  });
  registerWebgpuKernel(tf, GW_KERNEL, ({ W, C, h, k }) => {
    const [m, n] = C!.shape as [number, number];
    return { program: gwProgram(m, n), inputs: [W!, C!, h!, k!], uniforms: [{ type: 'int32', data: [n] }] };
  });
  registerWebgpuKernel(tf, ROWS_KERNEL, ({ G, h, k }) => {
    const [m, n] = G!.shape as [number, number];
    return { program: rowsProgram(m, n), inputs: [G!, h!, k!], uniforms: [{ type: 'int32', data: [m] }, { type: 'int32', data: [n] }] };
  });
}

/** Whether the fused kernels apply: the active backend is webgpu (and they are not turned off). */
export function quadraticKernelsAvailable(tf: TF): boolean {
  return tf.getBackend() === 'webgpu' && customKernelsEnabled();
}

/**
 * G and the row vector [per-row loss terms | per-row ||G||^2 partials] (2m entries) of
 * 1/2 ||BA - C||_H^2, with H_ij = 4 h_i k_j. Call inside tf.tidy, with the webgpu backend active.
 */
export function quadraticStepWebgpu(tf: TF, B: Tensor2D, A: Tensor2D, C: Tensor2D, h: Tensor1D, k: Tensor1D): { G: Tensor2D; rows: Tensor1D } {
  register(tf);
  const m = C.shape[0];
  const G = tf.engine().runKernel(G_KERNEL, { B, A, C, h, k } as never, {}) as Tensor2D;
  const rows = tf.engine().runKernel(ROWS_KERNEL, { G, h, k } as never, {}) as Tensor;
  return { G, rows: tf.reshape(rows, [2 * m]) as Tensor1D };
}

/** The same as quadraticStepWebgpu from W itself. Call inside tf.tidy, with the webgpu backend active. */
export function quadraticStepFromWWebgpu(tf: TF, W: Tensor2D, C: Tensor2D, h: Tensor1D, k: Tensor1D): { G: Tensor2D; rows: Tensor1D } {
  register(tf);
  const m = C.shape[0];
  const G = tf.engine().runKernel(GW_KERNEL, { W, C, h, k } as never, {}) as Tensor2D;
  const rows = tf.engine().runKernel(ROWS_KERNEL, { G, h, k } as never, {}) as Tensor;
  return { G, rows: tf.reshape(rows, [2 * m]) as Tensor1D };
}

/** result[e] = sum_s X[s * size + e] over the S = X.size / size chunks (LoracheckSumChunks). Call inside tf.tidy. */
export function sumChunksWebgpu(tf: TF, X: Tensor1D, shape: number[]): Tensor {
  register(tf);
  return tf.engine().runKernel(SUMCHUNKS_KERNEL, { X } as never, { shape } as never) as Tensor;
}

/**
 * The adapters' step without storing G: [loss terms | ||G||^2 rows] (2m entries, a slice of the row
 * kernel's output: `rows` with offset 0), grad_B = G A^T (m x r) and grad_A = B^T G (r x n), in
 * three passes: LoracheckQuadraticRowStep over C by rows, LoracheckQuadraticColPartials over C by
 * columns (chunks of rows), LoracheckSumChunks over the small partials. Call inside tf.tidy, with
 * the webgpu backend active and r <= STEP_MAX_RANK.
 */
export function quadraticAdapterStepWebgpu(tf: TF, B: Tensor2D, A: Tensor2D, C: Tensor2D, h: Tensor1D, k: Tensor1D): { rows: Tensor1D; gB: Tensor2D; gA: Tensor2D } {
  register(tf);
  const [m, n] = C.shape;
  const r = B.shape[1];
  const out = tf.engine().runKernel(ROWSTEP_KERNEL, { B, A, C, h, k } as never, {}) as Tensor1D;
  const parts = tf.engine().runKernel(COLPART_KERNEL, { B, A, C, h, k } as never, {}) as Tensor1D;
  const gA = tf.engine().runKernel(SUMCHUNKS_KERNEL, { X: parts } as never, { shape: [r, n] } as never) as Tensor2D;
  return { rows: out, gB: tf.reshape(tf.slice(out, [2 * m], [m * r]), [m, r]) as Tensor2D, gA };
}
