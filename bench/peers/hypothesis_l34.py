#!/usr/bin/env python3
"""Peer for bench/search.ts: a hand-written Hypothesis + numpy search for the same ablation as
loracheck's `search --claim L34 --drop L_ge_1`: Lemma 3.4, (9)
    J(V - eta grad J(V)) <= J(V) - (eta / 4) ||grad J(V)||^2,  eta from (8),
for J(V) = L(B A), L a quadratic 1/2 <W - C, H (W - C)> with H = diag(d), 0 <= d <= L (so L
is the loss's smoothness constant, as `smooth` keeps it), and the stated L anywhere in (0, 1)
(the hypothesis "L >= 1" dropped). Sizes m, n in 1..3, r in 1..min(m, n). Entries are small
fractions p/q like loracheck's generator; C gets a scale 2^k, k in 0..10 (a failure needs
||G|| large against L, i.e. ||C|| of order 1/L). Evaluated in float64 with numpy (Hypothesis
has no exact arithmetic; a relative tolerance of 1e-12 stands in for loracheck's exact
confirmation).

What it measures, per seed: the wall time from the start of the Hypothesis run to the end of
shrinking (Hypothesis shrinks before it raises), and the shrunk example's sizes and entries.
Usage: hypothesis_l34.py SEED [SEED ...]; prints one JSON document. Without Hypothesis or numpy
it prints {"skipped": "..."} and exits 0, so that the bench reports it cannot run.
"""
import json
import math
import sys
import time

try:
    import numpy as np
    from hypothesis import HealthCheck, given, seed, settings
    from hypothesis import strategies as st
except ImportError as e:  # pragma: no cover - the bench says so
    print(json.dumps({"skipped": f"python3 lacks {e.name}: install python3-hypothesis and python3-numpy"}))
    sys.exit(0)

SQRT2 = math.sqrt(2.0)


def frac(lo=-9, hi=9):
    return st.tuples(st.integers(min_value=lo, max_value=hi), st.sampled_from([1, 2, 4, 3, 8])).map(lambda t: t[0] / t[1])


@st.composite
def l34_input(draw):
    m = draw(st.integers(min_value=1, max_value=3))
    n = draw(st.integers(min_value=1, max_value=3))
    r = draw(st.integers(min_value=1, max_value=min(m, n)))
    # stated L in (0, 1): 2^-e (1 + k/8), e in 1..10
    e = draw(st.integers(min_value=1, max_value=10))
    k = draw(st.integers(min_value=0, max_value=7))
    L = (1 + k / 8) * 2.0 ** (-e)
    # eigenvalues d in [0, L] (the loss is L-smooth: `smooth` kept)
    d = np.array(draw(st.lists(st.integers(min_value=0, max_value=8), min_size=m * n, max_size=m * n)), dtype=float) / 8 * L
    if not d.any():
        d[0] = L
    scale = 2.0 ** draw(st.integers(min_value=0, max_value=10))
    C = np.array(draw(st.lists(frac(), min_size=m * n, max_size=m * n)), dtype=float).reshape(m, n) * scale
    V = np.array(draw(st.lists(frac(), min_size=(m + n) * r, max_size=(m + n) * r)), dtype=float).reshape(m + n, r)
    return m, n, r, L, d.reshape(m, n), C, V


def J_and_grads(m, d, C, V):
    B, At = V[:m], V[m:]
    W = B @ At.T
    R = W - C
    J = 0.5 * float(np.sum(d * R * R))
    G = d * R
    gradJ = np.vstack([G @ At, G.T @ B])  # [G A^T; G^T B] = (7)
    return J, G, gradJ


def holds(x):
    m, n, r, L, d, C, V = x
    J0, G, gJ = J_and_grads(m, d, C, V)
    Vsq = float(np.sum(V * V))
    Gn = float(np.linalg.norm(G))
    den = 4 * SQRT2 * L * (Vsq + Gn)
    eta = 1.0 if den == 0 else min(1 / den, 1.0)  # (8)
    gsq = float(np.sum(gJ * gJ))
    J1, _, _ = J_and_grads(m, d, C, V - eta * gJ)
    rhs = J0 - eta / 4 * gsq
    return J1 <= rhs + 1e-12 * max(1.0, abs(J1), abs(rhs))


def run(s):
    found = {}

    @seed(s)
    @settings(max_examples=100000, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(l34_input())
    def test(x):
        if not holds(x):
            m, n, r, L, d, C, V = x
            found["last"] = {"m": m, "n": n, "r": r, "L": L, "d": d.tolist(), "C": C.tolist(), "V": V.tolist()}
            raise AssertionError("(9) fails")

    t0 = time.perf_counter()
    try:
        test()
        ok = False
    except AssertionError:
        ok = True
    dt = time.perf_counter() - t0
    last = found.get("last", {})
    return {"seed": s, "found": ok, "seconds": dt, **last}


if __name__ == "__main__":
    import hypothesis

    seeds = [int(a) for a in sys.argv[1:]] or [1, 2, 3, 4, 5]
    print(json.dumps({"hypothesis": hypothesis.__version__, "numpy": np.__version__, "runs": [run(s) for s in seeds]}))
