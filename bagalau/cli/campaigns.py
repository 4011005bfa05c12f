"""Command-line commands for assessment campaigns (``campaign``: create, status,
advance, plans, post-audit, demo) and their ``rating``; this module also mounts
the store's other command groups, in the order ``bagalau --help`` lists them.

What every command on the store shares (``--database``, ``--as``, ``--on``,
the error guard, opening the store) is in ``store_access``.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from sqlalchemy import select

from bagalau import campaigns, store
from bagalau.cli import administration, objections, submissions, terminal
from bagalau.cli import progress as progress_bars
from bagalau.cli.console import _, fail, out, parse_pairs, said, warn, wrote
from bagalau.cli.store_access import (  # audit, extracts and documents import these from here too
    ACTOR,
    CAMPAIGN,
    DATABASE,
    ON,
    actor_name,
    app,
    effective,
    guarded,
    open_store,
)
from bagalau.cli.terminal import Table
from bagalau.demo import campaign as demo_campaign
from bagalau.i18n import N_
from bagalau.store import anchoring, audit

campaign_app = typer.Typer(no_args_is_help=True, help="Assessment campaigns: create, status, advance, plans, demo.")

for _sub, _name in ((campaign_app, "campaign"), (submissions.verify_app, "verify"),
                    (objections.objection_app, "objection"), (administration.db_app, "db"),
                    (administration.bodies_app, "bodies"), (administration.users_app, "users")):
    app.add_typer(_sub, name=_name)


# --- campaigns ----------------------------------------------------------------------------

@campaign_app.command("create")
@guarded
def campaign_create(name: str = typer.Option(..., help="a unique name"),
                    methodology: str = typer.Option(..., help="edition id, e.g. it-2012"),
                    period: int = typer.Option(..., help="reporting year"),
                    evaluator: str = typer.Option(..., help="code of the evaluating body"),
                    body: List[str] = typer.Option([], "--body", help="an evaluated body (repeat)"),
                    kind: List[str] = typer.Option([], "--kind", help="every registered body of this kind (repeat)"),
                    option: List[str] = typer.Option([], "--option", help="a reading, e.g. A13=zero"),
                    setting: List[str] = typer.Option([], "--setting", help="e.g. submission_deadline=2013-03-01"),
                    assign: List[str] = typer.Option([], "--assign", help="BODY=USER: who evaluates a body"),
                    previous: Optional[str] = typer.Option(None, help="the previous campaign (for the post-audit)"),
                    database: Optional[str] = DATABASE, actor: Optional[str] = ACTOR, on: Optional[str] = ON) -> None:
    """Create a campaign; its deadlines come from the act's schedule."""
    who = actor_name(actor)
    factory = open_store(database)
    settings = parse_pairs(setting, "--setting")
    for key in ("objection_working_days", "commission_min_members"):
        if key in settings:
            settings[key] = int(settings[key])
    assignments: dict[str, list[str]] = {}
    for code, user in parse_pairs(assign, "--assign").items():
        assignments.setdefault(code, []).append(user)
    with store.transaction(factory) as s:
        codes = list(body)
        for k in kind:
            codes += [b.code for b in s.execute(select(store.Body).where(store.Body.kind == k)
                                                .order_by(store.Body.code)).scalars() if b.code not in codes]
        campaign = campaigns.create_campaign(s, name=name, methodology_id=methodology, period=period,
                                             evaluator=evaluator, bodies=codes, actor=who,
                                             options=parse_pairs(option, "--option"), settings=settings,
                                             previous=previous, evaluators=assignments, at=effective(on))
        out.print(_("campaign #%(id)s '%(name)s' created; bodies: %(count)s", id=campaign.id, name=name,
                    count=len(codes)), highlight=False, markup=False)
        _print_status(campaigns.status(s, campaign))
    if not codes:
        warn(_("the campaign is empty: no body is assessed in it (give --body CODE or --kind KIND; "
               "`bagalau bodies import` fills the registry)"))
    from bagalau.cli.methodologies import warn_outside_validity
    from bagalau.engine import catalog
    warn_outside_validity(catalog.methodology(methodology), [period])


