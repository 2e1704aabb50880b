"""The CS231n "minimal neural network case study" in NumPy, as the case study
writes it: the spiral generator and one training step of each model. Used by
`numpy_train_spiral.py` (the NumPy side of `cargo xtask bench`'s
`train_spiral` row) and `replay_spiral.py` (replays a `spiral --json` run).
"""

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


def softmax_loss(scores, y):
    """The average cross-entropy loss and the gradient on the scores."""
    num_examples = scores.shape[0]
    # compute the class probabilities
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)  # [N x K]
    # compute the loss: average cross-entropy loss
    correct_logprobs = -np.log(probs[range(num_examples), y])
    data_loss = np.sum(correct_logprobs) / num_examples
    # compute the gradient on scores
    dscores = probs
    dscores[range(num_examples), y] -= 1
    dscores /= num_examples
    return data_loss, dscores


def linear_step(X, y, W, b, step_size, reg):
    """One step of the softmax linear classifier; updates W and b in place
    and returns the loss before the update."""
    scores = np.dot(X, W) + b
    data_loss, dscores = softmax_loss(scores, y)
    loss = data_loss + 0.5 * reg * np.sum(W * W)
    dW = np.dot(X.T, dscores)
    db = np.sum(dscores, axis=0, keepdims=True)
    dW += reg * W  # regularization gradient
    W += -step_size * dW
    b += -step_size * db
    return loss


def network_step(X, y, W, b, W2, b2, step_size, reg):
    """One step of the two-layer network; updates the parameters in place
    and returns the loss before the update."""
    # evaluate class scores, [N x K]
    hidden_layer = np.maximum(0, np.dot(X, W) + b)  # note, ReLU activation
    scores = np.dot(hidden_layer, W2) + b2
    data_loss, dscores = softmax_loss(scores, y)
    reg_loss = 0.5 * reg * np.sum(W * W) + 0.5 * reg * np.sum(W2 * W2)
    loss = data_loss + reg_loss
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


def predict_linear(X, W, b):
    return np.argmax(np.dot(X, W) + b, axis=1)


def predict_network(X, W, b, W2, b2):
    hidden_layer = np.maximum(0, np.dot(X, W) + b)
    return np.argmax(np.dot(hidden_layer, W2) + b2, axis=1)
