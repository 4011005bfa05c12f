"""Exact columns of rationals: the arithmetic of the columnar scorer.

A column holds, per body, the exact rational the reference scorer computes
as an int64 numerator over a denominator — one Python int shared by the
column where the divisors are constants (an input in cents is n/100, a
weight of ½ is n/2), an int64 column where a body's own count divides
(``share``). Before every operation the result's bound is worked out from
the operands' bounds (``nb``, ``db``: the largest numerator and denominator
the column can hold); if it could pass 2⁶², the result is computed in
float64 instead, with an absolute error bound ``e`` (a scalar for the
column) that every later operation carries. Decisions on such a column — a
comparison, a truth test, the rounding of a shown value — are taken only
where the bound proves them; the other bodies are marked *unsure* and are
scored again exactly (``rounded`` sums a float column's exact terms in
rationals itself; anything else goes to the reference scorer).

Each column also carries a static interval ``lo``..``hi`` of its values
(from the data and the constants), so that a clamp the interval already
satisfies costs nothing.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd, inf

import numpy as np

LIMIT = 2 ** 62                 # numerators and denominators stay below this in int64
U = 2.0 ** -52                  # twice float64's unit round-off: the slack of one float operation


class Num:
    """A numeric column, or a constant broadcast to one.

    Exact: ``n`` (int64 array or int) over ``d`` (int > 0, or int64 array > 0).
    Float: ``n`` is None, ``f`` the float64 values, ``e`` their error bound and
    ``terms`` the exact columns whose sum the value is (when it is one).
    ``boolean`` marks 0/1 values from comparisons and yes/no inputs."""

    __slots__ = ("n", "d", "nb", "db", "f", "e", "lo", "hi", "boolean", "terms")

    def __init__(self, n=None, d=1, nb=0, db=1, lo=-inf, hi=inf, boolean=False, f=None, e=0.0, terms=None):
        self.n, self.d, self.nb, self.db = n, d, nb, db
        self.lo, self.hi, self.boolean = lo, hi, boolean
        self.f, self.e, self.terms = f, e, terms

    @property
    def exact(self) -> bool:
        return self.n is not None

    @property
    def magnitude(self) -> float:
        """A float at least |value| for every body (inf when the interval is open)."""
        return float(max(abs(self.lo), abs(self.hi))) * (1 + U)

    def floats(self):
        """The values as float64 (for the float path)."""
        if self.f is None:
            self.f = self.n / self.d if isinstance(self.d, np.ndarray) or self.d != 1 else self.n * 1.0
        return self.f

    def float_error(self) -> float:
        if self.n is None:
            return self.e
        return 4 * U * _bound(self)

    def fraction(self, index: int) -> Fraction:
        """One body's exact value (exact columns only)."""
        n = self.n[index] if isinstance(self.n, np.ndarray) and self.n.ndim else self.n
        d = self.d[index] if isinstance(self.d, np.ndarray) and self.d.ndim else self.d
        return Fraction(int(n), int(d))


class Text:
    """A text constant (an option's chosen value, the profile)."""

    __slots__ = ("value",)

    def __init__(self, value: str | None):
        self.value = value


class Positions:
    """A list input per body, padded to a matrix: ``values`` (a Num over n × width
    arrays, 0 wherever no value is present: every reader leaves them so), ``present`` where
    a position holds a value (not "not found", not padding), ``inside`` where it is within
    the body's list, and each body's length."""

    __slots__ = ("values", "present", "inside", "length")

    def __init__(self, values: Num, present, inside, length):
        self.values, self.present, self.inside, self.length = values, present, inside, length


def _bound(a: Num) -> float:
    """A finite bound of |value| over the column: the interval's, else the numerators'
    (a denominator is at least 1), else the float values' own with their error."""
    magnitude = a.magnitude
    if magnitude != inf:
        return magnitude
    if a.n is not None:
        return float(a.nb)
    values = np.abs(a.f)
    top = float(values.max()) if np.ndim(values) and values.size else float(values)
    return (top + a.e) * (1 + 4 * U)


def constant(value) -> Num:
    value = Fraction(value)
    n, d = value.numerator, value.denominator
    if abs(n) >= LIMIT or d >= LIMIT:
        f = float(value)
        return Num(None, lo=value, hi=value, f=np.float64(f), e=abs(f) * U)
    return Num(n, d, abs(n), d, value, value)


