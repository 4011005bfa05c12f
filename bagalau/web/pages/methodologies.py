"""The methodology browser, open to anonymous readers (like OpenFisca's
legislation explorer): the editions of each act family, one edition's act,
tree (formulas, variables, paragraphs, the act's sentences, provenance),
inputs with their form cells, parameters, the named readings of ambiguities
and the options (Bagalau's own commentary, in the page's language from the
``engine`` catalog: the ``prose`` filter), and the diff between two editions
(``engine.editions.diff``, the same as ``bagalau methodology diff`` and the API)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse

from bagalau.api.auth import Authentication
from bagalau.campaigns import NotFound
from bagalau.engine import catalog
from bagalau.engine.compiled import DefinitionError
from bagalau.engine.editions import diff as diff_editions
from bagalau.i18n import N_, prose_pending

from ..rendering import render, request_lang
from ..routing import nav, page_router
from ..session import viewer

router = page_router()
nav("/methodologies", N_("Methodologies"), order=20)

PROVENANCE = {"verbatim": N_("verbatim from the act"),
              "reconstructed": N_("reconstructed (the act does not say it in so many words)"),
              "entered": N_("entered by the evaluator")}
CHANGE_KINDS = {"added": N_("added"), "deleted": N_("deleted"), "weight": N_("weight"), "formula": N_("formula"),
                "wording": N_("wording"), "paragraph": N_("paragraph"), "rule": N_("rule"), "moved": N_("moved"),
                "changed": N_("changed")}
AREAS = {"node": N_("node"), "input": N_("input"), "parameter": N_("parameter"), "checklist": N_("checklist"),
         "option": N_("option"), "penalty": N_("penalty")}
ACT_KINDS = {"order": N_("order"), "joint order": N_("joint order"), "decree": N_("decree"),
             "resolution": N_("resolution")}
STATUS = {"in_force": N_("in force"), "repealed": N_("repealed"), "draft": N_("draft")}


def _editions() -> list[Any]:
    found = []
    for edition_id in catalog.definition_paths():
        try:
            found.append(catalog.methodology(edition_id))
        except (DefinitionError, KeyError):
            continue
    return found


def _known(edition_id: str):
    if edition_id not in catalog.definition_paths():
        raise NotFound(f"unknown methodology '{edition_id}'")
    try:
        return catalog.methodology(edition_id)
    except DefinitionError as exc:
        raise NotFound(f"{edition_id}: {exc}") from None


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _lacks(methodology, lang: str) -> bool:
    """Whether the act has no text in ``lang`` for its names (it-2012 has no Kazakh)."""
    if lang == "en":
        return False
    return any(not getattr(node.name, lang) for node in _walk(methodology.nodes))


@router.get("/methodologies")
def editions(request: Request, auth: Authentication = Depends(viewer)):
    items = _editions()
    families: dict[str, list[Any]] = {}
    for m in sorted(items, key=lambda m: (m.family, m.act.signed, m.id)):
        families.setdefault(m.family, []).append(m)
    return render(request, "methodologies.html", {"families": families, "editions": items, "status": STATUS,
                                                    "act_kinds": ACT_KINDS})


@router.get("/methodologies/diff")
def diff_form(request: Request, old: str = "", new: str = ""):
    if old and new:
        return RedirectResponse(f"/methodologies/{old}/diff/{new}", status_code=303)
    return RedirectResponse("/methodologies#diff", status_code=303)


@router.get("/methodologies/{edition_id}")
def edition(edition_id: str, request: Request, profile: str | None = None, auth: Authentication = Depends(viewer)):
    methodology = _known(edition_id)
    if profile is not None and profile not in methodology.profiles:
        profile = None
    tree = catalog.load(edition_id, profile).methodology if profile else methodology
    lang = request_lang(request)
    return render(request, "methodology.html", {
        "m": methodology, "tree": tree, "profile": profile, "provenance": PROVENANCE, "status": STATUS,
        "act_kinds": ACT_KINDS,
        "lacks_language": _lacks(methodology, lang),
        "edition_note": catalog.edition_note(edition_id), "pending": prose_pending(methodology),
        "not_verbatim": [n for n in _walk(tree.nodes) if n.provenance != "verbatim"],
        "editions": _editions()})


@router.get("/methodologies/{old}/diff/{new}")
def diff(old: str, new: str, request: Request, auth: Authentication = Depends(viewer)):
    a, b = _known(old), _known(new)
    changes = diff_editions(catalog.load(old).methodology, catalog.load(new).methodology)
    return render(request, "methodology_diff.html", {"old": a, "new": b, "changes": changes, "kinds": CHANGE_KINDS,
                                                     "areas": AREAS, "editions": _editions(),
                                                     "act_kinds": ACT_KINDS})
