"""Who is looking at a page, for page routes.

``viewer`` is the API's ``authenticate`` dependency (the session cookie, the
CSRF check of forms that post: a ``csrf_token`` field): pages and API share
one notion of a signed-in user. ``signed_in_viewer`` sends an anonymous reader
to the login page (a redirect) instead of a 401.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Depends, Request

from bagalau.api.auth import Authentication, authenticate


class LoginRequired(Exception):
    """Raised by page dependencies: answered with a redirect to the login page."""

    def __init__(self, next_path: str):
        super().__init__(next_path)
        self.next_path = next_path


def viewer(auth: Authentication = Depends(authenticate)) -> Authentication:
    return auth


def signed_in_viewer(request: Request, auth: Authentication = Depends(authenticate)) -> Authentication:
    if not auth.actor.authenticated:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return auth


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to after a form (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(safe_next(next_path), safe="/")
