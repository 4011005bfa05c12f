"""Evidence files: content-addressed storage (SHA-256) on disk, and the rows that
attach a file to a fact or an objection.

A file is stored once under ``<root>/<first two hex digits>/<sha256>``; the path
is made from the hash alone, never from a name a user gave, so no upload can
reach outside the root. It is written to a temporary file in the same folder
and renamed into place, so a reader never sees half a file. The name the
uploader gave is kept only as text, for the ``Content-Disposition`` of a
download. The root is ``$BAGALAU_EVIDENCE_DIR``, else ``evidence/`` in the user's
data directory; several API workers of one PostgreSQL store share it.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import APP_NAME, Base, utcnow

ENV_DIR = "BAGALAU_EVIDENCE_DIR"
HEX64 = re.compile(r"[0-9a-f]{64}")


class EvidenceFile(Base):
    """One stored file, by its content hash."""

    __tablename__ = "evidence_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(128))
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Evidence(Base):
    """A file attached to one body's unreliable fact or objection in a campaign."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("evidence_files.sha256"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"))
    fact_id: Mapped[int | None] = mapped_column(ForeignKey("facts.id"))
    objection_id: Mapped[int | None] = mapped_column(ForeignKey("objections.id"))
    filename: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(128))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def default_root() -> Path:
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    import platformdirs
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "evidence"


class BlobStore:
    """Files by SHA-256 under one root folder."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root is not None else default_root()

    def path(self, sha256: str) -> Path:
        if not HEX64.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256[:80]!r}")
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        target = self.path(digest)
        if target.exists() and target.stat().st_size == len(content):
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        content = self.path(sha256).read_bytes()
        if hashlib.sha256(content).hexdigest() != sha256:
            raise OSError(f"evidence file {sha256} does not match its hash (changed on disk)")
        return content
