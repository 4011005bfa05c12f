"""Published answers kept in memory: the explanations and the rating of a final campaign.

Once a campaign is final nothing scores it again (scoring, decisions and the
conclusions all require an earlier state), and its runs, results and
conclusions are append-only in the database itself (``store.protection``). So
an explanation of a final campaign, once read from the store, is the same
answer for as long as the store is the same store, and the policy gives it to
everyone (``explanation.read`` is public once final). This module keeps those
answers, as the bytes sent, and hands them to later anonymous readers without
a database round trip, so that reading the published explanations does not
queue behind the work of a campaign still open.

The final rating is as fixed, except for one thing: it names the bodies as the
registry names them now, and an administrator may rename a body. So a final
rating is kept for ``RATING_SECONDS`` only, and says so (``Cache-Control:
max-age``): a renaming reaches its readers within that time, as it reaches
readers behind any HTTP cache.

Only answers about a campaign that was final when read are kept; only readers
without credentials take them from here (a bearer token or a session cookie is
checked against the store as always: a revoked token must still be refused).
Every answer carries a strong ETag, and a reader who sends it back in
``If-None-Match`` gets 304 Not Modified. The memory is bounded
(``BAGALAU_PUBLISHED_CACHE_MB``, 64 MB by default), least recently used first out.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from bagalau.campaigns.policy import FINAL_STATES

# Final explanations never change, but a reader should still ask again now and then:
# a proxy may serve them for five minutes.
EXPLANATION_SECONDS = 300
RATING_SECONDS = 30
CACHE_CONTROL_OPEN = "private, no-cache"


@dataclass(frozen=True)
class Answer:
    body: bytes
    etag: str
    final: bool
    seconds: int = EXPLANATION_SECONDS          # how long a final answer may be served without asking again
    made: float = 0.0                            # time.monotonic() when read from the store

    @classmethod
    def of(cls, body: bytes, final: bool, seconds: int = EXPLANATION_SECONDS) -> "Answer":
        return cls(body, '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"', final, seconds,
                   time.monotonic())

    def fresh(self, now: float) -> bool:
        return now - self.made < self.seconds

    def response(self, request: Request) -> Response:
        headers = {"ETag": self.etag,
                   "Cache-Control": f"public, max-age={self.seconds}" if self.final else CACHE_CONTROL_OPEN}
        if self.etag in _tags(request.headers.get("if-none-match")):
            return Response(status_code=304, headers=headers)
        return Response(self.body, media_type="application/json", headers=headers)


def _tags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")} | ({"*"} & {header.strip()})


class PublishedAnswers:
    """Final answers by key, within a byte budget; safe across the server's threads."""

    def __init__(self, budget_bytes: int):
        self.budget = budget_bytes
        self.used = 0
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Answer | None:
        """The answer kept under ``key`` while it is fresh."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                return None
            if not answer.fresh(time.monotonic()):
                del self._answers[key]
                self.used -= len(answer.body)
                return None
            self._answers.move_to_end(key)
            return answer

    def keep(self, key: tuple, answer: Answer) -> None:
        if not answer.final or len(answer.body) > self.budget:
            return
        with self._lock:
            previous = self._answers.pop(key, None)
            self.used -= len(previous.body) if previous else 0
            self._answers[key] = answer
            self.used += len(answer.body)
            while self.used > self.budget:
                _, dropped = self._answers.popitem(last=False)
                self.used -= len(dropped.body)


def budget_from_environment() -> int:
    try:
        megabytes = float(os.environ.get("BAGALAU_PUBLISHED_CACHE_MB", "64"))
    except ValueError:
        megabytes = 64
    return max(0, int(megabytes * 1024 * 1024))


def is_final(state: str) -> bool:
    return state in FINAL_STATES


def anonymous(bearer, cookie) -> bool:
    """A request that brings no credentials: the public."""
    return bearer is None and not cookie
