"""The registry of state bodies: read (public) and import (administrators)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.campaigns import NotFound, policy, registry
from bagalau.store.models import Body

from ..auth import Authentication, authenticate, signed_in
from ..state import store_session
from ..uploads import XLSX, read_upload, safe_name

router = APIRouter(prefix="/bodies", tags=["bodies"])
CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class BodyInfo(BaseModel):
    code: str
    kind: str
    parent: str | None
    profile: str
    name_ru: str
    name_kk: str | None
    name_en: str | None
    synthetic: bool


class ImportSummary(BaseModel):
    created: int
    updated: int
    unchanged: int


def info(body: Body) -> dict:
    return dict(code=body.code, kind=body.kind, parent=body.parent_code, profile=body.profile, name_ru=body.name_ru,
                name_kk=body.name_kk, name_en=body.name_en, synthetic=body.synthetic)


@router.get("", response_model=list[BodyInfo])
def list_bodies(auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    policy.check(session, auth.actor, "body.read")
    return [info(b) for b in session.execute(select(Body).order_by(Body.code)).scalars()]


@router.get("/{code}", response_model=BodyInfo)
def get_body(code: str, auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    policy.check(session, auth.actor, "body.read")
    body = session.get(Body, code)
    if body is None:
        raise NotFound(f"unknown body '{code}'")
    return info(body)


@router.post("/import", response_model=ImportSummary)
async def import_bodies(request: Request, file: UploadFile = File(description="CSV or XLSX: code, kind, parent, "
                                                                               "name_ru, name_kk, name_en"),
                        auth: Authentication = Depends(signed_in)):
    """All rows or none: every row is checked first; the errors name row and field."""
    content, media = await read_upload(request, file, allowed=("text/csv", XLSX))
    return await run_in_threadpool(_import, request, auth, content, ".xlsx" if media == XLSX else ".csv",
                                   safe_name(file.filename, "registry"))


def _import(request: Request, auth: Authentication, content: bytes, suffix: str, name: str) -> dict:
    with request.app.state.sessions() as session:
        policy.check(session, auth.actor, "body.import")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"registry{suffix}"
            path.write_bytes(content)
            summary = registry.import_bodies(session, path, auth.actor.name, source=name)
        session.commit()
    return summary
