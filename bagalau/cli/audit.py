"""`bagalau audit`: the audit log, its verification and its signed checkpoints (anchors).

``verify`` checks the hash chain, every campaign row against the entry that
recorded it, the ratings recomputed from the stored runs, the checkpoints
stored in the database and any anchor file given; it names what changed
and exits 1 if anything did. ``checkpoint`` signs the chain's head now,
``keygen`` makes a key line for ``BAGALAU_ANCHOR_KEY`` or its key file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape

from bagalau import campaigns, store
from bagalau.campaigns import integrity
from bagalau.cli import terminal
from bagalau.cli.campaigns import CAMPAIGN, DATABASE, app as store_app, guarded, open_store
from bagalau.cli.console import _, err, fail, out, said, styled, warn
from bagalau.cli.terminal import Table
from bagalau.store import anchoring, audit

audit_app = typer.Typer(no_args_is_help=True, help="The hash-chained audit log and its signed checkpoints.")
store_app.add_typer(audit_app, name="audit")


def keyring() -> anchoring.Keyring:
    try:
        return anchoring.Keyring.from_environment()
    except anchoring.AnchorError as exc:
        fail(said(exc.args[0]))


@audit_app.command("verify")
@guarded
def audit_verify(anchor: List[Path] = typer.Option([], "--anchor", help="an anchor file (a signed checkpoint, "
                                                   "e.g. the one exported with a final rating); repeat for more"),
                 database: Optional[str] = DATABASE, as_json: bool = typer.Option(False, "--json"),
                 lang: str = terminal.lang_option()) -> None:
    """Check that the store is what the application wrote: the hash chain, every campaign row
    against its audit entry, the ratings recomputed from the stored runs, and the anchors.
    Exit 1 naming what changed."""
    ring = keyring()
    try:
        documents = [anchoring.read(path) for path in anchor]
    except anchoring.AnchorError as exc:
        fail(said(exc.args[0]))
    factory = open_store(database)
    with store.transaction(factory) as s:
        report = integrity.verify_store(s, documents, ring)
    if as_json:
        out.print_json(data=_as_json(report, anchor))
    else:
        _print(report, anchor)
    if not report.ok:
        raise typer.Exit(1)


def _print(report: integrity.IntegrityReport, files: list[Path]) -> None:
    say = out.print if report.chain.ok else err.print
    say(f"{'[green]' if report.chain.ok else '[red]'}{escape(said(report.chain.message()))}[/]", highlight=False)
    lines = [_("rows: %(n)s campaign rows checked against the audit entries that recorded them",
               n=report.rows_checked),
             _("ratings: %(runs)s scoring runs recomputed from their snapshots, %(conclusions)s conclusions "
               "checked against them", runs=report.runs_recomputed, conclusions=report.conclusions_checked),
             _("checkpoints stored in the database: %(n)s", n=report.stored_anchors)]
    for line in lines:
        out.print(line, highlight=False, markup=False)
    for path, result in zip(files, report.anchors_checked):
        colour = "green" if result.ok else "red"
        out.print(f"[{colour}]{escape(str(path))}: {escape(said(result.sentence()))}[/]", highlight=False)
    for warning in report.warnings:
        warn(said(warning))
    if report.ok:
        ok = _("OK: nothing was changed, inserted or deleted behind the application's back")
        out.print(f"[green]{escape(ok)}[/]")
        return
    err.print(styled(_("FAILED: %(n)s finding(s)", n=len(report.findings)), "red"))
    for finding in report.findings:
        err.print(f"  • {said(finding)}", highlight=False, markup=False)


def _as_json(report: integrity.IntegrityReport, files: list[Path]) -> dict:
    """The report for programs: its messages stay in English whatever ``--lang`` says (stable text)."""
    return {"ok": report.ok, "chain": {"ok": report.chain.ok, "entries": report.chain.checked,
                                       "broken_at": report.chain.broken_seq, "reason": report.chain.reason},
            "rows_checked": report.rows_checked, "runs_recomputed": report.runs_recomputed,
            "conclusions_checked": report.conclusions_checked, "stored_checkpoints": report.stored_anchors,
            "anchors": [{"file": str(path), "ok": r.ok, "message": str(r)} for path, r in
                        zip(files, report.anchors_checked)],
            "changed_rows": [{"table": f.table, "key": f.key, "what": f.what, "fields": list(f.fields),
                              "audit_entry": f.seq} for f in report.row_findings],
            "findings": report.findings, "warnings": report.warnings}


@audit_app.command("checkpoint")
@guarded
def audit_checkpoint(output: Optional[Path] = typer.Option(None, "--output", "-o", help="write the anchor file here"),
                     reason: str = typer.Option("checkpoint on request", help="why (kept in the checkpoint)"),
                     database: Optional[str] = DATABASE) -> None:
    """Sign the audit chain's head now, store the checkpoint and export it (e.g. daily, from cron)."""
    ring = keyring()
    factory = open_store(database)
    with store.transaction(factory) as s:
        try:
            anchor = anchoring.checkpoint(s, reason, keyring=ring)
        except anchoring.AnchorError as exc:
            fail(said(exc.args[0]))
        document = anchoring.document(anchor)
    if output is not None:
        anchoring.write(document, output)
    _say_anchored(document, output)


def _say_anchored(document: dict, path: Path | None) -> None:
    anchor = said(anchoring.label(document))
    out.print(_("%(anchor)s stored; written to %(path)s", anchor=anchor, path=path) if path else
              _("%(anchor)s stored", anchor=anchor), highlight=False, markup=False)
    if document["key_id"] is None:
        warn(_("no anchor key (%(key)s or %(file)s): the checkpoint is not signed, so it cannot prove who made it "
               "(`bagalau audit keygen`)", key=anchoring.ENV_KEY, file=anchoring.ENV_KEY_FILE))


@audit_app.command("keygen")
def audit_keygen(key_id: Optional[str] = typer.Option(None, "--id", help="the key's id (default: k + UTC time)")
                 ) -> None:
    """Print a new anchor key line, KEY_ID:SECRET, for BAGALAU_ANCHOR_KEY or a line of its key file."""
    if key_id is not None and (not key_id.strip() or ":" in key_id):
        fail(_("--id must be non-empty and hold no ':'"))
    print(anchoring.new_key_line(key_id))


@audit_app.command("show")
@guarded
def audit_show(campaign: Optional[str] = CAMPAIGN, limit: int = typer.Option(50, help="the last N entries"),
               database: Optional[str] = DATABASE, as_json: bool = typer.Option(False, "--json")) -> None:
    """The audit log (all of it, or one campaign's entries)."""
    factory = open_store(database)
    with store.transaction(factory) as s:
        campaign_id = campaigns.get_campaign(s, campaign).id if campaign else None
        rows = audit.entries(s, campaign_id, limit)
    if as_json:
        out.print_json(data=[{"seq": e.seq, "timestamp": e.timestamp, "actor": e.actor, "action": e.action,
                              "entity": e.entity, "payload": json.loads(e.payload), "hash": e.hash} for e in rows])
        return
    table = Table("seq", "time (UTC)", "actor", "action", "entity", "rows", "hash")
    for e in rows:
        table.add_row(str(e.seq), e.timestamp[:19], e.actor, e.action, e.entity,
                      str(len(json.loads(e.payload).get("records", []))), e.hash[:12])
    out.print(table)
