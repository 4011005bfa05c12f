"""The web application: server-rendered pages (Jinja2, htmx vendored in
``static/``, no CDN and no JavaScript build) in the same FastAPI application
as the API.

``install(app)`` (called by ``bagalau.api.create_app``) mounts ``/static``,
imports every page module in ``pages/`` and includes every router of
``PAGE_ROUTERS``, and makes the errors of page routes HTML pages in the
reader's language (the API's stay problem+json). Pages call the campaign
functions and ``campaigns.policy`` directly, never the API over HTTP.

Languages: ``bagalau.i18n`` (Babel catalogs kk, ru, en); the reader's choice
is remembered in the ``bagalau_lang`` cookie (``/lang/<code>``).
"""

from __future__ import annotations

import importlib
import json
import pkgutil

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from . import pages
from .rendering import STATIC, render, request_lang
from .routing import PAGE_ROUTERS, page_router
from .session import LoginRequired, login_url

__all__ = ["install", "PAGE_ROUTERS", "page_router", "render"]

API_PATHS = ("/api/", "/api")


def _load_pages() -> None:
    for module in pkgutil.iter_modules(pages.__path__):
        importlib.import_module(f"{pages.__name__}.{module.name}")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PATHS)


def _html_errors(handler):
    async def handle(request: Request, exc: Exception):
        if not _is_api(request):
            request.state.problem_lang = request_lang(request)     # the problem's words in the page's language
        response = handler(request, exc)
        if hasattr(response, "__await__"):
            response = await response
        if _is_api(request):
            return response
        if response.status_code == 401:
            return RedirectResponse(login_url(request.url.path), status_code=303)
        try:
            problem = json.loads(bytes(response.body))
        except (ValueError, AttributeError):
            problem = {}
        headers = {k: v for k, v in response.headers.items() if k.lower() in ("retry-after",)}
        return render(request, "error.html", {"status": response.status_code, "detail": problem.get("detail"),
                                              "detail_lang": response.headers.get("content-language"),
                                              "errors": problem.get("errors") or []},
                      status_code=response.status_code, headers=headers)
    return handle


def install(app: FastAPI) -> None:
    _load_pages()
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for router in PAGE_ROUTERS:
        app.include_router(router)
    for kind, handler in list(app.exception_handlers.items()):
        app.exception_handlers[kind] = _html_errors(handler)

    @app.exception_handler(LoginRequired)
    async def _login_first(request: Request, exc: LoginRequired):
        return RedirectResponse(login_url(exc.next_path), status_code=303)
