"""The exact column arithmetic (issue 12), against Python's Fractions: where int64
would overflow the result is a float with an error bound, and every decision it
reports as made (a comparison, a rounding) is the exact one."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from bagalau.simulation import numeric as nm

N = 400


def _column(rng, big: bool):
    """Rationals over per-body denominators; ``big`` ones overflow int64 once multiplied."""
    top = 2 ** 40 if big else 1000
    n = rng.integers(-top, top, N)
    d = rng.integers(1, top, N)
    n[:20] = d[:20] * rng.integers(-3, 3, 20)          # whole numbers
    r = rng.integers(1, 1000, 20)
    d[20:40] = 200 * r                                  # k/200: exactly half a cent when k is odd
    n[20:40] = rng.integers(-300, 300, 20) * r
    column = nm.Num(n.astype(np.int64), d.astype(np.int64), int(np.abs(n).max()), int(d.max()))
    return column, [Fraction(int(a), int(b)) for a, b in zip(n, d)]


def _exact(column: nm.Num, index: int) -> Fraction:
    return column.fraction(index)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("big", [False, True])
def test_operations_are_exact_or_carry_a_true_bound(seed, big):
    rng = np.random.default_rng(seed)
    (a, fa), (b, fb) = _column(rng, big), _column(rng, big)
    results = {"add": (nm.add(a, b), [x + y for x, y in zip(fa, fb)]),
               "mul": (nm.mul(a, b), [x * y for x, y in zip(fa, fb)]),
               "sub3": (nm.sub(nm.add(a, b), nm.mul(a, nm.constant(Fraction(1, 3)))),
                        [x + y - x / 3 for x, y in zip(fa, fb)])}
    zero, unsure = np.zeros(N, bool), np.zeros(N, bool)
    results["div"] = (nm.div(a, b, zero, unsure, np.ones(N, bool)), [x / y if y else None for x, y in zip(fa, fb)])
    for name, (column, expected) in results.items():
        for index, value in enumerate(expected):
            if value is None or zero[index] or unsure[index]:
                continue
            if column.exact:
                assert _exact(column, index) == value, name
            else:
                assert abs(Fraction(float(column.f[index])) - value) <= Fraction(column.e), name
        units, decided = nm.rounded(column, 2)
        units = np.broadcast_to(units, (N,))
        decided = np.broadcast_to(decided, (N,))
        for index, value in enumerate(expected):
            if value is None or zero[index] or unsure[index] or not decided[index]:
                continue
            shown = abs(value) * 100
            whole = shown.numerator // shown.denominator + (2 * (shown.numerator % shown.denominator) >= shown.denominator)
            assert units[index] == (-whole if value < 0 else whole), (name, value)
    if big:
        assert not results["mul"][0].exact, "the big case must take the float path"


@pytest.mark.parametrize("op", ["lt", "le", "gt", "ge", "eq", "ne"])
def test_comparisons_are_exact_where_decided(op):
    rng = np.random.default_rng(3)
    (a, fa), (b, fb) = _column(rng, True), _column(rng, True)
    product = nm.mul(a, b)                       # a float column
    other = nm.mul(b, a)
    unsure = np.zeros(N, bool)
    mask = nm.compare_mask(op, product, other, unsure, np.ones(N, bool))
    import operator
    python = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge, "eq": operator.eq,
              "ne": operator.ne}[op]
    for index in range(N):
        if not unsure[index]:
            assert bool(mask[index]) == python(fa[index] * fb[index], fb[index] * fa[index])
    assert unsure.any(), "equal float values must be left undecided"


def _shared(rng, denominator: int, top: int = 1000):
    """A column of numerators over one shared denominator, as inputs in cents are."""
    n = rng.integers(-top, top, N).astype(np.int64)
    return (nm.Num(n, denominator, int(np.abs(n).max()), denominator, Fraction(int(n.min()), denominator),
                   Fraction(int(n.max()), denominator)),
            [Fraction(int(x), denominator) for x in n])


def _value(column: nm.Num, index: int) -> Fraction:
    n = column.n[index] if np.ndim(column.n) else column.n
    return Fraction(int(n), int(column.d))


@pytest.mark.parametrize("share", [0.0, 0.01, 0.5, 0.99, 1.0])
@pytest.mark.parametrize("denominators", [(1, 1), (100, 720), (6, 4), (3600, 36)])
def test_shared_denominators_add_subtract_choose_and_clamp_exactly(share, denominators):
    """Sums, differences, choices by a mask (sparse ones are scattered, dense ones too) and
    min/max against a constant whose denominator does not divide the column's."""
    rng = np.random.default_rng(int(share * 100) + denominators[0])
    (a, fa), (b, fb) = _shared(rng, denominators[0]), _shared(rng, denominators[1])
    mask = rng.random(N) < share
    cap = nm.constant(Fraction(7, 9))
    cases = {"add": (nm.add(a, b), [x + y for x, y in zip(fa, fb)]),
             "sub": (nm.sub(a, b), [x - y for x, y in zip(fa, fb)]),
             "sub constant": (nm.sub(nm.constant(Fraction(5, 3)), b), [Fraction(5, 3) - y for y in fb]),
             "where": (nm.where(mask, a, b), [x if m else y for x, y, m in zip(fa, fb, mask)]),
             "where constant": (nm.where(mask, cap, b), [Fraction(7, 9) if m else y for y, m in zip(fb, mask)]),
             "min": (nm.minimum(a, cap), [min(x, Fraction(7, 9)) for x in fa]),
             "max": (nm.maximum(cap, b), [max(Fraction(7, 9), y) for y in fb])}
    for name, (column, expected) in cases.items():
        assert column.exact, name
        for index, value in enumerate(expected):
            assert _value(column, index) == value, (name, index)
            assert column.lo <= value <= column.hi, (name, "interval")
    assert [Fraction(int(x), denominators[0]) for x in a.n] == fa      # the operands are left as they were
    assert [Fraction(int(x), denominators[1]) for x in b.n] == fb


@pytest.mark.parametrize("sign", [1, -1])
@pytest.mark.parametrize("top", [10, 10 ** 6, 2 ** 40])
def test_rounding_over_per_body_denominators_is_exact(sign, top):
    """Values of one sign over per-body denominators, half cents among them: the float
    division (below 2^53) and the int64 one (above) both round half up exactly."""
    rng = np.random.default_rng(top % 97)
    n = sign * rng.integers(0, top, N).astype(np.int64)
    d = rng.integers(1, top, N).astype(np.int64)
    d[:40], n[:40] = 200, sign * rng.integers(0, 400, 40)          # k/200: half cents when k is odd
    bounds = (Fraction(0), Fraction(top)) if sign > 0 else (Fraction(-top), Fraction(0))
    units, decided = nm.rounded(nm.Num(n, d, int(np.abs(n).max()), int(d.max()), *bounds), 2)
    assert np.all(decided)
    for index in range(N):
        shown = abs(Fraction(int(n[index]), int(d[index]))) * 100
        whole = shown.numerator // shown.denominator + (2 * (shown.numerator % shown.denominator) >= shown.denominator)
        assert units[index] == (whole if sign > 0 else -whole)
