"""The ``calendar`` table that aggregations join: one row per day with whether it is a
working day on the Kazakhstan calendar and the next working day after it.
Built from ``bagalau.campaigns.workdays`` (the holidays package, with the
Government's transfers of days off), never from a list of our own."""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa

from bagalau.campaigns import workdays

SCHEMA = pa.schema([("day", pa.date32()), ("working", pa.bool_()), ("next_working_day", pa.date32())])


def calendar_table(start: date, end: date) -> pa.Table:
    """Every day from ``start`` to ``end``, inclusive."""
    days, working, following = [], [], []
    day = start
    while day <= end:
        days.append(day)
        working.append(workdays.is_working_day(day))
        following.append(workdays.add_working_days(day, 1))
        day += timedelta(days=1)
    return pa.table([days, working, following], schema=SCHEMA)


def for_year(year: int) -> pa.Table:
    """The reporting year with a margin of a month on each side, for events that
    belong to a neighbouring day (a document received on 31 December)."""
    return calendar_table(date(year - 1, 12, 1), date(year + 1, 1, 31))
