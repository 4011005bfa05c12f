"""Command-line commands for reports and their verification: ``submit`` a body's
report as a new version, and record what the evaluators found (``verify``)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from sqlalchemy import select

from bagalau import campaigns, store
from bagalau.cli.console import _, out
from bagalau.cli.store_access import ACTOR, CAMPAIGN, DATABASE, ON, actor_name, app, effective, guarded, open_store
from bagalau.cli.terminal import Table

verify_app = typer.Typer(no_args_is_help=True, help="Verification: unreliable facts and report flags.")


# --- submissions, verification -------------------------------------------------------------

@app.command("submit")
@guarded
def submit(body: str, file: Path,
           expected_version: int = typer.Option(0, "--expected-version",
                                                help="the version you corrected (0 for a first report)"),
           reason: Optional[str] = typer.Option(None, help="why this version (a correction, ...)"),
           campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE, actor: Optional[str] = ACTOR,
           on: Optional[str] = ON) -> None:
    """Submit a body's report (XLSX template or JSON/YAML) as a new version."""
    who = actor_name(actor)
    factory = open_store(database)
    with store.transaction(factory) as s:
        version = campaigns.submit(s, campaigns.get_campaign(s, campaign), body, str(file), who,
                                   expected_version=expected_version, reason=reason, at=effective(on))
        changes = version.change_summary
    out.print(_("%(body)s: stored version %(version)s", body=body, version=version.version) if version.version == 1
              else _("%(body)s: stored version %(version)s (%(count)s field(s) changed)", body=body,
                     version=version.version, count=len(changes)), highlight=False, markup=False)


@verify_app.command("add-fact")
@guarded
def verify_add_fact(body: str, input_id: str, verified_value: str,
                    document: str = typer.Option(..., help="the document the finding rests on"),
                    rule: Optional[str] = typer.Option(None, help="penalty rule (default: the edition's rule "
                                                                  "for unreliable facts)"),
                    node: Optional[str] = typer.Option(None, help="direction, for rules capped per direction"),
                    note: Optional[str] = typer.Option(None),
                    campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
                    actor: Optional[str] = ACTOR, on: Optional[str] = ON) -> None:
    """Record an unreliable fact: the input, the verified value, the document."""
    who = actor_name(actor)
    factory = open_store(database)
    with store.transaction(factory) as s:
        fact = campaigns.add_fact(s, campaigns.get_campaign(s, campaign), body, input_id, verified_value, document,
                                  who, rule=rule, node=node, note=note, at=effective(on))
        out.print(f"fact #{fact.id}: {body} {input_id} reported {_value(fact.reported_value)}, verified "
                  f"{_value(fact.verified_value)} (rule {fact.rule})", highlight=False)


def _value(value) -> str:
    """A stored input value as a person reads it: a list as its items, nothing as a dash."""
    from bagalau.engine.inputs import shown
    if isinstance(value, list):
        return "[" + ", ".join("—" if item is None else _value(item) for item in value) + "]"
    return "—" if value is None else shown(value) if not isinstance(value, str) else value


@verify_app.command("flag-incomplete")
@guarded
def verify_flag_incomplete(body: str, element: List[str] = typer.Option(..., "--element"),
                           campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
                           actor: Optional[str] = ACTOR, on: Optional[str] = ON) -> None:
    """Flag a report as incomplete, naming the missing elements."""
    who = actor_name(actor)
    factory = open_store(database)
    with store.transaction(factory) as s:
        campaigns.flag_incomplete(s, campaigns.get_campaign(s, campaign), body, element, who, at=effective(on))
    out.print(_("%(body)s: flagged incomplete", body=body), highlight=False, markup=False)


@verify_app.command("facts")
@guarded
def verify_facts(campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE) -> None:
    """The reconciliation act: every unreliable fact, active or removed."""
    factory = open_store(database)
    table = Table("#", "body", "input", "reported", "verified", "document", "rule", "by", "status")
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign)
        for fact in s.execute(select(store.Fact).where(store.Fact.campaign_id == c.id).order_by(store.Fact.id)).scalars():
            table.add_row(str(fact.id), fact.body_code, fact.input_id, str(fact.reported_value),
                          str(fact.verified_value), fact.document, fact.rule, fact.recorded_by,
                          "active" if fact.removed_by_decision_id is None
                          else f"removed (decision #{fact.removed_by_decision_id})")
    out.print(table)
