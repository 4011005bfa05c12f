"""The registry of state bodies: import and export as CSV and XLSX.

Columns: ``code, kind, parent, name_ru, name_kk, name_en`` (``synthetic``
optional). Kinds are the store's ``BODY_KINDS``; a kind decides the
profile (central or local) whose methodology applies, and a subordinate
organisation takes its parent's profile.

An import is all or nothing: every row is checked first (kind, parent,
duplicates, cycles), and if any row is wrong nothing is written and the
error names each bad row and field. Rows whose code exists are updated.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.engine import limits
from bagalau.store import audit
from bagalau.store.models import ALLOWED_PARENTS, BODY_KINDS, Body

COLUMNS = ("code", "kind", "parent", "name_ru", "name_kk", "name_en", "synthetic")
REQUIRED = ("code", "kind", "name_ru")
TRUE = {"1", "true", "yes", "да", "иә"}


@dataclass
class RowProblem:
    row: int          # the row number in the file, header = 1
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, field '{self.field}': {self.reason}"


class RegistryError(ValueError):
    def __init__(self, source: str, problems: list[RowProblem]):
        self.source, self.problems = source, problems
        super().__init__(f"{source}: {len(problems)} problem(s); nothing was imported\n"
                         + "\n".join(f"  {p}" for p in problems))


def profile_of(kind: str, parent_profile: str | None) -> str:
    profile = BODY_KINDS[kind]
    if profile == "parent":
        return parent_profile or "central"
    return profile


# --- reading --------------------------------------------------------------------------

def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for every data row of a CSV or XLSX file."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RegistryError(str(path), [RowProblem(0, "-", f"unsupported file type '{suffix}'; use .csv or .xlsx")])
    if not path.exists():
        raise RegistryError(str(path), [RowProblem(0, "-", "file not found")])
    try:
        limits.check_regular_file(path)
        if suffix == ".xlsx":
            limits.check_xlsx(path)
    except (limits.LimitError, OSError) as exc:
        raise RegistryError(str(path), [RowProblem(0, "-", str(exc))]) from None
    if suffix == ".csv":
        try:
            text = limits.read_bytes(path).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RegistryError(str(path), [RowProblem(0, "-", f"not UTF-8 text (byte {exc.start}): "
                                                               "save the file as UTF-8")]) from None
        except (limits.LimitError, OSError) as exc:
            raise RegistryError(str(path), [RowProblem(0, "-", str(exc))]) from None
        try:
            table = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise RegistryError(str(path), [RowProblem(0, "-", f"not readable CSV: {exc}")]) from None
    elif suffix == ".xlsx":
        import openpyxl
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a bad file
            raise RegistryError(str(path), [RowProblem(0, "-", f"not a readable XLSX workbook ({exc})")]) from None
        sheet = workbook.worksheets[0]
        table = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    if not table:
        raise RegistryError(str(path), [RowProblem(1, "-", "the file is empty; the first row must name the columns")])
    header = [name.strip().lower() for name in table[0]]
    problems = [RowProblem(1, column, "missing column") for column in REQUIRED if column not in header]
    problems += [RowProblem(1, name, f"unknown column; known: {', '.join(COLUMNS)}")
                 for name in header if name and name not in COLUMNS]
    if problems:
        raise RegistryError(str(path), problems)
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(str(v).strip() for v in values):
            continue
        rows.append((number, {name: str(values[i]).strip() if i < len(values) else ""
                              for i, name in enumerate(header) if name}))
    return rows


def check_rows(session: Session, rows: list[tuple[int, dict[str, str]]]) -> list[RowProblem]:
    existing = {body.code: body for body in session.execute(select(Body)).scalars()}
    in_file: dict[str, int] = {}
    kinds: dict[str, str] = {code: body.kind for code, body in existing.items()}
    parents: dict[str, str | None] = {code: body.parent_code for code, body in existing.items()}
    problems: list[RowProblem] = []
    for number, row in rows:
        code = row.get("code", "")
        for column in REQUIRED:
            if not row.get(column):
                problems.append(RowProblem(number, column, "empty; this column is required"))
        if code in in_file:
            problems.append(RowProblem(number, "code", f"'{code}' is also on row {in_file[code]}"))
        if code:
            in_file[code] = number
        kind = row.get("kind", "")
        if kind and kind not in BODY_KINDS:
            problems.append(RowProblem(number, "kind", f"unknown kind '{kind}'; use one of {', '.join(BODY_KINDS)}"))
        if code and kind in BODY_KINDS:
            kinds[code] = kind
            parents[code] = row.get("parent") or None
        synthetic = row.get("synthetic", "")
        if synthetic and synthetic.lower() not in TRUE | {"0", "false", "no", "нет", "жоқ"}:
            problems.append(RowProblem(number, "synthetic", f"expected yes/no, got '{synthetic}'"))
    for number, row in rows:
        code, kind, parent = row.get("code", ""), row.get("kind", ""), row.get("parent") or None
        if kind not in BODY_KINDS:
            continue
        if parent is not None and parent not in kinds:
            problems.append(RowProblem(number, "parent", f"unknown body '{parent}' (not in the file nor the registry)"))
            continue
        parent_kind = kinds.get(parent) if parent else None
        if parent_kind not in ALLOWED_PARENTS[kind]:
            allowed = ", ".join("none" if k is None else k for k in ALLOWED_PARENTS[kind])
            problems.append(RowProblem(number, "parent", f"a {kind} cannot sit under "
                                       f"{'nothing' if parent is None else f'{parent} ({parent_kind})'}; "
                                       f"its parent may be: {allowed}"))
            continue
        seen, walker = {code}, parent
        while walker is not None:
            if walker in seen:
                problems.append(RowProblem(number, "parent", f"'{parent}' makes a cycle in the hierarchy"))
                break
            seen.add(walker)
            walker = parents.get(walker)
    return sorted(problems, key=lambda p: p.row)


def import_bodies(session: Session, path: Path, actor: str, source: str | None = None) -> dict[str, int]:
    """Check every row, then write them all in the caller's transaction.
    Raises RegistryError (nothing written) if any row is wrong. ``source``
    names the file in messages and the audit log (default: the path)."""
    source = source or str(path)
    try:
        rows = read_rows(path)
    except RegistryError as exc:
        raise RegistryError(source, exc.problems) from None
    problems = check_rows(session, rows)
    if problems:
        raise RegistryError(source, problems)
    return _write(session, rows, actor, source)


def import_records(session: Session, records: list[dict[str, str]], actor: str, source: str) -> dict[str, int]:
    rows = [(number, {key: ("" if value is None else str(value)) for key, value in record.items()})
            for number, record in enumerate(records, start=2)]
    problems = check_rows(session, rows)
    if problems:
        raise RegistryError(source, problems)
    return _write(session, rows, actor, source)


def _write(session: Session, rows, actor: str, source: str) -> dict[str, int]:
    existing = {body.code: body for body in session.execute(select(Body)).scalars()}
    created = updated = 0
    by_code = {row["code"]: row for _, row in rows}
    profiles: dict[str, str] = {code: body.profile for code, body in existing.items()}

    def profile(code: str) -> str:
        if code in by_code:
            row = by_code[code]
            parent = row.get("parent") or None
            return profile_of(row["kind"], profile(parent) if parent else None)
        return profiles[code]

    changed: list[str] = []
    for _, row in _parents_first(rows):
        code = row["code"]
        values = dict(kind=row["kind"], parent_code=row.get("parent") or None, profile=profile(code),
                      name_ru=row["name_ru"], name_kk=row.get("name_kk") or None, name_en=row.get("name_en") or None,
                      synthetic=(row.get("synthetic", "").lower() in TRUE))
        body = existing.get(code)
        if body is None:
            session.add(Body(code=code, **values))
            created += 1
            changed.append(code)
        elif any(getattr(body, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(body, key, value)
            updated += 1
            changed.append(code)
        session.flush()
    summary = {"created": created, "updated": updated, "unchanged": len(rows) - created - updated}
    if changed:
        audit.record(session, actor, "bodies.import", f"registry:{source}", {**summary, "codes": changed})
    return summary


def _parents_first(rows):
    codes = {row["code"] for _, row in rows}
    done: set[str] = set()
    ordered = []
    pending = list(rows)
    while pending:
        rest = []
        for number, row in pending:
            parent = row.get("parent") or None
            if parent is None or parent not in codes or parent in done:
                ordered.append((number, row))
                done.add(row["code"])
            else:
                rest.append((number, row))
        if len(rest) == len(pending):   # cannot happen after check_rows; keep the order
            ordered += rest
            break
        pending = rest
    return ordered


# --- writing --------------------------------------------------------------------------

def export_rows(session: Session) -> list[dict[str, str]]:
    bodies = list(session.execute(select(Body)).scalars())
    children: dict[str | None, list[Body]] = {}
    for body in bodies:
        children.setdefault(body.parent_code, []).append(body)
    ordered: list[Body] = []

    def visit(parent: str | None) -> None:
        for body in sorted(children.get(parent, []), key=lambda b: b.code):
            ordered.append(body)
            visit(body.code)

    visit(None)
    return [{"code": b.code, "kind": b.kind, "parent": b.parent_code or "", "name_ru": b.name_ru,
             "name_kk": b.name_kk or "", "name_en": b.name_en or "", "synthetic": "yes" if b.synthetic else ""}
            for b in ordered]


def export_bodies(session: Session, path: Path) -> int:
    rows = export_rows(session)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    elif suffix == ".xlsx":
        import openpyxl
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "bodies"
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append([row[column] for column in COLUMNS])
        workbook.save(path)
    else:
        raise RegistryError(str(path), [RowProblem(0, "-", f"unsupported file type '{suffix}'; use .csv or .xlsx")])
    return len(rows)
