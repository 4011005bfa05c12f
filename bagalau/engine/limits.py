"""Limits on what is read: hostile or careless input is refused with a reason,
before it can take the memory, the time or the stack of the process.

* **Files.** Only regular files are read (not a device, a pipe or a
  directory, even behind a symlink), and only up to ``BAGALAU_MAX_INPUT_MB``
  megabytes (default 20). A file is read once, at most one byte past the
  limit, so a file that grows while it is read is refused too.
* **XLSX.** A workbook is a ZIP archive: its members may unpack to at most
  ``XLSX_MAX_RATIO`` times the size of the file and at most
  ``XLSX_MAX_UNPACKED_FACTOR`` times the size limit. XML entities are refused
  by ``defusedxml`` (openpyxl uses it when it is installed; it is a
  dependency).
* **Nesting.** A JSON or YAML document nests at most ``MAX_DEPTH`` lists and
  objects deep; it is measured before it is parsed, so the parser never
  recurses deeper.
* **Numbers.** Every number read as an input lies within the sanity bound
  ``|x| ≤ 10^15`` with at most 20 decimal places (the engine's exact
  arithmetic would otherwise work with a 5,000-digit integer or ``1e999999999``
  as faithfully as with 12). A definition may bound an input more tightly
  with ``max``/``min``.

Every refusal is a ``LimitError`` (a ``ValueError``) whose text names the
limit, so the reader can turn it into a problem naming the file, body and
field.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from decimal import Decimal
from pathlib import Path

MAX_INPUT_ENV = "BAGALAU_MAX_INPUT_MB"
DEFAULT_MAX_INPUT_MB = 20
MAX_DEPTH = 32
MAX_ABS_EXPONENT = 15                 # |x| ≤ 10^15
MAX_ABS = Decimal(10) ** MAX_ABS_EXPONENT
MAX_DECIMALS = 20
MAX_NUMBER_TEXT = 64                  # characters in a number's text before it is even converted
XLSX_MAX_RATIO = 100                  # unpacked size / file size
XLSX_RATIO_FLOOR = 8 * 1024 * 1024    # below this many unpacked bytes the ratio is not looked at
XLSX_MAX_UNPACKED_FACTOR = 10         # unpacked size ≤ 10 × the size limit


class LimitError(ValueError):
    """Input refused by one of the limits; the message names the limit."""


def max_input_bytes() -> int:
    """The size limit in bytes, from ``BAGALAU_MAX_INPUT_MB`` (default 20)."""
    text = os.environ.get(MAX_INPUT_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_INPUT_MB * 1024 * 1024
    try:
        megabytes = Decimal(text)
        if not megabytes.is_finite() or megabytes <= 0 or megabytes > 1024 * 1024:
            raise ValueError
    except (ArithmeticError, ValueError):
        raise LimitError(f"{MAX_INPUT_ENV} must be a positive number of megabytes, not '{text[:40]}'") from None
    return int(megabytes * 1024 * 1024)


def _megabytes(size: int) -> str:
    value = Decimal(size) / (1024 * 1024)
    return format(value.quantize(Decimal("0.1")) if value < 10 else value.quantize(Decimal(1)), "f") + " MB"


def check_regular_file(path: Path) -> int:
    """The size of ``path`` if it is a regular file within the size limit; LimitError (or
    FileNotFoundError) otherwise. Symlinks are followed: what they point at must be a file."""
    info = os.stat(path)    # follows symlinks; FileNotFoundError when missing
    if not stat.S_ISREG(info.st_mode):
        kind = ("a directory" if stat.S_ISDIR(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode)
                or stat.S_ISBLK(info.st_mode) else "a pipe" if stat.S_ISFIFO(info.st_mode)
                else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
        raise LimitError(f"not a regular file ({kind}); only regular files are read")
    limit = max_input_bytes()
    if info.st_size > limit:
        raise LimitError(_too_big(info.st_size, limit))
    return info.st_size


def _too_big(size: int | None, limit: int) -> str:
    what = f"{_megabytes(size)}" if size is not None else "larger than the limit"
    return (f"the file is too big ({what}; the limit is {_megabytes(limit)}, "
            f"set by {MAX_INPUT_ENV})")


def read_bytes(path: Path) -> bytes:
    """The content of a regular file within the size limit (LimitError otherwise)."""
    check_regular_file(path)
    limit = max_input_bytes()
    with open(path, "rb") as handle:
        content = handle.read(limit + 1)
    if len(content) > limit:
        raise LimitError(_too_big(None, limit))
    return content


def check_xlsx(path: Path) -> None:
    """Refuse a workbook whose members unpack to far more than the file holds (a ZIP bomb)."""
    size = check_regular_file(path)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return    # not a ZIP at all: the workbook reader says so
    limit = max_input_bytes() * XLSX_MAX_UNPACKED_FACTOR
    if unpacked > limit:
        raise LimitError(f"the workbook unpacks to {_megabytes(unpacked)}, more than {_megabytes(limit)} "
                         f"({XLSX_MAX_UNPACKED_FACTOR} × the size limit set by {MAX_INPUT_ENV})")
    if unpacked > XLSX_RATIO_FLOOR and unpacked > XLSX_MAX_RATIO * max(size, 1):
        raise LimitError(f"the workbook unpacks to {_megabytes(unpacked)} from {_megabytes(size)}, more than "
                         f"{XLSX_MAX_RATIO} times its size (a compression bomb?)")


# --- nesting --------------------------------------------------------------------------

_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def _too_deep() -> LimitError:
    return LimitError(f"nested more than {MAX_DEPTH} lists or objects deep (the limit on nesting)")


def check_json_depth(text: str) -> None:
    """LimitError if brackets outside strings nest deeper than MAX_DEPTH."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep()
        elif token in "]}":
            depth -= 1


