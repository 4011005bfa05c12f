"""Report drafts: a body fills its forms over days, saves without submitting,
and submits when ready.

A draft holds the values as typed (text from a form, or the cells of an
uploaded workbook), one per body per campaign. It is never scored and never
replaces a submission: ``submit_draft`` validates it through
``submissions.submit`` (a new version, or nothing and every problem named),
then removes it. Saving is refused when another tab or person saved the same
draft in between (``expected_revision``), and the draft remembers the
version it corrects, so a submission made meanwhile is a conflict, not an
overwrite. Every save, discard and submission is in the audit chain.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bagalau.engine.compiled import CompiledMethodology
from bagalau.engine.exact import decimal_text
from bagalau.engine.inputs import InputError, Problem, Submission, coerce
from bagalau.store.drafts import ReportDraft
from bagalau.store.models import Campaign, SubmissionVersion

from . import policy
from .schedule import _methodology
from .state import CampaignError, ConflictError, _flush, _moment, _record, _require_state, jsonable
from .submissions import _as_submission, _campaign_body, _scorer, latest_submission, submit

EDITABLE_STATES = ("submissions", "verification")


def form_inputs(campaign: Campaign, profile: str | None) -> CompiledMethodology:
    """The compiled edition (for the body's profile) whose inputs make the campaign's forms."""
    methodology = _methodology(campaign.methodology_id)
    return _scorer(campaign).scorer(profile if methodology.profiles else None).compiled


def body_forms(session: Session, campaign: Campaign, body: str) -> CompiledMethodology:
    return form_inputs(campaign, _campaign_body(session, campaign, body).profile)


def get_draft(session: Session, campaign: Campaign, body: str, actor) -> ReportDraft | None:
    """The body's draft, for whoever may write its report."""
    policy.check(session, actor, "submission.write", campaign=campaign, body=body)
    return session.get(ReportDraft, (campaign.id, body))


def _editable(session: Session, campaign: Campaign, body: str, actor, doing: str) -> None:
    policy.check(session, actor, "submission.write", campaign=campaign, body=body)
    _require_state(campaign, EDITABLE_STATES, doing, "after the draft conclusions a body's data changes only "
                   "through an objection and the commission's decision" if campaign.state != "created" else
                   "the collection of reports has not been opened yet")
    _campaign_body(session, campaign, body)


def _check_revision(draft: ReportDraft | None, expected_revision: int | None, body: str) -> None:
    if expected_revision is None:
        return
    current = draft.revision if draft is not None else 0
    if current != expected_revision:
        raise ConflictError(f"body '{body}': the draft was saved elsewhere (revision {current}) since this page "
                            f"was opened (revision {expected_revision}); nothing was written — reload it")


def clean(values: dict[str, Any]) -> dict[str, Any]:
    """The values worth keeping: empty fields are left out; a table's rows (a list of
    row objects) keep their filled cells, and a row with none is left out."""
    kept = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if _is_rows(value):
            value = [row for row in (clean(row) for row in value) if row]
        if value is None or value == "" or value == []:
            continue
        kept[str(key)] = value
    return jsonable(kept)


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(row, dict) for row in value)


def save_draft(session: Session, campaign: Campaign, body: str, values: dict[str, Any], actor: str, *,
               expected_revision: int | None = None, origin: str = "form",
               at: datetime | None = None) -> ReportDraft:
    """Keep the values as the body's draft (replacing its previous draft)."""
    _editable(session, campaign, body, actor, "save a draft report")
    compiled = body_forms(session, campaign, body)
    values = clean(values)
    unknown = sorted(set(values) - set(compiled.inputs) - set(getattr(compiled, "tables", {})))
    if unknown:
        raise CampaignError(f"body '{body}': {', '.join(unknown)} "
                            f"{'is not a field' if len(unknown) == 1 else 'are not fields'} of "
                            f"{campaign.methodology_id}'s forms; nothing was saved")
    draft = session.get(ReportDraft, (campaign.id, body))
    _check_revision(draft, expected_revision, body)
    moment = _moment(at)
    if draft is None:
        latest = latest_submission(session, campaign, body)
        draft = ReportDraft(campaign_id=campaign.id, body_code=body, values=values, origin=origin,
                            based_on_version=latest.version if latest else 0, saved_by=actor, saved_at=moment)
        session.add(draft)
        changed = sorted(values)
    else:
        changed = sorted(key for key in set(draft.values) | set(values) if draft.values.get(key) != values.get(key))
        if not changed and draft.origin == origin:
            return draft
        draft.values, draft.origin, draft.saved_by, draft.saved_at = values, origin, actor, moment
    _flush(session, f"draft of '{body}'")
    _record(session, campaign, actor, "draft.save", f"draft:{campaign.id}:{body}", {
        "body": body, "revision": draft.revision, "based_on_version": draft.based_on_version, "origin": origin,
        "fields": len(values), "changed": changed}, at)
    return draft


