"""Synthetic inputs for the 2017 methodology for assessing the interaction of a
state body with citizens (citizens-2017): 8 central bodies and the 17
regional akimats. Every figure is made up.

Edge cases on purpose:

* a ministry and an akimat none of whose service types was in the public
  monitoring (§31): their P1 is the average of the monitored bodies of the
  same profile;
* the National Bank, to which App 15 section 1.6 (budget execution) does not
  apply (reading A28/A38);
* a ministry with no service standard subject to optimisation (QS.7.T
  zero denominator, option A16) and a body with no late service at all
  (App 8 IC5 zero denominator, option A11);
* sites without a mobile version, with a mobile version reached by a link,
  and with no link back to the main version (§96–99);
* a body with nothing in its drafting plan and no user comments (§81).
"""

from __future__ import annotations

import random

from bagalau.demo.regions import CENTRAL_BODIES, REGIONS_2012

METHODOLOGY = "citizens-2017"

NATIONAL_BANK = ("natbank", "Национальный Банк Республики Казахстан", "National Bank of the Republic of Kazakhstan")
UNMONITORED = {"min-justice", "kyzylorda"}          # §31: no service type in the public monitoring
NOTHING_TO_OPTIMISE = "min-health"                   # QS.7.T: n = 0
NO_LATE_SERVICES = "pavlodar"                        # QS.2: a = 0, App 8 IC5 has no denominator
NOTHING_DRAFTED = "atyrau"                           # §81: no drafts planned, no user comments


def bodies(rng: random.Random, load) -> list[dict]:
    """Eight central bodies (seven ministries and the National Bank) and 17 akimats."""
    out = []
    for body_id, name_ru, _ in [*CENTRAL_BODIES[:7], NATIONAL_BANK]:
        out.append({"id": body_id, "name": name_ru, "profile": "central",
                    "inputs": body_inputs(rng, load("central"), body_id, "central")})
    for body_id, name_ru, _ in REGIONS_2012:
        out.append({"id": body_id, "name": name_ru, "profile": "local",
                    "inputs": body_inputs(rng, load("local"), body_id, "local")})
    return out


