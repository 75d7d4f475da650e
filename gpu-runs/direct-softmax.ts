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
 */
import { check, DawnKit, directBatches, DIRECT_MAX_BATCH, offsetAlignment, type DirectStep, type DirectStepInputs, type GPUBuffer, type GPUDevice, type Kernel, type Range } from './direct-dawn.ts';
import type { Rule } from './rules.ts';
import { RECORD_MAX_SUM, recordProgram, recordUniforms, rowsProgram, updateProgram, type CopyPlan } from './step-webgpu.ts';
import { customKernelsEnabled } from './webgpu-kernels.ts';
import { sumChunksProgram } from './workloads/quadratic-webgpu.ts';
import { adapterGradsProgram, gradPartialsProgram, logitsProgram, paddedClasses, partialRows, SOFTMAX_MAX_CLASSES, SOFTMAX_MAX_RANK, softmaxDispatchGroups, weightProgram } from './workloads/softmax-webgpu.ts';

/** WebGPU's default limit on workgroups along one dispatch dimension. */
const MAX_GROUPS = 65535;

/** Why the direct step cannot run N x n data, C classes, rank r and this rule on the device, or undefined when it can. */
export function softmaxDirectUnsupported(device: GPUDevice | undefined, N: number, n: number, C: number, r: number, rule: Rule): string | undefined {
  if (!device) return 'not on webgpu';
  if (!customKernelsEnabled()) return 'custom kernels off (LORACHECK_WEBGPU_KERNELS=0)';
  if (C > SOFTMAX_MAX_CLASSES) return `${C} classes > ${SOFTMAX_MAX_CLASSES}`;
  if (r > SOFTMAX_MAX_RANK) return `r = ${r} > ${SOFTMAX_MAX_RANK}`;
  if (softmaxDispatchGroups(N, n, C, r) > MAX_GROUPS) return `N = ${N}, n = ${n}: more workgroups than one dispatch dimension has`;
  const most = device.limits?.maxStorageBufferBindingSize ?? 2 ** 27;
  const biggest = Math.max(N * n, N * paddedClasses(C) + 2 * DIRECT_MAX_BATCH * (N + 64)) * 4;
  if (biggest > most) return `a buffer of ${biggest} bytes is over the device's binding limit (${most})`;
  if (rule.kind === 'adapt2' && N > RECORD_MAX_SUM) return `adapt2 sums N = ${N} loss terms in the record kernel (at most ${RECORD_MAX_SUM})`;
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
}

const alignUp = (bytes: number, align: number): number => Math.ceil(bytes / align) * align;

