"""Every document of a campaign at once (each form for the bodies it is made for), on every core: the data is read from the store
in this process, and the layout (the slow part) runs in a process pool."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from . import make
from .files import write_atomic
from .sources import BodyData


@dataclass(frozen=True)
class Job:
    data: BodyData
    form: str
    lang: str
    fmt: str
    path: Path


def _run(job: Job) -> tuple[Path, int]:
    content = make.layout(job.data, job.form, job.lang, job.fmt)
    write_atomic(job.path, content)
    return job.path, len(content)


def jobs_for(bodies: Iterable[BodyData], forms: list[str], langs: list[str], formats: list[str],
             folder: Path) -> list[Job]:
    from . import forms as templates
    return [Job(data, form_name, lang, fmt,
                Path(folder) / make.file_name(data.campaign, data.body, form_name, lang, fmt, data.kind, data.run))
            for data in bodies for form_name in forms
            if templates.applies(templates.form(data.methodology, form_name), data)
            for lang in langs for fmt in formats]


def run(jobs: list[Job], workers: int | None = None, done: Callable[[Path], None] = lambda path: None) -> list[Path]:
    """Lay out and write every job; ``workers`` processes (default: every core). Each file is
    written whole or not at all; the first failure stops the batch and is raised."""
    workers = workers or os.cpu_count() or 1
    written = []
    if workers == 1 or len(jobs) < 4:
        for job in jobs:
            path, _ = _run(job)
            written.append(path)
            done(path)
        return written
    # spawn, not fork: the Typst compiler's threads in this process must not be forked mid-lock
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for path, _ in pool.map(_run, jobs, chunksize=max(1, min(32, len(jobs) // (workers * 8)))):
            written.append(path)
            done(path)
    return written
