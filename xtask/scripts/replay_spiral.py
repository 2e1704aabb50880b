"""Replays a `spiral` example run in NumPy, with the CS231n case study's own
code, and compares the losses with the ones the Rust run recorded.

    cargo run --release --example spiral -- --json run.json
    python3 xtask/scripts/replay_spiral.py run.json

The data set and the initial parameters come from the JSON dump (our random
generator differs from NumPy's); everything else is the case study's code as
written (`cs231n_case_study.py`). The first `--strict` iterations (default 1000) must agree within
`--tolerance` (default 1e-9 relative; they agree to about 1e-12): exit
status 1 otherwise.

Over the network's full 10,000 iterations the two runs drift apart (about
1e-3 relative at the end) and the script says where: with step size 1.0 the
training has loss spikes that amplify any rounding difference. NumPy against
itself does the same — the case study's code with the scores shifted by
their row maximum before `np.exp` drifts from the unshifted code by 2e-3 over
the same run — so the drift measures the dynamics, not either engine. The
final accuracies agree.
"""

import argparse
import json
import sys

import numpy as np

from cs231n_case_study import linear_step, network_step, predict_linear, predict_network


def as_row(values):
    """A bias as the case study keeps it: shape (1, K)."""
    return np.array(values).reshape(1, -1)


def linear(X, y, run, iterations):
    W, b = np.array(run["W"]), as_row(run["b"])
    losses = [linear_step(X, y, W, b, run["step_size"], run["reg"]) for _ in range(iterations)]
    return losses, np.mean(predict_linear(X, W, b) == y)


def network(X, y, run, iterations):
    W, b = np.array(run["W"]), as_row(run["b"])
    W2, b2 = np.array(run["W2"]), as_row(run["b2"])
    losses = [
        network_step(X, y, W, b, W2, b2, run["step_size"], run["reg"])
        for _ in range(iterations)
    ]
    return losses, np.mean(predict_network(X, W, b, W2, b2) == y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", help="the JSON file written by `spiral --json`")
    parser.add_argument("--strict", type=int, default=1000,
                        help="the first N iterations must agree within the tolerance")
    parser.add_argument("--tolerance", type=float, default=1e-9)
    args = parser.parse_args()
    with open(args.dump) as f:
        run = json.load(f)
    X = np.array(run["X"])
    y = np.array(run["y"])
    failed = False
    for name, train in [("linear", linear), ("network", network)]:
        ours = run[name]["losses"]
        theirs, accuracy = train(X, y, run[name], len(ours))
        diffs = [abs(a - b) / abs(b) for a, b in zip(ours, theirs)]
        strict = min(args.strict, len(diffs))
        worst_strict = max(diffs[:strict])
        failed |= worst_strict > args.tolerance
        drift = next((i for i, d in enumerate(diffs) if d > args.tolerance), None)
        print(f"{name}: first {strict} iterations agree within {worst_strict:.1e} relative")
        if drift is not None:
            print(f"  from iteration {drift} on they differ by more than {args.tolerance:.0e}, "
                  f"at most {max(diffs):.1e}")
        print(f"  final loss {ours[-1]:.6f} (ours) vs {theirs[-1]:.6f} (NumPy); training "
              f"accuracy {run[name]['accuracy']:.2f} (ours) vs {accuracy:.2f} (NumPy)")
    if failed:
        print(f"replay: the first {args.strict} iterations differ by more than "
              f"{args.tolerance:.0e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
