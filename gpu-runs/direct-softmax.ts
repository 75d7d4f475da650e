/**
 * The LoRA step of softmax regression (full batch, one adapter pair, W = W0 + BA of C classes x n
 * pixels, the N x n data X held once on the GPU) dispatched straight on Dawn's GPUDevice: the
 * programs of workloads/softmax-webgpu.ts and step-webgpu.ts, the same WGSL the trainer's tfjs
 * path runs (softmaxAdapterStepWebgpu, stepRecordWebgpu, updateWebgpu), with buffers, pipelines
 * and bind groups made once and up to `maxBatch` steps a submit (direct-dawn.ts). The records
 * come back once per batch: eta (8) is computed on the device, so no step waits for the host.
 *
 * One step, 8 dispatches (the tfjs path: 12, and about 0.1 ms of host work each on an H200):
 *   weight        W^T = (W0 + BA)^T, padded (LoracheckSoftmaxWeight)
 *   logits        Z = X W^T by tiles, the loss terms into the step's J slot, dZ
 *                 (LoracheckSoftmaxLogits: one pass over X)
 *   partials      dZ^T X over chunks of rows (LoracheckSoftmaxGradPartials: one pass over X)
 *   sumchunks     G = the chunks summed (LoracheckSumChunks)
 *   adapter       [grad_B = G A^T | grad_A = B^T G] (LoracheckSoftmaxAdapterGrads)
 *   rowsquares    rows of B, A, G, grad_B, grad_A squared (LoracheckRowSquares)
 *   record        ||V||^2, ||G||^2, ||grad J||^2 rows and eta, into the step's slot (LoracheckStepRecord)
 *   update        [B | A] <- [B | A] - eta [grad_B | grad_A]  (3), one dispatch (LoracheckStepUpdate)
 * B and A share a buffer ([B | pad | A], A at an aligned offset), as grad_B and grad_A do, so that
 * one update moves both. The N loss terms of a step are not copied by the record kernel (one
 * workgroup): the logits kernel writes them straight into the step's slot of a second region,
 * which the batch's read-back copies out with the records (the rule adapt2, which sums them on
 * the device, also gives them to the record kernel).
 *
 * Mini-batches (`batch`): X and the labels stay on the GPU as they are; the trainer's batch order
 * (train-common.ts batchIndices: drawn on the host, one batch a step, the same rng stream as the
 * tfjs path) is uploaded once per submit, the indices of the submit's steps in one writeBuffer into
 * their slots of an index buffer, and the logits and partials kernels read their rows through them
 * (no gather pass: that would be one more dispatch a step and a copy of the batch's rows). J terms,
 * dZ and eta's scale are the batch's (1 / batch, rule (8) on the batch quantities, as the tfjs
 * path); on the steps where the trainer evaluates the full-data loss (train-common.ts fullLossAt)
 * one more dispatch, the logits kernel over all of X without dZ, writes its N terms into the step's
 * slot of a third region: 9 dispatches a step (8 where it is not evaluated).
 */
import { check, DawnKit, directBatches, DIRECT_MAX_BATCH, offsetAlignment, type DirectStep, type DirectStepInputs, type GPUBuffer, type GPUDevice, type Kernel, type Range } from './direct-dawn.ts';
import type { Rule } from './rules.ts';
import { RECORD_MAX_SUM, recordProgram, recordUniforms, rowsProgram, updateProgram, type CopyPlan } from './step-webgpu.ts';
import { customKernelsEnabled } from './webgpu-kernels.ts';
import { sumChunksProgram } from './workloads/quadratic-webgpu.ts';
import { adapterGradsProgram, gradPartialsProgram, logitsProgram, paddedClasses, partialRows, SOFTMAX_MAX_CLASSES, SOFTMAX_MAX_RANK, softmaxDispatchGroups, weightProgram } from './workloads/softmax-webgpu.ts';

/** WebGPU's default limit on workgroups along one dispatch dimension. */
const MAX_GROUPS = 65535;

/** Row indices travel as float32 on the direct path (i32(I[k]) in the kernels): exact below 2^24. */
const MAX_INDEXED_ROWS = 2 ** 24;

/** Why the direct step cannot run N x n data, C classes, rank r, this rule and mini-batch size (undefined: full batch)
 *  on the device, or undefined when it can. */
