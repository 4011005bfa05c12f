"""What the campaign pages share: the campaign and body a URL names, the clock
the steps are dated by, the names of bodies, and the engine's messages shown
in the reader's language.

The clock: a step taken from a page is dated now, or, where the application
pins the day (``app.state.today``: tests and demos), at noon of that day in
Astana, so that working-day windows (the objection window, the finalisation
after it) are judged on the same day the pages show.

Messages: the engine and the campaign steps explain a refusal in English
(the CLI and the API give the same words). A page shows a translated lead and
the reason itself marked ``lang="en"``; the cross-field checks of a form are
shown with the act's own wording of the check (``Check.message``), and the
usual reasons of a single field (missing, not a number, below the minimum...)
are translated here.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timezone
from typing import Any

from fastapi import Request
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.campaigns import policy
from bagalau.i18n import N_
from bagalau.store.models import Body, Campaign

from .rendering import ASTANA, Filters, request_lang, today, translator

STATE_NAMES = {
    "created": N_("Created"),
    "submissions": N_("Reports are being submitted"),
    "verification": N_("Verification"),
    "scored": N_("Scored"),
    "drafts_sent": N_("Draft conclusions sent"),
    "objections": N_("Objections"),
    "commission": N_("Commission"),
    "final": N_("Final"),
    "post_audit": N_("Post-audit"),
}

OBJECTION_STATUS = {"filed": N_("filed, waiting for a decision"), "accepted": N_("accepted"),
                    "rejected": N_("rejected")}

# Deadlines a campaign sets itself (the others are named by the act's schedule, in its languages)
DEADLINE_NAMES = {"submission": N_("Reports submitted to the evaluator"),
                  "objections": N_("Objections with supporting documents"),
                  "reverification": N_("Re-verification after the commission's decision")}


def deadline_name(methodology_id: str, key: str, english: str | None) -> tuple[Any, bool]:
    """(the deadline's name, whether it is a message id to translate): the act's own
    name where its schedule has the deadline, else ours."""
    from bagalau.engine import catalog
    try:
        rule = catalog.methodology(methodology_id).schedule.get(key)
    except (KeyError, ValueError):
        rule = None
    if rule is not None and (rule.name.ru or rule.name.kk):
        return rule.name.model_dump(exclude_none=True), False
    if key in DEADLINE_NAMES:
        return DEADLINE_NAMES[key], True
    return {"en": english or key}, False


def load(session: Session, campaign_id: int) -> Campaign:
    return campaigns.get_campaign(session, campaign_id)


def now(request: Request) -> datetime | None:
    """When a step taken from a page happens: None (the real now), or noon in
    Astana of the day the application is pinned to."""
    if getattr(request.app.state, "today", None) is None:
        return None
    return datetime.combine(today(request), time(12, 0), tzinfo=ASTANA).astimezone(timezone.utc)


def body_names(session: Session) -> dict[str, dict[str, str | None]]:
    return {b.code: {"kk": b.name_kk, "ru": b.name_ru, "en": b.name_en}
            for b in session.execute(select(Body)).scalars()}


def body_name(session: Session, code: str) -> dict[str, str | None]:
    body = session.get(Body, code)
    if body is None:
        return {"ru": code}
    return {"kk": body.name_kk, "ru": body.name_ru or body.name, "en": body.name_en}


def may(session: Session, actor: policy.Actor, action: str, campaign: Campaign, body: str | None = None) -> bool:
    return policy.allowed(session, actor, action, campaign=campaign, body=body)


_REFUSALS = [
    (re.compile(r"objection window is open until (?P<date>[\d-]+)"),
     N_("The objection window is open until %(date)s: finalise after it closes.")),
    (re.compile(r"objections are still undecided"),
     N_("Objections are still undecided: the commission must decide them first.")),
    (re.compile(r"objection deadline for '[^']*' was (?P<date>[\d-]+)"),
     N_("The objection window closed on %(date)s: objections after it are not accepted.")),
    (re.compile(r"must come with supporting documents"),
     N_("An objection must come with supporting documents.")),
    (re.compile(r"must name the document it rests on"), N_("Name the document the fact rests on.")),
    (re.compile(r"recalculates the score with the verified value"),
     N_("Give the verified value: the act recalculates the score with it.")),
    (re.compile(r"with the verified value the report of '[^']*' fails validation"),
     N_("With this verified value the report would fail the act's checks.")),
    (re.compile(r"^verified value for '[^']*':"), N_("The verified value does not read as this input's type.")),
    (re.compile(r"was saved elsewhere"),
     N_("The draft was saved elsewhere since this page was opened: nothing was written; reload the page.")),
    (re.compile(r"§107|took part in evaluating"),
     N_("Somebody who took part in evaluating the body may not sit on its commission.")),
    (re.compile(r"is larger than"), N_("The file is too large.")),
    (re.compile(r"; accepted: |upload the XLSX form or a JSON input file"), N_("This kind of file is not accepted.")),
]


def refusal(request: Request, exc: Exception | str) -> Markup:
    """A refused step: a translated lead, what it means where we can say it in the
    reader's language, and the engine's reason itself (in English)."""
    t = translator(request)
    reason = str(exc)
    for pattern, message in _REFUSALS:
        found = pattern.search(reason)
        if found:
            said = t.gettext(message) % found.groupdict() if found.groupdict() else t.gettext(message)
            return Markup('%s %s <span class="engine-reason" lang="en">%s</span>') % (
                t.gettext("The step was refused:"), said, reason)
    return Markup('%s <span lang="en">%s</span>') % (t.gettext("The step was refused:"), reason)


# --- field messages ------------------------------------------------------------------------

_REASONS = [
    (re.compile(r"^missing: .* is required when (?P<condition>.+)$"),
     N_("Fill in this cell: the row's other answers require it (%(condition)s).")),
    (re.compile(r"^missing\b"), N_("Fill in this field: the act requires it.")),
    (re.compile(r"^may be .+ only when (?P<condition>.+)$"),
     N_("This cell may say yes (or hold a value) only when the row's condition holds: %(condition)s.")),
    (re.compile(r"expected one of (?P<choices>.+?), got"), N_("Choose one of: %(choices)s.")),
    (re.compile(r"but the rows of table '[^']*' give (?P<value>\S+)"),
     N_("The table's rows give %(value)s here: leave this field empty, or make it agree with the rows.")),
    (re.compile(r"expected a whole number"), N_("Enter a whole number.")),
    (re.compile(r"expected a number|not a number"), N_("Enter a number.")),
    (re.compile(r"expected yes or no|expected a yes/no|not a yes/no|boolean"), N_("Choose yes or no.")),
    (re.compile(r"is below the minimum (?P<limit>\S+)"), N_("The value is below the minimum, %(limit)s.")),
    (re.compile(r"is above the maximum (?P<limit>\S+)"), N_("The value is above the maximum, %(limit)s.")),
    (re.compile(r"needs at least (?P<limit>\d+)"), N_("Give at least %(limit)s value(s).")),
]


def field_message(request: Request, reason: str, compiled) -> Markup:
    """One problem of a report, in the reader's language where we can say it
    exactly (a check's wording from the act, a usual reason), with the engine's
    own words beside it."""
    lang = request_lang(request)
    t = translator(request)
    filters = Filters(lang, t)
    for check in getattr(compiled, "checks", []) or []:
        english = getattr(check.message, "en", None)
        if english and reason.startswith(english):
            text = filters.text(check.message, note=False)      # the page says once that it is Russian
            paragraph = f" ({check.paragraph})" if check.paragraph else ""
            return Markup("%s%s <span class=\"engine-reason\" lang=\"en\">%s</span>") % (text, paragraph, reason)
    for pattern, message in _REASONS:
        found = pattern.search(reason)
        if found:
            shown = t.gettext(message) % found.groupdict() if found.groupdict() else t.gettext(message)
            return Markup('%s <span class="engine-reason" lang="en">%s</span>') % (shown, reason)
    return Markup('<span lang="en">%s</span>') % reason

