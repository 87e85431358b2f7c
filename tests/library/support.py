"""Helpers shared by the nixos-flake library tests."""

import shutil
from pathlib import Path

import pytest

LIBRARY = Path(__file__).resolve().parents[2] / "vendor" / "nixos-flake"

# The checks.<system> attributes, written out as in checks/default.nix.
CHECKS = [
    "backend-imageless",
    "featured",
    "mounts-shares",
    "profile-build-tools",
    "profile-controller",
    "profile-devel",
    "profile-monitoring",
    "suite-blktests",
    "suite-fstests",
    "suite-gitr",
    "suite-ltp",
    "suite-mmtests",
    "suite-pynfs",
    "suite-selftests",
    "suite-sysbench",
]


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not on PATH (Debian: apt-get install nix-bin)")
    return path
