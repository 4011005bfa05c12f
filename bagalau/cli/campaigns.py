"""Command-line commands for campaigns and the store, mounted into ``bagalau``.

The command line on the store is an administrator's tool: whoever holds the
database can write to it anyway. ``--as`` names the user a step is taken for,
and the campaign steps check that user's role against the access policy
(``campaigns.policy``), as the API does for a signed-in user.

Every command opens the store given by ``--database`` or
``BAGALAU_DATABASE_URL`` (default: the embedded SQLite file in the user's
data directory, brought up to date automatically) and acts as the user
named by ``--as`` or ``BAGALAU_USER``. Each command is one transaction:
it is written whole or not at all. Errors print one clear message and
exit with status 2.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone
from functools import wraps
from pathlib import Path
from typing import List, Optional

import typer
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from bagalau import campaigns, store
from bagalau.campaigns import accounts, registry
from bagalau.cli import terminal
from bagalau.cli.console import CONFLICT, err, fail, out, parse_pairs
from bagalau.cli.terminal import Table
from bagalau.demo import campaign as demo_campaign
from bagalau.engine.inputs import InputError
from bagalau.store import anchoring, audit, migrations

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
campaign_app = typer.Typer(no_args_is_help=True, help="Assessment campaigns: create, status, advance, plans, demo.")
verify_app = typer.Typer(no_args_is_help=True, help="Verification: unreliable facts and report flags.")
objection_app = typer.Typer(no_args_is_help=True, help="Objections, commissions and their decisions.")
db_app = typer.Typer(no_args_is_help=True, help="The store's schema (Alembic migrations).")
bodies_app = typer.Typer(no_args_is_help=True, help="The registry of state bodies (CSV / XLSX).")
users_app = typer.Typer(no_args_is_help=True, help="Users and their roles.")
for _sub, _name in ((campaign_app, "campaign"), (verify_app, "verify"), (objection_app, "objection"),
                    (db_app, "db"), (bodies_app, "bodies"), (users_app, "users")):
    app.add_typer(_sub, name=_name)


DATABASE = typer.Option(None, "--database", help="Database URL (default: $BAGALAU_DATABASE_URL, or the embedded "
                                                 "SQLite file in the user's data directory).")
ACTOR = typer.Option(None, "--as", help="Who acts (a user name); default $BAGALAU_USER.")
CAMPAIGN = typer.Option(None, "--campaign", "-c", help="Campaign id or name (default: the latest).")
ON = typer.Option(None, "--on", help="Effective date YYYY-MM-DD (default: now), e.g. to enter a past step.")
PUBLIC_URL = typer.Option("http://127.0.0.1:8000", "--public-url", envvar="BAGALAU_PUBLIC_URL",
                          help="where users reach Bagalau (for setup links)")



def guarded(function):
    """Turn the errors users can cause into one clear message, no traceback."""
    @wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except campaigns.ConflictError as exc:
            fail(f"conflict: {exc}", CONFLICT)
        except campaigns.CampaignError as exc:
            fail(str(exc))
        except registry.RegistryError as exc:
            fail(str(exc))
        except InputError as exc:
            fail(f"{len(exc.problems)} input problem(s); nothing was stored:\n  "
                 + "\n  ".join(str(p) for p in exc.problems))
        except (OperationalError, ProgrammingError) as exc:
            fail(f"database error: {str(exc.orig).strip().splitlines()[0] if exc.orig else exc}\n"
                 "  (is the database reachable, and its schema current? `bagalau db upgrade`)")
        except SQLAlchemyError as exc:
            fail(f"the database refused the change: {database_reason(exc)}; nothing was written")
    return wrapper


def database_reason(exc: Exception) -> str:
    """What the database said, without SQLAlchemy's wrapping: no "(sqlite3.IntegrityError)", no SQL."""
    import re
    text = str(getattr(exc, "orig", None) or exc).strip()
    text = re.sub(r"^\([\w.]+\)\s*", "", text.splitlines()[0] if text else "")
    return text or "no reason given"


def actor_name(given: str | None) -> str:
    name = given or os.environ.get("BAGALAU_USER")
    if not name:
        fail("say who acts: --as NAME or BAGALAU_USER (users: `bagalau users list`)")
    return name


def effective(on: str | None) -> datetime | None:
    if on is None:
        return None
    try:
        day = date.fromisoformat(on)
    except ValueError:
        fail(f"--on takes a date YYYY-MM-DD, got '{on}'")
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc)


