"""Synthetic inputs for the 2015 ICT-application methodology (ict-2015, order
No. 1279): 8 central ministries and the 17 regional akimats. Every figure is
made up; the App 8 function counts follow the act's App 8 headings.

Edge cases are placed on fixed bodies so that every demo run shows them:
- min-digital: not listed in App 8 → 4.3 not evaluated, its 5 points go to 4.2 (§61);
- min-justice: did not fill the Architectural portal in 2011–2015 → no AP coefficient (§49);
- min-finance: three committees with separate sites (§16–17, e.g. salyk.gov.kz): 1.1 and 1.2
  are means over the ministry's and the committees' resources;
- min-energy: no integration required → criterion 2 not evaluated, 20 points go to 4.2 (§36);
- min-health: no e-applications from the portal (5.2 → 2, §69) and no draft laws under the
  Government's plan (5.4.1 → 1.5, §83);
- astana: the main version loads on phones with no link to a mobile version → 1.3 = 0 (§25);
- mangystau: no internet conference in the year → 5.5.2 = 0 (§90);
- shymkent: no departmental IS, every function fully automated through the site and
  interdepartmental IS → criterion 2 = 20 (§31);
- kyzylorda: no integration required (§36), as min-energy but for an akimat (4.2 → 40);
- kostanay: no working group in the intranet portal → 5.3.3 = 0 (§77).
The act has no rule that averages over other bodies, so there is no cohort-average case.
"""

from __future__ import annotations

import random

from bagalau.demo.regions import CENTRAL_BODIES, REGIONS_2012

METHODOLOGY = "ict-2015"

# Number of App 8 functions under each demo ministry's heading (App 8 as amended on
# 27.08.2022; the combined Healthcare / Labour heading split per reading A29).
APP8_FUNCTIONS = {
    "min-digital": 0, "min-finance": 6, "min-justice": 2, "min-health": 6, "min-education": 8,
    "min-labour": 14, "min-agriculture": 6, "min-energy": 1,
}
LEB_COUNT = len(REGIONS_2012)


def bodies(rng: random.Random, load) -> list[dict]:
    """8 central ministries and 17 akimats; ``load(profile)`` gives the compiled edition."""
    result = []
    for profile, roster in (("central", CENTRAL_BODIES[:8]), ("local", REGIONS_2012)):
        compiled = load(profile)
        for body_id, name_ru, _ in roster:
            values = body_inputs(rng, profile, compiled, body_id)
            _edge_cases(body_id, values)
            missing = set(compiled.inputs) - set(values) - _OPTIONAL - set(compiled.section_points)
            assert not missing, f"demo body {body_id} lacks {sorted(missing)}"
            result.append({"id": body_id, "name": name_ru, "profile": profile, "inputs": values})
    return result


_OPTIONAL = {"app4_4_5_materials", "app4_4_5_interface", "app5_t1_1_6_applies",
             "wg_1_1_committees", "wg_1_1_committees_points"}  # committees: CGO only, 0 for an LEB


def _share(rng: random.Random, total: int, low: float, high: float = 1.0) -> int:
    return min(total, int(round(total * rng.uniform(low, high))))


