import os
import shutil
import subprocess
from pathlib import Path

import pytest

from f.nix.common import nix_command

REPOSITORY = Path(__file__).resolve().parent.parent
STUB_NIXPKGS = REPOSITORY / "tests" / "stub-nixpkgs"
LIBRARY = REPOSITORY / "vendor" / "nixos-flake"

HAVE_NIX = shutil.which("nix") is not None
needs_nix = pytest.mark.skipif(
    not HAVE_NIX, reason="nix is not on PATH (Debian: apt-get install nix-bin; .ci/run does)"
)


@pytest.fixture(autouse=True)
def _fresh_nix_version_cache():
    nix_command.nix_version.cache_clear()
    yield
    nix_command.nix_version.cache_clear()


@pytest.fixture
def workers_dir(tmp_path, monkeypatch) -> Path:
    """An empty WORKERS_DIR for one test, worker index 0."""
    root = tmp_path / "workers"
    root.mkdir()
    monkeypatch.setenv("WORKERS_DIR", str(root))
    monkeypatch.setenv("WORKER_INDEX", "0")
    monkeypatch.delenv("NIXOS_FLAKE_DIR", raising=False)
    return root


@pytest.fixture
def offline_nix(monkeypatch):
    """Real nix with no binary cache: the tests never wait on the network."""
    if not HAVE_NIX:
        pytest.skip("nix is not on PATH (Debian: apt-get install nix-bin; .ci/run does)")
    monkeypatch.setenv("NIX_CONFIG", "substituters =")


def stub_nixpkgs_ref() -> str:
    return f"path:{STUB_NIXPKGS}"


def nix_eval_json(expression: str) -> object:
    """Evaluate a Nix expression with the real nix-instantiate and return it as JSON."""
    import json

    completed = subprocess.run(
        ["nix-instantiate", "--eval", "--strict", "--json", "--expr", expression],
        capture_output=True,
        text=True,
        env={**os.environ, "NIX_CONFIG": "substituters ="},
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)
