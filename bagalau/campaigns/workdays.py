"""The Kazakhstan working-day calendar, for deadlines "in working days".

Working days are Monday to Friday, less the public holidays and days off
of the Labour Code and the Law on holidays, plus the weekend days that the
Government's annual decree on moving days off turns into working days
(e.g. Saturday 4 May 2024, whose day off moved to Wednesday 8 May). All of
it comes from the maintained ``holidays`` package (country "KZ"): fixed
holidays (1–2 January, 7 January, 8 March, Nauryz 21–23 March, 1, 7 and
9 May, 6 July, 30 August until 2025, 25 October from 2022, 16 December),
the days off moved to the next working day when a holiday falls on a
weekend (religious holidays are not moved), Kurban ait, and the decrees'
transfers. We never keep our own list of dates.

Counting convention (the acts say "within N working days of receipt"): the
day of the event itself is not counted; the deadline is the N-th working
day after it, and an act done on that day is on time.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

COUNTRY = "KZ"


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(COUNTRY, years=year)


def holiday_name(day: date) -> str | None:
    """The holiday or day off on ``day``, or None."""
    return _calendar(day.year).get(day)


def is_working_day(day: date) -> bool:
    calendar = _calendar(day.year)
    if day in calendar.weekend_workdays:
        return True          # a weekend day made a working day by a transfer decree
    return day.weekday() < 5 and day not in calendar


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself is not
    counted). ``days`` = 0 gives ``start`` if it is a working day, otherwise
    the next working day."""
    if days < 0:
        raise ValueError(f"working days must be 0 or more, got {days}")
    day = start
    if days == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def non_working_days(start: date, end: date) -> list[tuple[date, str]]:
    """Every day in [start, end] that is not a working day, with why."""
    days: list[tuple[date, str]] = []
    day = start
    while day <= end:
        if not is_working_day(day):
            days.append((day, holiday_name(day) or "weekend"))
        day += timedelta(days=1)
    return days


def working_days_left(today: date, due: date) -> int:
    """A countdown to ``due`` in working days, by the counting convention above:
    the working days after ``today`` up to and including ``due`` (0 on the due
    day itself, which is still on time), or, once ``due`` has passed, minus the
    working days since it (at least 1: a weekend right after is already late)."""
    if today <= due:
        return working_days_between(today, due)
    return -max(1, working_days_between(due, today))