export function softmaxDirectUnsupported(device: GPUDevice | undefined, N: number, n: number, C: number, r: number, rule: Rule, batch?: number): string | undefined {
  if (!device) return 'not on webgpu';
  if (!customKernelsEnabled()) return 'custom kernels off (LORACHECK_WEBGPU_KERNELS=0)';
  if (C > SOFTMAX_MAX_CLASSES) return `${C} classes > ${SOFTMAX_MAX_CLASSES}`;
  if (r > SOFTMAX_MAX_RANK) return `r = ${r} > ${SOFTMAX_MAX_RANK}`;
  if (softmaxDispatchGroups(N, n, C, r) > MAX_GROUPS) return `N = ${N}, n = ${n}: more workgroups than one dispatch dimension has`;
  if (batch !== undefined && N > MAX_INDEXED_ROWS) return `N = ${N} rows: mini-batch indices above 2^24 are not exact as float32`;
  const rows = batch ?? N;
  const most = device.limits?.maxStorageBufferBindingSize ?? 2 ** 27;
  // X; [dZ | J slots] of the rows a step uses; the full-data J slots (mini-batch)
  const biggest = Math.max(N * n, rows * paddedClasses(C) + 2 * DIRECT_MAX_BATCH * (rows + 64), batch === undefined ? 0 : 2 * DIRECT_MAX_BATCH * (N + 64)) * 4;
  if (biggest > most) return `a buffer of ${biggest} bytes is over the device's binding limit (${most})`;
  if (rule.kind === 'adapt2' && rows > RECORD_MAX_SUM) return `adapt2 sums ${rows} loss terms in the record kernel (at most ${RECORD_MAX_SUM})`;
  return undefined;
}

interface SoftmaxDirectInputs extends DirectStepInputs {
  N: number;
  n: number;
  C: number;
  r: number;
  /** The data (N x n), one-hot labels (N x C), the frozen W0 (C x n). */
  X: Float32Array;
  Y: Float32Array;
  W0: Float32Array;
  /** Mini-batches of `size` rows: `next()` gives the rows of each step encoded, in order (the final record's
   *  included); fullAt(t): whether step t also records the full-data loss terms. Absent: full batch. */
  batch?: { size: number; next: () => Int32Array; fullAt: (t: number) => boolean };
}

const alignUp = (bytes: number, align: number): number => Math.ceil(bytes / align) * align;

