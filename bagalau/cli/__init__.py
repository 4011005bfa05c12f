"""The `bagalau` command-line tool: ``methodologies`` holds the commands on
definitions and scoring, ``campaigns`` the commands on the store, ``console``
the shared output and error exit, ``terminal`` the Rich rendering."""

from __future__ import annotations

from bagalau.cli.methodologies import app, main

__all__ = ["app", "main"]
