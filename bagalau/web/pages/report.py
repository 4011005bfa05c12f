"""A body's report form, generated from the methodology's inputs.

Grouped and ordered like the act's forms: one section per form (App 1 by its
rows, App 2 by its numbered columns, the working group's findings, App 6 per
language version), each field with its row and column, its paragraph and the
engine's validation next to it. "Save the draft" keeps the values without
submitting them (``campaigns.drafts``); "Check" saves and shows what
submitting would find; "Submit" saves, then submits the draft as the next
version (refused: the draft stays, with every problem at its field). The same
form downloads as the act's XLSX (named cells, ``engine.forms``) and uploads
back into the draft. The versions page lists every version with what changed
and the diff between any two.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.api.auth import Authentication
from bagalau.api.problems import ProblemError
from bagalau.api.routers.common import XLSX, attachment
from bagalau.api.routers.submissions import read_report
from bagalau.api.state import store_session
from bagalau.campaigns import drafts, policy
from bagalau.engine import forms
from bagalau.engine.inputs import InputError
from bagalau.i18n import N_
from bagalau.store.models import SubmissionVersion

from .. import report_tables
from ..campaign import body_name, field_message, load, may, now, refusal
from ..rendering import Filters, render, request_lang, tr, translator
from ..routing import page_router
from ..session import signed_in_viewer

router = page_router()
FIELD_PREFIX = "f_"


def shown(value: Any) -> str:
    """A stored value as the form's field shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join("" if item is None else str(item) for item in value)
    return str(value)


def _from_form(compiled, form) -> dict[str, Any]:
    values = {}
    for key, item in compiled.inputs.items():
        raw = form.get(FIELD_PREFIX + key)
        if raw is None:
            continue
        raw = str(raw).strip()
        if item.type == "boolean":
            raw = {"yes": True, "no": False}.get(raw, raw)
        if raw != "":
            values[key] = raw
    values.update(report_tables.rows_from_form(compiled, form))
    return values


VERSIONS = {"kk": N_("the Kazakh-language version of the site"), "ru": N_("the Russian-language version of the site")}
CHECKED_FORM = re.compile(r"^WG APP(\d+)")


def _sections(campaign, compiled) -> list[dict]:
    """One section per sheet of the act's forms; a sheet of the working group's check of
    an appendix (WG APP6 ...) is named after that appendix and the language version."""
    titles = compiled.methodology.forms
    found = []
    for sheet, items in forms.sheets(compiled).items():
        form_code = items[0].source.form
        checked = CHECKED_FORM.match(form_code)
        version = sheet.rsplit(" ", 1)[-1] if sheet.endswith((" kk", " ru")) else None
        found.append({"id": "form-" + "".join(ch if ch.isalnum() else "-" for ch in sheet.lower()),
                      "sheet": sheet, "form": form_code, "title": titles.get(form_code),
                      "checks": f"App {checked.group(1)}" if checked else None,
                      "version": VERSIONS.get(version) if version else None,
                      "columns": all(i.source.row is None and i.source.column for i in items), "items": items})
    return found


def _problems(request: Request, session: Session, campaign, body: str, compiled, values: dict) -> dict:
    """field -> its messages; '' for the ones that name no field of the form. A table's problem
    is at its cell (``app1_is.2.late``), its row (``app1_is.2``) or the table (``app1_is``)."""
    found: dict[str, list] = {}
    for problem in drafts.check_values(session, campaign, body, drafts.typed_values(compiled, values)):
        cell = report_tables.problem_key(problem.field or "")
        fields = [cell] if cell else \
            [f.strip() for f in (problem.field or "").split(",") if f.strip() in compiled.inputs] or [""]
        message = {"text": field_message(request, problem.reason, compiled), "severity": problem.severity}
        for name in fields:
            found.setdefault(name, []).append(message)
    return found


def _targets(request: Request, compiled, problems: dict) -> dict[str, dict]:
    """Where each problem's link goes and what it says: an input's field, or a table's cell."""
    names = Filters(request_lang(request), translator(request)).text
    targets = {}
    for key in problems:
        if key in compiled.inputs or not key:
            targets[key] = {"anchor": FIELD_PREFIX + key, "label": key}
        else:
            targets[key] = {"anchor": report_tables.anchor(key),
                            "label": report_tables.problem_label(compiled, key, names)}
    return targets