def body_inputs(rng: random.Random, profile: str, compiled, body_id: str) -> dict:
    v: dict = {}
    # --- criterion 1: the service integrator's checks of the site (App 4, 5, 6) ---
    v["app4_1_1_positions"] = [rng.choice([1, 1, 2, 3, 5, 8, 12, 15, 24, None]) for _ in range(6)]
    v["app4_2_1_failed"] = rng.choice([0, 0, 0, 1, 2])
    v["app4_2_2_sampled"] = 30
    v["app4_2_2_within"] = rng.randint(10, 30)
    v["app4_2_3_missing"] = rng.choice([0, 0, 0, 1])
    v["app4_2_5_broken"] = rng.choice([0, 0, 1, 3])
    for key in ("app4_2_6_missing", "app4_2_7_faults", "app4_2_8_faults", "app4_2_9_faults",
                "app4_2_10_faults", "app4_4_3_faults"):
        v[key] = rng.choice([0, 0, 0, 1, 2] if key != "app4_2_9_faults" else [0, 0, 1])
    for input_id, definition in compiled.inputs.items():
        if input_id.startswith("app4_") and definition.type == "boolean" and input_id not in v:
            v[input_id] = rng.random() < 0.85
    v["app4_4_5_materials"] = v["app4_4_5"] and rng.random() < 0.2
    v["app4_4_5_interface"] = v["app4_4_5"] and rng.random() < 0.5
    for input_id, definition in compiled.inputs.items():
        if input_id.startswith(("app5_", "app6_")) and input_id not in compiled.section_points:
            if input_id.endswith("_defects"):
                v[input_id] = rng.choice([0, 0, 0, 1, 2, 4])
            elif not input_id.endswith("_applies"):
                v[input_id] = rng.random() < 0.9
    v["wg_1_3_auto"] = rng.random() < 0.7
    v["wg_1_3_link_to_mobile"] = not v["wg_1_3_auto"]
    v["wg_1_3_link_to_full"] = rng.random() < 0.8
    # --- criterion 2: App 1 Table 1 ---
    v["app1_t1_has_dis"] = True
    v["app1_t1_required"] = rng.randint(4, 25)
    v["app1_t1_implemented"] = _share(rng, v["app1_t1_required"], 0.5)
    v["app1_t1_is_due"] = rng.randint(2, 15)
    v["app1_t1_is_late"] = rng.choice([0, 0, 1, 2, 3]) if v["app1_t1_is_due"] > 3 else 0
    # --- criterion 3: App 1 Table 2 ---
    staff = rng.randint(3, 20)
    v["app1_t2_r6"] = staff
    v["app1_t2_r5"] = _share(rng, staff, 0.5)
    # --- criterion 4: App 1 Table 3 ---
    functions = rng.randint(40, 200)
    full = int(functions * rng.uniform(0.2, 0.6))
    partial = int(functions * rng.uniform(0.1, 0.35))
    v["app1_t3_functions"] = functions
    v["app1_t3_full"] = full
    v["app1_t3_partial"] = partial
    v["wg_4_1_dis"] = _share(rng, full + partial, 0.6, 0.95)
    # --- criterion 5: UEDMS extract, IPGB, portals ---
    due = rng.randint(2000, 30000)
    v["app1_t4_r2"] = due
    v["app1_t4_r1"] = _share(rng, due, 0.6, 0.98)
    applications = rng.randint(100, 5000)
    v["app1_t4_r4"] = applications
    v["app1_t4_r3"] = _share(rng, applications, 0.85)
    v["wg_5_3_1_sampled"] = rng.randint(10, 15)
    v["wg_5_3_1_complete"] = _share(rng, v["wg_5_3_1_sampled"], 0.6)
    v["wg_5_3_3_groups"] = rng.randint(1, 8)
    v["wg_5_3_3_placed"] = rng.randint(5, 60)
    v["wg_5_3_3_archived"] = _share(rng, v["wg_5_3_3_placed"], 0.3)
    v["wg_5_3_4_documents"] = rng.randint(0, 20)
    v["wg_5_3_4_empty_folder"] = rng.random() < 0.1
    v["wg_5_3_5_connected"] = rng.randint(100, 2000)
    v["wg_5_3_5_active"] = _share(rng, v["wg_5_3_5_connected"], 0.5)
    if profile == "central":
        committees = rng.choice([0, 1, 2, 3])
        v["wg_1_1_committees"] = committees
        v["wg_1_1_committees_points"] = str(round(sum(rng.uniform(6, 9.5) for _ in range(committees)), 2))
        v["wg_1_2_committees"] = committees + rng.choice([0, 1])
        v["wg_1_2_committees_points"] = str(round(sum(rng.uniform(60, 95) for _ in range(v["wg_1_2_committees"])), 1))
        v["app1_t2_r1"] = rng.random() < 0.9
        v["ap_participant"] = True
        for input_id in compiled.inputs:
            if input_id.startswith("app7_"):
                v[input_id] = rng.choice(["0", "0", "0.1", "0.3", "0.45", "0.6", "1"]) if rng.random() < 0.4 else "0"
        v["app8_functions"] = APP8_FUNCTIONS.get(body_id, 0)
        subject = int(v["app8_functions"] * LEB_COUNT * rng.uniform(0.6, 1.0))
        v["wg_4_3_subject"] = subject
        v["wg_4_3_automated"] = _share(rng, subject, 0.2, 0.9)
        v["wg_5_3_2_to_send"] = rng.randint(5, 60)
        v["wg_5_3_2_sent"] = _share(rng, v["wg_5_3_2_to_send"], 0.8)
        v["wg_5_3_2_to_coordinate"] = rng.randint(20, 150)
        v["wg_5_3_2_coordinated"] = _share(rng, v["wg_5_3_2_to_coordinate"], 0.85)
        v["wg_5_4_1_planned"] = rng.randint(1, 6)
        v["wg_5_4_1_published"] = _share(rng, v["wg_5_4_1_planned"], 0.5)
        v["wg_5_4_2_comments"] = rng.randint(0, 200)
        v["wg_5_4_2_answered"] = _share(rng, v["wg_5_4_2_comments"], 0.6)
        v["wg_5_5_1_questions"] = rng.randint(20, 500)
        v["wg_5_5_1_answered"] = _share(rng, v["wg_5_5_1_questions"], 0.7)
    else:
        v["app1_t2_r2"] = rng.random() < 0.9
        departments = rng.randint(15, 25)
        v["app1_t2_r3"] = departments
        v["app1_t2_r4"] = _share(rng, departments, 0.4)
        v["wg_5_5_2_conferences"] = rng.randint(1, 6)
        v["wg_5_5_2_questions"] = rng.randint(10, 200)
        v["wg_5_5_2_answered"] = _share(rng, v["wg_5_5_2_questions"], 0.6)
    return v


