"""Prints the cell `In [16]` replay's arrays with NumPy: cell16_numpy.txt.

Reads cell16_values.txt (the exact bits of the replay's W, X, D, dLdD,
dLdW and dLdX, written by `cargo run -p backprop-notebook --example
cell16_values`) and prints them exactly as the notebook cell does,
`print(f"W: {W}")` and so on, so the expected text comes from NumPy and
never from our own formatter.

It also recomputes D = W.dot(X), dW = dD.dot(X.T) and dX = W.T.dot(dD)
with NumPy and refuses to print if ours differ by more than 1e-15 per
element (a guard that the values file is consistent, not a test).

Regenerate (from the repository root) with:

    python3 crates/notebook/tests/data/gen_cell16_numpy.py \
        crates/notebook/tests/data/cell16_values.txt \
        > crates/notebook/tests/data/cell16_numpy.txt
"""

import struct
import sys

import numpy as np

arrays = {}
with open(sys.argv[1]) as f:
    for line in f:
        if line.startswith("#"):
            continue
        name, rows, cols, *hexes = line.split()
        values = [struct.unpack(">d", bytes.fromhex(h))[0] for h in hexes]
        arrays[name] = np.array(values, dtype=np.float64).reshape(int(rows), int(cols))

W, X, D, dD, dW, dX = (arrays[k] for k in ("W", "X", "D", "dLdD", "dLdW", "dLdX"))
for ours, numpys in ((D, W.dot(X)), (dW, dD.dot(X.T)), (dX, W.T.dot(dD))):
    assert np.max(np.abs(ours - numpys)) <= 1e-15, (ours, numpys)

print(f"W: {W}")
print(f"X: {X}")
print(f"D: {D}")
print(f"dLdD: {dD}")
print(f"dLdW: {dW}")
print(f"dLdX: {dX}")
