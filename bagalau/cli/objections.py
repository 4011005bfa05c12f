"""Command-line commands for objections: filing them, the special commission, and
its decisions (which trigger a rescore as a new run)."""

from __future__ import annotations

from typing import List, Optional

import typer
from sqlalchemy import select

from bagalau import campaigns, store
from bagalau.cli.console import _, out, parse_pairs
from bagalau.cli.store_access import ACTOR, CAMPAIGN, DATABASE, ON, actor_name, effective, guarded, open_store
from bagalau.cli.terminal import Table

objection_app = typer.Typer(no_args_is_help=True, help="Objections, commissions and their decisions.")


# --- objections ----------------------------------------------------------------------------

@objection_app.command("file")
@guarded
def objection_file(body: str, text: str = typer.Option(..., help="what the body objects to"),
                   document: List[str] = typer.Option(..., "--document", help="a supporting document (repeat)"),
                   contest: List[str] = typer.Option([], "--contest", help="a fact or input contested (repeat)"),
                   campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
                   actor: Optional[str] = ACTOR, on: Optional[str] = ON) -> None:
    """A body objects to its draft conclusion, with documents."""
    who = actor_name(actor)
    factory = open_store(database)
    with store.transaction(factory) as s:
        objection = campaigns.file_objection(s, campaigns.get_campaign(s, campaign), body, text, document, who,
                                             contested=contest, at=effective(on))
    out.print(_("objection #%(id)s of %(body)s filed (deadline %(deadline)s)", id=objection.id, body=body,
                deadline=objection.deadline), highlight=False, markup=False)


@objection_app.command("commission")
@guarded
def objection_commission(body: str, member: List[str] = typer.Option(..., "--member", help="a member (repeat)"),
                         campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
                         actor: Optional[str] = ACTOR, on: Optional[str] = ON) -> None:
    """Appoint the special commission for a body's objections (2012 §107)."""
    who = actor_name(actor)
    factory = open_store(database)
    with store.transaction(factory) as s:
        commission = campaigns.appoint_commission(s, campaigns.get_campaign(s, campaign), body, member, who,
                                                  at=effective(on))
    out.print(_("commission #%(id)s for %(body)s: %(members)s", id=commission.id, body=body,
                members=", ".join(member)), highlight=False, markup=False)


@objection_app.command("decide")
@guarded
def objection_decide(objection_id: int, outcome: str = typer.Option(..., help="accepted or rejected"),
                     reasoning: str = typer.Option(..., help="the commission's reasons"),
                     remove_fact: List[int] = typer.Option([], "--remove-fact", help="a fact id to remove (repeat)"),
                     set_input: List[str] = typer.Option([], "--set", help="INPUT=VALUE: a corrected input (repeat)"),
                     campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
                     actor: Optional[str] = ACTOR, on: Optional[str] = ON) -> None:
    """Record the commission's decision; changes trigger a rescore as a new run."""
    who = actor_name(actor)
    factory = open_store(database)
    with store.transaction(factory) as s:
        decision = campaigns.decide_objection(s, campaigns.get_campaign(s, campaign), objection_id, who,
                                              outcome=outcome, reasoning=reasoning, remove_facts=remove_fact,
                                              input_changes=parse_pairs(set_input, "--set"), at=effective(on))
        run = s.get(store.ScoringRun, decision.run_id).number if decision.run_id else None
    if run is None:
        line = _("decision #%(id)s on objection #%(objection)s: %(outcome)s", id=decision.id,
                 objection=objection_id, outcome=outcome)
    else:
        line = _("decision #%(id)s on objection #%(objection)s: %(outcome)s; rescored as run #%(run)s",
                 id=decision.id, objection=objection_id, outcome=outcome, run=run)
    out.print(line, highlight=False, markup=False)


@objection_app.command("list")
@guarded
def objection_list(campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE) -> None:
    factory = open_store(database)
    table = Table("#", "body", "filed", "deadline", "status", "documents", "text")
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign)
        for o in s.execute(select(store.Objection).where(store.Objection.campaign_id == c.id)
                           .order_by(store.Objection.id)).scalars():
            table.add_row(str(o.id), o.body_code, str(o.filed_at.date()), str(o.deadline), o.status,
                          "; ".join(o.documents), o.text)
    out.print(table)
