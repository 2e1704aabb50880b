"""Generates numpy_str.jsonl: NumPy's own `str(ndarray)` for f64 arrays.

Each output line is one JSON object:

    {"name": ..., "shape": [d0, d1, ...], "bits": ["<16 hex digits>", ...], "str": ...}

`bits` holds the exact IEEE-754 bit pattern of every element in C (row-major)
order, so the Rust side rebuilds the very same array; `str` is what NumPy's
`str()` printed for it with the default print options (precision 8,
floatmode 'maxprec', suppress False, linewidth 75, threshold 1000,
edgeitems 3, sign '-').

Regenerate (from the repository root) with:

    python3 crates/notebook/tests/data/gen_numpy_str.py \
        > crates/notebook/tests/data/numpy_str.jsonl

The table is deterministic for a given NumPy version (the random cases use
a seeded generator); the header line records the versions used.
"""

import json
import math
import struct
import sys

import numpy as np

np.set_printoptions()  # the defaults, explicitly
assert np.get_printoptions()["precision"] == 8
assert np.get_printoptions()["linewidth"] == 75

rng = np.random.default_rng(20240616)
cases = []


def case(name, values):
    a = np.asarray(values, dtype=np.float64)
    cases.append((name, a))


def bits(x):
    return struct.pack(">d", float(x)).hex()


nan, inf = math.nan, math.inf

# --- the basics: 1-D, 2-D, 3-D ------------------------------------------------
case("1d simple", [0.5, 1.25, -3.0])
case("1d one element", [0.1])
case("1d one negative element", [-2.5])
case("2d simple", [[1.5, 2.25], [3.125, 4.0]])
case("3d simple", np.arange(24, dtype=float).reshape(2, 3, 4) / 8)
case("3d negative", -np.arange(12, dtype=float).reshape(3, 2, 2) / 3)
case("4d small", np.arange(16, dtype=float).reshape(2, 2, 2, 2) / 7)
case("column vector", [[0.1], [0.2], [-0.3]])
case("row vector", [[0.1, 0.2, -0.3]])
case("3d single blocks", [[[1.0, -2.0]]])
case("3d one column", np.linspace(-1, 1, 6).reshape(3, 2, 1))

# --- integral values print as `1.` with padding -------------------------------
case("integral", [1.0, 2.0, 3.0])
case("integral negative", [[-1.0, 20.0], [300.0, -4000.0]])
case("integral and fraction", [1.0, 2.5, 10.0])
case("integral and long fraction", [[1.0, 0.123456789], [100.0, -7.0]])
case("zeros", [0.0, 0.0])
case("zeros 2d", np.zeros((2, 3)))
case("zero and one", [0.0, 1.0])
case("large integral fixed", [12345678.0, 1.0e5])

# --- digits: unique trimming, 8-digit cap, rounding ---------------------------
case("thirds", [1 / 3, 2 / 3, -1 / 3])
case("tenths", [0.1, 0.2, 0.3, 0.1 + 0.2])
case("pi e", [math.pi, math.e, -math.sqrt(2)])
case("8 digit cap", [1.23456789012, 0.000123456789, 9.99999999])
case("rounds to carry", [0.999999999, 9.999999996, 99.9999999999])
case("ties at 8th digit", [0.123456785, 0.123456775, 0.000000005, 0.000000015])
case("ties positional", [0.123456785, 0.123456775, 0.5, 1.000000005, 2.000000015])
case("ties positional negative", [-0.123456785, 0.25, -1.000000025])
case("tiny positional", [0.00012, 0.012, 0.1])
case("min exactly 1e-4", [1e-4, 0.05])
case("just above 1e-4", [0.00010000001, 0.05])
case("sub-1e-8 positional digits", [0.0001, 0.0999])

