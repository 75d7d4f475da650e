/**
 * The end of a training step on the webgpu backend as two kinds of custom kernels (tfjs' kernel
 * registry), where the generic path (trainer.ts) issues some twenty small tfjs ops:
 *
 *   LoracheckRowSquares  the sums of squares of every row of B_k, A_k, G_k, grad_B, grad_A
 *                        (up to 7 matrices a dispatch), one workgroup per row
 *   LoracheckStepRecord  ONE workgroup of 256 threads builds the step's whole record
 *                        [J terms | full-J terms | ||V||^2 rows | ||G||^2 rows | ||grad J||^2 rows | eta]:
 *                        phase 1 copies the per-row terms into place; phase 2 sums the segments
 *                        the rule reads (thread t adds entries t, t + 256, ..., then a tree over
 *                        the 256 threads, all compensated: TwoSum pairs); phase 3 evaluates the
 *                        rule as stepSize does (gpu-runs/rules.ts), square roots and quotients
 *                        refined by one correction step, ETA_MARGIN below it, into the last entry.
 *   LoracheckStepUpdate  X - rec[last] * gX: step (3) with the eta the record holds (one dispatch
 *                        per matrix instead of a multiply and a subtraction).
 *   LoracheckAxpy        X - eta * D with eta a uniform (the methods' constant steps, methods.ts):
 *                        one dispatch, four entries a thread (vec4 loads) where the size allows.
 *
 * Rounding: see ETA_MARGIN (gpu-runs/rules.ts). The trainer checks every record's eta against
 * the rule evaluated in float64 on the recorded scalars, so a device whose arithmetic is worse
 * than assumed stops the run with an error instead of writing a trace that breaks (8).
 */
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { TF } from './backend.ts';
import { ETA_MARGIN, roundDownF32, roundUpF32, type Rule } from './rules.ts';
import { customKernelsEnabled, registerWebgpuKernel, type WebGPUProgram } from './webgpu-kernels.ts';
import type { LossGrad, LossTerms } from './workloads/types.ts';

const ROWS_KERNEL = 'LoracheckRowSquares';
const RECORD_KERNEL = 'LoracheckStepRecord';
const ROWS_WG = 64;
const UPDATE_KERNEL = 'LoracheckStepUpdate';
const AXPY_KERNEL = 'LoracheckAxpy';
const WG = 256;
/** Largest segment the record kernel sums: the compensated sums err by about (1 + k 2^-24) units. */
export const RECORD_MAX_SUM = 2 ** 20;

/** One piece of the record: a vector copied (from an offset of its tensor), or per-row sums of squares. */
export type Piece = { copy: Tensor; from: number; length: number } | { rowsOf: Tensor2D };

interface RecordPlan {
  /** In record order: J terms, full-J terms (mini-batch), V rows, G rows, grad J rows. */
  J: Piece[];
  full: Piece[];
  V: Piece[];
  G: Piece[];
  D: Piece[];
}

const pieceLength = (p: Piece): number => ('copy' in p ? p.length : p.rowsOf.shape[0]);

/** A whole vector as a piece of the record. */
const whole = (t: Tensor1D): Piece => ({ copy: t, from: 0, length: t.shape[0] });

/**
 * The record of a LoRA step (LoRA's trainer.ts, cola in methods.ts): the loss's J terms and
 * ||G||^2 rows where its kernels made them (else G's rows), the full-data J terms (mini-batch),
 * and the rows of V = (B, A) and of grad J = (grad_B, grad_A), (7), in the caller's order.
 */
export function recordPlan(lg: LossGrad, full: LossTerms | undefined, V: Tensor2D[], D: Tensor2D[]): RecordPlan {
  return {
    J: [lg.rowTerms?.J ?? whole(lg.Jterms)],
    full: full ? [whole(full.Jterms)] : [],
    V: V.map((x) => ({ rowsOf: x })),
    G: lg.rowTerms?.G ?? lg.GrowSq?.map(whole) ?? lg.G.map((x) => ({ rowsOf: x })),
    D: D.map((x) => ({ rowsOf: x })),
  };
}

