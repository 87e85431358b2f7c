"""The table a real-NixOS run prints: each config or check, and for each tree "evaluated" or
nix's first error, with the seconds it took; then every evaluation warning heard, by row.

A row of a supported release fails on an evaluation warning (``strict``): a
warning today is an error in a release or two, and our callers see it on
every build. An early-warning row only reports it."""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from f.nix.common.nix_log import plain
from tests.real_nixos.eval_warnings import listening
from tests.real_nixos.wrapped_tree import CommandFailed

_NIX_ERROR = re.compile(r"^\s*error:\s*(\S.*)$")
_FLOW_WRAPPER = re.compile(r"^nix failed")
# How much of an error a cell shows.
_CELL = 90


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
    column: str
    outcome: str
    seconds: float
    warnings: tuple[str, ...] = ()


class EvaluationWarning(AssertionError):
    """A supported release printed evaluation warnings (listed in the message)."""


class EvaluationTable:
    """The rows this run adds, a column per tree; printed by pytest_terminal_summary."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.columns: list[str] = []

    def column(self, name: str) -> None:
        """Add a column (a tree), in the order the table shows them."""
        if name not in self.columns:
            self.columns.append(name)

    @contextmanager
    def row(self, subject: str, column: str = "", strict: bool = True) -> Iterator[None]:
        """Record how the block went for ``subject`` in ``column`` (default: the first).

        With ``strict``, an evaluation warning heard in the block fails it.
        """
        column = column or (self.columns[0] if self.columns else "result")
        self.column(column)
        started = time.monotonic()
        with listening() as warnings:
            try:
                yield
            except CommandFailed as error:
                self._add(subject, column, first_error(error.output), started, warnings)
                raise
            except BaseException as error:
                if not isinstance(error, pytest.skip.Exception):
                    self._add(subject, column, f"failed: {error}", started, warnings)
                raise
        if strict and warnings:
            self._add(subject, column, f"{len(warnings)} evaluation warnings", started, warnings)
            raise EvaluationWarning(
                f"{subject} evaluated with warnings on a supported release:\n"
                + "\n".join(f"  evaluation warning: {warning}" for warning in warnings)
            )
        outcome = f"evaluated, {len(warnings)} warnings" if warnings else "evaluated"
        self._add(subject, column, outcome, started, warnings)

    def _add(
        self, subject: str, column: str, outcome: str, started: float, warnings: list[str]
    ) -> None:
        row = Row(subject, column, outcome, time.monotonic() - started, tuple(warnings))
        self.rows.append(row)

    def render_warnings(self) -> list[str]:
        """Every evaluation warning, once per tree, with the rows that printed it."""
        lines = []
        for column in self.columns:
            rows: dict[str, list[str]] = {}
            for row in self.rows:
                if row.column == column:
                    for warning in row.warnings:
                        rows.setdefault(warning, []).append(row.subject)
            for warning, subjects in rows.items():
                lines.append(f"{column}: evaluation warning: {warning}")
                lines.append(f"    in {', '.join(subjects)}")
        return lines

    def render(self) -> list[str]:
        subjects = list(dict.fromkeys(row.subject for row in self.rows))
        cells = {
            (row.subject, row.column): f"{row.seconds:5.1f} s  {row.outcome.splitlines()[0]}"[
                :_CELL
            ]
            for row in self.rows
        }
        width = max(len(subject) for subject in [*subjects, "config or check"])
        widths = [
            max(len(column), *(len(cells.get((s, column), "")) for s in subjects))
            for column in self.columns
        ]
        header = ["config or check".ljust(width)] + [
            column.ljust(w) for column, w in zip(self.columns, widths, strict=True)
        ]
        lines = ["  ".join(header).rstrip()]
        for subject in subjects:
            line = [subject.ljust(width)] + [
                cells.get((subject, column), "-").ljust(w)
                for column, w in zip(self.columns, widths, strict=True)
            ]
            lines.append("  ".join(line).rstrip())
        return lines


def early_assertions_summary(results: dict[str, str | None]) -> list[str]:
    """How the guest assertions went on the early-warning tree, failures grouped by cause."""
    if not results:
        return []
    failures: dict[str, list[str]] = {}
    for nodeid, first in results.items():
        if first is not None:
            failures.setdefault(first, []).append(nodeid.rpartition("::")[2])
    failed = sum(len(names) for names in failures.values())
    lines = [f"early warning, guest assertions: {len(results) - failed} passed, {failed} failed"]
    for first, names in failures.items():
        lines.append(f"  {len(names)} x {first[:160]}")
        lines += [f"      {name}" for name in names]
    return lines
