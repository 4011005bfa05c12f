"""Users and their roles (who may do what is in ``policy``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.store.models import ROLES, Body, User

from .state import CampaignError, NotFound, _flush, _record

# --- users and roles ---------------------------------------------------------------------

def add_user(session: Session, name: str, role: str, body: str | None = None, actor: str = "system") -> User:
    if role not in ROLES:
        raise CampaignError(f"unknown role '{role}'; use one of {', '.join(ROLES)}")
    if role == "body" and not body:
        raise CampaignError("a user with role 'body' speaks for one body: give its code")
    if body and role not in ("body", "evaluator"):
        raise CampaignError(f"only body officers and evaluators belong to a body; a {role} acts for no body")
    if body and session.get(Body, body) is None:
        raise CampaignError(f"unknown body '{body}'; import the registry first (`bagalau bodies import`)")
    existing = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
    if existing is not None:
        if existing.role == "evaluator" == role and existing.body_code is None and body:
            existing.body_code = body            # an evaluator joins their evaluating body
            _flush(session, f"user {name}")
            _record(session, None, actor, "user.update", f"user:{name}", {"body": body})
        if existing.role != role or existing.body_code != (body or None):
            raise CampaignError(f"user '{name}' exists with role {existing.role}"
                                + (f" for {existing.body_code}" if existing.body_code else ""))
        return existing
    user = User(name=name, role=role, body_code=body or None)
    session.add(user)
    _flush(session, f"user {name}")
    _record(session, None, actor, "user.add", f"user:{name}", {"role": role, "body": body})
    return user


def get_user(session: Session, name: str) -> User:
    user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"unknown user '{name}'; add one with `bagalau users add NAME --role ROLE`")
    return user
