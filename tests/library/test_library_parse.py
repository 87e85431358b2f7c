"""Every Nix file of the vendored library parses."""

import subprocess

import pytest

from tests.support import LIBRARY

NIX_FILES = sorted(LIBRARY.rglob("*.nix"))


def test_library_has_nix_files():
    assert len(NIX_FILES) > 20


@pytest.mark.parametrize("path", NIX_FILES, ids=lambda p: str(p.relative_to(LIBRARY)))
@pytest.mark.nix
def test_parses(path):
    completed = subprocess.run(
        ["nix-instantiate", "--parse", str(path)], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
