/**
 * The LoRA step on the quadratic (full batch, one adapter pair) dispatched straight on Dawn's
 * GPUDevice instead of through tfjs-backend-webgpu: the trainer's own WGSL (the programs of
 * workloads/quadratic-webgpu.ts and step-webgpu.ts, their getUserCode verbatim; only tfjs'
 * preamble, bindings and uniform struct are rebuilt here, shaderOf), with pipelines, buffers and
 * bind groups made ONCE and up to `maxBatch` steps encoded into one compute pass and one
 * queue.submit. Each step's record [J terms | ||V||^2 rows | ||G||^2 rows | ||grad J||^2 rows |
 * eta] (the layout of step-webgpu.ts' record kernel) and, where asked, its ||W_t - W*||^2 rows
 * go into the step's slot of one GPU buffer, copied to a mappable buffer and read back once per
 * batch; the caller sums them in float64 (trainer.ts unpack).
 *
 * Why: each dispatch through tfjs costs about 0.1 ms of host work (bench/webgpu-profile.ts),
 * more than the GPU time of the whole step at 4096 x 4096, r = 16. The trainer takes this path
 * where it applies (directApplies); bench/webgpu-direct.ts compares its records with the tfjs
 * path's and times both.
 *
 * One step, 7 dispatches (8 with the distance rows):
 *   rowstep      [loss terms | ||G||^2 rows | G A^T]  (LoracheckQuadraticRowStep)
 *   colpartials  B^T G over chunks of rows            (LoracheckQuadraticColPartials)
 *   sumchunks    grad_A = the chunks summed           (LoracheckSumChunks)
 *   rowsquares   rows of B, A, grad_B, grad_A squared (LoracheckRowSquares)
 *   record       the record and eta, into the step's slot (LoracheckStepRecord)
 *   distance     rows of ||BA - C||^2 (small runs: train-common.ts recordsDistance)
 *   update x 2   B, A <- B, A - eta grad  (3), ping-pong buffers (LoracheckStepUpdate)
 *   decrease     rows of dJ = J(V_{t+1}) - J(V_t) and of its rounding bound, from both parities'
 *                iterates (train --decrease: decreaseProgram)
 */
import { gamma32 } from './decrease-tf.ts';
import { check, DawnKit, directBatches, DIRECT_MAX_BATCH, offsetAlignment, type DirectStep, type DirectStepInputs, type GPUBuffer, type GPUDevice, type Kernel, type Range } from './direct-dawn.ts';
import { recordProgram, recordUniforms, rowsProgram, updateProgram, type CopyPlan } from './step-webgpu.ts';
import { customKernelsEnabled, type WebGPUProgram } from './webgpu-kernels.ts';
import { chunkRows, colPartialsProgram, rowStepProgram, STEP_MAX_RANK, sumChunksProgram } from './workloads/quadratic-webgpu.ts';

/** Why the direct step cannot run m x n, rank r on this device, or undefined when it can. */
export function directUnsupported(device: GPUDevice | undefined, m: number, n: number, r: number): string | undefined {
  if (!device) return 'not on webgpu';
  if (!customKernelsEnabled()) return 'custom kernels off (LORACHECK_WEBGPU_KERNELS=0)';
  if (r > STEP_MAX_RANK) return `r = ${r} > ${STEP_MAX_RANK}`;
  const align = offsetAlignment(device);
  if ((2 * m * 4) % align !== 0) return `m = ${m}: grad_B's offset in the row kernel's output (${8 * m} bytes) is not a multiple of ${align}`;
  if (2 * m + 2 * r > 65535 || m > 65535) return `m = ${m}: more rows than one dispatch has workgroups`;
  if (n < 1) return 'n = 0';
  return undefined;
}

const DIST_WG = 64;

/** Row i of ||BA - C||^2, one workgroup per row (train-common.ts distanceRows on W = BA, W* = C). */
function distanceProgram(m: number, n: number, r: number): WebGPUProgram {
  return {
    variableNames: ['B', 'A', 'C'],
    outputShape: [m],
    shaderKey: `loracheck_direct_distance_${m}_${n}_${r}`,
    dispatchLayout: { x: [0] },
    dispatch: [m, 1, 1],
    workgroupSize: [DIST_WG, 1, 1],
    size: true,
    getUserCode: () => `
      var<workgroup> red : array<f32, ${DIST_WG}>;
      fn main(index : i32) {
        let i = i32(workgroupId.x);
        let t = i32(localId.x);
        var acc = 0.0;
        for (var j = t; j < ${n}; j = j + ${DIST_WG}) {
          var w = 0.0;
          for (var q = 0; q < ${r}; q = q + 1) { w = w + B[i * ${r} + q] * A[q * ${n} + j]; }
          let d = w - C[i * ${n} + j];
          acc = acc + d * d;
        }
        red[t] = acc;
        workgroupBarrier();
        for (var s = ${DIST_WG / 2}; s > 0; s = s >> 1) {
          if (t < s) { red[t] = red[t] + red[t + s]; }
          workgroupBarrier();
        }
        if (t == 0 && i < uniforms.size) { result[i] = red[0]; }
      }`,
  };
}

