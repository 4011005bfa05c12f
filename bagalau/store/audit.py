"""The audit log: append-only and tamper-evident (a hash chain).

Each entry holds who did what to which entity, with a JSON payload and a
UTC timestamp. Its hash is the SHA-256 of the canonical JSON (sorted keys,
no spaces, UTF-8) of its fields together with the previous entry's hash, so
changing, inserting or deleting any entry breaks every hash after it.
``verify_chain`` recomputes the chain and names the first entry that does
not match.

An entry also commits to the content of the rows it records: ``record``
puts, under the payload's ``records``, a hash of every campaign row written
since the previous entry (see ``records``), so a row changed afterwards no
longer matches the chain. Checkpoints of the chain's head, signed with a key
kept outside the database, are in ``anchoring``.

Entries are written with ``record`` in the same session, and so the same
transaction, as the change they describe: the change and its entry are
committed together or not at all. The entry's ``seq`` is the previous
entry's plus one and is the primary key, so two concurrent writers cannot
both append. On PostgreSQL a writer first takes a transaction-scoped advisory
lock on the chain (``CHAIN_LOCK``), so that concurrent writers queue for the
head instead of failing: two bodies submitting at the same moment are both
recorded, one after the other. Elsewhere (SQLite) the database's own write lock
serialises them; the primary key stays the safety net everywhere.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bagalau.i18n import Message
from bagalau.store import records as row_records
from bagalau.store.models import AuditEntry

GENESIS = "0" * 64
CHAIN_LOCK = 0x62676C61756474      # "bglaudt": the PostgreSQL advisory lock held while appending


def _default(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"cannot put {type(value).__name__} in the audit log")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def entry_hash(prev_hash: str, seq: int, timestamp: str, actor: str, action: str, entity: str,
               campaign_id: int | None, payload: str) -> str:
    fields = {"prev_hash": prev_hash, "seq": seq, "timestamp": timestamp, "actor": actor, "action": action,
              "entity": entity, "campaign_id": campaign_id, "payload": json.loads(payload)}
    return hashlib.sha256(canonical(fields).encode("utf-8")).hexdigest()


def record(session: Session, actor: str, action: str, entity: str, payload: dict | None = None,
           *, campaign_id: int | None = None, at: datetime | None = None) -> AuditEntry:
    """Append one entry to the chain, in the session's transaction, committing to the rows
    written since the previous entry."""
    session.flush()  # the change being described gets its ids first
    committed = row_records.take(session)
    if committed:
        payload = {**(payload or {})}
        payload["records"] = [*payload.get("records", []), *committed]
    _queue_for_the_head(session)
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS)
    moment = (at or datetime.now(timezone.utc))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    timestamp = moment.astimezone(timezone.utc).isoformat(timespec="microseconds")
    text = canonical(payload or {})
    entry = AuditEntry(seq=seq, timestamp=timestamp, actor=actor, action=action, entity=entity,
                       campaign_id=campaign_id, payload=text, prev_hash=prev_hash,
                       hash=entry_hash(prev_hash, seq, timestamp, actor, action, entity, campaign_id, text))
    session.add(entry)
    session.flush()
    return entry


def _queue_for_the_head(session: Session) -> None:
    """On PostgreSQL, wait for any other transaction appending to the chain to end (the lock is released
    at commit or rollback); the head read next is then the committed one."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    def __str__(self) -> str:
        return self.message()

    def message(self) -> Message:
        """The verdict in one sentence (English as ``str``; ``translate`` for another language)."""
        if self.ok:
            return Message("audit log OK: %(n)s entries, hash chain intact", n=self.checked)
        return Message("audit log BROKEN at entry %(seq)s: %(reason)s (%(n)s entries checked before it)",
                       seq=self.broken_seq, reason=self.reason, n=self.checked)


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash in order; report the first entry that does not match."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars():
        if entry.seq != expected_seq:
            reason = (Message("expected entry %(seq)s here: an entry was deleted", seq=expected_seq)
                      if entry.seq > expected_seq else
                      Message("expected entry %(seq)s here: sequence out of order", seq=expected_seq))
            return ChainReport(False, checked, entry.seq, reason)
        if entry.prev_hash != prev_hash:
            return ChainReport(False, checked, entry.seq, Message("its prev_hash is not the previous entry's hash"))
        try:
            computed = entry_hash(entry.prev_hash, entry.seq, entry.timestamp, entry.actor, entry.action,
                                  entry.entity, entry.campaign_id, entry.payload)
        except (ValueError, TypeError) as exc:
            return ChainReport(False, checked, entry.seq, Message("payload is not valid JSON (%(reason)s)", reason=str(exc)))
        if computed != entry.hash:
            return ChainReport(False, checked, entry.seq,
                               Message("its contents do not match its hash (changed after writing)"))
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    return ChainReport(True, checked)


def entries(session: Session, campaign_id: int | None = None, limit: int | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.seq)
    if campaign_id is not None:
        query = query.where(AuditEntry.campaign_id == campaign_id)
    rows = list(session.execute(query).scalars())
    return rows[-limit:] if limit else rows
