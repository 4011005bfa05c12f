"""The REST API (FastAPI): ``create_app`` builds the application; ``policy``
(in ``bagalau.campaigns``) decides access, ``auth`` who is asking, ``problems``
how errors read, ``jobs`` where long work runs, ``routers/`` one module per
resource."""

from __future__ import annotations

from .app import PREFIX, create_app
from .settings import Settings

__all__ = ["create_app", "Settings", "PREFIX"]
