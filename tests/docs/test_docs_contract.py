"""The docs that name the library's contract facts name the contract's values.

vendor/nixos-flake/contract.nix owns each suite's and profile's results directory
and the list of suites; f/nix/common/library_contract.py is generated from it and
tested to be current. A change there must fail here until the prose follows.
"""

import re
from pathlib import Path

from f.nix.common.library_contract import RESULT_SHARES, TEST_SUITES
from tests.support import LIBRARY, REPOSITORY

LIBRARY_DESIGN = REPOSITORY / "docs" / "design" / "library.rst"
SUITES_README = LIBRARY / "testSuites" / "README.md"

# Paths under /var/lib that the docs may name and that are not results shares.
NOT_RESULTS = {
    "/var/lib/workers": "the docs' example WORKERS_DIR on a worker",
    "/var/lib/nix-build-flow": "where dev/current-nix keeps a root's venv",
    "/var/lib/mmtests-tree": "mmtests' writable tree (testSuites.mmtests.directory)",
}


def prose_files() -> list[Path]:
    """Every document a reader meets: README, docs/, the library's READMEs, the form."""
    return sorted(
        [
            REPOSITORY / "README.rst",
            REPOSITORY / "f" / "nix" / "build" / "flow.yaml",
            *(REPOSITORY / "docs").rglob("*.rst"),
            *(REPOSITORY / "docs").rglob("*.md"),
            *LIBRARY.rglob("*.md"),
        ]
    )


def test_every_var_lib_path_in_the_docs_is_a_results_share_or_named_here():
    shares = set(RESULT_SHARES.values())
    strays = {
        f"{path.relative_to(REPOSITORY)}: {found}"
        for path in prose_files()
        for found in re.findall(r"/var/lib/[A-Za-z0-9_.-]+", path.read_text())
        if found not in shares and found not in NOT_RESULTS
    }
    assert not strays, "not a results directory of contract.nix:\n" + "\n".join(sorted(strays))


def test_the_design_docs_table_is_the_contracts_suites_and_their_directories():
    text = LIBRARY_DESIGN.read_text()
    rows = dict(re.findall(r"^``([a-z]+)``\s+``(/var/lib/[^`]+)``$", text, flags=re.M))
    assert rows == {suite: RESULT_SHARES[suite] for suite in TEST_SUITES}


def test_the_design_doc_lists_every_suite_closure_test_suites_takes():
    text = LIBRARY_DESIGN.read_text()
    (sentence,) = re.findall(r"``closure\.test_suites`` takes (.*?);", text, flags=re.S)
    assert tuple(re.findall(r"``([a-z]+)``", sentence)) == TEST_SUITES


def test_the_suites_readme_has_a_section_per_suite_naming_its_results_directory():
    # Each "### <suite> (...)" section, up to the next "## " heading.
    sections = re.split(r"^### ", SUITES_README.read_text(), flags=re.M)[1:]
    named = {section.split(" ", 1)[0]: section.split("\n## ", 1)[0] for section in sections}
    assert tuple(named) == TEST_SUITES
    for suite, section in named.items():
        assert re.search(rf"`{re.escape(RESULT_SHARES[suite])}[`/]", section), suite