/** How many entries each segment of a plan's record holds (the record kernel's layout, eta after them). */
export function planSizes(plan: RecordPlan): Record<keyof RecordPlan, number> {
  const size = (ps: Piece[]) => ps.reduce((n, p) => n + pieceLength(p), 0);
  return { J: size(plan.J), full: size(plan.full), V: size(plan.V), G: size(plan.G), D: size(plan.D) };
}

/** Sums of squares of each row of up to 7 matrices, one workgroup per row, into one vector. */
export function rowsProgram(shapes: number[][]): WebGPUProgram {
  let off = 0;
  const branches = shapes.map(([rows, cols], i) => {
    const from = off;
    off += rows!;
    return `${i === 0 ? '' : 'else '}if (g < ${off}) {
          let row = g - ${from};
          for (var c = t; c < ${cols}; c = c + ${ROWS_WG}) { let v = X${i}[row * ${cols} + c]; acc = acc + v * v; }
        }`;
  });
  return {
    variableNames: shapes.map((_, i) => `X${i}`),
    outputShape: [off],
    shaderKey: `loracheck_row_squares_${shapes.map((x) => x.join('x')).join('_')}`,
    dispatchLayout: { x: [0] },
    dispatch: [off, 1, 1],
    workgroupSize: [ROWS_WG, 1, 1],
    size: true, // (the shader must read \`uniforms\`, or its binding is dropped from the layout)
    getUserCode: () => `
      var<workgroup> red : array<f32, ${ROWS_WG}>;
      fn main(index : i32) {
        let g = i32(workgroupId.x);
        let t = i32(localId.x);
        var acc = 0.0;
        ${branches.join('\n        ')}
        red[t] = acc;
        workgroupBarrier();
        for (var s = ${ROWS_WG / 2}; s > 0; s = s >> 1) {
          if (t < s) { red[t] = red[t] + red[t + s]; }
          workgroupBarrier();
        }
        if (t == 0 && g < uniforms.size) { result[g] = red[0]; }
      }`,
  };
}

/** A record piece after the row squares are formed: a slice of one of the record kernel's inputs. */
interface Copy {
  input: number;
  from: number;
  length: number;
}
export type CopyPlan = Record<'J' | 'full' | 'V' | 'G' | 'D', Copy[]>;

