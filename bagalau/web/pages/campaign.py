"""A campaign's page: its stage, deadlines and bodies (each body's row only for
whom may see it), links to each body's report, explanation, verification,
objections and documents, and the evaluator's steps (open and close the
submission of reports, score, send the draft conclusions, appoint a
commission, finalise), each the campaign function of that step, dated by the
application's clock (``web.campaign.now``)."""

from __future__ import annotations

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.api.auth import Authentication
from bagalau.api.state import store_session
from bagalau.campaigns import policy
from bagalau.campaigns.objections import objection_window
from bagalau.engine.inputs import InputError
from bagalau.i18n import N_
from bagalau.store.models import Commission, Conclusion, Objection, User

from ..campaign import OBJECTION_STATUS, STATE_NAMES, body_names, deadline_name, load, may, now, refusal
from ..rendering import render, today, tr
from ..routing import page_router
from ..session import signed_in_viewer, viewer

router = page_router()

STEPS = {
    "open": (N_("Open the submission of reports"), "campaign.open"),
    "close": (N_("Close the submission of reports"), "campaign.close"),
    "score": (N_("Score (a new run)"), "scoring.run"),
    "drafts": (N_("Send the draft conclusions"), "conclusion.send"),
    "finalise": (N_("Finalise: final conclusions and rating"), "campaign.finalise"),
}
STEP_STATES = {"open": ("created",), "close": ("submissions",), "score": ("verification", "scored"),
               "drafts": ("scored",), "finalise": ("drafts_sent", "objections", "commission")}
DONE = {"open": N_("The submission of reports is open."), "close": N_("The submission of reports is closed."),
        "score": N_("The campaign was scored: a new run."), "drafts": N_("The draft conclusions were sent."),
        "finalise": N_("The rating is final."), "commission": N_("The commission was appointed.")}


def _rows(session: Session, auth: Authentication, campaign, day) -> list[dict]:
    status = campaigns.status(session, campaign)
    actor = auth.actor
    rows = []
    for entry in status["bodies"]:
        code = entry["body"]
        sees = may(session, actor, "submission.read", campaign, code)
        scores = may(session, actor, "scores.read", campaign, code)
        if actor.role == "body" and actor.body != code and not scores:
            continue                      # a body officer does not learn about other bodies' rows
        objections = list(session.execute(select(Objection).where(
            Objection.campaign_id == campaign.id, Objection.body_code == code).order_by(Objection.id)).scalars())
        commission = session.execute(select(Commission).where(Commission.campaign_id == campaign.id,
                                                              Commission.body_code == code)).scalar_one_or_none()
        window = objection_window(session, campaign, code, day) if sees else None
        rows.append({
            "code": code, "profile": entry["profile"], "sees": sees,
            "version": entry["version"] if sees else None,
            "facts": entry["facts"] if sees else None,
            "total": entry["total"] if scores else None,
            "objections": objections if sees else [],
            "commission": commission, "window": window,
            "links": {
                "report": may(session, actor, "submission.write", campaign, code) or sees,
                "explanation": entry["total"] is not None and may(session, actor, "explanation.read", campaign, code),
                "verification": may(session, actor, "fact.write", campaign, code) or (
                    sees and may(session, actor, "fact.read", campaign, code)),
                "objections": may(session, actor, "objection.read", campaign, code),
                "documents": sees and may(session, actor, "conclusion.read", campaign, code) and bool(
                    session.execute(select(Conclusion.id).where(Conclusion.campaign_id == campaign.id,
                                                                Conclusion.body_code == code).limit(1)).first()),
            }})
    return rows


def _profiles(campaign) -> dict | None:
    """The edition's profiles by code (names from the act), or None where it has none."""
    from bagalau.engine import catalog
    profiles = catalog.methodology(campaign.methodology_id).profiles
    return {code: name for code, name in profiles.items()} if profiles else None