ZERO = constant(0)
ONE = constant(1)


def integers(values: np.ndarray, boolean: bool = False, bounds: tuple[int, int] | None = None) -> Num:
    """An int64 column of whole numbers (bounds from the data, or ``bounds`` = its min and max)."""
    if bounds is not None:
        low, high = bounds
    elif len(values):
        low, high = int(values.min()), int(values.max())
    else:
        low = high = 0
    return Num(values, 1, max(abs(low), abs(high)), 1, Fraction(low), Fraction(high), boolean)


def scaled(values: np.ndarray, denominator: int, bounds: tuple[int, int] | None = None,
           factor: int | None = None) -> Num:
    """An int64 column of numerators over one denominator (decimals in cents …), in lowest
    common terms; ``bounds``: the numerators' min and max, ``factor``: the gcd of the
    denominator and every numerator, when the caller knows them."""
    if bounds is None:
        bounds = (int(values.min()), int(values.max())) if len(values) else (0, 0)
    if denominator == 1:
        return integers(values, bounds=bounds)
    if factor is not None:
        g = factor
        values = values // g if g > 1 else values
    else:
        values, g = _cancelled(values, denominator) if len(values) else (values, denominator)
    if g > 1:
        denominator //= g
        bounds = (bounds[0] // g, bounds[1] // g)         # g divides both exactly
    low, high = bounds
    return Num(values, denominator, max(abs(low), abs(high)), denominator, Fraction(low, denominator),
               Fraction(high, denominator))


def _cancelled(values: np.ndarray, denominator: int) -> tuple[np.ndarray, int]:
    """The values divided by g = gcd(denominator, every value), and g: g is guessed from a
    few values and proven by the quotients themselves (q·g == values)."""
    flat = values.ravel()
    sample = flat[:64]
    guess = gcd(denominator, *(int(v) for v in sample[sample != 0]))
    while guess > 1:            # each refusal divides the guess by a prime at least: few passes
        quotients = values // guess
        left = np.flatnonzero((quotients * guess).ravel() != flat)
        if not len(left):
            return quotients, guess
        guess = gcd(guess, int(flat[left[0]]))
    return values, 1


def boolean(mask) -> Num:
    return Num(np.asarray(mask, dtype=np.int64), 1, 1, 1, Fraction(0), Fraction(1), True)


def boolean_constant(value: bool) -> Num:
    result = constant(int(value))
    result.boolean = True
    return result


# --- intervals ---------------------------------------------------------------------

def _interval_mul(a: Num, b: Num):
    products = []
    for x in (a.lo, a.hi):
        for y in (b.lo, b.hi):
            if x == 0 or y == 0:
                products.append(Fraction(0))
            else:
                products.append(x * y)
    return min(products), max(products)


# --- the float path --------------------------------------------------------------------

def _float_result(f, e, lo, hi, terms=None) -> Num:
    return Num(None, lo=lo, hi=hi, f=f, e=e, terms=terms)


def _terms(a: Num):
    if a.n is not None:
        return [a]
    return a.terms


# --- arithmetic ------------------------------------------------------------------------

def _is(a: Num, value: int) -> bool:
    return a.n is not None and not np.ndim(a.n) and not np.ndim(a.d) and a.n == value and a.d == 1


def add(a: Num, b: Num) -> Num:
    if _is(a, 0):
        return b
    if _is(b, 0):
        return a
    lo, hi = a.lo + b.lo, a.hi + b.hi
    if a.n is not None and b.n is not None:
        if not isinstance(a.d, np.ndarray) and not isinstance(b.d, np.ndarray):
            d = a.d * b.d // gcd(a.d, b.d)
            ka, kb = d // a.d, d // b.d
            nb = a.nb * ka + b.nb * kb
            if nb < LIMIT and d < LIMIT:
                return Num(_linear(a.n, ka, b.n, kb), d, nb, d, lo, hi)
        else:
            nb = a.nb * b.db + b.nb * a.db
            db = a.db * b.db
            if nb < LIMIT and db < LIMIT:
                if a.d is b.d:
                    return Num(a.n + b.n, a.d, a.nb + b.nb, a.db, lo, hi)
                return Num(a.n * b.d + b.n * a.d, a.d * b.d, nb, db, lo, hi)
    ta, tb = _terms(a), _terms(b)
    terms = None if ta is None or tb is None else ta + tb
    magnitude = _bound(a) + _bound(b)
    return _float_result(a.floats() + b.floats(), a.float_error() + b.float_error() + U * magnitude, lo, hi, terms)


def negate(a: Num) -> Num:
    if a.n is not None:
        return Num(-a.n, a.d, a.nb, a.db, -a.hi, -a.lo, False)
    terms = None if a.terms is None else [negate(t) for t in a.terms]
    return _float_result(-a.f, a.e, -a.hi, -a.lo, terms)


def sub(a: Num, b: Num) -> Num:
    if a.n is not None and b.n is not None and not _is(b, 0) and not _is(a, 0) \
            and not isinstance(a.d, np.ndarray) and not isinstance(b.d, np.ndarray):
        d = a.d * b.d // gcd(a.d, b.d)
        ka, kb = d // a.d, d // b.d
        nb = a.nb * ka + b.nb * kb
        if nb < LIMIT and d < LIMIT:        # a·ka − b·kb in one pass, without negating b first
            return Num(_linear(a.n, ka, b.n, -kb), d, nb, d, a.lo - b.hi, a.hi - b.lo)
    return add(a, negate(b))


def _linear(x, kx: int, y, ky: int):
    """x·kx + y·ky (int64 arrays or ints) with as few full-size temporaries as possible:
    a scaled array is fresh, so the other term is added into it in place."""
    shape = np.broadcast_shapes(np.shape(x), np.shape(y))
    if kx != 1 and np.shape(x) == shape and shape:
        out = x * kx
        _add_into(out, y, ky)
        return out
    if ky != 1 and np.shape(y) == shape and shape:
        out = y * ky
        _add_into(out, x, kx)
        return out
    first = x if kx == 1 else x * kx
    return first + y if ky == 1 else first - y if ky == -1 else first + y * ky


def _add_into(out, y, ky: int) -> None:
    if ky == 1:
        out += y
    elif ky == -1:
        out -= y
    else:
        out += y * ky


def mul(a: Num, b: Num) -> Num:
    if _is(a, 1):
        return b
    if _is(b, 1):
        return a
    lo, hi = _interval_mul(a, b)
    if a.n is not None and b.n is not None:
        if not isinstance(a.n, np.ndarray) and not isinstance(a.d, np.ndarray):
            a, b = b, a
        if not isinstance(b.n, np.ndarray) and not isinstance(b.d, np.ndarray):
            # a column times a constant p/q: cancel q against a's shared denominator
            p, q = b.n, b.d
            if p == 0:
                return Num(a.n * 0, 1, 0, 1, lo, hi, a.boolean and b.boolean)
            if not isinstance(a.d, np.ndarray):
                g = gcd(abs(p), a.d)
                p, d = p // g, a.d // g * q
                nb = a.nb * abs(p)
                if nb < LIMIT and d < LIMIT:
                    return Num(a.n if p == 1 else a.n * p, d, nb, d, lo, hi)
            else:
                nb, db = a.nb * abs(p), a.db * q
                if nb < LIMIT and db < LIMIT:
                    return Num(a.n if p == 1 else a.n * p, a.d if q == 1 else a.d * q, nb, db, lo, hi)
        else:
            nb, db = a.nb * b.nb, a.db * b.db
            if nb < LIMIT and db < LIMIT:
                return Num(a.n * b.n, a.d * b.d if (isinstance(a.d, np.ndarray) or isinstance(b.d, np.ndarray)
                                                  or a.d * b.d != 1) else 1, nb, db, lo, hi,
                           a.boolean and b.boolean)
    ma, mb = _bound(a), _bound(b)
    ea, eb = a.float_error(), b.float_error()
    return _float_result(a.floats() * b.floats(), ma * eb + mb * ea + ea * eb + U * ma * mb, lo, hi)


def div(a: Num, b: Num, zero, unsure, active) -> Num:
    """a / b where b is not 0. Bodies (``active``) whose denominator is 0 are added to
    ``zero`` (and those where a float column cannot tell, to ``unsure``); the result
    for them is a placeholder."""
    if b.n is not None and not isinstance(b.n, np.ndarray):
        if b.n == 0:
            if active is not None:
                zero |= active
            return mul(a, ZERO)
        return mul(a, constant(Fraction(b.d, b.n)))
    low, high = -inf, inf
    if a.lo >= 0 and b.lo >= 0:
        # a zero denominator's placeholder is replaced by its rule or recomputed, so it needs no room here
        low = Fraction(0)
        if b.exact and not isinstance(b.d, np.ndarray) and a.hi != inf:
            high = a.hi * b.d            # |b| ≥ 1/d where b ≠ 0
    if b.lo > 0 or b.hi < 0:
        candidates = [x / y for x in (a.lo, a.hi) for y in (b.lo, b.hi) if abs(x) != inf and abs(y) != inf]
        if len(candidates) == 4:
            low, high = min(candidates), max(candidates)
    if a.n is not None and b.n is not None:
        is_zero = b.n == 0
        if active is not None:
            zero |= active & is_zero
        nb, db = a.nb * b.db, a.db * b.nb
        if nb < LIMIT and db < LIMIT:
            n = a.n * b.d if (isinstance(b.d, np.ndarray) or b.d != 1) else a.n
            if b.lo >= 0:
                magnitude = np.where(is_zero, 1, b.n) if b.lo == 0 else b.n
            else:
                magnitude = np.where(is_zero, 1, np.abs(b.n))
                n = np.where(b.n < 0, -n, n)
            d = magnitude if (not isinstance(a.d, np.ndarray) and a.d == 1) else magnitude * a.d
            return Num(n, d, nb, db, low, high)
    fb = b.floats()
    eb = b.float_error()
    exact_zero = fb == 0 if b.n is None else (b.n == 0)
    maybe = (np.abs(fb) <= eb * (1 + U)) & ~exact_zero
    if active is not None:
        zero |= active & exact_zero
        unsure |= active & maybe
    safe = np.where(exact_zero | maybe, 1.0, fb)
    q = a.floats() / safe
    margin = np.maximum(np.abs(safe) - eb, np.abs(safe) * 0.5)
    errors = (a.float_error() + np.abs(q) * eb) / margin + U * np.abs(q)
    bound = float(np.max(errors)) if np.ndim(errors) and errors.size else float(errors)
    if low == -inf:
        top = float(np.max(np.abs(q))) if np.ndim(q) and q.size else abs(float(q))
        low, high = Fraction(-top - bound - 1), Fraction(top + bound + 1)
    return _float_result(q, bound * (1 + U), low, high)


def _constant(a: Num) -> bool:
    return not np.ndim(a.n) and not np.ndim(a.d)


def _is_one(d) -> bool:
    return not np.ndim(d) and d == 1


def _cross(a: Num, b: Num):
    """Numerators to compare a with b: a.n·b.d and b.n·a.d (None if they could overflow)."""
    if _constant(b):
        if b.n == 0:
            return a.n, 0
        if b.d == 1 and a.nb < LIMIT and b.nb * a.db < LIMIT:
            return a.n, (a.d * b.n if not _is_one(a.d) else b.n)
    if _constant(a):
        pair = _cross(b, a)
        return None if pair is None else (pair[1], pair[0])
    if not isinstance(a.d, np.ndarray) and not isinstance(b.d, np.ndarray):
        if a.d == b.d:
            return a.n, b.n
        g = gcd(a.d, b.d)
        ka, kb = b.d // g, a.d // g
        if a.nb * ka < LIMIT and b.nb * kb < LIMIT:
            return (a.n if ka == 1 else a.n * ka), (b.n if kb == 1 else b.n * kb)
        return None
    if a.nb * b.db < LIMIT and b.nb * a.db < LIMIT:
        return a.n * b.d, b.n * a.d
    return None


_OPS = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal,
        "eq": np.equal, "ne": np.not_equal}


