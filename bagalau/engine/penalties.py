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
from bagalau.engine.explanations import code, name, note, ref, sub
from bagalau.engine.explanations import number_text as _text
from bagalau.i18n import N_


@dataclass
class AppliedPenalty:
    """A penalty recorded against a body (by a campaign's verification)."""

    rule: str
    count: int | Decimal = 1
    node: str | None = None            # the top-level direction, for scope "direction"
    reference: str = ""                # the fact, document or deadline it rests on
    amount: Decimal | None = None      # points per occurrence, for rules whose amount is entered


PENALTY_KEYS = {"rule", "count", "points", "direction", "reference"}

# The XLSX template's penalties sheet: one row per rule (and per direction where the act
# caps the rule per direction), a table under the workbook-level name PENALTY_TABLE whose
# first row holds these headers. ``workbooks.read_xlsx`` finds the columns by header.
PENALTY_SHEET = "Штрафы"
PENALTY_TABLE = "penalties_table"
PENALTY_COLUMNS = (("kind", "Вид факта / Kind of fact"), ("paragraph", "Пункт / Paragraph"),
                   ("direction", "Направление / Direction"), ("count", "Количество фактов / Count"),
                   ("points", "Баллы / Points"), ("reference", "Основание / Reference"),
                   ("how", "Как учитывается / How it counts"), ("rule", "Правило / Rule"))
PENALTY_READ = ("rule", "direction", "count", "points", "reference")


def read_penalties(methodology: Methodology, top_level: list[str], entries) -> tuple[list[AppliedPenalty], list[tuple[str, str]]]:
    """Penalties written in a score file, as counts (or points) per rule and,
    where the act caps them per direction, per direction: the applied
    penalties, and (key path, reason) for every entry that cannot be read.

    ``{"rule": "unreliable_fact", "direction": "QS", "count": 3}`` is three
    facts; ``{"rule": "reporting", "direction": "2", "points": 1.5}`` is 1.5
    points, i.e. as many occurrences as the rule's points per occurrence make
    (150 hundredths). A rule whose amount is entered takes ``points`` per
    occurrence and an optional ``count``."""
    applied: list[AppliedPenalty] = []
    problems: list[tuple[str, str]] = []
    if not isinstance(entries, list):
        return [], [("penalties", "must be a list of {rule, count or points, direction}")]
    for index, entry in enumerate(entries):
        where = f"penalties[{index}]"
        if not isinstance(entry, dict):
            problems.append((where, "must be an object {rule, count or points, direction}"))
            continue
        unknown = sorted(map(str, set(entry) - PENALTY_KEYS))     # YAML keys may be numbers, null…
        if unknown:
            problems.append((f"{where}.{unknown[0]}", f"unknown key; a penalty takes {', '.join(sorted(PENALTY_KEYS))}"))
            continue
        rule_id = entry.get("rule") if isinstance(entry.get("rule"), str) else _said(entry.get("rule"))
        rule = methodology.penalties.get(rule_id)
        if rule is None:
            problems.append((f"{where}.rule", f"unknown penalty '{rule_id}'; this edition has: "
                                              f"{', '.join(methodology.penalties) or 'none'}"))
            continue
        direction = entry.get("direction")
        direction = None if direction is None else str(direction)
        if rule.scope == "direction" and direction not in top_level:
            problems.append((f"{where}.direction", f"'{rule_id}' is capped per direction ({rule.paragraph}); give "
                                                   f"the direction, one of {', '.join(top_level)}"))
            continue
        if rule.scope == "total" and direction is not None:
            problems.append((f"{where}.direction", f"'{rule_id}' is taken off the total ({rule.paragraph}), "
                                                   "not off a direction; leave out 'direction'"))
            continue
        try:
            count, amount = _count_and_amount(rule, entry)
        except ValueError as exc:
            problems.append((f"{where}.{exc.key}" if isinstance(exc, _ValueProblem) else where, str(exc)))
            continue
        reference = str(entry.get("reference") or "score file")
        applied.append(AppliedPenalty(rule=rule_id, count=count, node=direction, reference=reference, amount=amount))
    return applied, problems


