"""The flow's choices and the nixos-flake library's modules can never drift apart."""

import json
import typing

import pytest

from f.nix.build import render_config
from f.nix.common.library_contract import PROFILES, TEST_SUITES
from tests.support import LIBRARY, nix

pytestmark = pytest.mark.nix

# Written out, not read from contract.nix (which the library's nixosModules and checks are
# made from): a profile or suite that goes, or changes its name, fails these tests.
LIBRARY_PROFILES = ["build-tools", "controller", "devel", "monitoring"]
LIBRARY_SUITES = [
    "blktests",
    "fstests",
    "gitr",
    "kunit",
    "ltp",
    "mmtests",
    "pynfs",
    "selftests",
    "sysbench",
    "usertests",
]


def library_attr_names(attribute: str) -> list[str]:
    completed = nix(
        "eval", "--json", f"path:{LIBRARY}#{attribute}", "--apply", "builtins.attrNames"
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def literal_choices(parameter: str) -> tuple[str, ...]:
    annotation = typing.get_type_hints(render_config.main)[parameter]
    list_type = next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    return typing.get_args(typing.get_args(list_type)[0])


def test_profiles_are_the_library_profiles():
    assert library_attr_names("nixosModules.profiles") == LIBRARY_PROFILES
    assert literal_choices("profiles") == PROFILES


def test_test_suites_are_the_library_suites():
    assert library_attr_names("nixosModules.testSuites") == LIBRARY_SUITES
    assert literal_choices("test_suites") == TEST_SUITES


def test_library_exposes_the_contract():
    assert library_attr_names("nixosModules") == sorted(
        ["backends", "default", "mounts", "profiles", "testSuites", "user"]
    )
    assert library_attr_names("nixosModules.backends") == ["imageless"]
    assert library_attr_names("nixosModules.mounts") == ["shares", "storage"]
    assert library_attr_names("overlays") == ["default"]
    assert library_attr_names("templates") == ["imageless"]


def test_every_module_the_flow_can_import_exists():
    """Each path render_config may import (featured default or not) is in the library."""
    expression = (
        "m: { backend = builtins.pathExists m.backends.imageless; "
        "user = builtins.pathExists m.user; shares = builtins.pathExists m.mounts.shares; "
        "storage = builtins.pathExists m.mounts.storage; "
        "profiles = builtins.mapAttrs (_: builtins.pathExists) m.profiles; "
        "testSuites = builtins.mapAttrs (_: builtins.pathExists) m.testSuites; }"
    )
    completed = nix("eval", "--json", f"path:{LIBRARY}#nixosModules", "--apply", expression)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {
        "backend": True,
        "user": True,
        "shares": True,
        "storage": True,
        "profiles": dict.fromkeys(LIBRARY_PROFILES, True),
        "testSuites": dict.fromkeys(LIBRARY_SUITES, True),
    }


def test_check_names_are_static():
    """Listing the checks must not need nixpkgs (runs offline, always).

    Offline, a listing that forced nixpkgs fails in library_attr_names trying
    to fetch it. Evaluating the checks against a real nixpkgs is
    tests/real_nixos (dev/real-nixos).
    """
    assert library_attr_names("checks.x86_64-linux") == [
        "backend-imageless",
        "featured",
        "mounts-shares",
        "mounts-storage",
        "profile-build-tools",
        "profile-controller",
        "profile-devel",
        "profile-monitoring",
        "suite-blktests",
        "suite-fstests",
        "suite-gitr",
        "suite-kunit",
        "suite-ltp",
        "suite-mmtests",
        "suite-pynfs",
        "suite-selftests",
        "suite-sysbench",
        "suite-usertests",
    ]
