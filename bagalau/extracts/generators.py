"""Synthetic extracts, deterministic by seed and shaped like the real ones. SYNTHETIC:
made-up records for the demo and the benchmark, labelled so in every file's
metadata.

* Body sizes are heavy-tailed (a Lomax/Pareto draw): a few ministries and
  akimats hold most of the records, as in the source systems.
* Days follow the Kazakhstan calendar (``bagalau.campaigns.workdays``):
  records fall on working days; weekends and holidays get a small share
  (pass events: people who come in on a day off).
* Seasonality: a peak before the end of the year, a dip in July–August
  (annual leave).
* Each body has its own habits (share of electronic-only documents, of
  e-procurement, of late services, of overtime), so bodies differ.

Records are generated in chunks; chunk ``i`` of kind ``k`` draws from
``numpy.random.default_rng([seed, k, i])``, so the same seed gives the same
files whatever the chunk order or the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from bagalau.campaigns import workdays

from .schemas import KINDS

CHUNK_ROWS = 2_000_000
SYNTHETIC = {b"bagalau.synthetic": b"made-up records from bagalau.extracts.generators; not real data"}
KIND_ORDER = list(KINDS)
SECOND = 1_000_000          # microseconds


@dataclass(frozen=True)
class Population:
    """The bodies of a synthetic extract with their sizes and habits."""

    codes: list[str]
    weights: np.ndarray          # share of the records, heavy-tailed
    habit: np.ndarray            # 0..1 per body: how "electronic" and punctual it is

    @classmethod
    def make(cls, codes: list[str], seed: int) -> "Population":
        rng = np.random.default_rng([seed, 9999])
        sizes = rng.pareto(1.3, len(codes)) + 0.05
        return cls(list(codes), sizes / sizes.sum(), rng.beta(6, 2, len(codes)))

    @classmethod
    def numbered(cls, count: int, seed: int) -> "Population":
        return cls.make([f"body-{i:04d}" for i in range(1, count + 1)], seed)


def _days(year: int, weekend_share: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The year's days (as numpy datetime64[D]), whether each is a working day, and the
    probability of a record falling on it."""
    start = date(year, 1, 1)
    days = [start + timedelta(days=i) for i in range((date(year + 1, 1, 1) - start).days)]
    working = np.array([workdays.is_working_day(d) for d in days])
    months = np.array([d.month for d in days])
    season = 1 + 0.25 * np.cos(2 * np.pi * (months - 12) / 12) - 0.2 * np.isin(months, (7, 8))
    weight = season * np.where(working, 1.0, weekend_share)
    return np.array(days, dtype="datetime64[D]"), working, weight / weight.sum()


def _bool(rng, probability, n) -> pa.Array:
    return pa.array(rng.random(n) < probability)


def _ids(prefix: str, start: int, n: int) -> pa.Array:
    return pa.array(np.char.add(prefix, np.arange(start, start + n).astype(str)))


def _timestamps(days: np.ndarray, seconds: np.ndarray, empty: np.ndarray | None = None) -> pa.Array:
    """Local times ``seconds`` after midnight of ``days``; empty where ``empty`` is true."""
    micros = days.astype("datetime64[us]").astype(np.int64) + seconds.astype(np.int64) * SECOND
    return pa.array(micros, pa.int64(), mask=empty).cast(pa.timestamp("us"))


