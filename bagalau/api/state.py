"""The application's state shared by requests: the store's session factory, the
evidence files, the login limiter and the job runner."""

from __future__ import annotations

from typing import Iterator

from fastapi import Request
from sqlalchemy.orm import Session


def store_session(request: Request) -> Iterator[Session]:
    """One database session per request. Routers commit what they change; what
    they do not commit is rolled back."""
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.rollback()
        session.close()

