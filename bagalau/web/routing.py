"""``PAGE_ROUTERS``: the routers of the server-rendered pages.

A page module in ``bagalau/web/pages/`` makes an ``APIRouter`` and appends it
here; ``bagalau.web.install`` imports every module of that package and mounts
every router in this list on the application (no prefix: pages live at
``/``, the API at ``/api``). Page routes are left out of the OpenAPI document.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter

PAGE_ROUTERS: list[APIRouter] = []


def page_router(**kwargs) -> APIRouter:
    """A new router for pages, already in ``PAGE_ROUTERS``."""
    router = APIRouter(include_in_schema=False, **kwargs)
    PAGE_ROUTERS.append(router)
    return router


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str                  # a message id, marked with i18n.N_ where it is written
    permission: str | None      # a policy action the reader's role must have; None: everyone
    order: int = 50


# The main navigation: page modules add their entry (``nav(...)``).
NAV: list[NavItem] = []


def nav(path: str, label: str, permission: str | None = None, order: int = 50) -> None:
    NAV.append(NavItem(path, label, permission, order))
    NAV.sort(key=lambda item: item.order)
