"""Who is asking: a bearer token (programs), a session cookie (browsers), or
nobody (the public); and the CSRF check for browsers.

``authenticate`` is a FastAPI dependency that resolves the request's
``Authentication`` and keeps it on ``request.state.auth``, where server-rendered
pages find it too. A cookie-authenticated request with an unsafe method must
carry the session's CSRF token, in the ``X-CSRF-Token`` header (scripts,
htmx) or a ``csrf_token`` form field (plain HTML forms); a bearer token needs
none, since a browser never sends one by itself.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from bagalau.campaigns import accounts
from bagalau.campaigns.policy import PUBLIC, Actor
from bagalau.i18n import Message
from bagalau.store.accounts import AuthSession

from .problems import ProblemError
from .state import store_session

COOKIE = "bagalau_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

bearer_scheme = HTTPBearer(auto_error=False, description="a personal API token: `Authorization: Bearer bgl_...`")
cookie_scheme = APIKeyCookie(name=COOKIE, auto_error=False,
                             description="the browser session from POST /api/v1/auth/login; unsafe methods also "
                                         "need the X-CSRF-Token header")


@dataclass
class Authentication:
    actor: Actor
    via: str                              # token | session | none
    session_id: int | None = None
    csrf_token: str | None = None
    token_id: int | None = None


def _cookie_secure(request: Request) -> bool:
    mode = request.app.state.settings.cookie_secure
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")


def set_session_cookie(request: Request, response: Response, key: str) -> None:
    response.set_cookie(COOKIE, key, httponly=True, secure=_cookie_secure(request), samesite="lax", path="/",
                        max_age=int(accounts.SESSION_ABSOLUTE.total_seconds()))


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, secure=_cookie_secure(request), samesite="lax")


def resolve(session: Session, request: Request, bearer: str | None, cookie: str | None) -> Authentication:
    if bearer is not None:
        token = accounts.find_token(session, bearer)
        if token is None:
            raise ProblemError(401, Message("the API token is unknown, expired or revoked"), "unauthenticated",
                               headers={"WWW-Authenticate": 'Bearer realm="bagalau", error="invalid_token"'})
        return Authentication(Actor.of(token.user), "token", token_id=token.id)
    if cookie:
        row: AuthSession | None = accounts.find_session(session, cookie)
        if row is not None:
            return Authentication(Actor.of(row.user), "session", session_id=row.id, csrf_token=row.csrf_token)
    return Authentication(PUBLIC, "none")


async def _csrf_candidate(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            form = await request.form()
        except Exception:            # a broken form body: no token in it
            return None
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def check_csrf(auth: Authentication, candidate: str | None) -> None:
    if auth.via != "session":
        return
    if not candidate or not hmac.compare_digest(candidate.encode(), (auth.csrf_token or "").encode()):
        raise ProblemError(403, f"CSRF check failed: a request signed in by the session cookie must send the "
                                f"session's token in the {CSRF_HEADER} header (or the {CSRF_FIELD} form field)",
                           "csrf")


async def csrf_candidate(request: Request) -> str | None:
    if request.method in SAFE_METHODS:
        return None
    return await _csrf_candidate(request)


def authenticate(request: Request, session: Session = Depends(store_session),
                 bearer: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
                 cookie: str | None = Depends(cookie_scheme),
                 candidate: str | None = Depends(csrf_candidate)) -> Authentication:
    auth = resolve(session, request, bearer.credentials if bearer else None, cookie)
    if session.dirty:
        session.commit()                   # last seen / last used, at most once a minute
    if request.method not in SAFE_METHODS:
        check_csrf(auth, candidate)
    request.state.auth = auth
    return auth


def current_actor(auth: Authentication = Depends(authenticate)) -> Actor:
    return auth.actor


def signed_in(auth: Authentication = Depends(authenticate)) -> Authentication:
    if not auth.actor.authenticated:
        raise ProblemError(401, Message("sign in first (a session cookie or a bearer token)"), "unauthenticated",
                           headers={"WWW-Authenticate": 'Bearer realm="bagalau"'})
    return auth
