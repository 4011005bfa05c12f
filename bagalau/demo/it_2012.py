"""Synthetic inputs for the 2012 IT-application methodology (it-2012)."""

from __future__ import annotations

import random
from decimal import Decimal

from bagalau.engine.compiled import CompiledMethodology
from bagalau.demo.regions import REGIONS_2012

METHODOLOGY = "it-2012"


def bodies(rng: random.Random, load) -> list[dict]:
    """The 17 demo regions' akimats; ``load(profile)`` gives the compiled edition."""
    compiled = load(None)
    return [{"id": body_id, "name": name_ru, "inputs": it_2012_body(rng, compiled)}
            for body_id, name_ru, _ in REGIONS_2012]


def it_2012_body(rng: random.Random, compiled: CompiledMethodology) -> dict:
    """One synthetic body's inputs for the 2012 IT methodology."""
    values: dict = {}

    def pair(numerator: str, denominator: str, low: int, high: int, rate=(0.2, 1.0)) -> None:
        total = rng.randint(low, high)
        values[denominator] = total
        values[numerator] = int(total * rng.uniform(*rate))

    for direction in range(1, 6):
        values[f"app1_r1_d{direction}"] = rng.random() < 0.7
    values["app1_r1_d3_not_needed"] = rng.random() < 0.2
    values["app1_r1_d4_not_needed"] = rng.random() < 0.15
    values["wg_2_1_positions"] = [rng.choice([None, *range(1, 60)]) for _ in range(16)]
    pair("app2_g1", "app2_g2", 500, 20000)
    pair("app2_g3", "app2_g4", 1000, 40000)
    pair("app2_g6", "app2_g5", 2000, 60000, (0.6, 1.0))
    pair("app2_g8", "app2_g7", 50, 5000, (0.7, 1.0))
    pair("app2_g10", "app2_g9", 300, 9000)
    pair("app2_g12", "app2_g11", 1000, 30000, (0.0, 0.6))
    for item in range(1, 5):
        values[f"app1_r2_2_{item}"] = rng.random() < 0.6
    values["is_licensor"] = rng.random() < 0.6
    if values["is_licensor"]:
        values["elicensing_planned"] = rng.random() < 0.15
        issued = rng.randint(0, 3000)
        values["app1_r2_3_1"] = issued
        values["wg_3_3_1_formed"] = int(issued * rng.uniform(0.3, 1.0))
    total = Decimal(rng.randint(10**8, 5 * 10**10))
    values["app1_r2_3_2_total"] = str(total)
    values["app1_r2_3_2_eproc"] = str((total * Decimal(rng.uniform(0.3, 1.0))).quantize(Decimal(1)))
    pair("wg_4_1_auto", "wg_4_1_subject", 20, 200, (0.1, 0.9))
    values["wg_4_2_period"] = rng.randint(0, 20)
    values["wg_4_2_after"] = rng.randint(0, 40)
    values["wg_4_3_full"] = int(values["wg_4_1_auto"] * rng.uniform(0.2, 0.8))
    values["wg_4_3_partial"] = values["wg_4_1_auto"] - values["wg_4_3_full"]
    for numerator, denominator in (("app1_r3_1", "wg_5_1_is_new"), ("app1_r3_2", "wg_5_2_is_comm"),
                                   ("app1_r3_4", "wg_5_4_is_created"), ("app1_r3_5", "wg_5_5_is_ind2010"),
                                   ("app1_r3_6", "wg_5_6_is_op"), ("app1_r3_7", "wg_5_7_is_ind"),
                                   ("app1_r3_8", "wg_5_8_to_integrate")):
        pair(numerator, denominator, 0, 8, (0.0, 0.6))
    values["app1_r3_3"] = min(values["wg_5_2_is_comm"], rng.randint(0, 2))
    values["wg_5_8_refused"] = rng.randint(0, values["app1_r3_8"])
    for key, item in compiled.inputs.items():
        if key in compiled.section_points:
            continue    # a section's points are the alternative to its items: the demo gives the items
        if key.startswith("app6_") and key.endswith("_defects"):
            values[key] = rng.choice([0, 0, 0, 1, 2, 5, 30])
        elif key.startswith("app6_") and key.endswith("_applies"):
            values[key] = rng.random() < 0.8
        elif key.startswith("app6_"):
            values[key] = rng.random() < 0.75
    return values