def open_store(database: str | None, upgrade: bool = True):
    """A session factory for the store, its schema checked (the embedded SQLite file is upgraded)."""
    url = store.database_url(database)
    engine = store.make_engine(url)
    head = migrations.head()
    try:
        current = migrations.current(engine)
    except OperationalError as exc:
        fail(f"cannot open the database {store.describe(url)}: {str(exc.orig).strip().splitlines()[0]}")
    if current != head:
        if upgrade and engine.dialect.name == "sqlite":
            migrations.upgrade(engine)
            err.print(f"[dim]store {store.describe(url)}: schema brought to revision {head}[/]")
        else:
            fail(f"the database {store.describe(url)} is at schema revision {current or 'none'}, not {head}; "
                 "run `bagalau db upgrade`")
    return store.make_sessionmaker(engine)


# --- db -----------------------------------------------------------------------------

@db_app.command("upgrade")
@guarded
def db_upgrade(revision: str = typer.Argument("head"), database: Optional[str] = DATABASE) -> None:
    """Create or update the schema (Alembic upgrade)."""
    url = store.database_url(database)
    engine = store.make_engine(url)
    migrations.upgrade(engine, revision)
    out.print(f"{store.describe(url)}: at revision {migrations.current(engine)}")


@db_app.command("downgrade")
@guarded
def db_downgrade(revision: str = typer.Argument("-1", help="e.g. -1 or base (drops every table)"),
                 database: Optional[str] = DATABASE) -> None:
    """Step the schema back (Alembic downgrade)."""
    url = store.database_url(database)
    engine = store.make_engine(url)
    migrations.downgrade(engine, revision)
    out.print(f"{store.describe(url)}: at revision {migrations.current(engine) or 'base (empty)'}")


@db_app.command("current")
@guarded
def db_current(database: Optional[str] = DATABASE) -> None:
    """Show the schema revision."""
    url = store.database_url(database)
    out.print(f"{store.describe(url)}: revision {migrations.current(store.make_engine(url)) or 'none'} "
              f"(head {migrations.head()})")


# --- registry and users -------------------------------------------------------------------

@bodies_app.command("import")
@guarded
def bodies_import(file: Path, database: Optional[str] = DATABASE, actor: Optional[str] = ACTOR) -> None:
    """Import bodies from CSV or XLSX (all rows or none)."""
    factory = open_store(database)
    with store.transaction(factory) as s:
        summary = registry.import_bodies(s, file, actor or os.environ.get("BAGALAU_USER") or "registry import")
    out.print(f"{file}: {summary['created']} created, {summary['updated']} updated, {summary['unchanged']} unchanged")


@bodies_app.command("export")
@guarded
def bodies_export(file: Path, database: Optional[str] = DATABASE) -> None:
    """Export the registry to CSV or XLSX."""
    factory = open_store(database)
    with store.transaction(factory) as s:
        count = registry.export_bodies(s, file)
    out.print(f"wrote {count} bodies to {file}")


@users_app.command("add")
@guarded
def users_add(name: str, role: str = typer.Option(..., help="administrator, methodologist, evaluator, commission, "
                                                           "body (a body officer) or observer"),
              body: Optional[str] = typer.Option(None, help="body officers: their body; evaluators: their "
                                                            "evaluating body"),
              password_stdin: bool = typer.Option(False, "--password-stdin",
                                                  help="read an initial password from standard input; without "
                                                       "it, a one-time setup link is printed"),
              public_url: str = PUBLIC_URL, database: Optional[str] = DATABASE) -> None:
    """Add a user with a role, and an initial password or a one-time setup link."""
    password = _read_password() if password_stdin else None
    factory = open_store(database)
    with store.transaction(factory) as s:
        user = campaigns.add_user(s, name, role, body, actor=os.environ.get("BAGALAU_USER") or "administrator (cli)")
        link = _credentials(s, user, password, public_url)
    out.print(f"user {name}: {role}" + (f" for {body}" if body else ""))
    if link:
        out.print(f"one-time setup link (valid {accounts.SETUP_VALID.days * 24} h): {link}", soft_wrap=True)


@users_app.command("setup-link")
@guarded
def users_setup_link(name: str, public_url: str = PUBLIC_URL, database: Optional[str] = DATABASE) -> None:
    """Print a new one-time link with which the user sets a password."""
    factory = open_store(database)
    with store.transaction(factory) as s:
        link = _credentials(s, campaigns.get_user(s, name), None, public_url)
    out.print(f"one-time setup link for {name}: {link}", soft_wrap=True)


@users_app.command("password")
@guarded
def users_password(name: str, database: Optional[str] = DATABASE) -> None:
    """Set a user's password from standard input (ends their sessions, lifts a lock-out)."""
    password = _read_password()
    factory = open_store(database)
    with store.transaction(factory) as s:
        _credentials(s, campaigns.get_user(s, name), password, "")
    out.print(f"password of {name} set")


