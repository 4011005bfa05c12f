"""What each audit entry commits to: the content of the rows it records.

Every row written to a campaign table (``COVERED``) is committed to by the
audit entry that records the change. The entry's payload carries, under
``records``, one commitment per row written since the previous entry of the
same transaction: the table, the primary key, the SHA-256 of the row's
canonical JSON (``row``) and a 16-hex-digit digest of each field
(``fields``), which names the field that changed. A deleted row's
commitment says ``deleted``. Since the payload is hashed into the chain,
changing a row afterwards, behind the application's back, is found by
``check_rows``; covering the commitments themselves is the chain's job
(and the anchors').

Rows are read back from the database before they are committed to, so the
digests are of what is stored, exactly as a later reading will see it
(SQLite and PostgreSQL return times differently; ``plain`` makes them one
text). The rows come from a session event after each flush; ``take`` hands
them to the next ``audit.record``. A transaction that writes a covered row
and records no entry after it is refused at commit (``UnrecordedChange``):
a write without its audit entry would later look like tampering.

Only ORM writes are seen; the application makes no others. A migration that
changes rows or columns of a covered table calls ``commit_existing`` at its
end, which commits to every row as it then stands (action ``store.commit``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Iterable, Iterator

from sqlalchemy import Table, event, inspect, select, tuple_
from sqlalchemy.orm import Session

from bagalau.i18n import Message

from .immutability import APPEND_ONLY, _columns_changed  # a relationship set on a row writes another table
from .models import Base

MUTABLE = ("campaigns", "campaign_bodies", "deadlines", "report_drafts")
COVERED = (*APPEND_ONLY, *MUTABLE)
RESTATEMENT = "store.commit"        # the action of an entry that re-commits rows as they stand (migrations)
PENDING = "bagalau.pending_rows"
CHUNK = 500


class UnrecordedChange(RuntimeError):
    """A covered row was written and no audit entry recorded it before the commit."""


# --- canonical content --------------------------------------------------------------

def plain(value: Any) -> Any:
    """A stored value as JSON text would hold it, the same from SQLite and PostgreSQL.
    (JSON columns come back as plain JSON values already; only what is inside them
    that JSON cannot hold is converted, by ``canonical``.)"""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _inner(value: Any) -> Any:
    converted = plain(value)
    if converted is value:
        raise TypeError(f"cannot commit to a {type(value).__name__}")
    return converted


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_inner)


def field_digest(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()[:16]


def row_digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def key_of(tab: Table, row) -> list:
    return [plain(row[column.name]) for column in tab.primary_key.columns]


def content_of(tab: Table, row, columns: Iterable[str] | None = None) -> dict[str, Any]:
    names = columns if columns is not None else [column.name for column in tab.columns]
    return {name: plain(row[name]) for name in names}


def commitment(table_name: str, key: list, content: dict[str, Any]) -> dict:
    return {"table": table_name, "key": key, "row": row_digest(content),
            "fields": {name: field_digest(value) for name, value in content.items()}}


def read_rows(connection_or_session, tab: Table, keys: list[list], columns: list[str] | None = None) -> Iterator:
    """The rows of ``tab`` with these primary keys, as mappings."""
    pk = list(tab.primary_key.columns)
    selected = [tab.c[name] for name in columns] if columns is not None else [tab]
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        where = pk[0].in_([k[0] for k in chunk]) if len(pk) == 1 else tuple_(*pk).in_([tuple(k) for k in chunk])
        yield from connection_or_session.execute(select(*selected).where(where)).mappings()


# --- collecting what a transaction wrote ---------------------------------------------

def _pending(session: Session) -> dict[tuple[str, str], tuple[str, list]]:
    return session.info.setdefault(PENDING, {})


@event.listens_for(Session, "after_flush")
def _collect(session: Session, flush_context) -> None:
    pending = _pending(session)
    for obj, deleted in [*((o, False) for o in session.new), *((o, False) for o in session.dirty),
                         *((o, True) for o in session.deleted)]:
        state = inspect(obj)
        name = state.mapper.local_table.name
        if name not in COVERED:
            continue
        if not deleted and obj not in session.new and not _columns_changed(state):
            continue
        key = [plain(v) for v in (state.identity or state.mapper.primary_key_from_instance(obj))]
        pending[(name, json.dumps(key))] = ("deleted" if deleted else "written", key)


def take(session: Session) -> list[dict]:
    """Commitments to every covered row written since the last call, read back from the database."""
    pending = session.info.pop(PENDING, {})
    if not pending:
        return []
    commitments: list[dict] = []
    by_table: dict[str, list[list]] = {}
    for (name, _), (kind, key) in sorted(pending.items()):
        if kind == "deleted":
            commitments.append({"table": name, "key": key, "deleted": True})
        else:
            by_table.setdefault(name, []).append(key)
    for name, keys in by_table.items():
        tab = table(name)
        for row in read_rows(session, tab, keys):
            commitments.append(commitment(name, key_of(tab, row), content_of(tab, row)))
    return sorted(commitments, key=lambda c: (c["table"], json.dumps(c["key"])))


@event.listens_for(Session, "before_commit")
def _refuse_unrecorded(session: Session) -> None:
    session.flush()
    pending = session.info.get(PENDING)
    if pending:
        rows = ", ".join(f"{name} {key}" for name, key in sorted(pending)[:5])
        session.info.pop(PENDING, None)
        raise UnrecordedChange(f"rows written with no audit entry recording them: {rows}"
                               f"{' …' if len(pending) > 5 else ''}; record the change (audit.record) after it")


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


# --- checking the stored rows against the chain ----------------------------------------

@dataclass
class Committed:
    seq: int
    action: str
    timestamp: str
    commitment: dict


@dataclass
class RowFinding:
    table: str
    key: list
    what: str                    # changed | inserted | deleted | recommitted
    message: str
    fields: tuple[str, ...] = ()
    seq: int | None = None

    def __str__(self) -> str:
        return self.message


def commitments_in(entries) -> dict[tuple[str, str], list[Committed]]:
    """Every commitment in the chain, by (table, key), in chain order."""
    found: dict[tuple[str, str], list[Committed]] = {}
    for entry in entries:
        payload = json.loads(entry.payload)
        for item in payload.get("records", []) if isinstance(payload, dict) else []:
            found.setdefault((item["table"], json.dumps(item["key"])), []).append(
                Committed(entry.seq, entry.action, entry.timestamp, item))
    return found


def describe(name: str, key: list, content: dict | None = None) -> str:
    """``conclusions #17 (akmola, final)``, ``commission_members (commission_id=1, user_id=9)``."""
    columns = [column.name for column in table(name).primary_key.columns]
    label = f"#{key[0]}" if len(key) == 1 else "(" + ", ".join(f"{c}={v}" for c, v in zip(columns, key)) + ")"
    details = [str(content[c]) for c in ("body_code", "kind", "number", "version", "key", "state")
               if content and content.get(c) is not None and c not in columns]
    return f"{name} {label}" + (f" ({', '.join(details)})" if details else "")


