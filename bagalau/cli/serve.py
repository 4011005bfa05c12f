"""``bagalau serve``: the API with uvicorn, on the embedded store with the demo
data by default, or on a PostgreSQL store (``--database``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from bagalau import store
from bagalau.cli.app import app
from bagalau.cli.console import fail, out
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
        fail(f"the database {store.describe(url)} is not at schema revision {migrations.head()}; run "
             "`bagalau db upgrade --database ...` first")
    if demo and database is None and not os.environ.get(store.ENV_URL):
        from bagalau.demo.accounts import ensure_demo
        credentials = Path(url.removeprefix("sqlite:///")).parent / "demo-accounts.txt"
        names = ensure_demo(store.make_sessionmaker(engine), credentials, say=out.print)
        out.print(f"[bold yellow]synthetic demo store[/]: {len(names)} demo accounts, e.g. "
                  f"'Administrator (demo)', '{names[0]}'; their password is in {credentials}")
    engine.dispose()
    os.environ[store.ENV_URL] = url
    if evidence_dir is not None:
        os.environ["BAGALAU_EVIDENCE_DIR"] = str(evidence_dir)
    os.environ.setdefault("BAGALAU_PUBLIC_URL", public_url or f"http://{host}:{port}")
    out.print(f"Bagalau API on http://{host}:{port}/api/v1 (OpenAPI: /api/openapi.json, reader: /api/docs); "
              f"store {store.describe(url)}")
    uvicorn.run("bagalau.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, log_level="info")
