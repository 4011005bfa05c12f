"""Explanation JSON (schema ``bagalau.explanation/1``, see docs/explanations.md):
writing one for a scored body, and reading one back."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Callable, Iterator

from bagalau.engine.exact import decimal_text, exact, is_terminating, round_to

EXPLANATION_SCHEMA = "bagalau.explanation/1"


class ExplanationWriter:
    """Builds a body's explanation from the scorer's outcomes; the parts that
    are the same for every body are computed once per node."""

    def __init__(self, compiled, options: dict[str, str], round_value: Callable, aggregate_mode: Callable):
        self.compiled = compiled
        self.methodology = compiled.methodology
        self.options = options
        self.round = round_value
        self.aggregate_mode = aggregate_mode
        self._rounding_dump = self.methodology.rounding.model_dump()
        self._static_entries: dict[str, dict] = {}
        self._sources: dict[str, str] = {}

    def static_entry(self, node) -> dict:
        """The parts of a node's explanation that are the same for every body."""
        cached = self._static_entries.get(node.id)
        if cached is None:
            cached = {
                "id": node.id,
                "name": node.name.model_dump(exclude_none=True),
                "kind": node.kind,
                "max": number_text(node.max),
                "paragraph": node.paragraph,
                "provenance": node.provenance,
                "readings": node.readings,
                "_formula": node.formula or (f"checklist {node.checklist.checklist}" if node.checklist else
                                             f"{self.aggregate_mode(node.aggregate, node.aggregate_option)} of "
                                             f"{', '.join(c.id for c in node.children)}"
                                             if node.children else None),
                "_provisional": ({"code": "provisional",
                                  "text": f"provisional: {node.note or 'the formula was reconstructed'}"}
                                 if node.provenance == "reconstructed" else None),
            }
            self._static_entries[node.id] = cached
        return cached

    def explanation(self, body_id, name, total, outcomes, weights, period) -> dict:
        methodology = self.methodology
        inputs = self.compiled.inputs

        def render(node) -> dict:
            static = self.static_entry(node)
            outcome = outcomes[node.id]
            notes = outcome.notes if static["_provisional"] is None else [static["_provisional"], *outcome.notes]
            score = outcome.score
            entry = {
                "id": static["id"],
                "name": static["name"],
                "kind": static["kind"],
                "score": format(self.round(score), "f"),
                "exact": number_text(score),
                "max": static["max"],
                "weight": number_text(weights[node.id]),
                "status": outcome.status,
                "formula": static["_formula"],
                "inputs": {key: {"value": self.input_value(key, value), "source": self.source_text(key)}
                           for key, value in outcome.used.items() if key in inputs},
                "parameters": {key: value if key == "period" else value_text(value)
                               for key, value in outcome.used.items() if key not in inputs},
                "notes": notes,
                "paragraph": static["paragraph"],
                "provenance": static["provenance"],
                "readings": static["readings"],
            }
            if type(score) is Fraction and not is_terminating(score):
                entry["exact_fraction"] = str(score)
            if outcome.detail is not None:
                entry["checklist"] = outcome.detail
            if node.children:
                entry["children"] = [render(child) for child in node.children]
            return entry

        document = {
            "schema": EXPLANATION_SCHEMA,
            "methodology": methodology.id,
            "content_hash": self.compiled.content_hash,
            "body": {"id": body_id, "name": name, "profile": self.compiled.profile},
            "period": period,
            "options": self.options,
            "rounding": self._rounding_dump,
            "total": format(self.round(total), "f"),
            "total_exact": number_text(total),
            "nodes": [render(node) for node in methodology.nodes],
        }
        if type(total) is Fraction and not is_terminating(total):
            document["total_exact_fraction"] = str(total)
        return document

    def input_value(self, input_id: str, value):
        if self.compiled.inputs[input_id].type == "boolean" and value is not None:
            return bool(value)
        return value_text(value)

    def source_text(self, input_id: str) -> str:
        where = self._sources.get(input_id)
        if where is None:
            source = self.compiled.inputs[input_id].source
            where = source.form + (f", row {source.row}" if source.row else "") + \
                (f", column {source.column}" if source.column else "")
            self._sources[input_id] = where
        return where


# --- numbers as explanations show them --------------------------------------------

def short_text(value) -> str:
    """A long exact value rounded half up to 6 places for reading in a note."""
    return number_text(round_to(exact(value), 6))


def number_text(value) -> str:
    """An exact value (or a definition's Decimal) as plain decimal text: "4.8",
    "8", "0.925"; one whose expansion does not end, to 28 significant digits."""
    if type(value) is int:
        return str(value)
    return decimal_text(exact(value))


def value_text(value):
    if isinstance(value, (int, Fraction, Decimal)) and not isinstance(value, bool):
        return number_text(value)
    if isinstance(value, list):
        return [value_text(v) for v in value]
    return value


# --- reading -----------------------------------------------------------------------

def walk(explanation: dict) -> Iterator[dict]:
    """Every node entry of an explanation, parents before their children."""
    stack = list(reversed(explanation["nodes"]))
    while stack:
        entry = stack.pop()
        yield entry
        stack.extend(reversed(entry.get("children", [])))


def find_node(explanation: dict, node_id: str) -> dict:
    """The entry of one node, by the act's id; KeyError if it is not there."""
    for entry in walk(explanation):
        if entry["id"] == node_id:
            return entry
    raise KeyError(node_id)
