"""Bodies with repeated-row tables for the tests (issue 7): it-2012's information systems
(App 1 rows 3.1–3.8 with the IS register, A6) and ict-2015's departmental IS (App 1 Table 1),
each with the counts the act defines, counted by hand."""

from __future__ import annotations

import random

from conftest import base_inputs

CRITERION_5 = ("wg_5_", "app1_r3_")


def random_system(rng: random.Random, number: int) -> dict:
    """One IS as a working group records it; a defect is only marked within its row's population,
    and a defect that is absent is sometimes left out (App 1 lists only the IS concerned)."""
    created = rng.random() < 0.5
    commissioned = created or rng.random() < 0.3
    developed = rng.random() < 0.6
    operation = rng.choice(["industrial", "trial", "none"])
    since = rng.randint(2003, 2012) if operation == "industrial" else None
    needs = rng.random() < 0.7
    flags = {
        "no_bpo_analytics": created and rng.random() < 0.5,
        "late": commissioned and rng.random() < 0.5,
        "no_approved_ntd": commissioned and rng.random() < 0.4,
        "ntd_not_agreed": developed and rng.random() < 0.4,
        "no_attestation": operation == "industrial" and since >= 2010 and rng.random() < 0.5,
        "not_registered": operation != "none" and rng.random() < 0.4,
        "no_state_language": operation == "industrial" and rng.random() < 0.4,
        "not_integrated": needs and rng.random() < 0.5,
    }
    flags["refusal_documented"] = flags["not_integrated"] and rng.random() < 0.4
    row = {"name": f"ИС №{number}", "created_in_period": created, "commissioned_in_period": commissioned,
           "developed_in_period": "да" if developed else "нет", "operation": operation,
           "needs_integration": needs}
    if since is not None:
        row["industrial_since"] = since
    row.update({key: value for key, value in flags.items() if value or rng.random() < 0.5})
    return row


def summed(rows: list[dict]) -> dict:
    """The counts of criterion 5 as the act defines them (§68–99, A15, A16), counted by hand."""
    def yes(row, key):
        return row.get(key) in (True, "да")

    def count(rule):
        return sum(1 for row in rows if rule(row))

    industrial = lambda r: r["operation"] == "industrial"
    since_2010 = lambda r: industrial(r) and r["industrial_since"] >= 2010
    working = lambda r: r["operation"] in ("industrial", "trial")
    return {
        "wg_5_1_is_new": count(lambda r: yes(r, "created_in_period")),
        "app1_r3_1": count(lambda r: yes(r, "created_in_period") and yes(r, "no_bpo_analytics")),
        "wg_5_2_is_comm": count(lambda r: yes(r, "commissioned_in_period")),
        "app1_r3_2": count(lambda r: yes(r, "commissioned_in_period") and yes(r, "late")),
        "app1_r3_3": count(lambda r: yes(r, "commissioned_in_period") and yes(r, "no_approved_ntd")),
        "wg_5_4_is_created": count(lambda r: yes(r, "developed_in_period")),
        "app1_r3_4": count(lambda r: yes(r, "developed_in_period") and yes(r, "ntd_not_agreed")),
        "wg_5_5_is_ind2010": count(since_2010),
        "app1_r3_5": count(lambda r: since_2010(r) and yes(r, "no_attestation")),
        "wg_5_6_is_op": count(working),
        "app1_r3_6": count(lambda r: working(r) and yes(r, "not_registered")),
        "wg_5_7_is_ind": count(industrial),
        "app1_r3_7": count(lambda r: industrial(r) and yes(r, "no_state_language")),
        "wg_5_8_to_integrate": count(lambda r: yes(r, "needs_integration")),
        "app1_r3_8": count(lambda r: yes(r, "needs_integration") and yes(r, "not_integrated")),
        "wg_5_8_refused": count(lambda r: yes(r, "not_integrated") and yes(r, "refusal_documented")),
    }


def other_inputs() -> dict:
    return {key: value for key, value in base_inputs().items() if not key.startswith(CRITERION_5)}


def random_dis(rng: random.Random, number: int) -> dict:
    typical, unusable, due = rng.random() < 0.2, rng.random() < 0.2, rng.random() < 0.7
    required = rng.randint(0, 6)
    row = {"name": f"АЖ {number}", "required_integrations": required, "due_in_operation": due}
    if typical or rng.random() < 0.3:
        row["typical_process"] = typical
    if unusable or rng.random() < 0.3:
        row["unavailable_or_unused"] = unusable
    if not unusable:
        row["implemented_integrations"] = rng.randint(0, required)
    if due:
        row["late"] = rng.random() < 0.4
    return row


def t1_summed(rows: list[dict]) -> dict:
    """Criterion 2's counts (§30–38, A8, A40), counted by hand over the assessed IS."""
    assessed = [row for row in rows if not row.get("typical_process")]
    return {"app1_t1_has_dis": any(not row.get("unavailable_or_unused") for row in assessed),
            "app1_t1_required": sum(row["required_integrations"] for row in assessed),
            "app1_t1_implemented": sum(row.get("implemented_integrations", 0) for row in assessed),
            "app1_t1_is_due": sum(1 for row in assessed if row["due_in_operation"]),
            "app1_t1_is_late": sum(1 for row in assessed if row["due_in_operation"] and row.get("late"))}
