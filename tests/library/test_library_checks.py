"""The library's checks can be listed without nixpkgs.

Evaluating them against a real nixpkgs is tests/real_nixos (dev/real-nixos).
"""

import json

import pytest

from tests.support import CHECKS, LIBRARY, nix


@pytest.mark.nix
def test_check_names_are_static():
    """Listing the checks must not need nixpkgs (runs offline, always)."""
    completed = nix(
        "eval", "--json", f"path:{LIBRARY}#checks.x86_64-linux", "--apply", "builtins.attrNames"
    )
    # Offline, a listing that forced nixpkgs fails here trying to fetch it.
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == CHECKS
