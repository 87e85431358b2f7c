"""Where the nixos-flake library is found on a worker."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from f.nix.build import render_config
from f.nix.common.errors import LibraryError
from f.nix.common.library import (
    CONTRACT,
    CONTRACT_FILE,
    CONTRACT_VERSION,
    contract_problem,
    library_dir,
)
from f.nix.common.nixpkgs_release import oldest_supported
from tests.support import LIBRARY, REPOSITORY, flow_inputs, localflow_argv


def our_library_without_its_template(tmp_path: Path) -> Path:
    library = tmp_path / "lib"
    (library / "templates").mkdir(parents=True)
    (library / "flake.nix").write_text("{ outputs = _: { }; }")
    shutil.copy(LIBRARY / CONTRACT_FILE, library / CONTRACT_FILE)
    return library


def kdevops_ng_library(vendor: Path) -> Path:
    """A stand-in for upstream kdevops-ng's own library: a nixos-flake, not ours."""
    library = vendor / "nixos-flake"
    shutil.copytree(LIBRARY, library)
    (library / CONTRACT_FILE).unlink()
    return library


def test_library_from_nixos_flake_dir(workers_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(LibraryError, match=r"^NIXOS_FLAKE_DIR: .* found no such directory"):
        render_config.main(vm_name="x")
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(our_library_without_its_template(tmp_path)))
    with pytest.raises(LibraryError, match="template missing"):
        render_config.main(vm_name="x")


def test_the_vendored_library_keeps_the_flows_contract():
    assert contract_problem(LIBRARY) is None
    # Written out: the flow's CONTRACT and CONTRACT_VERSION are exported from the same
    # contract.nix as this file, so comparing the two would hold whatever it said.
    declared = json.loads((LIBRARY / "flow-contract.json").read_text())
    assert (declared["contract"], declared["version"]) == ("nix-build-flow", 3)
    # nixpkgs-support.json keeps its one key for its readers (the flow and the library's nix).
    assert oldest_supported(LIBRARY) == "26.05"


def test_the_library_is_found_where_kdevops_ng_keeps_it_when_it_is_ours(tmp_path, monkeypatch):
    vendor = tmp_path / "vendor"
    shutil.copytree(LIBRARY, vendor / "nixos-flake")
    monkeypatch.delenv("NIXOS_FLAKE_DIR", raising=False)
    monkeypatch.setenv("VENDOR_DIR", str(vendor))
    assert library_dir() == vendor / "nixos-flake"
    # NIXOS_FLAKE_DIR still wins.
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(LIBRARY))
    assert library_dir() == LIBRARY


def test_kdevops_ngs_own_library_is_never_used(workers_dir, tmp_path, monkeypatch):
    # A kdevops-ng worker as shipped: VENDOR_DIR listed and set, no NIXOS_FLAKE_DIR.
    library = kdevops_ng_library(tmp_path / "vendor")
    monkeypatch.setenv("WM_JOB_ID", "job-1")
    monkeypatch.delenv("NIXOS_FLAKE_DIR", raising=False)
    monkeypatch.setenv("VENDOR_DIR", str(tmp_path / "vendor"))
    with pytest.raises(LibraryError) as refused:
        render_config.main(vm_name="x", test_suites=[])
    message = str(refused.value)
    assert message.startswith(
        f"NIXOS_FLAKE_DIR is not set, and $VENDOR_DIR/nixos-flake ({library})"
    )
    assert f"found a flake without {CONTRACT_FILE}" in message
    assert "Set NIXOS_FLAKE_DIR to" in message and "WHITELIST_ENVS" in message
    assert not any(workers_dir.iterdir()), "refused before anything was written"
    # Named in NIXOS_FLAKE_DIR, it is refused as well.
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(library))
    with pytest.raises(
        LibraryError, match=rf"^NIXOS_FLAKE_DIR: {library} is not .* {CONTRACT_FILE}"
    ):
        library_dir()


@pytest.mark.parametrize(
    ("declared", "found"),
    [
        (
            {"contract": CONTRACT, "version": CONTRACT_VERSION + 1},
            f"at contract version {CONTRACT_VERSION + 1}",
        ),
        ({"contract": CONTRACT, "version": "1"}, "at contract version '1'"),
        ({"contract": CONTRACT, "version": True}, "at contract version True"),
        ({"contract": "kdevops-ng", "version": 1}, "names the contract 'kdevops-ng'"),
        ([CONTRACT, CONTRACT_VERSION], f"a flake without {CONTRACT_FILE}"),
    ],
)
def test_a_library_of_another_contract_is_refused(tmp_path, monkeypatch, declared, found):
    library = our_library_without_its_template(tmp_path)
    (library / CONTRACT_FILE).write_text(json.dumps(declared))
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(library))
    with pytest.raises(LibraryError, match=rf"NIXOS_FLAKE_DIR: .*found .*{re.escape(found)}"):
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
