#!/usr/bin/env python3
"""Measure PyTorch's and JAX's value and gradient at every edge point of
backprop's gates, and print them as JSON (the committed `peers.json`).

    python3 -m pip install torch jax jaxlib numpy
    python3 crates/gates/tests/data/peers.py > crates/gates/tests/data/peers.json

Each row is keyed by the label backprop's edge table renders for it
(`<gate> at <point>`), so the test `edge_table.rs` can match them. Numbers
are Python `repr` strings ("0.0", "-0.0", "inf", "nan", ...): JSON has no
NaN or infinity, and the sign of zero matters here. Gradients are taken with
an upstream gradient of 1, in float64 and float32, with the peer's own
autograd (`torch.autograd.grad`, `jax.grad`); the exact peer function used
is recorded with each row.
"""

import json
import platform
import sys

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

NEG_ZERO = -0.0

# (label, torch function, its source text, jax function, its source text, inputs)
ROWS = [
    ("relu at 0", torch.relu, "torch.relu(x)", jax.nn.relu, "jax.nn.relu(x)", [0.0]),
    ("relu at -0", torch.relu, "torch.relu(x)", jax.nn.relu, "jax.nn.relu(x)", [NEG_ZERO]),
    (
        "leaky_relu(0.01) at 0",
        lambda x: F.leaky_relu(x, 0.01),
        "F.leaky_relu(x, 0.01)",
        lambda x: jax.nn.leaky_relu(x, 0.01),
        "jax.nn.leaky_relu(x, 0.01)",
        [0.0],
    ),
    ("abs at 0", torch.abs, "torch.abs(x)", jnp.abs, "jnp.abs(x)", [0.0]),
    ("abs at -0", torch.abs, "torch.abs(x)", jnp.abs, "jnp.abs(x)", [NEG_ZERO]),
    ("max at (1, 1)", torch.maximum, "torch.maximum(a, b)", jnp.maximum, "jnp.maximum(a, b)", [1.0, 1.0]),
    ("min at (1, 1)", torch.minimum, "torch.minimum(a, b)", jnp.minimum, "jnp.minimum(a, b)", [1.0, 1.0]),
    ("max at (-0, 0)", torch.maximum, "torch.maximum(a, b)", jnp.maximum, "jnp.maximum(a, b)", [NEG_ZERO, 0.0]),
    ("min at (-0, 0)", torch.minimum, "torch.minimum(a, b)", jnp.minimum, "jnp.minimum(a, b)", [NEG_ZERO, 0.0]),
]

for a, b in [(0.0, 0.0), (0.0, 1.0), (0.0, 2.0), (0.0, 0.5), (0.0, -1.0), (0.0, -0.5), (-2.0, 3.0)]:
    ROWS.append(
        (
            f"pow at ({a:g}, {b:g})",
            torch.pow,
            "torch.pow(a, b)",
            jnp.power,
            "jnp.power(a, b)",
            [a, b],
        )
    )

for n in [0, 2, -2]:
    ROWS.append(
        (
            f"powi({n}) at 0",
            lambda x, n=n: torch.pow(x, n),
            f"torch.pow(x, {n})",
            lambda x, n=n: x**n,
            f"x ** {n}",
            [0.0],
        )
    )

for c in [0.0, 0.5, 2.5, -1.5]:
    ROWS.append(
        (
            f"powf({c!r}) at 0",
            lambda x, c=c: torch.pow(x, c),
            f"torch.pow(x, {c!r})",
            lambda x, c=c: x**c,
            f"x ** {c!r}",
            [0.0],
        )
    )

ROWS += [
    ("sqrt at 0", torch.sqrt, "torch.sqrt(x)", jnp.sqrt, "jnp.sqrt(x)", [0.0]),
    ("sqrt at -0", torch.sqrt, "torch.sqrt(x)", jnp.sqrt, "jnp.sqrt(x)", [NEG_ZERO]),
    ("ln at 0", torch.log, "torch.log(x)", jnp.log, "jnp.log(x)", [0.0]),
    ("recip at 0", torch.reciprocal, "torch.reciprocal(x)", jnp.reciprocal, "jnp.reciprocal(x)", [0.0]),
    ("div at (1, 0)", torch.div, "torch.div(a, b)", jnp.divide, "jnp.divide(a, b)", [1.0, 0.0]),
    ("div at (0, 0)", torch.div, "torch.div(a, b)", jnp.divide, "jnp.divide(a, b)", [0.0, 0.0]),
]

