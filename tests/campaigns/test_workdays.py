"""Working-day deadlines on the Kazakhstan calendar, 2024 and 2025.

Expected dates are worked out by hand from the official rules, not read off
the function: Labour Code art. 85 (a national or state holiday falling on
a day off moves to the next working day; religious holidays — Orthodox
Christmas, Kurban ait — do not move), and the Government decrees that
moved days off (2024: Saturday 4 May worked, Wednesday 8 May off; 2025:
Sunday 5 January worked, Friday 3 January off). The day of the event is not
counted; the deadline is the N-th working day after it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bagalau.campaigns.workdays import add_working_days, holiday_name, is_working_day, non_working_days, working_days_between

D = date


@pytest.mark.parametrize("start, days, expected, why", [
    # --- 2024 ---
    (D(2024, 3, 20), 1, D(2024, 3, 26), "Nauryz Thu 21–Sat 23 March; Sat 23 moves to Mon 25; Sun 24"),
    (D(2024, 3, 19), 5, D(2024, 3, 29), "20 Mar, then 26–29 Mar: five working days around Nauryz"),
    (D(2024, 3, 7), 1, D(2024, 3, 11), "8 March (Fri) is a holiday"),
    (D(2024, 4, 30), 1, D(2024, 5, 2), "1 May (Wed), Kazakhstan People's Unity Day"),
    (D(2024, 5, 3), 1, D(2024, 5, 4), "Saturday 4 May 2024 is a working day (its day off moved to 8 May)"),
    (D(2024, 5, 6), 1, D(2024, 5, 10), "7 May Defender's Day, 8 May moved day off, 9 May Victory Day"),
    (D(2024, 5, 3), 3, D(2024, 5, 10), "Sat 4 and Mon 6 May count, 7–9 May do not"),
    (D(2024, 7, 5), 1, D(2024, 7, 9), "Capital Day Sat 6 July moves to Mon 8 July"),
    (D(2024, 8, 29), 1, D(2024, 9, 2), "Constitution Day Fri 30 August"),
    (D(2024, 10, 24), 1, D(2024, 10, 28), "Republic Day Fri 25 October (a holiday again since 2022)"),
    (D(2024, 12, 13), 1, D(2024, 12, 17), "Independence Day Mon 16 December (17 Dec no longer a holiday since 2022)"),
    (D(2023, 12, 29), 1, D(2024, 1, 3), "New Year 1–2 January (Mon–Tue)"),
    (D(2024, 1, 5), 1, D(2024, 1, 8), "Orthodox Christmas Sun 7 Jan is religious: not moved to Monday"),
    # --- 2025 ---
    (D(2024, 12, 31), 1, D(2025, 1, 5), "1–2 Jan holidays, Fri 3 Jan the moved day off; Sunday 5 Jan is worked"),
    (D(2025, 1, 6), 1, D(2025, 1, 8), "Orthodox Christmas Tue 7 January"),
    (D(2025, 3, 7), 1, D(2025, 3, 11), "8 March is a Saturday: moves to Mon 10 March"),
    (D(2025, 3, 20), 1, D(2025, 3, 26), "Nauryz Fri 21–Sun 23 March; Sat and Sun move to Mon 24 and Tue 25"),
    (D(2025, 3, 20), 5, D(2025, 4, 1), "26, 27, 28, 31 March and 1 April"),
    (D(2025, 4, 30), 1, D(2025, 5, 2), "1 May (Thu)"),
    (D(2025, 5, 6), 1, D(2025, 5, 8), "7 May (Wed); 8 May 2025 is a working day"),
    (D(2025, 5, 8), 1, D(2025, 5, 12), "9 May (Fri), then the weekend"),
    (D(2025, 6, 5), 1, D(2025, 6, 9), "Kurban ait Fri 6 June 2025 is a day off"),
    (D(2025, 7, 4), 1, D(2025, 7, 8), "Capital Day Sun 6 July moves to Mon 7 July"),
    (D(2025, 8, 29), 1, D(2025, 9, 2), "Constitution Day Sat 30 August moves to Mon 1 September"),
    (D(2025, 10, 24), 1, D(2025, 10, 28), "Republic Day Sat 25 October moves to Mon 27 October"),
    (D(2025, 12, 15), 1, D(2025, 12, 17), "Independence Day Tue 16 December"),
])
def test_add_working_days_around_holidays(start, days, expected, why):
    assert add_working_days(start, days) == expected, why


def test_the_library_lists_nauryz_as_days_off():
    for day in (D(2024, 3, 21), D(2024, 3, 22), D(2024, 3, 23), D(2025, 3, 21), D(2025, 3, 22), D(2025, 3, 23)):
        assert holiday_name(day) is not None and not is_working_day(day)
    # the days the weekend holidays moved to
    assert not is_working_day(D(2024, 3, 25)) and not is_working_day(D(2025, 3, 24))
    assert not is_working_day(D(2025, 3, 25))
    assert is_working_day(D(2025, 3, 26)) and is_working_day(D(2024, 3, 26))


def test_ordinary_days():
    assert is_working_day(D(2025, 2, 12))                       # a Wednesday
    assert not is_working_day(D(2025, 2, 15))                   # a Saturday
    assert add_working_days(D(2025, 2, 10), 5) == D(2025, 2, 17)   # Mon + 5 = next Mon
    assert add_working_days(D(2025, 2, 15), 0) == D(2025, 2, 17)   # 0 days from a Saturday: next working day
    assert add_working_days(D(2025, 2, 12), 0) == D(2025, 2, 12)
    with pytest.raises(ValueError):
        add_working_days(D(2025, 2, 12), -1)


def test_non_working_days_of_nauryz_week_2025():
    days = dict(non_working_days(D(2025, 3, 20), D(2025, 3, 26)))
    assert sorted(days) == [D(2025, 3, 21), D(2025, 3, 22), D(2025, 3, 23), D(2025, 3, 24), D(2025, 3, 25)]


@pytest.mark.parametrize("year, working", [(2024, 249), (2025, 246)])
def test_working_days_in_a_year_match_the_official_calendar(year, working):
    """Worked out by hand for a five-day week. 2024: 366 days − 104 weekend
    days − 14 weekday days off (1, 2 Jan; 8 Mar; 21, 22, 25 Mar; 1, 7, 8, 9
    May; 8 Jul; 30 Aug; 25 Oct; 16 Dec) + 1 worked Saturday (4 May) = 249.
    2025: 365 − 104 − 16 (1, 2, 3, 7 Jan; 10, 21, 24, 25 Mar; 1, 7, 9 May;
    6 Jun; 7 Jul; 1 Sep; 27 Oct; 16 Dec) + 1 worked Sunday (5 Jan) = 246."""
    first = D(year, 1, 1)
    count = sum(is_working_day(first + timedelta(days=i)) for i in range((D(year + 1, 1, 1) - first).days))
    assert count == working
    assert working_days_between(D(year - 1, 12, 31), D(year, 12, 31)) == working


def test_deadline_is_a_working_day_with_exactly_n_working_days_after_start():
    start = D(2024, 3, 1)
    for offset in range(0, 120, 3):
        day = start + timedelta(days=offset)
        for n in (1, 5, 15):
            due = add_working_days(day, n)
            assert is_working_day(due)
            assert working_days_between(day, due) == n