def _print_status(info: dict) -> None:
    out.print(f"[bold]campaign #{info['id']} {info['name']}[/]: {info['methodology']} "
              f"(hash {info['content_hash'][:12]}), period {info['period']}, evaluator {info['evaluator']}")
    out.print(f"state: [bold]{info['state']}[/] — next: {info['next']}")
    deadlines = Table("deadline", "due", "rule", title="Deadlines")
    for d in info["deadlines"]:
        due = str(d["due"]) if d["due"] else f"after {d['after']}"
        deadlines.add_row(d["name"], due, d["paragraph"] or "")
    out.print(deadlines)
    bodies = Table("body", "profile", "version", "submitted", "flags", "facts", "total", "objections",
                   title=f"Bodies (scoring runs: {info['runs']})")
    for b in info["bodies"]:
        bodies.add_row(b["body"], b["profile"], str(b["version"] or "—"), str(b["submitted"] or "—"),
                       ", ".join(b["flags"]), str(b["facts"] or ""), b["total"] or "—", ", ".join(b["objections"]))
    out.print(bodies)


@campaign_app.command("status")
@guarded
def campaign_status(campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
                    as_json: bool = typer.Option(False, "--json")) -> None:
    """The campaign's state, deadlines and bodies."""
    factory = open_store(database)
    with store.transaction(factory) as s:
        info = campaigns.status(s, campaigns.get_campaign(s, campaign))
    if as_json:
        out.print_json(data=campaigns.jsonable(info))
    else:
        _print_status(info)


# What a step over many bodies is doing, on its progress bar (``campaigns.state.Progress``).
ADVANCE_STAGES = {"checking": N_("checking reports"), "scoring": N_("scoring bodies"),
                  "storing": N_("storing results"), "draft": N_("draft conclusions"),
                  "final": N_("final conclusions")}


@campaign_app.command("advance")
@guarded
def campaign_advance(campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
                     actor: Optional[str] = ACTOR, on: Optional[str] = ON,
                     output: Optional[Path] = typer.Option(None, "--output", "-o", help="when this step finalises: "
                                                           "where to write the final rating (default "
                                                           "NAME-final-rating.json here) and its anchor"),
                     lang: str = terminal.lang_option("language of the progress bars: kk, ru or en")) -> None:
    """Take the next step: open → close submissions → score → send drafts → finalise. Scoring and
    conclusions for many bodies show progress bars on standard error when it is a terminal."""
    who = actor_name(actor)
    factory = open_store(database)
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign)
        before = c.state
        with progress_bars.for_bodies(len(c.bodies)) as bars:
            after = campaigns.advance(s, c, who, at=effective(on),
                                      progress=progress_bars.by_stage(bars, lambda stage: _(ADVANCE_STAGES[stage])))
    out.print(_("campaign %(name)s: %(before)s → %(after)s", name=c.name, before=before, after=after),
              highlight=False, markup=False)
    if after == "final":     # committed: the files are written only for a rating that is final in the store
        with store.transaction(factory) as s:
            c = campaigns.get_campaign(s, c.id)
            written = campaigns.publish_rating(s, c, output or Path(f"{c.name}-final-rating.json"))
            document = anchoring.document(campaigns.final_anchor(s, c))
        out.print(_("final rating anchored: %(anchor)s; wrote %(files)s", anchor=said(anchoring.label(document)),
                    files=", ".join(map(str, written))), highlight=False, markup=False)
        if document["key_id"] is None:
            warn(_("no anchor key (%(key)s or %(file)s): the checkpoint is not signed (`bagalau audit keygen`)",
                   key=anchoring.ENV_KEY, file=anchoring.ENV_KEY_FILE))


@campaign_app.command("plan")
@guarded
def campaign_plan(body: str, action: List[str] = typer.Option(..., "--action",
                                                               help="'what|who is responsible|YYYY-MM-DD' (repeat)"),
                  campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
                  actor: Optional[str] = ACTOR, on: Optional[str] = ON) -> None:
    """Record a body's improvement plan (2012 §109–110)."""
    who = actor_name(actor)
    actions = []
    for item in action:
        parts = [p.strip() for p in item.split("|")]
        if len(parts) != 3:
            fail(_("--action takes 'what|who is responsible|YYYY-MM-DD', got '%(value)s'", value=item))
        actions.append({"action": parts[0], "responsible": parts[1], "deadline": parts[2]})
    factory = open_store(database)
    with store.transaction(factory) as s:
        plan = campaigns.record_improvement_plan(s, campaigns.get_campaign(s, campaign), body, actions, who,
                                                 at=effective(on))
        out.print(_("plan #%(id)s for %(body)s: actions %(actions)s", id=plan.id, body=body,
                    actions=", ".join(f"#{a.id}" for a in plan.actions)), highlight=False, markup=False)


