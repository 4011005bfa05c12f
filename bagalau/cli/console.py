"""What both command-line modules share: the consoles, the error exit, KEY=VALUE options."""

from __future__ import annotations

import typer
from rich.console import Console

out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> None:
    """Print one clear error line and exit (status 2 unless said otherwise)."""
    err.print(f"[red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def parse_pairs(items: list[str], what: str) -> dict[str, str]:
    """`--option A13=zero --option A32=full` → {"A13": "zero", "A32": "full"}."""
    result = {}
    for item in items:
        if "=" not in item:
            fail(f"{what} takes KEY=VALUE, got '{item}'")
        key, value = item.split("=", 1)
        result[key.strip()] = value.strip()
    return result
