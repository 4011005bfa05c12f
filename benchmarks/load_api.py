"""Load benchmark of the API: uvicorn with N workers on PostgreSQL, on loopback,
with the synthetic 2012 demo data.

    .venv/bin/python benchmarks/load_api.py                       # 2 workers, 30 s, 50 clients
    .venv/bin/python benchmarks/load_api.py --workers 4 --seconds 60 --json

The store is a fresh schema in the PostgreSQL database of ``--database``
(default ``$BAGALAU_TEST_POSTGRES_URL`` or postgresql+psycopg://postgres@127.0.0.1:5432/bagalau_test),
dropped afterwards. It holds the finished demo campaign (17 bodies, final:
its rating and explanations are public) and a second campaign open for
submissions, in which every body's officer has a token.

50 concurrent clients (aiohttp: one event loop, one connection each) run for
the given time, each choosing,
for every request: 40 % the explanation of one body in the final campaign,
40 % the final rating (both as the public, without an account), 20 % a new
version of its body's report (as the body's officer, with the version it
last saw: two clients of the same body sometimes collide, and the loser's
409 is counted as answered, as it is the optimistic lock doing its work).
Printed: requests per second, and p50/p95/p99 latency per kind and overall.
The target on a 2-core machine is p99 under 100 ms for one body's explanation.
Nothing is timed before the server answers its first request.

The client is aiohttp, not httpx: with 50 concurrent connections httpx's own
connection pool was the bottleneck (measured here against a bare ASGI app that
returns 34 kB: httpx 226 req/s with p99 1,264 ms, aiohttp 5,861 req/s with
p99 24 ms), so it measured the client, not the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

DEFAULT_PG = os.environ.get("BAGALAU_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bagalau_test")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(url: str) -> dict:
    """The demo campaign (final) and an open one with every body's first report; tokens for the officers."""
    from bagalau import campaigns, demo, store
    from bagalau.campaigns import accounts
    from bagalau.demo import campaign as demo_campaign
    from bagalau.engine import catalog
    from bagalau.engine.inputs import Submission

    engine = store.make_engine(url)
    store.Base.metadata.create_all(engine)
    factory = store.make_sessionmaker(engine)
    result = demo_campaign.run(factory, say=lambda _: None)
    document = demo.cohort_document(catalog.load("it-2012"), 2012)
    codes = [entry["id"] for entry in document["bodies"]]
    lead = demo_campaign.EVALUATORS[0]
    with store.transaction(factory) as s:
        open_campaign = campaigns.create_campaign(
            s, name="load-open", methodology_id="it-2012", period=2012, evaluator=demo_campaign.EVALUATOR_BODY,
            bodies=codes, actor=demo_campaign.METHODOLOGIST, evaluators={code: [lead] for code in codes})
        open_id = open_campaign.id
        campaigns.open_submissions(s, open_campaign, lead)
    tokens, values = {}, {}
    for entry in document["bodies"]:
        code = entry["id"]
        with store.transaction(factory) as s:
            c = campaigns.get_campaign(s, open_id)
            campaigns.submit(s, c, code, Submission(code, None, entry["inputs"], period=2012, origin="load"),
                             demo_campaign.representative(code), expected_version=0)
            tokens[code] = accounts.create_token(s, campaigns.get_user(s, demo_campaign.representative(code)),
                                                 "load", 1, "load").secret
        values[code] = entry["inputs"]
    engine.dispose()
    return {"final": result.campaign_id, "open": open_id, "codes": codes, "tokens": tokens, "values": values}