@campaign_app.command("post-audit")
@guarded
def campaign_post_audit(action_id: int, status: str = typer.Option(..., help="done, partly or not_done"),
                        note: str = typer.Option("", help="the verification report's finding (§111)"),
                        campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
                        actor: Optional[str] = ACTOR, on: Optional[str] = ON) -> None:
    """In the next campaign, record how a plan action of the previous one was carried out (§108, §111)."""
    who = actor_name(actor)
    factory = open_store(database)
    with store.transaction(factory) as s:
        campaigns.check_post_audit(s, campaigns.get_campaign(s, campaign), action_id, status, note, who,
                                   at=effective(on))
    out.print(_("plan action #%(id)s: %(status)s", id=action_id, status=status), highlight=False, markup=False)


@campaign_app.command("demo")
@guarded
def campaign_demo(database: Optional[str] = DATABASE,
                  output: Optional[Path] = typer.Option(None, "--output", "-o", help="a folder for the final rating "
                                                        "and its anchor file")) -> None:
    """Load the synthetic demo campaign (17 regions, 2012 IT methodology) into the store and run it end to end."""
    from bagalau.demo import SYNTHETIC_NOTE
    url = store.database_url(database)
    factory = open_store(database)
    out.print(f"[bold yellow]{SYNTHETIC_NOTE}[/]\nstore: {store.describe(url)}")
    result = demo_campaign.run(factory, say=lambda text: out.print(f"• {text}", highlight=False))
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, result.campaign_id)
        rows, final = campaigns.rating(s, c)
        first = _ranks(result.run_totals[0])
        table = Table("rank", "body", "name", "total", "draft (run 1)", title=f"{c.name}: final rating (synthetic data)")
        for row in rows:
            before = result.run_totals[0][row.body]
            changed = before != row.total or first[row.body] != row.rank
            table.add_row(str(row.rank), row.body, row.name, row.total,
                          f"{before}, rank {first[row.body]}" if changed else "")
        out.print(table)
        changed = [code for code in result.run_totals[0] if result.run_totals[0][code] != result.run_totals[-1][code]]
        out.print(f"the commission's decision changed the total of: {', '.join(changed)}")
        out.print(f"audit: {audit.verify_chain(s)}")
        anchor = campaigns.final_anchor(s, c)
        out.print(f"final rating anchored: {anchoring.label(anchoring.document(anchor))}", highlight=False)
        if output is not None:
            output.mkdir(parents=True, exist_ok=True)
            written = campaigns.publish_rating(s, c, output / f"{c.name}-final-rating.json")
            out.print("wrote " + ", ".join(map(str, written)), highlight=False)
        out.print(f"see more: bagalau campaign status -c {c.name}; bagalau rating -c {c.name}; bagalau audit show "
                  f"-c {c.name}" + ("" if database is None else f" --database {database}"))


def _ranks(totals: dict[str, str]) -> dict[str, int]:
    from decimal import Decimal
    ordered = sorted(totals, key=lambda code: (-Decimal(totals[code]), code))
    ranks: dict[str, int] = {}
    for position, code in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        ranks[code] = ranks[previous] if previous and totals[previous] == totals[code] else position
    return ranks


# --- rating and audit ----------------------------------------------------------------------

@app.command("rating")
@guarded
def rating(campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
           as_json: bool = typer.Option(False, "--json"),
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="also write the rating to this JSON "
                                                 "file; a final rating gets its anchor next to it "
                                                 "(NAME.anchor.json)"),
           lang: str = terminal.lang_option()) -> None:
    """The campaign's rating (final, or provisional from the latest run)."""
    factory = open_store(database)
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign)
        rows, final = campaigns.rating(s, c)
        written = campaigns.publish_rating(s, c, output) if output is not None else []
    for path in written:
        wrote(path)
    if as_json:
        out.print_json(data={"campaign": c.name, "methodology": c.methodology_id, "period": c.period, "final": final,
                             "rating": [row.__dict__ for row in rows]})
        return
    if not rows:
        out.print(_("%(name)s: no body has been scored yet — the rating is empty (state: %(state)s)", name=c.name,
                    state=c.state), highlight=False, markup=False)
        return
    table = Table(_("rank"), _("body"), _("name"), _("total"), _("grade"),
                  title=f"{c.name}: " + (_("final rating") if final else _("PROVISIONAL rating (not final)")))
    for row in rows:
        table.add_row(str(row.rank), row.body, row.name, row.total, row.grade or "")
    out.print(table)