def _static(op, a: Num, b: Num):
    """The comparison's answer for every body, when the intervals settle it."""
    if op in ("lt", "ge"):
        if a.hi < b.lo:
            return op == "lt"
        if a.lo >= b.hi:
            return op == "ge"
    if op in ("le", "gt"):
        if a.hi <= b.lo:
            return op == "le"
        if a.lo > b.hi:
            return op == "gt"
    return None


def compare_mask(op: str, a: Num, b: Num, unsure, active):
    """a <op> b per body as a bool array (or a Python bool when the intervals settle it)."""
    settled = _static(op, a, b)
    if settled is not None:
        return np.bool_(settled)
    if a.n is not None and b.n is not None:
        pair = _cross(a, b)
        if pair is not None:
            return _OPS[op](*pair)
    fa, fb = a.floats(), b.floats()
    bound = (a.float_error() + b.float_error()) * (1 + 4 * U) + U * (_bound(a) + _bound(b))
    if active is not None:
        unsure |= active & ~(np.abs(fa - fb) > bound)
    return _OPS[op](fa, fb)


def compare(op: str, a: Num, b: Num, unsure, active) -> Num:
    result = compare_mask(op, a, b, unsure, active)
    if not np.ndim(result):
        return boolean_constant(bool(result))
    return boolean(result)


