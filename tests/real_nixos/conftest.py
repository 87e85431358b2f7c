"""Fixtures for evaluating on real NixOS trees (README.rst, "Evaluating on a real NixOS"),
and the table of what evaluated, printed at the end of the run.

$NIXPKGS is the tree every test must pass on (a release the library supports);
$NIXPKGS_NEXT, optional, is a newer tree evaluated beside it as an early
warning: its outcomes fill a column of the table and never fail the run.
"""

import contextlib
import os
from collections.abc import Callable

import pytest

from tests.real_nixos.table import EvaluationTable
from tests.real_nixos.wrapped_tree import CommandFailed, Tree, wrap_tree
from tests.support import HAVE_NIX, NIX_MISSING

HOW_TO_GET_A_TREE = (
    "NIXPKGS is not set: point it at a nixpkgs tree (NixOS 26.05 or newer, Nix 2.18 or newer) to "
    "evaluate the library and the flow on a real NixOS, e.g. NIXPKGS=/srv/nixpkgs-26.05 "
    "dev/current-nix dev/real-nixos. Without network, a NixOS 26.05 tree can be extracted from "
    "the repository rae-hill/homelab with dev/extract-git-tree (README.rst, 'Evaluating on a "
    "real NixOS')"
)

TABLE = EvaluationTable()


def pytest_terminal_summary(terminalreporter) -> None:
    if TABLE.rows:
        terminalreporter.section("evaluation on a real NixOS")
        for line in TABLE.render():
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def table() -> EvaluationTable:
    return TABLE


def _wrapped(variable: str, tmp_path_factory) -> Tree:
    value = os.environ[variable].strip()
    try:
        return wrap_tree(value, tmp_path_factory.mktemp("real-nixos") / "nixpkgs")
    except ValueError as error:
        pytest.fail(f"{variable}: {error}")


@pytest.fixture(scope="session")
def real_tree(tmp_path_factory) -> Tree:
    """The wrapped $NIXPKGS tree."""
    if not os.environ.get("NIXPKGS", "").strip():
        pytest.skip(HOW_TO_GET_A_TREE)
    if not HAVE_NIX:
        pytest.skip(NIX_MISSING)
    tree = _wrapped("NIXPKGS", tmp_path_factory)
    TABLE.column(f"nixpkgs {tree.release}")
    return tree


@pytest.fixture(scope="session")
def real_nixpkgs(real_tree) -> str:
    """A flake reference to the wrapped $NIXPKGS tree, for the flow's ``nixpkgs`` input."""
    return real_tree.reference


class EarlyWarning:
    """Evaluates on $NIXPKGS_NEXT too, when it is set; the outcome goes to the table only."""

    def __init__(self, table: EvaluationTable, tree: Tree | None):
        self.table = table
        self.tree = tree
        self.column = f"nixpkgs {tree.release} (early warning)" if tree else ""

    def evaluate(self, subject: str, action: Callable[[str], object]) -> None:
        """Run ``action`` on the newer tree's flake reference and record how it went."""
        if self.tree is None:
            return
        try:
            with self.table.row(subject, self.column):
                action(self.tree.reference)
        except Exception:  # recorded in the table; a newer release never fails the run
            pass


@pytest.fixture(scope="session")
def early_warning(real_tree, table, tmp_path_factory) -> EarlyWarning:
    value = os.environ.get("NIXPKGS_NEXT", "").strip()
    if not value:
        return EarlyWarning(table, None)
    try:
        tree = wrap_tree(value, tmp_path_factory.mktemp("real-nixos") / "nixpkgs-next")
    except (ValueError, CommandFailed) as error:
        with (
            contextlib.suppress(ValueError, CommandFailed),
            table.row("NIXPKGS_NEXT", "early warning"),
        ):
            raise error
        return EarlyWarning(table, None)
    early = EarlyWarning(table, tree)
    table.column(early.column)
    return early
