"""The NumPy side of `cargo xtask bench`'s `train_spiral` row: one training
step of the CS231n case study's two-layer network (spiral data, N = 100
points per class, K = 3 classes, D = 2, h = 100 hidden units, step size 1.0,
reg 1e-3), written exactly as the case study writes it.

    python3 xtask/scripts/numpy_train_spiral.py [--runs R] [--steps S]

Prints one JSON line: {"op":"train_spiral_numpy","steps":S,"numpy_step_s":..}
where numpy_step_s is the best of R timed batches of S steps (after one
untimed batch), divided by S.
"""

import argparse
import json
import time

import numpy as np


def spiral(N=100, D=2, K=3):
    X = np.zeros((N * K, D))  # data matrix (each row = single example)
    y = np.zeros(N * K, dtype="uint8")  # class labels
    for j in range(K):
        ix = range(N * j, N * (j + 1))
        r = np.linspace(0.0, 1, N)  # radius
        t = np.linspace(j * 4, (j + 1) * 4, N) + np.random.randn(N) * 0.2  # theta
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


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
    step_size = 1e-0
    reg = 1e-3
    num_examples = X.shape[0]

    def steps(n):
        nonlocal W, b, W2, b2
        for i in range(n):
            # evaluate class scores, [N x K]
            hidden_layer = np.maximum(0, np.dot(X, W) + b)  # note, ReLU activation
            scores = np.dot(hidden_layer, W2) + b2

            # compute the class probabilities
            exp_scores = np.exp(scores)
            probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)  # [N x K]

            # compute the loss: average cross-entropy loss and regularization
            correct_logprobs = -np.log(probs[range(num_examples), y])
            data_loss = np.sum(correct_logprobs) / num_examples
            reg_loss = 0.5 * reg * np.sum(W * W) + 0.5 * reg * np.sum(W2 * W2)
            loss = data_loss + reg_loss

            # compute the gradient on scores
            dscores = probs
            dscores[range(num_examples), y] -= 1
            dscores /= num_examples

            # backpropate the gradient to the parameters
            # first backprop into parameters W2 and b2
            dW2 = np.dot(hidden_layer.T, dscores)
            db2 = np.sum(dscores, axis=0, keepdims=True)
            # next backprop into hidden layer
            dhidden = np.dot(dscores, W2.T)
            # backprop the ReLU non-linearity
            dhidden[hidden_layer <= 0] = 0
            # finally into W,b
            dW = np.dot(X.T, dhidden)
            db = np.sum(dhidden, axis=0, keepdims=True)

            # add regularization gradient contribution
            dW2 += reg * W2
            dW += reg * W

            # perform a parameter update
            W += -step_size * dW
            b += -step_size * db
            W2 += -step_size * dW2
            b2 += -step_size * db2
        return loss

    steps(args.steps)  # warm-up
    best = float("inf")
    for _ in range(args.runs):
        start = time.perf_counter()
        steps(args.steps)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({
        "op": "train_spiral_numpy",
        "steps": args.steps,
        "numpy_step_s": best / args.steps,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
