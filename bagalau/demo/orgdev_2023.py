"""Synthetic inputs for the 2023 organisational-development amendments
(orgdev-2023, resolved on the 2020 base): 8 central ministries and the 17
regional akimats. Every figure is made up.

Edge cases are placed on fixed bodies so that every demo run shows them:
- min-justice: no AGS left in the period (exit interview: zero denominator → 5, option A4);
- min-energy: heavy overtime (N1 floored at 0, more than 184 weekend hours → 2 penalty points);
- min-health: no competition held and nobody promoted (A and C: zero denominator → maximum);
- min-agriculture: nobody due for training (a/b = c/d = 1, п. 44) and more than half of the
  exit-interview respondents cite negative aspects (−1.5, п. 35);
- mangystau: no digitalisation-subdivision staff reported (L: zero denominator → 0);
- shymkent: all bonuses earned (I = 2, K = 1.5; O stays capped at 30).
Central bodies have no smart-city criterion (п. 66) and local bodies no data
registry (п. 78-1): those criteria are absent from their profile's tree.
"""

from __future__ import annotations

import random
from decimal import Decimal

from bagalau.demo.regions import CENTRAL_BODIES, REGIONS_2012

METHODOLOGY = "orgdev-2023"
DEMO_COMMENT = "SYNTHETIC DEMO: points made up for the demo (the base act's rule is not in the seeds)"
SPHERES = ("smart_edu", "smart_health", "smart_transport", "smart_roads", "smart_security", "smart_tourism",
           "smart_housing", "smart_ecology", "smart_governance")


def bodies(rng: random.Random, load) -> list[dict]:
    """8 central ministries and 17 akimats; ``load(profile)`` gives the compiled edition."""
    result = []
    for profile, roster in (("central", CENTRAL_BODIES[:8]), ("local", REGIONS_2012)):
        compiled = load(profile)
        for body_id, name_ru, _ in roster:
            values = body_inputs(rng, profile, compiled)
            _edge_cases(body_id, values)
            missing = set(compiled.inputs) - set(values)
            assert not missing, f"demo body {body_id} lacks {sorted(missing)}"
            result.append({"id": body_id, "name": name_ru, "profile": profile, "inputs": values})
    return result


def _money(value: float, places: int = 1) -> str:
    return str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places)))


