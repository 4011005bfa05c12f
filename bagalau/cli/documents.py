"""`bagalau documents …`: the official documents of a campaign.

``bagalau documents CAMPAIGN --form rating --format xlsx|csv|json|svg`` writes the
rating. Files are written whole or not at all; a bad choice prints one clear
message and exits with status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click
import typer
from typer.core import TyperGroup

from bagalau import campaigns, store
from bagalau.cli.campaigns import DATABASE, guarded, open_store
from bagalau.cli.console import err, fail
from bagalau.documents import charts, ratings
from bagalau.documents.files import write_atomic
from bagalau.documents.sources import LANGUAGES, rating_data

RATING_FORMATS = ("xlsx", "csv", "json", "svg")


class DocumentsGroup(TyperGroup):
    """``documents CAMPAIGN …`` runs the ``make`` command; ``documents verify FILE`` and the
    other named subcommands run as themselves."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["make", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=DocumentsGroup, no_args_is_help=True,
                  help="Official documents: `documents CAMPAIGN --form rating --format xlsx`, "
                       "`documents verify FILE`.")


def _output(output: Optional[Path], default: str) -> Path:
    return output if output is not None else Path(default)


@app.command("make")
@guarded
def make(campaign: str = typer.Argument(..., help="Campaign id or name."),
         form: str = typer.Option("rating", "--form", help="rating"),
         lang: str = typer.Option("ru", "--lang", help="kk or ru"),
         fmt: str = typer.Option("xlsx", "--format", help="rating: xlsx, csv, json or svg"),
         output: Optional[Path] = typer.Option(None, "--output", "-o", help="file to write (default: in the "
                                               "current folder, named for the campaign and form)"),
         database: Optional[str] = DATABASE) -> None:
    """Write one document of a campaign."""
    if lang not in LANGUAGES:
        fail(f"--lang must be one of {', '.join(LANGUAGES)}, got '{lang}'")
    if form != "rating":
        fail(f"--form must be rating, got '{form}'")
    if fmt not in RATING_FORMATS:
        fail(f"--format for the rating must be one of {', '.join(RATING_FORMATS)}, got '{fmt}'")
    factory = open_store(database)
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign)
        data = rating_data(s, c)
    stem = f"{data.campaign}-rating"
    written = []
    if fmt == "xlsx":
        written.append(write_atomic(_output(output, f"{stem}-{lang}.xlsx"), ratings.xlsx_bytes(data, lang)))
    elif fmt == "csv":
        written.append(write_atomic(_output(output, f"{stem}.csv"), ratings.csv_bytes(data)))
    elif fmt == "json":
        written.append(write_atomic(_output(output, f"{stem}.json"), ratings.json_bytes(data)))
    else:
        base = _output(output, f"{stem}-{lang}.svg")
        written.append(write_atomic(base, charts.totals_chart(data, lang).encode()))
        written.append(write_atomic(base.with_name(base.stem + "-breakdown.svg"),
                                    charts.breakdown_chart(data, lang).encode()))
    for path in written:
        err.print(f"wrote {path}", highlight=False)
