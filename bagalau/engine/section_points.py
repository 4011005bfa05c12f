"""A checklist section's points, entered instead of its items.

Working groups record a website checklist (it-2012 App 6, ict-2015 App 5/6,
citizens-2017 App 15/16) as points per section and language version. Each
section and version has an optional input ``<checklist>_<version>_<section>_points``
(``compiled.checklist_points_id``) beside its items. Per section and version a
body gives:

* the items (and the defect count): scored by the checklist rule, as before;
* or the section's points: the section's score as recorded, from 0 to the
  section's weight W (a section is floored at 0 by the rule and cannot earn
  more than W, so no act lets it go outside 0 … W);
* or both: accepted when they agree to the hundredth (the precision the forms
  print), and then scored from the items; otherwise an error naming both.

Neither: the items are required, as before, and their message says that the
section's points may be given instead. ``inputs.validate`` calls the helpers
here; they return reasons as text so that this module does not depend on it.
"""

from __future__ import annotations

from decimal import Decimal

from bagalau.engine.checklists import items_score
from bagalau.engine.exact import decimal_text, exact, is_terminating, round_to


def _blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _given(raw_values: dict, input_id: str) -> bool:
    return not _blank(raw_values.get(input_id))


def _section(compiled, points_id: str):
    return compiled.section_points[points_id]


def excused(compiled, raw_values: dict, input_id: str) -> bool:
    """A blank item or defect count that the section's points stand in for:
    the points are given and none of the section's items is."""
    points_id = compiled.points_alternative.get(input_id)
    if points_id is None or not _given(raw_values, points_id):
        return False
    _, _, section = _section(compiled, points_id)
    return not any(_given(raw_values, item) for item in section.item_ids)


def missing_suffix(compiled, raw_values: dict, input_id: str) -> str:
    """What a 'missing' message about a checklist item adds: the alternative."""
    points_id = compiled.points_alternative.get(input_id)
    if points_id is None:
        return ""
    if _given(raw_values, points_id):
        return (f"; the section's points are given in {points_id} together with some of its items: "
                f"give all of its items, or only the points")
    return f", or give the section's points in {points_id}"


def bound_suffix(compiled, input_id: str) -> str:
    """What a bound message about a section's points adds: the bound and its paragraph."""
    if input_id not in compiled.section_points:
        return ""
    node_id, version, section = _section(compiled, input_id)
    rule = compiled.nodes[node_id].node.checklist
    weight_key = rule.section_weights.get(section.section_id, "")
    parameter = compiled.methodology.parameters.get(weight_key)
    where = "; ".join(p for p in (parameter.paragraph if parameter else None, rule.paragraph) if p)
    return (f" (section {section.section_id} of {rule.checklist}, version {version}: its points run from 0 to "
            f"the section's weight {_shown(section.weight)}, {where})")


def disagreements(compiled, raw_values: dict, values: dict) -> list[tuple[str, str]]:
    """(field, reason) for every section and version whose points and items are both
    given and do not agree to the hundredth."""
    found = []
    for points_id, (node_id, version, section) in compiled.section_points.items():
        points = values.get(points_id)
        items = [values.get(item) for item in section.item_ids]
        if points is None or any(value is None for value in items):
            continue
        node = compiled.nodes[node_id]
        defects = values.get(section.defects_id) or 0
        present, _, _, score = items_score(section.weight, items, defects, node.checklist_per_defect,
                                           node.checklist_cap_share)
        if round_to(exact(score), 2) == round_to(exact(points), 2):
            continue
        first, last = section.item_ids[0], section.item_ids[-1]
        found.append((points_id, (
            f"the section's points and its items are both given and do not agree: {points_id} = "
            f"{_shown(points)}, but the items {first} … {last} give {_shown(round_to(exact(score), 2))} "
            f"({present} of {len(items)} present, {_shown(defects)} defect(s), weight {_shown(section.weight)}; "
            f"{compiled.nodes[node_id].node.checklist.paragraph}); give the items or the points, or make them agree")))
    return found


def _shown(value) -> str:
    """A number as a person reads it: exact where it ends, else to 4 places and '…' (50/72 → 0.6944…)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    value = exact(value)
    return decimal_text(value) if is_terminating(value) else f"{round_to(value, 4)}…"
