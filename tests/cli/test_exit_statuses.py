"""Exit statuses and the optional PostgreSQL driver (issue 8, items 7 and 9), as real processes."""

from __future__ import annotations

import subprocess
import sys

import pytest

ENV = {"COLUMNS": "200", "PATH": "/usr/bin:/bin"}


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=ENV)


def test_version_prints_the_installed_version():
    from importlib.metadata import version
    result = subprocess.run([sys.executable, "-m", "bagalau.cli", "--version"], capture_output=True, text=True,
                            timeout=120, env=ENV)
    assert result.returncode == 0 and result.stdout.strip() == f"bagalau {version('bagalau')}"


@pytest.mark.parametrize("args", [["db", "upgrade"], ["campaign", "status"]])
def test_a_postgresql_url_without_its_driver_says_what_to_install(args):
    # psycopg made unimportable, as in an install without the extra
    code = ("import sys; sys.modules['psycopg'] = None\n"
            "from bagalau.cli import main\n"
            f"sys.argv = ['bagalau', *{args!r}, '--database', 'postgresql://u:secret@localhost/x']\n"
            "main()")
    result = run_python(code)
    text = " ".join(result.stderr.split())
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in text
    assert "pip install 'bagalau[postgres]'" in text and "secret" not in text


def test_psycopg_is_an_extra_not_a_dependency():
    from importlib.metadata import requires
    requirements = requires("bagalau") or []
    psycopg = [r for r in requirements if r.startswith("psycopg")]
    assert psycopg and all("extra == \"postgres\"" in r for r in psycopg), psycopg


def test_conflict_status_is_distinct_from_internal_error():
    from bagalau.cli import console
    assert len({console.OK, console.PROBLEMS, console.BAD_INPUT, console.INTERNAL, console.CONFLICT}) == 5
    assert console.CONFLICT == 4 and console.INTERNAL == 3