def truth(a: Num, unsure, active):
    """Which bodies' values are true (not 0); a float column's undecided ones are unsure."""
    if a.n is not None:
        return np.not_equal(a.n, 0)
    if active is not None:
        unsure |= active & ~(np.abs(a.f) > a.e * (1 + 4 * U))
    return a.f != 0


def where(mask, a: Num, b: Num) -> Num:
    """a where mask, else b."""
    lo, hi = min(a.lo, b.lo), max(a.hi, b.hi)
    flag = a.boolean and b.boolean
    if isinstance(mask, (bool, np.bool_)):
        return a if mask else b
    if a.n is not None and b.n is not None:
        if not isinstance(a.d, np.ndarray) and not isinstance(b.d, np.ndarray):
            d = a.d * b.d // gcd(a.d, b.d)
            ka, kb = d // a.d, d // b.d
            nb = max(a.nb * ka, b.nb * kb)
            if nb < LIMIT and d < LIMIT:
                return Num(_pick(mask, a.n, ka, b.n, kb), d, nb, d, lo, hi, flag)
        else:
            return Num(_pick(mask, a.n, 1, b.n, 1), _pick(mask, a.d, 1, b.d, 1), max(a.nb, b.nb), max(a.db, b.db),
                       lo, hi, flag)
    return _float_result(np.where(mask, a.floats(), b.floats()), max(a.float_error(), b.float_error()), lo, hi)


