"""The extract workspace: a folder of validated, typed Parquet files, one subfolder per
kind. Each file carries in its Parquet metadata where it came from (source
file name, SHA-256 of the source, when it was imported), so the
folder is its own manifest (the row count is in every Parquet footer). Files are written under ``.incoming/`` and
moved into place in one rename, so a reader never sees half a file.

The default folder is ``extracts/`` in the user's data directory;
``BAGALAU_EXTRACTS_DIR`` or ``--workspace`` points elsewhere.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import pyarrow as pa
import pyarrow.parquet as pq

ENV_DIR = "BAGALAU_EXTRACTS_DIR"
METADATA_PREFIX = b"bagalau."


def default_folder() -> Path:
    configured = os.environ.get(ENV_DIR)
    if configured:
        return Path(configured)
    return Path(platformdirs.user_data_dir("bagalau")) / "extracts"


@dataclass(frozen=True)
class KeptFile:
    kind: str
    path: Path
    source: str
    sha256: str
    rows: int
    imported_at: str

    @property
    def name(self) -> str:
        return self.path.name


def with_provenance(schema: pa.Schema, *, source: str, sha256: str, imported_at: str) -> pa.Schema:
    """``schema`` with where its rows came from, kept in the Parquet file's metadata."""
    return schema.with_metadata({METADATA_PREFIX + b"source": source.encode(),
                                 METADATA_PREFIX + b"sha256": sha256.encode(),
                                 METADATA_PREFIX + b"imported_at": imported_at.encode()})


class Workspace:
    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else default_folder()

    def kind_folder(self, kind: str) -> Path:
        return self.folder / kind

    def files(self, kind: str) -> list[Path]:
        return sorted(self.kind_folder(kind).glob("*.parquet"))

    def pattern(self, kind: str) -> str:
        """A glob every engine reads the kind's files with."""
        return str(self.kind_folder(kind) / "*.parquet")

    def kinds(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if p.is_dir() and not p.name.startswith(".")
                      and any(p.glob("*.parquet")))

    def incoming_path(self) -> Path:
        incoming = self.folder / ".incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        return incoming / f"{uuid.uuid4().hex}.parquet"

    def keep(self, kind: str, temp: Path, *, source: str, sha256: str, imported_at: str) -> Path:
        """Move the complete file ``temp`` into the kind's folder."""
        target_folder = self.kind_folder(kind)
        target_folder.mkdir(parents=True, exist_ok=True)
        stem = Path(source).stem.replace(" ", "_")[:60]
        final = target_folder / f"{imported_at[:10]}-{sha256[:12]}-{stem}.parquet"
        os.replace(temp, final)
        return final

    def describe(self, kind: str) -> list[KeptFile]:
        kept = []
        for path in self.files(kind):
            meta = pq.read_metadata(path).metadata or {}
            get = lambda key: meta.get(METADATA_PREFIX + key, b"").decode()  # noqa: E731
            kept.append(KeptFile(kind, path, get(b"source"), get(b"sha256"), pq.read_metadata(path).num_rows,
                                 get(b"imported_at")))
        return kept

    def find_source(self, kind: str, sha256: str) -> KeptFile | None:
        return next((f for f in self.describe(kind) if f.sha256 == sha256), None)

    def fingerprint(self, kinds: list[str]) -> dict[str, list[dict]]:
        """What an aggregation read: per kind, each file with its source and hash."""
        return {kind: [{"file": f.name, "source": f.source, "sha256": f.sha256, "rows": f.rows}
                       for f in self.describe(kind)] for kind in kinds}
