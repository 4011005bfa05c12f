"""What every fuzz test shares: the bounded, reproducible settings, and one check of a run
of `bagalau` on a hostile file: it ends with a status a person expects (0, 1 or 2, never the
3 of an internal error), without a traceback and without a Python repr in what it prints.

The number of examples is bounded: about 2,000 per reader in all under ``CI=true``, fewer
locally, or ``BAGALAU_FUZZ_EXAMPLES`` per test. Examples are derandomized, so a run in CI
is the same every time; a failure prints the smallest input that shows it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import typer
import typer.testing
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from bagalau.cli import app

IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def examples(in_ci: int, local: int) -> int:
    """Examples for one test: ``in_ci`` under CI=true, ``local`` otherwise, or BAGALAU_FUZZ_EXAMPLES."""
    given = os.environ.get("BAGALAU_FUZZ_EXAMPLES", "").strip()
    return int(given) if given else in_ci if IN_CI else local


def bounded(in_ci: int, local: int) -> settings:
    return settings(max_examples=examples(in_ci, local), deadline=None, derandomize=True, database=None,
                    print_blob=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])


# What a Python repr looks like in a message: Decimal('2.5'), {'then': …}, ['a'], (IntegrityError),
# <x object at 0x…>, b'\x…', datetime.date(…); a quoted character ('{') is a parser's message.
# Generated text never holds these unless a test says so: a match is the program's, not the input's.
REPR = re.compile(r"Decimal\(|Fraction\(|datetime\.\w+\(|(?<!')\{'|(?<!')\['|(?<!')\{\"|\(\w*(Error|Exception)\)|"
                  r"<[\w.]+ object at 0x|\bb'\\x|Traceback|internal error")

runner = CliRunner()
COMMAND = typer.main.get_command(app)    # built once: typer's runner builds it on every call (0.1 s)


class Run:
    def __init__(self, exit_code: int, output: str):
        self.exit_code = exit_code
        self.output = output


def bagalau(*args, allowed=(0, 1, 2), echoes: str = "", quoted: bool = False) -> Run:
    """Run `bagalau ARGS` in-process as its console entry point would; fail on an exception that
    escapes a command (status 3), an unexpected status, a traceback or a Python repr in the output.
    ``echoes`` is the input's own text: a repr-like fragment the input itself holds is allowed, and
    with ``quoted`` also one that a message makes by quoting a fragment of it (a formula's '([')."""
    build, typer.testing._get_command = typer.testing._get_command, lambda _: COMMAND
    try:
        result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "1000", "BAGALAU_DEBUG": "", "BAGALAU_LANG": "en"})
    finally:
        typer.testing._get_command = build
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception    # would be "internal error", exit 3: hypothesis shows the input
    output = result.output
    assert result.exit_code in allowed, output
    for match in REPR.finditer(output):
        fragment = match.group().replace("'", "").replace('"', "") if quoted else match.group()
        assert fragment and fragment in echoes, f"a Python repr or a traceback in the output: {output}"
    return Run(result.exit_code, output)


def write(folder: Path, name: str, content: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return path