SPARSE = 8          # a mask with fewer than 1/SPARSE of its bodies chosen (or left out) is scattered


def _pick(mask, x, kx: int, y, ky: int):
    """np.where(mask, x·kx, y·ky) as int64. For a 1-D mask that chooses few bodies (or
    leaves few out), the other side is scaled (or copied) once and the few values put in:
    no full pass of the scaled side that is hardly chosen."""
    shapes = {np.shape(x), np.shape(y)} - {()}
    if np.ndim(mask) == 1 and shapes <= {mask.shape}:
        n = mask.shape[0]
        chosen = int(np.count_nonzero(mask))
        if chosen * SPARSE < n:
            return _put(y, ky, x, kx, np.flatnonzero(mask), n)
        if (n - chosen) * SPARSE < n:
            return _put(x, kx, y, ky, np.flatnonzero(np.logical_not(mask)), n)
    return np.where(mask, x if kx == 1 else x * kx, y if ky == 1 else y * ky)


def _put(base, kbase: int, other, kother: int, rows, n: int):
    """base·kbase as a fresh int64 array of n, with other·kother at ``rows``."""
    if np.ndim(base):
        out = base * kbase if kbase != 1 else np.array(base, dtype=np.int64)
    else:
        out = np.full(n, base * kbase, dtype=np.int64)
    if len(rows):
        values = other[rows] if np.ndim(other) else other
        out[rows] = values * kother if kother != 1 else values
    return out


