"""Once-per-process fixtures of the web tests (one Playwright, one demo store)."""

from support.web import browser, demo_store_file  # noqa: F401
