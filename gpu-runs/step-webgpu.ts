/**
 * The end of a training step on the webgpu backend as two kinds of custom kernels (tfjs' kernel
 * registry), where the generic path (trainer.ts) issues some twenty small tfjs ops:
 *
 *   LoracheckStepRecord  ONE workgroup of 256 threads builds the step's whole record
 *                        [J terms | full-J terms | ||V||^2 rows | ||G||^2 rows | ||grad J||^2 rows | eta]:
 *                        phase 1 copies the given per-row terms and sums the squares of each
 *                        row of B_k, A_k, G_k, grad_B, grad_A (one thread per row); phase 2 sums
 *                        the segments the rule reads (thread t adds entries t, t + 256, ...,
 *                        then a tree over the 256 threads); phase 3 evaluates the rule, as
 *                        stepSizeOnDevice does (gpu-runs/rules.ts), into the last entry.
 *   LoracheckStepUpdate  X - rec[last] * gX: step (3) with the eta the record holds (one dispatch
 *                        per matrix instead of a multiply and a subtraction).
 *
 * Rounding: a segment of k partials is summed with at most k/256 + 8 additions on any path
 * (sequential per thread, then 8 tree levels), so k <= RECORD_MAX_SUM keeps the device's eta
 * inside ETA_MARGIN (512 units of 2^-24 leaves room for the rule's own 5 or so operations); the
 * trainer falls back to the generic path beyond that, and checks every record on the host anyway.
 */
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { TF } from './backend.ts';
import { ETA_MARGIN, roundDownF32, roundUpF32, type Rule } from './rules.ts';
import { registerWebgpuKernel, type TensorInfoLike, type WebGPUProgram } from './webgpu-kernels.ts';

const RECORD_KERNEL = 'LoracheckStepRecord';
const UPDATE_KERNEL = 'LoracheckStepUpdate';
const WG = 256;
/** Largest segment the record kernel sums within ETA_MARGIN: (k/256 + 8 + 16) units <= 512. */
export const RECORD_MAX_SUM = WG * (512 - 24);

/** One piece of the record: a vector copied (from an offset of its tensor), or per-row sums of squares. */
export type Piece = { copy: Tensor; from: number; length: number } | { rowsOf: Tensor2D };

export interface RecordPlan {
  /** In record order: J terms, full-J terms (mini-batch), V rows, G rows, grad J rows. */
  J: Piece[];
  full: Piece[];
  V: Piece[];
  G: Piece[];
  D: Piece[];
}

const pieceLength = (p: Piece): number => ('copy' in p ? p.length : p.rowsOf.shape[0]);

/** The shader for one record layout (shapes are baked in: they are fixed for a run). */
function recordProgram(plan: RecordPlan, rule: Rule, inputs: unknown[]): { total: number; program: WebGPUProgram } {
  const groups = ['J', 'full', 'V', 'G', 'D'] as const;
  const seg: Record<(typeof groups)[number], { from: number; length: number }> = {} as never;
  let at = 0;
  const phase1: string[] = [];
  let input = 0;
  for (const gname of groups) {
    const start = at;
    for (const p of plan[gname]) {
      const X = `X${input++}`;
      if ('copy' in p) {
        phase1.push(`for (var q = t; q < ${p.length}; q = q + ${WG}) { result[${at} + q] = ${X}[${p.from} + q]; }`);
        at += p.length;
      } else {
        const [rows, cols] = p.rowsOf.shape;
        phase1.push(`for (var row = t; row < ${rows}; row = row + ${WG}) {
          var acc = 0.0;
          for (var c = 0; c < ${cols}; c = c + 1) { let v = ${X}[row * ${cols} + c]; acc = acc + v * v; }
          result[${at} + row] = acc;
        }`);
        at += rows;
      }
    }
    seg[gname] = { from: start, length: at - start };
  }
  const total = at;
  const sum = (name: string, s: { from: number; length: number }) => `
        var ${name}_a = 0.0;
        for (var q = t; q < ${s.length}; q = q + ${WG}) { ${name}_a = ${name}_a + result[${s.from} + q]; }
        red[t] = ${name}_a;
        workgroupBarrier();
        for (var s = ${WG / 2}; s > 0; s = s >> 1) {
          if (t < s) { red[t] = red[t] + red[t + s]; }
          workgroupBarrier();
        }
        let ${name} = red[0];
        workgroupBarrier();`;
  // the rule: the same formulas as stepSizeOnDevice (num already holds alpha (1 - ETA_MARGIN))
  let sums = '';
  let eta = '';
  switch (rule.kind) {
    case 'theory':
      sums = sum('SV', seg.V) + sum('SG', seg.G);
      eta = `let den = uniforms.c * (SV + sqrt(SG)); var eta = 1.0; if (den > 0.0) { eta = min(uniforms.num / den, 1.0); } if (SV != SV || SG != SG) { eta = uniforms.NAN; }`;
      break;
    case 'adapt':
      sums = sum('SV', seg.V) + sum('SG', seg.G);
      eta = `let den = SV + sqrt(SG); var eta = uniforms.INFINITY; if (den > 0.0 || den != den) { eta = uniforms.num / den; }`;
      break;
    case 'adapt2':
      sums = sum('SV', seg.V) + sum('SJ', seg.J);
      eta = `let den = SV + sqrt(uniforms.jscale * SJ); var eta = uniforms.INFINITY; if (den > 0.0 || den != den) { eta = uniforms.num / den; }`;
      break;
    case 'norm':
      sums = sum('SD', seg.D);
      eta = `let den = sqrt(sqrt(SD)); var eta = uniforms.INFINITY; if (den > 0.0 || den != den) { eta = uniforms.num / den; }`;
      break;
    case 'const':
      eta = 'let eta = uniforms.num;';
      break;
  }
  const layout = groups.map((g) => plan[g].map((p) => ('copy' in p ? `c${p.from}:${p.length}` : `r${p.rowsOf.shape.join('x')}`)).join(',')).join('|');
  return {
    total,
    program: {
      variableNames: inputs.map((_, i) => `X${i}`),
      outputShape: [total + 1],
      shaderKey: `loracheck_record_${rule.kind}_${layout}`,
      dispatchLayout: { x: [0] },
      dispatch: [1, 1, 1],
      workgroupSize: [WG, 1, 1],
      uniforms: 'num : f32, c : f32, jscale : f32,',
      getUserCode: () => `
      var<workgroup> red : array<f32, ${WG}>;
      fn main(index : i32) {
        let t = i32(localId.x);
        ${phase1.join('\n        ')}
        storageBarrier();
        workgroupBarrier();
        ${sums}
        if (t == 0) {
          ${eta}
          result[${total}] = eta;
        }
      }`,
    },
  };
}