def _edms(rng, pop, cal, n, offset) -> pa.Table:
    days, _, p = cal
    body = rng.choice(len(pop.codes), n, p=pop.weights)
    habit = pop.habit[body]
    day = days[rng.choice(len(days), n, p=p)]
    category = rng.choice(np.array(["outgoing_interagency", "outgoing_internal", "incoming", "e_appeal"]), n,
                          p=[0.25, 0.2, 0.45, 0.1])
    receiving = np.isin(category, ("incoming", "e_appeal"))
    received = 8 * 3600 + rng.integers(0, 11 * 3600, n)
    delay = np.where(rng.random(n) < 0.85 * habit + 0.1, rng.integers(0, 3600 * 3, n),
                     rng.integers(3600 * 3, 3600 * 80, n))
    registered = np.where(rng.random(n) < 0.97, received + delay, -1)
    executed = rng.random(n) < 0.6
    return pa.table({
        "document_id": _ids("D", offset, n),
        "body_code": pa.array(np.array(pop.codes)[body]),
        "category": pa.array(category),
        "dated_on": pa.array(day),
        "in_scope": _bool(rng, 0.9, n),
        "recipient_in_edms": _bool(rng, 0.85, n),
        "electronic_only": pa.array(rng.random(n) < habit),
        "electronic": pa.array(rng.random(n) < 0.5 + 0.5 * habit),
        "received_at": _timestamps(day, received, ~receiving),
        "registered_at": _timestamps(day, np.maximum(registered, 0), ~receiving | (registered < 0)),
        "approved_electronically": pa.array(rng.random(n) < habit),
        "executed": pa.array(executed),
        "archive_prepared": pa.array(executed & (rng.random(n) < 0.4 + 0.5 * habit)),
    })


def _services(rng, pop, cal, n, offset) -> pa.Table:
    days, _, p = cal
    body = rng.choice(len(pop.codes), n, p=pop.weights)
    term = rng.choice(np.array([1, 3, 5, 10, 15, 30]), n, p=[0.2, 0.2, 0.25, 0.15, 0.1, 0.1])
    registered = days[rng.choice(len(days), n, p=p)]
    due = registered + np.ceil(term * 7 / 5).astype("timedelta64[D]")
    late = rng.random(n) < 0.06 * (1.2 - pop.habit[body])
    spent = np.where(late, term * 7 / 5 + rng.integers(1, 10, n), rng.random(n) * term * 7 / 5)
    rendered = registered + np.floor(spent).astype("timedelta64[D]")
    return pa.table({
        "request_id": _ids("R", offset, n),
        "body_code": pa.array(np.array(pop.codes)[body]),
        "service_code": pa.array(np.char.add("S", rng.integers(1, 250, n).astype(str))),
        "standard_term_working_days": pa.array(term.astype(np.int64)),
        "registered_on": pa.array(registered),
        "due_on": pa.array(due),
        "rendered_on": pa.array(rendered),
        "electronic": _bool(rng, 0.6, n),
        "failure_excused": pa.array(late & (rng.random(n) < 0.05)),
        "entered_late": pa.array(late & (rng.random(n) < 0.2)),
    })


def _complaints(rng, pop, cal, n, offset) -> pa.Table:
    days, _, p = cal
    body = rng.choice(len(pop.codes), n, p=pop.weights)
    received = days[rng.choice(len(days), n, p=p)]
    due = received + np.timedelta64(15, "D")
    considered = received + rng.integers(1, 19, n).astype("timedelta64[D]")
    court = rng.random(n) < 0.01
    return pa.table({
        "complaint_id": _ids("K", offset, n),
        "body_code": pa.array(np.array(pop.codes)[body]),
        "received_on": pa.array(received),
        "due_on": pa.array(due),
        "considered_on": pa.array(considered),
        "outcome": pa.array(rng.choice(np.array(["satisfied", "explained", "refused"]), n, p=[0.3, 0.5, 0.2])),
        "court_upheld": pa.array(court),
        "higher_body_satisfied": pa.array(rng.random(n) < 0.02 + 0.3 * court),
    })


def _contracts(rng, pop, cal, n, offset) -> pa.Table:
    days, _, p = cal
    body = rng.choice(len(pop.codes), n, p=pop.weights)
    cents = np.round(rng.lognormal(13, 2, n)).clip(100, 10 ** 15)
    return pa.table({
        "contract_id": _ids("C", offset, n),
        "body_code": pa.array(np.array(pop.codes)[body]),
        "signed_on": pa.array(days[rng.choice(len(days), n, p=p)]),
        "amount": pa.array(cents / 100.0).cast(pa.decimal128(18, 2)),
        "electronic": pa.array(rng.random(n) < 0.6 + 0.4 * pop.habit[body]),
    })