def _members(session: Session) -> list[User]:
    return list(session.execute(select(User).where(User.role.in_(("commission", "evaluator")), User.active)
                                .order_by(User.name)).scalars())


def _page(request: Request, session: Session, auth: Authentication, campaign_id: int, error=None, status=200):
    campaign = load(session, campaign_id)
    policy.check(session, auth.actor, "campaign.read", campaign=campaign)
    day = today(request)
    steps = [(key, label) for key, (label, action) in STEPS.items()
             if campaign.state in STEP_STATES[key] and may(session, auth.actor, action, campaign)]
    rows = _rows(session, auth, campaign, day)
    appoint = [row["code"] for row in rows if row["objections"] and row["commission"] is None] \
        if may(session, auth.actor, "commission.appoint", campaign) else []
    candidates = []
    if appoint:
        for user in _members(session):
            conflicts = {code for code in appoint if user.name in policy.evaluated_by(session, campaign, code)}
            candidates.append({"name": user.name, "role": user.role, "conflicts": conflicts})
    rating_visible = may(session, auth.actor, "rating.read", campaign) and \
        campaigns.latest_run(session, campaign) is not None
    return render(request, "campaign.html", {
        "c": campaign, "states": STATE_NAMES, "objection_status": OBJECTION_STATUS, "rows": rows, "steps": steps,
        "names": body_names(session),
        "deadlines": [{"d": d, "name": deadline_name(campaign.methodology_id, d.key, d.name)}
                      for d in campaign.deadlines if d.due is not None],
        "profiles": _profiles(campaign),
        "appoint": appoint, "candidates": candidates, "error": error, "rating_visible": rating_visible,
        "done": DONE.get(request.query_params.get("done", ""))}, status_code=status)


@router.get("/campaigns/{campaign_id}")
def campaign_page(request: Request, campaign_id: int, auth: Authentication = Depends(viewer),
                  session: Session = Depends(store_session)):
    return _page(request, session, auth, campaign_id)


@router.post("/campaigns/{campaign_id}/step")
def take_step(request: Request, campaign_id: int, step: str = Form(""),
              auth: Authentication = Depends(signed_in_viewer), session: Session = Depends(store_session)):
    campaign = load(session, campaign_id)
    at, actor = now(request), auth.actor.name
    actions = {
        "open": lambda: campaigns.open_submissions(session, campaign, actor, at=at),
        "close": lambda: campaigns.close_submissions(session, campaign, actor, at=at),
        "score": lambda: campaigns.run_scoring(session, campaign, actor, reason="scoring (web)", at=at),
        "drafts": lambda: campaigns.send_draft_conclusions(session, campaign, actor, at=at),
        "finalise": lambda: campaigns.finalise(session, campaign, actor, at=at),
    }
    if step not in actions:
        return _page(request, session, auth, campaign_id, tr(request, "Unknown step."), 422)
    try:
        actions[step]()
    except policy.AccessDenied:
        raise
    except (campaigns.CampaignError, InputError) as exc:
        session.rollback()
        return _page(request, session, auth, campaign_id, refusal(request, exc), 409)
    session.commit()
    return RedirectResponse(f"/campaigns/{campaign_id}?done={step}", status_code=303)


@router.post("/campaigns/{campaign_id}/commission")
def appoint(request: Request, campaign_id: int, body: str = Form(""), members: list[str] = Form([]),
            auth: Authentication = Depends(signed_in_viewer), session: Session = Depends(store_session)):
    campaign = load(session, campaign_id)
    policy.check(session, auth.actor, "commission.appoint", campaign=campaign)
    try:
        campaigns.appoint_commission(session, campaign, body, members, auth.actor.name, at=now(request))
    except campaigns.CampaignError as exc:          # §107 among them: a member who evaluated the body
        session.rollback()
        return _page(request, session, auth, campaign_id, refusal(request, exc), 409)
    session.commit()
    return RedirectResponse(f"/campaigns/{campaign_id}?done=commission", status_code=303)
