"""Signing in and out (browser sessions), the current session, first passwords
from a one-time setup link, and changing one's password."""

from __future__ import annotations


from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from bagalau.campaigns import accounts
from bagalau.store.accounts import AuthSession
from bagalau.store.models import User

from ..auth import Authentication, authenticate, clear_session_cookie, set_session_cookie, signed_in
from ..problems import ProblemError
from ..schemas import Moment
from ..state import store_session

router = APIRouter(prefix="/auth", tags=["authentication"])


class Login(BaseModel):
    name: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=accounts.MAX_PASSWORD)


class SessionInfo(BaseModel):
    user: str | None = Field(description="null for the public")
    role: str
    body: str | None = None
    via: str = Field(description="session, token or none")
    csrf_token: str | None = Field(None, description="send it as X-CSRF-Token with unsafe methods")
    expires_at: Moment | None = None


class Setup(BaseModel):
    token: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=accounts.MAX_PASSWORD)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=accounts.MAX_PASSWORD)
    new_password: str = Field(min_length=1, max_length=accounts.MAX_PASSWORD)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _same_origin(request: Request) -> None:
    """Login CSRF: a browser that says where the form came from must say here."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.rstrip("/") != str(request.base_url).rstrip("/"):
        raise ProblemError(403, f"a login from another site ({origin}) is refused", "csrf")


@router.post("/login", response_model=SessionInfo)
def login(data: Login, request: Request, response: Response, session: Session = Depends(store_session)):
    """Check name and password; start a new session (a new id on every login) and set its cookie."""
    _same_origin(request)
    request.app.state.login_limiter.hit(_client(request), data.name)
    try:
        user = accounts.authenticate(session, data.name, data.password)
    except accounts.AuthError:
        session.commit()               # the failure count and any lock-out are kept
        raise
    old = request.cookies.get("bagalau_session")
    if old:
        previous = accounts.find_session(session, old)
        if previous is not None:
            accounts.end_session(previous)
    new = accounts.start_session(session, user, request.headers.get("user-agent"))
    session.commit()
    set_session_cookie(request, response, new.key)
    return SessionInfo(user=user.name, role=user.role, body=user.body_code, via="session",
                       csrf_token=new.row.csrf_token, expires_at=new.row.expires_at)


@router.post("/logout", status_code=204, response_class=Response)
def logout(request: Request, auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    """End the session (the cookie no longer signs anyone in)."""
    if auth.via == "session":
        accounts.end_session(session.get(AuthSession, auth.session_id))
        session.commit()
    response = Response(status_code=204)
    clear_session_cookie(request, response)
    return response


@router.get("/session", response_model=SessionInfo)
def current(auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    """Who this request is signed in as (and the CSRF token of a browser session)."""
    actor = auth.actor
    expires = session.get(AuthSession, auth.session_id).expires_at if auth.session_id else None
    return SessionInfo(user=actor.name if actor.authenticated else None, role=actor.role, body=actor.body,
                       via=auth.via, csrf_token=auth.csrf_token, expires_at=expires)


@router.post("/setup", response_model=SessionInfo)
def setup(data: Setup, request: Request, session: Session = Depends(store_session)):
    """Set the first password with a one-time setup link's token (`bagalau users add --setup-link`)."""
    request.app.state.login_limiter.hit(_client(request), "setup")
    user = accounts.use_setup_token(session, data.token, data.password)
    session.commit()
    return SessionInfo(user=user.name, role=user.role, body=user.body_code, via="none")


@router.post("/password", status_code=204, response_class=Response)
def change_password(data: PasswordChange, request: Request, auth: Authentication = Depends(signed_in),
                    session: Session = Depends(store_session)):
    """Change one's own password; every session of the account ends."""
    request.app.state.login_limiter.hit(_client(request), auth.actor.name)
    try:
        user = accounts.authenticate(session, auth.actor.name, data.current_password)
    except accounts.AuthError:
        session.commit()
        raise
    accounts.set_password(session, session.get(User, user.id), data.new_password, user.name)
    session.commit()
    return Response(status_code=204)
