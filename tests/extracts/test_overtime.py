"""Overtime from pass events (orgdev-2023 п. 40), checked by hand.

The rule (bagalau/methodologies/extracts/orgdev-2023.yaml): the working day
ends at 18:30 and the 30 minutes to leave the building are deducted, so on
a working day overtime = max(0, last exit − 19:00). On a weekend or holiday
the hours are last exit − first entry, unless the person works that day
under an act of the employer. A day runs from 04:00 to 04:00. Time after
the last exit of a day is never counted: a day whose last event is an entry
(or with no exit at all) is a missing-exit day. Working days, weekends and
holidays are those of the Kazakhstan calendar for 2024.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bagalau.campaigns import workdays
from support.extracts import derive, imported

HEADER = ["body_code", "person_id", "event_time", "direction", "employer_order"]


def ev(body, person, when, direction, ordered=""):
    return [body, person, when, direction, ordered]


EVENTS = [
    # A, Mon 4 March (working): leaves at 18:45, inside the 30 minutes → 0
    ev("b1", "A", "2024-03-04 08:55:00", "in"), ev("b1", "A", "2024-03-04 18:45:00", "out"),
    # A, Tue 5 March: lunch out and back, last exit 20:15 → 20:15 − 19:00 = 1 h 15 min = 4,500 s
    ev("b1", "A", "2024-03-05 09:00:00", "in"), ev("b1", "A", "2024-03-05 13:00:00", "out"),
    ev("b1", "A", "2024-03-05 14:00:00", "in"), ev("b1", "A", "2024-03-05 20:15:00", "out"),
    # B, Mon 4 March: leaves exactly at 19:00 → 0
    ev("b1", "B", "2024-03-04 09:00:00", "in"), ev("b1", "B", "2024-03-04 19:00", "out"),
    # B, Tue 5 March: leaves at 01:30 on Wednesday, before 04:00, so Tuesday's day:
    # 25:30 − 19:00 = 6 h 30 min = 23,400 s
    ev("b1", "B", "2024-03-05 09:00:00", "in"), ev("b1", "B", "2024-03-06 01:30:00", "out"),
    # C, Fri 8 March (International Women's Day): 10:00–14:30 = 4.5 h = 16,200 s of holiday hours
    ev("b1", "C", "2024-03-08 10:00:00", "in"), ev("b1", "C", "2024-03-08 14:30:00", "out"),
    # C, Sat 9 March: 11:00 in, 12:00 out, 13:00 in, 15:00 out → first entry to last exit = 4 h = 14,400 s
    ev("b1", "C", "2024-03-09 11:00:00", "in"), ev("b1", "C", "2024-03-09 12:00:00", "out"),
    ev("b1", "C", "2024-03-09 13:00:00", "in"), ev("b1", "C", "2024-03-09 15:00:00", "out"),
    # D, Sat 4 May 2024: a working day by the transfer decree → overtime 19:30 − 19:00 = 1,800 s
    ev("b1", "D", "2024-05-04 09:00:00", "in"), ev("b1", "D", "2024-05-04 19:30:00", "out"),
    # D, Wed 8 May 2024: the day off moved from 4 May → holiday hours 10:00–12:00 = 7,200 s
    ev("b1", "D", "2024-05-08 10:00:00", "in"), ev("b1", "D", "2024-05-08 12:00:00", "out"),
    # E never leaves on Mon 4 March: no exit → nothing counted, a missing-exit day
    ev("b1", "E", "2024-03-04 09:00:00", "in"),
    # E, Tue 5 March: out at 20:00, back at 20:30, never leaves → counted to 20:00: 3,600 s; missing exit
    ev("b1", "E", "2024-03-05 09:00:00", "in"), ev("b1", "E", "2024-03-05 20:00:00", "out"),
    ev("b1", "E", "2024-03-05 20:30:00", "in"),
    # F, Sat 9 March under an act of the employer: not counted (п. 40(2))
    ev("b1", "F", "2024-03-09 09:00:00", "in", "true"), ev("b1", "F", "2024-03-09 18:00:00", "out", "true"),
    # F, Sun 10 March: comes in at 10:00 and never leaves → nothing; a missing-exit day
    ev("b1", "F", "2024-03-10 10:00:00", "in"),
    # G, Tue 31 December 2024 (working), leaves at 00:30 on 1 January 2025: still 2024's day,
    # 24:30 − 19:00 = 5 h 30 min = 19,800 s
    ev("b1", "G", "2024-12-31 09:00:00", "in"), ev("b1", "G", "2025-01-01 00:30:00", "out"),
    # H, Thu 7 March: leaves at 19:20:10 → 1,210 s
    ev("b1", "H", "2024-03-07 09:00:00", "in"), ev("b1", "H", "2024-03-07 19:20:10", "out"),
    # Outside the period: Sun 31 December 2023 is not in 2024
    ev("b1", "A", "2023-12-31 10:00:00", "in"), ev("b1", "A", "2023-12-31 20:00:00", "out"),
    # Another body: 21:00 → 2 h = 7,200 s
    ev("b2", "X", "2024-03-04 09:00:00", "in"), ev("b2", "X", "2024-03-04 21:00:00", "out"),
]


def test_the_calendar_cases_are_what_the_test_assumes():
    assert workdays.is_working_day(date(2024, 5, 4))          # Saturday made a working day
    assert not workdays.is_working_day(date(2024, 5, 8))      # Wednesday made a day off
    assert not workdays.is_working_day(date(2024, 3, 8))      # International Women's Day
    assert workdays.is_working_day(date(2024, 12, 31))


def test_overtime_hours_by_hand(tmp_path):
    derived = derive("orgdev-2023", imported(tmp_path, "pass_events", HEADER, EVENTS), 2024)
    working_seconds = 4_500 + 23_400 + 1_800 + 3_600 + 19_800 + 1_210      # A, B, D, E, G, H
    holiday_seconds = 16_200 + 14_400 + 7_200                               # C (8 and 9 March), D (8 May)
    assert working_seconds == 54_310 and holiday_seconds == 37_800
    # 54,310 s = 15.0861… h → 15.09 (half up); 37,800 s = 10.5 h
    assert derived.values["b1"] == {"pass_m": Decimal("15.09"), "pass_p": Decimal("10.50")}
    assert derived.values["b2"] == {"pass_m": Decimal("2.00"), "pass_p": Decimal("0.00")}
    # missing exits: E on 4 and 5 March, F on 10 March; person-days: A 2, B 2, C 2, D 2, E 2, F 2, G 1, H 1
    assert derived.diagnostics["b1"] == {"pass_missing_exit_days": 3, "pass_person_days": 14}
    assert derived.covered["pass_events"] == ["b1", "b2"]


def test_the_end_of_the_working_day_is_a_parameter(tmp_path):
    # A body working 09:00–18:00: overtime starts at 18:30. A: 18:45 → 900 s, 20:15 → 6,300 s;
    # B: 19:00 → 1,800 s, 25:30 → 25,200 s; D: 19:30 → 3,600 s; E: 20:00 → 5,400 s; G: 24:30 → 21,600 s;
    # H: 19:20:10 → 3,010 s.
    derived = derive("orgdev-2023", imported(tmp_path, "pass_events", HEADER, EVENTS), 2024,
                     workday_end_seconds=18 * 3600)
    seconds = 900 + 6_300 + 1_800 + 25_200 + 3_600 + 5_400 + 21_600 + 3_010
    assert seconds == 67_810
    assert derived.values["b1"]["pass_m"] == Decimal("18.84")  # 67,810 s = 18.836… h


def test_a_body_without_pass_events_is_not_covered(tmp_path):
    derived = derive("orgdev-2023", imported(tmp_path, "pass_events", HEADER, EVENTS[-2:]), 2024)
    assert "b1" not in derived.values and derived.covered["pass_events"] == ["b2"]
