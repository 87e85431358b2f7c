"""Fixtures for evaluating on a real NixOS tree, given in $NIXPKGS (README.rst, "Evaluating
on a real NixOS"), and the table of what evaluated, printed at the end of the run."""

import os

import pytest

from tests.real_nixos.table import EvaluationTable
from tests.real_nixos.wrapped_tree import wrap_tree
from tests.support import HAVE_NIX, NIX_MISSING

HOW_TO_GET_A_TREE = (
    "NIXPKGS is not set: point it at a nixpkgs tree to evaluate the library and the flow on a "
    "real NixOS, e.g. NIXPKGS=/srv/nixpkgs dev/real-nixos. Without network, a NixOS 24.05 tree "
    "can be extracted from the repository ZLangJIT/termux-gcc-riscv with dev/extract-git-tree "
    "(README.rst, 'Evaluating on a real NixOS')"
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


@pytest.fixture(scope="session")
def real_nixpkgs(tmp_path_factory) -> str:
    """A flake reference to the wrapped tree, for the flow's ``nixpkgs`` input."""
    value = os.environ.get("NIXPKGS", "").strip()
    if not value:
        pytest.skip(HOW_TO_GET_A_TREE)
    if not HAVE_NIX:
        pytest.skip(NIX_MISSING)
    try:
        return wrap_tree(value, tmp_path_factory.mktemp("real-nixos") / "nixpkgs")
    except ValueError as error:
        pytest.fail(str(error))
