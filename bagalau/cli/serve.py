"""``bagalau serve``: the API with uvicorn, on the embedded store with the demo
data by default, or on a PostgreSQL store (``--database``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from bagalau import store
from bagalau.cli.app import app
from bagalau.cli.console import _, fail, out
from bagalau.store import migrations


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="address to listen on"),
          port: int = typer.Option(8000, help="port"),
          workers: int = typer.Option(1, help="uvicorn worker processes (they share a PostgreSQL store and its "
                                              "job queue)"),
          database: Optional[str] = typer.Option(None, "--database", help="PostgreSQL URL (default: "
                                                 "$BAGALAU_DATABASE_URL, or the embedded SQLite file)"),
          demo: bool = typer.Option(True, "--demo/--no-demo", help="on the embedded store: seed the synthetic "
                                                                   "2012 demo campaign and its accounts"),
          evidence_dir: Optional[Path] = typer.Option(None, help="where evidence files go (default: "
                                                                 "$BAGALAU_EVIDENCE_DIR or the data directory)"),
          public_url: Optional[str] = typer.Option(None, help="the address users reach (for setup links)")) -> None:
    """Start the web API (OpenAPI at /api/openapi.json, reader at /api/docs)."""
    import uvicorn

    url = store.database_url(database)
    engine = store.make_engine(url)
    if engine.dialect.name == "sqlite":
        migrations.upgrade(engine)
    elif migrations.current(engine) != migrations.head():
        fail(_("the database %(database)s is not at schema revision %(head)s; run "
               "`bagalau db upgrade --database ...` first", database=store.describe(url), head=migrations.head()))
    if demo and database is None and not os.environ.get(store.ENV_URL):
        from bagalau.demo.accounts import ensure_demo
        credentials = Path(url.removeprefix("sqlite:///")).parent / "demo-accounts.txt"
        factory = store.make_sessionmaker(engine)
        names = ensure_demo(factory, credentials, say=out.print)
        _print_demo_logins(factory, names, credentials)
    engine.dispose()
    os.environ[store.ENV_URL] = url
    if evidence_dir is not None:
        os.environ["BAGALAU_EVIDENCE_DIR"] = str(evidence_dir)
    os.environ.setdefault("BAGALAU_PUBLIC_URL", public_url or f"http://{host}:{port}")
    out.print(f"Bagalau on [bold]http://{host}:{port}/[/] (web pages in Kazakh, Russian and English); API on "
              f"http://{host}:{port}/api/v1 (OpenAPI: /api/openapi.json, reader: /api/docs); "
              f"store {store.describe(url)}", highlight=False)
    uvicorn.run("bagalau.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, log_level="info")


def _print_demo_logins(factory, names: list[str], credentials: Path) -> None:
    """The demo accounts a visitor can sign in with, one per role (all share one password)."""
    from sqlalchemy import select

    from bagalau.demo.accounts import demo_password
    from bagalau.store import User, transaction

    with transaction(factory) as s:
        users = [(u.name, u.role, u.body_code) for u in s.execute(select(User).order_by(User.role, User.name))
                 .scalars() if u.name in names]
    shown, per_role = [], {}
    for name, role, body in users:
        per_role.setdefault(role, []).append((name, body))
    for role in ("administrator", "methodologist", "evaluator", "commission", "body", "observer"):
        for name, body in per_role.get(role, [])[:2]:
            shown.append(f"  {role:<14} {name}")
        more = len(per_role.get(role, [])) - 2
        if more > 0:
            shown.append(f"  {'':<14} … and {more} more {role} account(s)")
    out.print(f"[bold yellow]synthetic demo store[/]: sign in with any of these {len(names)} demo accounts",
              highlight=False)
    out.print("\n".join(shown), highlight=False, markup=False)
    out.print(f"  password (every demo account): {demo_password(credentials)}   (kept in {credentials})",
              highlight=False, markup=False)