def _read_password() -> str:
    import sys
    if sys.stdin.isatty():
        return typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _credentials(session, user, password: str | None, public_url: str) -> str | None:
    actor = os.environ.get("BAGALAU_USER") or "administrator (cli)"
    if password is not None:
        accounts.set_password(session, user, password, actor)
        return None
    return f"{public_url.rstrip('/')}/setup#{accounts.create_setup_token(session, user, actor)}"


@users_app.command("list")
@guarded
def users_list(database: Optional[str] = DATABASE) -> None:
    factory = open_store(database)
    table = Table("name", "role", "body", "password", "locked until")
    with store.transaction(factory) as s:
        for user in s.execute(select(store.User).order_by(store.User.name)).scalars():
            table.add_row(user.name, user.role, user.body_code or "", "set" if user.password_hash else "—",
                          str(user.locked_until or ""))
    out.print(table)


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
        out.print(f"campaign #{campaign.id} '{name}' created with {len(codes)} bodies")
        _print_status(campaigns.status(s, campaign))
    if not codes:
        err.print("[yellow]warning:[/] the campaign is empty: no body is assessed in it (give --body CODE or "
                  "--kind KIND; `bagalau bodies import` fills the registry)", highlight=False)
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


@campaign_app.command("advance")
@guarded
def campaign_advance(campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
                     actor: Optional[str] = ACTOR, on: Optional[str] = ON,
                     output: Optional[Path] = typer.Option(None, "--output", "-o", help="when this step finalises: "
                                                           "where to write the final rating (default "
                                                           "NAME-final-rating.json here) and its anchor")) -> None:
    """Take the next step: open → close submissions → score → send drafts → finalise."""
    who = actor_name(actor)
    factory = open_store(database)
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign)
        before = c.state
        after = campaigns.advance(s, c, who, at=effective(on))
    out.print(f"campaign {c.name}: {before} → {after}")
    if after == "final":     # committed: the files are written only for a rating that is final in the store
        with store.transaction(factory) as s:
            c = campaigns.get_campaign(s, c.id)
            written = campaigns.publish_rating(s, c, output or Path(f"{c.name}-final-rating.json"))
            document = anchoring.document(campaigns.final_anchor(s, c))
        out.print(f"final rating anchored: {anchoring.label(document)}; wrote " + ", ".join(map(str, written)),
                  highlight=False)
        if document["key_id"] is None:
            err.print(f"[yellow]warning:[/] no anchor key ({anchoring.ENV_KEY} or {anchoring.ENV_KEY_FILE}): the "
                      "checkpoint is not signed (`bagalau audit keygen`)", highlight=False)


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
            fail(f"--action takes 'what|who is responsible|YYYY-MM-DD', got '{item}'")
        actions.append({"action": parts[0], "responsible": parts[1], "deadline": parts[2]})
    factory = open_store(database)
    with store.transaction(factory) as s:
        plan = campaigns.record_improvement_plan(s, campaigns.get_campaign(s, campaign), body, actions, who,
                                                 at=effective(on))
        out.print(f"plan #{plan.id} for {body}: actions " + ", ".join(f"#{a.id}" for a in plan.actions))


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
    out.print(f"plan action #{action_id}: {status}")


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
    out.print(f"{body}: stored version {version.version}" +
              ("" if version.version == 1 else f" ({len(changes)} field(s) changed)"))


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
    out.print(f"{body}: flagged incomplete")


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
    out.print(f"objection #{objection.id} of {body} filed (deadline {objection.deadline})")


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
    out.print(f"commission #{commission.id} for {body}: {', '.join(member)}")


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
        rescored = f"; rescored as run #{s.get(store.ScoringRun, decision.run_id).number}" if decision.run_id else ""
    out.print(f"decision #{decision.id} on objection #{objection_id}: {outcome}{rescored}")


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
        err.print(f"wrote {path}", highlight=False)
    if as_json:
        out.print_json(data={"campaign": c.name, "methodology": c.methodology_id, "period": c.period, "final": final,
                             "rating": [row.__dict__ for row in rows]})
        return
    if not rows:
        out.print(f"{c.name}: no body has been scored yet — the rating is empty (state: {c.state})",
                  highlight=False)
        return
    _ = terminal.gettext(lang)
    table = Table(_("rank"), _("body"), _("name"), _("total"), _("grade"),
                  title=f"{c.name}: " + (_("final rating") if final else _("PROVISIONAL rating (not final)")))
    for row in rows:
        table.add_row(str(row.rank), row.body, row.name, row.total, row.grade or "")
    out.print(table)
