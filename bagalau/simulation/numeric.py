"""Columns of numbers with a proven error bound: the arithmetic of the columnar scorer.

A column is a float64 value per body (``v``) and an upper bound of the
distance from that value to the exact rational the reference scorer computes
(``e``). Every operation computes its float64 result, the exact rounding
error of that one operation (Knuth's TwoSum, Dekker's TwoProduct, the exact
remainder of a division), and propagates the operands' bounds, then widens
the bound by a factor (1 + 2⁻⁴⁰) that covers the rounding of the bound's own
arithmetic. A value whose bound is 0 is exactly the rational (an integer
input, 3/4, 0.125 × 8 …), so ties between exact values are decided exactly.

Where a decision is discontinuous — a comparison, a truth test, a zero
denominator, the rounding of a shown value — and the bound does not decide
it, the body is marked *unsure* (or, for a shown value, *undecided*) and the
caller recomputes it with the reference scorer. Continuous operations (min,
max, clamps) need no decision: their result's bound is the larger operand
bound.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

EPS = 2.0 ** -53                 # unit round-off of float64
WIDEN = 1.0 + 2.0 ** -40         # covers the rounding of the error bounds' own arithmetic
SPLIT = 134217729.0              # 2**27 + 1, Veltkamp's splitter


class Num:
    """A numeric column (or a constant broadcast to one): value and error bound.
    ``boolean`` marks 0/1 values from comparisons and yes/no inputs."""

    __slots__ = ("v", "e", "boolean")

    def __init__(self, v, e=0.0, boolean: bool = False):
        self.v, self.e, self.boolean = v, e, boolean


class Text:
    """A text constant (an option's chosen value, the profile)."""

    __slots__ = ("value",)

    def __init__(self, value: str | None):
        self.value = value


class Positions:
    """A list input per body, padded: ``v`` (n × width) with NaN where a
    position is empty ("not found"), ``e`` its bounds, and each body's length."""

    __slots__ = ("v", "e", "length")

    def __init__(self, v, e, length):
        self.v, self.e, self.length = v, e, length


def constant(value) -> Num:
    """An exact number (int or Fraction) as a column constant with its conversion bound."""
    value = Fraction(value)
    f = float(value)
    return Num(np.float64(f), np.float64(0.0 if Fraction(f) == value else abs(f) * EPS * WIDEN))


def float_bound(values: np.ndarray, exact_mask) -> np.ndarray:
    """The bound of numbers converted to float64 by correct rounding: 0 where exact."""
    return np.where(exact_mask, 0.0, np.abs(values) * EPS * WIDEN)


def _two_product_error(a, b, p):
    """The exact error a·b − fl(a·b) (Dekker/Veltkamp; no FMA needed)."""
    c = SPLIT * a
    ah = c - (c - a)
    al = a - ah
    d = SPLIT * b
    bh = d - (d - b)
    bl = b - bh
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl


def add(a: Num, b: Num) -> Num:
    s = a.v + b.v
    t = s - a.v
    r = (a.v - (s - t)) + (b.v - t)
    return Num(s, (a.e + b.e + np.abs(r)) * WIDEN)


def negate(a: Num) -> Num:
    return Num(-a.v, a.e)


def sub(a: Num, b: Num) -> Num:
    return add(a, negate(b))


def mul(a: Num, b: Num) -> Num:
    p = a.v * b.v
    r = _two_product_error(a.v, b.v, p)
    e = np.abs(a.v) * b.e + np.abs(b.v) * a.e + a.e * b.e + np.abs(r)
    return Num(p, e * WIDEN)


def div(a: Num, b: Num, zero, unsure, active):
    """a / b where b is not 0. Bodies (``active``) whose denominator is 0 are
    added to ``zero``; those whose denominator may or may not be 0 to ``unsure``.
    The result for them is a placeholder."""
    bv = b.v
    exact_zero = (bv == 0) & (b.e == 0)
    maybe_zero = (np.abs(bv) <= b.e) & ~exact_zero
    if active is not None:
        zero |= active & exact_zero
        unsure |= active & maybe_zero
    safe = np.where(exact_zero | maybe_zero, 1.0, bv)
    q = a.v / safe
    p = q * safe
    r = (a.v - p) - _two_product_error(q, safe, p)
    quotient_error = np.abs(r) / np.abs(safe)
    margin = np.abs(safe) - b.e
    margin = np.where(margin > 0, margin, 1.0)
    propagated = (a.e + (np.abs(q) + quotient_error) * b.e) / margin
    return Num(q, (quotient_error + propagated) * WIDEN * WIDEN)


def minimum(a: Num, b: Num) -> Num:
    return Num(np.minimum(a.v, b.v), np.maximum(a.e, b.e))


def maximum(a: Num, b: Num) -> Num:
    return Num(np.maximum(a.v, b.v), np.maximum(a.e, b.e))


def clamp(a: Num, low: Num, high: Num) -> Num:
    return minimum(maximum(a, low), high)


def where(mask, a: Num, b: Num) -> Num:
    return Num(np.where(mask, a.v, b.v), np.where(mask, a.e, b.e), a.boolean and b.boolean)


def compare(op: str, a: Num, b: Num, unsure, active) -> Num:
    """a <op> b as a 0/1 column; bodies where the bounds cannot decide it are unsure."""
    bound = (a.e + b.e) * WIDEN
    difference = a.v - b.v
    decided = (bound == 0) | (np.abs(difference) * (1 - 4 * EPS) > bound)
    if active is not None:
        unsure |= active & ~decided
    if op == "lt":
        result = a.v < b.v
    elif op == "le":
        result = a.v <= b.v
    elif op == "gt":
        result = a.v > b.v
    elif op == "ge":
        result = a.v >= b.v
    elif op == "eq":
        result = a.v == b.v
    elif op == "ne":
        result = a.v != b.v
    else:
        raise ValueError(op)
    return Num(np.asarray(result, dtype=np.float64), np.float64(0.0), True)


def truth(a: Num, unsure, active):
    """Which bodies' values are true (not 0); those whose bound straddles 0 are unsure."""
    decided = (a.e == 0) | (np.abs(a.v) > a.e * WIDEN)
    if active is not None:
        unsure |= active & ~decided
    return a.v != 0


def rounded(a: Num, places: int):
    """The value rounded half up (ties away from zero) to ``places`` decimals, as
    an integer count of 10⁻ᵖ units, and which bodies that is decided for.
    Exact values that are (nearly) ties are decided exactly in rationals."""
    scale = 10.0 ** places
    magnitude = np.abs(a.v) * scale
    floor = np.floor(magnitude + 0.5)
    distance = np.abs(magnitude + 0.5 - floor)
    distance = np.minimum(distance, np.abs(magnitude + 0.5 - (floor + 1)))
    distance = np.minimum(distance, np.abs(magnitude + 0.5 - (floor - 1)))
    slack = (a.e * scale + (magnitude + 1) * 8 * EPS) * WIDEN
    decided = distance > slack
    units = np.where(a.v < 0, -floor, floor).astype(np.int64)
    close = ~decided & (a.e == 0)
    if np.any(close):
        for index in np.flatnonzero(close):
            value = Fraction(float(a.v[index]))
            numerator = abs(value.numerator) * 10 ** places
            whole, remainder = divmod(numerator, value.denominator)
            whole += 2 * remainder >= value.denominator
            units[index] = -whole if value < 0 else whole
        decided = decided | close
    return units, decided