def _page(request: Request, session: Session, auth: Authentication, campaign_id: int, body: str, *,
          values: dict | None = None, problems: dict | None = None, notice=None, error=None, status: int = 200,
          focus: str | None = None, row_notice: dict | None = None):
    campaign = load(session, campaign_id)
    policy.check(session, auth.actor, "submission.read", campaign=campaign, body=body)
    campaigns.submissions._campaign_body(session, campaign, body)
    compiled = drafts.body_forms(session, campaign, body)
    writable = may(session, auth.actor, "submission.write", campaign, body) and \
        campaign.state in drafts.EDITABLE_STATES
    draft = drafts.get_draft(session, campaign, body, auth.actor) if writable else None
    latest = campaigns.latest_submission(session, campaign, body)
    if values is None:
        values = draft.values if draft is not None else (latest.values if latest else {})
        if draft is not None and problems is None:
            problems = _problems(request, session, campaign, body, compiled, draft.values)
    sections = _sections(campaign, compiled)
    tables = report_tables.view(compiled, sections, values, request_lang(request))
    return render(request, "report.html", {
        "c": campaign, "body": body, "name": body_name(session, body), "sections": sections, "tables": tables,
        "focus": focus, "row_notice": row_notice, "targets": _targets(request, compiled, problems or {}),
        "values": {key: shown(value) for key, value in values.items() if key not in compiled.tables},
        "given_by": {i.id: t for t in tables for i in t["gives"]}, "problems": problems or {},
        "draft": draft, "latest": latest, "writable": writable, "notice": notice, "error": error,
        "prefix": FIELD_PREFIX, "errors": sum(1 for messages in (problems or {}).values()
                                              for m in messages if m["severity"] == "error"),
        "lacks_kazakh": request_lang(request) == "kk" and (
            any(not getattr(i.name, "kk", None) for i in compiled.inputs.values())
            or any(t["other_language"] == "ru" for t in tables))},
        status_code=status)


def _base(campaign_id: int, body: str) -> str:
    return f"/campaigns/{campaign_id}/bodies/{body}"


@router.get("/campaigns/{campaign_id}/bodies/{body}/report")
def report_form(request: Request, campaign_id: int, body: str, saved: str = "",
                auth: Authentication = Depends(signed_in_viewer), session: Session = Depends(store_session)):
    notice = {"draft": tr(request, "The draft is saved. It is not submitted yet."),
              "submitted": tr(request, "The report is submitted.")}.get(saved)
    return _page(request, session, auth, campaign_id, body, notice=notice)


@router.post("/campaigns/{campaign_id}/bodies/{body}/report")
async def save_report(request: Request, campaign_id: int, body: str,
                      auth: Authentication = Depends(signed_in_viewer), session: Session = Depends(store_session)):
    form = await request.form()
    from fastapi.concurrency import run_in_threadpool
    return await run_in_threadpool(_save, request, session, auth, campaign_id, body, dict(form))


def _save(request: Request, session: Session, auth: Authentication, campaign_id: int, body: str, form: dict):
    campaign = load(session, campaign_id)
    action = str(form.get("action", "save"))
    revision = str(form.get("revision", ""))
    compiled = drafts.body_forms(session, campaign, body)
    values = _from_form(compiled, form)
    changed, done, focus = report_tables.change(compiled, values, form)
    if done is not None:        # a row added or removed: the page again, nothing saved yet
        policy.check(session, auth.actor, "submission.write", campaign=campaign, body=body)
        notices = {"added": tr(request, "A row is added. Save the draft to keep it."),
                   "removed": tr(request, "The row is removed. Save the draft to keep the change."),
                   "cleared": tr(request, "The fields the rows give are emptied. Save the draft to keep the change."),
                   "full": tr(request, "The table already has as many rows as it accepts.")}
        table = str(form.get("add_row") or form.get("remove_row") or form.get("clear_given")).split(".")[0]
        return _page(request, session, auth, campaign_id, body, values=changed, focus=focus, problems={},
                     row_notice={"table": table, "text": notices[done]})
    try:
        drafts.save_draft(session, campaign, body, values, auth.actor.name,
                          expected_revision=int(revision) if revision.isdigit() else None, at=now(request))
    except policy.AccessDenied:
        raise
    except campaigns.CampaignError as exc:
        session.rollback()
        return _page(request, session, auth, campaign_id, body, values=values, error=refusal(request, exc),
                     status=409)
    session.commit()
    if action == "submit":
        try:
            drafts.submit_draft(session, campaign, body, auth.actor.name, reason=str(form.get("reason") or "")
                                or None, at=now(request))
        except InputError:
            session.rollback()
            problems = _problems(request, session, campaign, body, compiled, values)
            return _page(request, session, auth, campaign_id, body, values=values, problems=problems,
                         error=tr(request, "The report was not submitted: correct the fields marked below. "
                                           "Your values are kept in the draft."), status=422)
        except campaigns.CampaignError as exc:
            session.rollback()
            return _page(request, session, auth, campaign_id, body, values=values, error=refusal(request, exc),
                         status=409)
        session.commit()
        return RedirectResponse(f"{_base(campaign_id, body)}/report?saved=submitted", status_code=303)
    if action == "check":
        return _page(request, session, auth, campaign_id, body,
                     notice=tr(request, "The draft is saved and checked."))
    return RedirectResponse(f"{_base(campaign_id, body)}/report?saved=draft", status_code=303)