def _against_constant(kernel, a: Num, b: Num):
    """min or max of a column and a constant c with c·d whole: one pass over the numerators."""
    if _constant(a):
        a, b = b, a
    if a.n is None or not _constant(b) or not np.ndim(a.n):
        return None
    if isinstance(a.d, np.ndarray):
        if b.d != 1 or b.nb * a.db >= LIMIT:
            return None
        return Num(kernel(a.n, a.d * b.n if b.n not in (0, 1) else (a.d if b.n == 1 else 0)), a.d, max(a.nb, b.nb * a.db),
                   a.db, a.lo, a.hi)
    if a.d % b.d:       # over the common denominator: the column scaled once, then one pass
        d = a.d * b.d // gcd(a.d, b.d)
        ka, kb = d // a.d, d // b.d
        if d >= LIMIT or a.nb * ka >= LIMIT or b.nb * kb >= LIMIT:
            return None
        scaled = a.n * ka
        return Num(kernel(scaled, b.n * kb, out=scaled), d, max(a.nb * ka, b.nb * kb), d, a.lo, a.hi)
    if b.nb * a.d >= LIMIT:
        return None
    return Num(kernel(a.n, b.n * (a.d // b.d)), a.d, max(a.nb, b.nb * (a.d // b.d)), a.d,
               a.lo, a.hi)


def minimum(a: Num, b: Num) -> Num:
    if a.hi <= b.lo:
        return a
    if b.hi <= a.lo:
        return b
    fast = _against_constant(np.minimum, a, b)
    if fast is not None:
        fast.lo, fast.hi = min(a.lo, b.lo), min(a.hi, b.hi)
        return fast
    result = where(compare_mask("le", a, b, None, None), a, b)
    result.lo, result.hi = min(a.lo, b.lo), min(a.hi, b.hi)
    return result


def maximum(a: Num, b: Num) -> Num:
    if a.lo >= b.hi:
        return a
    if b.lo >= a.hi:
        return b
    fast = _against_constant(np.maximum, a, b)
    if fast is not None:
        fast.lo, fast.hi = max(a.lo, b.lo), max(a.hi, b.hi)
        return fast
    result = where(compare_mask("ge", a, b, None, None), a, b)
    result.lo, result.hi = max(a.lo, b.lo), max(a.hi, b.hi)
    return result


def clamp(a: Num, low: Num, high: Num) -> Num:
    return minimum(maximum(a, low), high)


def total(values: Num, axis_mask) -> Num:
    """The sum over a matrix's columns (axis 1) of the values where ``axis_mask``."""
    width = values.n.shape[1] if values.n is not None else values.f.shape[1]
    if values.n is not None and not isinstance(values.d, np.ndarray) and values.nb * width < LIMIT:
        if np.ndim(values.n) == 2 and np.shape(axis_mask) == values.n.shape:
            n = np.einsum("ij,ij->i", values.n, axis_mask)      # int64 products and sums, one pass
        else:
            n = np.where(axis_mask, values.n, 0).sum(axis=1)
        return Num(n, values.d, values.nb * width, values.d, min(values.lo, 0) * width, max(values.hi, 0) * width)
    result = None
    for column in range(width):
        cell = select_column(values, column)
        cell = where(axis_mask[:, column], cell, ZERO)
        result = cell if result is None else add(result, cell)
    return result


def select_column(values: Num, column: int) -> Num:
    if values.n is not None:
        return Num(values.n[:, column], values.d if not isinstance(values.d, np.ndarray) else values.d[:, column],
                   values.nb, values.db, values.lo, values.hi, values.boolean)
    return _float_result(values.f[:, column], values.e, values.lo, values.hi)


# --- what is shown -----------------------------------------------------------------------

def rounded(a: Num, places: int):
    """The value rounded half up (ties away from zero) to ``places`` decimals, as an
    int64 count of 10⁻ᵖ units, and which bodies that is decided for."""
    scale = 10 ** places
    if a.n is not None and (isinstance(a.n, np.ndarray) or isinstance(a.d, np.ndarray)):
        n, d = a.n, a.d
        if not isinstance(d, np.ndarray) and scale % d == 0 and a.nb * scale < LIMIT:
            return (n * (scale // d) if scale != d else n), True
        if isinstance(d, np.ndarray) and np.ndim(n) and 2 * scale * a.nb + a.db < 2 ** 53 \
                and (a.lo >= 0 or a.hi <= 0):
            return _half_up_floats(n, d, scale, 1 if a.lo >= 0 else -1), True
        if 2 * scale * a.nb + a.db < LIMIT:
            if a.lo >= 0:               # the sign is known: no abs, no choice per body
                units = n * (2 * scale)             # a fresh array, then worked in place
                units += d
                units //= 2 * d
                return units, True
            if a.hi <= 0:
                units = n * (-2 * scale)
                units += d
                units //= 2 * d
                np.negative(units, out=units)
                return units, True
            magnitude = (2 * scale * np.abs(n) + d) // (2 * d)
            return np.where(n < 0, -magnitude, magnitude), True
    if a.n is not None:
        if not np.ndim(a.n) and not np.ndim(a.d):
            return _round_fraction(Fraction(int(a.n), int(a.d)), scale), True
        a = _float_result(a.floats(), a.float_error(), a.lo, a.hi, [a])
    f = np.atleast_1d(a.floats())
    units_float = f * scale if a.lo >= 0 else np.abs(f) * scale
    # one slack for the column, from its largest value: at least each body's own slack
    top = float(np.max(units_float)) if np.size(units_float) else 0.0
    slack = (a.e * scale + (top + 1) * 4 * U) * (1 + U) + U
    units_float += 0.5
    whole = np.floor(units_float)
    units_float -= whole                    # where x + ½ falls between two whole numbers, exactly
    units_float -= 0.5
    decided = np.abs(units_float, out=units_float) < 0.5 - slack    # min(t, 1 − t) > slack
    units = whole.astype(np.int64)
    if not a.lo >= 0:
        np.negative(units, out=units, where=f < 0)
    if a.terms is not None and not decided.all():
        for index in np.flatnonzero(~decided):
            units[index] = _round_fraction(sum((t.fraction(index) for t in a.terms), Fraction(0)), scale)
        decided = np.ones(len(units), dtype=bool)
    return units, decided


def _half_up_floats(n: np.ndarray, d: np.ndarray, scale: int, sign: int) -> np.ndarray:
    """sign · floor((2·scale·sign·n + d) / 2d): the values n/d (all of one sign) rounded half
    up in 10⁻ᵖ units, in float64 where the caller has bounded 2·scale·|n| + d below 2^53.
    Exact: every float here is a whole number below 2^53, so the products and the sum are
    exact, and the quotient N/D, rounded to the nearest float, cannot reach the next whole
    number (it is at least 1/D away, the rounding error at most N/D · 2^-53 < 1/D), so
    truncating it gives the floor. A division in floats instead of int64 division by an array."""
    units = n.astype(np.float64)
    units *= 2 * scale * sign
    twice = d.astype(np.float64)
    units += twice
    twice *= 2
    units /= twice
    result = units.astype(np.int64)
    if sign < 0:
        np.negative(result, out=result)
    return result


def _round_fraction(value: Fraction, scale: int) -> int:
    magnitude = abs(value) * scale
    whole, remainder = divmod(magnitude.numerator, magnitude.denominator)
    whole += 2 * remainder >= magnitude.denominator
    return -whole if value < 0 else whole


def absolute(a: Num) -> Num:
    low = Fraction(0) if a.lo <= 0 <= a.hi else min(abs(a.lo), abs(a.hi))
    high = max(abs(a.lo), abs(a.hi))
    if a.n is not None:
        return Num(np.abs(a.n), a.d, a.nb, a.db, low, high)
    return _float_result(np.abs(a.f), a.e, low, high)


def select(conditions: list, choices: list[Num], default: Num, shape) -> Num:
    """The first choice whose condition holds, else the default (constants only)."""
    every = choices + [default]
    if not all(c.exact and not np.ndim(c.n) for c in every):
        result = default
        for condition, choice in reversed(list(zip(conditions, choices))):
            result = where(np.broadcast_to(condition, shape), choice, result)
        return result
    d = 1
    for c in every:
        d = d * c.d // gcd(d, c.d)
    values = [c.n * (d // c.d) for c in every]
    n = np.select([np.broadcast_to(c, shape) for c in conditions], values[:-1], values[-1])
    return Num(n, d, max(abs(v) for v in values), d, min(c.lo for c in every), max(c.hi for c in every))