for x in [1000.0, -1000.0]:
    ROWS += [
        (f"sigmoid at {x:g}", torch.sigmoid, "torch.sigmoid(x)", jax.nn.sigmoid, "jax.nn.sigmoid(x)", [x]),
        (f"softplus at {x:g}", F.softplus, "F.softplus(x)", jax.nn.softplus, "jax.nn.softplus(x)", [x]),
        (f"tanh at {x:g}", torch.tanh, "torch.tanh(x)", jnp.tanh, "jnp.tanh(x)", [x]),
    ]

# Clamp is no gate of ours; it is composed as min(max(x, lo), hi).
for x in [-1.0, 1.0]:
    ROWS.append(
        (
            f"clamp(-1, 1) at {x:g}",
            lambda x: torch.clamp(x, -1.0, 1.0),
            "torch.clamp(x, -1.0, 1.0)",
            lambda x: jnp.clip(x, -1.0, 1.0),
            "jnp.clip(x, -1.0, 1.0)",
            [x],
        )
    )


def text(v):
    """Python's repr of the number as a float64 (exact for float32 too)."""
    return repr(float(v))


def measure_torch(fn, inputs, dtype):
    xs = [torch.tensor(v, dtype=dtype, requires_grad=True) for v in inputs]
    y = fn(*xs)
    grads = torch.autograd.grad(y, xs, allow_unused=True)
    return {
        "value": text(y.item()),
        "grad": [text(0.0 if g is None else g.item()) for g in grads],
    }


def measure_jax(fn, inputs, dtype):
    xs = [jnp.asarray(v, dtype=dtype) for v in inputs]
    y = fn(*xs)
    grads = jax.grad(fn, argnums=tuple(range(len(xs))))(*xs)
    return {"value": text(y), "grad": [text(g) for g in grads]}


# Further peer calls worth recording beside a row: PyTorch's clamp behaves
# differently at its bounds when the bounds are tensors.
ALSO = {
    f"clamp(-1, 1) at {x:g}": [
        (
            "torch",
            lambda x, dtype: torch.clamp(x, torch.tensor(-1.0, dtype=dtype), torch.tensor(1.0, dtype=dtype)),
            "torch.clamp(x, torch.tensor(-1.0), torch.tensor(1.0))",
        )
    ]
    for x in [-1.0, 1.0]
}


def measure_torch_dtyped(fn, inputs, dtype):
    return measure_torch(lambda *xs: fn(*xs, dtype), inputs, dtype)


def main():
    rows = {}
    for label, tfn, tsrc, jfn, jsrc, inputs in ROWS:
        also = {}
        for peer, fn, src in ALSO.get(label, []):
            assert peer == "torch"
            also[src] = {
                "f64": measure_torch_dtyped(fn, inputs, torch.float64),
                "f32": measure_torch_dtyped(fn, inputs, torch.float32),
            }
        rows[label] = {
            "inputs": [text(v) for v in inputs],
            "torch": {
                "call": tsrc,
                "f64": measure_torch(tfn, inputs, torch.float64),
                "f32": measure_torch(tfn, inputs, torch.float32),
            },
            "jax": {
                "call": jsrc,
                "f64": measure_jax(jfn, inputs, jnp.float64),
                "f32": measure_jax(jfn, inputs, jnp.float32),
            },
        }
        if also:
            rows[label]["also"] = also
    out = {
        "generator": "crates/gates/tests/data/peers.py",
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "jax": jax.__version__,
            "jaxlib": jax.lib.__version__ if hasattr(jax.lib, "__version__") else __import__("jaxlib").__version__,
            "numpy": np.__version__,
            "platform": platform.machine(),
        },
        "rows": rows,
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
