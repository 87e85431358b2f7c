"""Opt-in: evaluate every check of the library against a real nixpkgs.

Set NIXPKGS to a nixpkgs checkout (a path) or a flake reference, then run
`pytest -m nixpkgs tests/library`. Each check's drvPath is evaluated with
`--override-input nixpkgs`, which proves that every option and package the
modules use exists in that nixpkgs and type-checks, without building.
"""

import json
import os
import subprocess

import pytest

from tests.library.support import CHECKS, LIBRARY, require_tool

pytestmark = pytest.mark.nixpkgs


def nixpkgs_reference() -> str:
    value = os.environ.get("NIXPKGS", "").strip()
    if not value:
        pytest.skip(
            "NIXPKGS is not set: give a nixpkgs path or flake reference to "
            "evaluate the library's checks against it"
        )
    if os.path.isabs(value):
        if not os.path.isdir(value):
            pytest.fail(f"NIXPKGS={value} is not a directory")
        return f"path:{value}"
    return value


def nix(*arguments: str) -> subprocess.CompletedProcess:
    executable = require_tool("nix")
    return subprocess.run(
        [executable, "--extra-experimental-features", "nix-command flakes", *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, "NIX_CONFIG": os.environ.get("NIX_CONFIG", "substituters =")},
    )


def test_check_names_are_static():
    """Listing the checks must not need nixpkgs (runs offline, always)."""
    require_tool("nix")
    completed = nix(
        "eval", "--json", f"path:{LIBRARY}#checks.x86_64-linux", "--apply", "builtins.attrNames"
    )
    if completed.returncode != 0 and "nixpkgs" in completed.stderr and "fetch" in completed.stderr:
        pytest.skip("listing the checks tried to fetch nixpkgs here")
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == CHECKS


@pytest.mark.parametrize("check", CHECKS)
def test_check_evaluates(check):
    reference = nixpkgs_reference()
    completed = nix(
        "eval",
        "--raw",
        f"path:{LIBRARY}#checks.x86_64-linux.{check}.drvPath",
        "--override-input",
        "nixpkgs",
        reference,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("/nix/store/") and completed.stdout.endswith(".drv")
