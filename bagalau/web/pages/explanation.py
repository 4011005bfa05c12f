"""A body's score explanation as an expandable tree (``<details>``), from the
explanation stored with a scoring run (``bagalau.explanation/1``).

Per node: its score and maximum, the formula, the values it read with their
form cells, the parameters, the notes (their kind in the reader's language,
the engine's sentence beside it), the act's paragraph and the act's sentence
(``quote`` in the definition), and whether the node is provisional
(reconstructed) or entered. The facts of verification, the penalties and the
grades follow the tree. Every run of the campaign can be chosen. Printing
opens every node (print CSS). Who: the policy's ``explanation.read`` (a body
its own until the rating is final, then everyone)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.api.auth import Authentication
from bagalau.api.state import store_session
from bagalau.campaigns import drafts, policy
from bagalau.engine import catalog
from bagalau.i18n import N_
from bagalau.store.models import RunResult, ScoringRun

from ..campaign import body_name, load
from ..rendering import render, request_lang
from ..routing import page_router
from ..session import viewer

router = page_router()

NOTE_KINDS = {
    "provisional": N_("Provisional: the formula is reconstructed"),
    "weight_received": N_("Points moved here from a node that does not apply"),
    "weight_moved": N_("Its points moved to another node"),
    "share_clamped": N_("A share outside 0–1 was clamped"),
    "not_applicable": N_("Does not apply"),
    "zero_denominator": N_("Zero denominator: the node's rule decided"),
    "checklist": N_("Scored by a checklist"),
    "entered": N_("Points entered by an authorised person"),
    "deduction": N_("Deduction"),
    "cap_applied": N_("Capped at the maximum"),
    "floor_applied": N_("Raised to the floor"),
    "penalty": N_("Penalty"),
    "penalty_cap": N_("Penalties capped together"),
    "penalty_floor": N_("Floored after the penalty"),
    "total_floor": N_("The total raised to its floor"),
    "held_out": N_("Held out"),
    "cohort_average": N_("The average of other bodies"),
    "explained": N_("Explained"),
    "_other": N_("Note"),
}
STATUS = {"scored": N_("scored"), "not_applicable": N_("does not apply"),
          "zero_denominator": N_("zero denominator"), "cohort_average": N_("average of other bodies")}
PROVENANCE = {"reconstructed": N_("provisional (reconstructed)"), "entered": N_("entered")}


def _definitions(methodology_id: str, profile: str | None):
    """The definition's nodes (for the act's sentence) and inputs (for names and form cells)."""
    compiled = catalog.load(methodology_id, profile) if profile else catalog.load(methodology_id)
    nodes = {}

    def walk(items):
        for node in items:
            nodes[node.id] = node
            walk(node.children)
    walk(compiled.methodology.nodes)
    return nodes, compiled.inputs


@router.get("/campaigns/{campaign_id}/bodies/{body}/explanation")
def explanation(request: Request, campaign_id: int, body: str, run: int = 0,
                auth: Authentication = Depends(viewer), session: Session = Depends(store_session)):
    campaign = load(session, campaign_id)
    policy.check(session, auth.actor, "explanation.read", campaign=campaign, body=body)
    member = campaigns.submissions._campaign_body(session, campaign, body)
    runs = list(session.execute(select(ScoringRun).where(ScoringRun.campaign_id == campaign.id)
                                .order_by(ScoringRun.number)).scalars())
    if not runs:
        raise campaigns.NotFound(f"campaign '{campaign.name}' has not been scored yet")
    chosen = next((r for r in runs if r.number == run), runs[-1])
    result = session.execute(select(RunResult).where(RunResult.run_id == chosen.id, RunResult.body_code == body)
                             ).scalar_one_or_none()
    if result is None:
        raise campaigns.NotFound(f"body '{body}' is not in run {chosen.number} of campaign '{campaign.name}'")
    document = result.explanation
    profile = member.profile if drafts.form_inputs(campaign, member.profile).source.profiles else None
    nodes, inputs = _definitions(campaign.methodology_id, profile)
    lang = request_lang(request)
    lacks = lang == "kk" and any(not getattr(n.name, "kk", None) for n in nodes.values())
    return render(request, "explanation.html", {
        "c": campaign, "body": body, "name": body_name(session, body), "runs": runs, "run": chosen,
        "doc": document, "definitions": nodes, "inputs": inputs, "note_kinds": NOTE_KINDS, "status": STATUS,
        "provenance": PROVENANCE, "lacks_kazakh": lacks,
        "latest": chosen.number == runs[-1].number, "differs": _differs, "approx": _approx})


def _approx(value) -> tuple[str, bool]:
    """An exact value for reading: itself when it has at most 6 places, else rounded
    half up to 6 places (and said to be approximate)."""
    text = str(value)
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return text, False
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -6:
        return text, False
    return format(number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP), "f"), True


def _differs(a, b) -> bool:
    """Whether two numbers as the explanation writes them ("6", "6.00") are different values."""
    try:
        return Decimal(str(a)) != Decimal(str(b))
    except (InvalidOperation, ValueError):
        return str(a) != str(b)