export async function makeSoftmaxDirect(device: GPUDevice, x: SoftmaxDirectInputs): Promise<DirectStep> {
  const { N, n, C, r } = x;
  const why = softmaxDirectUnsupported(device, N, n, C, r, x.rule);
  if (why) throw new Error(`direct softmax step: ${why}`);
  const maxBatch = Math.max(1, Math.min(DIRECT_MAX_BATCH, x.maxBatch));
  const slots = 2 * maxBatch;
  const align = offsetAlignment(device);
  const kit = new DawnKit(device);
  const CP = paddedClasses(C);
  const S = Math.ceil(N / partialRows(N));
  // [B | pad | A] and [grad_B | pad | grad_A]: A's offset (floats) aligned for its binding
  const aOff = alignUp(C * r * 4, align) / 4;
  const BAsize = aOff + r * n;
  // the logits kernel's output: [dZ (N x CP) | pad | J slot 0 | J slot 1 | ...], slots aligned
  const jBase = alignUp(N * CP * 4, align) / 4;
  const jStride = alignUp(N * 4, align) / 4;

  // the record as the trainer's tfjs path lays it out, the J terms apart (they have their own region)
  // unless the rule sums them (adapt2); X0 = the row squares [B | A | G | grad_B | grad_A], X1 = the J slot
  const jInRecord = x.rule.kind === 'adapt2';
  const plan: CopyPlan = {
    J: jInRecord ? [{ input: 1, from: 0, length: N }] : [],
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

  let kW!: Kernel, kLog!: Kernel, kPart!: Kernel, kSum!: Kernel, kAd!: Kernel, kSq!: Kernel, kRec!: Kernel, kUp!: Kernel;
  let jU!: GPUBuffer[];
  let Xb!: GPUBuffer, Yb!: GPUBuffer, W0b!: GPUBuffer, Wt!: GPUBuffer, BA!: GPUBuffer[], Lb!: GPUBuffer, parts!: GPUBuffer, Gb!: GPUBuffer, grads!: GPUBuffer, sq!: GPUBuffer, records!: GPUBuffer;
  type Groups = { w: any; ad: any; sq: any; up: any[] };
  const groups: Groups[] = [];
  let gPart: any, gSum: any;
  let gRec!: any[], gLog!: any[];
  const size = `${N} x ${n}, ${C} classes, r = ${r}`;
  try {
    await check(device, `pipelines at ${size}`, () => {
      kW = kit.kernel(weightProgram(n, C, r), []);
      kLog = kit.kernel(logitsProgram(N, n, C), [{ type: 'int32', data: [N * CP] }, { type: 'float32', data: [invN] }]);
      // the J slot of each record slot: one uniform buffer each (jOff)
      jU = Array.from({ length: slots }, (_, s) => kit.uniforms(kLog.program, [{ type: 'int32', data: [jBase + s * jStride] }, { type: 'float32', data: [invN] }]));
      kPart = kit.kernel(gradPartialsProgram(N, n, C), []);
      kSum = kit.kernel(sumChunksProgram(C * n, S, [C, n]), []);
      kAd = kit.kernel(adapterGradsProgram(C, n, r), [{ type: 'int32', data: [aOff] }]);
      kSq = kit.kernel(rowsProgram([[C, r], [r, n], [C, n], [C, r], [r, n]]), []);
      kRec = kit.kernel(rec.program, [{ type: 'float32', data: [(x.numScale ?? 1) * num] }, { type: 'float32', data: [c] }, { type: 'float32', data: [invN] }]);
      kUp = kit.kernel(updateProgram([BAsize]), [{ type: 'int32', data: [total] }]);
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
    });
    const B = (p: number): Range => ({ buffer: BA[p], offset: 0, size: C * r * 4 });
    const A = (p: number): Range => ({ buffer: BA[p], offset: aOff * 4, size: r * n * 4 });
    const slot = (s: number): Range => ({ buffer: records, offset: s * recBytes, size: (total + 1) * 4 });
    const jSlot = (s: number): Range => ({ buffer: Lb, offset: (jBase + s * jStride) * 4, size: N * 4 });
    await check(device, `bind groups at ${size}`, () => {
      gPart = kit.bind(kPart, { buffer: parts }, [{ buffer: Lb, offset: 0, size: N * CP * 4 }, { buffer: Xb }]);
      gSum = kit.bind(kSum, { buffer: Gb }, [{ buffer: parts }]);
      gLog = Array.from({ length: slots }, (_, s) => kit.bind(kLog, { buffer: Lb }, [{ buffer: Xb }, { buffer: Yb }, { buffer: Wt }], jU[s]));
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
  const run = kit.dispatch.bind(kit);
  const regions = [
    { buffer: records, base: 0, stride: recBytes },
    { buffer: Lb, base: jBase * 4, stride: jStride * 4 },
  ];
  const batches = directBatches(kit, maxBatch, regions, (pass, at, update) => {
    const G = groups[parity]!;
    run(pass, kW, G.w);
    run(pass, kLog, gLog[at]);
    run(pass, kPart, gPart);
    run(pass, kSum, gSum);
    run(pass, kAd, G.ad);
    run(pass, kSq, G.sq);
    run(pass, kRec, gRec[at]);
    if (update) {
      run(pass, kUp, G.up[at]);
      parity = 1 - parity;
    }
  });
  // the trainer's record: [J (N) | V (C + r) | G (C) | D (C + r) | eta]
  const rest = total + 1 - (jInRecord ? N : 0);
  const recordLength = N + rest;
  return {
    recordLength,
    etaIndex: recordLength - 1,
    layout: { J: N, Jscale: invN, V: C + r, G: C, D: C + r, dist: 0 },
    counts: kit.counts,
    submit: (count: number, updateLast = true) => batches.submit(count, updateLast),
    async read(b) {
      return (await batches.read(b)).map(([recv, J]) => {
        const out = new Float32Array(recordLength);
        out.set(J!.subarray(0, N));
        out.set(recv!.subarray(total + 1 - rest, total + 1), N);
        return out;
      });
    },
    async weights() {
      return { B: await kit.read(BA[parity], C * r * 4), A: await kit.read(BA[parity], r * n * 4, aOff * 4) };
    },
    destroy: () => kit.destroy(),
  };
}
