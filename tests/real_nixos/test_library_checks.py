"""Every check of the library evaluates on the real tree and builds no kernel."""

import pytest

from tests.real_nixos.kernel_builds import kernel_builds
from tests.real_nixos.wrapped_tree import nix
from tests.support import CHECKS, LIBRARY


def check_drv(check: str, nixpkgs: str) -> str:
    return nix(
        "eval",
        "--raw",
        f"path:{LIBRARY}#checks.x86_64-linux.{check}.drvPath",
        "--override-input",
        "nixpkgs",
        nixpkgs,
    )


@pytest.mark.parametrize("check", CHECKS)
def test_check_evaluates_without_a_kernel(check, real_nixpkgs, early_warning, table):
    early_warning.evaluate(f"check {check}", lambda nixpkgs: check_drv(check, nixpkgs))
    with table.row(f"check {check}"):
        drv = check_drv(check, real_nixpkgs)
    assert drv.startswith("/nix/store/") and drv.endswith(".drv")
    assert kernel_builds(drv) == []