function updateProgram(shape: number[]): WebGPUProgram {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: ['X', 'GX', 'R'],
    outputShape: shape,
    shaderKey: 'loracheck_step_update',
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    size: true,
    uniforms: 'etaIndex : i32,',
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          result[index] = X[index] - R[uniforms.etaIndex] * GX[index];
        }
      }`,
  };
}

interface RecordAttrs {
  plan: RecordPlan;
  rule: Rule;
  num: number;
  c: number;
  jscale: number;
}

function register(tf: TF): void {
  registerWebgpuKernel(tf, RECORD_KERNEL, (inputs, attrs) => {
    const a = attrs as unknown as RecordAttrs;
    const xs = Object.keys(inputs)
      .sort((p, q) => Number(p.slice(1)) - Number(q.slice(1)))
      .map((k) => inputs[k]!);
    return {
      program: recordProgram(a.plan, a.rule, xs).program,
      inputs: xs,
      uniforms: [
        { type: 'float32', data: [a.num] },
        { type: 'float32', data: [a.c] },
        { type: 'float32', data: [a.jscale] },
      ],
    };
  });
  registerWebgpuKernel(tf, UPDATE_KERNEL, ({ X, GX, R }, attrs) => ({
    program: updateProgram(X!.shape),
    inputs: [X!, GX!, R!],
    uniforms: [{ type: 'int32', data: [(attrs as { etaIndex: number }).etaIndex] }],
  }));
}

/** WebGPU's default storage-buffer bindings per shader: the inputs and the output. */
const MAX_BINDINGS = 8;

/** Whether the record kernel can build this step's record (webgpu, few enough inputs, sums within ETA_MARGIN). */
export function recordKernelApplies(tf: TF, plan: RecordPlan): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const pieces = plan.J.length + plan.full.length + plan.V.length + plan.G.length + plan.D.length;
  if (pieces + 1 > MAX_BINDINGS) return false;
  return (['J', 'full', 'V', 'G', 'D'] as const).every((g) => plan[g].reduce((n, p) => n + pieceLength(p), 0) <= RECORD_MAX_SUM);
}

/**
 * The step's record (per-row partials and eta, laid out as the trainer's Layout) from one
 * dispatch. L: the theory's constant (fixed); jscale: J = jscale * sum(J terms). Call inside tf.tidy.
 */
export function stepRecordWebgpu(tf: TF, plan: RecordPlan, rule: Rule, alpha: number | null, L: number, jscale: number): { record: Tensor1D; etaIndex: number } {
  register(tf);
  const pieces = [...plan.J, ...plan.full, ...plan.V, ...plan.G, ...plan.D];
  const inputs: Record<string, Tensor> = {};
  pieces.forEach((p, i) => (inputs[`X${i}`] = 'copy' in p ? p.copy : p.rowsOf));
  const num = rule.kind === 'const' ? roundDownF32(rule.lr!) : rule.kind === 'theory' ? 1 - ETA_MARGIN : alpha! * (1 - ETA_MARGIN);
  const attrs: RecordAttrs = { plan, rule, num, c: rule.kind === 'theory' ? roundUpF32(4 * Math.SQRT2 * L) : 1, jscale };
  const record = tf.engine().runKernel(RECORD_KERNEL, inputs as never, attrs as never) as Tensor1D;
  return { record, etaIndex: record.shape[0] - 1 };
}

/** X - eta gX with eta = record[etaIndex] (step (3)), one dispatch. Call inside tf.tidy. */
export function updateWebgpu(tf: TF, X: Tensor2D, gX: Tensor2D, record: Tensor1D, etaIndex: number): Tensor2D {
  register(tf);
  return tf.engine().runKernel(UPDATE_KERNEL, { X, GX: gX, R: record } as never, { etaIndex } as never) as Tensor2D;
}
