"""Reading and validating a body's inputs (report forms and working-group findings).

Input files are JSON, YAML or XLSX. JSON and YAML may hold one body or
many; an XLSX workbook holds one body, laid out like the act's forms (see
``templates``). Every problem names the body, the field, where it sits in
the file (key path or sheet and cell) and the reason. Nothing is scored
for a body with errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from bagalau.engine.compiled import CompiledMethodology
from bagalau.engine.definition import Input, parse_yaml
from bagalau.engine import limits, section_points
from bagalau.engine.exact import decimal_text, exact
from bagalau.engine.penalties import AppliedPenalty, read_penalties
from bagalau.engine.expressions import BASE_NAMESPACE, CONTEXT_NAME, EvaluationContext, ZeroDenominator

TRUE_WORDS = {"true", "yes", "1", "да", "иә", "ия", "y", "+"}
FALSE_WORDS = {"false", "no", "0", "нет", "жоқ", "n", "-", "—"}
EMPTY_LIST_WORDS = {"-", "—", "none", "нет", "жоқ", "[]"}
NOT_FOUND_WORDS = {"", "-", "—", "none", "null", "not found", "не найден", "нет", "табылмады"}
XLSX_NAME_PREFIX = "in_"


@dataclass
class Problem:
    body: str
    field: str
    location: str
    reason: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"body '{self.body}', field '{self.field}'{where}: {self.reason}"


@dataclass
class OtherProfile(Problem):
    """The body's fields are another profile's: the body was read with the wrong profile."""

    profile: str = ""


class InputError(ValueError):
    """One or more problems that stop a body (or a whole file) from being scored."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Submission:
    """One body's raw values as read from a file, with where each came from."""

    body_id: str
    name: str | None
    raw: dict[str, Any]
    locations: dict[str, str] = field(default_factory=dict)
    period: int | None = None
    origin: str = ""
    profile: str | None = None
    methodology: str | None = None     # the edition the file says it was filled for
    penalties: Any = None              # penalties written in a score file (read at validation)
    penalties_at: str = ""             # where they sit in the file
    penalty_cells: dict[str, str] = field(default_factory=dict)   # "penalties[i].key" -> its cell (XLSX)


@dataclass
class ValidatedInputs:
    submission: Submission
    values: dict[str, Any]
    warnings: list[Problem]
    penalties: list[AppliedPenalty] = field(default_factory=list)
    tables: dict[str, Any] = field(default_factory=dict)   # table id -> tables.TableUse (rows given)


# --- reading files ---------------------------------------------------------------

def read_file(path: str | Path) -> list[Submission]:
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        limits.check_regular_file(path)
    except FileNotFoundError:
        raise InputError([Problem("-", "-", str(path), "file not found")]) from None
    except limits.LimitError as exc:
        raise InputError([Problem("-", "-", str(path), str(exc))]) from None
    except OSError as exc:
        raise InputError([Problem("-", "-", str(path), f"cannot be read: {exc.strerror or exc}")]) from None
    if suffix == ".xlsx":
        from bagalau.engine.workbooks import read_xlsx    # it reads through this module's types
        return [read_xlsx(path)]
    if suffix in (".json", ".yaml", ".yml"):
        return read_document(path)
    raise InputError([Problem("-", "-", str(path), f"unsupported file type '{suffix}'; use .json, .yaml or .xlsx")])


