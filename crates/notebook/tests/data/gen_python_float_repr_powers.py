"""Generates python_float_repr_powers.txt: CPython's repr() of every power
of two representable as an f64 (2**-1074 .. 2**1023) and of its two
neighbours, where the gap below is half the gap above and the shortest
round-tripping digits are easy to get wrong.

Each line: the value's 16 hex bits, a space, repr(value).

    python3 crates/notebook/tests/data/gen_python_float_repr_powers.py \
        > crates/notebook/tests/data/python_float_repr_powers.txt
"""

import struct
import sys


def from_bits(b):
    return struct.unpack(">d", struct.pack(">Q", b))[0]


print(f"# Generated with CPython {sys.version.split()[0]}: bits, then repr(x).")
for k in range(-1074, 1024):
    b = struct.unpack(">Q", struct.pack(">d", 2.0 ** k))[0]
    for n in (b - 1, b, b + 1):
        x = from_bits(n)
        if x > 0 and x != float("inf"):
            print(f"{n:016x} {x!r}")
