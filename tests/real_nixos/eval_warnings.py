"""The evaluation warnings nix prints while a row of the table runs.

nix prints a warning of the evaluator (``lib.warn``, ``builtins.warn``, an
alias that warns) on stderr and still succeeds, so a caller that keeps only
stdout never sees it. Every command of the real-NixOS tests hands its stderr
to ``heard``; each open ``listening`` block collects the warnings in it.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from f.nix.common.nix_log import plain

# Nix 2.20 and later: "evaluation warning: <text>"; before, lib.warn traced
# "trace: warning: <text>". The flow's job log repeats nix's lines as they are.
_WARNING = re.compile(r"^\s*(?:evaluation warning|trace: warning):\s*(\S.*)$")

_listeners: list[list[str]] = []


def warnings_in(text: str) -> list[str]:
    """Each evaluation warning in ``text``, its first line, once each, in order."""
    found = (_WARNING.match(line) for line in plain(text).splitlines())
    return list(dict.fromkeys(match.group(1).strip() for match in found if match))


def heard(stderr: str) -> None:
    """Give a command's stderr to every open ``listening`` block."""
    warnings = warnings_in(stderr)
    for listener in _listeners:
        listener.extend(warning for warning in warnings if warning not in listener)


@contextmanager
def listening() -> Iterator[list[str]]:
    """Collect the warnings the commands run inside the block print."""
    collected: list[str] = []
    _listeners.append(collected)
    try:
        yield collected
    finally:
        _listeners.remove(collected)
