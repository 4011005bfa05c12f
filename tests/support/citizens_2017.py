"""Shared helpers for the tests of citizens-2017 (seed 002: the 2017 methodology
for assessing the interaction of a state body with citizens). No tests here.

``perfect_raw(profile)`` builds a complete, valid input set for one body that
earns every point the act offers, so a test changes only what it is about:

* QS.1: one monitored service type at satisfaction 4.95, App 6 row 1 (15 / 35 points), and
  measures taken (§32, +5);
* QS.2: services rendered, none late, fewer late than last period
  (App 7: "no violations" → 5 / 10);
* QS.3: services rendered with no refusal, incomplete package, extra
  document, process violation or justified complaint;
* QS.4: unit, plans, 100 % executed plans and recommendations; no late
  services, so IC5 is the A11 "nothing to detect" case (3);
* QS.5–QS.7 (central): new register types, new composite services, every
  standard optimised, one service type in App 9 row 1 with x/y = 1;
* OP: every App 12/15/16 parameter present in both languages with no
  deficiency, a perfect App 14 site, mobile version that loads
  automatically and links back;
* CA: 100 complaints considered, none late or upheld, all satisfied.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import Submission
from bagalau.engine.scoring import AppliedPenalty

EDITION = "citizens-2017"
PROFILES = ("central", "local")


def compiled(profile: str):
    return catalog.load(EDITION, profile)


def _checklist_values(profile: str) -> dict[str, Any]:
    """Every generated checklist input (App 12 OD/OB, App 15, App 16) at its best value."""
    values: dict[str, Any] = {}
    checklists = compiled(profile)
    for key, item in checklists.inputs.items():
        if not item.source.form.startswith("WG APP") or key in checklists.section_points:
            continue  # a section's points are the alternative to its items, given here
        if key.endswith("_defects"):
            values[key] = 0
        else:  # an item present, or a conditional section that applies
            values[key] = True
    return values


def perfect_raw(profile: str, **overrides: Any) -> dict[str, Any]:
    """A complete valid raw input dict scoring 100 in every direction;
    keyword overrides replace fields, ``None`` removes one."""
    raw: dict[str, Any] = {
        "qs1_levels": ["4.95"], "qs1_measures": True,
        "qs2_a": 0, "qs2_b": 20000, "qs2_a_prev": 5,
        "qs3_services": 20000, "qs3_refusals": 0, "qs3_incomplete_package": 0, "qs3_extra_documents": 0,
        "qs3_process_violations": 0, "qs3_complaints_justified": 0, "qs3_recipients": 15000,
        "qs4_unit": True, "qs4_plans": True, "qs4_plans_executed_pct": 100, "qs4_recommendations_executed_pct": 100,
        "qs4_late_found": 0,
        "op21_search_positions": [1, 1, 1, 1, 1, 1], "op21_browsers_incorrect": 0, "op21_navigation_pct": 100,
        "op21_missing_elements": 0, "op21_sitemap_broken_links": 0, "op21_breadcrumbs": True,
        "op21_search_missing": 0, "op21_format_unmet": 0, "op21_large_documents_unmet": 0, "op21_dates_unmet": 0,
        "op21_hyperlinks_unmet": 0, "op21_graphic_unmet": 0, "op21_direct_home": True,
        "op21_alt_text": True, "op21_stop_motion": True, "op21_keyboard": True, "op21_skip_links": True,
        "op21_error_messages": True, "op21_contrast": True, "op21_font_resize": True,
        "op21_feedback_form": True, "op21_polls": True, "op21_rss_unmet": 0, "op21_faq": True,
        "op21_english_materials": True, "op21_english_interfaces": True, "op21_counters": True,
        "op23_mobile_exists": True, "op23_auto_load": True, "op23_link_to_mobile": False, "op23_link_to_main": True,
        "ca_considered": 100, "ca_late": 0, "ca_court_upheld": 0, "ca_higher_satisfied": 0,
        "ca_satisfied": 100, "ca_explained": 0,
    }
    for version in ("kk", "ru"):
        for number in ("1", "3"):
            raw[f"app12_dlg_{version}_{number}_posted"] = True
            raw[f"app12_dlg_{version}_{number}_defects"] = 0
        raw[f"app12_dlg_{version}_2_answered_pct"] = 100
    prefix, parameters = ("app12c_npa", 5) if profile == "central" else ("app12l_npa", 4)
    for version in ("kk", "ru"):
        for number in range(1, parameters + 1):
            raw[f"{prefix}_{version}_{number}_posted"] = True
            raw[f"{prefix}_{version}_{number}_defects"] = 0
    if profile == "central":
        raw.update({"qs5_new_types": True, "qs6_new_composite": True, "qs7_c": 10, "qs7_n": 10,
                    "qs7_v_z": 1, "qs7_v_not_approved": 0,
                    **{f"qs7_v_r{row}_services": 1 if row == 1 else 0 for row in range(1, 7)},
                    **{f"qs7_v_r{row}_ratio": 1 if row == 1 else 0 for row in range(1, 6)}})
    raw.update(_checklist_values(profile))
    for key, value in overrides.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return raw


def language_versions(prefix: str, section: str, item: str = "posted", **values) -> dict[str, Any]:
    """The same value for a checklist input in both language versions."""
    section = section.replace(".", "_")
    out = {}
    for version in ("kk", "ru"):
        for suffix, value in values.items():
            out[f"{prefix}_{version}_{section}_{suffix}"] = value
    return out


def score(raw: dict, profile: str, *, options: dict | None = None, explain: bool = False,
          penalties: list[AppliedPenalty] | None = None, body: str = "b1", period: int = 2018):
    """One body scored through input validation, as a file would be."""
    cohort = CohortScorer(EDITION, options)
    validated = cohort.validate(Submission(body, f"Body {body}", raw, profile=profile))
    return cohort.score([validated], explain=explain, period=period,
                        penalties={body: penalties} if penalties else None)[0]


def score_cohort(bodies: list[tuple[str, str, dict]], *, options: dict | None = None, explain: bool = True,
                 penalties: dict | None = None):
    """bodies = [(id, profile, raw)]; returns {id: BodyScore}."""
    cohort = CohortScorer(EDITION, options)
    validated = [cohort.validate(Submission(body_id, f"Body {body_id}", raw, profile=profile))
                 for body_id, profile, raw in bodies]
    results = cohort.score(validated, explain=explain, period=2018, penalties=penalties)
    return {result.body_id: result for result in results}


from bagalau.engine.explanations import find_node as node  # noqa: E402,F401  (re-exported for the tests)
from bagalau.engine.explanations import walk  # noqa: E402,F401


def near(value: Decimal, target, places: int = 20) -> bool:
    """An exact-decimal result equals the rational target up to 28-digit residue."""
    target = target if isinstance(target, Fraction) else Fraction(target)
    return abs(Fraction(value) - target) < Fraction(1, 10 ** places)


def rounded(value, places: str = "0.01") -> Decimal:
    from support.rounding import half_up
    return half_up(value, -Decimal(places).as_tuple().exponent)
