"""Running `bagalau` in-process from tests: the exit code and the output, line wrapping undone."""

from __future__ import annotations

from typer.testing import CliRunner

from bagalau.cli import app

runner = CliRunner()


class Outcome:
    """A command's exit code and output, with the terminal's line wrapping undone."""

    def __init__(self, result):
        self.exit_code = result.exit_code
        self.raw = result.output
        self.output = " ".join(result.output.split())


def bagalau(url, *args, ok=True, lang: str = "en") -> Outcome:
    """`bagalau ARGS --database URL` with its messages in ``lang`` (English: the tests read it; the CLI's
    own default is Russian); with ``ok``, it must succeed. Never a traceback."""
    result = Outcome(runner.invoke(app, [*args, "--database", url], env={"BAGALAU_LANG": lang}))
    assert "Traceback" not in result.output
    if ok:
        assert result.exit_code == 0, result.output
    return result
