"""The NumPy side of `cargo xtask bench`'s `train_spiral` row: one training
step of the CS231n case study's two-layer network (spiral data, N = 100
points per class, K = 3 classes, D = 2, h = 100 hidden units, step size 1.0,
reg 1e-3), the case study's code as written (`cs231n_case_study.py`).

    python3 xtask/scripts/numpy_train_spiral.py [--runs R] [--steps S]

Prints one JSON line: {"op":"train_spiral_numpy","steps":S,"numpy_step_s":..}
where numpy_step_s is the best of R timed batches of S steps (after one
untimed batch), divided by S.
"""

import argparse
import json
import time

import numpy as np

from cs231n_case_study import network_step, spiral


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()

    np.random.seed(0)
    X, y = spiral()
    D, K, h = 2, 3, 100
    W = 0.01 * np.random.randn(D, h)
    b = np.zeros((1, h))
    W2 = 0.01 * np.random.randn(h, K)
    b2 = np.zeros((1, K))
    step_size, reg = 1e-0, 1e-3

    def batch():
        for _ in range(args.steps):
            network_step(X, y, W, b, W2, b2, step_size, reg)

    batch()  # warm-up
    best = float("inf")
    for _ in range(args.runs):
        start = time.perf_counter()
        batch()
        best = min(best, time.perf_counter() - start)
    print(json.dumps({
        "op": "train_spiral_numpy",
        "steps": args.steps,
        "numpy_step_s": best / args.steps,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