const DEC_WG = 64;
/** Unit roundoff of float32 (gamma_k of k roundings: decrease-tf.ts gamma32). */
const U32 = 2 ** -24;

/**
 * Row i of dJ = J(V_{t+1}) - J(V_t) and of a bound on its rounding error, from both iterates
 * (B0, A0 = V_t; B1, A1 = V_{t+1}, the stored float32 values), one workgroup per row: with
 * e = W - C, J(V_{t+1}) - J(V_t) = sum_ij 1/2 H_ij d_ij s_ij, d = W_{t+1} - W_t computed from the
 * factors' differences (sum_q (B1 - B0)_iq A1_qj + B0_iq (A1 - A0)_qj, whose terms are as small
 * as the step), s = e_t + e_{t+1}. Each entry's bound (float32 arithmetic, standard bounds
 * gamma_k of k roundings): |d^ - d| <= gamma_{2r+4} Dabs (Dabs: the sum of |terms| of d),
 * |s^ - s| <= gamma_{r+3} (Wabs + 2 |C_ij|) + u |s^| (Wabs: the |terms| of both products BA),
 * the product's two roundings, and the float32 sum of the row's terms (ceil(n / 64) + 6 additions
 * a term passes through), all as multiples of |term|: (ceil(n/64) + 10) u |term|. Summed over
 * the row, the bound is what J's own resolution cannot give: it scales with the step, not with J.
 * result = [dJ rows (m) | bound rows (m)]; the host sums both in float64 (trainer.ts unpack).
 */
function decreaseProgram(m: number, n: number, r: number): WebGPUProgram {
  const f = (x: number) => x.toExponential(9);
  const G1 = f(gamma32(2 * r + 4));
  const G2 = f(gamma32(r + 3));
  const KU = f((Math.ceil(n / DEC_WG) + 10) * U32);
  return {
    variableNames: ['B0', 'A0', 'B1', 'A1', 'C', 'hv', 'kv'],
    outputShape: [2 * m],
    shaderKey: `loracheck_direct_decrease_${m}_${n}_${r}`,
    dispatchLayout: { x: [0] },
    dispatch: [m, 1, 1],
    workgroupSize: [DEC_WG, 1, 1],
    getUserCode: () => `
      var<workgroup> red : array<f32, ${2 * DEC_WG}>;
      fn main(index : i32) {
        let i = i32(workgroupId.x);
        let t = i32(localId.x);
        var b0 : array<f32, ${r}>;
        var b1 : array<f32, ${r}>;
        var db : array<f32, ${r}>;
        for (var q = 0; q < ${r}; q = q + 1) {
          b0[q] = B0[i * ${r} + q];
          b1[q] = B1[i * ${r} + q];
          db[q] = b1[q] - b0[q];
        }
        let hi = 4.0 * hv[i];
        var sum = 0.0;
        var err = 0.0;
        for (var j = t; j < ${n}; j = j + ${DEC_WG}) {
          var w0 = 0.0;
          var w1 = 0.0;
          var wa = 0.0;
          var d = 0.0;
          var da = 0.0;
          for (var q = 0; q < ${r}; q = q + 1) {
            let x0 = A0[q * ${n} + j];
            let x1 = A1[q * ${n} + j];
            let p0 = b0[q] * x0;
            let p1 = b1[q] * x1;
            w0 = w0 + p0;
            w1 = w1 + p1;
            wa = wa + abs(p0) + abs(p1);
            let u1 = db[q] * x1;
            let u2 = b0[q] * (x1 - x0);
            d = d + (u1 + u2);
            da = da + abs(u1) + abs(u2);
          }
          let c = C[i * ${n} + j];
          let s = (w0 - c) + (w1 - c);
          let H = hi * kv[j];
          let term = 0.5 * H * d * s;
          sum = sum + term;
          err = err + 0.5 * H * (${G1} * da * abs(s) + (abs(d) + ${G1} * da) * (${G2} * (wa + 2.0 * abs(c)) + ${f(U32)} * abs(s))) + ${KU} * abs(term);
        }
        red[t] = sum;
        red[${DEC_WG} + t] = err;
        workgroupBarrier();
        for (var k = ${DEC_WG / 2}; k > 0; k = k >> 1) {
          if (t < k) {
            red[t] = red[t] + red[t + k];
            red[${DEC_WG} + t] = red[${DEC_WG} + t] + red[${DEC_WG} + t + k];
          }
          workgroupBarrier();
        }
        if (t == 0) {
          result[i] = red[0];
          result[${m} + i] = red[${DEC_WG}];
        }
      }`,
  };
}

