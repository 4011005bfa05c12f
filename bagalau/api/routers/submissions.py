"""A body's reports: the versions (never overwritten; a correction is a new
version, refused with 409 when it was made on a version that is no longer the
latest), uploads of the act's XLSX form or a JSON file, downloads of any
version in either format, and the draft a body fills over days before it
submits. Another body's reports are "not found" to a body officer."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path as PathParam, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.campaigns import drafts, policy
from bagalau.engine import forms
from bagalau.engine.inputs import InputError, Problem, Submission, read_file
from bagalau.i18n import Message
from bagalau.store.models import Body, SubmissionVersion

from ..auth import Authentication, authenticate, signed_in
from ..problems import ProblemError
from ..schemas import Moment
from ..state import store_session
from ..uploads import safe_name, sniff
from .common import XLSX, attachment, body_param, campaign_param, load

router = APIRouter(prefix="/campaigns/{campaign}/bodies/{body}", tags=["submissions"])
REPORT_TYPES = (XLSX, "application/json", "text/plain")


class VersionInfo(BaseModel):
    body: str
    version: int
    submitted_by: str
    submitted_at: Moment
    origin: str | None
    reason: str | None
    changes: list[dict[str, Any]] = Field(description="field, from, to; a first version: first, fields")


class VersionDetail(VersionInfo):
    values: dict[str, Any] = Field(description="the report's values as stored (exact decimals as text)")


class NewReport(BaseModel):
    values: dict[str, Any] = Field(description="input id -> value, as in the JSON template's `inputs`")
    expected_version: int = Field(0, ge=0, le=1_000_000, description="the latest version the submitter saw "
                                  "(0 for a first report); another one is a 409 conflict")
    reason: str | None = Field(None, max_length=2000, description="why a correction is made")


class FieldNote(BaseModel):
    field: str
    reason: str
    location: str | None = None
    severity: str


class DraftInfo(BaseModel):
    body: str
    revision: int = Field(description="0: no draft; send it back as expected_revision")
    based_on_version: int
    origin: str | None
    saved_by: str | None
    saved_at: Moment | None
    values: dict[str, Any]
    problems: list[FieldNote] = Field([], description="what submitting the draft would find (errors refuse it)")


class DraftSave(BaseModel):
    values: dict[str, Any]
    expected_revision: int | None = Field(None, ge=0, le=1_000_000, description="the revision last seen; "
                                          "another one is a 409 conflict")


class DraftSubmit(BaseModel):
    expected_revision: int | None = Field(None, ge=0, le=1_000_000)
    reason: str | None = Field(None, max_length=2000)


def _info(row: SubmissionVersion) -> dict:
    return dict(body=row.body_code, version=row.version, submitted_by=row.submitted_by,
                submitted_at=row.submitted_at, origin=row.origin, reason=row.reason, changes=row.change_summary or [])


def _readable(session: Session, auth: Authentication, campaign: str, body: str):
    c = load(session, campaign)
    policy.check(session, auth.actor, "submission.read", campaign=c, body=body)
    campaigns.submissions._campaign_body(session, c, body)
    return c


def _version(session: Session, c, body: str, version: int) -> SubmissionVersion:
    row = session.execute(select(SubmissionVersion).where(
        SubmissionVersion.campaign_id == c.id, SubmissionVersion.body_code == body,
        SubmissionVersion.version == version)).scalar_one_or_none()
    if row is None:
        raise campaigns.NotFound(f"body '{body}' has no version {version} in campaign '{c.name}'")
    return row


@router.get("/submissions", response_model=list[VersionInfo])
def list_versions(campaign: str = campaign_param(), body: str = body_param(),
                  auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    """Every version of the body's report, oldest first, with what changed."""
    c = _readable(session, auth, campaign, body)
    rows = session.execute(select(SubmissionVersion).where(
        SubmissionVersion.campaign_id == c.id, SubmissionVersion.body_code == body)
        .order_by(SubmissionVersion.version)).scalars()
    return [_info(row) for row in rows]


def version_param():
    return PathParam(ge=1, le=1_000_000, description="the version's number")


