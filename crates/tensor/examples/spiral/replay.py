"""Replays a `spiral` example run in NumPy, with the CS231n case study's own
code, and compares the losses with the ones the Rust run recorded.

    cargo run --release --example spiral -- --json run.json
    python3 crates/tensor/examples/spiral/replay.py run.json

The data set and the initial parameters come from the JSON dump (our random
generator differs from NumPy's); everything else is the case study's code as
written. The first `--strict` iterations (default 1000) must agree within
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


def softmax_step(scores, y):
    """The case study's loss and dscores."""
    num_examples = scores.shape[0]
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    correct_logprobs = -np.log(probs[range(num_examples), y])
    data_loss = np.sum(correct_logprobs) / num_examples
    dscores = probs
    dscores[range(num_examples), y] -= 1
    dscores /= num_examples
    return data_loss, dscores


def linear(X, y, run, iterations):
    W = np.array(run["W"])
    b = np.array(run["b"]).reshape(1, -1)
    step_size, reg = run["step_size"], run["reg"]
    losses = []
    for _ in range(iterations):
        scores = np.dot(X, W) + b
        data_loss, dscores = softmax_step(scores, y)
        losses.append(data_loss + 0.5 * reg * np.sum(W * W))
        dW = np.dot(X.T, dscores)
        db = np.sum(dscores, axis=0, keepdims=True)
        dW += reg * W
        W += -step_size * dW
        b += -step_size * db
    predicted_class = np.argmax(np.dot(X, W) + b, axis=1)
    return losses, np.mean(predicted_class == y)


def network(X, y, run, iterations):
    W = np.array(run["W"])
    b = np.array(run["b"]).reshape(1, -1)
    W2 = np.array(run["W2"])
    b2 = np.array(run["b2"]).reshape(1, -1)
    step_size, reg = run["step_size"], run["reg"]
    losses = []
    for _ in range(iterations):
        hidden_layer = np.maximum(0, np.dot(X, W) + b)
        scores = np.dot(hidden_layer, W2) + b2
        data_loss, dscores = softmax_step(scores, y)
        reg_loss = 0.5 * reg * np.sum(W * W) + 0.5 * reg * np.sum(W2 * W2)
        losses.append(data_loss + reg_loss)
        dW2 = np.dot(hidden_layer.T, dscores)
        db2 = np.sum(dscores, axis=0, keepdims=True)
        dhidden = np.dot(dscores, W2.T)
        dhidden[hidden_layer <= 0] = 0
        dW = np.dot(X.T, dhidden)
        db = np.sum(dhidden, axis=0, keepdims=True)
        dW2 += reg * W2
        dW += reg * W
        W += -step_size * dW
        b += -step_size * db
        W2 += -step_size * dW2
        b2 += -step_size * db2
    hidden_layer = np.maximum(0, np.dot(X, W) + b)
    predicted_class = np.argmax(np.dot(hidden_layer, W2) + b2, axis=1)
    return losses, np.mean(predicted_class == y)


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
