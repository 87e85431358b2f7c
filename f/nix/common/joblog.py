"""Lines for the job log, and an optional status line below them in a terminal.

Everything goes to stderr so that stdout stays free for results. The status
line (the local runner's progress bar) is only drawn when stderr is a
terminal; log lines are written above it.
"""

import sys

_status = ""
_status_enabled = False


def enable_status_line() -> None:
    """Draw status lines from now on, if stderr is a terminal (a no-op elsewhere)."""
    global _status_enabled
    _status_enabled = sys.stderr.isatty()


def set_status(text: str) -> None:
    global _status
    _status = text
    if _status_enabled:
        sys.stderr.write(f"\r\x1b[K{text}")
        sys.stderr.flush()


def clear_status() -> None:
    set_status("")


def log(message: str) -> None:
    if _status_enabled and _status:
        sys.stderr.write(f"\r\x1b[K{message}\n{_status}")
        sys.stderr.flush()
    else:
        print(message, file=sys.stderr, flush=True)


def log_file(title: str, text: str) -> None:
    """Print a rendered file whole, between markers, so the log shows exactly what nix reads."""
    log(f"----- {title} -----")
    log(text.rstrip("\n"))
    log(f"----- end of {title} -----")
