"""Reading explanation JSON (schema ``bagalau.explanation/1``, see docs/explanations.md)."""

from __future__ import annotations

from typing import Iterator


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
