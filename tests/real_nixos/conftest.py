"""Evaluation on a real NixOS tree, given in $NIXPKGS (see README.rst, "Evaluating on a real NixOS").

The tree is wrapped by ``wrapper/`` so that it answers like the library's
pinned nixos-25.11 for every name the library touches. Each test adds a row
to the table printed at the end of the run: what was evaluated, "evaluated"
or the first error, and the seconds it took.
"""

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import HAVE_NIX
from tests.real_nixos.wrapped_tree import CommandFailed, wrap_tree

HERE = Path(__file__).resolve().parent

HOW_TO_GET_A_TREE = (
    "NIXPKGS is not set: point it at a nixpkgs tree to evaluate the library and the flow on a "
    "real NixOS, e.g. NIXPKGS=/srv/nixpkgs dev/real-nixos. Without network, a NixOS 24.05 tree "
    "can be extracted from the repository ZLangJIT/termux-gcc-riscv with dev/extract-git-tree "
    "(README.rst, 'Evaluating on a real NixOS')"
)

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_NIX_ERROR = re.compile(r"^\s*error:\s*(\S.*)$")
_FLOW_WRAPPER = re.compile(r"^nix failed")


def first_error(text: str) -> str:
    """The first line in which nix states an error, without the flow's wrapping line."""
    for line in _ANSI.sub("", text).splitlines():
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


TABLE = EvaluationTable()


def pytest_terminal_summary(terminalreporter) -> None:
    if TABLE.rows:
        terminalreporter.section("evaluation on a real NixOS")
        for line in TABLE.render():
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def table() -> EvaluationTable:
    return TABLE


@pytest.fixture(scope="session")
def real_nixpkgs(tmp_path_factory) -> str:
    """A flake reference to the wrapped tree, for the flow's ``nixpkgs`` input."""
    value = os.environ.get("NIXPKGS", "").strip()
    if not value:
        pytest.skip(HOW_TO_GET_A_TREE)
    if not HAVE_NIX:
        pytest.skip("nix is not on PATH (Debian: apt-get install nix-bin; dev/setup does)")
    try:
        return wrap_tree(value, tmp_path_factory.mktemp("real-nixos") / "nixpkgs")
    except ValueError as error:
        pytest.fail(str(error))
