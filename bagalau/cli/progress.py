"""Progress bars for long work (scoring thousands of bodies, imports): a Rich progress bar on
the error console when it is a terminal, and nothing at all when it is piped or redirected,
so that logs and scripts see only the results and the errors."""

from __future__ import annotations

import os
from typing import Callable

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from bagalau.cli.console import err

MIN_BODIES_ENV = "BAGALAU_PROGRESS_MIN_BODIES"
DEFAULT_MIN_BODIES = 2000     # below this, scoring takes a few seconds at most: no bar


def min_bodies() -> int:
    """How many bodies make scoring long enough for a bar (BAGALAU_PROGRESS_MIN_BODIES, default 2000)."""
    text = os.environ.get(MIN_BODIES_ENV, "").strip()
    return int(text) if text.isdigit() else DEFAULT_MIN_BODIES


class Silent:
    """What a progress bar offers, doing nothing: when the error console is not a terminal."""

    def __enter__(self) -> "Silent":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def add_task(self, description: str, total: float | None = None, **fields) -> int:
        return 0

    def update(self, task: int, **fields) -> None:
        return None

    def advance(self, task: int, advance: float = 1) -> None:
        return None


def bars(counted: bool = False) -> Progress | Silent:
    """A Rich progress display on the error console if it is a terminal, else a silent stand-in.
    ``counted`` shows "done/total" (bodies) rather than a percentage (bytes)."""
    if not err.is_terminal:
        return Silent()
    return Progress(TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn() if counted else TaskProgressColumn(), TimeElapsedColumn(),
                    console=err, transient=False)


def for_bodies(count: int) -> Progress | Silent:
    """A bar for work over ``count`` bodies, if they are many enough (see ``min_bodies``)."""
    return bars(counted=True) if count >= min_bodies() else Silent()


def by_stage(bars: Progress | Silent, describe) -> Callable[[str, int], Callable[[], None]]:
    """The ``progress(stage, total)`` hook of a campaign step (``campaigns.state.Progress``): a
    bar per stage, named by ``describe(stage)``, that moves once per body done."""
    def start(stage: str, total: int):
        task = bars.add_task(describe(stage), total=total)
        return lambda: bars.advance(task)
    return start
