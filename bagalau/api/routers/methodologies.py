"""The acts as data: the editions, one edition's resolved tree, its provenance
(reconstructed and entered rules, options, readings), the diff of two editions,
and the empty input template. Public."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path as PathParam, Query
from fastapi.responses import Response
from pydantic import BaseModel

from bagalau.campaigns import NotFound
from bagalau.engine import catalog
from bagalau.engine import forms as templates
from bagalau.engine.compiled import DefinitionError
from bagalau.engine.editions import diff as diff_editions

from ..problems import ProblemError

router = APIRouter(prefix="/methodologies", tags=["methodologies"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def edition_id():
    return PathParam(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64, description="edition id, e.g. it-2012")


PROFILE = Query(None, max_length=32, description="central or local, for editions with profiles")


class Edition(BaseModel):
    id: str
    family: str
    edition: str
    act: str
    signed: date
    status: str
    base: str | None
    profiles: list[str]
    content_hash: str


class Change(BaseModel):
    kind: str
    area: str
    id: str
    before: str
    after: str


def _compiled(methodology_id: str, profile: str | None = None):
    if methodology_id not in catalog.definition_paths():
        raise NotFound(f"unknown methodology '{methodology_id}'; see GET /api/v1/methodologies")
    try:
        return catalog.load(methodology_id, profile)
    except DefinitionError as exc:
        raise ProblemError(422, f"{methodology_id}: {exc}", "definition") from None


def _edition(m) -> dict:
    return dict(id=m.id, family=m.family, edition=m.edition, act=f"{m.act.kind} № {m.act.number}",
                signed=m.act.signed, status=m.act.status, base=m.base, profiles=list(m.profiles),
                content_hash=m.content_hash())


@router.get("", response_model=list[Edition])
def list_editions():
    found = []
    for methodology_id in catalog.definition_paths():
        try:
            found.append(_edition(catalog.methodology(methodology_id)))
        except DefinitionError:
            continue
    return found


@router.get("/{methodology_id}", response_model=dict[str, Any])
def tree(methodology_id: str = edition_id(), profile: str | None = PROFILE):
    """The resolved definition (amendments applied; one profile's tree if given)."""
    return _compiled(methodology_id, profile).methodology.model_dump(mode="json")


@router.get("/{methodology_id}/provenance", response_model=dict[str, Any])
def provenance(methodology_id: str = edition_id()):
    """Rules that are not verbatim (reconstructed, entered), the options and the readings of ambiguities."""
    m = _compiled(methodology_id).source
    nodes = [{"id": n.id, "provenance": n.provenance, "paragraph": n.paragraph, "formula": n.formula,
              "note": n.note}
             for n in _walk(m.nodes) if n.provenance != "verbatim"]
    parameters = [{"id": key, "provenance": p.provenance, "paragraph": p.paragraph, "value": str(p.value)}
                  for key, p in m.parameters.items() if p.provenance != "verbatim"]
    return {"methodology": m.id, "content_hash": m.content_hash(), "nodes": nodes, "parameters": parameters,
            "options": {k: o.model_dump(mode="json") for k, o in m.options.items()},
            "readings": [r.model_dump(mode="json") for r in m.readings]}


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


@router.get("/{old}/diff/{new}", response_model=list[Change])
def diff(old: str = edition_id(), new: str = edition_id(), profile: str | None = PROFILE):
    """What changed between two editions, node by node (on the resolved trees)."""
    a, b = _compiled(old, profile), _compiled(new, profile)
    return [change.__dict__ for change in diff_editions(a.methodology, b.methodology)]


@router.get("/{methodology_id}/template", response_class=Response,
            responses={200: {"content": {"application/json": {}, XLSX: {}}, "description": "the empty input file"}})
def template(methodology_id: str = edition_id(), format: Literal["xlsx", "json"] = Query("xlsx"),
             profile: str | None = PROFILE):
    """The empty input file, laid out like the act's forms (XLSX with named cells, or JSON)."""
    compiled = _compiled(methodology_id, profile)
    content = templates.render(compiled, format)
    media = "application/json" if format == "json" else XLSX
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{methodology_id}-template.{format}"',
        "X-Content-Type-Options": "nosniff"})
