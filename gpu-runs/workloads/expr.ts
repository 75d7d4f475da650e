/**
 * A user's own elementwise loss (`train --loss EXPR`) on a synthetic target, like the quadratic
 * workload (quadratic.ts):
 *   L(W) = sum_ij f(W_ij, C_ij),   G = f'(W, C) (entrywise),
 * C = P Q / sqrt(k n) of rank k = 2r (more than LoRA's rank r reaches), W0 = 0. f and f' are
 * mathjs' trees (numeric/expr/parse.ts) compiled to TensorFlow.js ops on the trainer's backend.
 * L is the user's --L or the certified sup |f''|, L* = m n x (the user's --Lstar or the
 * certified lower bound of inf f) (numeric/expr/resolve.ts).
 */
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { TF } from '../backend.ts';
import type { Rng } from '../rng.ts';
import { parseLoss } from '../../numeric/expr/parse.ts';
import { constExponent, type ENode } from '../../numeric/expr/tree.ts';
import { checkSize } from './quadratic.ts';
import { WorkloadError, type LossGrad, type LossTerms, type Workload } from './types.ts';

export interface ExprWorkloadLoss {
  expr: string;
  /** Smoothness constant and lower bound of one entry's f, and how L was obtained. */
  L: number;
  LstarEntry: number;
  Lmethod: string;
}

/** x^k for an integer k by repeated squaring (tf.pow is not defined for negative bases). */
function powInt(tf: TF, x: Tensor, k: number): Tensor {
  if (k === 0) return tf.onesLike(x);
  if (k < 0) return tf.div(1, powInt(tf, x, -k));
  let result: Tensor | undefined;
  let base = x;
  let e = k;
  while (e > 0) {
    if (e & 1) result = result ? tf.mul(result, base) : base;
    e >>= 1;
    if (e > 0) base = tf.mul(base, base);
  }
  return result!;
}

/** Compiles a tree into TF ops over tensors w and c of one shape. Call inside tf.tidy. */
export function tfEvaluate(tf: TF, n: ENode, env: { w: Tensor; c: Tensor }): Tensor {
  const go = (x: ENode): Tensor => {
    switch (x.k) {
      case 'num':
        return tf.scalar(x.q.toNumber());
      case 'const':
        return tf.scalar(x.name === 'pi' ? Math.PI : Math.E);
      case 'var':
        if (x.name === 'x') return tf.sub(env.w, env.c);
        return env[x.name];
      case 'neg':
        return tf.neg(go(x.a));
      case 'bin': {
        if (x.op === '^') {
          const e = constExponent(x.b);
          const a = go(x.a);
          if (e) {
            const [k, root] = e;
            const r = root === 1 ? a : root === 2 ? tf.sqrt(a) : tf.mul(tf.sign(a), tf.pow(tf.abs(a), 1 / 3));
            return powInt(tf, r, k);
          }
          return tf.exp(tf.mul(go(x.b), tf.log(a)));
        }
        const a = go(x.a);
        const b = go(x.b);
        return x.op === '+' ? tf.add(a, b) : x.op === '-' ? tf.sub(a, b) : x.op === '*' ? tf.mul(a, b) : tf.div(a, b);
      }
      case 'fn': {
        const a = go(x.a);
        switch (x.name) {
          case 'exp':
            return tf.exp(a);
          case 'log':
            return tf.log(a);
          case 'sqrt':
            return tf.sqrt(a);
          case 'cbrt':
            return tf.mul(tf.sign(a), tf.pow(tf.abs(a), 1 / 3));
          case 'sin':
            return tf.sin(a);
          case 'cos':
            return tf.cos(a);
          case 'tan':
            return tf.tan(a);
          case 'sec':
            return tf.div(1, tf.cos(a));
          case 'csc':
            return tf.div(1, tf.sin(a));
          case 'cot':
            return tf.div(1, tf.tan(a));
          case 'sinh':
            return tf.sinh(a);
          case 'cosh':
            return tf.cosh(a);
          case 'tanh':
            return tf.tanh(a);
          case 'sech':
            return tf.div(1, tf.cosh(a));
          case 'csch':
            return tf.div(1, tf.sinh(a));
          case 'coth':
            return tf.div(1, tf.tanh(a));
          case 'atan':
            return tf.atan(a);
          case 'asinh':
            return tf.asinh(a);
        }
      }
    }
  };
  return go(n);
}

export function exprWorkload(tf: TF, name: string, m: number, n: number, r: number, rng: Rng, loss: ExprWorkloadLoss | undefined): Workload {
  if (!loss) throw new WorkloadError(`${name}: give the loss with --loss EXPR`);
  checkSize(name, m, n);
  const p = parseLoss(loss.expr);
  const rankC = Math.min(2 * r, m, n);
  const P = rng.gaussian(m * rankC, 1);
  const Q = rng.gaussian(rankC * n, 1);
  const C = tf.tidy(() => tf.mul(tf.matMul(tf.tensor2d(P, [m, rankC]), tf.tensor2d(Q, [rankC, n])), 1 / Math.sqrt(rankC * n)) as Tensor2D);
  const forward = (W: Tensor2D[], withGrad: boolean) => {
    const env = { w: W[0]!, c: C };
    // per-row terms sum_j f(W_ij, C_ij); summed on the host in float64
    const Jterms = tf.sum(tfEvaluate(tf, p.f, env), 1) as Tensor1D;
    return { Jterms, Jscale: 1, G: withGrad ? [tf.broadcastTo(tfEvaluate(tf, p.df, env), [m, n]) as Tensor2D] : [] };
  };
  return {
    name,
    description: `your loss sum_ij f(W_ij, C_ij), f(w, c) = ${p.text}, W ${m} x ${n}, C of rank ${rankC}`,
    shapes: [{ m, n }],
    Lloss: loss.L,
    Lmethod: loss.Lmethod,
    Lestimated: false,
    Lstar: loss.LstarEntry * m * n,
    W0: [null],
    supportsBatch: false,
    lossGrad: (W): LossGrad => forward(W, true),
    loss: (W): LossTerms => forward(W, false),
    dispose() {
      C.dispose();
    },
  };
}
