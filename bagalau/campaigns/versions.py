"""A body's report history: its versions, and what changed between two of them,
field by field in the order of the act's forms (App 1 rows, App 2 columns...).

Values are compared as the scorer reads them, so ``4`` and ``"4"``, or
``"1.50"`` and ``"1.5"``, are the same value and no change; a value that does
not read at all is compared as written. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.engine.compiled import CompiledMethodology
from bagalau.engine.definition import Input, Text
from bagalau.engine.inputs import coerce
from bagalau.store.models import Campaign, SubmissionVersion

from . import policy
from .drafts import body_forms
from .state import NotFound


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs between two versions."""

    input_id: str
    kind: str                       # added | removed | changed
    before: Any
    after: Any
    name: Text | None = None        # None: a field the edition's forms do not have
    form: str | None = None
    row: str | None = None
    column: str | None = None


def history(session: Session, campaign: Campaign, body: str, actor) -> list[SubmissionVersion]:
    """Every version of the body's report, the first first."""
    policy.check(session, actor, "submission.read", campaign=campaign, body=body)
    return list(session.execute(select(SubmissionVersion).where(
        SubmissionVersion.campaign_id == campaign.id, SubmissionVersion.body_code == body)
        .order_by(SubmissionVersion.version)).scalars())


def _same(definition: Input | None, before: Any, after: Any) -> bool:
    if before == after:
        return True
    if definition is None or before is None or after is None:
        return False
    try:
        return coerce(definition, before) == coerce(definition, after)
    except (ValueError, TypeError):
        return False


def diff(compiled: CompiledMethodology, before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """The fields that differ, in the forms' order; fields the forms do not know come last, by id."""
    known = [key for key in compiled.inputs if key in before or key in after]
    unknown = sorted((set(before) | set(after)) - set(compiled.inputs))
    changes = []
    for key in [*known, *unknown]:
        definition = compiled.inputs.get(key)
        old, new = before.get(key), after.get(key)
        if _same(definition, old, new):
            continue
        kind = "added" if old is None else "removed" if new is None else "changed"
        source = definition.source if definition is not None else None
        changes.append(FieldChange(key, kind, old, new, definition.name if definition else None,
                                   source.form if source else None, source.row if source else None,
                                   source.column if source else None))
    return changes


def version_diff(session: Session, campaign: Campaign, body: str, old: int, new: int, actor) -> list[FieldChange]:
    """What changed from version ``old`` to version ``new`` of the body's report
    (``old`` = 0: everything in ``new`` is added)."""
    versions = {v.version: v for v in history(session, campaign, body, actor)}
    for number in (old, new):
        if number != 0 and number not in versions:
            raise NotFound(f"body '{body}' has no version {number} in campaign '{campaign.name}' "
                           f"(it has {', '.join(map(str, versions)) or 'none'})")
    before = versions[old].values if old else {}
    return diff(body_forms(session, campaign, body), before, versions[new].values)
