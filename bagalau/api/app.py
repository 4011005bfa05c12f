"""The FastAPI application: ``create_app(settings)``.

Everything is under ``/api/v1``, one router per resource (``routers/``); the
OpenAPI 3.1 document is at ``/api/openapi.json`` and its reader at
``/api/docs``. The application holds no rule of an act and no access rule of
its own: routers call the campaign functions, which check ``policy``, and ask
``policy`` before they show anything.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from bagalau import store
from bagalau.store import migrations

from . import problems, published
from .jobs import JobRunner
from .ratelimit import LoginLimiter
from .routers import ROUTERS
from .settings import Settings

PREFIX = "/api/v1"
DESCRIPTION = """The REST API of Bagalau: methodologies, the registry of bodies, assessment campaigns
and their submissions, verification, scoring, conclusions, objections, ratings, improvement plans and
the audit log.

Sign in with `POST /api/v1/auth/login` (a session cookie, for browsers; unsafe methods then need the
`X-CSRF-Token` header), or send a personal API token as `Authorization: Bearer ...` (programs).
Errors are RFC 9457 problem details (`application/problem*json`).""".replace("*", "+")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    engine = store.make_engine(settings.database_url)
    if settings.upgrade_sqlite and engine.dialect.name == "sqlite" and migrations.current(engine) != migrations.head():
        migrations.upgrade(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await app.state.jobs.start()
        try:
            yield
        finally:
            await app.state.jobs.stop()
            engine.dispose()

    app = FastAPI(title="Bagalau", version="1", description=DESCRIPTION, openapi_url="/api/openapi.json",
                  docs_url="/api/docs", redoc_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = store.make_sessionmaker(engine)
    app.state.blobs = store.BlobStore(settings.evidence_dir)
    app.state.login_limiter = LoginLimiter(settings.rate_limit_storage, settings.login_limits_per_client,
                                           settings.login_limits_per_name)
    app.state.jobs = JobRunner(app.state.sessions, engine, settings)
    app.state.published = published.PublishedAnswers(published.budget_from_environment())
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router, prefix=PREFIX)
    from bagalau import web          # the server-rendered pages, in the same application
    web.install(app)

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            app.openapi_schema = problems.document(schema)
        return app.openapi_schema

    app.openapi = openapi
    return app
