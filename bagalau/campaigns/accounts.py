"""Accounts: passwords (argon2, through pwdlib), lock-out after repeated failed
logins, one-time setup links, browser sessions and personal API tokens.

Every secret handed out (session key, API token, setup token) is 256 random
bits from ``secrets``; the store keeps only its SHA-256. A password is checked
against its argon2 hash; an unknown name still costs one argon2 check, so the
time of an answer does not tell whether an account exists. Lock-outs,
password changes, token grants and revocations go into the audit chain.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pwdlib import PasswordHash
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.store import audit
from bagalau.store.accounts import ApiToken, AuthSession, SetupToken
from bagalau.store.models import User, utcnow

from .state import CampaignError

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
LOCK_AFTER = 5                              # consecutive failures
LOCK_FOR = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=8)
SESSION_ABSOLUTE = timedelta(hours=24)
SETUP_VALID = timedelta(hours=72)
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 366
TOKEN_PREFIX = "bgl_"

hasher = PasswordHash.recommended()         # argon2id with the library's recommended cost
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))


class AuthError(CampaignError):
    """Wrong name or password, or a locked, disabled or unusable account; the
    message never says which name exists."""


class LockedOut(AuthError):
    def __init__(self, until: datetime):
        super().__init__(f"too many failed logins: the account is locked until {until:%Y-%m-%d %H:%M} UTC")
        self.until = until


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


# --- passwords ---------------------------------------------------------------------------

def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise CampaignError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise CampaignError(f"a password may have at most {MAX_PASSWORD} characters")


def set_password(session: Session, user: User, password: str, actor: str) -> None:
    check_password_rules(password)
    user.password_hash = hasher.hash(password)
    user.password_set_at = utcnow()
    user.failed_logins, user.locked_until = 0, None
    end_sessions(session, user)
    session.flush()
    audit.record(session, actor, "account.password", f"user:{user.name}", {"by": actor})


def authenticate(session: Session, name: str, password: str, now: datetime | None = None) -> User:
    """The user whose name and password these are, or AuthError. Failed attempts
    are counted; the LOCK_AFTER-th in a row locks the account for LOCK_FOR and
    writes the lock-out to the audit chain (the caller commits even on failure)."""
    now = now or utcnow()
    user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
    if user is None or not user.password_hash or not user.active:
        hasher.verify(password[:MAX_PASSWORD], _DUMMY_HASH)
        raise AuthError("wrong user name or password")
    locked = _aware(user.locked_until)
    if locked is not None and locked > now:
        raise LockedOut(locked)
    valid, updated = hasher.verify_and_update(password[:MAX_PASSWORD], user.password_hash)
    if not valid:
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= LOCK_AFTER:
            user.locked_until = now + LOCK_FOR
            session.flush()
            audit.record(session, "system", "account.lockout", f"user:{user.name}",
                         {"failed_logins": user.failed_logins, "locked_until": user.locked_until.isoformat()})
            user.failed_logins = 0
            raise LockedOut(user.locked_until)
        raise AuthError("wrong user name or password")
    if updated:
        user.password_hash = updated
    user.failed_logins, user.locked_until = 0, None
    return user


# --- one-time setup links ------------------------------------------------------------------

def create_setup_token(session: Session, user: User, actor: str) -> str:
    secret = secrets.token_urlsafe(32)
    session.add(SetupToken(user_id=user.id, token_hash=digest(secret), expires_at=utcnow() + SETUP_VALID))
    session.flush()
    audit.record(session, actor, "account.setup_link", f"user:{user.name}", {"valid_hours": SETUP_VALID // timedelta(hours=1)})
    return secret


def use_setup_token(session: Session, secret: str, password: str) -> User:
    row = session.execute(select(SetupToken).where(SetupToken.token_hash == digest(secret))).scalar_one_or_none()
    if row is None or row.used_at is not None or _aware(row.expires_at) <= utcnow():
        raise AuthError("this setup link is unknown, used or expired; ask an administrator for a new one")
    user = session.get(User, row.user_id)
    check_password_rules(password)
    row.used_at = utcnow()
    set_password(session, user, password, user.name)
    return user


# --- browser sessions --------------------------------------------------------------------

@dataclass
class NewSession:
    key: str                 # the cookie's value; only its hash is stored
    row: AuthSession


def start_session(session: Session, user: User, client: str | None = None) -> NewSession:
    key = secrets.token_urlsafe(32)
    now = utcnow()
    row = AuthSession(key_hash=digest(key), user_id=user.id, csrf_token=secrets.token_urlsafe(32), created_at=now,
                      last_seen_at=now, expires_at=now + SESSION_ABSOLUTE, client=(client or "")[:200] or None)
    session.add(row)
    session.flush()
    return NewSession(key, row)


def find_session(session: Session, key: str, now: datetime | None = None) -> AuthSession | None:
    now = now or utcnow()
    row = session.execute(select(AuthSession).where(AuthSession.key_hash == digest(key))).scalar_one_or_none()
    if row is None or row.ended_at is not None or _aware(row.expires_at) <= now \
            or _aware(row.last_seen_at) + SESSION_IDLE <= now or not row.user.active:
        return None
    if now - _aware(row.last_seen_at) > timedelta(minutes=1):
        row.last_seen_at = now
    return row


def end_session(row: AuthSession) -> None:
    if row.ended_at is None:
        row.ended_at = utcnow()


def end_sessions(session: Session, user: User) -> None:
    for row in session.execute(select(AuthSession).where(AuthSession.user_id == user.id,
                                                         AuthSession.ended_at.is_(None))).scalars():
        row.ended_at = utcnow()


# --- personal API tokens ------------------------------------------------------------------

@dataclass
class NewToken:
    secret: str              # shown once
    row: ApiToken


def create_token(session: Session, user: User, name: str, days: int, actor: str) -> NewToken:
    if not name.strip():
        raise CampaignError("name the token (what program uses it)")
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise CampaignError(f"a token lives from 1 to {TOKEN_MAX_DAYS} days, not {days}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name.strip()[:128], prefix=secret[:10], token_hash=digest(secret),
                   expires_at=utcnow() + timedelta(days=days))
    session.add(row)
    session.flush()
    audit.record(session, actor, "token.create", f"token:{row.id}",
                 {"user": user.name, "name": row.name, "expires_at": row.expires_at.isoformat()})
    return NewToken(secret, row)


def find_token(session: Session, secret: str, now: datetime | None = None) -> ApiToken | None:
    now = now or utcnow()
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == digest(secret))).scalar_one_or_none()
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= now or not row.user.active:
        return None
    if row.last_used_at is None or now - _aware(row.last_used_at) > timedelta(minutes=1):
        row.last_used_at = now
    return row


def revoke_token(session: Session, row: ApiToken, actor: str) -> None:
    if row.revoked_at is not None:
        raise CampaignError(f"token #{row.id} was already revoked")
    row.revoked_at = utcnow()
    session.flush()
    audit.record(session, actor, "token.revoke", f"token:{row.id}", {"user": row.user.name, "name": row.name})
