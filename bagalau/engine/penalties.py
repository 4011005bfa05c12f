"""Penalties the act sets for how a body reported: summing, capping, explaining.

A penalty is recorded against a body (by a campaign's verification, or in a
score file) as an ``AppliedPenalty``. The scorer sums them per rule (and per
direction, for rules capped per direction), caps each rule by its own cap,
then caps rules sharing a cap group together.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bagalau.engine.definition import Methodology
from bagalau.engine.exact import Exact, exact
from bagalau.engine.explanations import number_text as _text


@dataclass
class AppliedPenalty:
    """A penalty recorded against a body (by a campaign's verification)."""

    rule: str
    count: int | Decimal = 1
    node: str | None = None            # the top-level direction, for scope "direction"
    reference: str = ""                # the fact, document or deadline it rests on
    amount: Decimal | None = None      # points per occurrence, for rules whose amount is entered


class PenaltyError(ValueError):
    """A penalty that cannot be applied; ``node`` is the direction it names, or "-"."""

    def __init__(self, node: str, reason: str):
        super().__init__(reason)
        self.node, self.reason = node, reason


def check_penalty(methodology: Methodology, top_level: list[str], penalty: AppliedPenalty):
    """The penalty's rule, or PenaltyError saying what is wrong with it."""
    rule = methodology.penalties.get(penalty.rule)
    if rule is None:
        raise PenaltyError(penalty.node or "-", f"unknown penalty '{penalty.rule}'; "
                           f"this edition has: {', '.join(methodology.penalties) or 'none'}")
    if rule.scope == "direction" and penalty.node not in top_level:
        raise PenaltyError(penalty.node or "-", f"penalty '{penalty.rule}' is capped per direction "
                           f"and needs one of {', '.join(top_level)}")
    if rule.amount_entered and penalty.amount is None:
        raise PenaltyError(penalty.node or "-", f"penalty '{penalty.rule}' needs the entered amount")
    if not rule.amount_entered and penalty.amount is not None:
        raise PenaltyError(penalty.node or "-", f"penalty '{penalty.rule}' has fixed points "
                           f"({rule.points}); an amount cannot be entered")
    if exact(penalty.count) < 0 or (penalty.amount is not None and penalty.amount < 0):
        raise PenaltyError(penalty.node or "-", "a penalty count or amount cannot be negative")
    return rule


def sum_penalties(methodology: Methodology, top_level: list[str], applied: list[AppliedPenalty]):
    """Sum the penalties: per rule (and direction, for rules capped per
    direction), each rule capped by its own cap, then rules sharing a cap
    group capped together. Returns the amount per direction node with its
    notes, the amount off the total, and the explanation lines."""
    groups: dict[tuple[str, str | None], list[AppliedPenalty]] = {}
    for penalty in applied:
        rule = check_penalty(methodology, top_level, penalty)
        groups.setdefault((penalty.rule, penalty.node if rule.scope == "direction" else None), []).append(penalty)
    amounts: dict[tuple[str | None, str | None], Exact] = {}   # (cap group or rule, node) -> amount
    notes: dict[str | None, list[dict]] = {}
    lines: list[dict] = []
    for (rule_id, node_id), items in groups.items():
        rule = methodology.penalties[rule_id]
        count = sum(exact(item.count) for item in items)
        if rule.replaces_value:
            amount, capped, text = 0, False, (
                f"{rule.name.get('en')}: {_text(count)} fact(s); the verified values replaced the reported "
                f"ones ({rule.paragraph})")
        else:
            raw = sum(exact(item.amount if rule.amount_entered else rule.points) * exact(item.count)
                      for item in items)
            capped = rule.cap is not None and raw > rule.cap
            amount = exact(rule.cap) if capped else raw
            each = "entered amounts" if rule.amount_entered else f"{_text(count)} × {_text(rule.points)}"
            text = (f"penalty {rule.name.get('en')}: {each} = {_text(raw)}"
                    + (f", capped at {_text(rule.cap)}" if capped else "") + f" ({rule.paragraph})")
        key = (f"group:{rule.cap_group}" if rule.cap_group else f"rule:{rule_id}", node_id)
        amounts[key] = amounts.get(key, 0) + amount
        notes.setdefault(node_id, []).append({"code": "penalty", "text": text})
        lines.append({"rule": rule_id, "name": rule.name.model_dump(exclude_none=True), "node": node_id,
                      "count": _text(count), "points_each": _text(rule.points) if rule.points is not None else None,
                      "cap": _text(rule.cap) if rule.cap is not None else None, "capped": capped,
                      "cap_group": rule.cap_group, "amount": _text(amount), "paragraph": rule.paragraph,
                      "text": text, "references": [item.reference for item in items if item.reference]})
    per_direction: dict[str, tuple[Exact, list[dict]]] = {}
    off_total = 0
    for (key, node_id), amount in amounts.items():
        if key.startswith("group:"):
            group = key[len("group:"):]
            cap = exact(methodology.penalty_caps[group])
            if amount > cap:
                notes.setdefault(node_id, []).append({
                    "code": "penalty_cap", "text": f"penalties of group '{group}' add up to {_text(amount)}, "
                                                  f"capped at {_text(cap)}"})
                lines.append({"rule": f"cap group {group}", "node": node_id, "capped": True,
                              "amount": _text(cap - amount), "text": f"capped at {_text(cap)}"})
                amount = cap
        if node_id is None:
            off_total += amount
        else:
            previous, _ = per_direction.get(node_id, (0, []))
            per_direction[node_id] = (previous + amount, notes.get(node_id, []))
    return per_direction, off_total, lines
