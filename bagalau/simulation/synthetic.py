"""Random valid bodies of any edition, for the differential test and the benchmark.

SYNTHETIC: every figure is made up. A body starts from a demo body of the
edition (or, for an edition without demo data, from values drawn for each
input within its bounds) and has a few fields redrawn — small counts, zero
denominators, equal numerator and denominator, decimals with two places —
so that ties, half cents and zero-denominator rules occur often; about one
body in three gives some checklist sections' points instead of their items
(or both, agreeing). A body is kept only if the engine's validation accepts it.
"""

from __future__ import annotations

import random
from decimal import Decimal

from bagalau import demo
from bagalau.engine import catalog
from bagalau.engine.inputs import InputError, Submission, ValidatedInputs, coerce, validate


def _draw(rng: random.Random, definition) -> object:
    kind = definition.type
    low = int(definition.min) if definition.min is not None else 0
    high = int(definition.max) if definition.max is not None else max(low + 12, 12)
    if kind == "boolean":
        return rng.random() < 0.6
    if kind == "integer":
        return rng.randint(low, min(high, low + rng.choice((4, 12, 60, 500))))
    if kind == "decimal":
        cents = rng.randint(int(Decimal(low) * 100), int(Decimal(min(high, low + 100)) * 100))
        return str(Decimal(cents) / 100 if rng.random() < 0.7 else Decimal(cents // 50 * 50) / 100)
    if kind == "positions":
        return [rng.choice([None, *range(1, 40)]) for _ in range(rng.randint(max(definition.min_items or 1, 1), 10))]
    if kind == "decimals":
        count = rng.randint(definition.min_items or 0, 6)
        return [str(Decimal(rng.randint(int(low * 100), int(min(high, low + 1) * 100))) / 100) for _ in range(count)]
    return "synthetic"


def _section_points(rng: random.Random, compiled, raw: dict) -> None:
    """A working group's way of entering a checklist: for one to three sections, the
    section's points instead of its items (most often), or both, agreeing."""
    from bagalau.engine.checklists import items_score
    from bagalau.engine.exact import round_to

    for points_id in rng.sample(sorted(compiled.section_points), min(rng.randint(1, 3), len(compiled.section_points))):
        node_id, _, section = compiled.section_points[points_id]
        if rng.random() < 0.7:
            for key in (*section.item_ids, section.defects_id):
                raw.pop(key, None)
            top = int(round_to(section.weight, 2, "down").scaleb(2))
            cents = rng.choice((0, top, top // 2, rng.randint(0, top), rng.randint(0, top // 50) * 50))
            raw[points_id] = str(Decimal(cents) / 100)
            continue
        try:
            items = [coerce(compiled.inputs[key], raw[key]) for key in section.item_ids]
            defects = coerce(compiled.inputs[section.defects_id], raw[section.defects_id])
        except (KeyError, ValueError):
            continue
        node = compiled.nodes[node_id]
        score = items_score(section.weight, items, defects, node.checklist_per_defect, node.checklist_cap_share)[3]
        raw[points_id] = str(round_to(score, 2))


def _base_bodies(edition: str, profile: str | None, rng: random.Random) -> list[dict]:
    source = catalog.methodology(edition)
    for candidate in (edition, *reversed(source.lineage)):
        if candidate in demo.demo_methodologies():
            compiled = catalog.load(candidate)
            document = demo.cohort_document(compiled, demo.default_period(compiled.source), seed=rng.randint(0, 10**6))
            bodies = [b["inputs"] for b in document["bodies"] if (b.get("profile") or None) in (profile, None)
                      or not source.profiles]
            if bodies:
                return bodies
    return []


def random_bodies(edition: str, profile: str | None, count: int, seed: int = 0, changes: int = 4,
                  attempts: int = 20) -> list[ValidatedInputs]:
    """``count`` random bodies the engine accepts (fewer if too many draws are refused)."""
    rng = random.Random(seed)
    compiled = catalog.load(edition, profile)
    names = [key for key, d in compiled.inputs.items() if d.type != "text" and key not in compiled.section_points]
    bases = _base_bodies(edition, profile, rng)
    result: list[ValidatedInputs] = []
    tries = 0
    while len(result) < count and tries < count * attempts:
        tries += 1
        if bases:
            raw = {k: v for k, v in rng.choice(bases).items() if k in compiled.inputs}
            for key in rng.sample(names, min(changes, len(names))):
                raw[key] = _draw(rng, compiled.inputs[key])
        else:
            raw = {key: _draw(rng, d) for key, d in compiled.inputs.items() if key not in compiled.section_points}
        if compiled.section_points and rng.random() < 0.35:
            _section_points(rng, compiled, raw)
        for key, definition in compiled.inputs.items():
            if key.endswith("_comment") and key[:-len("_comment")] in raw:
                raw[key] = "synthetic"
        body_id = f"SYNTHETIC-{seed}-{tries}"
        try:
            result.append(validate(compiled, Submission(body_id, body_id, raw, profile=profile)))
        except InputError:
            continue
    return result