def discard_draft(session: Session, campaign: Campaign, body: str, actor: str, *,
                  expected_revision: int | None = None, at: datetime | None = None) -> None:
    _editable(session, campaign, body, actor, "discard a draft report")
    draft = session.get(ReportDraft, (campaign.id, body))
    _check_revision(draft, expected_revision, body)
    if draft is None:
        return
    _remove(session, campaign, draft, actor, "draft.discard", {}, at)


def _remove(session: Session, campaign: Campaign, draft: ReportDraft, actor: str, action: str, payload: dict,
            at: datetime | None) -> None:
    body, revision = draft.body_code, draft.revision
    session.delete(draft)
    _flush(session, f"draft of '{body}'")
    _record(session, campaign, actor, action, f"draft:{campaign.id}:{body}",
            {"body": body, "revision": revision, **payload}, at)


def typed_values(compiled: CompiledMethodology, values: dict[str, Any]) -> dict[str, Any]:
    """Values as typed in a form, as a report file holds them (true/false, whole
    numbers, exact decimal text, lists), so that versions compare field by field
    whatever they were entered with. A value that does not read is left as typed,
    for the validation to name."""
    typed = {}
    tables = getattr(compiled, "tables", {})
    for key, raw in values.items():
        definition = compiled.inputs.get(key)
        if key in tables and isinstance(raw, list):
            typed[key] = [typed_row(tables[key], row) if isinstance(row, dict) else row for row in raw]
            continue
        if definition is None:
            typed[key] = raw
            continue
        try:
            value = coerce(definition, raw)
        except (ValueError, TypeError):
            typed[key] = raw
            continue
        typed[key] = _as_json(definition.type, value)
    return typed


def typed_row(table, row: dict[str, Any]) -> dict[str, Any]:
    """One row of a table as typed, as a report file holds it (see ``typed_values``); a
    cell that does not read is left as typed, for the validation to name it at its row."""
    from bagalau.engine.tables import _read_choice
    typed = {}
    for column_id, raw in row.items():
        column = table.columns.get(column_id)
        try:
            if column is None:
                typed[column_id] = raw
            elif column.type == "choice":
                typed[column_id] = _read_choice(column, raw)
            else:
                typed[column_id] = _as_json(column.type, coerce(table.cells[column_id], raw))
        except (ValueError, TypeError):
            typed[column_id] = raw
    return typed


def _as_json(kind: str, value: Any) -> Any:
    if kind == "boolean":
        return bool(value)
    if kind == "integer":
        return int(value)
    if kind == "positions":
        return [None if item is None else int(item) for item in value]
    if kind == "decimals":
        return [decimal_text(item) for item in value]
    if kind == "text":
        return value
    return decimal_text(value)          # as a report file's exact decimals are kept: text


def check_values(session: Session, campaign: Campaign, body: str, values: dict[str, Any]) -> list[Problem]:
    """What submitting these values would find: the errors that refuse it and the
    warnings that do not (``typed_values`` first, for values as typed)."""
    member = _campaign_body(session, campaign, body)
    try:
        validated = _scorer(campaign).validate(_as_submission(session, campaign, member, values))
    except InputError as exc:
        return list(exc.problems)
    return list(validated.warnings)


def submit_draft(session: Session, campaign: Campaign, body: str, actor: str, *,
                 expected_revision: int | None = None, reason: str | None = None,
                 at: datetime | None = None) -> SubmissionVersion:
    """Validate the draft and store it as the body's next version; the draft is
    then gone. Invalid input raises ``InputError`` and the draft stays as it was."""
    _editable(session, campaign, body, actor, "submit a report")
    draft = session.get(ReportDraft, (campaign.id, body))
    _check_revision(draft, expected_revision, body)
    if draft is None:
        raise CampaignError(f"body '{body}' has no draft to submit; fill the form and save it first")
    compiled = body_forms(session, campaign, body)
    report = Submission(body, None, typed_values(compiled, draft.values), period=campaign.period,
                        origin=draft.origin or "form")
    version = submit(session, campaign, body, report, actor, expected_version=draft.based_on_version,
                     reason=reason, at=at)
    _remove(session, campaign, draft, actor, "draft.submit", {"version": version.version}, at)
    return version
