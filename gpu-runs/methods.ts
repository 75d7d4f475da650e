/**
 * The methods of the RAC-LoRA comparison beside LoRA (theory/rac.ts writes each update once over
 * any field; these are the same updates on TensorFlow.js), on every backend. On webgpu the
 * per-row partials of a record come from one kernel (step-webgpu.ts rowSquaresWebgpu), the update
 * is one kernel (axpyWebgpu), and the workload's own kernels give G (quadratic-webgpu.ts). With a
 * constant step (every rule of asym, rac and full) nothing waits for the record: the update is
 * dispatched at once and, on webgpu, the records are read back every DEFAULT_READ_EVERY steps.
 * cola's rules that read the record (theory (8), adapt, adapt2, norm) do the same on webgpu as
 * LoRA's trainer (trainer.ts) does: step-webgpu.ts's record kernel computes eta on the device from
 * the link's record (V = (B, A) of the current link; (8) with the L the host uses), ETA_MARGIN
 * below the rule, and step (3) takes it from there (updateWebgpu); the records come back in
 * batches and every device eta is checked against the rule on the recorded float64 scalars
 * (deviceEtaAboveRule: a run whose eta exceeds it ends with an error). Chain-link merges need no
 * read-back (W0' + BA on the device, the new link's (B, A) drawn on the host). Where the record
 * kernel does not apply (other backends, LORACHECK_WEBGPU_KERNELS=0, more inputs or rows than
 * one dispatch takes) and with LORACHECK_COLA_HOST_ETA=1 (the reference the tests compare with),
 * each record is read back before its update and eta computed on the host, as the CPU path of
 * trainer.ts does. Records are float64 sums of float32 per-row partials.
 *
 *   asym  Asymmetric LoRA: W = W0 + B A, A drawn once (N(0, sigma^2)) and frozen, B from 0:
 *         B <- B - eta G A^T                                           (theory/rac.ts asymStep)
 *   cola  Chain of LoRA: LoRA steps (3) on (B, A) over W = W0' + B A; every linkSteps steps
 *         W0' <- W0' + B A and (B, A) re-initialised as at the start    (colaMerge)
 *   rac   RAC-LoRA: per chain link of linkSteps steps a Gaussian sketch (entries N(0, 1));
 *         left: B_S (m x r), W <- W - gamma B_S (B_S^T B_S)^+ B_S^T G  = W - gamma H_B G;
 *         right: A_S (r x n), W <- W - gamma G A_S^T (A_S A_S^T)^+ A_S = W - gamma G H_A
 *         (racStep; the r x r pseudo-inverse in float64 on the host, applied on the device as
 *         S (Gp (S^T G)) or ((G S^T) Gp) S, so H is never formed)
 *   full  full-parameter gradient descent: W <- W - gamma G              (fpftStep)
 * with G = grad f(W_t) (the batch gradient in mini-batch runs).
 *
 * What a record holds besides J (the loss at W_t) and Gnorm = ||grad f(W_t)||:
 *   method  Vsq                          gradJsq                                extra
 *   asym    ||B_t||^2 + ||A||^2          ||G A^T||^2 (the gradient in B)
 *   cola    ||B_t||^2 + ||A_t||^2 (link) ||grad J(V_t)||^2 of the link, (7)
 *   rac     ||W_t - W0||^2               ||G||^2                                HgradSq = ||H_t G||^2, gamma
 *   full    ||W_t - W0||^2               ||G||^2                                gamma
 * Step rules: cola takes LoRA's (theory (8) on the link's V, adapt, adapt2, norm) and the
 * constant ones; asym, rac and full take a constant gamma (const:<lr>) or gamma = c / L with L
 * the loss's own constant (<c>/L): (8) is a rule for LoRA's J(V), not for these updates.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Backend } from './backend.ts';
import type { Rng } from './rng.ts';
import { drawSketchData, SketchAhead, sketchAheadWorkers, type SketchData } from './sketch-draw.ts';
import { customKernelsEnabled } from './webgpu-kernels.ts';
import { constantRule, roundDownF32, ruleAlpha, stepSize, type RuleKind } from './rules.ts';
import { axpyWebgpu, planSizes, recordKernelApplies, recordPlan, rowSquaresApply, rowSquaresWebgpu, stepRecordWebgpu, updateWebgpu } from './step-webgpu.ts';
import {
  DEFAULT_READ_AFTER_MS,
  DEFAULT_READ_EVERY,
  TrainError,
  batchOrder,
  checkBatch,
  deviceEtaAboveRule,
  distanceRows,
  etaAboveRuleError,
  fullLossAt,
  nonFinite,
  readFinalWeights,
  recordsDistance,
  rowSq,
  sum64,
  traceHeader,
  type Method,
  type Sketch,
  type TrainConfig,
  type TrainHooks,
  type TrainResult,
} from './train-common.ts';
import type { DivergenceRecord, StepRecord, SummaryRecord, TraceSink } from './trace.ts';
import { matMulT } from './workloads/matmul.ts';
import type { Workload } from './workloads/types.ts';

/** The step rules each method takes (see the table above). */
export const METHOD_RULES: Readonly<Record<Method, readonly RuleKind[]>> = {
  lora: ['theory', 'adapt', 'adapt2', 'norm', 'const', 'overL'],
  cola: ['theory', 'adapt', 'adapt2', 'norm', 'const', 'overL'],
  asym: ['const', 'overL'],
  rac: ['const', 'overL'],
  full: ['const', 'overL'],
};