def check_rows(session: Session, committed: dict[tuple[str, str], list[Committed]],
               tables: Iterable[str] = COVERED) -> tuple[list[RowFinding], int]:
    """Compare every row of the covered tables with its latest commitment; returns the findings
    and the number of rows checked."""
    findings: list[RowFinding] = []
    checked = 0
    seen: set[tuple[str, str]] = set()
    for name in tables:
        tab = table(name)
        order = list(tab.primary_key.columns)
        rows = select(tab).order_by(*order).execution_options(yield_per=CHUNK)   # streamed: runs hold explanations
        for row in session.execute(rows).mappings():
            checked += 1
            key = key_of(tab, row)
            seen.add((name, json.dumps(key)))
            findings += _check_row(name, key, content_of(tab, row), committed.get((name, json.dumps(key)), []))
    for (name, key_text), history in committed.items():
        if name in tables and (name, key_text) not in seen and not history[-1].commitment.get("deleted"):
            last = history[-1]
            key = json.loads(key_text)
            findings.append(RowFinding(name, key, "deleted", Message(
                "%(row)s: recorded by audit entry %(seq)s (%(action)s) but no longer in the database — deleted",
                row=describe(name, key), seq=last.seq, action=last.action), seq=last.seq))
    return findings, checked


def _check_row(name: str, key: list, content: dict, history: list[Committed]) -> list[RowFinding]:
    label = describe(name, key, content)
    if not history or history[-1].commitment.get("deleted"):
        return [RowFinding(name, key, "inserted", Message(
            "%(row)s: not recorded in the audit log — inserted behind the application's back", row=label))]
    findings = []
    if name in APPEND_ONLY:
        again = [c for c in history[1:] if c.action != RESTATEMENT]
        if again:
            findings.append(RowFinding(name, key, "recommitted", Message(
                "%(row)s: written once, yet committed to again by audit entry %(seq)s (%(action)s)",
                row=label, seq=again[0].seq, action=again[0].action), seq=again[0].seq))
    last = history[-1]
    recorded = last.commitment["fields"]
    changed = [field for field, digest in recorded.items() if field not in content or field_digest(content[field])
               != digest]
    unrecorded = [field for field in content if field not in recorded and content[field] is not None]
    whole = not changed and not unrecorded and row_digest({f: content[f] for f in recorded}) != last.commitment["row"]
    if whole:
        changed = [WHOLE_ROW]
    if changed or unrecorded:
        findings.append(RowFinding(name, key, "changed", Message(
            "%(row)s: %(changes)s since audit entry %(seq)s (%(action)s, %(time)s) recorded it", row=label,
            changes=_changes(changed, unrecorded, whole), seq=last.seq, action=last.action,
            time=last.timestamp[:19]), tuple(changed + unrecorded), last.seq))
    return findings


WHOLE_ROW = "(the row as a whole)"


def _changes(changed: list[str], unrecorded: list[str], whole: bool) -> list[Message]:
    """What differs from the recorded row, in words: "fields a, b changed; c set though never recorded"."""
    words = []
    if whole:
        words.append(Message("the row as a whole changed"))
    elif len(changed) == 1:
        words.append(Message("field %(fields)s changed", fields=changed[0]))
    elif changed:
        words.append(Message("fields %(fields)s changed", fields=", ".join(changed)))
    if unrecorded:
        words.append(Message("%(fields)s set though never recorded", fields=", ".join(unrecorded)))
    return words


# --- migrations -------------------------------------------------------------------------

def commit_existing(connection, reason: str) -> int:
    """Commit to every row of the covered tables as it stands, in one audit entry (``store.commit``).
    For migrations; the columns are those the database has now. Returns the number of rows."""
    from . import audit            # audit imports this module
    present = set(inspect(connection).get_table_names())
    records = []
    for name in COVERED:
        if name not in present:
            continue
        tab = table(name)
        columns = [c["name"] for c in inspect(connection).get_columns(name) if c["name"] in tab.c]
        pk = list(tab.primary_key.columns)
        for row in connection.execute(select(*[tab.c[c] for c in columns]).order_by(*pk)).mappings():
            records.append(commitment(name, key_of(tab, row), content_of(tab, row, columns)))
    if records:
        with Session(bind=connection) as session:
            audit.record(session, "bagalau db upgrade", RESTATEMENT, "store", {"reason": reason,
                                                                              "records": records})
            session.flush()
    return len(records)
