"""The table of the real-NixOS run names nix's own first error (runs everywhere)."""

import pytest

from tests.real_nixos.eval_warnings import heard, warnings_in
from tests.real_nixos.table import (
    EvaluationTable,
    EvaluationWarning,
    early_assertions_summary,
    first_error,
)
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
    table.column("nixpkgs 26.05")
    with table.row("check a"):
        pass
    with pytest.raises(CommandFailed), table.row("check b"):
        raise CommandFailed(["nix", "eval"], "error: attribute 'crash' missing\n")
    with pytest.raises(AssertionError), table.row("flow c"):
        raise AssertionError("no virtiofs store")
    assert [(row.subject, row.column, row.outcome) for row in table.rows] == [
        ("check a", "nixpkgs 26.05", "evaluated"),
        ("check b", "nixpkgs 26.05", "attribute 'crash' missing"),
        ("flow c", "nixpkgs 26.05", "failed: no virtiofs store"),
    ]
    lines = table.render()
    assert lines[0].split() == ["config", "or", "check", "nixpkgs", "26.05"]
    assert lines[2].startswith("check b") and lines[2].endswith("attribute 'crash' missing")


def test_an_early_warning_tree_is_a_column_of_its_own():
    table = EvaluationTable()
    table.column("nixpkgs 26.05")
    table.column("nixpkgs 26.11 (early warning)")
    with table.row("check a"):
        pass
    with pytest.raises(CommandFailed), table.row("check a", "nixpkgs 26.11 (early warning)"):
        raise CommandFailed(["nix", "eval"], "error: 'foo' has been removed\n")
    with table.row("check b"):
        pass
    header, first, second = table.render()
    assert header.index("nixpkgs 26.11 (early warning)") > header.index("nixpkgs 26.05")
    assert first.startswith("check a") and "evaluated" in first
    assert first.endswith("'foo' has been removed")
    # A subject not evaluated on a tree shows a dash there.
    assert second.startswith("check b") and second.endswith("-")


# What Nix 2.34 printed on nixos-unstable 241313f4 for the monitoring profile's
# fastfetch.minimal (before overlays/fastfetch-headless.nix), and Nix 2.8's form of a warning.
FASTFETCH_WARNING = (
    "\x1b[1;35mevaluation warning:\x1b[0m `fastfetch.minimal` has been renamed to "
    "`fastfetch-unwrapped`\n"
)


def test_warnings_are_read_in_every_form():
    assert warnings_in(FASTFETCH_WARNING + "trace: warning: old style\nwarning: not eval\n") == [
        "`fastfetch.minimal` has been renamed to `fastfetch-unwrapped`",
        "old style",
    ]


def test_a_warning_fails_a_supported_row_and_is_reported_for_an_early_warning_one():
    table = EvaluationTable()
    table.column("nixpkgs 26.05")
    table.column("nixpkgs 26.11 (early warning)")
    with pytest.raises(EvaluationWarning, match=r"fastfetch\.minimal"), table.row("flow a"):
        heard(FASTFETCH_WARNING)
    with table.row("flow a", "nixpkgs 26.11 (early warning)", strict=False):
        heard(FASTFETCH_WARNING)
        heard(FASTFETCH_WARNING)  # once per row, however often printed
    with table.row("flow b"):
        heard("warning: Git tree '/w' is dirty\n")  # not the evaluator's
    heard(FASTFETCH_WARNING)  # outside any row: nobody listens
    assert [(row.outcome, row.warnings) for row in table.rows] == [
        (
            "1 evaluation warnings",
            ("`fastfetch.minimal` has been renamed to `fastfetch-unwrapped`",),
        ),
        (
            "evaluated, 1 warnings",
            ("`fastfetch.minimal` has been renamed to `fastfetch-unwrapped`",),
        ),
        ("evaluated", ()),
    ]
    assert table.render_warnings() == [
        "nixpkgs 26.05: evaluation warning: "
        "`fastfetch.minimal` has been renamed to `fastfetch-unwrapped`",
        "    in flow a",
        "nixpkgs 26.11 (early warning): evaluation warning: "
        "`fastfetch.minimal` has been renamed to `fastfetch-unwrapped`",
        "    in flow a",
    ]


def test_the_early_warning_summary_groups_failures_by_cause():
    results = {
        "t.py::test_a[featured-default@next]": None,
        "t.py::test_b[featured-default@next]": "AssertionError: monitoring: packages missing",
        "t.py::test_b[every-input@next]": "AssertionError: monitoring: packages missing",
        "t.py::test_c[every-input@next]": "attribute 'crash' missing",
    }
    assert early_assertions_summary(results) == [
        "early warning, guest assertions: 1 passed, 3 failed",
        "  2 x AssertionError: monitoring: packages missing",
        "      test_b[featured-default@next]",
        "      test_b[every-input@next]",
        "  1 x attribute 'crash' missing",
        "      test_c[every-input@next]",
    ]
    assert early_assertions_summary({}) == []
