"""Half-up rounding of exact rationals, written for the tests on their own
(integer arithmetic only), so they do not check the engine with its own code."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def half_up(value, places: int = 2) -> Decimal:
    """``value`` (int, Fraction or Decimal) rounded half away from zero to ``places``."""
    value = Fraction(value)
    scaled = abs(value) * 10 ** places
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    sign = "-" if value < 0 and whole else ""
    digits = str(whole).rjust(places + 1, "0")
    return Decimal(f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}")
