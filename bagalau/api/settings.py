"""How the API runs: the store, where evidence files go, cookies, upload limits,
login rate limits and the job runner. ``Settings.from_env`` reads ``BAGALAU_*``
variables, so that every uvicorn worker of ``bagalau serve`` gets the same."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

MiB = 1024 * 1024


@dataclass
class Settings:
    database_url: str | None = None                 # None: $BAGALAU_DATABASE_URL or the embedded SQLite file
    evidence_dir: Path | None = None                # None: $BAGALAU_EVIDENCE_DIR or the user's data directory
    cookie_secure: str = "auto"                     # auto (Secure over TLS) | always | never
    max_upload_bytes: int = 20 * MiB
    login_limits_per_client: tuple[str, ...] = ("20/minute", "200/hour")
    login_limits_per_name: tuple[str, ...] = ("10/minute",)
    rate_limit_storage: str = "memory://"           # e.g. redis://127.0.0.1:6379 to share limits across workers
    jobs: str = "auto"                              # auto: queue on PostgreSQL, thread on SQLite | thread | inline
    public_url: str = "http://127.0.0.1:8000"       # for the one-time setup links
    upgrade_sqlite: bool = True                     # bring an embedded store's schema up to date at start
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        return cls(database_url=env.get("BAGALAU_DATABASE_URL") or None,
                   evidence_dir=Path(env["BAGALAU_EVIDENCE_DIR"]) if env.get("BAGALAU_EVIDENCE_DIR") else None,
                   cookie_secure=env.get("BAGALAU_COOKIE_SECURE", "auto"),
                   max_upload_bytes=int(env.get("BAGALAU_MAX_UPLOAD_BYTES", 20 * MiB)),
                   rate_limit_storage=env.get("BAGALAU_RATE_LIMIT_STORAGE", "memory://"),
                   jobs=env.get("BAGALAU_JOBS", "auto"),
                   public_url=env.get("BAGALAU_PUBLIC_URL", "http://127.0.0.1:8000"))
