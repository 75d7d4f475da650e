/**
 * What the numbers of a trace can resolve. A trace records float scalars (J_t, ||V_t||^2,
 * ||G_t||, ||grad J(V_t)||^2, eta_t) computed from a float iterate V_t; a claim's comparison
 * is meaningful only where the margin it promises is larger than the rounding noise of the
 * values compared. Two sources of noise, both read off the header (README, "Precision"):
 *
 *  - `u`, the unit roundoff of the iterate's `dtype`: V_{t+1} = V_t - eta_t grad J(V_t) is
 *    stored rounded, ||dV|| <= 2u ||V_{t+1}|| (the product and the difference are each
 *    rounded), which moves J(V_{t+1}) by up to ||grad J|| ||dV|| to first order and
 *    ||V_{t+1}||^2 by up to 2 ||V_{t+1}|| ||dV||. No summation in higher precision removes it.
 *  - `relative`, the resolution of a recorded scalar relative to its magnitude:
 *      scalars reduced in the tensor dtype (`scalarDtype` = `dtype`, the default):
 *        512 ulps = 1024 u: 2^-14 for float32 (measured: a float32 tf.mean over 60000
 *        Fashion-MNIST losses is off by 62 ulps), 2^-43 for float64;
 *      scalars reduced in a narrower `scalarDtype` than `dtype` (mixed precision, e.g. a loss
 *        computed in bfloat16 from float32 weights): 1024 u of `scalarDtype`, the same rule;
 *      scalars accumulated in a wider dtype (loracheck's trainer: float64 sums of float32
 *        per-row partials, `scalarDtype: "float64"`): 16 u of the tensor dtype, 2^-20 for
 *        float32. Each per-row term is still a float32 evaluation at a float32 iterate:
 *        measured against J evaluated in float64 at the same iterate, under rule (8), the
 *        error was at most 1.4 u on penguins (342 rows, 400 steps) and 0.01 u on
 *        Fashion-MNIST (60000 rows); 16 u leaves a factor 11. (A constant step of 0.5 that
 *        overfits penguins reached 78 u at J = 0.015: cancellation in logsumexp(Z) - Z_y.
 *        The claims do not apply to such a rule, so this costs no verdict.)
 *      scalars evaluated in a wider dtype as well (`termDtype` = `scalarDtype`, e.g. a float32
 *        model whose loss and norms are computed in float64 at the stored iterate): 1024 u of
 *        that dtype, as for its own reductions (2^-43 for float64). Only `u` stays the tensor
 *        dtype's: the stored iterate's rounding does not go away.
 *
 * `--tol REL` replaces `relative`; `u` always follows the dtype.
 */
import type { TracePrecision } from '../theory/results.ts';
import type { TraceHeader } from './trace.ts';

/** Unit roundoff (half an ulp of 1) of the dtypes a trace may name. */
export const UNIT_ROUNDOFF: Readonly<Record<string, number>> = {
  float64: 2 ** -53,
  float32: 2 ** -24,
  float16: 2 ** -11,
  bfloat16: 2 ** -8,
};

const ALIASES: Readonly<Record<string, string>> = {
  double: 'float64',
  fp64: 'float64',
  f64: 'float64',
  single: 'float32',
  float: 'float32',
  fp32: 'float32',
  f32: 'float32',
  half: 'float16',
  fp16: 'float16',
  f16: 'float16',
  bf16: 'bfloat16',
};

/** The dtype's canonical name ("torch.float32", "fp32" -> "float32"), or undefined when unknown. */
export function canonicalDtype(name: string): string | undefined {
  const n = name.trim().toLowerCase().replace(/^(torch|numpy|np|jnp|tf)\./, '');
  const c = ALIASES[n] ?? n;
  return c in UNIT_ROUNDOFF ? c : undefined;
}

/** Reductions in the tensor dtype: 512 ulps (1024 u). */
export const SAME_DTYPE_ULPS = 1024;
/** Scalars accumulated in a wider dtype than the tensors: 16 u of the tensor dtype. */
export const WIDER_SUM_ULPS = 16;

export type PrecisionOrUnknown = { ok: TracePrecision } | { unknown: string };

/** The precision a trace's verdicts assume; `override` is --tol. */
export function tracePrecision(h: Pick<TraceHeader, 'dtype'> & { scalarDtype?: unknown; termDtype?: unknown }, override?: number): PrecisionOrUnknown {
  const dtype = canonicalDtype(h.dtype);
  if (!dtype) return { unknown: `dtype "${h.dtype}" has no known precision (one of ${Object.keys(UNIT_ROUNDOFF).join(', ')})` };
  const rawScalar = typeof h.scalarDtype === 'string' ? h.scalarDtype : h.dtype;
  const scalarDtype = canonicalDtype(rawScalar);
  if (!scalarDtype) return { unknown: `scalarDtype "${rawScalar}" has no known precision (one of ${Object.keys(UNIT_ROUNDOFF).join(', ')})` };
  const u = UNIT_ROUNDOFF[dtype]!;
  const uScalar = UNIT_ROUNDOFF[scalarDtype]!;
  const wider = uScalar < u;
  if (override !== undefined) return { ok: { dtype, scalarDtype, u, relative: override, basis: `--tol ${override}` } };
  const rawTerm = typeof h.termDtype === 'string' ? h.termDtype : undefined;
  const termDtype = rawTerm === undefined ? undefined : canonicalDtype(rawTerm);
  if (rawTerm !== undefined && !termDtype) return { unknown: `termDtype "${rawTerm}" has no known precision (one of ${Object.keys(UNIT_ROUNDOFF).join(', ')})` };
  if (wider && termDtype === scalarDtype) {
    const basis = `${dtype} iterate, scalars evaluated and summed in ${scalarDtype} (termDtype): ${SAME_DTYPE_ULPS / 2} ulps of ${scalarDtype}`;
    return { ok: { dtype, scalarDtype, u, relative: SAME_DTYPE_ULPS * uScalar, basis } };
  }
  if (wider) {
    const basis = `${dtype} tensors, scalars summed in ${scalarDtype}: ${WIDER_SUM_ULPS} u of ${dtype} (each summed term is still a ${dtype} evaluation)`;
    return { ok: { dtype, scalarDtype, u, relative: WIDER_SUM_ULPS * u, basis } };
  }
  // reduced in the tensor dtype, or in a narrower one (mixed precision: a loss computed in bfloat16 from float32 weights)
  const narrower = scalarDtype !== dtype ? ` (narrower than the ${dtype} tensors)` : '';
  const basis = `${scalarDtype} reductions: ${SAME_DTYPE_ULPS / 2} ulps of ${scalarDtype}${narrower}`;
  return { ok: { dtype, scalarDtype, u, relative: SAME_DTYPE_ULPS * uScalar, basis } };
}
