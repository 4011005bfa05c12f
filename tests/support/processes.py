"""Running `bagalau` as a real process with its standard error on a pseudo-terminal (what a
person at a terminal sees, progress bars included) or piped (what a script or a log gets)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

CLI = [sys.executable, "-m", "bagalau.cli"]
ENV = {"COLUMNS": "120", "PATH": "/usr/bin:/bin", "TERM": "xterm"}


def on_a_terminal(*args, env: dict) -> tuple[int, str, str]:
    """Run with standard error on a pseudo-terminal: (status, standard output, what the terminal showed)."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen([*CLI, *map(str, args)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=secondary, env={**ENV, **env})
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:     # the terminal closed: the process has ended
            break
        if not chunk:
            break
        shown += chunk
    stdout = process.stdout.read().decode()
    process.wait(timeout=180)
    os.close(primary)
    return process.returncode, stdout, shown.decode(errors="replace")


def piped(*args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=180, env={**ENV, **env})