def read_document(path: Path) -> list[Submission]:
    is_json = path.suffix.lower() == ".json"
    try:
        text = limits.read_bytes(path).decode("utf-8")
        if is_json:
            limits.check_json_depth(text)
        else:
            limits.check_yaml_depth(text)
    except UnicodeDecodeError as exc:
        raise InputError([Problem("-", "-", str(path), f"not UTF-8 text (byte {exc.start}): save the file as UTF-8")]) from None
    except limits.LimitError as exc:
        raise InputError([Problem("-", "-", str(path), str(exc))]) from None
    except OSError as exc:
        raise InputError([Problem("-", "-", str(path), f"cannot be read: {exc.strerror or exc}")]) from None
    try:
        data = json.loads(text, parse_float=Decimal, parse_int=_json_int) if is_json else parse_yaml(text)
        limits.check_data_shape(data)
    except (limits.LimitError, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, limits.LimitError) else str(limits._too_deep())
        raise InputError([Problem("-", "-", str(path), reason)]) from None
    except Exception as exc:  # noqa: BLE001 - PyYAML's constructors raise what they meet (2012-02-30, !!bool 'maybe')
        raise InputError([Problem("-", "-", str(path), f"not valid {path.suffix[1:].upper()}: "
                                  f"{_syntax_problem(exc)}")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem("-", "-", str(path), "the file must hold an object with 'bodies' or 'body'")])
    unknown = set(data) - {"methodology", "period", "bodies", "body", "inputs", "name", "fields", "synthetic",
                           "profile", "penalties", "penalty_rules"}
    if unknown:
        raise InputError([Problem("-", key_text(key), str(path), "unknown top-level key")
                          for key in sorted(unknown, key=key_text)])
    period = _period(data.get("period"), path)
    methodology = _text(data.get("methodology"), "-", "methodology", str(path))
    if "bodies" in data:
        if not isinstance(data["bodies"], list):
            raise InputError([Problem("-", "bodies", str(path), "'bodies' must be a list")])
        submissions = [_submission(entry, f"bodies[{i}]", period, path) for i, entry in enumerate(data["bodies"])]
        default_profile = _text(data.get("profile"), "-", "profile", str(path))
        for submission in submissions:
            submission.methodology = methodology
            submission.profile = submission.profile or default_profile  # a file-level default
        return submissions
    if "body" in data:
        single = {"id": data["body"], "name": data.get("name"), "inputs": data.get("inputs")}
        if "penalties" in data:
            single["penalties"] = data["penalties"]
        if data.get("profile"):
            single["profile"] = data["profile"]
        return [_with_methodology(_submission(single, "", period, path), methodology)]
    raise InputError([Problem("-", "bodies", str(path), "missing: give 'bodies: [...]' or 'body' with 'inputs'")])


def _json_int(text: str):
    """JSON integers as int, except one too long to be bounded: it stays exact (a Decimal) so that
    validation names its field and the bound, instead of int() refusing it without either."""
    return Decimal(text) if len(text) > limits.MAX_NUMBER_TEXT else int(text)


def _syntax_problem(exc: Exception) -> str:
    """What the JSON or YAML parser found, and where: one line, without the parser's internals."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        mark = exc.problem_mark
        return _one_line(exc.problem) + (f" (line {mark.line + 1}, column {mark.column + 1})" if mark else "")
    if isinstance(exc, (json.JSONDecodeError, ValueError, yaml.YAMLError)):
        return _one_line(exc)[:200] or type(exc).__name__
    return f"a value cannot be read ({_one_line(exc)[:120]})"


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def shown(raw, width: int = 40) -> str:
    """A raw value as a person reads it in a message: never a Python repr, never longer than ``width``."""
    if raw is None:
        return "nothing"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, Decimal):
        return limits._short(raw) if raw.is_finite() else str(raw)
    if isinstance(raw, float):
        return repr(raw)
    if isinstance(raw, int):
        text = str(raw) if raw.bit_length() < 200 else limits._short(Decimal(raw))
        return text
    if isinstance(raw, list):
        return f"a list of {len(raw)} value(s)"
    if isinstance(raw, dict):
        return f"an object with {len(raw)} key(s)"
    text = " ".join(str(raw).split())
    return f"'{text[:width]}…'" if len(text) > width else f"'{text}'"


def key_text(key) -> str:
    """A key of a JSON or YAML mapping as it is written (YAML keys may be numbers, dates, null…)."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, str):
        return " ".join(key.split())[:60]
    return shown(key, 60) if isinstance(key, (Decimal, float, int)) else str(key)


def _blank(value) -> bool:
    return value is None or value == "" or value is False or (isinstance(value, (list, dict)) and not value)


