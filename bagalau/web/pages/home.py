"""The start page: for a reader without an account what is open to everyone,
for a signed-in user their dashboard (``dashboard.py`` fills it)."""

from __future__ import annotations

from fastapi import Depends, Request

from bagalau.api.auth import Authentication

from ..rendering import render
from ..routing import page_router
from ..session import viewer

router = page_router()

# Extra blocks on the start page: functions (request, auth, session) -> (template, context) | None.
# The dashboard registers itself here.
START_PAGE: list = []


@router.get("/")
def start(request: Request, auth: Authentication = Depends(viewer)):
    return render(request, "home.html", {})