# --- the switch to scientific notation ----------------------------------------
case("max just below 1e8", [99999999.0, 1e6])
case("max just below 1e8 fraction", [99999999.5, 1e6])
case("max exactly 1e8", [1e8, 1e6])
case("max above 1e8", [123456789.0, 2e6])
case("min below 1e-4", [0.5, 9.9999e-5])
case("min well below 1e-4", [1.0, 1e-5])
case("negative min below 1e-4", [-0.5, -3e-6])
case("ratio exactly 1000", [1.0, 1000.0])
case("ratio just above 1000", [1.0, 1000.5])
case("ratio just below 1000", [0.001, 0.999])
case("ratio 1001", [0.01, 10.01])
case("ratio with negatives", [[-0.002, 3.0], [1.0, 2.5]])
case("zero ignored for ratio", [0.0, 1.0, 999.0])
case("zero ignored for min", [0.0, 0.5, 0.25])
case("sci integral", [1e10, 2e10, 3e10])
case("sci mixed", [1e-5, 1.0, 123.456])
case("sci negative", [[-1e-5, 2.5e3], [1e9, -7.0]])
case("sci three digit exponent", [1e100, 1e-100, -2.5e200])
case("sci exponent 3 and 2 digits", [1e150, 1.0])
case("sci 2d", [[1e-7, 2e-7], [3e-7, 4.5e-7]])
case("sci 3d", np.array([1e9, -2e9, 3.5e9, 4e-3, 5.25e10, 6e11, -7e12, 8e13]).reshape(2, 2, 2))
case("sci precision cap", [1.23456789012e9, 1.0])
case("sci all same digits", [1e-10, 1e-10])
case("sci rounds to carry", [9.9999999999e20, 1.0])

# --- extremes -----------------------------------------------------------------
case("largest and smallest", [sys.float_info.max, sys.float_info.min])
case("smallest subnormal", [5e-324, 1.0])
case("subnormals", [5e-324, 1e-320, -2.2250738585072e-310])
case("huge alone", [1.7e308])
case("tiny alone", [1e-300])
case("1e16 1e22 1e23", [1e16, 1e22, 1e23])
case("powers of two", [2.0 ** k for k in range(-20, 40, 7)])
case("power of two fixed", [0.5, 0.25, 0.125, 2.0 ** -13])
case("powers of two sci", [2.0 ** k for k in (-1074, -1022, -600, 0, 300, 1023)])

# --- nan, inf, -0.0 -----------------------------------------------------------
case("nan", [nan, 1.0])
case("nan negative", [nan, -1.5, 2.0])
case("inf", [inf, 1.0])
case("-inf", [-inf, 1.0])
case("inf and -inf", [inf, -inf, 0.5])
case("all nan", [nan, nan])
case("all inf", [inf, inf])
case("all -inf", [-inf, inf])
case("nan inf only", [nan, -inf])
case("nan sci", [nan, 1e-9, 1.0])
case("inf sci", [[inf, 1e10], [-inf, 2.0]])
case("nan integral", [nan, 1.0, 2.0])
case("nan wide", [nan, 123.456789, -0.000123])
case("nan 3d", np.array([nan, 1.0, -inf, 0.25, 3.0, inf, -0.0, nan]).reshape(2, 2, 2))
case("-0.0", [-0.0, 1.0])
case("-0.0 alone", [-0.0])
case("-0.0 and 0.0", [0.0, -0.0])
case("-0.0 sci", [-0.0, 1e-9])
case("-0.0 2d", [[-0.0, 0.5], [0.25, 0.0]])
case("negative nan", [-nan, 1.0])

# --- line wrapping at 75 characters -------------------------------------------
case("wrap 1d", np.linspace(0, 1, 30))
case("wrap 1d negative", np.linspace(-1, 1, 25))
case("wrap 1d integral", np.arange(60, dtype=float))
case("wrap 1d sci", np.geomspace(1e-9, 1e9, 19))
case("wrap 2d", np.linspace(-5, 5, 3 * 14).reshape(3, 14))
case("wrap 3d", np.linspace(-5, 5, 2 * 2 * 12).reshape(2, 2, 12))
case("wrap exactly fits", np.full(8, 0.12345678))
case("wrap one more", np.full(9, 0.12345678))
case("wrap nan", np.array([nan] * 20))
for width in range(1, 12):
    # element widths 1..11 so every wrap boundary position is exercised
    n = 80 // (width + 1) + 2
    case(f"wrap width {width}", np.full(n, float(10 ** (width - 2)) if width > 1 else 0.0))
