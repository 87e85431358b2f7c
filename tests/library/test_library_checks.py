"""The library's checks can be listed without nixpkgs.

Evaluating them against a real nixpkgs is tests/real_nixos (dev/real-nixos).
"""

import json
import os
import subprocess

from f.nix.common.nix_command import nix_argv
from tests.library.support import CHECKS, LIBRARY, require_tool


def test_check_names_are_static():
    """Listing the checks must not need nixpkgs (runs offline, always)."""
    require_tool("nix")
    completed = subprocess.run(
        nix_argv(
            [
                "eval",
                "--json",
                f"path:{LIBRARY}#checks.x86_64-linux",
                "--apply",
                "builtins.attrNames",
            ]
        ),
        capture_output=True,
        text=True,
        env={**os.environ, "NIX_CONFIG": "substituters ="},
    )
    # Offline, a listing that forced nixpkgs fails here trying to fetch it.
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == CHECKS
