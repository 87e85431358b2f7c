"""Lines for the job log, and an optional status line below them in a terminal.

Everything goes to stderr so that stdout stays free for results. The status
line (a progress bar) is only drawn when stderr is a terminal, never in a
Windmill job; log lines are written above it.
"""

import sys

from f.nix.common.windmill_env import in_windmill_job

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
