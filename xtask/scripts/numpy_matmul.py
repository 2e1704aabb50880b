#!/usr/bin/env python3
"""NumPy side of `cargo xtask bench --numpy`.

Prints one JSON object per shape with the best-of-N wall times (seconds) of
the forward product C = A @ B and of the backward pair dA = dC @ B^T,
dB = A^T @ dC, for batched shapes (B, M, K, N) in float64 or float32, and
what NumPy's BLAS ran on: its library ("backend"), its kernel family ("isa", e.g.
OpenBLAS's "SkylakeX" for AVX-512 or "Haswell" for AVX2) and its thread
count, read with threadpoolctl when that is installed ("unknown" if not).

    python3 -m pip install numpy threadpoolctl
    python3 xtask/scripts/numpy_matmul.py                      # default shapes, f64
    python3 xtask/scripts/numpy_matmul.py --dtype f32 --runs 15 64x128x128x128
"""
import argparse
import json
import time

import numpy as np

DEFAULT_SHAPES = ["1x512x512x512", "64x128x128x128", "16x256x256x256"]
DTYPES = {"f64": np.float64, "f32": np.float32}


def best(f, runs):
    f()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def blas_info():
    """(library, kernel family, threads) of NumPy's BLAS, as far as known."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown", "unknown", None
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return (pool.get("internal_api", "unknown"),
                    pool.get("architecture") or "unknown",
                    pool.get("num_threads"))
    return "unknown", "unknown", None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shapes", nargs="*", default=DEFAULT_SHAPES,
                        metavar="BxMxKxN")
    parser.add_argument("--dtype", choices=sorted(DTYPES), default="f64")
    parser.add_argument("--runs", type=int, default=7,
                        help="timed runs after one warm-up; the best counts")
    args = parser.parse_args()
    library, isa, threads = blas_info()
    rng = np.random.default_rng(0)
    dtype = DTYPES[args.dtype]
    for spec in args.shapes:
        b, m, k, n = (int(v) for v in spec.split("x"))
        a = rng.standard_normal((b, m, k)).astype(dtype)
        w = rng.standard_normal((b, k, n)).astype(dtype)
        dc = rng.standard_normal((b, m, n)).astype(dtype)
        fwd = best(lambda: a @ w, args.runs)
        bwd = best(lambda: (dc @ w.transpose(0, 2, 1), a.transpose(0, 2, 1) @ dc),
                   args.runs)
        print(json.dumps({
            "impl": "numpy", "dtype": args.dtype,
            "b": b, "m": m, "k": k, "n": n,
            "forward_s": fwd, "backward_s": bwd,
            "forward_gflops": 2 * b * m * k * n / fwd / 1e9,
            "numpy": np.__version__, "backend": library, "isa": isa,
            "threads": threads,
        }), flush=True)


if __name__ == "__main__":
    main()
