"""Exact numbers: rationals inside the engine, decimals only at its edges.

Every value the engine computes is an ``int`` or a ``fractions.Fraction``:
sums, products and quotients of the act's figures are exact, so a value
that is exactly half a cent (3 × 148/480 = 0.925) is exactly that when it
is rounded. Whole numbers stay ``int`` (the cheapest exact number);
``divide`` gives a ``Fraction`` only when the quotient is not whole.

Decimal appears where a person or a file reads a number: ``round_to`` gives
the ``Decimal`` the definition's rounding prints, ``decimal_text`` the exact
value as decimal text (cut to 28 significant digits, half up, when the
decimal expansion does not end), ``fraction_text`` the exact value as
``p/q`` for those that do not end.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Union

Exact = Union[int, Fraction]
SIGNIFICANT_DIGITS = 28          # what the engine's Decimal context used to show; the same reading length


def exact(value) -> Exact:
    """An int or Fraction equal to ``value`` (int, bool, Decimal, Fraction or decimal text)."""
    kind = type(value)
    if kind is int:
        return value
    if kind is Fraction:
        return value.numerator if value.denominator == 1 else value
    if kind is bool:
        return int(value)
    if kind is Decimal:
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        numerator, denominator = value.as_integer_ratio()
        return numerator if denominator == 1 else Fraction(numerator, denominator)
    if kind is str:
        return exact(Fraction(value.strip()))
    if isinstance(value, int):
        return int(value)
    raise TypeError(f"{value!r} is not an exact number")


def divide(numerator: Exact, denominator: Exact) -> Exact:
    """numerator / denominator, exactly; ZeroDivisionError on a zero denominator."""
    if type(numerator) is int and type(denominator) is int:
        if not denominator:
            raise ZeroDivisionError("division by zero")
        quotient, remainder = divmod(numerator, denominator)
        return quotient if not remainder else Fraction(numerator, denominator)
    if not denominator:
        raise ZeroDivisionError("division by zero")
    result = numerator / denominator
    if type(result) is Fraction and result.denominator == 1:
        return result.numerator
    return result


def mean(values) -> Exact:
    return divide(sum(values, 0), len(values))


def round_to(value: Exact, places: int, mode: str = "half_up") -> Decimal:
    """The value rounded to ``places`` decimal places as a Decimal with exactly
    that many places. ``mode``: half_up (ties away from zero, as the acts
    round), half_even, or down (toward zero)."""
    numerator, denominator = value.numerator, value.denominator   # int and Fraction both have them
    negative = numerator < 0
    scaled = abs(numerator) * 10 ** places
    quotient, remainder = divmod(scaled, denominator)
    if remainder:
        twice = 2 * remainder
        if mode == "half_up":
            quotient += twice >= denominator
        elif mode == "half_even":
            quotient += twice > denominator or (twice == denominator and quotient % 2 == 1)
        elif mode != "down":
            raise ValueError(f"unknown rounding mode '{mode}'")
    return Decimal((int(negative and quotient != 0), tuple(int(d) for d in str(quotient)), -places))


def round_exact(value: Exact, places: int, mode: str = "half_up") -> Exact:
    """The same rounding, kept as an exact number (for rounding between nodes)."""
    return exact(round_to(value, places, mode))


def terminating_places(value: Exact) -> int | None:
    """How many decimal places the value's expansion has, or None when it does not end."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else None


def decimal_text(value: Exact) -> str:
    """The exact value as plain decimal text, with no trailing zeros: "4.8",
    "0.925", "8". A value whose expansion does not end is rounded half up to
    28 significant digits ("3.333333333333333333333333333")."""
    if type(value) is int:
        return str(value)
    places = terminating_places(value)
    if places is not None:
        return _plain(round_to(value, places))
    magnitude = abs(value)
    whole_digits = len(str(magnitude.numerator // magnitude.denominator)) if magnitude >= 1 else 0
    if not whole_digits:       # 0.000123…: count the leading zeros after the point
        leading = 0
        while magnitude * 10 ** (leading + 1) < 1:
            leading += 1
        places = SIGNIFICANT_DIGITS + leading
    else:
        places = max(SIGNIFICANT_DIGITS - whole_digits, 0)
    return _plain(round_to(value, places))


def fraction_text(value: Exact) -> str:
    """"p/q" in lowest terms ("37/3"), or the whole number."""
    return str(value)


def is_terminating(value: Exact) -> bool:
    return type(value) is int or terminating_places(value) is not None


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
