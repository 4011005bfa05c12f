"""Scoring a node from a checklist appendix (2012 App 6 style), per language version.

For each version and section: earned = W × present / items, minus the
per-defect deduction capped at a share of W, floored at 0. The node's score
is the rule's ``scale`` × the sum over versions and sections.

A section's points may be entered instead of its items (``<checklist>_<version>_
<section>_points``, 0 … W as the working group records them; see
``section_points``): they are the section's score, scaled with the weights
under the ``rescale`` reading.
"""

from __future__ import annotations

from bagalau.engine.compiled import ChecklistSectionLayout, CompiledNode
from bagalau.engine.exact import Exact, divide
from bagalau.engine.explanations import code, note, sub
from bagalau.engine.explanations import number_text as _text, short_text as _short
from bagalau.i18n import N_


def score_checklist(compiled: CompiledNode, layout: dict[str, list[ChecklistSectionLayout]], reading: str,
                    scale_of, namespace, explain: bool) -> tuple[Exact, list[dict] | None, list[dict]]:
    """The node's score, the per-version detail (when explaining) and its notes.
    ``reading`` is how a conditional section that does not apply counts (full
    or rescale); ``scale_of(total)`` turns the sum of section scores into points."""
    rule = compiled.node.checklist
    rescale = checklist_rescale(reading, layout, namespace)
    per_defect, cap_share = compiled.checklist_per_defect, compiled.checklist_cap_share
    total = 0
    detail: list[dict] = []
    entered: list[str] = []          # sections whose points were entered instead of their items
    for version, sections in layout.items():
        version_total = 0
        shown = []
        for section in sections:
            section_weight = section.weight * rescale
            if section.conditional and not namespace.get(section.applies_id, True):
                if rescale == 1:  # "full" reading: the section counts as met
                    version_total += section_weight
                if explain:
                    shown.append({"section": section.section_id, "applies": False, "weight": _text(section_weight),
                                  "score": _text(section_weight if rescale == 1 else 0)})
                continue
            points = entered_points(section, namespace)
            if points is not None:
                section_score = points * rescale
                version_total += section_score
                entered.append(f"{section.section_id} ({version})")
                if explain:
                    shown.append({"section": section.section_id, "entered": "points", "weight": _text(section_weight),
                                  "points": _text(points), "score": _text(section_score)})
                continue
            values = section.present(namespace)
            defects = namespace[section.defects_id]
            present, earned, deduction, section_score = items_score(section_weight, values, defects,
                                                                    per_defect, cap_share)
            version_total += section_score
            if explain:
                shown.append({
                    "section": section.section_id, "entered": "items", "weight": _text(section_weight),
                    "items": len(values), "present": present, "earned": _text(earned), "defects": _text(defects),
                    "deduction": _text(deduction), "deduction_capped": per_defect * defects > deduction,
                    "score": _text(section_score),
                    "missing": [label for label, value in zip(section.item_labels, values) if not value]})
        total += version_total
        if explain:
            detail.append({"version": version, "score": _text(version_total), "sections": shown})
    score = scale_of(total)
    notes = []
    if explain:
        capped = sum(1 for v in detail for s in v["sections"] if s.get("deduction_capped"))
        notes.append(note("checklist", N_("{scale} × Σ(section scores over {versions}) = {scale} × {total}; per "
                                          "section: W × present/items − min({per_defect} × defects, {cap_share} × W), "
                                          "floored at 0{capped}"),
                          scale=code(rule.scale), versions=code(", ".join(rule.versions)), total=_short(total),
                          per_defect=_text(per_defect), cap_share=_text(cap_share),
                          capped=sub(N_("; deduction capped in {count} section(s)"), count=capped) if capped else ""))
        if entered:
            notes.append(note("checklist_points", N_("section {sections}: the section's points were entered instead "
                                                     "of its items{scaled}"),
                              sections=", ".join(entered),
                              scaled=sub(N_(", scaled by {factor} with the weights"), factor=_short(rescale))
                              if rescale != 1 else ""))
    return score, (detail if explain else None), notes


def entered_points(section: ChecklistSectionLayout, namespace) -> Exact | None:
    """The section's points when they were entered instead of its items (validation
    has made sure that items given together with points are complete and agree)."""
    points = namespace.get(section.points_id)
    if points is None or all(namespace.get(item) is not None for item in section.item_ids):
        return None
    return points


def items_score(weight: Exact, values, defects: Exact, per_defect: Exact,
                cap_share: Exact) -> tuple[int, Exact, Exact, Exact]:
    """(present, earned, deduction, score) of a section from its items:
    W × present / items − min(per_defect × defects, cap_share × W), floored at 0."""
    present = len(values) - sum(1 for value in values if not value)
    earned = divide(weight * present, len(values))
    deduction = min(per_defect * defects, cap_share * weight)
    return present, earned, deduction, (earned - deduction if earned > deduction else 0)


def checklist_rescale(reading: str, layout, namespace) -> Exact:
    """Under the 'rescale' reading, sections that apply share the whole
    version total; under 'full', a section that does not apply counts as met."""
    if reading != "rescale" or not layout:
        return 1
    sections = next(iter(layout.values()))
    applying = sum(s.weight for s in sections if not s.conditional or namespace.get(s.applies_id, True))
    whole = sum(s.weight for s in sections)
    return divide(whole, applying) if applying else 1
