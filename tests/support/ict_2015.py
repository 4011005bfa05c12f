"""Shared helpers for the tests of the 2015 ICT-application methodology
(order No. 1279, seed 001; spec shared/spec/001-ict-application-2015.md).

This module holds no tests. ``perfect(profile)`` builds a complete, valid raw
input dict for one body that earns every point the act offers its profile:

* criterion 1: every App 4 row met, App 5 and App 6 fully present in both
  language versions with no deficiency, a mobile version that loads itself and
  links to the full version; no committees → 20;
* criterion 2: all 5 required integrations implemented, no IS late → 20;
* criterion 3: the ICT unit exists (LEB: in the apparatus and every
  department), all its staff qualified → 5;
* criterion 4: every function fully automated through departmental IS, the
  AP fully up to date, every App 8 function automated (CGO) → 40;
* criterion 5: every share 100 % with non-zero denominators → 15.

Denominators are non-zero so that no zero-denominator rule hides a mistake in
a test that changes only a numerator. Tests override what they are about.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import Submission
from bagalau.engine.scoring import AppliedPenalty

EDITION = "ict-2015"
PROFILES = ("central", "local")

_BONUS_INPUTS = ("app4_4_5_materials", "app4_4_5_interface")


def perfect(profile: str, edition: str = EDITION, **overrides) -> dict:
    compiled = catalog.load(edition, profile)
    raw: dict = {}
    for input_id, definition in compiled.inputs.items():
        if input_id in compiled.section_points:
            continue  # a section's points: the alternative to its items, given here
        if input_id.startswith(("app5_", "app6_")):
            if input_id.endswith("_defects"):
                raw[input_id] = 0
            elif input_id.endswith("_applies"):
                continue  # optional, default yes
            else:
                raw[input_id] = True
        elif input_id.startswith("app7_"):
            raw[input_id] = 0
    raw.update({
        "app4_1_1_positions": [1, 2, 3, 1, 2, 3],
        "app4_2_1_failed": 0, "app4_2_2_sampled": 30, "app4_2_2_within": 30, "app4_2_3_missing": 0,
        "app4_2_5_broken": 0, "app4_2_6_missing": 0, "app4_2_7_faults": 0, "app4_2_8_faults": 0,
        "app4_2_9_faults": 0, "app4_2_10_faults": 0, "app4_4_3_faults": 0,
        "wg_1_3_auto": True, "wg_1_3_link_to_mobile": False, "wg_1_3_link_to_full": True,
        "app1_t1_has_dis": True, "app1_t1_required": 5, "app1_t1_implemented": 5,
        "app1_t1_is_due": 3, "app1_t1_is_late": 0,
        "app1_t2_r5": 4, "app1_t2_r6": 4,
        "app1_t3_functions": 20, "app1_t3_full": 20, "app1_t3_partial": 0, "wg_4_1_dis": 20,
        "app1_t4_r1": 500, "app1_t4_r2": 500, "app1_t4_r3": 500, "app1_t4_r4": 500,
        "wg_5_3_1_sampled": 10, "wg_5_3_1_complete": 10,
        "wg_5_3_3_groups": 2, "wg_5_3_3_placed": 8, "wg_5_3_3_archived": 8,
        "wg_5_3_4_documents": 5, "wg_5_3_4_empty_folder": False,
        "wg_5_3_5_connected": 100, "wg_5_3_5_active": 100,
    })
    for input_id, definition in compiled.inputs.items():
        if input_id.startswith("app4_") and definition.type == "boolean":
            raw[input_id] = input_id not in _BONUS_INPUTS   # every App 4 row met, no English bonus
    if profile == "central":
        raw.update({
            "wg_1_1_committees": 0, "wg_1_1_committees_points": 0,
            "wg_1_2_committees": 0, "wg_1_2_committees_points": 0,
            "app1_t2_r1": True,
            "ap_participant": True,
            "app8_functions": 3, "wg_4_3_subject": 48, "wg_4_3_automated": 48,
            "wg_5_3_2_to_send": 6, "wg_5_3_2_sent": 6, "wg_5_3_2_to_coordinate": 9, "wg_5_3_2_coordinated": 9,
            "wg_5_4_1_planned": 2, "wg_5_4_1_published": 2, "wg_5_4_2_comments": 7, "wg_5_4_2_answered": 7,
            "wg_5_5_1_questions": 12, "wg_5_5_1_answered": 12,
        })
    else:
        raw.update({
            "app1_t2_r2": True, "app1_t2_r3": 20, "app1_t2_r4": 20,
            "wg_5_5_2_conferences": 2, "wg_5_5_2_questions": 40, "wg_5_5_2_answered": 40,
        })
    raw.update(overrides)
    return raw


def score(profile: str, raw: dict, *, edition: str = EDITION, options: dict | None = None,
          penalties: list[AppliedPenalty] | None = None, explain: bool = False, body_id: str = "body"):
    """Validate and score one body through the cohort scorer (as campaigns do)."""
    cohort = CohortScorer(edition, options)
    validated = cohort.validate(Submission(body_id, body_id, raw, profile=profile))
    return cohort.score([validated], explain=explain,
                        penalties={body_id: penalties} if penalties else None)[0]


def validate(profile: str, raw: dict, edition: str = EDITION):
    return CohortScorer(edition).validate(Submission("body", "body", raw, profile=profile))


def rounded(value) -> Decimal:
    """The act prints results half-up to 2 decimals (A35)."""
    from support.rounding import half_up
    return half_up(value, 2)


def exact(value: Decimal, fraction: Fraction) -> bool:
    """Equal to an exact rational up to the last of 28 significant digits."""
    return abs(Fraction(value) - fraction) < Fraction(1, 10 ** 24)


def node(explanation: dict, node_id: str) -> dict:
    def walk(entries):
        for entry in entries:
            if entry["id"] == node_id:
                return entry
            found = walk(entry.get("children", []))
            if found:
                return found
        return None

    found = walk(explanation["nodes"])
    assert found is not None, f"node {node_id} is not in the explanation"
    return found


def note_codes(entry: dict) -> list[str]:
    return [note["code"] for note in entry["notes"]]
