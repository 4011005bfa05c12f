"""Exact numbers inside the engine, decimals at its edges (bagalau/engine/exact.py)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st

from bagalau.engine.exact import decimal_text, divide, exact, round_to
from bagalau.engine.expressions import BASE_NAMESPACE, compile_formula
from support.rounding import half_up


def evaluate(source: str, **names):
    formula = compile_formula(source)
    return eval(formula.code, {**BASE_NAMESPACE, **formula.constants, **names})


def test_a_half_cent_reached_through_a_non_ending_division_rounds_up():
    """3 × 148/480 is exactly 0.925: 148/480 = 0.308333… does not end, and cut
    at 28 digits before the multiplication it gave 0.9249…, shown 0.92."""
    value = evaluate("3 * (a / b)", a=148, b=480)
    assert value == F(37, 40)
    assert round_to(value, 2) == Decimal("0.93")


def test_division_is_exact_and_whole_quotients_stay_int():
    assert evaluate("a / b", a=6, b=3) == 2 and type(evaluate("a / b", a=6, b=3)) is int
    assert evaluate("a / b * 3", a=1, b=3) == 1
    assert evaluate("0.1 + 0.2") == F(3, 10)
    with pytest.raises(ZeroDivisionError):
        evaluate("a / b", a=1, b=0)


def test_rounding_modes():
    assert round_to(F(-925, 1000), 2) == Decimal("-0.93")       # half up is away from zero
    assert round_to(F(925, 1000), 2, "half_even") == Decimal("0.92")
    assert round_to(F(935, 1000), 2, "half_even") == Decimal("0.94")
    assert round_to(F(999, 1000), 2, "down") == Decimal("0.99")
    assert round_to(F(-1, 1000), 2) == Decimal("0.00") and str(round_to(F(-1, 1000), 2)) == "0.00"
    assert str(round_to(5, 2)) == "5.00"


def test_decimal_text():
    assert decimal_text(F(48, 10)) == "4.8"
    assert decimal_text(8) == "8"
    assert decimal_text(F(-2, 3)) == "-0.6666666666666666666666666667"
    assert decimal_text(F(10, 3)) == "3.333333333333333333333333333"
    assert decimal_text(F(1, 30000)) == "0.00003333333333333333333333333333"
    assert decimal_text(F(0)) == "0"


def test_exact_takes_decimals_and_text():
    assert exact(Decimal("4.50")) == F(9, 2) and type(exact(Decimal("4.00"))) is int
    assert exact("0.925") == F(37, 40)
    assert exact(True) == 1


@settings(max_examples=300, deadline=None)
@given(st.fractions(max_denominator=10 ** 6), st.integers(0, 4))
def test_round_to_agrees_with_an_independent_half_up(value, places):
    assert round_to(value, places) == half_up(value, places)


@settings(max_examples=200, deadline=None)
@given(st.integers(-10 ** 9, 10 ** 9), st.integers(-10 ** 9, 10 ** 9).filter(bool))
def test_divide_equals_the_fraction(a, b):
    assert divide(a, b) == F(a, b)
