"""Fixtures; what tests import otherwise is in support.py."""

from pathlib import Path

import pytest

from f.nix.common import nix_command
from tests.support import (
    HAVE_NIX,
    LIBRARY,
    NIX_MISSING,
    OFFLINE_NIX_CONFIG,
    cannot_build,
    stub_build_problem,
)


@pytest.fixture(autouse=True)
def _fresh_nix_version_cache(monkeypatch):
    # The nix the tests mean is the one on PATH, whatever NIX_BIN the caller has.
    monkeypatch.delenv("NIX_BIN", raising=False)
    nix_command.nix_version.cache_clear()
    nix_command.nix_version_line.cache_clear()
    yield
    nix_command.nix_version.cache_clear()
    nix_command.nix_version_line.cache_clear()


@pytest.fixture(autouse=True)
def _the_repository_library(monkeypatch):
    """The library a worker names in NIXOS_FLAKE_DIR: this repository's, as localflow sets it.

    Nothing finds it otherwise (Windmill's loader gives the steps no file to look beside).
    """
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(LIBRARY))
    monkeypatch.delenv("VENDOR_DIR", raising=False)


@pytest.fixture(autouse=True)
def _nix_when_marked(request, monkeypatch):
    """Tests marked ``nix`` get the real nix with no binary cache, or skip without it.

    They skip too, saying what to change, where the stub's builders cannot run (a
    sandboxing nix daemon that does not lend them the host's tools). Under
    STUB_BUILDS=required (CI's offline parts) either is a failure instead: a run
    that skips every build proves little.
    """
    if request.node.get_closest_marker("nix") is None:
        return
    if not HAVE_NIX:
        cannot_build(NIX_MISSING)
    problem = stub_build_problem()
    if problem is not None:
        cannot_build(problem)
    monkeypatch.setenv("NIX_CONFIG", OFFLINE_NIX_CONFIG)


@pytest.fixture
def workers_dir(tmp_path, monkeypatch) -> Path:
    """An empty WORKERS_DIR for one test, worker index 0."""
    root = tmp_path / "workers"
    root.mkdir()
    monkeypatch.setenv("WORKERS_DIR", str(root))
    monkeypatch.setenv("WORKER_INDEX", "0")
    monkeypatch.delenv("VENDOR_DIR", raising=False)
    monkeypatch.delenv("SYSTEM_DIR", raising=False)
    # Each test is a run of its own (localflow.run_flow sets a flow job id
    # in this process for the steps of its run).
    for name in ("WM_FLOW_JOB_ID", "WM_ROOT_FLOW_JOB_ID"):
        monkeypatch.delenv(name, raising=False)
    return root
