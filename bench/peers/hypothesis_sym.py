#!/usr/bin/env python3
"""Peer for bench/search.ts: a hand-written Hypothesis + numpy search for the same case as
loracheck's A2.sym without `symmetric`: Lemma A.2 (15), ||E1 M E2|| <= ||M|| / sqrt(2),
over ANY square M of size (m+n) x (m+n), m, n in 1..4 (the hypothesis "M symmetric" dropped).

What it measures, per seed: the wall time from the start of the Hypothesis run to the end of
shrinking (Hypothesis shrinks before it raises), and the shrunk example's sizes and entries.
Entries are small fractions p/q (|p| <= 9, q in {1, 2, 3, 4, 8}), like loracheck's generator,
evaluated in float64 with numpy (Hypothesis has no exact arithmetic; a tolerance of 1e-12
stands in for the exact confirmation). Usage: hypothesis_sym.py SEED [SEED ...]; prints one
JSON document.
"""
import json
import sys
import time

import numpy as np
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

SQRT2 = np.sqrt(2.0)


@st.composite
def square_input(draw):
    m = draw(st.integers(min_value=1, max_value=4))
    n = draw(st.integers(min_value=1, max_value=4))
    N = m + n
    entries = draw(
        st.lists(
            st.tuples(st.integers(min_value=-9, max_value=9), st.sampled_from([1, 2, 4, 3, 8])),
            min_size=N * N,
            max_size=N * N,
        )
    )
    M = np.array([p / q for p, q in entries], dtype=float).reshape(N, N)
    return m, n, M


def holds(m, n, M):
    N = m + n
    E1 = np.hstack([np.eye(m), np.zeros((m, n))])
    E2 = np.vstack([np.zeros((m, n)), np.eye(n)])
    lhs = np.linalg.norm(E1 @ M @ E2)
    rhs = np.linalg.norm(M) / SQRT2
    return lhs <= rhs + 1e-12 * max(1.0, rhs)


def run(s):
    found = {}

    @seed(s)
    @settings(max_examples=100000, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(square_input())
    def test(x):
        m, n, M = x
        if not holds(m, n, M):
            found["last"] = (m, n, M.tolist())
            raise AssertionError("(15) fails")

    t0 = time.perf_counter()
    try:
        test()
        ok = False
    except AssertionError:
        ok = True
    dt = time.perf_counter() - t0
    m, n, M = found.get("last", (None, None, None))
    return {"seed": s, "found": ok, "seconds": dt, "m": m, "n": n, "M": M}


if __name__ == "__main__":
    import hypothesis
    seeds = [int(a) for a in sys.argv[1:]] or [1, 2, 3, 4, 5]
    out = {"hypothesis": hypothesis.__version__, "numpy": np.__version__, "runs": [run(s) for s in seeds]}
    print(json.dumps(out))