def check_yaml_depth(text: str) -> None:
    """LimitError if the YAML document's collections nest deeper than MAX_DEPTH. Reads
    parser events only (no objects are built), stopping at the first one too deep.
    A syntax error is left for the real parse to report."""
    import yaml
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep()
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return


MAX_VALUES = 2_000_000              # values a YAML document may hold once its aliases are expanded


def check_data_shape(data) -> None:
    """Refuse parsed data nested deeper than MAX_DEPTH, referring to itself, or holding more than
    MAX_VALUES values once shared parts (YAML aliases) are counted each time they are used.
    Iterative, and each shared part is measured once, so an alias bomb costs what its text does."""
    if not isinstance(data, (list, dict)):
        return
    memo: dict[int, tuple[int, int]] = {}
    active: set[int] = set()
    stack: list[tuple[object, bool]] = [(data, False)]
    while stack:
        node, leaving = stack.pop()
        key = id(node)
        children = [c for c in (node.values() if isinstance(node, dict) else node) if isinstance(c, (list, dict))]
        if not leaving:
            if key in memo:
                continue
            if key in active:
                raise LimitError("a YAML alias refers to the list or object that holds it")
            active.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in memo)
            continue
        depth = 1 + max((memo[id(child)][0] for child in children), default=0)
        count = 1 + len(node) + sum(memo[id(child)][1] for child in children)
        if depth > MAX_DEPTH:
            raise _too_deep()
        if count > MAX_VALUES:
            raise LimitError(f"the document holds more than {MAX_VALUES:,} values once its aliases are "
                             "expanded (an alias bomb?)")
        memo[key] = (depth, count)
        active.discard(key)


# --- numbers --------------------------------------------------------------------------

def check_number_text(text: str) -> None:
    """Refuse a number written with more characters than any bounded number needs."""
    if len(text) > MAX_NUMBER_TEXT:
        raise LimitError(f"a number written with {len(text)} characters is beyond the sanity bound "
                         f"|x| ≤ 10^{MAX_ABS_EXPONENT} (at most {MAX_DECIMALS} decimal places) that applies to "
                         "every number read")


def check_number(value: Decimal) -> None:
    """Refuse a finite Decimal outside |x| ≤ 10^15 or with more than 20 decimal places."""
    if value.copy_abs() > MAX_ABS:    # no context arithmetic: 1e999999999 would overflow it
        raise LimitError(f"{_short(value)} is beyond the sanity bound |x| ≤ 10^{MAX_ABS_EXPONENT} "
                         "that applies to every number read")
    _, digits, exponent = value.as_tuple()
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if value and exponent + trailing < -MAX_DECIMALS:
        raise LimitError(f"{_short(value)} has more than {MAX_DECIMALS} decimal places "
                         "(the sanity bound on every number read)")


def _short(value: Decimal) -> str:
    sign, digits, exponent = value.as_tuple()
    if len(digits) <= 24 and -30 <= exponent <= 24:
        return format(value, "f")
    rest = "".join(map(str, digits[1:4]))
    mantissa = f"{digits[0]}.{rest}…" if rest else str(digits[0])
    return f"{'-' if sign else ''}{mantissa}E{len(digits) - 1 + exponent:+d}"
