"""The table of the real-NixOS run names nix's own first error (runs everywhere)."""

import pytest

from tests.real_nixos.table import EvaluationTable, first_error
from tests.real_nixos.wrapped_tree import CommandFailed

FLOW_FAILURE = """=== step build_closure (f/nix/build/build_closure)
+ nix --extra-experimental-features 'nix-command flakes' build 'path:/w#toplevel' --dry-run
\x1b[31;1merror:\x1b[0m The option `boot.kernel.sysctl."kernel.kptr_restrict"' is defined multiple times.
(use '--show-trace' to show detailed location information)
error: nix failed evaluating the configuration (the same error recurs on every try) with exit status 1
error: The option `boot.kernel.sysctl."kernel.kptr_restrict"' is defined multiple times.
"""

NEWER_NIX = """error:
       … while evaluating the attribute 'drvPath'

       error: 'dbench' has been removed as it is unmaintained for 14 years and broken
"""


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (
            FLOW_FAILURE,
            'The option `boot.kernel.sysctl."kernel.kptr_restrict"\' is defined multiple times.',
        ),
        (NEWER_NIX, "'dbench' has been removed as it is unmaintained for 14 years and broken"),
        ("Traceback ...\nKeyError: 'x'\n", "KeyError: 'x'"),
    ],
)
def test_first_error(output, expected):
    assert first_error(output) == expected


def test_rows_record_the_outcome_and_keep_the_failure():
    table = EvaluationTable()
    with table.row("check a"):
        pass
    with pytest.raises(CommandFailed), table.row("check b"):
        raise CommandFailed(["nix", "eval"], "error: attribute 'crash' missing\n")
    with pytest.raises(AssertionError), table.row("flow c"):
        raise AssertionError("no virtiofs store")
    assert [(row.subject, row.outcome) for row in table.rows] == [
        ("check a", "evaluated"),
        ("check b", "attribute 'crash' missing"),
        ("flow c", "failed: no virtiofs store"),
    ]
    lines = table.render()
    assert lines[0].split() == ["config", "or", "check", "seconds", "result"]
    assert lines[2].startswith("check b") and lines[2].endswith("attribute 'crash' missing")