def _count_and_amount(rule, entry: dict):
    from bagalau.engine.exact import decimal_text
    count, points = entry.get("count"), entry.get("points")
    if rule.amount_entered:
        if points is None:
            raise ValueError("the act leaves the points of this penalty to the evaluator: give 'points' per occurrence")
        amount = _number(points, "points")
        return (_whole(count, "count") if count is not None else 1), amount
    if (count is None) == (points is None):
        raise ValueError("give either 'count' (occurrences) or 'points' (the points taken off)")
    if count is not None:
        return _whole(count, "count"), None
    if rule.points is None:
        raise ValueError(f"'{rule.name.get('en')}' takes no points ({rule.paragraph}): the verified values go into "
                         "the inputs; give 'count' to record the facts")
    value = exact(_number(points, "points"))
    occurrences = value / exact(rule.points)
    if occurrences != int(occurrences):
        raise ValueError(f"{decimal_text(value)} points is not a whole number of occurrences of "
                         f"{decimal_text(exact(rule.points))} points ({rule.paragraph})")
    return int(occurrences), None


def _said(value) -> str:
    """A value as a person reads it (never a Python repr such as Decimal('2.5'))."""
    from bagalau.engine.inputs import shown    # inputs imports this module
    return shown(value)


class _ValueProblem(ValueError):
    """A value of one key of a penalty entry that cannot be read (``key``: count or points)."""

    def __init__(self, key: str, reason: str):
        super().__init__(reason)
        self.key = key


def _number(value, what: str) -> Decimal:
    if isinstance(value, bool):
        raise _ValueProblem(what, f"'{what}' must be a number, got {_said(value)}")
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except Exception:  # noqa: BLE001 - any unreadable value is the same problem
        raise _ValueProblem(what, f"'{what}' must be a number, got {_said(value)}") from None
    if not number.is_finite() or number < 0:
        raise _ValueProblem(what, f"'{what}' must be a number of 0 or more, got {_said(value)}")
    return number


def _whole(value, what: str) -> int:
    number = _number(value, what)
    if number != number.to_integral_value():
        raise _ValueProblem(what, f"'{what}' must be a whole number, got {_said(value)}")
    return int(number)


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
            amount, capped = 0, False
            said = note("penalty", N_("{rule}: {count} fact(s); the verified values replaced the reported ones "
                                      "({paragraph})"),
                        rule=name(rule.name.model_dump(exclude_none=True)), count=_text(count),
                        paragraph=ref(rule.paragraph))
        else:
            raw = sum(exact(item.amount if rule.amount_entered else rule.points) * exact(item.count)
                      for item in items)
            capped = rule.cap is not None and raw > rule.cap
            amount = exact(rule.cap) if capped else raw
            each = sub(N_("entered amounts")) if rule.amount_entered else f"{_text(count)} × {_text(rule.points)}"
            said = note("penalty", N_("penalty {rule}: {each} = {raw}{capped} ({paragraph})"),
                        rule=name(rule.name.model_dump(exclude_none=True)), each=each, raw=_text(raw),
                        capped=sub(N_(", capped at {cap}"), cap=_text(rule.cap)) if capped else "",
                        paragraph=ref(rule.paragraph))
        key = (f"group:{rule.cap_group}" if rule.cap_group else f"rule:{rule_id}", node_id)
        amounts[key] = amounts.get(key, 0) + amount
        notes.setdefault(node_id, []).append(said)
        lines.append({"rule": rule_id, "name": rule.name.model_dump(exclude_none=True), "node": node_id,
                      "count": _text(count), "points_each": _text(rule.points) if rule.points is not None else None,
                      "cap": _text(rule.cap) if rule.cap is not None else None, "capped": capped,
                      "cap_group": rule.cap_group, "amount": _text(amount), "paragraph": rule.paragraph,
                      "text": said["text"], "message": said["message"], "args": said["args"],
                      "references": [item.reference for item in items if item.reference]})
    per_direction: dict[str, tuple[Exact, list[dict]]] = {}
    off_total = 0
    for (key, node_id), amount in amounts.items():
        if key.startswith("group:"):
            group = key[len("group:"):]
            cap = exact(methodology.penalty_caps[group])
            if amount > cap:
                notes.setdefault(node_id, []).append(note(
                    "penalty_cap", N_("penalties of group '{group}' add up to {amount}, capped at {cap}"),
                    group=code(group), amount=_text(amount), cap=_text(cap)))
                capped_line = note("penalty_cap", N_("capped at {cap}"), cap=_text(cap))
                lines.append({"rule": f"cap group {group}", "node": node_id, "capped": True,
                              "amount": _text(cap - amount), "text": capped_line["text"],
                              "message": capped_line["message"], "args": capped_line["args"]})
                amount = cap
        if node_id is None:
            off_total += amount
        else:
            previous, _ = per_direction.get(node_id, (0, []))
            per_direction[node_id] = (previous + amount, notes.get(node_id, []))
    return per_direction, off_total, lines
