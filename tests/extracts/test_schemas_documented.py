"""docs/extracts.md describes every field of every kind, with its type."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bagalau.extracts.schemas import KINDS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "extracts.md").read_text(encoding="utf-8")


def _section(kind: str) -> str:
    match = re.search(rf"^### {kind} .*?(?=^##)", DOC, re.S | re.M)
    assert match, f"docs/extracts.md has no section for {kind}"
    return match.group(0)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_field_is_documented(kind):
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| (\w+) \| (\w+)", _section(kind), re.M)}
    rows.pop("field", None)      # the header row
    fields = {f.name: f.type for f in KINDS[kind].fields}
    assert rows == fields
