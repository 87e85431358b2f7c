"""The lock step refuses a nixpkgs older than the library supports, before nix evaluates it."""

import json
import shutil
from pathlib import Path

import pytest

from f.nix.build import build_closure, lock_config, render_config
from f.nix.common.errors import FlowInputError, LibraryError, NixNotFoundError
from f.nix.common.flake_lock import NIXPKGS_INPUT, pinned, read_lock
from f.nix.common.nix_command import NixVersion
from f.nix.common.nixpkgs_release import (
    check_pinned_release,
    older_than,
    oldest_supported,
    release_of,
    source_store_path,
)
from tests.support import LIBRARY, STUB_NIXPKGS, nix

needs_nix = pytest.mark.nix


@pytest.fixture
def current_nix(monkeypatch):
    """The lock step sees a current nix; the one here may be older (Debian 12's 2.8)."""
    monkeypatch.setattr(lock_config, "nix_version", lambda: NixVersion(2, 26, 3))


def stub_release(directory: Path, version: str | None) -> str:
    """The stub nixpkgs in ``directory``, declaring ``version`` in lib/.version like nixpkgs."""
    shutil.copytree(STUB_NIXPKGS, directory)
    if version is not None:
        (directory / "lib").mkdir()
        (directory / "lib" / ".version").write_text(f"{version}\n")
    return f"path:{directory}"


def test_the_library_names_the_oldest_release_it_supports():
    assert oldest_supported(LIBRARY) == "26.05"


def test_a_library_without_a_readable_support_file_is_refused(tmp_path):
    (tmp_path / "nixpkgs-support.json").write_text(json.dumps({"oldestRelease": "latest"}))
    with pytest.raises(LibraryError, match="oldestRelease"):
        oldest_supported(tmp_path)


@pytest.mark.parametrize(
    ("text", "release"),
    [("26.05\n", "26.05"), ("26.11pre-git", "26.11"), ("", None), ("unstable", None)],
)
def test_release_of_a_tree(tmp_path, text, release):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / ".version").write_text(text)
    assert release_of(tmp_path) == release


@pytest.mark.parametrize(
    ("release", "older"),
    [("24.05", True), ("25.11", True), ("26.05", False), ("26.11", False), ("100.01", False)],
)
def test_releases_compare_by_year_then_month(release, older):
    assert older_than(release, "26.05") is older


def test_release_of_a_tree_without_lib_version(tmp_path):
    assert release_of(tmp_path) is None


@needs_nix
def test_the_store_path_of_a_locked_input_is_where_nix_puts_it(tmp_path):
    tree = tmp_path / "tree"
    (tree / "lib").mkdir(parents=True)
    (tree / "lib" / ".version").write_text("26.05\n")
    added = nix("store", "add-path", "--name", "source", str(tree))
    assert added.returncode == 0, added.stderr
    info = nix("path-info", "--json", added.stdout.strip())
    assert info.returncode == 0, info.stderr
    parsed = json.loads(info.stdout)
    # Nix 2.8 answers a list of objects, Nix 2.19 and later an object by path.
    (nar_hash,) = (
        [entry["narHash"] for entry in parsed]
        if isinstance(parsed, list)
        else [entry["narHash"] for entry in parsed.values()]
    )
    assert nar_hash.startswith("sha256-")  # base64 in both
    assert str(source_store_path(nar_hash)) == added.stdout.strip()


def never_asked() -> NixVersion:
    raise AssertionError("nix --version asked for a tree whose release is unknown")


def test_an_input_that_is_not_in_the_store_is_left_to_the_library():
    locked = {"type": "github", "narHash": "sha256-" + "A" * 43 + "="}
    assert check_pinned_release(locked, LIBRARY, never_asked) is None
    assert check_pinned_release({}, LIBRARY, never_asked) is None


@needs_nix
def test_an_older_nixpkgs_is_refused_and_the_last_good_lock_stays(
    workers_dir, tmp_path, current_nix
):
    config_dir = render_config.main(vm_name="old", test_suites=[])["config_dir"]
    current = stub_release(tmp_path / "nixpkgs-26.05", "26.05")
    locked = lock_config.main(config_dir, nixpkgs=current)
    good_lock = Path(locked["flake_lock"]).read_text()
    assert locked["inputs"][NIXPKGS_INPUT]["path"] == str(tmp_path / "nixpkgs-26.05")

    older = stub_release(tmp_path / "nixpkgs-24.05", "24.05")
    with pytest.raises(FlowInputError) as caught:
        lock_config.main(config_dir, nixpkgs=older)
    message = str(caught.value)
    assert message.startswith("lock.nixpkgs: ")
    assert str(tmp_path / "nixpkgs-24.05") in message
    assert "nixpkgs 24.05" in message and "26.05 or newer" in message
    # Nothing evaluated, nothing lost: the last good lock is the VM's lock.
    assert Path(locked["flake_lock"]).read_text() == good_lock
    assert build_closure.main(config_dir)["toplevel"].startswith("/nix/store/")


@needs_nix
def test_a_nix_too_old_for_the_pinned_release_is_refused(workers_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(lock_config, "nix_version", lambda: NixVersion(2, 8, 0))
    config_dir = render_config.main(vm_name="oldnix", test_suites=[])["config_dir"]
    with pytest.raises(NixNotFoundError) as caught:
        lock_config.main(config_dir, nixpkgs=stub_release(tmp_path / "nixpkgs", "26.05"))
    assert "nix 2.8.0 cannot evaluate nixpkgs 26.05" in str(caught.value)
    assert "2.18.0 or newer" in str(caught.value)
    assert not Path(config_dir, "flake.lock").exists()


@needs_nix
def test_a_nixpkgs_that_declares_no_release_is_locked(workers_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(lock_config, "nix_version", never_asked)
    config_dir = render_config.main(vm_name="norelease", test_suites=[])["config_dir"]
    lock_config.main(config_dir, nixpkgs=stub_release(tmp_path / "nixpkgs", None))
    lock = read_lock(Path(config_dir).resolve())
    assert pinned(lock)[NIXPKGS_INPUT]["path"] == str(tmp_path / "nixpkgs")
