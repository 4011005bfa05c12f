"""User accounts (administrators): list and add, with an initial password or a
one-time setup link."""

from __future__ import annotations


from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.campaigns import accounts, policy
from bagalau.store.models import ROLES, User

from ..auth import Authentication, signed_in
from ..schemas import Moment
from ..state import store_session

router = APIRouter(prefix="/users", tags=["users"])


class UserInfo(BaseModel):
    name: str
    role: str
    body: str | None
    active: bool
    has_password: bool
    locked_until: Moment | None


class NewUser(BaseModel):
    name: str = Field(min_length=1, max_length=128)
    role: str = Field(json_schema_extra={"enum": list(ROLES)})
    body: str | None = Field(None, max_length=64, description="body officers: their body; evaluators: their "
                                                              "evaluating body")
    password: str | None = Field(None, max_length=accounts.MAX_PASSWORD, description="an initial password; "
                                 "without one, a one-time setup link is returned")


class CreatedUser(UserInfo):
    setup_link: str | None = None


def _info(user: User) -> dict:
    return dict(name=user.name, role=user.role, body=user.body_code, active=user.active,
                has_password=bool(user.password_hash), locked_until=user.locked_until)


@router.get("", response_model=list[UserInfo])
def list_users(auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    policy.check(session, auth.actor, "user.manage")
    return [_info(u) for u in session.execute(select(User).order_by(User.name)).scalars()]


@router.post("", response_model=CreatedUser, status_code=201)
def add_user(data: NewUser, request: Request, auth: Authentication = Depends(signed_in),
             session: Session = Depends(store_session)):
    policy.check(session, auth.actor, "user.manage")
    if session.execute(select(User).where(User.name == data.name)).scalar_one_or_none() is not None:
        raise campaigns.ConflictError(f"user '{data.name}' exists already")
    user = campaigns.add_user(session, data.name, data.role, data.body, actor=auth.actor.name)
    link = None
    if data.password:
        accounts.set_password(session, user, data.password, auth.actor.name)
    else:
        link = setup_link(request.app.state.settings.public_url,
                          accounts.create_setup_token(session, user, auth.actor.name))
    session.commit()
    return {**_info(user), "setup_link": link}


def setup_link(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/setup#{token}"
