"""Long work as jobs with a status resource (``GET /api/v1/jobs/{id}``).

A job is a row in ``jobs`` (queued → running → succeeded | failed) and a kind
with a handler below. Where it runs depends on the store:

* embedded SQLite: in this process, on one background thread;
* PostgreSQL: on a procrastinate queue in the same database. Every API worker
  process runs a procrastinate worker, so several ``bagalau serve`` workers
  (or machines) share the work, and a job survives the worker that queued it.

The handler runs the campaign functions as the user who asked, so the policy
is checked again when the work is done.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bagalau import campaigns, store
from bagalau.store.models import Job, utcnow

log = logging.getLogger("bagalau.jobs")
QUEUE = "bagalau"
SCHEMA_LOCK = 0x62616761          # pg advisory lock while the queue's schema is created


def _score(session: Session, job: Job) -> dict[str, Any]:
    campaign = campaigns.get_campaign(session, job.campaign_id)
    run = campaigns.run_scoring(session, campaign, job.created_by, reason=job.params.get("reason") or "scoring")
    return {"run": run.number, "bodies": len(campaign.bodies), "state": campaign.state}


HANDLERS: dict[str, Callable[[Session, Job], dict[str, Any]]] = {"scoring": _score}


def execute(sessions: sessionmaker[Session], job_id: str) -> None:
    """Run one job: mark it running, do the work in one transaction, record the outcome."""
    with store.transaction(sessions) as session:
        job = session.get(Job, job_id)
        if job is None or job.status != "queued":
            return
        job.status, job.started_at = "running", utcnow()
    try:
        with store.transaction(sessions) as session:
            result = HANDLERS[job.kind](session, session.get(Job, job_id))
        status, error = "succeeded", None
    except campaigns.CampaignError as exc:
        status, result, error = "failed", None, str(exc)
    except Exception as exc:  # noqa: BLE001 - the job's status must say it failed, whatever happened
        log.exception("job %s failed", job_id)
        status, result, error = "failed", None, f"internal error: {type(exc).__name__}"
    with store.transaction(sessions) as session:
        job = session.get(Job, job_id)
        job.status, job.result, job.error, job.finished_at = status, result, error, utcnow()


class JobRunner:
    def __init__(self, sessions: sessionmaker[Session], engine: Engine, settings):
        mode = settings.jobs
        if mode == "auto":
            mode = "queue" if engine.dialect.name == "postgresql" else "thread"
        self.mode, self.sessions, self.engine = mode, sessions, engine
        self.executor: ThreadPoolExecutor | None = None
        self.queue_app = None
        self.worker: asyncio.Task | None = None

    # --- lifecycle ---
    async def start(self) -> None:
        if self.mode == "thread":
            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bagalau-job")
        elif self.mode == "queue":
            await self._start_queue()

    async def stop(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True)
            self.executor = None
        if self.worker is not None:
            self.worker.cancel()
            try:
                await self.worker
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - stopping anyway
                pass
            self.worker = None
        if self.queue_app is not None:
            await self.queue_app.close_async()
            self.queue_app = None

    async def _start_queue(self) -> None:
        import procrastinate
        ensure_queue_schema(self.engine)
        conninfo = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo))
        sessions = self.sessions

        @app.task(name="bagalau.job", queue=QUEUE)
        def run_job(job_id: str) -> None:
            execute(sessions, job_id)

        await app.open_async()
        self.queue_app, self.task = app, run_job
        self.worker = asyncio.create_task(app.run_worker_async(
            queues=[QUEUE], wait=True, install_signal_handlers=False, concurrency=1,
            fetch_job_polling_interval=1.0, name="bagalau-api"))

    # --- submitting ---
    def submit(self, session: Session, kind: str, actor: str, campaign_id: int | None = None,
               params: dict | None = None) -> Job:
        """Record a job (committed) and hand it to the runner."""
        job = Job(id=str(uuid.uuid4()), kind=kind, campaign_id=campaign_id, status="queued", params=params or {},
                  created_by=actor)
        session.add(job)
        session.commit()
        if self.mode == "inline":
            execute(self.sessions, job.id)
        elif self.mode == "thread":
            self.executor.submit(execute, self.sessions, job.id)
        else:
            import anyio.from_thread
            anyio.from_thread.run(lambda: self.task.defer_async(job_id=job.id))
        session.refresh(job)
        return job


def ensure_queue_schema(engine: Engine) -> None:
    """Create procrastinate's tables in the store's PostgreSQL database, once."""
    from procrastinate.schema import SchemaManager
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        if connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            # through the driver's cursor without parameters: the SQL holds literal % signs
            connection.connection.cursor().execute(SchemaManager.get_schema())
