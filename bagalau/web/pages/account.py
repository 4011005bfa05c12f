"""Signing in and out, changing one's password, and the language switch.

The login form starts the same session as ``POST /api/v1/auth/login`` (a new
session id on every login, the same rate limits, failure counting and
lock-out); logout and the password change are forms carrying the session's
CSRF token.
"""

from __future__ import annotations

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from bagalau import i18n
from bagalau.api.auth import COOKIE, Authentication, clear_session_cookie, set_session_cookie
from bagalau.api.problems import ProblemError
from bagalau.api.state import store_session
from bagalau.campaigns import CampaignError, accounts
from bagalau.store.accounts import AuthSession
from bagalau.store.models import User

from ..rendering import LANG_COOKIE, render, tr
from ..routing import page_router
from ..session import safe_next, signed_in_viewer, viewer

router = page_router()

ONE_YEAR = 365 * 24 * 3600


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _cross_site(request: Request) -> bool:
    origin = request.headers.get("origin")
    return bool(origin and origin != "null" and origin.rstrip("/") != str(request.base_url).rstrip("/"))


@router.get("/login")
def login_form(request: Request, next: str = "/", ready: int = 0, auth: Authentication = Depends(viewer)):
    return render(request, "login.html", {"next": safe_next(next), "name": "", "error": None, "ready": bool(ready)})


@router.post("/login")
def login(request: Request, name: str = Form(""), password: str = Form(""), next: str = Form("/"),
          session: Session = Depends(store_session)):
    target = safe_next(next)

    def again(message: str, status: int, headers: dict | None = None):
        return render(request, "login.html", {"next": target, "name": name, "error": message, "ready": False},
                      status_code=status, headers=headers)

    if _cross_site(request):
        return again(tr(request, "A sign-in form sent from another site is refused."), 403)
    if not name.strip() or not password:
        return again(tr(request, "Enter your user name and your password."), 422)
    try:
        request.app.state.login_limiter.hit(_client(request), name)
    except ProblemError as exc:
        return again(tr(request, "Too many sign-in attempts. Wait a minute and try again."), 429, exc.headers)
    try:
        user = accounts.authenticate(session, name.strip(), password[:accounts.MAX_PASSWORD])
    except accounts.LockedOut as exc:
        session.commit()
        until = exc.until.strftime("%Y-%m-%d %H:%M")
        return again(tr(request, "Too many failed sign-ins: the account is locked until %(until)s UTC.",
                        until=until), 429)
    except accounts.AuthError:
        session.commit()                 # the failure count and any lock-out are kept
        return again(tr(request, "Wrong user name or password."), 401)
    old = request.cookies.get(COOKIE)
    if old:
        previous = accounts.find_session(session, old)
        if previous is not None:
            accounts.end_session(previous)
    new = accounts.start_session(session, user, request.headers.get("user-agent"))
    session.commit()
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, new.key)
    return response


@router.post("/logout")
def logout(request: Request, auth: Authentication = Depends(viewer), session: Session = Depends(store_session)):
    if auth.via == "session":
        accounts.end_session(session.get(AuthSession, auth.session_id))
        session.commit()
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.get("/account/password")
def password_form(request: Request, changed: int = 0, auth: Authentication = Depends(signed_in_viewer)):
    return render(request, "password.html", {"errors": {}, "done": bool(changed)})


@router.post("/account/password")
def change_password(request: Request, current_password: str = Form(""), new_password: str = Form(""),
                    repeat_password: str = Form(""), auth: Authentication = Depends(signed_in_viewer),
                    session: Session = Depends(store_session)):
    errors: dict[str, str] = {}
    if not current_password:
        errors["current_password"] = tr(request, "Enter your current password.")
    if len(new_password) < accounts.MIN_PASSWORD:
        errors["new_password"] = tr(request, "The new password needs at least %(n)s characters.",
                                         n=accounts.MIN_PASSWORD)
    elif len(new_password) > accounts.MAX_PASSWORD:
        errors["new_password"] = tr(request, "The new password may have at most %(n)s characters.",
                                         n=accounts.MAX_PASSWORD)
    if new_password != repeat_password:
        errors["repeat_password"] = tr(request, "The two new passwords differ.")
    if not errors:
        try:
            request.app.state.login_limiter.hit(_client(request), auth.actor.name)
            user = accounts.authenticate(session, auth.actor.name, current_password[:accounts.MAX_PASSWORD])
        except ProblemError:
            errors["current_password"] = tr(request, "Too many sign-in attempts. Wait a minute and try again.")
        except accounts.AuthError:
            session.commit()
            errors["current_password"] = tr(request, "The current password is wrong.")
        else:
            try:
                accounts.set_password(session, session.get(User, user.id), new_password, user.name)
            except CampaignError:
                errors["new_password"] = tr(request, "The new password needs at least %(n)s characters.",
                                                 n=accounts.MIN_PASSWORD)
            else:
                # every session of the account ends; sign this browser in again on a new one
                new = accounts.start_session(session, session.get(User, user.id), request.headers.get("user-agent"))
                session.commit()
                response = RedirectResponse("/account/password?changed=1", status_code=303)
                set_session_cookie(request, response, new.key)
                return response
    return render(request, "password.html", {"errors": errors, "done": False}, status_code=422)


@router.get("/lang/{code}")
def choose_language(code: str, request: Request, next: str = "/"):
    """Switch the interface language and remember it (a cookie for a year)."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in i18n.LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=ONE_YEAR, path="/", samesite="lax", httponly=False)
    return response


@router.get("/setup")
def setup_form(request: Request, auth: Authentication = Depends(viewer)):
    """The page of a one-time setup link (``/setup#<token>``): the token stays in
    the fragment, which browsers never send; a line of script copies it into the
    form, or the reader pastes it."""
    return render(request, "setup.html", {"errors": {}, "token": ""})


@router.post("/setup")
def setup(request: Request, token: str = Form(""), new_password: str = Form(""), repeat_password: str = Form(""),
          session: Session = Depends(store_session)):
    errors: dict[str, str] = {}
    if not token.strip():
        errors["token"] = tr(request, "The setup link's code is missing: open the whole link, or paste the code.")
    if len(new_password) < accounts.MIN_PASSWORD:
        errors["new_password"] = tr(request, "The new password needs at least %(n)s characters.",
                                    n=accounts.MIN_PASSWORD)
    elif len(new_password) > accounts.MAX_PASSWORD:
        errors["new_password"] = tr(request, "The new password may have at most %(n)s characters.",
                                    n=accounts.MAX_PASSWORD)
    if new_password != repeat_password:
        errors["repeat_password"] = tr(request, "The two new passwords differ.")
    if not errors:
        try:
            request.app.state.login_limiter.hit(_client(request), "setup")
            accounts.use_setup_token(session, token.strip()[:200], new_password)
        except ProblemError:
            errors["token"] = tr(request, "Too many sign-in attempts. Wait a minute and try again.")
        except accounts.AuthError:
            errors["token"] = tr(request, "This setup link is unknown, used or expired; ask an administrator for a "
                                          "new one.")
        else:
            session.commit()
            return RedirectResponse("/login?ready=1", status_code=303)
    return render(request, "setup.html", {"errors": errors, "token": token}, status_code=422)