def _licences(rng, pop, cal, n, offset) -> pa.Table:
    days, _, p = cal
    body = rng.choice(len(pop.codes), n, p=pop.weights)
    return pa.table({
        "licence_id": _ids("L", offset, n),
        "body_code": pa.array(np.array(pop.codes)[body]),
        "issued_on": pa.array(days[rng.choice(len(days), n, p=p)]),
        "formed_in_is": pa.array(rng.random(n) < 0.7 + 0.3 * pop.habit[body]),
    })


def _pass_events(rng, pop, cal, n, offset) -> pa.Table:
    """About ``n`` events: person-days of an entry and an exit, a few without the
    exit, a few on days off (some of those under an act of the employer)."""
    days, working, p = cal
    person_days = max(1, n // 2)
    body = rng.choice(len(pop.codes), person_days, p=pop.weights)
    staff = np.maximum(5, np.round(pop.weights * 200_000)).astype(np.int64)
    person = rng.integers(0, staff[body])
    index = rng.choice(len(days), person_days, p=p)
    day, on_working_day = days[index], working[index]
    entry = np.where(on_working_day, 8 * 3600 + 30 * 60 + rng.integers(0, 3600, person_days),
                     10 * 3600 + rng.integers(0, 3 * 3600, person_days))
    late_body = 1.3 - pop.habit[body]
    stay = np.where(rng.random(person_days) < 0.35 * late_body, rng.exponential(2.5 * 3600, person_days), 0)
    leave = np.where(on_working_day, 18 * 3600 + 30 * 60 + rng.integers(0, 40 * 60, person_days) + stay,
                     entry + rng.exponential(4 * 3600, person_days)).astype(np.int64)
    leave = np.minimum(leave, 27 * 3600)
    no_exit = rng.random(person_days) < 0.005
    codes = np.array(pop.codes)[body]
    persons = np.char.add(np.char.add(codes, "/"), person.astype(str))
    ordered = (~on_working_day) & (rng.random(person_days) < 0.3)
    parts = [(entry, "in", np.ones(person_days, bool)), (leave, "out", ~no_exit)]
    table = pa.concat_tables([pa.table({
        "body_code": pa.array(codes[keep]), "person_id": pa.array(persons[keep]),
        "event_time": _timestamps(day[keep], seconds[keep]), "direction": pa.array(np.full(keep.sum(), direction)),
        "employer_order": pa.array(ordered[keep])}) for seconds, direction, keep in parts])
    return table


GENERATORS: dict[str, Callable] = {
    "service_requests": _services, "edms_documents": _edms, "pass_events": _pass_events,
    "complaints": _complaints, "procurement_contracts": _contracts, "licences": _licences,
}
WEEKEND_SHARE = {"pass_events": 0.04, "service_requests": 0.02, "edms_documents": 0.02, "complaints": 0.05,
                 "procurement_contracts": 0.0, "licences": 0.0}


def chunks(kind: str, rows: int, population: Population, year: int, seed: int,
           chunk_rows: int = CHUNK_ROWS) -> Iterator[pa.Table]:
    """About ``rows`` records of ``kind`` for ``year`` (exactly ``rows`` except pass
    events, whose person-days give whole pairs of events)."""
    calendar = _days(year, WEEKEND_SHARE[kind])
    made = 0
    for index in range((rows + chunk_rows - 1) // chunk_rows):
        n = min(chunk_rows, rows - made)
        rng = np.random.default_rng([seed, KIND_ORDER.index(kind), index])
        table = GENERATORS[kind](rng, population, calendar, n, made)
        made += n
        yield table.cast(KINDS[kind].arrow_schema).replace_schema_metadata(SYNTHETIC)


def write(kind: str, rows: int, folder: Path, population: Population, year: int, seed: int, *,
          chunk_rows: int = CHUNK_ROWS, progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Parquet files of ``kind`` in ``folder`` (one per chunk); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths, done = [], 0
    for index, table in enumerate(chunks(kind, rows, population, year, seed, chunk_rows)):
        path = folder / f"SYNTHETIC-{kind}-{year}-seed{seed}-{index:04d}.parquet"
        pq.write_table(table, path, compression="zstd")
        paths.append(path)
        done += min(chunk_rows, rows - done)
        if progress:
            progress(done, rows)
    return paths
