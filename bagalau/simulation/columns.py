"""A cohort's raw inputs as columns, and their validation in columns.

``Columns`` holds one array per input, as a Parquet file or a spreadsheet
read by column gives them: int or bool arrays, float arrays (NaN where a
cell is empty), object arrays (text, or values of mixed kinds, None where
empty) and, for list inputs, ``Ragged`` matrices.

``validate`` checks every column at once — missing required values, whole
numbers, bounds, yes/no values, decimals, justifications for entered points,
inputs a rule makes required and the edition's checks — and turns the
columns into the scorer's exact int64 columns (``Batch``). The bodies it
finds a problem with are then validated one by one by the engine
(``bagalau.engine.inputs.validate``), so that the messages are the engine's
own, naming body and field; a cell it cannot read in columns (a text in a
number column, a float with more than six decimals) is read by the engine
too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import gcd

import numpy as np

from bagalau.engine import tables
from bagalau.engine.compiled import CompiledMethodology
from bagalau.engine.inputs import (InputError, Problem, Submission, _default, coerce, validate as validate_body)
from bagalau.simulation import numeric as nm
from bagalau.simulation.columnar import Batch, _take, exact_column, section_items_score
from bagalau.simulation.compiler import ExpressionCompiler, Frame, Unsupported
from bagalau.simulation.numeric import Num, Positions

MAX_ABS = 10 ** 15               # bagalau.engine.limits: every number read is within ±10^15
PLACES = 6                       # decimals read from a float column in columns; more go to the engine
SPARSE = 8                       # a column with fewer than 1/SPARSE of its cells filled is read on those only


@dataclass
class Ragged:
    """A list input: ``values`` (bodies × width floats, NaN where a position is "not
    found" or beyond the body's list) and each body's ``length``."""

    values: np.ndarray
    length: np.ndarray

    def take(self, indices) -> "Ragged":
        return Ragged(self.values[indices], self.length[indices])

    def cell(self, index: int) -> list:
        row = self.values[index, :self.length[index]]
        return [None if np.isnan(v) else _python(v) for v in row]


@dataclass
class Masked:
    """A column of numbers or yes/no answers with empty cells (``null``), as Arrow holds one."""

    values: np.ndarray
    null: np.ndarray

    def take(self, indices) -> "Masked":
        return Masked(self.values[indices], self.null[indices])

    def cell(self, index: int):
        return None if self.null[index] else _python(self.values[index])


@dataclass
class Columns:
    """Raw inputs of a cohort of one profile, one array per input."""

    body_ids: list[str]
    raw: dict[str, object]
    profile: str | None = None
    period: int | None = None
    names: list[str | None] | None = None
    origin: str = ""

    def __len__(self) -> int:
        return len(self.body_ids)

    def take(self, indices: np.ndarray, prefix: str = "") -> "Columns":
        """The bodies at ``indices`` (repeats allowed, renamed ``prefix`` + position when given)."""
        ids = [f"{prefix}{i}" for i in range(len(indices))] if prefix else [self.body_ids[i] for i in indices]
        return Columns(ids, {k: v.take(indices) if isinstance(v, (Ragged, Masked)) else v[indices]
                             for k, v in self.raw.items()},
                       self.profile, self.period, None, self.origin)

    def submission(self, index: int) -> Submission:
        """One body as the engine reads it."""
        raw = {}
        for key, column in self.raw.items():
            value = column.cell(index) if isinstance(column, (Ragged, Masked)) else _python(column[index])
            if value is not None:
                raw[key] = value
        name = self.names[index] if self.names else None
        return Submission(self.body_ids[index], name, raw, period=self.period, origin=self.origin,
                          profile=self.profile)

    @classmethod
    def from_submissions(cls, compiled: CompiledMethodology, submissions: list[Submission]) -> "Columns":
        """Columns from bodies read one by one (a test, a small cohort). A table's rows are
        aggregated into their inputs as the engine does (``engine.tables``); a body whose rows
        have problems keeps them, so that validation flags it with the engine's messages."""
        submissions = [_tables_aggregated(compiled, s) for s in submissions]
        keys = list(dict.fromkeys(key for s in submissions for key in s.raw))
        raw: dict[str, object] = {}
        for key in keys:
            cells = [s.raw.get(key) for s in submissions]
            definition = compiled.inputs.get(key)
            if definition is not None and definition.type in ("positions", "decimals") \
                    and all(c is None or (isinstance(c, list) and all(_plain_number(x) or x is None for x in c))
                            for c in cells):
                raw[key] = _ragged(cells)
            elif definition is not None and definition.type == "text" \
                    and all(type(c) is str or c is None for c in cells) and any(c is not None for c in cells):
                raw[key] = _masked(cells, str)
            elif all(type(c) is bool or c is None for c in cells):
                raw[key] = _masked(cells, bool)
            elif all((type(c) is int and abs(c) < nm.LIMIT) or c is None for c in cells):
                raw[key] = _masked(cells, np.int64)
            else:
                column = np.empty(len(cells), dtype=object)
                column[:] = cells
                raw[key] = column
        first = submissions[0] if submissions else None
        return cls([s.body_id for s in submissions], raw, first.profile if first else None,
                   first.period if first else None, [s.name for s in submissions], first.origin if first else "")


def _tables_aggregated(compiled: CompiledMethodology, submission: Submission) -> Submission:
    expanded, problems, _, _ = tables.expand(compiled, submission)
    return submission if problems else expanded


def _masked(cells: list, dtype):
    null = np.fromiter((c is None for c in cells), dtype=bool, count=len(cells))
    empty = {bool: False, str: ""}.get(dtype, 0)
    values = np.array([empty if c is None else c for c in cells], dtype=dtype)
    return Masked(values, null) if null.any() else values


def _plain_number(value) -> bool:
    return type(value) in (int, float)


def _ragged(cells: list) -> Ragged:
    width = max((len(c) for c in cells if c), default=0) or 1
    values = np.full((len(cells), width), np.nan)
    length = np.zeros(len(cells), dtype=np.int64)
    for row, items in enumerate(cells):
        items = items or []
        length[row] = len(items)
        for position, item in enumerate(items):
            if item is not None:
                values[row, position] = item
    return Ragged(values, length)


def _python(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


# --- validation --------------------------------------------------------------------------

@dataclass
class _Column:
    num: object = None                  # nm.Num or Positions
    missing: np.ndarray | None = None   # absent after defaults (optional inputs)
    blank: np.ndarray | None = None     # empty in the file
    bad: np.ndarray | None = None       # bodies the engine must look at
    extra: dict = field(default_factory=dict)


def validate(compiled: CompiledMethodology, columns: Columns) -> Batch:
    """The columns as exact scorer columns, or InputError with the engine's messages."""
    n = len(columns)
    flagged = np.zeros(n, dtype=bool)
    unknown = [key for key in columns.raw if key not in compiled.inputs]
    for key in unknown:
        flagged |= ~_blank(columns.raw[key], n)
    numbers, missing, lists, blanks = {}, {}, {}, {}
    for input_id, definition in compiled.inputs.items():
        if input_id in compiled.points_alternative:     # required unless the section's points stand in
            definition = definition.model_copy(update={"required": False})
        column = _read(definition, columns.raw.get(input_id), n)
        blanks[input_id] = column.blank
        if column.bad is not None:
            flagged |= column.bad
        if definition.type == "text":
            continue
        if isinstance(column.num, Positions):
            lists[input_id] = column.num
            continue
        numbers[input_id] = column.num
        if column.missing is not None and column.missing.any():
            missing[input_id] = column.missing
    for input_id in compiled.inputs:
        comment_id = input_id + "_comment"
        if input_id.startswith("entered_") and comment_id in compiled.inputs:
            flagged |= ~blanks[input_id] & blanks[comment_id]
    flagged |= _section_entries(compiled, blanks, n)
    period = np.full(n, -1 if columns.period is None else columns.period, dtype=np.int64)
    batch = Batch(n, numbers, missing, lists, period)
    flagged |= _section_agreement(compiled, batch, blanks, n)
    flagged |= _rules(compiled, batch, blanks)
    if flagged.any():
        _explain(compiled, columns, flagged)
        batch.read_by_engine = flagged      # valid, but not read in columns: the reference scores them
    return batch


def _section_entries(compiled: CompiledMethodology, blanks: dict, n: int) -> np.ndarray:
    """Bodies the engine must look at for a checklist section (``engine.section_points``):
    an item or defect count left blank without the section's points standing in (items given
    in part with the points included). Points given with every item: ``_section_agreement``."""
    flagged = np.zeros(n, dtype=bool)
    for points_id, (_, _, section) in compiled.section_points.items():
        every = blanks[section.item_ids[0]].copy()          # every item blank
        some = blanks[section.defects_id] | every           # an item or the defect count blank
        for item_id in section.item_ids[1:]:
            every &= blanks[item_id]
            some |= blanks[item_id]
        not_excused = blanks[points_id] | ~every           # excused: the points given, no item
        flagged |= some & not_excused
    return flagged


def _section_agreement(compiled: CompiledMethodology, batch: Batch, blanks: dict, n: int) -> np.ndarray:
    """Bodies giving a section's points together with all its items whose points and items
    do not agree to the hundredth (``section_points.disagreements``), or where the columns
    cannot prove that they do: the engine names them."""
    flagged = np.zeros(n, dtype=bool)
    for points_id, (node_id, _, section) in compiled.section_points.items():
        short = blanks[points_id].copy()            # the points or an item blank
        for item_id in section.item_ids:
            short |= blanks[item_id]
        if short.all():
            continue
        both = ~short
        node = compiled.nodes[node_id]
        unsure = np.zeros(n, dtype=bool)
        rows = np.flatnonzero(both)         # few bodies give both: the arithmetic runs on them only
        with np.errstate(all="ignore"):
            score = section_items_score(batch, section, nm.constant(section.weight),
                                        nm.constant(node.checklist_per_defect), nm.constant(node.checklist_cap_share),
                                        unsure, both, rows)
            shown, decided = nm.rounded(score, 2)
            points, points_decided = nm.rounded(_take(batch.number(points_id), rows), 2)
        proven = np.logical_and(decided, points_decided)
        flagged[rows[(shown != points) | ~proven]] = True
        flagged |= unsure
    return flagged


def _explain(compiled: CompiledMethodology, columns: Columns, flagged: np.ndarray) -> None:
    problems: list[Problem] = []
    for index in np.flatnonzero(flagged):
        try:
            validate_body(compiled, columns.submission(int(index)))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)


def _blank(raw, n: int) -> np.ndarray:
    if raw is None:
        return np.ones(n, dtype=bool)
    if isinstance(raw, Ragged):
        return np.zeros(n, dtype=bool)
    if isinstance(raw, Masked):
        return raw.null
    if raw.dtype.kind == "f":
        return np.isnan(raw)
    if raw.dtype.kind == "O":
        return _BLANK_CELL(raw).astype(bool)
    if raw.dtype.kind in "US":
        return (raw == raw.dtype.type()) | np.char.isspace(raw)
    return np.zeros(n, dtype=bool)


def _is_blank_cell(value) -> bool:
    return value is None or (type(value) is str and (not value or value.isspace())) or \
        (type(value) is float and value != value)


_BLANK_CELL = np.frompyfunc(_is_blank_cell, 1, 1)


def _read(definition, raw, n: int) -> _Column:
    kind = definition.type
    if isinstance(raw, Ragged):
        return _read_list(definition, raw, n)
    if isinstance(raw, Masked) and raw.values.dtype.kind in "US":
        return _read_array(definition, raw.values, n, raw.null | _blank(raw.values, n))
    if isinstance(raw, Masked):         # an empty cell reads as 0 (NaN in a float column, False for yes/no)
        blank, values = raw.null, raw.values
        kind = values.dtype.kind
        if kind == "f":
            raw = np.where(blank, np.nan, values)
        elif kind == "b":
            raw = values & ~blank if (values & blank).any() else values
        elif values[np.flatnonzero(blank)].any():      # a value under an empty cell: zeroed in a copy
            raw = np.where(blank, 0, values)
        else:                           # empty cells hold 0 already (as Arrow and ``_masked`` leave them)
            raw = values
        return _read_array(definition, raw, n, blank)
    blank = _blank(raw, n) if not (kind == "positions" and raw is not None and raw.dtype.kind == "O") else \
        np.fromiter((v is None for v in raw), dtype=bool, count=n)
    return _read_array(definition, raw, n, blank)


def _read_array(definition, raw, n: int, blank) -> _Column:
    kind = definition.type
    bad = blank.copy() if definition.required else np.zeros(n, dtype=bool)
    if kind == "text":
        return _Column(None, blank=blank, bad=bad)
    default = _default(definition)
    if raw is None:
        raw_kind = "none"
    else:
        raw_kind = raw.dtype.kind
    if raw_kind in ("i", "u", "b") or (raw_kind == "f" and kind != "positions" and kind != "decimals"):
        num, wrong = _numbers(definition, raw, blank, default)
        return _Column(num, missing=(blank if default is None else None) if not definition.required else None,
                       blank=blank, bad=bad | wrong)
    if raw_kind == "none":
        num = exact_column([default] * n) if kind not in ("positions", "decimals") else \
            exact_column([None] * n, (n, 1))
        if kind in ("positions", "decimals"):
            return _Column(Positions(num, np.zeros((n, 1), bool), np.zeros((n, 1), bool), np.zeros(n, np.int64)),
                           blank=blank, bad=bad)
        return _Column(num, missing=blank if default is None and not definition.required else None, blank=blank,
                       bad=bad)
    return _read_cells(definition, raw, blank, bad, default, n)


def _read_cells(definition, raw, blank, bad, default, n) -> _Column:
    """An object column, cell by cell with the engine's own reading."""
    values = []
    for index, cell in enumerate(raw):
        if blank[index]:
            values.append(default if definition.type not in ("positions", "decimals") else None)
            continue
        try:
            values.append(coerce(definition, cell))
        except (ValueError, ArithmeticError):
            bad[index] = True
            values.append(None)
    if definition.type in ("positions", "decimals"):
        return _Column(_positions(values, n), blank=blank, bad=bad)
    missing = np.fromiter((v is None for v in values), dtype=bool, count=n)
    try:
        num = exact_column(values)
    except Unsupported:
        raise InputError([Problem("*", definition.id, "", "values too large for the columnar scorer")]) from None
    num.boolean = definition.type == "boolean"
    return _Column(num, missing=missing if missing.any() else None, blank=blank, bad=bad)


def _positions(values: list, n: int) -> Positions:
    width = max((len(v) for v in values if v), default=0) or 1
    cells = [None] * (n * width)
    present = np.zeros((n, width), dtype=bool)
    length = np.zeros(n, dtype=np.int64)
    for row, items in enumerate(values):
        items = items or []
        length[row] = len(items)
        for position, item in enumerate(items):
            if item is not None:
                cells[row * width + position] = item
                present[row, position] = True
    inside = np.arange(width)[None, :] < length[:, None]
    return Positions(exact_column(cells, (n, width)), present, inside, length)


def _numbers(definition, raw: np.ndarray, blank: np.ndarray, default):
    """A numeric array: exact numerators, and the cells the engine must read."""
    kind = definition.type
    wrong = np.zeros(len(raw), dtype=bool)
    factor = None           # gcd of the denominator and every numerator, when known
    bounds = None           # the numerators' min and max, when known
    if raw.dtype.kind == "b":
        if kind != "boolean":
            wrong[:] = True                         # the engine refuses yes/no for a number
        elif default is None or not blank.any():   # kept as bool: the batch widens it when used
            num = Num(raw, 1, 1, 1, Fraction(0), Fraction(1), True)
            return num, wrong
        values, denominator = raw.astype(np.int64), 1
    elif raw.dtype.kind in "iu":
        values, denominator = raw.astype(np.int64, copy=False), 1
        if kind == "boolean":
            wrong |= (values != 0) & (values != 1)
    else:
        values, denominator, unread, factor, bounds = _decimal_numerators(raw, blank)
        wrong |= unread
        if kind in ("integer", "boolean"):
            wrong |= values % denominator != 0
            if kind == "boolean":
                wrong |= (values != 0) & (values != denominator)
    if kind == "boolean" and raw.dtype.kind == "f":
        wrong |= True & ~blank   # a float is not a yes/no answer for the engine (1.0 is refused)
    if default is not None and blank.any():     # an empty cell already holds 0 (``_read``, ``_decimal_numerators``)
        fill = Fraction(default) * denominator
        if fill.denominator != 1:
            return _numbers_with_default(definition, raw, blank, default), wrong
        values = np.where(blank, int(fill), values)
        factor, bounds = None if factor is None else gcd(factor, int(fill)), None
    low, high = bounds if bounds is not None else (int(values.min()), int(values.max())) if len(values) else (0, 0)
    checks = []
    if MAX_ABS * denominator < nm.LIMIT and max(-low, high) > MAX_ABS * denominator:
        checks.append(np.abs(values) > MAX_ABS * denominator)    # the engine's sanity bound |x| ≤ 10^15
    if definition.min is not None and low < _scaled_bound(definition.min, denominator, values, "min"):
        checks.append(values < _scaled_bound(definition.min, denominator, values, "min"))
    if definition.max is not None and high > _scaled_bound(definition.max, denominator, values, "max"):
        checks.append(values > _scaled_bound(definition.max, denominator, values, "max"))
    for check in checks:
        wrong |= check & ~blank
    num = nm.scaled(values, denominator, (low, high), factor)
    num.boolean = kind == "boolean"
    return num, wrong & ~blank


def _decimal_numerators(raw: np.ndarray, blank: np.ndarray):
    """A float column as int64 numerators over 10^p, p ≤ PLACES (0 where a cell is empty),
    the cells no such denominator reads exactly (the engine reads them), the common factor
    of the denominator and every numerator and the numerators' bounds where they are known
    without a pass (else None). A column that is mostly empty (optional inputs) is read on
    its filled cells only, and comes in lowest terms (factor 1)."""
    n = len(raw)
    filled = n - int(np.count_nonzero(blank))
    if filled * SPARSE >= n:
        return (*_dense_numerators(raw, blank), None, None)
    rows = np.flatnonzero(~blank)
    numerators, denominator, unread_rows = _dense_numerators(raw[rows], np.zeros(len(rows), dtype=bool))
    g = gcd(denominator, int(np.gcd.reduce(numerators))) if len(rows) else denominator
    if g > 1:
        numerators, denominator = numerators // g, denominator // g
    values = np.zeros(n, dtype=np.int64)
    values[rows] = numerators
    unread = np.zeros(n, dtype=bool)
    unread[rows] = unread_rows
    low, high = (int(numerators.min()), int(numerators.max())) if len(rows) else (0, 0)
    bounds = (min(low, 0), max(high, 0)) if filled < n else (low, high)
    return values, denominator, unread, 1, bounds


def _dense_numerators(raw: np.ndarray, blank: np.ndarray):
    """``_decimal_numerators`` over every cell.

    One pass at 10^PLACES first: where every |numerator| < 2^50, a value x is read at
    some 10^p (p ≤ PLACES) exactly when rint(x·10^PLACES)/10^PLACES == x, with the same
    rational (the product's error is below ½), and ``nm.scaled`` cancels the common
    factors of 10. Otherwise the smallest p that reads the whole column is looked for."""
    finite = np.isfinite(raw)
    unread = np.zeros(len(raw), dtype=bool)
    if finite.all():
        safe = raw
    else:
        unread |= ~(finite | blank)
        safe = np.where(finite, raw, 0.0)
    scale = 10.0 ** PLACES
    numerators = np.rint(safe * scale)
    if not len(safe) or (float(numerators.max()) < 2.0 ** 50 and float(numerators.min()) > -2.0 ** 50
                         and (numerators / scale == safe).all()):
        return numerators.astype(np.int64), 10 ** PLACES, unread
    for places in range(PLACES + 1):
        scale = 10.0 ** places
        numerators = np.rint(safe * scale)
        fits = (numerators / scale == safe) & (np.abs(numerators) < 2.0 ** 53)
        if fits.all():
            return numerators.astype(np.int64), 10 ** places, unread
    return np.where(fits, numerators, 0.0).astype(np.int64), 10 ** PLACES, unread | ~fits


def _scaled_bound(bound: Decimal, denominator: int, values, which):
    scaled = Fraction(bound) * denominator
    if which == "min":       # values < min  ⟺  numerator < ceil(min·d)
        return -((-scaled.numerator) // scaled.denominator)
    return scaled.numerator // scaled.denominator      # values > max  ⟺  numerator > floor(max·d)


def _numbers_with_default(definition, raw, blank, default):
    cells = [default if blank[i] else _python(v) for i, v in enumerate(raw)]
    return exact_column([Fraction(c) if isinstance(c, float) else c for c in cells])


def _read_list(definition, raw: Ragged, n: int) -> _Column:
    values, length = raw.values, raw.length
    width = values.shape[1] if values.ndim == 2 and values.shape[1] else 1
    if values.ndim != 2 or not values.shape[1]:
        values = np.full((n, 1), np.nan)
    inside = np.arange(width)[None, :] < length[:, None]
    present = inside & ~np.isnan(values)
    bad = np.zeros(n, dtype=bool)
    if definition.min_items:
        bad |= length < definition.min_items
    if definition.type == "positions":
        numerators, broken, bounds = _positions_read(values, present)
        if broken is not None:
            bad |= broken
        num = nm.integers(numerators, bounds=bounds)
        return _Column(Positions(num, present, inside, length), blank=np.zeros(n, dtype=bool), bad=bad)
    else:
        safe = np.where(present, values, 0.0)
        bad |= (inside & ~present).any(axis=1)          # an empty cell inside a list of decimals
        denominator = None
        for places in range(PLACES + 1):
            scale = 10.0 ** places
            candidate = np.rint(safe * scale)
            if ((candidate / scale == safe) & (np.abs(candidate) < 2.0 ** 53)).all():
                numerators, denominator = candidate.astype(np.int64), 10 ** places
                break
        if denominator is None:
            bad[:] = True
            numerators, denominator = np.zeros((n, width), dtype=np.int64), 1
        if definition.min is not None:
            bad |= (present & (numerators < _scaled_bound(definition.min, denominator, None, "min"))).any(axis=1)
        if definition.max is not None:
            bad |= (present & (numerators > _scaled_bound(definition.max, denominator, None, "max"))).any(axis=1)
    if definition.type != "positions":
        numerators = np.where(present, numerators, 0)
    num = nm.scaled(numerators, denominator)
    return _Column(Positions(num, present, inside, length), blank=np.zeros(n, dtype=bool), bad=bad)


def _positions_read(values: np.ndarray, present: np.ndarray):
    """Search positions as int64 (0 where none), the bodies with one that is not a whole
    number from 1 to 2^53 (None when there is none: the whole matrix is checked first), and
    bounds of the int64 values."""
    safe = np.where(present, values, 1.0)
    with np.errstate(invalid="ignore"):
        numerators = safe.astype(np.int64)
    whole = safe.size and float(safe.min()) >= 1 and float(safe.max()) < 2.0 ** 53 \
        and np.array_equal(np.rint(safe), safe)           # whole floats below 2^53 convert exactly
    np.multiply(numerators, present, out=numerators)        # 0 where there is no position
    if not safe.size:
        return numerators, None, (0, 0)
    if whole:
        return numerators, None, (0, int(safe.max()))
    with np.errstate(invalid="ignore"):
        broken = (present & ((np.rint(values) != values) | (values < 1) | (values >= 2.0 ** 53))).any(axis=1)
    return numerators, broken, (int(numerators.min()), int(numerators.max()))


def _rules(compiled: CompiledMethodology, batch: Batch, blanks: dict) -> np.ndarray:
    """Bodies that break a check of the edition, or leave out an input a rule makes required."""
    n = batch.n
    flagged = np.zeros(n, dtype=bool)
    compiler = ExpressionCompiler(compiled, _default_options(compiled))
    everyone = np.ones(n, dtype=bool)
    rules = [(check.rule, True) for check in compiled.checks if check.severity == "error"]
    rules += [(formula, False, input_id) for input_id, formula in compiled.required_when.items()]
    for entry in rules:
        formula = entry[0]
        absent = np.zeros(n, dtype=bool)
        for name in formula.names & set(compiled.inputs):
            if name in batch.missing:
                absent |= batch.missing[name]
        unsure = np.zeros(n, dtype=bool)
        frame = Frame(batch, {}, unsure)
        try:
            with np.errstate(all="ignore"):
                value = compiler.compile(formula.source)(frame, everyone)
            holds = np.broadcast_to(nm.truth(value, unsure, everyone), (n,))
        except Unsupported:
            flagged |= True
            continue
        counted = ~absent & ~frame.zero
        if entry[1]:
            flagged |= counted & (~holds | unsure)
        else:
            flagged |= counted & blanks[entry[2]] & (holds | unsure)
    return flagged


def _default_options(compiled: CompiledMethodology) -> dict[str, str]:
    return {key: option.default for key, option in compiled.methodology.options.items()}