@router.get("/submissions/{version}", response_model=VersionDetail)
def get_version(campaign: str = campaign_param(), body: str = body_param(), version: int = version_param(),
                auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    """One version with its values."""
    c = _readable(session, auth, campaign, body)
    row = _version(session, c, body, version)
    return {**_info(row), "values": row.values}


@router.get("/submissions/{version}/file", response_class=Response, responses={200: {
    "content": {XLSX: {}, "application/json": {}}, "description": "the report as an input file"}})
def download_version(campaign: str = campaign_param(), body: str = body_param(), version: int = version_param(),
                     format: Literal["xlsx", "json"] = Query("xlsx"), auth: Authentication = Depends(authenticate),
                     session: Session = Depends(store_session)):
    """The version as the act's XLSX form (named cells) or a JSON input file; uploading it again gives the
    same values."""
    c = _readable(session, auth, campaign, body)
    row = _version(session, c, body, version)
    compiled = drafts.body_forms(session, c, body)
    name = session.get(Body, body).name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{body}-{c.period}-v{version}.{format}"
        forms.write_filled(compiled, path, format, body_id=body, name=name, period=c.period, values=row.values)
        content = path.read_bytes()
    return attachment(content, XLSX if format == "xlsx" else "application/json", path.name)


def _store(session: Session, auth: Authentication, campaign: str, body: str, report: Submission,
           expected_version: int, reason: str | None, typed: bool = False) -> dict:
    c = load(session, campaign)
    if typed:     # cells of a form: text as typed, read the way a submission holds values
        policy.check(session, auth.actor, "submission.write", campaign=c, body=body)
        report.raw = drafts.typed_values(drafts.body_forms(session, c, body), report.raw)
    row = campaigns.submit(session, c, body, report, auth.actor.name, expected_version=expected_version,
                           reason=reason)
    session.commit()
    return _info(row)


@router.post("/submissions", response_model=VersionInfo, status_code=201)
def submit_values(data: NewReport, campaign: str = campaign_param(), body: str = body_param(),
                  auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """A new version from values; validated whole (422 names every field and reason; nothing stored)."""
    c = load(session, campaign)
    report = Submission(body, None, data.values, period=c.period, origin="api")
    return _store(session, auth, campaign, body, report, data.expected_version, data.reason)


@router.post("/submissions/upload", response_model=VersionInfo, status_code=201)
async def submit_file(request: Request, file: UploadFile = File(description="the filled XLSX form or a JSON "
                                                                            "input file"),
                      expected_version: int = Form(0, ge=0, le=1_000_000), reason: str | None = Form(None,
                                                                                                    max_length=2000),
                      campaign: str = campaign_param(), body: str = body_param(),
                      auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """A new version from the act's XLSX form or a JSON input file."""
    await run_in_threadpool(_may_submit, session, auth, campaign, body)       # before the file is read
    report = await read_report(request, file, body)
    return await run_in_threadpool(_store, session, auth, campaign, body, report, expected_version, reason, True)


def _may_submit(session: Session, auth: Authentication, campaign: str, body: str) -> None:
    policy.check(session, auth.actor, "submission.write", campaign=load(session, campaign), body=body)


async def read_report(request: Request, file: UploadFile, body: str) -> Submission:
    """The body's report from an uploaded XLSX or JSON file (size and type checked first)."""
    limit = request.app.state.settings.max_upload_bytes
    content = await file.read(limit + 1)
    name = safe_name(file.filename, "report")
    if len(content) > limit:
        raise ProblemError(413, Message("'%(file)s' is larger than %(limit)s MiB", file=name,
                                        limit=limit // 1024 // 1024), "too-large")
    media = sniff(content, name if name.lower().endswith((".json", ".xlsx")) else name + ".json")
    if media == "application/zip" or media == XLSX:
        suffix = ".xlsx"
    elif media in ("application/json", "text/plain", "text/csv"):
        suffix = ".json"
    else:
        raise ProblemError(415, Message("'%(file)s' is %(media)s; upload the XLSX form or a JSON input file",
                                        file=name, media=media), "unsupported-type")
    return await run_in_threadpool(_parse_report, content, suffix, name, body)


def _parse_report(content: bytes, suffix: str, name: str, body: str) -> Submission:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            found = read_file(path)
        except InputError as exc:
            raise InputError([Problem(p.body, p.field, p.location.replace(str(path), name), p.reason, p.severity)
                              for p in exc.problems]) from None
    for report in found:
        if report.body_id == body:
            report.origin = name
            report.locations = {k: v.replace(str(path), name) for k, v in report.locations.items()}
            return report
    raise campaigns.CampaignError(f"'{name}' holds no report for body '{body}'")


# --- the draft ------------------------------------------------------------------------------

def _draft_info(session: Session, c, body: str, draft) -> dict:
    if draft is None:
        return dict(body=body, revision=0, based_on_version=0, origin=None, saved_by=None, saved_at=None,
                    values={}, problems=[])
    compiled = drafts.body_forms(session, c, body)
    problems = drafts.check_values(session, c, body, drafts.typed_values(compiled, draft.values))
    return dict(body=body, revision=draft.revision, based_on_version=draft.based_on_version, origin=draft.origin,
                saved_by=draft.saved_by, saved_at=draft.saved_at, values=draft.values,
                problems=[{"field": p.field, "reason": p.reason, "location": p.location or None,
                           "severity": p.severity} for p in problems])


@router.get("/draft", response_model=DraftInfo)
def get_draft(campaign: str = campaign_param(), body: str = body_param(), auth: Authentication = Depends(signed_in),
              session: Session = Depends(store_session)):
    """The body's draft (revision 0 and no values when there is none), and what submitting it would find."""
    c = load(session, campaign)
    draft = drafts.get_draft(session, c, body, auth.actor)
    campaigns.submissions._campaign_body(session, c, body)
    return _draft_info(session, c, body, draft)


@router.put("/draft", response_model=DraftInfo)
def save_draft(data: DraftSave, campaign: str = campaign_param(), body: str = body_param(),
               auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """Keep the values as the body's draft (not validated, not scored)."""
    c = load(session, campaign)
    draft = drafts.save_draft(session, c, body, data.values, auth.actor.name,
                              expected_revision=data.expected_revision, origin="api")
    session.commit()
    return _draft_info(session, c, body, draft)


@router.delete("/draft", status_code=204, response_class=Response)
def discard_draft(campaign: str = campaign_param(), body: str = body_param(),
                  expected_revision: int | None = Query(None, ge=0, le=1_000_000),
                  auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    c = load(session, campaign)
    drafts.discard_draft(session, c, body, auth.actor.name, expected_revision=expected_revision)
    session.commit()
    return Response(status_code=204)


@router.post("/draft/submit", response_model=VersionInfo, status_code=201)
def submit_draft(data: DraftSubmit, campaign: str = campaign_param(), body: str = body_param(),
                 auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """Validate the draft and store it as the next version (a refused draft stays as it was)."""
    c = load(session, campaign)
    row = drafts.submit_draft(session, c, body, auth.actor.name, expected_revision=data.expected_revision,
                              reason=data.reason)
    session.commit()
    return _info(row)
