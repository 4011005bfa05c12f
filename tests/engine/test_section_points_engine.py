"""A checklist section's points entered instead of its items (issue 7, intake), in the
engine: the bound is the exact weight, agreement is to the hundredth, the rescale
reading scales entered points with the weights, and the note reads in kk and ru."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bagalau import demo
from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.exact import decimal_text
from bagalau.engine.explanations import find_node, render_note
from bagalau.engine.inputs import InputError, Submission


def demo_inputs(edition: str, profile: str | None = None) -> dict:
    compiled = catalog.load(edition)
    document = demo.cohort_document(compiled, demo.default_period(compiled.source))
    return dict(next(b for b in document["bodies"] if b.get("profile") == profile)["inputs"])


def without_items(compiled, inputs: dict, points_id: str, value) -> dict:
    _, _, section = compiled.section_points[points_id]
    changed = {k: v for k, v in inputs.items() if k not in (*section.item_ids, section.defects_id)}
    changed[points_id] = value
    return changed


def score(edition: str, inputs: dict, profile=None, options=None):
    cohort = CohortScorer(edition, options)
    body = cohort.validate(Submission("b", None, inputs, profile=profile))
    return cohort.score([body], explain=True)[0]


def test_a_weight_that_does_not_end_bounds_the_points_exactly():
    """it-2012 App 6 section 1.1 weighs 3 × 50/72 = 25/12 = 2.08(3) (A1): 2.08 is within it,
    2.09 is not, and the message names the weight and the paragraph."""
    compiled = catalog.load("it-2012")
    _, _, section = compiled.section_points["app6_kk_1_1_points"]
    assert Fraction(section.weight) == Fraction(25, 12)
    inputs = demo_inputs("it-2012")
    result = score("it-2012", without_items(compiled, inputs, "app6_kk_1_1_points", "2.08"))
    node = find_node(result.explanation, "2.2")
    assert node["checklist"][0]["sections"][0] == {"section": "1.1", "entered": "points",
                                                   "weight": "2.083333333333333333333333333",
                                                   "points": "2.08", "score": "2.08"}
    with pytest.raises(InputError) as caught:
        score("it-2012", without_items(compiled, inputs, "app6_kk_1_1_points", "2.09"))
    text = str(caught.value)
    assert "app6_kk_1_1_points" in text and "above the maximum" in text and "2.0833…" in text and "§26" in text


def test_points_that_agree_with_the_items_to_the_hundredth_are_accepted():
    """Both given: the points as the form prints them (two decimals) agree with items
    whose exact score does not end; the score is the items' own."""
    compiled = catalog.load("it-2012")
    inputs = demo_inputs("it-2012")
    _, _, section = compiled.section_points["app6_ru_1_2_points"]
    weight = Fraction(section.weight)
    present = sum(1 for item in section.item_ids if inputs[item])
    exact = max(weight * present / len(section.item_ids)
                - min(Fraction(1, 10) * inputs[section.defects_id], weight / 4), Fraction(0))
    cents = (exact * 100 * 2 + 1) // 2          # half up to the hundredth
    items_only = score("it-2012", inputs)
    assert (exact * 100).denominator != 1, "the exact score should not end here"
    both = score("it-2012", {**inputs, "app6_ru_1_2_points": f"{cents / 100:.2f}"})
    assert both.scores == items_only.scores
    with pytest.raises(InputError, match="do not agree"):
        score("it-2012", {**inputs, "app6_ru_1_2_points": f"{(cents + 1) / 100:.2f}"})


def test_items_given_in_part_with_the_points_are_refused():
    compiled = catalog.load("ict-2015", "central")
    inputs = demo_inputs("ict-2015", "central")
    partial = without_items(compiled, inputs, "app6_t1_kk_1_1_points", "3")
    partial["app6_t1_kk_1_1_2"] = True
    with pytest.raises(InputError) as caught:
        score("ict-2015", partial, "central")
    assert "give all of its items, or only the points" in str(caught.value)


def test_under_the_rescale_reading_entered_points_scale_with_the_weights():
    """it-2012 A32 = rescale: section 1.6 does not apply; the other sections' weights, and
    points entered for them, are scaled by 50 / (50 − W₁.₆)."""
    compiled = catalog.load("it-2012")
    inputs = demo_inputs("it-2012")
    inputs["app6_1_6_applies"] = False
    result = score("it-2012", without_items(compiled, inputs, "app6_kk_1_1_points", "2"), options={"A32": "rescale"})
    layout = compiled.checklist_layouts["2.2"]["kk"]
    factor = 50 / (50 - Fraction(next(s for s in layout if s.section_id == "1.6").weight))
    node = find_node(result.explanation, "2.2")
    assert node["checklist"][0]["sections"][0]["score"] == decimal_text(2 * factor)     # 144/71, to 28 digits
    points_note = next(n for n in node["notes"] if n["code"] == "checklist_points")
    assert "1.1 (kk)" in points_note["text"] and "scaled by" in points_note["text"]


def test_the_points_note_reads_in_kazakh_and_russian():
    compiled = catalog.load("ict-2015", "central")
    inputs = without_items(compiled, demo_inputs("ict-2015", "central"), "app6_t1_ru_1_2_points", "7.5")
    node = find_node(score("ict-2015", inputs, "central").explanation, "1.3-t1")
    points_note = next(n for n in node["notes"] if n["code"] == "checklist_points")
    assert "entered instead of its items" in points_note["text"]
    assert "внесены вместо его пунктов" in render_note(points_note, "ru")
    assert "тармақтарының орнына енгізілді" in render_note(points_note, "kk")
