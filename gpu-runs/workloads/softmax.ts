/**
 * Softmax cross-entropy workloads on a data set held ONCE as a tensor X (N x n) with one-hot
 * labels Y (N x classes): logistic regression (one matrix) and two heads on disjoint pixel
 * blocks (two matrices, Sec. 3.2). Gradients by hand, every product through matMulT
 * (matmul.ts): with Z = X W^T and P = softmax(Z),
 *   L(W) = (1/N) sum_i [logsumexp(Z_i) - <Z_i, Y_i>],   G = grad L(W) = (P - Y)^T X / N.
 * Smoothness: L <= lambda_max(X^T X / N) / 2, certified by numeric/losses/softmax.ts; L* = 0.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { softmaxSmoothness } from '../../numeric/losses/softmax.ts';
import type { TF } from '../backend.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Rng } from '../rng.ts';
import { matMulT } from './matmul.ts';
import { crossEntropyKernelsAvailable, crossEntropyWebgpu, softmaxAdapterKernelsApply, softmaxAdapterStepWebgpu } from './softmax-webgpu.ts';
import { WorkloadError, type LossGrad, type LossTerms, type MatrixShape, type Workload } from './types.ts';

/** The data as tensors, and the cross-entropy pieces every softmax workload shares. */
export class SoftmaxData {
  readonly X: Tensor2D;
  readonly Y: Tensor2D;
  readonly N: number;
  readonly n: number;
  readonly classes: number;
  /** The host copy of the rows, kept when mini-batches are gathered on the host (hostRows). */
  private readonly host: { X: Float32Array; y: Int32Array } | undefined;

  /**
   * hostRows: keep the host copy of X and gather mini-batches there (a 512-row batch of
   * Fashion-MNIST: about 2 ms against 20 ms for tf.gather on wasm, measured), at the cost of
   * holding X twice. For the CPU backends' mini-batch runs; the GPU gathers on the device.
   */
  constructor(
    private readonly tf: TF,
    d: Dataset,
    hostRows = false,
  ) {
    this.N = d.N;
    this.n = d.n;
    this.classes = d.classes;
    this.X = tf.tensor2d(d.X, [d.N, d.n], 'float32');
    this.Y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(d.y, 'int32'), d.classes), 'float32') as Tensor2D);
    if (hostRows) this.host = { X: d.X, y: d.y };
  }

  /** The rows a step uses: all of X (no copy) or the gathered mini-batch. */
  rows(batch?: Tensor1D): { Xb: Tensor2D; Yb: Tensor2D; Nb: number } {
    if (!batch) return { Xb: this.X, Yb: this.Y, Nb: this.N };
    if (!this.host) return { Xb: this.tf.gather(this.X, batch) as Tensor2D, Yb: this.tf.gather(this.Y, batch) as Tensor2D, Nb: batch.shape[0] };
    const idx = batch.dataSync();
    const b = idx.length;
    const n = this.n;
    const Xb = new Float32Array(b * n);
    const Yb = new Float32Array(b * this.classes);
    for (let i = 0; i < b; i++) {
      const row = idx[i]!;
      Xb.set(this.host.X.subarray(row * n, (row + 1) * n), i * n);
      Yb[i * this.classes + this.host.y[row]!] = 1;
    }
    return { Xb: this.tf.tensor2d(Xb, [b, n]), Yb: this.tf.tensor2d(Yb, [b, this.classes]), Nb: b };
  }

  /** Per-row losses logsumexp(Z_i) - <Z_i, Y_i>, and dL/dZ = (softmax(Z) - Y) / Nb (on webgpu: two
   *  kernels, softmax-webgpu.ts). */
  crossEntropy(Z: Tensor2D, Yb: Tensor2D, Nb: number, withGrad: boolean): { Jterms: Tensor1D; dZ?: Tensor2D } {
    const tf = this.tf;
    if (crossEntropyKernelsAvailable(tf)) return crossEntropyWebgpu(tf, Z, Yb, Nb, withGrad);
    const lse = tf.logSumExp(Z, 1, true); // Nb x 1
    const Jterms = tf.sub(tf.squeeze(lse, [1]), tf.sum(tf.mul(Z, Yb), 1)) as Tensor1D;
    if (!withGrad) return { Jterms };
    const P = tf.exp(tf.sub(Z, lse));
    return { Jterms, dZ: tf.mul(tf.sub(P, Yb), 1 / Nb) as Tensor2D };
  }

  /** Certified smoothness constant of the cross-entropy in W (X read as the float32 values training uses). */
  static smoothness(d: Dataset): { L: number; method: string } {
    const b = softmaxSmoothness({ rows: d.N, cols: d.n, data: d.X as unknown as number[] });
    return { L: b.L, method: `certified upper bound of lambda_max(X^T X / N) / 2: ${b.method}` };
  }

  dispose(): void {
    this.X.dispose();
    this.Y.dispose();
  }
}

/** Frozen pretrained weights: W0 ~ N(0, 0.01 / n), small next to what training adds. */
export function randomW0(tf: TF, rng: Rng, s: MatrixShape): Tensor2D {
  return tf.tensor2d(rng.gaussian(s.m * s.n, 0.1 / Math.sqrt(s.n)), [s.m, s.n]);
}

