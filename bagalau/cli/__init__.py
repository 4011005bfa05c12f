"""The `bagalau` command-line tool.

``app`` holds the Typer application and the entry point; each command group
is a module that attaches its commands to it: ``methodologies`` (definitions
and scoring), ``campaigns`` (the lifecycle and the rating), ``submissions``
(reports and their verification), ``objections`` (objections and the
commission), ``administration`` (schema, registry, users), ``audit`` (the
audit log, its verification and anchors), ``serve`` (the API), ``extracts``
(source-system extracts and reconciliation), ``documents`` (the official
documents). ``console`` holds
the shared output and error exit, ``store_access`` what every command on the
store shares (options, error guard, opening the store), ``terminal`` the Rich
rendering.
"""

from __future__ import annotations

from bagalau.cli import (
    audit,  # noqa: F401  (attaches its commands)
    campaigns,
    documents,
    extracts,
    methodologies,  # noqa: F401  (attaches its commands)
    robustness,  # noqa: F401  (attaches its command)
    serve,  # noqa: F401  (attaches its command)
    simulate,  # noqa: F401  (attaches its command)
)
from bagalau.cli.app import app, main

app.add_typer(campaigns.app)
app.add_typer(extracts.app, name="extracts")
app.add_typer(documents.app, name="documents")

__all__ = ["app", "main"]
