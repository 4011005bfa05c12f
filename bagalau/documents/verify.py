"""``bagalau documents verify FILE``: is this document what the store says?

The document's footer carries a line ``bagalau-document/1 campaign=… run=… hash=…
body=… form=… lang=… kind=…``. Verification reads it back (pypdf for a PDF,
python-docx for a DOCX) and checks, in order:

1. the campaign is in this store (and is the one asked for, with ``--campaign``);
2. the run exists and its content hash, recomputed from the stored results, is the
   footer's hash; the run's audit entry is in the hash chain, the chain is intact, and
   the total it recorded for the body is the document's;
3. the document is the same document the store makes again from that run: the same
   bytes (a PDF is reproducible), else the same text; a difference is an alteration;
4. its standing: the final one (from the final conclusions' run), the current draft
   (no final yet, the latest run), or a superseded draft.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.store import audit
from bagalau.store.models import AuditEntry, Campaign, ScoringRun

from . import forms, make
from .sources import body_data, document_run, run_hash

LINE = re.compile(re.escape(forms.VERIFY_PREFIX) + r" campaign=(?P<campaign>\d+) run=(?P<run>\d+) "
                  r"hash=(?P<hash>[0-9a-f]{64}) body=(?P<body>\S+) form=(?P<form>\S+) lang=(?P<lang>\S+) "
                  r"kind=(?P<kind>final|draft)")

ACCEPTED = ("final", "current draft")


class UnreadableDocument(ValueError):
    """Not a PDF or DOCX we can read, or one without a Bagalau footer."""


@dataclass
class Verdict:
    status: str                    # final | current draft | superseded draft | altered | other campaign | unknown
    reasons: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.status in ACCEPTED


def document_text(content: bytes, fmt: str) -> str:
    if fmt == "pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
        try:
            reader = PdfReader(io.BytesIO(content))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except (PdfReadError, ValueError, KeyError) as exc:
            raise UnreadableDocument(f"not a readable PDF ({exc})") from None
    if fmt == "docx":
        import zipfile

        import docx
        try:
            document = docx.Document(io.BytesIO(content))
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise UnreadableDocument(f"not a readable DOCX ({exc})") from None
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
        for section in document.sections:
            parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
        return "\n".join(parts)
    raise UnreadableDocument(f"only .pdf and .docx documents can be verified, not .{fmt}")


def _normal(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def read(path: Path) -> tuple[bytes, str, str, dict]:
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"cannot read {path}: {exc.strerror}") from None
    fmt = path.suffix.lower().lstrip(".")
    text = document_text(content, fmt)
    match = LINE.search(" ".join(text.split()))
    if match is None:
        raise UnreadableDocument(f"{path.name} has no Bagalau verification line in its footer "
                                 f"('{forms.VERIFY_PREFIX} campaign=… run=… hash=…')")
    return content, fmt, text, match.groupdict()


def verify(session: Session, path: Path, expected: Campaign | None = None) -> Verdict:
    content, fmt, text, found = read(path)
    verdict = Verdict("unknown", fields=found)
    campaign_id, number = int(found["campaign"]), int(found["run"])
    if expected is not None and expected.id != campaign_id:
        verdict.status = "other campaign"
        verdict.reasons.append(f"the document belongs to campaign #{campaign_id}, not to '{expected.name}' "
                               f"(#{expected.id})")
        return verdict
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        verdict.status = "other campaign"
        verdict.reasons.append(f"campaign #{campaign_id} is not in this store")
        return verdict
    run = session.execute(select(ScoringRun).where(ScoringRun.campaign_id == campaign.id,
                                                   ScoringRun.number == number)).scalar_one_or_none()
    if run is None or run_hash(run) != found["hash"]:
        elsewhere = [r for r in session.execute(select(ScoringRun).where(ScoringRun.number == number)).scalars()
                     if r.campaign_id != campaign.id and run_hash(r) == found["hash"]]
        verdict.status = "other campaign" if elsewhere else "altered"
        verdict.reasons.append(
            f"run {number} of '{campaign.name}' " + ("does not exist" if run is None else
                                                     f"has content hash {run_hash(run)[:16]}…, not the footer's "
                                                     f"{found['hash'][:16]}…")
            + (f"; the hash is that of campaign #{elsewhere[0].campaign_id}'s run" if elsewhere else ""))
        return verdict
    entry = session.execute(select(AuditEntry).where(AuditEntry.action == "scoring.run",
                                                     AuditEntry.entity == f"run:{run.id}")).scalar_one_or_none()
    chain = audit.verify_chain(session)
    if entry is None or not chain.ok:
        verdict.status = "altered"
        verdict.reasons.append("the run has no entry in the audit chain" if entry is None else str(chain))
        return verdict
    import json
    if found["form"] == "rating":
        return _verify_rating(session, campaign, run, content, text, verdict)
    recorded = json.loads(entry.payload).get("totals", {}).get(found["body"])
    data = body_data(session, campaign, found["body"], number)
    if recorded != data.total:
        verdict.status = "altered"
        verdict.reasons.append(f"the audit chain recorded total {recorded} for {found['body']} in run {number}, "
                               f"the store has {data.total}")
        return verdict
    expected_bytes = make.layout(data, found["form"], found["lang"], fmt)
    if expected_bytes != content:
        mine, theirs = _normal(document_text(expected_bytes, fmt)), _normal(text)
        if mine != theirs:
            verdict.status = "altered"
            diff = [line for line in difflib.unified_diff(mine, theirs, "store", "document", lineterm="", n=0)
                    if line[:1] in "+-" and not line.startswith(("+++", "---"))]
            verdict.reasons.append("its text differs from the document the store makes from run "
                                   f"{number}: " + "; ".join(diff[:4]))
            return verdict
        if fmt == "pdf":
            verdict.reasons.append("same text as the store's document (the file itself was re-saved)")
    final_run, final = document_run(session, campaign)
    if found["kind"] == "final":
        if final and final_run.id == run.id:
            verdict.status = "final"
            verdict.reasons.append(f"the final document of {found['body']} in '{campaign.name}', run {number}, "
                                   f"content hash and audit chain checked")
        else:
            verdict.status = "altered"
            verdict.reasons.append(f"it says final, but run {number} is not the run of the final conclusions")
        return verdict
    if final:
        verdict.status = "superseded draft"
        verdict.reasons.append(f"a draft from run {number}; the campaign is final (run {final_run.number}): "
                               "the final document replaces it")
    elif final_run.id == run.id:
        verdict.status = "current draft"
        verdict.reasons.append(f"the current draft (run {number}); the campaign is not final yet")
    else:
        verdict.status = "superseded draft"
        verdict.reasons.append(f"a draft from run {number}; the latest run is {final_run.number}")
    return verdict


def _verify_rating(session: Session, campaign: Campaign, run: ScoringRun, content: bytes, text: str,
                   verdict: Verdict) -> Verdict:
    """The PDF rating report: made from the document run (the final one, else the latest)."""
    from . import report
    from .sources import rating_data
    data = rating_data(session, campaign)
    found = verdict.fields
    if data.run != run.number:
        verdict.status = "superseded draft" if found["kind"] == "draft" else "altered"
        verdict.reasons.append(f"a rating from run {run.number}; the campaign's rating is now from run {data.run}")
        return verdict
    expected = report.pdf(data, found["lang"])
    if expected != content and _normal(document_text(expected, "pdf")) != _normal(text):
        verdict.status = "altered"
        verdict.reasons.append(f"its text differs from the rating the store makes from run {run.number}")
        return verdict
    verdict.status = "final" if data.final else "current draft"
    verdict.reasons.append(f"the {'final' if data.final else 'provisional'} rating of '{campaign.name}', run "
                           f"{run.number}, content hash and audit chain checked")
    return verdict