/** Softmax regression, W (classes x n): logits Z = X W^T. */
export function logregWorkload(tf: TF, name: string, d: Dataset, rng: Rng, opts: { hostRows?: boolean; W0?: Float32Array } = {}): Workload {
  const L = SoftmaxData.smoothness(d);
  const data = new SoftmaxData(tf, d, opts.hostRows);
  const shape = { m: d.classes, n: d.n };
  // W0: given (e.g. pretrained on other classes), else random
  const W0 = opts.W0 ? tf.tensor2d(opts.W0, [shape.m, shape.n]) : randomW0(tf, rng, shape);
  const forward = (W: Tensor2D[], batch: Tensor1D | undefined, withGrad: boolean) => {
    const { Xb, Yb, Nb } = data.rows(batch);
    const Z = matMulT(tf, Xb, W[0]!, false, true); // Nb x classes
    const { Jterms, dZ } = data.crossEntropy(Z, Yb, Nb, withGrad);
    return { Jterms, Jscale: 1 / Nb, G: dZ ? [matMulT(tf, dZ, Xb, true, false)] : [] };
  };
  // webgpu: the LoRA step from the adapters in five kernels (softmax-webgpu.ts), W never stored, a
  // mini-batch's rows read through its indices (and the full-data loss, withFull, in one more pass);
  // where they do not apply (too many classes, r too large), W = W0 + BA as elsewhere
  const fromAdapters = (B: Tensor2D[], A: Tensor2D[], batch?: Tensor1D, withFull = false): LossGrad => {
    if (!softmaxAdapterKernelsApply(tf, data.N, data.n, shape.m, B[0]!.shape[1])) {
      const W = [tf.add(W0, tf.matMul(B[0]!, A[0]!)) as Tensor2D];
      return { ...forward(W, batch, true), ...(withFull ? { full: forward(W, undefined, false) } : {}) };
    }
    const s = softmaxAdapterStepWebgpu(tf, data.X, data.Y, W0, B[0]!, A[0]!, batch, withFull);
    return {
      Jterms: s.Jterms,
      Jscale: 1 / s.Jterms.shape[0],
      G: [s.G],
      adapterGrads: { gB: [s.gB], gA: [s.gA] },
      ...(s.fullJterms ? { full: { Jterms: s.fullJterms, Jscale: 1 / data.N } } : {}),
    };
  };
  return {
    name,
    description: `softmax regression ${d.n} -> ${d.classes} on ${d.name} (N = ${d.N})${opts.W0 ? ', W0 given' : ''}`,
    shapes: [shape],
    N: d.N,
    data: d.source,
    Lloss: L.L,
    Lmethod: L.method,
    Lestimated: false,
    Lstar: 0,
    W0: [W0],
    supportsBatch: true,
    lossGrad: (W, batch): LossGrad => forward(W, batch, true),
    loss: (W): LossTerms => forward(W, undefined, false),
    ...(crossEntropyKernelsAvailable(tf) ? { lossGradFromAdapters: fromAdapters, softmaxInputs: { X: data.X, Y: data.Y } } : {}),
    dispose() {
      data.dispose();
      W0.dispose();
    },
  };
}

/**
 * Two heads on disjoint blocks of pixels, summed into one logit vector:
 *   Z = X1 W1^T + X2 W2^T,  X = [X1 X2] (columns split at `split`).
 * This equals Z = X [W1 W2]^T, so it runs as ONE product with the concatenated weights and
 * the same single copy of X, and G1, G2 are the column blocks of (P - Y)^T X / N.
 * As a function of the pair, L(W1, W2) is the cross-entropy of [W1 W2], whose product norm is
 * the Frobenius norm of [W1 W2]: the pair is L-smooth with the same certified L as logreg;
 * the theory constant for two matrices is 2L (Lemma 3.6), which the trainer applies.
 */
export function twoHeadWorkload(tf: TF, name: string, d: Dataset, rng: Rng, split: number): Workload {
  if (!(split >= 1 && split < d.n)) throw new WorkloadError(`${name}: split column ${split} must be in 1..${d.n - 1}`);
  const L = SoftmaxData.smoothness(d);
  const data = new SoftmaxData(tf, d);
  const shapes = [
    { m: d.classes, n: split },
    { m: d.classes, n: d.n - split },
  ];
  const W0 = shapes.map((s) => randomW0(tf, rng, s));
  // Closures below must not capture `d` (it holds the JS copy of X, freed once uploaded).
  const { classes, n } = d;
  const forward = (W: Tensor2D[], batch: Tensor1D | undefined, withGrad: boolean) => {
    const { Xb, Yb, Nb } = data.rows(batch);
    const Wcat = tf.concat([W[0]!, W[1]!], 1); // classes x n
    const Z = matMulT(tf, Xb, Wcat as Tensor2D, false, true);
    const { Jterms, dZ } = data.crossEntropy(Z, Yb, Nb, withGrad);
    if (!dZ) return { Jterms, Jscale: 1 / Nb, G: [] };
    const G = matMulT(tf, dZ, Xb, true, false);
    return {
      Jterms,
      Jscale: 1 / Nb,
      G: [tf.slice(G, [0, 0], [classes, split]) as Tensor2D, tf.slice(G, [0, split], [classes, n - split]) as Tensor2D],
    };
  };
  return {
    name,
    description: `two softmax heads on pixel columns [0, ${split}) and [${split}, ${d.n}) of ${d.name}, summed logits (N = ${d.N})`,
    shapes,
    N: d.N,
    data: d.source,
    Lloss: L.L,
    Lmethod: `${L.method} (the pair loss is the cross-entropy of [W1 W2])`,
    Lestimated: false,
    Lstar: 0,
    W0,
    supportsBatch: true,
    lossGrad: (W, batch): LossGrad => forward(W, batch, true),
    loss: (W): LossTerms => forward(W, undefined, false),
    dispose() {
      data.dispose();
      W0.forEach((w) => w.dispose());
    },
  };
}
