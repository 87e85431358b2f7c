"""Fixtures for evaluating on real NixOS trees (docs/development.rst, "Evaluating on a real NixOS"),
and the table of what evaluated, printed at the end of the run.

$NIXPKGS is the tree every test must pass on (a release the library supports);
$NIXPKGS_NEXT, optional, is a newer tree evaluated beside it as an early
warning: its outcomes fill a column of the table and never fail the run.
"""

import contextlib
import os
from collections.abc import Callable

import pytest

from tests.real_nixos.guests import (
    CONFIGS,
    GUEST_PARAMS,
    Guest,
    guest_id,
    read_guest,
    run_flow,
)
from tests.real_nixos.table import EvaluationTable, early_assertions_summary
from tests.real_nixos.wrapped_tree import CommandFailed, Tree, revision_from_environment, wrap_tree
from tests.support import HAVE_NIX, NIX_MISSING, flow_inputs

HOW_TO_GET_A_TREE = (
    "NIXPKGS is not set: `dev/current-nix dev/real-nixos` takes the trees in ../shared/nixpkgs "
    "by itself; or point NIXPKGS at a nixpkgs tree (NixOS 26.05 or newer, Nix 2.18 or newer), "
    "e.g. NIXPKGS=/srv/nixpkgs-26.05 dev/current-nix dev/real-nixos. Without network, a NixOS "
    "26.05 tree can be extracted from the repository rae-hill/homelab with dev/extract-git-tree "
    "(docs/development.rst, 'Evaluating on a real NixOS')"
)

TABLE = EvaluationTable()


# The guest assertions run on the early-warning tree: test name -> None when it passed,
# else the first line of its failure.
EARLY_ASSERTIONS: dict[str, str | None] = {}


def _on_the_early_warning_tree(item) -> bool:
    callspec = getattr(item, "callspec", None)
    param = callspec.params.get("guest") if callspec else None
    return isinstance(param, tuple) and param[-1] == "next"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On the early-warning tree a failure is reported (as xfail and in the summary), not run
    into the exit status: a newer release may break us before our callers move to it."""
    outcome = yield
    report = outcome.get_result()
    if not _on_the_early_warning_tree(item):
        return
    if report.failed:
        text = str(call.excinfo.value) if call.excinfo else str(report.longrepr)
        first = next((line.strip() for line in text.splitlines() if line.strip()), "failed")
        EARLY_ASSERTIONS[item.nodeid] = first
        report.outcome = "skipped"
        report.wasxfail = f"early warning: {first}"
    elif report.when == "call" and report.passed:
        EARLY_ASSERTIONS.setdefault(item.nodeid, None)


def pytest_terminal_summary(terminalreporter) -> None:
    if TABLE.rows:
        terminalreporter.section("evaluation on a real NixOS")
        for line in TABLE.render():
            terminalreporter.write_line(line)
        warnings = TABLE.render_warnings()
        terminalreporter.write_line("")
        for line in warnings or ["no evaluation warnings"]:
            terminalreporter.write_line(line)
        early = early_assertions_summary(EARLY_ASSERTIONS)
        if early:
            terminalreporter.write_line("")
        for line in early:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def table() -> EvaluationTable:
    return TABLE


def _wrapped(variable: str, tmp_path_factory) -> Tree:
    value = os.environ[variable].strip()
    try:
        directory = tmp_path_factory.mktemp("real-nixos") / "nixpkgs"
        return wrap_tree(value, directory, revision_from_environment(variable))
    except ValueError as error:
        pytest.fail(f"{variable}: {error}")


def _cannot(reason: str) -> None:
    """Skip for want of ``reason``; fail under dev/real-nixos, which is asked to evaluate."""
    if os.environ.get("REAL_NIXOS_REQUIRED") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def real_tree(tmp_path_factory) -> Tree:
    """The wrapped $NIXPKGS tree."""
    if not os.environ.get("NIXPKGS", "").strip():
        _cannot(HOW_TO_GET_A_TREE)
    if not HAVE_NIX:
        _cannot(NIX_MISSING)
    tree = _wrapped("NIXPKGS", tmp_path_factory)
    TABLE.column(tree.name)
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
        self.column = f"{tree.name} (early warning)" if tree else ""

    def evaluate(self, subject: str, action: Callable[[str], object]) -> None:
        """Run ``action`` on the newer tree's flake reference and record how it went."""
        if self.tree is None:
            return
        try:
            with self.table.row(subject, self.column, strict=False):
                action(self.tree.reference)
        except Exception:  # recorded in the table; a newer release never fails the run
            pass


@pytest.fixture(scope="session")
def early_warning(real_tree, table, tmp_path_factory) -> EarlyWarning:
    value = os.environ.get("NIXPKGS_NEXT", "").strip()
    if not value:
        return EarlyWarning(table, None)
    try:
        directory = tmp_path_factory.mktemp("real-nixos") / "nixpkgs-next"
        tree = wrap_tree(value, directory, revision_from_environment("NIXPKGS_NEXT"))
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


# Each guest (guests.py) is evaluated once per session and tree: session scope, so that pytest
# runs every test of one guest, whatever its module, before it evaluates the next.
@pytest.fixture(scope="session", params=GUEST_PARAMS, ids=guest_id)
def guest(request, real_tree, early_warning, tmp_path_factory, table) -> Guest:
    name, which = request.param
    if which == "next":
        if early_warning.tree is None:
            pytest.skip("NIXPKGS_NEXT is not set: no early-warning tree")
        tree, column, strict = early_warning.tree, early_warning.column, False
    else:
        tree, column, strict = real_tree, "", True
    nixpkgs = tree.reference
    scratch = tmp_path_factory.mktemp(guest_id(request.param))
    inputs = {"vm_name": name.replace(" ", "-"), **CONFIGS[name](scratch / "sources")}
    with table.row(f"flow: {name}", column, strict=strict):
        result = run_flow(flow_inputs(**inputs, nixpkgs=nixpkgs, dry_run=True), scratch / "workers")
        config = read_guest(result["config_dir"])
    return Guest(name, inputs, result, config, tree)
