"""Personal API tokens: create (the secret is shown once), list, revoke."""

from __future__ import annotations


from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.campaigns import accounts, policy
from bagalau.i18n import Message
from bagalau.store.accounts import ApiToken
from bagalau.store.models import User

from ..auth import Authentication, signed_in
from ..problems import ProblemError
from ..schemas import Moment
from ..state import store_session

router = APIRouter(prefix="/tokens", tags=["authentication"])


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=128, description="what program uses it")
    days: int = Field(accounts.TOKEN_DEFAULT_DAYS, ge=1, le=accounts.TOKEN_MAX_DAYS)


class TokenInfo(BaseModel):
    id: int
    user: str
    name: str
    prefix: str
    created_at: Moment
    expires_at: Moment
    revoked_at: Moment | None
    last_used_at: Moment | None


class NewToken(TokenInfo):
    token: str = Field(description="the secret: shown only now; send it as `Authorization: Bearer ...`")


def _info(row: ApiToken) -> dict:
    return dict(id=row.id, user=row.user.name, name=row.name, prefix=row.prefix, created_at=row.created_at,
                expires_at=row.expires_at, revoked_at=row.revoked_at, last_used_at=row.last_used_at)


@router.get("", response_model=list[TokenInfo])
def list_tokens(user: str | None = Query(None, max_length=128, description="another user's (administrators)"),
                auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    owner = user or auth.actor.name
    policy.check(session, auth.actor, "token.manage", owner=owner)
    rows = session.execute(select(ApiToken).join(User, User.id == ApiToken.user_id).where(User.name == owner)
                           .order_by(ApiToken.id)).scalars()
    return [_info(row) for row in rows]


@router.post("", response_model=NewToken, status_code=201)
def create_token(data: TokenRequest, auth: Authentication = Depends(signed_in),
                 session: Session = Depends(store_session)):
    """A new token for the signed-in user."""
    user = session.get(User, auth.actor.user_id)
    new = accounts.create_token(session, user, data.name, data.days, auth.actor.name)
    session.commit()
    return {**_info(new.row), "token": new.secret}


@router.delete("/{token_id}", status_code=204, response_class=Response)
def revoke_token(token_id: int, auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    row = session.get(ApiToken, token_id)
    if row is None:
        raise ProblemError(404, Message("no token #%(id)s", id=token_id), "not-found")
    policy.check(session, auth.actor, "token.manage", owner=row.user.name)
    accounts.revoke_token(session, row, auth.actor.name)
    session.commit()
    return Response(status_code=204)