/** The shader for one record layout (shapes are baked in: they are fixed for a run). */
export function recordProgram(plan: CopyPlan, inputs: number, rule: Rule): { total: number; program: WebGPUProgram } {
  const groups = ['J', 'full', 'V', 'G', 'D'] as const;
  const seg: Record<(typeof groups)[number], { from: number; length: number }> = {} as never;
  let at = 0;
  const phase1: string[] = [];
  for (const gname of groups) {
    const start = at;
    for (const p of plan[gname]) {
      phase1.push(`for (var q = t; q < ${p.length}; q = q + ${WG}) { result[${at} + q] = X${p.input}[${p.from} + q]; }`);
      at += p.length;
    }
    seg[gname] = { from: start, length: at - start };
  }
  const total = at;
  // Compensated sum of a segment: each thread keeps (hi, lo) with TwoSum (Knuth), the tree
  // combines pairs the same way; error about one unit of 2^-24 whatever the segment's length.
  const sum = (name: string, s: { from: number; length: number }) => `
        var ${name}_h = 0.0;
        var ${name}_l = 0.0;
        for (var q = t; q < ${s.length}; q = q + ${WG}) {
          let p = twoSum(${name}_h, result[${s.from} + q]);
          ${name}_h = p.x;
          ${name}_l = ${name}_l + p.y;
        }
        rh[t] = ${name}_h;
        rl[t] = ${name}_l;
        workgroupBarrier();
        for (var s = ${WG / 2}; s > 0; s = s >> 1) {
          if (t < s) {
            let p = twoSum(rh[t], rh[t + s]);
            rh[t] = p.x;
            rl[t] = rl[t] + rl[t + s] + p.y;
          }
          workgroupBarrier();
        }
        let ${name} = rh[0] + rl[0];
        workgroupBarrier();`;
  // the rule, as stepSize (rules.ts) has it; num holds alpha (1 - ETA_MARGIN). Square roots and
  // quotients take one correction step (rsqrt / div), WGSL's own being allowed several ulps.
  const guard = (x: string) => `var eta = uniforms.INFINITY; if (${x} > 0.0) { eta = div(uniforms.num, ${x}); } if (${x} != ${x}) { eta = uniforms.NAN; }`;
  let sums = '';
  let eta = '';
  switch (rule.kind) {
    case 'theory':
      sums = sum('SV', seg.V) + sum('SG', seg.G);
      eta = `let den = uniforms.c * (SV + root(SG)); var eta = 1.0; if (den > 0.0) { eta = min(div(uniforms.num, den), 1.0); } if (den != den) { eta = uniforms.NAN; }`;
      break;
    case 'adapt':
      sums = sum('SV', seg.V) + sum('SG', seg.G);
      eta = `let den = SV + root(SG); ${guard('den')}`;
      break;
    case 'adapt2':
      sums = sum('SV', seg.V) + sum('SJ', seg.J);
      eta = `let den = SV + root(uniforms.jscale * SJ); ${guard('den')}`;
      break;
    case 'norm':
      sums = sum('SD', seg.D);
      eta = `let den = root(root(SD)); ${guard('den')}`;
      break;
    case 'const':
      eta = 'let eta = uniforms.num;';
      break;
  }
  const layout = groups.map((g) => plan[g].map((p) => `${p.input}:${p.from}:${p.length}`).join(',')).join('|');
  return {
    total,
    program: {
      variableNames: Array.from({ length: inputs }, (_, i) => `X${i}`),
      outputShape: [total + 1],
      shaderKey: `loracheck_record_${rule.kind}_${layout}`,
      dispatchLayout: { x: [0] },
      dispatch: [1, 1, 1],
      workgroupSize: [WG, 1, 1],
      uniforms: 'num : f32, c : f32, jscale : f32,',
      getUserCode: () => `
      var<workgroup> rh : array<f32, ${WG}>;
      var<workgroup> rl : array<f32, ${WG}>;
      fn twoSum(a : f32, b : f32) -> vec2<f32> {
        let s = a + b;
        let bb = s - a;
        return vec2<f32>(s, (a - (s - bb)) + (b - bb));
      }
      fn root(x : f32) -> f32 {
        if (!(x > 0.0) || x > 3.0e38) { return sqrt(x); }
        let r = sqrt(x);
        return r + (x - r * r) / (2.0 * r);
      }
      fn div(a : f32, b : f32) -> f32 {
        let y = a / b;
        if (!(abs(y) < 3.0e38)) { return y; }
        return y + (a - y * b) / b;
      }
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

export function updateProgram(shape: number[]): WebGPUProgram {
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

/** X - eta D, one thread per 4 entries (vec4 views of the buffers) when the size is a multiple of 4. */
function axpyProgram(shape: number[]): WebGPUProgram {
  const size = shape.reduce((a, b) => a * b, 1);
  const vec = size % 4 === 0;
  const threads = vec ? size / 4 : size;
  return {
    variableNames: ['X', 'D'],
    outputShape: shape,
    shaderKey: `loracheck_axpy_${vec ? 'vec4' : 'scalar'}`,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(threads / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    size: true,
    uniforms: 'eta : f32, threads : i32,',
    getUserCode: () =>
      vec
        ? `
      fn main(index : i32) {
        if (index < uniforms.threads) {
          let q = 4 * index;
          let x = vec4<f32>(X[q], X[q + 1], X[q + 2], X[q + 3]);
          let d = vec4<f32>(D[q], D[q + 1], D[q + 2], D[q + 3]);
          let y = x - uniforms.eta * d;
          result[q] = y.x;
          result[q + 1] = y.y;
          result[q + 2] = y.z;
          result[q + 3] = y.w;
        }
      }`
        : `
      fn main(index : i32) {
        if (index < uniforms.threads) {
          result[index] = X[index] - uniforms.eta * D[index];
        }
      }`,
  };
}

interface RecordAttrs {
  plan: CopyPlan;
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
      program: recordProgram(a.plan, xs.length, a.rule).program,
      inputs: xs,
      uniforms: [
        { type: 'float32', data: [a.num] },
        { type: 'float32', data: [a.c] },
        { type: 'float32', data: [a.jscale] },
      ],
    };
  });
  registerWebgpuKernel(tf, ROWS_KERNEL, (inputs) => {
    const xs = Object.keys(inputs)
      .sort((p, q) => Number(p.slice(1)) - Number(q.slice(1)))
      .map((k) => inputs[k]!);
    return { program: rowsProgram(xs.map((x) => x.shape)), inputs: xs };
  });
  registerWebgpuKernel(tf, AXPY_KERNEL, ({ X, D }, attrs) => {
    const size = X!.shape.reduce((a, b) => a * b, 1);
    return {
      program: axpyProgram(X!.shape),
      inputs: [X!, D!],
      uniforms: [
        { type: 'float32', data: [(attrs as { eta: number }).eta] },
        { type: 'int32', data: [size % 4 === 0 ? size / 4 : size] },
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
/** WebGPU's default limit on workgroups along one dimension (one per row in LoracheckRowSquares). */
const MAX_GROUPS = 65535;

/** Whether the kernels can build this step's record (webgpu, few enough inputs and rows, sums within ETA_MARGIN). */
export function recordKernelApplies(tf: TF, plan: RecordPlan): boolean {
  if (tf.getBackend() !== 'webgpu' || !customKernelsEnabled()) return false;
  const all = [...plan.J, ...plan.full, ...plan.V, ...plan.G, ...plan.D];
  const mats = all.filter((p) => 'rowsOf' in p).length;
  const copies = new Set(all.filter((p): p is Extract<Piece, { copy: Tensor }> => 'copy' in p).map((p) => p.copy)).size;
  if (copies + Math.ceil(mats / (MAX_BINDINGS - 1)) + 1 > MAX_BINDINGS) return false;
  const rows = all.reduce((n, p) => n + ('rowsOf' in p ? p.rowsOf.shape[0] : 0), 0);
  if (rows > MAX_GROUPS) return false;
  return (['J', 'full', 'V', 'G', 'D'] as const).every((g) => plan[g].reduce((n, p) => n + pieceLength(p), 0) <= RECORD_MAX_SUM);
}

/** The record kernel's uniforms for a rule: num (its numerator, ETA_MARGIN below) and c (theory: 4 sqrt(2) L, rounded up). */
export function recordUniforms(rule: Rule, alpha: number | null, L: number): { num: number; c: number } {
  const num = rule.kind === 'const' ? roundDownF32(rule.lr!) : rule.kind === 'theory' ? 1 - ETA_MARGIN : alpha! * (1 - ETA_MARGIN);
  return { num, c: rule.kind === 'theory' ? roundUpF32(4 * Math.SQRT2 * L) : 1 };
}

/**
 * The step's record (per-row partials and eta, laid out as the trainer's Layout): the row
 * squares in one dispatch per 7 matrices, the record in one more. L: the theory's constant
 * (fixed); jscale: J = jscale * sum(J terms). Call inside tf.tidy.
 */
export function stepRecordWebgpu(tf: TF, plan: RecordPlan, rule: Rule, alpha: number | null, L: number, jscale: number): { record: Tensor1D; etaIndex: number } {
  register(tf);
  const groups = ['J', 'full', 'V', 'G', 'D'] as const;
  // the matrices' row squares, 7 matrices a dispatch, in plan order
  const mats = groups.flatMap((g) => plan[g].flatMap((p) => ('rowsOf' in p ? [p.rowsOf] : [])));
  const where = new Map<Tensor2D, { tensor: Tensor1D; from: number }>();
  for (let i = 0; i < mats.length; i += MAX_BINDINGS - 1) {
    const chunk = mats.slice(i, i + MAX_BINDINGS - 1);
    const inputs: Record<string, Tensor> = {};
    chunk.forEach((x, j) => (inputs[`X${j}`] = x));
    const rows = tf.engine().runKernel(ROWS_KERNEL, inputs as never, {}) as Tensor1D;
    let from = 0;
    for (const x of chunk) {
      where.set(x, { tensor: rows, from });
      from += x.shape[0];
    }
  }
  // every piece is now a slice of a vector: one input per distinct vector
  const inputs: Tensor[] = [];
  const indexOf = (t: Tensor): number => {
    const i = inputs.indexOf(t);
    return i >= 0 ? i : inputs.push(t) - 1;
  };
  const copyPlan = {} as CopyPlan;
  for (const g of groups)
    copyPlan[g] = plan[g].map((p) => {
      if ('copy' in p) return { input: indexOf(p.copy), from: p.from, length: p.length };
      const w = where.get(p.rowsOf)!;
      return { input: indexOf(w.tensor), from: w.from, length: p.rowsOf.shape[0] };
    });
  const named: Record<string, Tensor> = {};
  inputs.forEach((t, i) => (named[`X${i}`] = t));
  const attrs: RecordAttrs = { plan: copyPlan, rule, ...recordUniforms(rule, alpha, L), jscale };
  const record = tf.engine().runKernel(RECORD_KERNEL, named as never, attrs as never) as Tensor1D;
  return { record, etaIndex: record.shape[0] - 1 };
}

/** X - eta gX with eta = record[etaIndex] (step (3)), one dispatch. Call inside tf.tidy. */
export function updateWebgpu(tf: TF, X: Tensor2D, gX: Tensor2D, record: Tensor1D, etaIndex: number): Tensor2D {
  register(tf);
  return tf.engine().runKernel(UPDATE_KERNEL, { X, GX: gX, R: record } as never, { etaIndex } as never) as Tensor2D;
}

/** X - eta D with eta a host number (float32, as tf.mul would round it): one dispatch. Call inside tf.tidy. */
export function axpyWebgpu(tf: TF, X: Tensor2D, D: Tensor2D, eta: number): Tensor2D {
  register(tf);
  return tf.engine().runKernel(AXPY_KERNEL, { X, D } as never, { eta } as never) as Tensor2D;
}

/** The sums of squares of every row of the matrices, in order, as one vector: one dispatch per 7 matrices. Call inside tf.tidy. */
export function rowSquaresWebgpu(tf: TF, mats: Tensor2D[]): Tensor1D {
  register(tf);
  const parts: Tensor1D[] = [];
  for (let i = 0; i < mats.length; i += MAX_BINDINGS - 1) {
    const inputs: Record<string, Tensor> = {};
    mats.slice(i, i + MAX_BINDINGS - 1).forEach((x, j) => (inputs[`X${j}`] = x));
    parts.push(tf.engine().runKernel(ROWS_KERNEL, inputs as never, {}) as Tensor1D);
  }
  return parts.length === 1 ? parts[0]! : (tf.concat(parts) as Tensor1D);
}

/** Whether rowSquaresWebgpu applies to these matrices (webgpu, kernels on, rows within one dispatch). */
export function rowSquaresApply(tf: TF, mats: Tensor2D[]): boolean {
  return tf.getBackend() === 'webgpu' && customKernelsEnabled() && mats.reduce((n, x) => n + x.shape[0], 0) <= MAX_GROUPS;
}