def _text(value, body: str, field: str, where: str) -> str | None:
    """An id, a name, a profile or an edition as text: text or a whole number; None when blank.
    Anything else (a list, an object, yes/no, a fraction) is a problem that names it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() < 64:
        return str(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value() \
            and value.adjusted() < 19:
        return str(int(value))
    raise InputError([Problem(body, field, where, f"must be text, got {shown(value)}")])


def _with_methodology(submission: Submission, methodology: str | None) -> Submission:
    submission.methodology = methodology
    return submission


def _period(value, path) -> int | None:
    if value is None:
        return None
    try:
        text = str(value).strip()
        if len(text) > 6:
            raise ValueError
        return int(text)
    except ValueError:
        raise InputError([Problem("-", "period", str(path), f"period must be a year, got {shown(value)}")]) from None


def _submission(entry, where: str, period, path: Path) -> Submission:
    prefix = f"{where}." if where else ""
    if not isinstance(entry, dict) or _blank(entry.get("id")):
        raise InputError([Problem(where or "-", "id", f"{path}: {prefix}id", "each body needs an 'id'")])
    body_id = _text(entry["id"], where or "-", "id", f"{path}: {prefix}id")
    inputs = entry.get("inputs")
    if not isinstance(inputs, dict):
        raise InputError([Problem(body_id, "inputs", f"{path}: {prefix}inputs", "missing or not an object")])
    unknown = set(entry) - {"id", "name", "inputs", "kind", "note", "profile", "penalties"}
    if unknown:
        raise InputError([Problem(body_id, key_text(key), f"{path}: {prefix}{key_text(key)}", "unknown key")
                          for key in sorted(unknown, key=key_text)])
    return Submission(body_id=body_id, name=_text(entry.get("name"), body_id, "name", f"{path}: {prefix}name"),
                      raw=dict(inputs), locations={key: f"{path}: {prefix}inputs.{key_text(key)}" for key in inputs},
                      period=period, origin=str(path),
                      profile=_text(entry.get("profile"), body_id, "profile", f"{path}: {prefix}profile"),
                      penalties=entry.get("penalties"), penalties_at=f"{path}: {prefix}penalties")


# --- validating ------------------------------------------------------------------

def validate(compiled: CompiledMethodology, submission: Submission) -> ValidatedInputs:
    """Typed values for every input, or InputError listing every problem."""
    from bagalau.engine import tables
    submission, problems, table_uses, withheld = tables.expand(compiled, submission)
    values: dict[str, Any] = {}
    unknown = [key for key in submission.raw if key not in compiled.inputs]
    other = _other_profile(compiled, unknown)
    if other is not None:
        # The body was filled for another profile: one line that says so, not
        # hundreds of unknown and missing fields.
        profile, theirs = other
        raise InputError([OtherProfile(
            submission.body_id, "profile", submission.origin,
            f"{len(theirs)} field(s) ({', '.join(theirs[:3])}{', …' if len(theirs) > 3 else ''}) belong to profile "
            f"'{profile}', but the body is read as '{compiled.profile}'", profile=profile)]
            + [Problem(submission.body_id, key, submission.locations.get(key, ""),
                       f"unknown field for {compiled.methodology.id}") for key in unknown if key not in theirs])
    for key in unknown:
        problems.append(Problem(submission.body_id, key_text(key), submission.locations.get(key, ""),
                                f"unknown field for {compiled.methodology.id}"))
    for input_id, definition in compiled.inputs.items():
        location = submission.locations.get(input_id, "")
        raw = submission.raw.get(input_id)
        if raw is None or (isinstance(raw, str) and not raw.strip() and definition.type != "positions"):
            if (definition.required and input_id not in withheld
                    and not section_points.excused(compiled, submission.raw, input_id)):
                problems.append(Problem(submission.body_id, input_id, location,
                                        f"missing: {definition.name.get('en')} ({_source_text(definition)})"
                                        + section_points.missing_suffix(compiled, submission.raw, input_id)
                                        + tables.hint(compiled, input_id)))
            values[input_id] = _default(definition)
            continue
        try:
            values[input_id] = coerce(definition, raw)
        except ValueError as exc:
            problems.append(Problem(submission.body_id, input_id, location,
                                    str(exc) + section_points.bound_suffix(compiled, input_id)))
    for input_id in compiled.inputs:
        comment_id = input_id + "_comment"
        if input_id.startswith("entered_") and comment_id in compiled.inputs \
                and submission.raw.get(input_id) not in (None, "") and values.get(comment_id) is None \
                and not any(p.field == comment_id for p in problems):
            problems.append(Problem(submission.body_id, comment_id, submission.locations.get(comment_id, ""),
                                    "missing: entered points need a justification"))
    if not problems:
        problems += [Problem(submission.body_id, field, submission.locations.get(field, ""), reason)
                     for field, reason in section_points.disagreements(compiled, submission.raw, values)]
    if not problems:
        problems += _required_when(compiled, submission, values)
    penalties: list[AppliedPenalty] = []
    if submission.penalties is not None:
        penalties, unread = read_penalties(compiled.methodology, compiled.top_level, submission.penalties)
        problems += [Problem(submission.body_id, path, _penalty_location(submission, path), reason)
                     for path, reason in unread]
        for penalty in penalties:
            penalty.reference = f"{penalty.reference} ({submission.origin})" if submission.origin else penalty.reference
    if problems:
        raise InputError(problems)
    check_problems = _run_checks(compiled, submission, values)
    errors = [p for p in check_problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    return ValidatedInputs(submission, values, [p for p in check_problems if p.severity == "warning"], penalties,
                           table_uses)


def _penalty_location(submission: Submission, path: str) -> str:
    """Where a penalty entry sits: its cell (or row) in a workbook, its key path in a file."""
    cells = submission.penalty_cells
    return cells.get(path) or cells.get(path.split(".")[0]) or submission.penalties_at + path[len("penalties"):]


def _other_profile(compiled: CompiledMethodology, unknown: list[str]) -> tuple[str, list[str]] | None:
    """The other profile whose fields the unknown ones are (most of them), if any."""
    if not unknown or len(compiled.source.profiles) < 2:
        return None
    best = None
    for profile in compiled.source.profiles:
        if profile == compiled.profile:
            continue
        try:
            theirs = [key for key in unknown if key in CompiledMethodology(compiled.source, profile).inputs]
        except Exception:  # noqa: BLE001 - a broken profile is no hint
            continue
        if theirs and (best is None or len(theirs) > len(best[1])):
            best = (profile, theirs)
    if best is None or 2 * len(best[1]) < len(unknown):
        return None  # mostly fields of no profile: the plain list says more
    return best


def _default(definition: Input):
    if definition.default is None:
        return None
    if definition.type == "boolean":
        return 1 if definition.default is True or str(definition.default).lower() == "true" else 0
    return exact(definition.default)


def coerce(definition: Input, raw) -> Any:
    """The raw value as the scorer takes it: exact numbers (int, or Fraction
    where the value is not whole), 1/0 for yes/no, lists of those, or text."""
    kind = definition.type
    if kind == "text":
        text = str(raw).strip()
        if not text:
            raise ValueError("must not be empty")
        return text
    if kind == "boolean":
        value = _boolean(raw)
    elif kind == "positions":
        value = _positions(raw)
        if definition.min_items and len(value) < definition.min_items:
            raise ValueError(f"needs at least {definition.min_items} observation(s), got {len(value)}")
        return [None if position is None else exact(position) for position in value]
    elif kind == "decimals":
        if isinstance(raw, str) and raw.strip().lower() in EMPTY_LIST_WORDS:
            items = []  # a cell cannot hold an empty list, so a dash or "none" stands for one
        elif isinstance(raw, list):
            items = raw
        elif isinstance(raw, (int, float, Decimal)):
            items = [raw]
        else:
            items = [v for v in str(raw).replace(";", ",").split(",") if v.strip()]
        values = []
        for position, item in enumerate(items, start=1):
            try:
                number = _number(item, whole=False)
            except ValueError as exc:
                raise ValueError(f"value {position}: {exc}") from None
            if definition.min is not None and number < definition.min:
                raise ValueError(f"value {position}: {_show(number)} is below the minimum {_show(definition.min)}")
            if definition.max is not None and number > definition.max:
                raise ValueError(f"value {position}: {_show(number)} is above the maximum {_show(definition.max)}")
            values.append(number)
        if definition.min_items and len(values) < definition.min_items:
            raise ValueError(f"needs at least {definition.min_items} value(s), got {len(values)}")
        return [exact(number) for number in values]
    else:
        value = _number(raw, whole=(kind == "integer"))
    if definition.min is not None and value < definition.min:
        raise ValueError(f"{_show(value)} is below the minimum {_show(definition.min)}"
                         + (" (a count cannot be negative)" if definition.min == 0 and definition.unit != "points" else ""))
    if definition.max is not None and value > definition.max:
        raise ValueError(f"{_show(value)} is above the maximum {_show(definition.max)}")
    return exact(value)


def _boolean(raw) -> Decimal:
    if isinstance(raw, bool):
        return Decimal(int(raw))
    if isinstance(raw, (int, Decimal)) and raw in (0, 1):
        return Decimal(int(raw))
    if isinstance(raw, str) and raw.strip().lower() in TRUE_WORDS:
        return Decimal(1)
    if isinstance(raw, str) and raw.strip().lower() in FALSE_WORDS:
        return Decimal(0)
    raise ValueError(f"expected yes/no (true/false, да/нет, иә/жоқ), got {shown(raw)}")


def _number(raw, whole: bool) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError(f"expected a number, got {shown(raw)}")
    try:
        if isinstance(raw, str):
            limits.check_number_text(raw.strip())
        if isinstance(raw, float):
            value = Decimal(repr(raw))
        elif isinstance(raw, (int, Decimal)):
            value = Decimal(raw)
        elif isinstance(raw, str):
            value = Decimal(raw.strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
        else:
            raise InvalidOperation
    except InvalidOperation:
        raise ValueError(f"expected {'a whole number' if whole else 'a number'}, got {shown(raw)}") from None
    if not value.is_finite():
        raise ValueError(f"expected a finite number, got {shown(raw)}")
    limits.check_number(value)
    if whole and value != value.to_integral_value():
        raise ValueError(f"expected a whole number, got {shown(raw)}")
    return value


def _positions(raw) -> list[Decimal | None]:
    items = raw if isinstance(raw, list) else str(raw).replace(";", ",").split(",")
    positions: list[Decimal | None] = []
    for item in items:
        if item is None or (isinstance(item, str) and item.strip().lower() in NOT_FOUND_WORDS):
            positions.append(None)
            continue
        value = _number(item, whole=True)
        if value < 1:
            raise ValueError(f"a search position starts at 1, got {shown(item)} (leave empty or write 'not found')")
        positions.append(value)
    return positions


def _is_blank(raw, definition: Input) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip() and definition.type != "positions")


def _required_when(compiled: CompiledMethodology, submission: Submission, values) -> list[Problem]:
    """Optional inputs that the body's other answers make required: when a
    node applies, the counts it needs must be given (a default would score them)."""
    problems: list[Problem] = []
    if not compiled.required_when:
        return problems
    namespace = {**BASE_NAMESPACE, **compiled.parameters, **values}
    namespace[CONTEXT_NAME] = EvaluationContext(compiled.bands, {})
    for input_id, formula in compiled.required_when.items():
        definition = compiled.inputs[input_id]
        if not _is_blank(submission.raw.get(input_id), definition):
            continue
        if any(values.get(name) is None for name in formula.names & set(compiled.inputs)):
            continue
        namespace.update(formula.constants)
        try:
            needed = bool(eval(formula.code, namespace))
        except (ZeroDenominator, ZeroDivisionError):
            continue
        if needed:
            rule = definition.required_when
            problems.append(Problem(submission.body_id, input_id, submission.locations.get(input_id, ""),
                                    f"missing: {definition.name.get('en')} ({_source_text(definition)}) is required "
                                    f"when {rule.meaning}" + (f" ({rule.paragraph})" if rule.paragraph else "")))
    return problems


def _run_checks(compiled: CompiledMethodology, submission: Submission, values) -> list[Problem]:
    namespace = {**BASE_NAMESPACE, **compiled.parameters, **values}
    namespace[CONTEXT_NAME] = EvaluationContext(compiled.bands, {})
    problems: list[Problem] = []
    for check in compiled.checks:
        namespace.update(check.rule.constants)
        fields = sorted(check.rule.names & set(compiled.inputs))
        if any(values.get(name) is None for name in fields):
            continue  # an optional input is absent: nothing to compare
        try:
            passed = bool(eval(check.rule.code, namespace))
        except (ZeroDenominator, ZeroDivisionError):
            continue
        if not passed:
            shown = ", ".join(f"{name} = {_show(values[name])}" for name in fields)
            problems.append(Problem(submission.body_id, ", ".join(fields),
                                    "; ".join(submission.locations.get(f, "") for f in fields if f in submission.locations),
                                    f"{check.message.get('en')} ({shown}; rule {check.rule.source}, {check.paragraph})",
                                    severity=check.severity))
    return problems


def _source_text(definition: Input) -> str:
    source = definition.source
    return source.form + (f" row {source.row}" if source.row else "") + (f" column {source.column}" if source.column else "")


def _show(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list):
        return "[" + ", ".join("-" if item is None else _show(item) for item in value) + "]"
    return str(value) if isinstance(value, (str, bool)) else decimal_text(value)