for n in range(5, 13):
    case(f"wrap 2d columns {n}", np.round(np.linspace(-1, 1, 2 * n).reshape(2, n), 7))

# --- summarisation (more than 1000 elements) ----------------------------------
case("summarised 1d", np.arange(1001, dtype=float) / 4)
case("summarised 1d sci", np.geomspace(1e-6, 1e6, 2000))
case("summarised 2d", np.linspace(-1, 1, 40 * 30).reshape(40, 30))
case("summarised 3d", np.arange(11 * 10 * 10, dtype=float).reshape(11, 10, 10))
case("summarised narrow", np.arange(2000, dtype=float).reshape(1000, 2) / 3)
case("not summarised 1000", np.arange(1000, dtype=float))

# --- 0-d and empty --------------------------------------------------------------
case("0d", np.float64(0.1))
case("0d integral", np.float64(-4.0))
case("0d sci", np.float64(1e-9))
case("empty 1d", np.zeros(0))
case("empty 2d", np.zeros((2, 0)))
case("empty 3d", np.zeros((0, 2, 3)))

# --- random arrays ----------------------------------------------------------------
for i in range(400):
    ndim = 1 + i % 3
    shape = tuple(int(rng.integers(1, 6)) for _ in range(ndim))
    case(f"random normal {i}", rng.standard_normal(shape))
for i in range(400):
    ndim = 1 + i % 3
    shape = tuple(int(rng.integers(1, 5)) for _ in range(ndim))
    scale = 10.0 ** rng.uniform(-12, 12, size=shape)
    sign = rng.choice([-1.0, 1.0], size=shape)
    case(f"random scale {i}", sign * rng.uniform(0, 1, size=shape) * scale)
for i in range(300):
    # one random order of magnitude per array: mostly fixed notation,
    # exercising the padding of integer and fraction parts
    ndim = 1 + i % 3
    shape = tuple(int(rng.integers(1, 5)) for _ in range(ndim))
    scale = 10.0 ** int(rng.integers(-4, 9))
    case(f"random magnitude {i}", rng.standard_normal(shape) * scale)
for i in range(200):
    # few significant digits, so trimming decides the widths
    ndim = 1 + i % 3
    shape = tuple(int(rng.integers(1, 5)) for _ in range(ndim))
    digits = int(rng.integers(0, 5))
    case(f"random rounded {i}", np.round(rng.standard_normal(shape) * 100, digits))
for i in range(200):
    # random bit patterns: any finite or special value
    ndim = 1 + i % 3
    shape = tuple(int(rng.integers(1, 4)) for _ in range(ndim))
    raw = rng.integers(0, 2**64, size=shape, dtype=np.uint64)
    case(f"random bits {i}", raw.view(np.float64))
for i in range(150):
    # sprinkle specials into ordinary arrays
    ndim = 1 + i % 3
    shape = tuple(int(rng.integers(1, 5)) for _ in range(ndim))
    a = rng.standard_normal(shape) * 10.0 ** int(rng.integers(-6, 10))
    flat = a.reshape(-1)
    for _ in range(int(rng.integers(1, 3))):
        flat[int(rng.integers(0, flat.size))] = rng.choice([nan, inf, -inf, 0.0, -0.0])
    case(f"random specials {i}", a)
for i in range(100):
    # wide rows that wrap
    ndim = 1 + i % 3
    shape = tuple(int(rng.integers(1, 3)) for _ in range(ndim - 1)) + (int(rng.integers(6, 30)),)
    a = rng.standard_normal(shape) * 10.0 ** int(rng.integers(-3, 6))
    case(f"random wide {i}", a)

print(
    "# "
    + json.dumps(
        {
            "generator": "gen_numpy_str.py",
            "numpy": np.__version__,
            "python": sys.version.split()[0],
        }
    )
)
for name, a in cases:
    row = {
        "name": name,
        "shape": list(a.shape),
        "bits": [bits(x) for x in a.reshape(-1)],
        "str": str(a),
    }
    print(json.dumps(row))
