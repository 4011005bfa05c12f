"""Keyed anchoring of the audit chain: signed checkpoints of its head.

The hash chain shows that no entry was changed *unless every later hash was
recomputed too*, and it cannot show that the last entries were deleted.
Anyone who can write the database can do both. A checkpoint closes that
gap: it names the head entry (its sequence number and hash) and carries
an HMAC-SHA256 over its content, made with a key the deployment keeps
outside the database. A database writer without the key can neither
forge a checkpoint for a rewritten chain nor make an old one fit it.

A checkpoint also holds the first 8 hex digits of every entry's hash up to
the head (``fingerprints``), so that a rewritten chain is reported at the
first entry that differs, not only at the head.

Keys (``Keyring.from_environment``):

* ``BAGALAU_ANCHOR_KEY_FILE``: a file of lines ``KEY_ID:SECRET`` (``#``
  comments); the last line signs, every line verifies;
* ``BAGALAU_ANCHOR_KEY``: one line ``KEY_ID:SECRET``; when set it signs.

A secret is at least 32 bytes as hexadecimal (``bagalau audit keygen``).
A checkpoint names its key id, so keys rotate: append a new line to the
file, and keep the old lines as long as their checkpoints must verify.
Without any key a checkpoint is still made, unsigned, and said to be so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.i18n import Message

from .models import Anchor, AuditEntry

ENV_KEY = "BAGALAU_ANCHOR_KEY"
ENV_KEY_FILE = "BAGALAU_ANCHOR_KEY_FILE"
FORMAT = "bagalau-anchor/1"
FINGERPRINT = 8
MIN_SECRET_BYTES = 32


class AnchorError(ValueError):
    """A key or anchor file that cannot be used; the message says why."""


# --- keys ------------------------------------------------------------------------------

@dataclass
class Keyring:
    keys: dict[str, bytes] = field(default_factory=dict)
    signing: str | None = None
    sources: list[str] = field(default_factory=list)

    @classmethod
    def from_environment(cls, environ=None) -> "Keyring":
        environ = os.environ if environ is None else environ
        ring = cls()
        path = environ.get(ENV_KEY_FILE)
        if path:
            ring.add_file(Path(path))
        if environ.get(ENV_KEY):
            ring.add_line(environ[ENV_KEY], ENV_KEY)
        return ring

    def add_file(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            where = f"{ENV_KEY_FILE}={path}"
            raise AnchorError(Message("%(where)s: cannot read the key file (%(reason)s)", where=where,
                                      reason=exc.strerror)) from None
        lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)
                 if line.strip() and not line.strip().startswith("#")]
        if not lines:
            raise AnchorError(Message("%(where)s: the key file holds no key (lines KEY_ID:SECRET)", where=str(path)))
        for number, line in lines:
            self.add_line(line, Message("%(path)s, line %(number)s", path=str(path), number=number))

    def add_line(self, line: str, where: str) -> None:
        key_id, _, secret = line.strip().partition(":")
        key_id, secret = key_id.strip(), secret.strip()
        if not key_id or not secret:
            raise AnchorError(Message("%(where)s: a key is KEY_ID:SECRET (make one with `bagalau audit keygen`)",
                                      where=where))
        try:
            raw = bytes.fromhex(secret)
        except ValueError:
            raise AnchorError(Message("%(where)s: the secret of key '%(key)s' is not hexadecimal", where=where,
                                      key=key_id)) from None
        if len(raw) < MIN_SECRET_BYTES:
            raise AnchorError(Message("%(where)s: the secret of key '%(key)s' has %(bytes)s bytes; at least "
                                      "%(needed)s are needed", where=where, key=key_id, bytes=len(raw),
                                      needed=MIN_SECRET_BYTES))
        if key_id in self.keys and self.keys[key_id] != raw:
            raise AnchorError(Message("%(where)s: key id '%(key)s' is given twice with different secrets",
                                      where=where, key=key_id))
        self.keys[key_id] = raw
        self.signing = key_id
        self.sources.append(where)

    def sign(self, message: bytes, key_id: str) -> str:
        return hmac.new(self.keys[key_id], message, hashlib.sha256).hexdigest()


def new_key_line(key_id: str | None = None) -> str:
    key_id = key_id or "k" + datetime.now(timezone.utc).strftime("%Y%m%d%H%M")
    return f"{key_id}:{secrets.token_hex(MIN_SECRET_BYTES)}"


# --- checkpoints ------------------------------------------------------------------------

SIGNED = ("format", "created_at", "reason", "campaign_id", "entries", "head", "fingerprints", "key_id")


def _signed_part(doc: dict) -> bytes:
    """What the MAC covers; other fields of a file (the campaign's name) are notes."""
    body = {k: doc.get(k) for k in SIGNED}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def document(anchor: Anchor, campaign: str | None = None) -> dict:
    """The checkpoint as its exported JSON file holds it."""
    return {"format": FORMAT, "created_at": anchor.created_at, "reason": anchor.reason,
            "campaign_id": anchor.campaign_id, "entries": anchor.entries, "head": anchor.head,
            "fingerprints": anchor.fingerprints, "key_id": anchor.key_id, "mac": anchor.mac,
            **({"campaign": campaign} if campaign else {})}


def checkpoint(session: Session, reason: str, *, campaign_id: int | None = None,
               keyring: Keyring | None = None) -> Anchor:
    """Sign the chain's current head and store the checkpoint (in the session's transaction)."""
    keyring = keyring if keyring is not None else Keyring.from_environment()
    session.flush()
    hashes = list(session.execute(select(AuditEntry.hash).order_by(AuditEntry.seq)).scalars())
    if not hashes:
        raise AnchorError(Message("the audit log is empty; there is nothing to anchor"))
    anchor = Anchor(created_at=datetime.now(timezone.utc).isoformat(timespec="microseconds"), reason=reason,
                    campaign_id=campaign_id, entries=len(hashes), head=hashes[-1],
                    fingerprints="".join(h[:FINGERPRINT] for h in hashes), key_id=keyring.signing, mac=None)
    if keyring.signing is not None:
        anchor.mac = keyring.sign(_signed_part(document(anchor)), keyring.signing)
    session.add(anchor)
    session.flush()
    return anchor


def write(doc: dict, path: Path) -> None:
    """Write a JSON file (an anchor, a rating) whole or not at all."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, path)


def read(path: Path) -> dict:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise AnchorError(Message("%(path)s: cannot read the anchor file (%(reason)s)", path=str(path),
                                  reason=exc.strerror)) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise AnchorError(Message("%(path)s: not an anchor file (not JSON: %(reason)s)", path=str(path),
                                  reason=str(exc))) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise AnchorError(Message("%(path)s: not an anchor file (its format is not %(format)s)", path=str(path),
                                  format=FORMAT))
    problems = [name for name, kind in (("entries", int), ("head", str), ("fingerprints", str), ("created_at", str))
                if not isinstance(doc.get(name), kind)]
    if problems:
        raise AnchorError(Message("%(path)s: the anchor file lacks or garbles: %(fields)s", path=str(path),
                                  fields=", ".join(problems)))
    return doc


# --- verification -----------------------------------------------------------------------

@dataclass
class AnchorReport:
    ok: bool
    label: str
    message: str
    warnings: list[str] = field(default_factory=list)
    first_bad_seq: int | None = None

    def __str__(self) -> str:
        return self.sentence()

    def sentence(self) -> Message:
        """"<the anchor>: <what was found>" (English as ``str``; ``translate`` for another language)."""
        return Message("%(anchor)s: %(finding)s", anchor=self.label, finding=self.message)


def label(doc: dict) -> Message:
    if doc.get("key_id"):
        return Message("anchor of %(time)s UTC (key %(key)s, entries 1–%(entries)s)", time=doc["created_at"][:19],
                       key=doc["key_id"], entries=doc["entries"])
    return Message("anchor of %(time)s UTC (UNSIGNED, entries 1–%(entries)s)", time=doc["created_at"][:19],
                   entries=doc["entries"])


def verify(session: Session, doc: dict, keyring: Keyring | None = None, *, require_key: bool = True) -> AnchorReport:
    """Does the log still hold, unchanged, every entry the checkpoint covers?

    ``require_key``: a signed checkpoint whose key is not in the keyring is a failure
    (else a warning, for stored checkpoints checked in passing)."""
    keyring = keyring if keyring is not None else Keyring.from_environment()
    name, warnings = label(doc), []
    key_id = doc.get("key_id")
    if key_id is None:
        warnings.append(Message("%(anchor)s is not signed: it shows the log matches this file, not who made the "
                                "file", anchor=name))
    elif key_id not in keyring.keys:
        text = Message("its key '%(key)s' is not in the keyring (%(env)s / %(file)s); its signature cannot be "
                       "checked", key=key_id, env=ENV_KEY, file=ENV_KEY_FILE)
        if require_key:
            return AnchorReport(False, name, text)
        warnings.append(Message("%(anchor)s: %(finding)s", anchor=name, finding=text))
    elif not hmac.compare_digest(keyring.sign(_signed_part(doc), key_id), str(doc.get("mac"))):
        return AnchorReport(False, name, Message("FORGED OR ALTERED: its signature does not match its content "
                                                 "under key '%(key)s'", key=key_id))
    hashes = list(session.execute(select(AuditEntry.hash).order_by(AuditEntry.seq)).scalars())
    covered, prints = doc["entries"], doc["fingerprints"]
    for index, current in enumerate(hashes[:covered]):
        recorded = prints[index * FINGERPRINT:(index + 1) * FINGERPRINT]
        if recorded and current[:FINGERPRINT] != recorded:
            seq = index + 1
            return AnchorReport(False, name, Message(
                "REWRITTEN: entry %(seq)s is not the entry the anchor signed (hash %(signed)s…, now %(now)s…); it "
                "and every entry after it up to %(last)s were rewritten, their hashes recomputed", seq=seq,
                signed=recorded, now=current[:FINGERPRINT], last=min(covered, len(hashes))), warnings, seq)
    if len(hashes) < covered:
        return AnchorReport(False, name, Message(
            "TRUNCATED: the anchor covers entries 1–%(covered)s, the log ends at entry %(last)s: entries "
            "%(first_gone)s–%(covered)s were deleted", covered=covered, last=len(hashes), first_gone=len(hashes) + 1),
            warnings, len(hashes) + 1)
    if hashes[covered - 1] != doc["head"]:
        return AnchorReport(False, name, Message("REWRITTEN: entry %(seq)s, the anchored head, has another hash",
                                                 seq=covered), warnings, covered)
    after = len(hashes) - covered
    text = (Message("entries 1–%(covered)s unchanged; %(after)s later entries are not covered by it",
                    covered=covered, after=after) if after else
            Message("entries 1–%(covered)s unchanged", covered=covered))
    return AnchorReport(True, name, text, warnings)


def stored(session: Session) -> list[Anchor]:
    return list(session.execute(select(Anchor).order_by(Anchor.id)).scalars())