def parse_mix(text: str) -> tuple[float, float, float]:
    try:
        shares = [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--mix takes three percentages, e.g. 40,40,20; got '{text}'") from None
    if len(shares) != 3 or any(share < 0 for share in shares) or sum(shares) != 100:
        raise argparse.ArgumentTypeError(f"--mix takes three percentages that add up to 100; got '{text}'")
    return tuple(share / 100 for share in shares)


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


async def load(base: str, world: dict, clients: int, seconds: float, seed_value: int,
               mix: tuple[float, float, float] = (0.4, 0.4, 0.2)) -> list[tuple[str, float, int]]:
    import aiohttp

    samples: list[tuple[str, float, int]] = []
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(base, connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as http:

        async def call(method: str, url: str, **kwargs) -> tuple[int, bytes]:
            async with http.request(method, url, **kwargs) as response:
                return response.status, await response.read()

        # warm every worker (imports, caches) before the clock starts
        await asyncio.gather(*[call("GET", f"/api/v1/campaigns/{world['final']}/rating") for _ in range(clients)])
        deadline = time.perf_counter() + seconds
        codes = world["codes"]

        async def client(number: int) -> None:
            rng = random.Random(seed_value * 1000 + number)
            body = codes[number % len(codes)]
            version = 1
            headers = {"Authorization": f"Bearer {world['tokens'][body]}"}
            base_values = world["values"][body]
            while time.perf_counter() < deadline:
                roll = rng.random()
                start = time.perf_counter()
                if roll < mix[0]:
                    kind = "explanation"
                    other = rng.choice(codes)
                    status, _ = await call("GET", f"/api/v1/campaigns/{world['final']}/bodies/{other}/explanation")
                elif roll < mix[0] + mix[1]:
                    kind = "rating"
                    status, _ = await call("GET", f"/api/v1/campaigns/{world['final']}/rating")
                else:
                    kind = "submission"
                    new = {**base_values, "app2_g1": base_values["app2_g1"] + (version % 2)}
                    status, content = await call("POST", f"/api/v1/campaigns/{world['open']}/bodies/{body}/submissions",
                                                 json={"values": new, "expected_version": version}, headers=headers)
                    if status == 201:
                        version = json.loads(content)["version"]
                    elif status == 409:
                        _, listing = await call("GET", f"/api/v1/campaigns/{world['open']}/bodies/{body}/submissions",
                                                headers=headers)
                        version = json.loads(listing)[-1]["version"]
                samples.append((kind, (time.perf_counter() - start) * 1000, status))

        started = time.perf_counter()
        await asyncio.gather(*[client(i) for i in range(clients)])
        samples.append(("_elapsed", (time.perf_counter() - started) * 1000, 0))
    return samples


def report(samples: list[tuple[str, float, int]], workers: int, clients: int) -> dict:
    elapsed = next(ms for kind, ms, _ in samples if kind == "_elapsed") / 1000
    samples = [s for s in samples if s[0] != "_elapsed"]
    out = {"workers": workers, "clients": clients, "seconds": round(elapsed, 1), "requests": len(samples),
           "requests_per_second": round(len(samples) / elapsed, 1), "kinds": {}}
    for kind in ("explanation", "rating", "submission", "all"):
        chosen = sorted(ms for k, ms, _ in samples if kind == "all" or k == kind)
        statuses: dict[str, int] = {}
        for k, _, status in samples:
            if kind == "all" or k == kind:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
        out["kinds"][kind] = {"count": len(chosen), "p50_ms": round(percentile(chosen, 50), 1),
                              "p95_ms": round(percentile(chosen, 95), 1), "p99_ms": round(percentile(chosen, 99), 1),
                              "mean_ms": round(statistics.fmean(chosen), 1) if chosen else None,
                              "statuses": statuses}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_PG, help="a PostgreSQL URL (a fresh schema is made in it)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--mix", default="40,40,20", type=parse_mix,
                        help="percent of explanations, ratings and submissions (default 40,40,20)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not args.database.startswith("postgresql"):
        parser.error("--database must be a PostgreSQL URL")

    schema = f"load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(args.database)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in args.database else "?"
    url = f"{args.database}{separator}options={quote(f'-csearch_path={schema}')}"
    server = None
    try:
        print(f"seeding the demo data into schema {schema} ...", file=sys.stderr)
        world = seed(url)
        port = free_port()
        folder = tempfile.mkdtemp(prefix="bagalau-load-")
        env = {**os.environ, "BAGALAU_DATABASE_URL": url, "BAGALAU_EVIDENCE_DIR": str(Path(folder) / "evidence"),
               "BAGALAU_JOBS": "queue"}
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "bagalau.api.app:create_app", "--factory",
                                   "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
                                   "--log-level", "warning", "--no-access-log"],
                                  env=env, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        wait_for(base, server)
        print(f"uvicorn with {args.workers} workers on {base}; {args.clients} clients for {args.seconds:g} s ...",
              file=sys.stderr)
        samples = asyncio.run(load(base, world, args.clients, args.seconds, args.seed, args.mix))
        figures = report(samples, args.workers, args.clients)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{figures['requests']} requests in {figures['seconds']} s: {figures['requests_per_second']} req/s "
              f"({figures['workers']} uvicorn workers, {figures['clients']} clients)")
        print(f"{'kind':<12} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
        for kind, row in figures["kinds"].items():
            print(f"{kind:<12} {row['count']:>7} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['p99_ms']:>8}  "
                  f"{row['statuses']}")
        target = figures["kinds"]["explanation"]["p99_ms"]
        print(f"target p99 < 100 ms for one body's explanation: {'met' if target < 100 else 'NOT met'} ({target} ms)")
    return 0


def wait_for(base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    import httpx
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if server.poll() is not None:
            raise SystemExit(f"uvicorn exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/api/v1/methodologies", timeout=30).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer in time")


if __name__ == "__main__":
    sys.exit(main())
