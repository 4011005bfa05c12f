"""Login rate limits, with the ``limits`` library (moving windows): per client
address and per account name. The counters live in memory by default, or in
Redis (``BAGALAU_RATE_LIMIT_STORAGE=redis://...``) so that several workers
share them. Independently of these, repeated failures lock the account in
the store (``campaigns.accounts``), which every worker sees."""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bagalau.i18n import Message

from .problems import ProblemError


class LoginLimiter:
    def __init__(self, storage: str, per_client: tuple[str, ...], per_name: tuple[str, ...]):
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage))
        self.per_client = [parse(text) for text in per_client]
        self.per_name = [parse(text) for text in per_name]

    def hit(self, client: str, name: str) -> None:
        """Count one login attempt; refuse it with 429 if a limit is exceeded."""
        checks = [(item, "client", client) for item in self.per_client]
        checks += [(item, "name", name.strip().lower()) for item in self.per_name]
        for item, kind, key in checks:
            if not self.limiter.hit(item, "login", kind, key):
                reset = self.limiter.get_window_stats(item, "login", kind, key).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                raise ProblemError(429, Message("too many login attempts; try again in %(seconds)s s", seconds=wait), "rate-limited",
                                   headers={"Retry-After": str(wait)})
