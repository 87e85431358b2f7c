# py311
# requirements:
"""Lines for the job log, and an optional status line below them in a terminal.

Everything goes to stderr so that stdout stays free for results. The status
line (a progress bar) is only drawn when stderr is a terminal, never in a
Windmill job; log lines are written above it.
"""

import shlex
import sys
from collections.abc import Sequence

from f.nix.common.windmill_env import in_windmill_job

# Logged command lines wrap here, before an option, and still paste into a shell.
COMMAND_WIDTH = 100
CONTINUATION = " \\\n    "

_status = ""


def _draws_status() -> bool:
    return sys.stderr.isatty() and not in_windmill_job()


def set_status(text: str) -> None:
    global _status
    _status = text
    if _draws_status():
        sys.stderr.write(f"\r\x1b[K{text}")
        sys.stderr.flush()


def clear_status() -> None:
    set_status("")


def log(message: str) -> None:
    if _status and _draws_status():
        sys.stderr.write(f"\r\x1b[K{message}\n{_status}")
        sys.stderr.flush()
    else:
        print(message, file=sys.stderr, flush=True)


def log_file(title: str, text: str) -> None:
    """Print a rendered file whole, between markers, so the log shows exactly what nix reads."""
    log(f"----- {title} -----")
    log(text.rstrip("\n"))
    log(f"----- end of {title} -----")


def command_line(argv: Sequence[str]) -> str:
    """``argv`` as a shell command line, wrapped before options to COMMAND_WIDTH columns.

    Each option starts a group with the words that follow it; groups are
    packed onto lines joined with `` \\`` continuations, so the whole pastes
    into a shell as one command.
    """
    groups: list[str] = []
    for word in argv:
        quoted = shlex.quote(word)
        if groups and not word.startswith("-"):
            groups[-1] += f" {quoted}"
        else:
            groups.append(quoted)
    lines: list[str] = []
    for group in groups:
        if lines and len(lines[-1]) + 1 + len(group) <= COMMAND_WIDTH:
            lines[-1] += f" {group}"
        else:
            lines.append(group)
    return CONTINUATION.join(lines)


def log_command(argv: Sequence[str]) -> None:
    log(f"+ {command_line(argv)}")
