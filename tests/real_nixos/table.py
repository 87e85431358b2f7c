"""The table a real-NixOS run prints: each config or check, "evaluated" or nix's first error,
and the seconds it took."""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from f.nix.common.nix_log import plain
from tests.real_nixos.wrapped_tree import CommandFailed

_NIX_ERROR = re.compile(r"^\s*error:\s*(\S.*)$")
_FLOW_WRAPPER = re.compile(r"^nix failed")


def first_error(text: str) -> str:
    """The first line in which nix states an error, without the flow's wrapping line."""
    for line in plain(text).splitlines():
        found = _NIX_ERROR.match(line)
        if found and not _FLOW_WRAPPER.match(found.group(1)):
            return found.group(1).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


@dataclass(frozen=True)
class Row:
    subject: str
    outcome: str
    seconds: float


class EvaluationTable:
    """The rows this run adds; printed by pytest_terminal_summary."""

    def __init__(self) -> None:
        self.rows: list[Row] = []

    @contextmanager
    def row(self, subject: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        except CommandFailed as error:
            self.rows.append(Row(subject, first_error(error.output), time.monotonic() - started))
            raise
        except BaseException as error:
            if not isinstance(error, pytest.skip.Exception):
                self.rows.append(Row(subject, f"failed: {error}", time.monotonic() - started))
            raise
        self.rows.append(Row(subject, "evaluated", time.monotonic() - started))

    def render(self) -> list[str]:
        width = max(len(row.subject) for row in self.rows)
        lines = [f"{'config or check'.ljust(width)}  {'seconds':>7}  result"]
        lines += [
            f"{row.subject.ljust(width)}  {row.seconds:7.1f}  {row.outcome.splitlines()[0][:160]}"
            for row in self.rows
        ]
        return lines
