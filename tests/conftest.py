"""Shared fixtures for the 2012 IT methodology (order No. 457, seed 000).

``full_raw()`` builds a complete, valid raw input dict for one body: every
required input is filled, so a test only overrides what it is about. The
baseline body is a *perfect* one under the act's rules:

* criterion 1: a measure in all five App 5 directions (§15–18) → 10;
* 2.1: one search observation at position 1 (§23: 1–10 → 5) → 5;
* 2.2: every App 6 item present in both language versions, no defects → 15;
* 3.1: every App 2 numerator equals its (non-zero) denominator → 15;
* 3.2: all four archive items present (§51) → 2;
* 3.3: a licensor whose licences were all formed in e-Licensing and whose
  procurement all went through e-procurement (§56) → 8;
* 4: all functions automated, in the period, fully (§58–66) → 45;
* 5: IS exist in every population but none is deficient (§67–99) → 0.

Denominators are all non-zero so that no zero-denominator rule (A13) hides a
mistake in a test that only changes a numerator.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from bagalau.engine.definition import read_yaml
from bagalau.engine.inputs import Submission, validate
from bagalau.engine.scoring import Scorer
from bagalau.engine.validation import check_data, check_file
from support.documents import demo_store, edition_store  # noqa: E402,F401  (session fixtures of tests/documents)

DEFINITION = Path(__file__).resolve().parent.parent / "bagalau" / "methodologies" / "it-2012.yaml"

# App 6 as printed in the act: section id -> number of items (72 in all).
APP6_SECTIONS: dict[str, int] = {
    "1.1": 3, "1.2": 7, "1.3": 6, "1.4": 2, "1.5": 6, "1.6": 1, "1.7": 2, "1.8": 5,
    "1.9": 3, "1.10": 4, "1.11": 5, "1.12": 5, "1.13": 11, "1.14": 10, "1.15": 2,
}
APP6_VERSIONS = ("kk", "ru")


def app6_item(version: str, section: str, item: int | str) -> str:
    return f"app6_{version}_{section.replace('.', '_')}_{item}"


def app6_defects(version: str, section: str) -> str:
    return f"app6_{version}_{section.replace('.', '_')}_defects"


def app6_fallback_weight(section: str) -> Fraction:
    """Reading A1's provisional fallback: 50/72 points per item per language version."""
    return Fraction(APP6_SECTIONS[section] * 50, 72)


def base_inputs() -> dict[str, Any]:
    raw: dict[str, Any] = {
        # criterion 1 (App 1 row 1)
        "app1_r1_d1": True, "app1_r1_d2": True, "app1_r1_d3": True, "app1_r1_d4": True, "app1_r1_d5": True,
        # 2.1 search positions
        "wg_2_1_positions": [1],
        # App 2, columns 1-12 (numerator == denominator)
        "app2_g1": 100, "app2_g2": 100, "app2_g3": 80, "app2_g4": 80,
        "app2_g5": 60, "app2_g6": 60, "app2_g7": 40, "app2_g8": 40,
        "app2_g9": 30, "app2_g10": 30, "app2_g11": 20, "app2_g12": 20,
        # 3.2 archives
        "app1_r2_2_1": True, "app1_r2_2_2": True, "app1_r2_2_3": True, "app1_r2_2_4": True,
        # 3.3 e-licensing / e-procurement
        "is_licensor": True, "app1_r2_3_1": 10, "wg_3_3_1_formed": 10,
        "app1_r2_3_2_eproc": 1000, "app1_r2_3_2_total": 1000,
        # criterion 4
        "wg_4_1_subject": 10, "wg_4_1_auto": 10,
        "wg_4_2_period": 10, "wg_4_2_after": 0,
        "wg_4_3_full": 10, "wg_4_3_partial": 0,
        # criterion 5: populations > 0, numerators 0
        "wg_5_1_is_new": 2, "app1_r3_1": 0,
        "wg_5_2_is_comm": 2, "app1_r3_2": 0, "app1_r3_3": 0,
        "wg_5_4_is_created": 3, "app1_r3_4": 0,
        "wg_5_5_is_ind2010": 4, "app1_r3_5": 0,
        "wg_5_6_is_op": 5, "app1_r3_6": 0,
        "wg_5_7_is_ind": 5, "app1_r3_7": 0,
        "wg_5_8_to_integrate": 4, "app1_r3_8": 0,
    }
    for version in APP6_VERSIONS:
        for section, items in APP6_SECTIONS.items():
            for item in range(1, items + 1):
                raw[app6_item(version, section, item)] = True
            raw[app6_defects(version, section)] = 0
    return raw


def full_raw(**overrides: Any) -> dict[str, Any]:
    """A complete valid raw input dict; keyword overrides replace fields, and
    an override of ``None`` removes the field."""
    raw = base_inputs()
    for key, value in overrides.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return raw


def near(value: Decimal, target: Fraction | int | str, places: int = 24) -> bool:
    """True when an exact-decimal result equals the rational ``target`` up to
    the last digits of 28-digit Decimal arithmetic."""
    target = Fraction(target) if not isinstance(target, Fraction) else target
    return abs(Fraction(value) - target) < Fraction(1, 10 ** places)


# --- fixtures ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def definition_data() -> dict:
    """The parsed it-2012.yaml; tests deep-copy it before breaking it."""
    return read_yaml(DEFINITION)


@pytest.fixture
def broken(definition_data):
    """A fresh deep copy of the real definition, to mutate."""
    return copy.deepcopy(definition_data)


@pytest.fixture(scope="session")
def compiled():
    result, problems = check_file(DEFINITION)
    assert problems == [], problems
    return result


@pytest.fixture(scope="session")
def scorer(compiled) -> Scorer:
    return Scorer(compiled)


@pytest.fixture(scope="session")
def score_body(compiled):
    """score_body(raw, options=None, explain=False, body='b1') -> BodyScore,
    going through input validation exactly as a real file would."""
    scorers: dict[tuple, Scorer] = {}

    def run(raw: dict, options: dict | None = None, explain: bool = False, body: str = "b1",
            period: int = 2012):
        key = tuple(sorted((options or {}).items()))
        if key not in scorers:
            scorers[key] = Scorer(compiled, options=options)
        validated = validate(compiled, Submission(body, f"Body {body}", raw, locations={}))
        return scorers[key].score(body, validated.values, explain=explain, period=period,
                                  name=f"Body {body}")

    return run


def compile_data(data: dict):
    """check_data on a mutated definition, returning (compiled, problems)."""
    return check_data(data)


def find_node(data: dict, node_id: str) -> dict:
    """The raw mapping of a node in a parsed definition, by id."""
    stack = list(data["nodes"])
    while stack:
        node = stack.pop()
        if str(node["id"]) == node_id:
            return node
        stack.extend(node.get("children", []))
    raise KeyError(node_id)


from bagalau.engine.explanations import find_node as explanation_node  # noqa: E402,F401  (re-exported for the tests)
from bagalau.engine.explanations import walk as walk_explanation  # noqa: E402,F401