def body_inputs(rng: random.Random, compiled, body_id: str, profile: str) -> dict:
    values: dict = {}
    central = profile == "central"

    # QS.1: each monitored service type's satisfaction level (0–5); App 6 bands them.
    monitored = 0 if body_id in UNMONITORED else rng.randint(3, 12 if central else 20)
    values["qs1_levels"] = [f"{rng.triangular(3.7, 5.0, 4.7):.2f}" for _ in range(monitored)]
    values["qs1_measures"] = rng.random() < 0.7

    # QS.2: deadlines; the previous period is usually a little worse.
    rendered = rng.randint(20_000, 900_000 if central else 400_000)
    late = 0 if body_id == NO_LATE_SERVICES else int(rendered * rng.uniform(0, 0.0012))
    values.update(qs2_b=rendered, qs2_a=late,
                  qs2_a_prev=max(0, int(late * rng.uniform(0.7, 2.0)) + rng.randint(0, 5)),
                  qs2_late_entry_facts=rng.choice([0, 0, 0, 3, 15, 40]))

    # QS.3: quality assurance, per 10 000 services (and per 1 000 recipients).
    values["qs3_services"] = rendered
    for key, rate in (("qs3_refusals", 0.00008), ("qs3_incomplete_package", 0.00005),
                      ("qs3_extra_documents", 0.00006), ("qs3_process_violations", 0.0001)):
        values[key] = int(rendered * rng.uniform(0, rate))
    values["qs3_recipients"] = int(rendered * rng.uniform(0.6, 0.95))
    values["qs3_complaints_justified"] = int(values["qs3_recipients"] * rng.uniform(0, 0.0015))

    # QS.4: internal control (App 8).
    values.update(qs4_unit=rng.random() < 0.9, qs4_plans=rng.random() < 0.8,
                  qs4_plans_executed_pct=round(rng.uniform(55, 100), 1),
                  qs4_recommendations_executed_pct=round(rng.uniform(60, 100), 1),
                  qs4_late_found=int(late * rng.uniform(0, 0.7)))

    if central:
        values.update(qs5_new_types=rng.random() < 0.4, qs5_no_more_types=rng.random() < 0.2,
                      qs6_new_composite=rng.random() < 0.3)
        standards = 0 if body_id == NOTHING_TO_OPTIMISE else rng.randint(5, 40)
        values.update(qs7_n=standards, qs7_c=int(standards * rng.uniform(0.2, 1.0)))
        # QS.7.V: service types by App 9 row, with the sum of their x/y ratios.
        service_rows = [rng.randint(0, 25), rng.randint(0, 10), rng.randint(0, 8), rng.randint(0, 6),
                        rng.randint(0, 10), rng.randint(0, 8)]
        commission = {1: rng.randint(0, 2), 4: 0, 5: rng.randint(0, 2)}
        for row, count in enumerate(service_rows, start=1):
            count += commission.get(row, 0)
            values[f"qs7_v_r{row}_services"] = count
            if row <= 5:
                plain = count - commission.get(row, 0)
                values[f"qs7_v_r{row}_ratio"] = str(round(plain * rng.uniform(0.3, 1.0), 2))
            if row in commission:
                values[f"qs7_v_r{row}_ratio_commission"] = str(round(commission[row] * rng.uniform(0.5, 1.0), 2))
        values["qs7_v_not_approved"] = rng.randint(0, 3)
        values["qs7_v_z"] = sum(values[f"qs7_v_r{row}_services"] for row in range(1, 7)) + values["qs7_v_not_approved"]

    # OP.1.3 / OP.1.4: Open Legal Acts and Open Dialogue parameters, per language.
    nothing_drafted = body_id == NOTHING_DRAFTED
    values["app13_no_draft_acts"] = nothing_drafted
    values["app13_no_user_comments"] = nothing_drafted
    if central:
        values["app13_no_draft_laws"] = nothing_drafted
    for key, item in compiled.inputs.items():
        if key.startswith(("app12c_npa_", "app12l_npa_", "app12_dlg_")):
            if key.endswith("_posted"):
                values[key] = rng.random() < 0.85
            elif key.endswith("_defects"):
                values[key] = rng.choice([0, 0, 0, 1, 2, 4])
            elif key.endswith("_answered_pct"):
                values[key] = rng.choice([100, 100, round(rng.uniform(60, 99.9), 1)])

    # OP.1.1, OP.1.2, OP.2.2, OP.2.3: the checklist appendices (App 12, 15, 16).
    for key, item in compiled.inputs.items():
        if not item.source.form.startswith("WG APP") or key in compiled.section_points:
            continue    # a section's points are the alternative to its items: the demo gives the items
        if key.endswith("_applies"):        # App 15 T1 1.6 does not apply to the National Bank
            values[key] = body_id != NATIONAL_BANK[0]
        elif key.endswith("_defects"):
            values[key] = rng.choice([0, 0, 0, 1, 2, 3, 7])
        else:
            values[key] = rng.random() < 0.88

    # OP.2.1: App 14 accessibility (Q4 snapshot).
    values.update(
        op21_search_positions=[rng.choice([1, 1, 2, 3, 5, 8, 12, 15, 25, None]) for _ in range(6)],
        op21_browsers_incorrect=rng.choice([0, 0, 1, 2]), op21_navigation_pct=round(rng.uniform(30, 100), 1),
        op21_missing_elements=rng.choice([0, 0, 1]), op21_sitemap_broken_links=rng.choice([0, 0, 1, 3]),
        op21_breadcrumbs=rng.random() < 0.8, op21_search_missing=rng.choice([0, 0, 1, 2]),
        op21_format_unmet=rng.choice([0, 1, 2]), op21_large_documents_unmet=rng.choice([0, 0, 1]),
        op21_dates_unmet=rng.choice([0, 0, 1]), op21_hyperlinks_unmet=rng.choice([0, 1]),
        op21_graphic_unmet=rng.choice([0, 0, 1]), op21_direct_home=rng.random() < 0.9,
        op21_rss_unmet=rng.choice([0, 1, 2]), op21_english_materials=rng.random() < 0.3,
        op21_english_interfaces=rng.random() < 0.7)
    for key in ("op21_alt_text", "op21_stop_motion", "op21_keyboard", "op21_skip_links", "op21_error_messages",
                "op21_contrast", "op21_font_resize", "op21_feedback_form", "op21_polls", "op21_faq", "op21_counters"):
        values[key] = rng.random() < 0.75

    # OP.2.3: how the mobile version is reached.
    mode = rng.choice(["auto", "auto", "auto", "link", "none"])
    values.update(op23_mobile_exists=mode != "none", op23_auto_load=mode == "auto",
                  op23_link_to_mobile=mode == "link", op23_link_to_main=mode != "none" and rng.random() < 0.8)

    # CA: complaints and applications considered in the period (Committee data).
    considered = rng.randint(300, 12_000 if central else 8_000)
    satisfied = int(considered * rng.uniform(0.1, 0.5))
    values.update(ca_considered=considered, ca_late=int(considered * rng.uniform(0, 0.05)),
                  ca_court_upheld=int(considered * rng.uniform(0, 0.004)),
                  ca_higher_satisfied=int(considered * rng.uniform(0, 0.02)),
                  ca_satisfied=satisfied, ca_explained=int((considered - satisfied) * rng.uniform(0.3, 0.9)))
    return values
