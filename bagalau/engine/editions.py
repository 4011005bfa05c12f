"""Editions and amendments: overlays, the edition in force, and diffs.

An amending act is its own definition file with ``base: <edition id>`` and
a list of ``changes`` (restate, add or delete nodes, inputs, parameters,
checklists …), each citing the amending act's paragraph. Resolving applies
the chain of overlays to the base, oldest first, and yields an ordinary
definition whose ``lineage`` lists the editions it was built from.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bagalau.engine.definition import Methodology, read_yaml

OVERLAY_KEYS = {"schema_version", "id", "family", "edition", "base", "act", "changes", "readings", "options",
                "note"}
SETTABLE_FIELDS = {"rounding", "total", "max_total", "min_total", "total_formula", "total_aggregate",
                   "total_aggregate_option", "grades", "min_total_option", "penalty_floor", "penalty_floor_reading", "grades_apply_to", "profiles", "schedule", "penalties",
                   "forms"}
_COLLECTIONS = {  # op suffix -> (top-level key, keyed by)
    "parameter": ("parameters", "mapping"), "checklist": ("checklists", "mapping"), "band": ("bands", "mapping"),
    "option": ("options", "mapping"), "penalty": ("penalties", "mapping"), "schedule": ("schedule", "mapping"),
    "table": ("tables", "mapping"), "input": ("inputs", "list"), "check": ("checks", "list"), "reading": ("readings", "list"),
}


class OverlayError(ValueError):
    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems


def is_overlay(data: dict) -> bool:
    return "changes" in data or bool(data.get("base"))


def resolve_data(data: dict, load_raw, seen: tuple[str, ...] = ()) -> dict:
    """The full definition (a plain mapping) of an edition, overlays applied.
    ``load_raw(id)`` returns the raw mapping of another edition."""
    if not is_overlay(data):
        return data
    edition_id = str(data.get("id"))
    base_id = data.get("base")
    if not base_id:
        raise OverlayError([("base", "an amending act needs 'base: <edition id>'")])
    if base_id in seen or base_id == edition_id:
        raise OverlayError([("base", "cycle of amendments: " + " -> ".join((*seen, edition_id, base_id)))])
    unknown = set(data) - OVERLAY_KEYS
    if unknown:
        raise OverlayError([(key, "not allowed in an amending act; use a change instead") for key in sorted(unknown)])
    try:
        base_raw = load_raw(base_id)
    except KeyError:
        raise OverlayError([("base", f"unknown base edition '{base_id}'")]) from None
    resolved = copy.deepcopy(resolve_data(base_raw, load_raw, (*seen, edition_id)))
    problems: list[tuple[str, str]] = []
    for index, change in enumerate(data.get("changes") or []):
        try:
            _apply(resolved, change)
        except OverlayError as exc:
            problems += [(f"changes[{index}]" + (f".{path}" if path else ""), message) for path, message in exc.problems]
    if problems:
        raise OverlayError(problems)
    resolved["lineage"] = [*resolved.get("lineage", []), resolved["id"]]
    for key in ("id", "family", "edition", "act"):
        if key in data:
            resolved[key] = data[key]
    resolved["base"] = base_id
    resolved["readings"] = _merge_list(resolved.get("readings", []), data.get("readings", []))
    resolved["options"] = {**resolved.get("options", {}), **(data.get("options") or {})}
    return resolved


def _merge_list(old: list, new: list) -> list:
    by_id = {item["id"]: item for item in old}
    for item in new:
        by_id[item["id"]] = item
    return list(by_id.values())


# --- applying one change ---------------------------------------------------------

def _apply(definition: dict, change: Any) -> None:
    if not isinstance(change, dict) or "op" not in change:
        raise OverlayError([("", "a change needs 'op'")])
    op = change["op"]
    paragraph = change.get("paragraph")
    if not paragraph:
        raise OverlayError([("paragraph", f"change '{op}' must cite the amending act's paragraph")])
    if op == "restate":
        node = _find_node(definition["nodes"], _required(change, "node"))
        updates = _required(change, "set")
        if not isinstance(updates, dict) or "id" in updates:
            raise OverlayError([("set", "give the fields to restate (not the id)")])
        node.update(copy.deepcopy(updates))
        node["amended_by"] = paragraph
    elif op == "add":
        node = copy.deepcopy(_required(change, "node"))
        node["amended_by"] = paragraph
        if _node_exists(definition["nodes"], node.get("id")):
            raise OverlayError([("node.id", f"node '{node.get('id')}' already exists; use restate")])
        siblings = definition["nodes"] if change.get("parent") in (None, "") else \
            _find_node(definition["nodes"], change["parent"]).setdefault("children", [])
        position = len(siblings)
        if change.get("after"):
            ids = [str(s.get("id")) for s in siblings]
            if str(change["after"]) not in ids:
                raise OverlayError([("after", f"'{change['after']}' is not a child of '{change.get('parent')}'")])
            position = ids.index(str(change["after"])) + 1
        siblings.insert(position, node)
    elif op == "delete":
        _delete_node(definition["nodes"], _required(change, "node"))
    elif op == "set":
        field = _required(change, "field")
        if field not in SETTABLE_FIELDS:
            raise OverlayError([("field", f"'{field}' cannot be set; settable: {', '.join(sorted(SETTABLE_FIELDS))}")])
        definition[field] = copy.deepcopy(_required(change, "value"))
    elif "_" in op and op.split("_", 1)[1] in _COLLECTIONS:
        verb, kind = op.split("_", 1)
        _collection_change(definition, verb, kind, change)
    else:
        raise OverlayError([("op", f"unknown operation '{op}'")])


def _collection_change(definition: dict, verb: str, kind: str, change: dict) -> None:
    key, layout = _COLLECTIONS[kind]
    item_id = str(_required(change, "id"))
    if layout == "mapping":
        collection = definition.setdefault(key, {})
        if verb in ("set", "add", "restate"):
            collection[item_id] = copy.deepcopy(_required(change, "value"))
        elif verb == "delete":
            if item_id not in collection:
                raise OverlayError([("id", f"no {kind} '{item_id}' to delete")])
            del collection[item_id]
        else:
            raise OverlayError([("op", f"unknown operation '{verb}_{kind}'")])
        return
    collection = definition.setdefault(key, [])
    index = next((i for i, item in enumerate(collection) if str(item.get("id")) == item_id), None)
    if verb == "add":
        if index is not None:
            raise OverlayError([("id", f"{kind} '{item_id}' already exists; use restate_{kind}")])
        collection.append({"id": item_id, **copy.deepcopy(_required(change, "value"))})
    elif verb in ("restate", "set"):
        if index is None:
            raise OverlayError([("id", f"no {kind} '{item_id}' to restate")])
        collection[index].update(copy.deepcopy(_required(change, "set")))
    elif verb == "delete":
        if index is None:
            raise OverlayError([("id", f"no {kind} '{item_id}' to delete")])
        collection.pop(index)
    else:
        raise OverlayError([("op", f"unknown operation '{verb}_{kind}'")])


def _required(change: dict, key: str):
    if key not in change:
        raise OverlayError([(key, f"change '{change.get('op')}' needs '{key}'")])
    return change[key]


def _iter_nodes(nodes: list[dict]):
    for node in nodes:
        yield node, nodes
        yield from _iter_nodes(node.get("children") or [])


def _node_exists(nodes: list[dict], node_id) -> bool:
    return any(str(node.get("id")) == str(node_id) for node, _ in _iter_nodes(nodes))


def _find_node(nodes: list[dict], node_id) -> dict:
    for node, _ in _iter_nodes(nodes):
        if str(node.get("id")) == str(node_id):
            return node
    raise OverlayError([("node", f"unknown node '{node_id}' in the base edition")])


def _delete_node(nodes: list[dict], node_id) -> None:
    for node, siblings in _iter_nodes(nodes):
        if str(node.get("id")) == str(node_id):
            siblings.remove(node)
            return
    raise OverlayError([("node", f"unknown node '{node_id}' in the base edition")])


# --- the edition in force ----------------------------------------------------------

@dataclass
class EditionInForce:
    id: str
    starts: date
    ends: date | None
    assumed_start: bool
    note: str


def edition_dates(m: Methodology) -> EditionInForce:
    act = m.act
    if act.in_force_from:
        starts, assumed, note = act.in_force_from, False, "in force from the act's date of entry into force"
    else:
        starts = act.registered or act.signed
        assumed = True
        stand_in = "registration" if act.registered else "signing"
        note = (f"the date of entry into force is not known; the {stand_in} date stands in for it"
                + (f" ({act.in_force_note})" if act.in_force_note else ""))
    ends = act.repealed.date if act.repealed else None
    return EditionInForce(m.id, starts, ends, assumed, note)


def in_force(methodologies: list[Methodology], on: date) -> tuple[Methodology, EditionInForce] | None:
    """The newest edition that had entered into force on ``on`` and was not repealed by then."""
    candidates = []
    for m in methodologies:
        dates = edition_dates(m)
        if dates.starts <= on and (dates.ends is None or on < dates.ends):
            candidates.append((dates.starts, m, dates))
    if not candidates:
        return None
    _, m, dates = max(candidates, key=lambda item: (item[0], len(item[1].lineage)))
    return m, dates


# --- diff -----------------------------------------------------------------------------

@dataclass
class Change:
    kind: str          # added, deleted, weight, formula, wording, paragraph, rule, moved
    area: str          # node, input, parameter, checklist, option
    id: str
    before: str = ""
    after: str = ""


def diff(old: Methodology, new: Methodology) -> list[Change]:
    changes: list[Change] = []
    old_nodes, new_nodes = _node_index(old), _node_index(new)
    for node_id in new_nodes.keys() - old_nodes.keys():
        changes.append(Change("added", "node", node_id, after=_label(new_nodes[node_id][0])))
    for node_id in old_nodes.keys() - new_nodes.keys():
        changes.append(Change("deleted", "node", node_id, before=_label(old_nodes[node_id][0])))
    for node_id in old_nodes.keys() & new_nodes.keys():
        (a, parent_a), (b, parent_b) = old_nodes[node_id], new_nodes[node_id]
        changes += _node_changes(node_id, a, b)
        if parent_a != parent_b:
            changes.append(Change("moved", "node", node_id, str(parent_a), str(parent_b)))
    changes += _keyed_changes("input", {i.id: i for i in old.inputs}, {i.id: i for i in new.inputs})
    changes += _keyed_changes("parameter", old.parameters, new.parameters)
    changes += _keyed_changes("checklist", old.checklists, new.checklists)
    changes += _keyed_changes("option", old.options, new.options)
    changes += _keyed_changes("penalty", old.penalties, new.penalties)
    return sorted(changes, key=lambda c: (c.area != "node", _sort_key(c.id), c.kind))


def _node_index(m: Methodology) -> dict[str, tuple[Any, str | None]]:
    index = {}

    def visit(nodes, parent):
        for node in nodes:
            index[node.id] = (node, parent)
            visit(node.children, node.id)

    visit(m.nodes, None)
    return index


def _node_changes(node_id: str, a, b) -> list[Change]:
    changes = []
    if _max_text(a.max) != _max_text(b.max):
        changes.append(Change("weight", "node", node_id, _max_text(a.max), _max_text(b.max)))
    if (a.formula or "") != (b.formula or "") or a.checklist != b.checklist:
        changes.append(Change("formula", "node", node_id, a.formula or _checklist_text(a), b.formula or _checklist_text(b)))
    for language in ("ru", "kk", "en"):
        before, after = getattr(a.name, language), getattr(b.name, language)
        if before != after:
            changes.append(Change("wording", "node", node_id, f"{language}: {before or '—'}", f"{language}: {after or '—'}"))
    if a.paragraph != b.paragraph:
        changes.append(Change("paragraph", "node", node_id, a.paragraph or "", b.paragraph or ""))
    for field in ("not_applicable", "zero_denominator", "deductions", "cohort_average", "provenance", "profiles",
                  "aggregate"):
        if getattr(a, field) != getattr(b, field):
            changes.append(Change("rule", "node", node_id, f"{field}: {_short(getattr(a, field))}",
                                  f"{field}: {_short(getattr(b, field))}"))
    return changes


def _keyed_changes(area: str, old: dict, new: dict) -> list[Change]:
    changes = [Change("added", area, key) for key in new.keys() - old.keys()]
    changes += [Change("deleted", area, key) for key in old.keys() - new.keys()]
    changes += [Change("changed", area, key, _short(old[key]), _short(new[key]))
                for key in old.keys() & new.keys() if old[key] != new[key]]
    return changes


def _max_text(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {format(Decimal(v).normalize(), 'f')}" for k, v in value.items())
    return format(Decimal(value).normalize(), "f")


def _checklist_text(node) -> str:
    return f"checklist {node.checklist.checklist}" if node.checklist else ""


def _label(node) -> str:
    return f"{node.name.get('ru')} ({_max_text(node.max)}; {node.paragraph or ''})"


def _short(value) -> str:
    if hasattr(value, "model_dump"):
        value = value.model_dump(exclude_none=True, mode="json")
    text = str(value)
    return text if len(text) <= 160 else text[:157] + "…"


def _sort_key(identifier: str):
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in identifier.replace("-", ".").split(".")]


def load_raw_file(path: Path) -> dict:
    return read_yaml(path)