/** Default chain-link length: COLA merges every 50 steps; RAC-LoRA draws a sketch per step (its public code). */
export const DEFAULT_LINK_STEPS: Readonly<Record<'cola' | 'rac', number>> = { cola: 50, rac: 1 };

/** A method option that does not fit; `option` names it (the CLI's flag has the same name). */
export class MethodError extends TrainError {
  constructor(
    readonly option: 'rule' | 'sketch' | 'link-steps',
    message: string,
  ) {
    super(message);
  }
}

/** Checks a method's options against each other (MethodError names what does not fit). */
export function checkMethod(cfg: Pick<TrainConfig, 'method' | 'rule' | 'sketch' | 'linkSteps'>): void {
  const method = cfg.method ?? 'lora';
  if (!METHOD_RULES[method].includes(cfg.rule.kind))
    throw new MethodError('rule', `method ${method} takes the rules ${METHOD_RULES[method].map((k) => (k === 'const' ? 'const:<lr>' : k === 'overL' ? '<c>/L' : k)).join(', ')}, not ${cfg.rule.text}`);
  if (cfg.sketch !== undefined && method !== 'rac') throw new MethodError('sketch', `the sketch applies to method rac, not ${method}`);
  if (cfg.linkSteps !== undefined && method !== 'rac' && method !== 'cola') throw new MethodError('link-steps', `chain links apply to methods cola and rac, not ${method}`);
  if (cfg.linkSteps !== undefined && !(Number.isInteger(cfg.linkSteps) && cfg.linkSteps >= 1)) throw new MethodError('link-steps', `${cfg.linkSteps} steps per link: must be an integer >= 1`);
}

/** A sketch and the inverse of its Gram matrix, which apply H without forming it: left,
 *  H G = S (Gp (S^T G)); right, G H = ((G S^T) Gp) S, with Gp = (S^T S)^+ or (S S^T)^+ (r x r). */
interface SketchPair {
  S: Tensor2D;
  Gp: Tensor2D;
}

/** How long a rac run waits for its first sketch thread to start (sketch-draw.ts SketchAhead). */
const SKETCH_WAIT_MS = 3000;

/** A sketch drawn on the host (sketch-draw.ts) as tensors. */
function sketchTensors(tf: Backend['tf'], d: SketchData): SketchPair {
  return { S: tf.tensor2d(d.data, [d.rows, d.cols]), Gp: tf.tensor2d(Float32Array.from(d.Gp), [d.r, d.r]) };
}

/**
 * The order of a record's segments as read back: the packed partials of the host-eta path (J
 * next to G, so that a workload kernel's [J terms | ||G||^2 rows] vector is taken whole), or
 * the record kernel's [J | full | V | G | D | eta] (step-webgpu.ts); ||W_t - W*||^2 rows last.
 */