interface DirectInputs extends DirectStepInputs {
  m: number;
  n: number;
  r: number;
  /** The quadratic's W* = C (m x n) and its levels h (m), k (n): H_ij = 4 h_i k_j (workloads/quadratic.ts). */
  C: Float32Array;
  h: Float32Array;
  k: Float32Array;
  /** Also the rows of ||W_t - C||^2 after each record. */
  distance: boolean;
  /** Also the rows of dJ = J(V_{t+1}) - J(V_t) and of its error bound after each step (decreaseProgram). */
  decrease?: boolean;
}

export async function makeDirect(device: GPUDevice, x: DirectInputs): Promise<DirectStep> {
  const { m, n, r } = x;
  const why = directUnsupported(device, m, n, r);
  if (why) throw new Error(`direct step: ${why}`);
  const maxBatch = Math.max(1, Math.min(DIRECT_MAX_BATCH, x.maxBatch));
  const align = offsetAlignment(device);
  const kit = new DawnKit(device);

  // the trainer's record layout for one adapter pair (trainer.ts plan; X0 = the row kernel's output, X1 = the row squares)
  const plan: CopyPlan = {
    J: [{ input: 0, from: 0, length: m }],
    full: [],
    V: [{ input: 1, from: 0, length: m }, { input: 1, from: m, length: r }],
    G: [{ input: 0, from: m, length: m }],
    D: [{ input: 1, from: m + r, length: m }, { input: 1, from: 2 * m + r, length: r }],
  };
  const rec = recordProgram(plan, 2, x.rule);
  const total = rec.total; // eta at [total]
  const S = Math.ceil(m / chunkRows(r));
  const { num, c } = recordUniforms(x.rule, x.alpha, x.L);

  let kRow!: Kernel, kCol!: Kernel, kSum!: Kernel, kSq!: Kernel, kRec!: Kernel, kUpB!: Kernel, kUpA!: Kernel;
  let kDist: Kernel | undefined;
  let kDec: Kernel | undefined;
  // a slot: [record (total + 1) | pad | distance rows (m)], both parts at aligned offsets
  const recBytes = Math.ceil(((total + 1) * 4) / align) * align;
  const distBytes = x.distance ? Math.ceil((m * 4) / align) * align : 0;
  const decBytes = x.decrease ? Math.ceil((2 * m * 4) / align) * align : 0;
  const slotBytes = recBytes + distBytes + decBytes;
  const slots = 2 * maxBatch;
  let Cb!: GPUBuffer, hb!: GPUBuffer, kb!: GPUBuffer, Bb!: GPUBuffer[], Ab!: GPUBuffer[], rowOut!: GPUBuffer, parts!: GPUBuffer, gA!: GPUBuffer, sq!: GPUBuffer, records!: GPUBuffer;
  const buffer = (bytes: number) => kit.buffer(bytes);
  const upload = (data: Float32Array) => kit.upload(data);
  const slot = (s: number): Range => ({ buffer: records, offset: s * slotBytes, size: (total + 1) * 4 });
  const distSlot = (s: number): Range => ({ buffer: records, offset: s * slotBytes + recBytes, size: m * 4 });
  const decSlot = (s: number): Range => ({ buffer: records, offset: s * slotBytes + recBytes + distBytes, size: 2 * m * 4 });
  // bind groups: by parity p (B_p, A_p are the iterates read) and record slot s
  type Groups = { row: any; col: any; sum: any; sq: any; rec: any[]; dist: any[]; dec: any[]; upB: any[]; upA: any[] };
  const groups: Groups[] = [];
  const bind = kit.bind.bind(kit);
  let gB!: Range;
  try {
    await check(device, `pipelines at ${m} x ${n}, r = ${r}`, () => {
      kRow = kit.kernel(rowStepProgram(m, n, r), [{ type: 'int32', data: [m] }, { type: 'int32', data: [n] }]);
      kCol = kit.kernel(colPartialsProgram(m, n, r), [{ type: 'int32', data: [m] }, { type: 'int32', data: [n] }, { type: 'int32', data: [S] }]);
      kSum = kit.kernel(sumChunksProgram(r * n, S, [r, n]), []);
      kSq = kit.kernel(rowsProgram([[m, r], [r, n], [m, r], [r, n]]), []);
      // jscale = 1: the quadratic's J is the sum of its row terms
      kRec = kit.kernel(rec.program, [{ type: 'float32', data: [(x.numScale ?? 1) * num] }, { type: 'float32', data: [c] }, { type: 'float32', data: [1] }]);
      kUpB = kit.kernel(updateProgram([m, r]), [{ type: 'int32', data: [total] }]);
      kUpA = kit.kernel(updateProgram([r, n]), [{ type: 'int32', data: [total] }]);
      if (x.distance) kDist = kit.kernel(distanceProgram(m, n, r), []);
      if (x.decrease) kDec = kit.kernel(decreaseProgram(m, n, r), []);
    });
    await check(device, `buffers at ${m} x ${n}, r = ${r}`, () => {
      Cb = upload(x.C);
      hb = upload(x.h);
      kb = upload(x.k);
      Bb = [upload(x.B0), buffer(m * r * 4)];
      Ab = [upload(x.A0), buffer(r * n * 4)];
      rowOut = buffer((2 * m + m * r) * 4);
      parts = buffer(S * r * n * 4);
      gA = buffer(r * n * 4);
      sq = buffer((2 * m + 2 * r) * 4);
      records = buffer(slots * slotBytes); // two halves: a batch in flight while the other is read
    });
    gB = { buffer: rowOut, offset: 2 * m * 4, size: m * r * 4 };
    await check(device, `bind groups at ${m} x ${n}, r = ${r}`, () => {
      for (const p of [0, 1]) {
        const ins = [{ buffer: Bb[p] }, { buffer: Ab[p] }, { buffer: Cb }, { buffer: hb }, { buffer: kb }];
        groups.push({
          row: bind(kRow, { buffer: rowOut }, ins),
          col: bind(kCol, { buffer: parts }, ins),
          sum: bind(kSum, { buffer: gA }, [{ buffer: parts }]),
          sq: bind(kSq, { buffer: sq }, [{ buffer: Bb[p] }, { buffer: Ab[p] }, gB, { buffer: gA }]),
          rec: Array.from({ length: slots }, (_, s) => bind(kRec, slot(s), [{ buffer: rowOut }, { buffer: sq }])),
          dist: kDist ? Array.from({ length: slots }, (_, s) => bind(kDist!, distSlot(s), [{ buffer: Bb[p] }, { buffer: Ab[p] }, { buffer: Cb }])) : [],
          // V_t from parity p, V_{t+1} from the buffers the update just wrote
          dec: kDec ? Array.from({ length: slots }, (_, s) => bind(kDec!, decSlot(s), [{ buffer: Bb[p] }, { buffer: Ab[p] }, { buffer: Bb[1 - p] }, { buffer: Ab[1 - p] }, { buffer: Cb }, { buffer: hb }, { buffer: kb }])) : [],
          upB: Array.from({ length: slots }, (_, s) => bind(kUpB, { buffer: Bb[1 - p] }, [{ buffer: Bb[p] }, gB, slot(s)])),
          upA: Array.from({ length: slots }, (_, s) => bind(kUpA, { buffer: Ab[1 - p] }, [{ buffer: Ab[p] }, { buffer: gA }, slot(s)])),
        });
      }
    });
  } catch (e) {
    kit.destroy();
    throw e;
  }

  let parity = 0; // which of Bb, Ab hold the iterate
  const run = kit.dispatch.bind(kit);
  const batches = directBatches(kit, maxBatch, [{ buffer: records, base: 0, stride: slotBytes }], (pass, at, update) => {
    const G = groups[parity]!;
    run(pass, kRow, G.row);
    run(pass, kCol, G.col);
    run(pass, kSum, G.sum);
    run(pass, kSq, G.sq);
    run(pass, kRec, G.rec[at]);
    if (kDist) run(pass, kDist, G.dist[at]);
    if (update) {
      run(pass, kUpB, G.upB[at]);
      run(pass, kUpA, G.upA[at]);
      if (kDec) run(pass, kDec, G.dec[at]);
      parity = 1 - parity;
    }
  });
  const dec = x.decrease ? 2 * m : 0;
  const recordLength = total + 1 + (x.distance ? m : 0) + dec;
  return {
    recordLength,
    etaIndex: total,
    layout: { J: m, Jscale: 1, V: m + r, G: m, D: m + r, dist: x.distance ? m : 0, dec },
    counts: kit.counts,
    submit: (count: number, updateLast = true) => batches.submit(count, updateLast),
    async read(b) {
      return (await batches.read(b)).map(([vals]) => {
        const out = new Float32Array(recordLength);
        out.set(vals!.subarray(0, total + 1));
        if (x.distance) out.set(vals!.subarray(recBytes / 4, recBytes / 4 + m), total + 1);
        // (the final record's, which takes no step, are stale: unpack ignores them)
        if (dec) out.set(vals!.subarray((recBytes + distBytes) / 4, (recBytes + distBytes) / 4 + dec), total + 1 + (x.distance ? m : 0));
        return out;
      });
    },
    async weights() {
      return { B: await kit.read(Bb[parity], m * r * 4), A: await kit.read(Ab[parity], r * n * 4) };
    },
    destroy: () => kit.destroy(),
  };
}
