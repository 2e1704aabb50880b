"""Generates numpy_float_scalars.txt: NumPy's Dragon4 on single f64 values.

`str(ndarray)` formats each element with NumPy's own Dragon4
(`np.format_float_positional` / `np.format_float_scientific`); this table
checks our port of it value by value, in the four ways arrayprint calls it
and in plain shortest-digits mode (which exercises the neighbour margins
that a precision cutoff usually hides).

Each line: the 16 hex digits of the value's bits, then five fields
separated by `|`:

1. format_float_scientific(x, unique=True, trim='.')               shortest
2. format_float_positional(x, precision=8, unique=True, trim='.')  first pass
3. format_float_scientific(x, precision=8, unique=True, trim='.')  first pass
4. format_float_positional(x, precision=8, min_digits=0, unique=True,
                           trim='.', pad_left=3, pad_right=9)      padded
5. format_float_scientific(x, precision=5, min_digits=5, unique=True,
                           trim='k', pad_left=2, exp_digits=3)     padded

Regenerate (from the repository root) with:

    python3 crates/notebook/tests/data/gen_numpy_float_scalars.py \
        > crates/notebook/tests/data/numpy_float_scalars.txt
"""

import struct
import sys

import numpy as np

rng = np.random.default_rng(16)


def bits(x):
    return struct.pack(">d", float(x)).hex()


values = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1 / 3, 2 / 3, 1e23, 9007199254740993.0,
          5e-324, 1e-323, 2.2250738585072014e-308, 2.2250738585072009e-308,
          sys.float_info.max, 1e16, 1e22, 123456789.0, 0.999999999, 9.5, 0.123456785,
          6e-9, 4e-9, 5e-9, 1.5e-8, 2.5e-8, 0.000123456789]
values += [2.0 ** k for k in range(-1074, 1024, 37)]
values += [float(10 ** k) for k in range(0, 23)]
values += [10.0 ** -k for k in range(1, 30)]
values += list(rng.standard_normal(300))
values += list(rng.standard_normal(300) * 10.0 ** rng.integers(-12, 12, 300))
raw = rng.integers(0, 2**64, size=600, dtype=np.uint64).view(np.float64)
values += [float(x) for x in raw if np.isfinite(x)]
# integers near 2^53..2^64, whose neighbours' midpoints are integers
values += [float(x) for x in rng.integers(2**53, 2**63, size=100, dtype=np.int64)]

print(f"# numpy {np.__version__}, python {sys.version.split()[0]}: bits|sci|pos8|sci8|pos8 padded|sci5 padded")
for x in values:
    x = np.float64(x)
    fields = [
        np.format_float_scientific(x, unique=True, trim="."),
        np.format_float_positional(x, precision=8, unique=True, trim="."),
        np.format_float_scientific(x, precision=8, unique=True, trim="."),
        np.format_float_positional(x, precision=8, min_digits=0, unique=True,
                                   trim=".", pad_left=3, pad_right=9),
        np.format_float_scientific(x, precision=5, min_digits=5, unique=True,
                                   trim="k", pad_left=2, exp_digits=3),
    ]
    print(bits(x) + " " + "|".join(fields))
