/**
 * A two-layer network with a smooth activation, adapters on both layers (Sec. 3.2):
 *   Z1 = X W1^T (N x h),  A1 = tanh(Z1),  Z = A1 W2^T (N x classes),  L = cross-entropy(Z, Y).
 * Gradients by hand (backpropagation, products through matMulT):
 *   dZ = (softmax(Z) - Y) / N,  G2 = dZ^T A1,  dA1 = dZ W2,  dZ1 = dA1 o (1 - A1^2),  G1 = dZ1^T X.
 * No global smoothness constant is known for this loss (the gradient in W1 scales with W2),
 * so L is estimated: first from a secant at W0 (a small random probe), then along the run as the
 * largest secant ratio ||G_t - G_{t-1}|| / ||W_t - W_{t-1}|| (trainer.ts). Verdicts that rest
 * on it are labelled "estimated". L* = 0 (cross-entropy >= 0).
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { TF } from '../backend.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Rng } from '../rng.ts';
import { matMulT } from './matmul.ts';
import { SoftmaxData } from './softmax.ts';
import type { LossGrad, LossTerms, Workload } from './types.ts';

export function mlpWorkload(tf: TF, name: string, d: Dataset, hidden: number, rng: Rng): Workload {
  const data = new SoftmaxData(tf, d);
  const shapes = [
    { m: hidden, n: d.n },
    { m: d.classes, n: hidden },
  ];
  // Frozen "pretrained" layers, Xavier-scaled so tanh is not saturated at the start.
  const W0 = shapes.map((s) => tf.tensor2d(rng.gaussian(s.m * s.n, 1 / Math.sqrt(s.n)), [s.m, s.n]));
  const forward = (W: Tensor2D[], batch: Tensor1D | undefined, withGrad: boolean) => {
    const { Xb, Yb, Nb } = data.rows(batch);
    const A1 = tf.tanh(matMulT(tf, Xb, W[0]!, false, true)) as Tensor2D;
    const Z = matMulT(tf, A1, W[1]!, false, true);
    const { Jterms, dZ } = data.crossEntropy(Z, Yb, Nb, withGrad);
    if (!dZ) return { Jterms, Jscale: 1 / Nb, G: [] };
    const G2 = matMulT(tf, dZ, A1, true, false);
    const dZ1 = tf.mul(tf.matMul(dZ, W[1]!), tf.sub(1, tf.square(A1))) as Tensor2D;
    const G1 = matMulT(tf, dZ1, Xb, true, false);
    return { Jterms, Jscale: 1 / Nb, G: [G1, G2] };
  };
  return {
    name,
    description: `two-layer tanh network ${d.n} -> ${hidden} -> ${d.classes} on ${d.name} (N = ${d.N})`,
    shapes,
    N: d.N,
    data: d.source,
    Lloss: undefined, // estimated by the trainer (secant probe at W0, then along the run)
    Lmethod: 'estimated: largest secant ratio ||G_t - G_{t-1}|| / ||W_t - W_{t-1}|| (probe at W0, then along the run)',
    Lestimated: true,
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
