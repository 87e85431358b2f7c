"""Where the nixos-flake library is found on a worker."""

import os
import shutil
import subprocess
import sys

import pytest

from f.nix.build import render_config
from f.nix.common.errors import LibraryError
from f.nix.common.library import library_dir
from tests.support import LIBRARY, REPOSITORY, flow_inputs, localflow_argv


def test_library_from_nixos_flake_dir(workers_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(LibraryError, match="nixos-flake library not found"):
        render_config.main(vm_name="x")
    library = tmp_path / "lib"
    (library / "templates").mkdir(parents=True)
    (library / "flake.nix").write_text("{ outputs = _: { }; }")
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(library))
    with pytest.raises(LibraryError, match="template missing"):
        render_config.main(vm_name="x")


def test_the_library_is_found_where_kdevops_ng_keeps_it(tmp_path, monkeypatch):

    vendor = tmp_path / "vendor"
    shutil.copytree(LIBRARY, vendor / "nixos-flake")
    monkeypatch.delenv("NIXOS_FLAKE_DIR", raising=False)
    monkeypatch.setenv("VENDOR_DIR", str(vendor))
    assert library_dir() == vendor / "nixos-flake"
    # NIXOS_FLAKE_DIR still wins.
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(LIBRARY))
    assert library_dir() == LIBRARY


def test_in_a_windmill_job_a_missing_library_names_whitelist_envs(tmp_path, monkeypatch):

    monkeypatch.setenv("WM_JOB_ID", "job-1")
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(LibraryError, match=r"library not found.*WHITELIST_ENVS"):
        library_dir()


def test_without_either_variable_the_error_says_to_set_nixos_flake_dir(monkeypatch):
    # No fallback beside the scripts: on a worker they are copies in the job's directory.
    monkeypatch.delenv("NIXOS_FLAKE_DIR", raising=False)
    monkeypatch.delenv("WM_JOB_ID", raising=False)
    with pytest.raises(LibraryError, match=r"^NIXOS_FLAKE_DIR is not set \(nor VENDOR_DIR\): set"):
        library_dir()


def test_the_local_runner_names_this_repositorys_library(workers_dir, tmp_path):
    # A PATH with Python and no nix: render_config must get past the library to
    # reach lock_config, which stops at the missing nix.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    env = {name: value for name, value in os.environ.items() if name != "NIXOS_FLAKE_DIR"}
    completed = subprocess.run(
        localflow_argv(flow_inputs(vm_name="local", test_suites=[])),
        cwd=REPOSITORY,
        env={**env, "PATH": str(bin_dir)},
        capture_output=True,
        text=True,
    )
    assert "=== step lock" in completed.stderr and "nix not found" in completed.stderr, (
        completed.stderr
    )