def body_inputs(rng: random.Random, profile: str, compiled) -> dict:
    v: dict = {}
    ags = rng.randint(180, 1400) if profile == "central" else rng.randint(250, 900)
    v["hr_ags_avg"] = _money(ags + rng.random() * 10)
    # exit interview (Appendix 1 total row; Appendix 12 answers)
    for leavers, respondents in (("app1_g3", "app1_g4"), ("app1_g5", "app1_g6")):
        v[leavers] = rng.randint(2, max(3, ags // 25))
        v[respondents] = int(v[leavers] * rng.uniform(0.5, 1.0))
    v["exit_negative"] = int((v["app1_g4"] + v["app1_g6"]) * rng.uniform(0.0, 0.45))
    # qualitative composition (Appendix 7 total row)
    for column in range(3, 13):
        v[f"app7_g{column}"] = int(ags * rng.uniform(0.0, 0.12 if column != 12 else 0.5))
    # normalisation of labour (pass system, calendar, survey statements 1-4)
    headcount = int(ags * rng.uniform(0.3, 0.6))
    v["n1_headcount_avg"] = _money(headcount + rng.random())
    v["n1_workdays"] = 249
    v["pass_m"] = _money(headcount * rng.uniform(0, 180))
    v["pass_p"] = _money(headcount * rng.choice([0, 0, rng.uniform(2, 8), rng.uniform(9, 60)]))
    for statement in (1, 2, 3, 4, 19, 20, 21, 22):
        v[f"survey_i{statement}"] = _money(rng.uniform(0.45, 0.95), 3)
    # training (п. 44)
    v["training_b"] = rng.randint(5, ags // 8)
    v["training_a"] = v["training_b"] - rng.randint(0, 3)
    v["training_d"] = rng.randint(0, 12)
    v["training_c"] = max(0, v["training_d"] - rng.randint(0, 2))
    not_on_time = (v["training_b"] - v["training_a"]) + (v["training_d"] - v["training_c"])
    v["training_late"] = rng.randint(0, not_on_time)
    v["training_missed"] = rng.randint(0, not_on_time - v["training_late"])
    # strategy (п. 45)
    v["strategy_approved"] = rng.random() < 0.9
    v["strategy_content_ok"] = v["strategy_approved"] and rng.random() < 0.7
    v["strategy_info_submitted"] = v["strategy_approved"] and rng.random() < 0.9
    v["strategy_execution_pct"] = _money(rng.uniform(30, 100))
    # bonus indicators (пп. 45-1, 45-2)
    v["intern_received"] = rng.randint(0, ags // 15)
    v["intern_sent"] = rng.randint(0, ags // 20)
    v["ekyzmet_servants"] = ags + rng.randint(0, 40)
    v["ekyzmet_files_ok"] = int(v["ekyzmet_servants"] * rng.uniform(0.95, 1.0))
    # competitions (Appendix 2), career growth, incentives
    v["app2_held"] = rng.randint(4, 60)
    v["app2_observers"] = int(v["app2_held"] * rng.uniform(0.5, 1.0))
    v["app2_video"] = int(v["app2_held"] * rng.uniform(0.6, 1.0))
    v["competition_video_violations"] = rng.choice([0, 0, 0, 1, 2, 4])
    v["career_b"] = rng.randint(10, 120)
    v["career_a"] = int(v["career_b"] * rng.uniform(0.5, 0.95))
    # IT (Appendix 8 tables 3, 4, 6; smart cities from the authorised body)
    v["app8_t3_g2"] = rng.randint(4, 40)
    v["app8_t3_g3"] = int(v["app8_t3_g2"] * rng.uniform(0.3, 1.0))
    v["app8_t4_g2"] = ags + headcount
    v["app8_t4_g3"] = int(v["app8_t4_g2"] * rng.uniform(0.0, 0.3))
    if profile == "central":
        v["app8_t6_g2"] = rng.randint(20, 400)
        v["app8_t6_g3"] = int(v["app8_t6_g2"] * rng.uniform(0.0, 0.8))
    else:
        for key in SPHERES:
            v[key] = rng.randint(300, 760)
    # indicators whose rule is in the base act: entered within the node's bounds
    for key, item in compiled.inputs.items():
        if key.startswith("entered_") and key.endswith("_comment"):
            v[key] = DEMO_COMMENT
        elif key.startswith("entered_"):
            v[key] = _entered(rng, key, item)
    return v


def _entered(rng: random.Random, key: str, item) -> str:
    if key == "entered_IT_9":                       # D, unused IS: a small deduction or none
        return _money(-rng.choice([0, 0, 1, 2, 3]))
    if key == "entered_IT_7":                       # F, local content: bonus
        return _money(rng.uniform(0, float(item.max)))
    return _money(float(item.max) * rng.uniform(0.55, 1.0))


def _edge_cases(body_id: str, v: dict) -> None:
    if body_id == "min-justice":
        v.update(app1_g3=0, app1_g4=0, app1_g5=0, app1_g6=0, exit_negative=0)
    elif body_id == "min-energy":
        headcount = Decimal(v["n1_headcount_avg"])
        v["pass_m"] = str(headcount * 260)
        v["pass_p"] = str(headcount * 190)
    elif body_id == "min-health":
        v.update(app2_held=0, app2_observers=0, app2_video=0, competition_video_violations=0,
                 career_a=0, career_b=0)
    elif body_id == "min-agriculture":
        v.update(training_a=0, training_b=0, training_c=0, training_d=0, training_late=0, training_missed=0)
        v["exit_negative"] = v["app1_g4"] + v["app1_g6"]
    elif body_id == "mangystau":
        v.update(app8_t3_g2=0, app8_t3_g3=0)
    elif body_id == "shymkent":
        ags = Decimal(v["hr_ags_avg"])
        v["intern_received"] = int(ags * Decimal("0.08")) + 1
        v["intern_sent"] = int(ags * Decimal("0.04")) + 1
        v["ekyzmet_files_ok"] = v["ekyzmet_servants"]
        for key in ("entered_HR_1_1", "entered_HR_1_2", "entered_HR_1_4", "entered_HR_2_2", "entered_HR_2_3"):
            v.pop(key)
        v.update(entered_HR_1_1="10", entered_HR_1_2="5", entered_HR_1_4="5", entered_HR_2_2="5",
                 entered_HR_2_3="5", pass_m="0", pass_p="0", training_late=0, training_missed=0,
                 training_a=v["training_b"], training_c=v["training_d"], strategy_approved=True,
                 strategy_content_ok=True, strategy_info_submitted=True, strategy_execution_pct="95")
