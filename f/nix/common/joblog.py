"""Lines for the job log. Everything goes to stderr so that stdout stays free for results."""

import sys


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def log_file(title: str, text: str) -> None:
    """Print a rendered file whole, between markers, so the log shows exactly what nix reads."""
    log(f"----- {title} -----")
    log(text.rstrip("\n"))
    log(f"----- end of {title} -----")
