"""Uploaded files: size limit (413), type found from the content, not from the
name or the client's word (415; ``filetype`` for binary formats), no HTML, and
a safe name to show.

A name is only ever shown, never used as a path: ``safe_name`` keeps its last
component, drops control and path characters, and shortens it.
"""

from __future__ import annotations

import json
import re
import unicodedata

import filetype
from fastapi import Request, UploadFile

from bagalau.i18n import Message

from .problems import ProblemError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
EVIDENCE_TYPES = ("application/pdf", "image/png", "image/jpeg", DOCX, XLSX, ODT, ODS, "text/plain", "text/csv")
MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg|object|embed|meta|\?xml)", re.IGNORECASE)
UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def safe_name(name: str | None, fallback: str = "file") -> str:
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = UNSAFE.sub("_", name).strip(" .")
    return (name or fallback)[:120]


def sniff(content: bytes, name: str) -> str:
    """The media type the content really has; text only when it is UTF-8 without markup."""
    kind = filetype.guess(content)
    if kind is not None:
        return kind.mime
    head = content[:4096]
    if b"\x00" in head:
        return "application/octet-stream"
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "application/octet-stream"
    if MARKUP.search(head):
        return "text/html"
    lowered = name.lower()
    if lowered.endswith(".json"):
        try:
            json.loads(text)
            return "application/json"
        except ValueError:
            return "text/plain"
    return "text/csv" if lowered.endswith(".csv") else "text/plain"


async def read_upload(request: Request, upload: UploadFile, allowed: tuple[str, ...]) -> tuple[bytes, str]:
    """The file's bytes and media type, or a 413 / 415 problem."""
    limit = request.app.state.settings.max_upload_bytes
    content = await upload.read(limit + 1)
    if len(content) > limit:
        raise ProblemError(413, Message("'%(file)s' is larger than %(limit)s MiB", file=safe_name(upload.filename),
                                        limit=limit // 1024 // 1024), "too-large")
    if not content:
        raise ProblemError(422, Message("'%(file)s' is empty", file=safe_name(upload.filename)), "empty-file",
                           [{"field": "body.file", "reason": "empty file"}])
    media = sniff(content, upload.filename or "")
    accepted = allowed + (("text/plain",) if "text/csv" in allowed else ())
    if media not in accepted:
        raise ProblemError(415, Message("'%(file)s' is %(media)s; accepted: %(accepted)s",
                                        file=safe_name(upload.filename), media=media, accepted=", ".join(allowed)),
                           "unsupported-type")
    return content, media