export async function makeSoftmaxDirect(device: GPUDevice, x: SoftmaxDirectInputs): Promise<DirectStep> {
  const { N, n, C, r } = x;
  const mb = x.batch;
  const why = softmaxDirectUnsupported(device, N, n, C, r, x.rule, mb?.size);
  if (why) throw new Error(`direct softmax step: ${why}`);
  const maxBatch = Math.max(1, Math.min(DIRECT_MAX_BATCH, x.maxBatch));
  const slots = 2 * maxBatch;
  const align = offsetAlignment(device);
  const kit = new DawnKit(device);
  const CP = paddedClasses(C);
  // the rows a step's gradient uses: all N, or the mini-batch's
  const R = mb?.size ?? N;
  const S = Math.ceil(R / partialRows(R));
  // [B | pad | A] and [grad_B | pad | grad_A]: A's offset (floats) aligned for its binding
  const aOff = alignUp(C * r * 4, align) / 4;
  const BAsize = aOff + r * n;
  // the logits kernel's output: [dZ (R x CP) | pad | J slot 0 | J slot 1 | ...], slots aligned
  const jBase = alignUp(R * CP * 4, align) / 4;
  const jStride = alignUp(R * 4, align) / 4;
  // mini-batch: the index slots (R each) and the full-data J slots (N each), aligned
  const iStride = alignUp(R * 4, align) / 4;
  const fStride = alignUp(N * 4, align) / 4;

  // the record as the trainer's tfjs path lays it out, the J terms apart (they have their own region)
  // unless the rule sums them (adapt2); X0 = the row squares [B | A | G | grad_B | grad_A], X1 = the J slot
  const jInRecord = x.rule.kind === 'adapt2';
  const plan: CopyPlan = {
    J: jInRecord ? [{ input: 1, from: 0, length: R }] : [],
    full: [],
    V: [{ input: 0, from: 0, length: C }, { input: 0, from: C, length: r }],
    G: [{ input: 0, from: C + r, length: C }],
    D: [{ input: 0, from: 2 * C + r, length: C }, { input: 0, from: 3 * C + r, length: r }],
  };
  const rec = recordProgram(plan, jInRecord ? 2 : 1, x.rule);
  const total = rec.total; // eta at [total]
  const recBytes = alignUp((total + 1) * 4, align);
  const { num, c } = recordUniforms(x.rule, x.alpha, x.L);
  const invN = 1 / N;
  const invR = 1 / R;

  let kW!: Kernel, kLog!: Kernel, kPart!: Kernel, kSum!: Kernel, kAd!: Kernel, kSq!: Kernel, kRec!: Kernel, kUp!: Kernel, kFull: Kernel | undefined;
  let jU!: GPUBuffer[], fU!: GPUBuffer[];
  let Xb!: GPUBuffer, Yb!: GPUBuffer, W0b!: GPUBuffer, Wt!: GPUBuffer, BA!: GPUBuffer[], Lb!: GPUBuffer, parts!: GPUBuffer, Gb!: GPUBuffer, grads!: GPUBuffer, sq!: GPUBuffer, records!: GPUBuffer;
  let Ib: GPUBuffer | undefined, Fb: GPUBuffer | undefined;
  type Groups = { w: any; ad: any; sq: any; up: any[] };
  const groups: Groups[] = [];
  let gSum: any;
  let gRec!: any[], gLog!: any[], gPart!: any[], gFull!: any[];
  const size = `${N} x ${n}, ${C} classes, r = ${r}${mb ? `, batch ${R}` : ''}`;
  try {
    await check(device, `pipelines at ${size}`, () => {
      kW = kit.kernel(weightProgram(n, C, r), []);
      kLog = kit.kernel(logitsProgram(N, n, C, mb ? { batch: R } : {}), [{ type: 'int32', data: [R * CP] }, { type: 'float32', data: [invR] }]);
      // the J slot of each record slot: one uniform buffer each (jOff)
      jU = Array.from({ length: slots }, (_, s) => kit.uniforms(kLog.program, [{ type: 'int32', data: [jBase + s * jStride] }, { type: 'float32', data: [invR] }]));
      kPart = kit.kernel(gradPartialsProgram(N, n, C, mb?.size), []);
      kSum = kit.kernel(sumChunksProgram(C * n, S, [C, n]), []);
      kAd = kit.kernel(adapterGradsProgram(C, n, r), [{ type: 'int32', data: [aOff] }]);
      kSq = kit.kernel(rowsProgram([[C, r], [r, n], [C, n], [C, r], [r, n]]), []);
      kRec = kit.kernel(rec.program, [{ type: 'float32', data: [(x.numScale ?? 1) * num] }, { type: 'float32', data: [c] }, { type: 'float32', data: [invR] }]);
      kUp = kit.kernel(updateProgram([BAsize]), [{ type: 'int32', data: [total] }]);
      if (mb) {
        // the full-data loss terms (no dZ) into each slot's full-J slot
        const k = (kFull = kit.kernel(logitsProgram(N, n, C, { grad: false }), [{ type: 'int32', data: [0] }, { type: 'float32', data: [invN] }]));
        fU = Array.from({ length: slots }, (_, s) => kit.uniforms(k.program, [{ type: 'int32', data: [s * fStride] }, { type: 'float32', data: [invN] }]));
      }
    });
    await check(device, `buffers at ${size}`, () => {
      Xb = kit.upload(x.X);
      Yb = kit.upload(x.Y);
      W0b = kit.upload(x.W0);
      Wt = kit.buffer(n * CP * 4);
      const BA0 = new Float32Array(BAsize);
      BA0.set(x.B0);
      BA0.set(x.A0, aOff);
      BA = [kit.upload(BA0), kit.buffer(BAsize * 4)];
      Lb = kit.buffer((jBase + slots * jStride) * 4);
      parts = kit.buffer(S * C * n * 4);
      Gb = kit.buffer(C * n * 4);
      grads = kit.buffer(BAsize * 4);
      sq = kit.buffer((3 * C + 2 * r) * 4);
      records = kit.buffer(slots * recBytes);
      if (mb) {
        Ib = kit.buffer(slots * iStride * 4);
        Fb = kit.buffer(slots * fStride * 4);
      }
    });
    const B = (p: number): Range => ({ buffer: BA[p], offset: 0, size: C * r * 4 });
    const A = (p: number): Range => ({ buffer: BA[p], offset: aOff * 4, size: r * n * 4 });
    const slot = (s: number): Range => ({ buffer: records, offset: s * recBytes, size: (total + 1) * 4 });
    const jSlot = (s: number): Range => ({ buffer: Lb, offset: (jBase + s * jStride) * 4, size: R * 4 });
    // a mini-batch step reads its rows through its slot of the index buffer
    const rows = (s: number): Range[] => (Ib ? [{ buffer: Ib, offset: s * iStride * 4, size: R * 4 }] : []);
    const dZ: Range = { buffer: Lb, offset: 0, size: R * CP * 4 };
    await check(device, `bind groups at ${size}`, () => {
      const whole = mb ? undefined : kit.bind(kPart, { buffer: parts }, [dZ, { buffer: Xb }]);
      gPart = Array.from({ length: slots }, (_, s) => whole ?? kit.bind(kPart, { buffer: parts }, [dZ, { buffer: Xb }, ...rows(s)]));
      gSum = kit.bind(kSum, { buffer: Gb }, [{ buffer: parts }]);
      gLog = Array.from({ length: slots }, (_, s) => kit.bind(kLog, { buffer: Lb }, [{ buffer: Xb }, { buffer: Yb }, { buffer: Wt }, ...rows(s)], jU[s]));
      gFull = kFull ? Array.from({ length: slots }, (_, s) => kit.bind(kFull!, { buffer: Fb }, [{ buffer: Xb }, { buffer: Yb }, { buffer: Wt }], fU[s])) : [];
      gRec = Array.from({ length: slots }, (_, s) => kit.bind(kRec, slot(s), jInRecord ? [{ buffer: sq }, jSlot(s)] : [{ buffer: sq }]));
      for (const p of [0, 1])
        groups.push({
          w: kit.bind(kW, { buffer: Wt }, [{ buffer: W0b }, B(p), A(p)]),
          ad: kit.bind(kAd, { buffer: grads }, [{ buffer: Gb }, B(p), A(p)]),
          sq: kit.bind(kSq, { buffer: sq }, [B(p), A(p), { buffer: Gb }, { buffer: grads, offset: 0, size: C * r * 4 }, { buffer: grads, offset: aOff * 4, size: r * n * 4 }]),
          up: Array.from({ length: slots }, (_, s) => kit.bind(kUp, { buffer: BA[1 - p] }, [{ buffer: BA[p] }, { buffer: grads }, slot(s)])),
        });
    });
  } catch (e) {
    kit.destroy();
    throw e;
  }

  let parity = 0; // which of BA holds the iterate
  let tEncoded = 0; // the next step to encode
  const run = kit.dispatch.bind(kit);
  const regions = [
    { buffer: records, base: 0, stride: recBytes },
    { buffer: Lb, base: jBase * 4, stride: jStride * 4 },
    ...(Fb ? [{ buffer: Fb, base: 0, stride: fStride * 4 }] : []),
  ];
  // a mini-batch submit: its steps' row indices (the trainer's order) into their slots, one write
  const prepare = mb
    ? (first: number, count: number) => {
        const host = new Float32Array(count * iStride);
        for (let s = 0; s < count; s++) host.set(mb.next(), s * iStride);
        kit.write(Ib, first * iStride * 4, host);
      }
    : undefined;
  const batches = directBatches(
    kit,
    maxBatch,
    regions,
    (pass, at, update) => {
      const G = groups[parity]!;
      const t = tEncoded++;
      run(pass, kW, G.w);
      run(pass, kLog, gLog[at]);
      if (kFull && mb!.fullAt(t)) run(pass, kFull, gFull[at]);
      run(pass, kPart, gPart[at]);
      run(pass, kSum, gSum);
      run(pass, kAd, G.ad);
      run(pass, kSq, G.sq);
      run(pass, kRec, gRec[at]);
      if (update) {
        run(pass, kUp, G.up[at]);
        parity = 1 - parity;
      }
    },
    prepare,
  );
  // the trainer's record: [J (R) | full J (N, mini-batch steps that evaluate it) | V (C + r) | G (C) | D (C + r) | eta]
  const rest = total + 1 - (jInRecord ? R : 0);
  const fullLength = mb ? N : 0;
  const recordLength = R + fullLength + rest;
  return {
    recordLength,
    etaIndex: recordLength - 1,
    layout: { J: R, Jscale: invR, ...(mb ? { full: N, fullScale: invN } : {}), V: C + r, G: C, D: C + r, dist: 0 },
    counts: kit.counts,
    submit: (count: number, updateLast = true) => batches.submit(count, updateLast),
    async read(b) {
      return (await batches.read(b)).map(([recv, J, F], s) => {
        const full = F && mb!.fullAt(b.t0 + s);
        const out = new Float32Array(recordLength - (full ? 0 : fullLength));
        out.set(J!.subarray(0, R));
        if (full) out.set(F.subarray(0, N), R);
        out.set(recv!.subarray(total + 1 - rest, total + 1), out.length - rest);
        return out;
      });
    },
    async weights() {
      return { B: await kit.read(BA[parity], C * r * 4), A: await kit.read(BA[parity], r * n * 4, aOff * 4) };
    },
    destroy: () => kit.destroy(),
  };
}