@router.get("/campaigns/{campaign_id}/bodies/{body}/report.xlsx")
def download_form(request: Request, campaign_id: int, body: str, auth: Authentication = Depends(signed_in_viewer),
                  session: Session = Depends(store_session)):
    """The form as the act's XLSX with the values the page shows (the draft, else the latest version)."""
    campaign = load(session, campaign_id)
    policy.check(session, auth.actor, "submission.read", campaign=campaign, body=body)
    compiled = drafts.body_forms(session, campaign, body)
    draft = drafts.get_draft(session, campaign, body, auth.actor) \
        if may(session, auth.actor, "submission.write", campaign, body) else None
    latest = campaigns.latest_submission(session, campaign, body)
    values = drafts.typed_values(compiled, draft.values) if draft else (latest.values if latest else {})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{body}-{campaign.period}.xlsx"
        forms.write_filled(compiled, path, "xlsx", body_id=body, name=body_name(session, body).get("ru"),
                           period=campaign.period, values=values)
        return attachment(path.read_bytes(), XLSX, path.name)


@router.post("/campaigns/{campaign_id}/bodies/{body}/report/upload")
async def upload_form(request: Request, campaign_id: int, body: str, file: UploadFile = File(...),
                      revision: str = Form(""), auth: Authentication = Depends(signed_in_viewer),
                      session: Session = Depends(store_session)):
    from fastapi.concurrency import run_in_threadpool

    def allowed():
        policy.check(session, auth.actor, "submission.write", campaign=load(session, campaign_id), body=body)
    await run_in_threadpool(allowed)
    try:
        report = await read_report(request, file, body)
    except (ProblemError, InputError, campaigns.CampaignError) as exc:
        message = exc.problems[0].reason if isinstance(exc, InputError) and exc.problems else \
            getattr(exc, "detail", None) or str(exc)
        return await run_in_threadpool(lambda: _page(request, session, auth, campaign_id, body,
                                                     error=refusal(request, message), status=422))
    compiled = await run_in_threadpool(lambda: drafts.body_forms(session, load(session, campaign_id), body))
    known = report_tables.tables(compiled)
    raw = {FIELD_PREFIX + key: shown(value) for key, value in report.raw.items() if key not in known}
    raw.update(report_tables.as_fields(drafts.typed_values(     # a workbook's да/нет as the form's yes/no
        compiled, {key: value for key, value in report.raw.items() if key in known})))
    return await run_in_threadpool(_save, request, session, auth, campaign_id, body,
                                   {**raw, "action": "check", "revision": revision})


# --- versions -------------------------------------------------------------------------------

@router.get("/campaigns/{campaign_id}/bodies/{body}/versions")
def versions(request: Request, campaign_id: int, body: str, a: int = 0, b: int = 0,
             auth: Authentication = Depends(signed_in_viewer), session: Session = Depends(store_session)):
    campaign = load(session, campaign_id)
    policy.check(session, auth.actor, "submission.read", campaign=campaign, body=body)
    campaigns.submissions._campaign_body(session, campaign, body)
    rows = list(session.execute(select(SubmissionVersion).where(
        SubmissionVersion.campaign_id == campaign.id, SubmissionVersion.body_code == body)
        .order_by(SubmissionVersion.version)).scalars())
    numbers = [row.version for row in rows]
    if len(rows) >= 2 and (a not in numbers or b not in numbers):
        a, b = numbers[-2], numbers[-1]
    diff = []
    if a in numbers and b in numbers:
        compiled = drafts.body_forms(session, campaign, body)
        left = next(r for r in rows if r.version == a).values
        right = next(r for r in rows if r.version == b).values
        for key, item in compiled.inputs.items():
            if left.get(key) != right.get(key):
                diff.append({"id": key, "name": item.name, "source": item.source, "a": shown(left.get(key)),
                             "b": shown(right.get(key))})
        diff += report_tables.diff(compiled, left, right)
    return render(request, "versions.html", {"c": campaign, "body": body, "name": body_name(session, body),
                                             "rows": rows, "a": a, "b": b, "diff": diff, "numbers": numbers})
