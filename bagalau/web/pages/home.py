"""The start page: the dashboard of the signed-in reader (``dashboard.py``),
or for a reader without an account the campaigns and what is open to all."""

from __future__ import annotations

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from bagalau.api.auth import Authentication
from bagalau.api.state import store_session
from bagalau.i18n import N_

from ..campaign import STATE_NAMES
from ..rendering import render, today
from ..routing import nav, page_router
from ..session import viewer
from . import dashboard

router = page_router()
nav("/", N_("Dashboard"), order=0)


@router.get("/")
def start(request: Request, auth: Authentication = Depends(viewer), session: Session = Depends(store_session)):
    return render(request, "home.html", {"cards": dashboard.cards(session, auth.actor, today(request)),
                                         "states": STATE_NAMES,
                                         "bodies": dashboard.body_names(session)})
