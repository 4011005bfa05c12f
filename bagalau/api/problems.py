"""Errors as RFC 9457 problem details (``application/problem+json``).

Each refusal carries the same message the command line prints, and where the
engine or the request names fields, ``errors`` lists each with its path
(``field``), its place in the file or form (``location``) and the reason.
An access refusal about another body's resource is answered 404, as if it
did not exist; other refusals 403, or 401 where an account would help.

Languages: ``type`` (``urn:bagalau:problem:<kind>``) and ``status`` are the
stable, machine-readable part; ``title`` and ``detail`` are for people. A
``detail`` that comes from the catalogs (an ``i18n.Message``: the fixed
refusals here, and any step that raises one) and the ``title`` follow the
request's ``Accept-Language`` (kk, ru, en); without one the API answers in
English, as it always has. ``Content-Language`` says the language of
``detail``: a message not yet in the catalogs stays English.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from bagalau.campaigns import AccessDenied, CampaignError, ConflictError, NotFound
from bagalau.campaigns.accounts import AuthError, LockedOut
from bagalau.campaigns.registry import RegistryError
from bagalau.engine.inputs import InputError
from bagalau.i18n import N_, Message, localize, negotiate, translator

MEDIA_TYPE = "application/problem+json"
TITLES = {400: N_("Bad request"), 401: N_("Authentication required"), 403: N_("Forbidden"), 404: N_("Not found"),
          405: N_("Method not allowed"), 409: N_("Conflict"), 410: N_("Gone"), 413: N_("Content too large"),
          415: N_("Unsupported media type"), 422: N_("Unprocessable content"), 429: N_("Too many requests"),
          503: N_("Service unavailable")}
DEFAULT_LANG = "en"        # the API's language when the request names none (Accept-Language)


class FieldProblem(BaseModel):
    field: str = Field(description="path of the field: body.app2_g1, query.limit, inputs.app2_g6 ...")
    reason: str
    location: str | None = Field(None, description="where the value came from (key path, sheet and cell)")
    body: str | None = Field(None, description="the state body whose report it is")


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] | None = None


class ProblemError(Exception):
    """Raised by routers for a problem the campaign functions do not know (upload limits...)."""

    def __init__(self, status: int, detail: str | Message, kind: str = "", errors: list[dict] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.kind, self.errors, self.headers = status, detail, kind, errors, headers


def language(request: Request) -> str:
    """The language of a problem's words: the web page's (set by the pages' error handler), else the first of
    ours in Accept-Language, else English."""
    return getattr(request.state, "problem_lang", None) or negotiate(request.headers.get("accept-language")) \
        or DEFAULT_LANG


def problem(request: Request, status: int, detail: str | Message | None, kind: str = "",
            errors: list[dict] | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    lang = language(request)
    words = translator(lang, False)
    body: dict[str, Any] = {"type": f"urn:bagalau:problem:{kind}" if kind else "about:blank",
                            "title": words.gettext(TITLES[status]) if status in TITLES else "Error", "status": status,
                            "detail": None if detail is None else localize(detail, words),
                            "instance": request.url.path}
    if errors:
        body["errors"] = errors
    said = lang if isinstance(detail, Message) or detail is None else DEFAULT_LANG
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE,
                        headers={**(headers or {}), "Content-Language": said})


def _said(exc: Exception) -> str | Message:
    """An exception's message: an ``i18n.Message`` if it was raised with one (translated), else its text."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, Message) else str(exc)


def _field_path(location: tuple) -> str:
    return ".".join(str(part) for part in location)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error users can cause into a problem."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError):
        return problem(request, exc.status, exc.detail, exc.kind, exc.errors, exc.headers)

    @app.exception_handler(AccessDenied)
    async def _denied(request: Request, exc: AccessDenied):
        if exc.hidden:
            return problem(request, 404, Message("not found"), "not-found")
        if exc.unauthenticated:
            return problem(request, 401, _said(exc), "unauthenticated",
                           headers={"WWW-Authenticate": 'Bearer realm="bagalau"'})
        return problem(request, 403, _said(exc), "forbidden")

    @app.exception_handler(LockedOut)
    async def _locked(request: Request, exc: LockedOut):
        return problem(request, 429, _said(exc), "locked-out", headers={"Retry-After": "900"})

    @app.exception_handler(AuthError)
    async def _auth(request: Request, exc: AuthError):
        return problem(request, 401, _said(exc), "unauthenticated")

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound):
        return problem(request, 404, _said(exc), "not-found")

    @app.exception_handler(ConflictError)
    async def _conflict(request: Request, exc: ConflictError):
        return problem(request, 409, _said(exc), "conflict")

    @app.exception_handler(CampaignError)
    async def _refused(request: Request, exc: CampaignError):
        return problem(request, 422, _said(exc), "refused")

    @app.exception_handler(InputError)
    async def _inputs(request: Request, exc: InputError):
        errors = [{"field": f"inputs.{p.field}", "reason": p.reason, "location": p.location or None,
                   "body": p.body} for p in exc.problems]
        return problem(request, 422, Message("%(count)s input problem(s); nothing was stored",
                                             count=len(exc.problems)), "invalid-inputs", errors)

    @app.exception_handler(RegistryError)
    async def _registry(request: Request, exc: RegistryError):
        errors = [{"field": p.field, "reason": p.reason, "location": f"row {p.row}"} for p in exc.problems]
        return problem(request, 422, Message("%(source)s: %(count)s problem(s); nothing was imported",
                                             source=exc.source, count=len(exc.problems)), "invalid-registry", errors)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = [{"field": _field_path(e.get("loc", ())), "reason": e.get("msg", "invalid")} for e in exc.errors()]
        return problem(request, 422, Message("the request does not match the API's schema"), "invalid-request",
                       errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        return problem(request, exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(IntegrityError)
    @app.exception_handler(StaleDataError)
    async def _race(request: Request, exc: Exception):
        return problem(request, 409, Message("someone else changed the same record at the same time; nothing was "
                                             "written — reload and try again"), "conflict")

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError):
        return problem(request, 422, Message("a value cannot be stored as given (out of range, or a character the "
                                             "database refuses); nothing was written"), "invalid-value")

    @app.exception_handler(OperationalError)
    async def _database(request: Request, exc: OperationalError):
        return problem(request, 503, Message("the database is not available; try again shortly"), "unavailable",
                       headers={"Retry-After": "5"})


STANDARD = (400, 401, 403, 404, 409, 422, 429)
UPLOAD = (413, 415)


def document(schema: dict) -> dict:
    """Add the Problem schema and the problem responses to every operation of
    an OpenAPI document."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (FieldProblem, Problem):
        model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components[model.__name__] = {k: v for k, v in model_schema.items() if k != "$defs"}
    reference = {"$ref": "#/components/schemas/Problem"}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            statuses = STANDARD + (UPLOAD if "multipart/form-data" in body else ())
            if method in ("put", "post", "patch", "delete"):
                statuses += (405,)
            for status in statuses:
                operation["responses"][str(status)] = {
                    "description": TITLES[status], "content": {MEDIA_TYPE: {"schema": reference}}}
    return schema
