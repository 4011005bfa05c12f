"""Synthetic inputs for the 2025 openness direction (openness-2025).

Eight central ministries and the 17 regional akimats of the demo. Every
figure is made up. The cohort includes the act's special cases:

- the Ministry of Internal Affairs has a secret budget: it gets the average
  of the other central bodies on every open-budget indicator (p.67 part 3);
- the ministries of justice and internal affairs are outside Government
  Resolution No. 12: they get the central bodies' average on meetings with
  the population (App. 10 Table 6 note **);
- one akimat holds no open-data sets of the Unified List (Table 1 note *:
  rows 1 and 3 score their maximum);
- zero denominators: a ministry with no information-support programme
  (Table 4 row 6), an akimat with no mass-media request (p.82), an akimat with
  no 'Ask a question' question (Table 7 row 6), a ministry without subordinate
  organisations (criterion 7), an akimat nobody answered the media survey
  about (p.83);
- a ministry that held fewer than 12 events (p.81: a warning, A = a / 12).
"""

from __future__ import annotations

import random
from decimal import Decimal

from bagalau.engine.compiled import CompiledMethodology
from bagalau.demo.regions import CENTRAL_BODIES, REGIONS_2012

METHODOLOGY = "openness-2025"

CENTRAL_IDS = ["min-digital", "min-finance", "min-justice", "min-health", "min-education", "min-labour",
               "min-agriculture", "min-interior"]
SECRET_BUDGET = {"min-interior"}
OUTSIDE_RESOLUTION_12 = {"min-justice", "min-interior"}   # App. 10 Table 6 note **
NO_PROGRAMME = {"min-labour"}
FEW_EVENTS = {"min-agriculture"}
NO_SUBORDINATES = {"min-digital"}
NO_LISTED_DATASETS = {"kostanay"}
NO_MEDIA_REQUESTS = {"atyrau"}
NO_ASK_QUESTIONS = {"pavlodar"}
NO_MEDIA_SURVEY = {"mangystau"}


def bodies(rng: random.Random, load) -> list[dict]:
    """Central bodies (profile central) and akimats (profile local);
    ``load(profile)`` gives the compiled edition for a profile."""
    central, local = load("central"), load("local")
    names = {body_id: name for body_id, name, _ in CENTRAL_BODIES}
    result = [{"id": body_id, "name": names[body_id], "profile": "central",
               "inputs": body_inputs(rng, central, body_id, "central")} for body_id in CENTRAL_IDS]
    result += [{"id": body_id, "name": name_ru, "profile": "local",
                "inputs": body_inputs(rng, local, body_id, "local")} for body_id, name_ru, _ in REGIONS_2012]
    return result


def body_inputs(rng: random.Random, compiled: CompiledMethodology, body_id: str, profile: str) -> dict:
    """Every input of the profile, with plausible synthetic values."""
    values: dict = {}
    quality = rng.uniform(0.45, 0.95)          # how open this body is, overall

    def points(low: Decimal, high: Decimal) -> str:
        share = min(1.0, max(0.0, rng.gauss(quality, 0.2)))
        value = (high * Decimal(str(round(share, 2)))).quantize(Decimal("0.1"))
        return str(min(high, max(low, value)))

    secret = body_id in SECRET_BUDGET
    for key, item in compiled.inputs.items():
        if not key.startswith("entered_") or key.endswith("_comment"):
            continue
        open_budget = key.startswith(("entered_T2_", "entered_T3_"))
        if secret and open_budget:
            values[key] = "0"
            values[key + "_comment"] = ("SYNTHETIC: the budget is secret, the body is not assessed here; "
                                        "p.67 part 3 gives it the average of the other bodies")
        else:
            values[key] = points(item.min, item.max)
            values[key + "_comment"] = f"SYNTHETIC: points found on checking {item.source.row}"

    values["budget_secret"] = secret
    values["t1_no_listed_datasets"] = body_id in NO_LISTED_DATASETS
    if profile == "central":
        values["res12_excluded"] = body_id in OUTSIDE_RESOLUTION_12
        items = 0 if body_id in NO_PROGRAMME else rng.randint(4, 15)
        values["app9_t4_r5_items"] = items
        left = items - rng.randint(0, min(2, items))            # a few items not implemented
        for category in (1, 2, 3):
            done = rng.randint(0, left)
            values[f"app9_t4_r5_cat{category}"] = done
            left -= done
        values["app9_t4_r5_cat4"] = left

    for lang in ("kk", "ru"):
        values[f"app9_t5_r3_entries_{lang}"] = rng.choice([0, 4, 12, 18, 27, 40, 52, 60])

    received = 0 if body_id in NO_ASK_QUESTIONS else rng.randint(20, 400)
    values["portal_ask_received"] = received
    values["portal_ask_answered"] = int(received * rng.uniform(0.6, 1.0))

    events = rng.randint(6, 11) if body_id in FEW_EVENTS else rng.randint(12, 40)
    values["app9_t5_1_r1_events"] = events
    values["app9_t5_1_r1_high_kk"] = int(events * rng.uniform(0.2, 0.8))
    values["app9_t5_1_r1_high_ru"] = min(events, values["app9_t5_1_r1_high_kk"] + rng.randint(0, 4))
    values["app9_t5_1_r1_high_both"] = min(values["app9_t5_1_r1_high_kk"], values["app9_t5_1_r1_high_ru"])
    requests = 0 if body_id in NO_MEDIA_REQUESTS else rng.randint(5, 120)
    answers = int(requests * rng.uniform(0.8, 1.0))
    values["app9_t5_1_r2_requests"] = requests
    values["app9_t5_1_r2_answers"] = answers
    values["app9_t5_1_r2_late"] = int(answers * rng.uniform(0.0, 0.25))
    if body_id in NO_MEDIA_SURVEY:
        values["mci_media_respondents"], values["mci_media_satisfied_pct"] = 0, 0
    else:
        values["mci_media_respondents"] = rng.randint(8, 60)
        values["mci_media_satisfied_pct"] = str(Decimal(rng.randint(450, 980)) / 10)
    values["mci_population_satisfied_pct"] = str(Decimal(rng.randint(300, 880)) / 10)

    orgs = 0 if body_id in NO_SUBORDINATES else rng.randint(1, 25)
    quasi = rng.randint(0, orgs)
    values["app9_t6_r1_orgs"] = orgs
    values["app9_t6_r3_quasi_orgs"] = quasi
    for key in ("t9_r1", "t10_r1", "t10_r2", "t10_r3"):
        for lang in ("kk", "ru"):
            values[f"mci_{key}_{lang}"] = rng.choice([0, 0, 0, min(orgs, 1), min(orgs, 2)])
    for lang in ("kk", "ru"):
        values[f"mci_t11_r1_{lang}"] = rng.choice([0, 0, min(quasi, 1)])
    questions = rng.randint(0, 80) if quasi else 0
    values["app9_t6_r3_questions"] = questions
    values["app9_t6_r3_answered"] = int(questions * rng.uniform(0.7, 1.0))

    return {key: value for key, value in values.items() if key in compiled.inputs}