def _edge_cases(body_id: str, v: dict) -> None:
    if body_id == "min-digital":
        v["app8_functions"], v["wg_4_3_subject"], v["wg_4_3_automated"] = 0, 0, 0
    elif body_id == "min-justice":
        v["ap_participant"] = False
    elif body_id == "min-finance":
        v["wg_1_1_committees"], v["wg_1_1_committees_points"] = 3, "24.1"
        v["wg_1_2_committees"], v["wg_1_2_committees_points"] = 3, "241.5"
    elif body_id == "min-energy":
        v["app1_t1_required"], v["app1_t1_implemented"] = 0, 0
    elif body_id == "min-health":
        v["app1_t4_r3"], v["app1_t4_r4"] = 0, 0
        v["wg_5_4_1_planned"], v["wg_5_4_1_published"] = 0, 0
    elif body_id == "astana":
        v["wg_1_3_auto"], v["wg_1_3_link_to_mobile"], v["wg_1_3_link_to_full"] = False, False, False
    elif body_id == "mangystau":
        v["wg_5_5_2_conferences"], v["wg_5_5_2_questions"], v["wg_5_5_2_answered"] = 0, 0, 0
    elif body_id == "shymkent":
        v["app1_t1_has_dis"] = False
        v["app1_t1_required"] = v["app1_t1_implemented"] = v["app1_t1_is_due"] = v["app1_t1_is_late"] = 0
        v["app1_t3_full"], v["app1_t3_partial"] = v["app1_t3_functions"], 0
        v["wg_4_1_dis"] = 0
    elif body_id == "kyzylorda":
        v["app1_t1_required"], v["app1_t1_implemented"] = 0, 0
    elif body_id == "kostanay":
        v["wg_5_3_3_groups"], v["wg_5_3_3_placed"], v["wg_5_3_3_archived"] = 0, 0, 0