const HOST_ORDER = ['J', 'full', 'G', 'V', 'D', 'H', 'dist'] as const;
const DEVICE_ORDER = ['J', 'full', 'V', 'G', 'D', 'eta', 'dist'] as const;

/** The trained state of one matrix. */
interface State {
  /** full, rac: W itself. */
  W?: Tensor2D;
  /** cola: the merged base W0' (asym: the frozen W0, or null). */
  base?: Tensor2D | null;
  B?: Tensor2D;
  A?: Tensor2D;
  sketch?: SketchPair;
}

export async function trainMethod(backend: Backend, w: Workload, rng: Rng, cfg: TrainConfig, sink: TraceSink, hooks: TrainHooks = {}): Promise<TrainResult> {
  const tf = backend.tf;
  const method = cfg.method as Exclude<Method, 'lora'>;
  checkBatch(w, cfg);
  checkMethod(cfg);
  if (w.Lestimated || w.Lloss === undefined) throw new TrainError(`method ${method} needs a workload whose L is known (${w.name} estimates it along the run)`);
  const K = w.shapes.length;
  const r = cfg.rank;
  const Lloss = w.Lloss;
  const rule = constantRule(cfg.rule, Lloss);
  const alpha = ruleAlpha(rule, cfg.alpha);
  const Ltheory = Math.max((K > 1 ? 2 : 1) * Lloss, 1);
  const side: Sketch = cfg.sketch ?? 'left';
  const linkSteps = cfg.linkSteps ?? (method === 'cola' || method === 'rac' ? DEFAULT_LINK_STEPS[method] : undefined);
  const sigmas = w.shapes.map((s) => cfg.sigma ?? 1 / Math.sqrt(s.n));
  const INIT: Record<typeof method, string> = {
    asym: `A ~ N(0, sigma^2) drawn once and frozen, B = ${cfg.init === 'paper' ? '0' : 'N(0, sigma^2)'}`,
    cola: `each link: ${cfg.init === 'paper' ? 'B = 0' : 'B ~ N(0, sigma^2)'}, A ~ N(0, sigma^2); merged into W0 every ${linkSteps} steps`,
    rac: `W = W0; a ${side} Gaussian sketch (entries N(0, 1)) every ${linkSteps} step(s)`,
    full: 'W = W0 (the rank does not apply)',
  };
  // ||W0||^2: the verifier bounds the rounding of the stored W_t with it (gpu-runs/verify-family.ts)
  let W0sq = 0;
  for (const W0k of w.W0)
    if (W0k) {
      const sq = tf.tidy(() => tf.sum(tf.square(W0k)));
      W0sq += (await sq.data())[0]!;
      sq.dispose();
    }
  const header = traceHeader(backend, w, cfg, {
    r,
    L: Ltheory,
    Lloss,
    Lmethod: `${w.Lmethod}; theory uses max(${K > 1 ? '2 L (Lemma 3.6)' : 'L'}, 1); rac and full use the loss's L (Lloss)`,
    alpha,
    init: INIT[method],
    method,
    methodDetail: method === 'rac' ? { sketch: side, linkSteps: linkSteps!, W0sq } : method === 'cola' ? { linkSteps: linkSteps! } : method === 'full' ? { W0sq } : {},
    rankBound: w.rankBound?.(r),
  });
  sink.write(header);

  const zerosLike = (k: number): Tensor2D => tf.zeros([w.shapes[k]!.m, w.shapes[k]!.n]);
  const startW = (k: number): Tensor2D => (w.W0[k] ? (tf.clone(w.W0[k]!) as Tensor2D) : zerosLike(k));
  const newB = (k: number): Tensor2D => {
    const s = w.shapes[k]!;
    return cfg.init === 'paper' ? tf.zeros([s.m, r]) : tf.tensor2d(rng.gaussian(s.m * r, sigmas[k]!), [s.m, r]);
  };
  const newA = (k: number): Tensor2D => tf.tensor2d(rng.gaussian(r * w.shapes[k]!.n, sigmas[k]!), [r, w.shapes[k]!.n]);
  const states: State[] = w.shapes.map((_, k) => {
    if (method === 'full' || method === 'rac') return { W: startW(k) };
    if (method === 'asym') return { base: w.W0[k] ?? null, B: newB(k), A: newA(k) };
    return { base: startW(k), B: newB(k), A: newA(k) };
  });
  const weightsOf = (st: State): Tensor2D => {
    if (st.W) return st.W;
    const BA = tf.matMul(st.B!, st.A!) as Tensor2D;
    return st.base ? (tf.add(st.base, BA) as Tensor2D) : BA;
  };

  // rac: one sketch per matrix and chain link, from the run's stream. In a full-batch run nothing
  // else draws from it once the loop starts, so the coming sketches can be drawn ahead on worker
  // threads (sketch-draw.ts SketchAhead: the same numbers, in the same order).
  const sketchShapes = w.shapes.map((s) => ({ side, m: s.m, n: s.n, r }));
  const draws = method === 'rac' ? Math.ceil(cfg.steps / linkSteps!) * K : 0;
  const aheadWorkers = draws > 0 && cfg.batch === undefined ? sketchAheadWorkers(sketchShapes[0]!, draws, tf.getBackend() === 'webgpu' || backend.name === 'gpu') : 0;
  let ahead: SketchAhead | undefined;
  const nextSketch = (k: number): Promise<SketchData> | SketchData => (ahead ? ahead.take() : drawSketchData(rng, sketchShapes[k]!));

  /** The start of a chain link: a fresh sketch (rac); merge and re-initialise (cola, after the first link). */
  const startLink = async (t: number): Promise<void> => {
    for (const [k, st] of states.entries()) {
      if (method === 'rac') {
        if (st.sketch) [st.sketch.S, st.sketch.Gp].forEach((x) => x.dispose());
        st.sketch = sketchTensors(tf, await nextSketch(k));
      } else if (method === 'cola' && t > 0) {
        const merged = tf.tidy(() => tf.add(st.base!, tf.matMul(st.B!, st.A!)) as Tensor2D);
        [st.base!, st.B!, st.A!].forEach((x) => x.dispose());
        st.base = merged;
        st.B = newB(k);
        st.A = newA(k);
      }
    }
  };

  const nextBatch = batchOrder(tf, w, rng, cfg.batch);
  const distance = recordsDistance(w, cfg);
  const sparseFull = cfg.batch !== undefined && (cfg.fullJEvery ?? 1) > 1;
  // A constant step (every rule of asym, rac, full; cola's const:<lr> and <c>/L) needs nothing of
  // the record: the update is dispatched at once and, on webgpu, the records come back in
  // batches (a read-back through Dawn costs milliseconds). cola's rules that read the record do
  // the same on webgpu with eta from the record kernel (deviceEta). Elsewhere each record is read
  // back before the update, as before.
  const etaFixed = rule.kind === 'const' ? roundDownF32(stepSize(rule, alpha, { Vsq: 0, Gnorm: 0, J: 0, gradJsq: 0, L: Ltheory })) : undefined;
  const webgpu = tf.getBackend() === 'webgpu';
  const deviceEta = method === 'cola' && etaFixed === undefined && webgpu && customKernelsEnabled() && process.env.LORACHECK_COLA_HOST_ETA !== '1';
  const readEvery = webgpu && (etaFixed !== undefined || deviceEta) ? Math.max(1, cfg.readEvery ?? DEFAULT_READ_EVERY) : 1;
  const readAfterMs = cfg.readAfterMs ?? DEFAULT_READ_AFTER_MS;
  const fusedRows = (mats: Tensor2D[]): boolean => webgpu && rowSquaresApply(tf, mats);
  const t0 = performance.now();
  let lastRead = performance.now();
  let last: StepRecord | undefined;
  let divergence: DivergenceRecord | undefined;
  let interrupted = false;
  let finalW: Float32Array[] | undefined;
  let etaAboveRule: string | undefined;
  type Segment = (typeof HOST_ORDER)[number] | (typeof DEVICE_ORDER)[number];
  type Sizes = Record<Segment, number>;
  const pending: { t: number; packed: Tensor1D; extra?: Tensor1D; sizes: Sizes; Jscale: number; fullScale: number; etaOnDevice: boolean }[] = [];

  /** Host float64 sums of the float32 partials, and eta (the device's, or the rule's here): one record. */
  const unpack = (vals: Float32Array, at: number, p: (typeof pending)[number], time_ms: number): StepRecord => {
    const { sizes } = p;
    const sum = {} as Sizes;
    let off = at;
    for (const g of p.etaOnDevice ? DEVICE_ORDER : HOST_ORDER) {
      sum[g] = sum64(vals, off, off + sizes[g]);
      off += sizes[g];
    }
    const Jstep = p.Jscale * sum.J;
    const Jfull = sizes.full ? p.fullScale * sum.full : Jstep;
    const Vsq = sum.V;
    const Gnorm = Math.sqrt(sum.G);
    // rac and full: the direction's gradient is G itself (the table above), its partials not repeated
    const gradJsq = method === 'rac' || method === 'full' ? sum.G : sum.D;
    const eta = p.etaOnDevice ? sum.eta : (etaFixed ?? roundDownF32(stepSize(rule, alpha, { Vsq, Gnorm, J: Jstep, gradJsq, L: Ltheory })));
    const rec: StepRecord = { type: 'step', t: p.t, J: sparseFull ? Jstep : Jfull, Vsq, Gnorm, gradJsq, eta, time_ms };
    if (cfg.batch !== undefined) rec.batchJ = Jstep;
    if (sparseFull && sizes.full) rec.fullJ = Jfull;
    if (sizes.H) rec.HgradSq = sum.H;
    if (method === 'rac' || method === 'full') rec.gamma = eta;
    if (sizes.dist) rec.distSq = sum.dist;
    return rec;
  };

  /** Reads the pending records back (one download) and writes them; false when the run ends here (diverged, or stopped after a record). */
  const readBack = async (): Promise<boolean> => {
    if (pending.length === 0) return true;
    const parts = pending.flatMap((p) => (p.extra ? [p.packed, p.extra] : [p.packed]));
    const all = parts.length === 1 ? parts[0]! : (tf.concat(parts) as Tensor1D);
    const vals = (await all.data()) as Float32Array;
    const time_ms = performance.now() - t0;
    lastRead = performance.now();
    if (all !== parts[0]) all.dispose();
    const batch = pending.splice(0, pending.length);
    batch.forEach((p) => {
      p.packed.dispose();
      p.extra?.dispose();
    });
    let off = 0;
    for (const p of batch) {
      const at = off;
      off += p.packed.shape[0] + (p.extra?.shape[0] ?? 0);
      if (divergence || interrupted) continue;
      const rec = unpack(vals, at, p, time_ms);
      const bad = nonFinite(rec);
      if (bad) {
        divergence = { type: 'divergence', t: p.t, reason: bad };
        sink.write(divergence);
        continue;
      }
      if (p.etaOnDevice) etaAboveRule ??= deviceEtaAboveRule(rule, alpha, rec, Ltheory);
      sink.write(rec);
      last = rec;
      hooks.onRecord?.(rec);
      // Stop (Ctrl-C) after recording W_t: the summary's steps = the last t; later work is dropped.
      if (p.t < cfg.steps && hooks.shouldStop?.()) interrupted = true;
    }
    return divergence === undefined && !interrupted;
  };

  /** param <- param - eta dir, simultaneously for every parameter (the directions were computed at W_t). */
  const update = (targets: { of: State; key: 'W' | 'B' | 'A' }[], dirs: Tensor2D[], eta: number): void =>
    dirs.forEach((dir, i) => {
      const { of, key } = targets[i]!;
      const old = of[key]!;
      of[key] = tf.tidy(() => (webgpu && customKernelsEnabled() ? axpyWebgpu(tf, old, dir, eta) : (tf.sub(old, tf.mul(dir, eta)) as Tensor2D)));
      old.dispose();
      dir.dispose();
    });

  try {
    if (aheadWorkers > 0) {
      ahead = new SketchAhead(rng, sketchShapes, draws, aheadWorkers);
      // the threads start in a fraction of a second; the main thread would spend about that long
      // drawing the first sketches itself, so it waits (at most SKETCH_WAIT_MS, then draws any a
      // worker has not sent)
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([ahead.whenReady, new Promise<void>((res) => (timer = setTimeout(res, SKETCH_WAIT_MS)))]);
      clearTimeout(timer);
    }
    for (let t = 0; t <= cfg.steps; t++) {
      await new Promise<void>((res) => setImmediate(res));
      if (hooks.shouldStop?.()) {
        interrupted = true;
        break;
      }
      if (linkSteps !== undefined && t % linkSteps === 0 && t < cfg.steps) await startLink(t);
      const batch = nextBatch();
      const final = t === cfg.steps;
      const sizes: Sizes = { J: 0, full: 0, V: 0, G: 0, D: 0, H: 0, eta: 0, dist: 0 };
      let Jscale = 1;
      let fullScale = 1;
      // Each parameter and the direction it moves along (param <- param - eta dir): targets[i] moves along dirs[i].
      const targets: { of: State; key: 'W' | 'B' | 'A' }[] = [];
      const step = tf.tidy(() => {
        const W = states.map(weightsOf);
        const lg = w.lossGrad(W, batch);
        const full = batch && fullLossAt(cfg, t) ? w.loss(W) : undefined;
        Jscale = lg.Jscale;
        fullScale = full?.Jscale ?? 1;
        const dirs: Tensor2D[] = [];
        const move = (of: State, key: 'W' | 'B' | 'A', dir: Tensor2D): void => {
          targets.push({ of, key });
          dirs.push(dir);
        };
        const V: Tensor2D[] = [];
        const D: Tensor2D[] = [];
        const H: Tensor2D[] = [];
        states.forEach((st, k) => {
          const G = lg.G[k]!;
          const W0k = w.W0[k];
          if (method === 'full' || method === 'rac') {
            V.push(W0k ? (tf.sub(st.W!, W0k) as Tensor2D) : st.W!);
            let dir = G;
            if (method === 'rac') {
              // H G without forming H (m x m or n x n): left S (Gp (S^T G)), right ((G S^T) Gp) S
              const { S, Gp } = st.sketch!;
              dir =
                side === 'left'
                  ? matMulT(tf, S, matMulT(tf, Gp, matMulT(tf, S, G, true, false)))
                  : matMulT(tf, matMulT(tf, matMulT(tf, G, S, false, true), Gp), S);
              H.push(dir);
            }
            move(st, 'W', dir);
          } else {
            V.push(st.B!, st.A!);
            const gB = matMulT(tf, G, st.A!, false, true);
            move(st, 'B', gB);
            D.push(gB);
            if (method === 'cola') {
              const gA = matMulT(tf, st.B!, G, true, false);
              move(st, 'A', gA);
              D.push(gA);
            }
          }
        });
        if (deviceEta) {
          const plan = recordPlan(lg, full, V, D);
          if (recordKernelApplies(tf, plan)) {
            // cola on webgpu: the record with eta (the rule on this link's V, L = Ltheory), and
            // step (3) with that eta, without waiting for the host
            const { record, etaIndex } = stepRecordWebgpu(tf, plan, rule, alpha, Ltheory, lg.Jscale);
            const extra = distance ? distanceRows(tf, W, w.optimum!) : undefined;
            Object.assign(sizes, planSizes(plan), { eta: 1, dist: extra?.shape[0] ?? 0 });
            const next = final ? [] : targets.map(({ of, key }, i) => updateWebgpu(tf, of[key]!, dirs[i]!, record, etaIndex));
            return { packed: record, extra, dirs: [], next, etaOnDevice: true };
          }
        }
        // per-row partials in the order J, full, G, V, D, H (unpack reads them so); on webgpu every
        // matrix's rows in one dispatch (step-webgpu.ts rowSquaresWebgpu), sizes split back below
        const rowsOf = (ms: Tensor2D[]): Tensor1D[] => (ms.length === 0 ? [] : fusedRows(ms) ? [rowSquaresWebgpu(tf, ms)] : ms.map((x) => rowSq(tf, x)));
        const rowCount = (ms: Tensor2D[]) => ms.reduce((n, x) => n + x.shape[0], 0);
        // a workload kernel's [J terms | ||G||^2 rows] vector, taken whole (no slices) where nothing sits between them
        const rt = lg.rowTerms;
        const whole = !full && rt && rt.G.length === 1 && rt.J.copy === rt.G[0]!.copy && rt.J.from === 0 && rt.G[0]!.from === rt.J.length && rt.J.copy.shape[0] === rt.J.length + rt.G[0]!.length;
        // (GrowSq is a getter that slices: not read when the whole vector is taken)
        const Gm = whole || lg.GrowSq ? [] : lg.G;
        const matrices = [...Gm, ...V, ...D, ...H];
        const fusedAll = matrices.length > 0 && fusedRows(matrices);
        const groups: [keyof Sizes, Tensor1D[]][] = [
          ...(whole
            ? ([['J', [rt.J.copy]]] as [keyof Sizes, Tensor1D[]][])
            : ([
                ['J', [lg.Jterms]],
                ['full', full ? [full.Jterms] : []],
              ] as [keyof Sizes, Tensor1D[]][])),
          ['G', whole ? [] : (lg.GrowSq ?? (fusedAll ? [] : rowsOf(lg.G)))],
          ...(fusedAll
            ? ([['V', [rowSquaresWebgpu(tf, matrices)]]] as [keyof Sizes, Tensor1D[]][])
            : ([
                ['V', rowsOf(V)],
                ['D', rowsOf(D)],
                ['H', rowsOf(H)],
              ] as [keyof Sizes, Tensor1D[]][])),
          ['dist', distance ? [distanceRows(tf, W, w.optimum!)] : []],
        ];
        const parts: Tensor1D[] = [];
        for (const [g, vs] of groups)
          for (const v of vs) {
            sizes[g] += v.shape[0];
            parts.push(v);
          }
        if (whole) {
          sizes.J = rt.J.length;
          sizes.G = rt.G[0]!.length;
        }
        if (fusedAll) {
          sizes.G += rowCount(Gm);
          sizes.V = rowCount(V);
          sizes.D = rowCount(D);
          sizes.H = rowCount(H);
        }
        return { packed: tf.concat(parts) as Tensor1D, extra: undefined, dirs: final ? [] : dirs, next: undefined, etaOnDevice: false };
      });
      batch?.dispose();
      pending.push({ t, packed: step.packed, ...(step.extra ? { extra: step.extra } : {}), sizes, Jscale, fullScale, etaOnDevice: step.etaOnDevice });
      // the device already took step (3) (deviceEta): the new (B, A) replace the old
      step.next?.forEach((x, i) => {
        const { of, key } = targets[i]!;
        of[key]!.dispose();
        of[key] = x;
      });
      if (etaFixed !== undefined) update(targets, step.dirs, etaFixed);
      // eta is the host's rule on this record: read it back now (free on the CPU backends)
      const waits = etaFixed === undefined && !step.etaOnDevice;
      if (waits || final || pending.length >= readEvery || performance.now() - lastRead > readAfterMs) {
        const going = await readBack();
        if (waits) {
          if (going && !final) update(targets, step.dirs, last!.eta);
          else step.dirs.forEach((d) => d.dispose());
        }
        if (!going) break;
      }
    }
    if (!divergence && !interrupted) await readBack();
    if (cfg.keepFinal) {
      finalW = await readFinalWeights(tf, () => states.map((st) => tf.clone(weightsOf(st)) as Tensor2D));
    }
  } finally {
    await ahead?.close();
    pending.forEach((p) => {
      p.packed.dispose();
      p.extra?.dispose();
    });
    for (const st of states) {
      [st.W, st.B, st.A, st.sketch?.S, st.sketch?.Gp].forEach((x) => x?.dispose());
      if (method === 'cola') st.base?.dispose();
    }
  }

  if (etaAboveRule) throw etaAboveRuleError(etaAboveRule);

  const summary: SummaryRecord = {
    type: 'summary',
    steps: divergence ? divergence.t : (last?.t ?? 0),
    finalJ: last ? last.J : null,
    diverged: divergence !== undefined,
    ...(interrupted ? { interrupted: true } : {}),
    wall_ms: performance.now() - t0,
  };
  sink.write(summary);
  const sketchesAhead = ahead ? { workers: aheadWorkers, fromWorkers: ahead.fromWorkers, drawn: ahead.drawn } : undefined;
  return { header, summary, last, divergence, ...(finalW ? { finalW } : {}), ...(sketchesAhead ? { sketchesAhead } : {}) };
}
