"""dev/lib/nixpkgs-trees unpacks the shared tarballs once and says which tree is which."""

import os
import subprocess
import tarfile
from pathlib import Path

from tests.support import REPOSITORY

SCRIPT = REPOSITORY / "dev" / "lib" / "nixpkgs-trees"
SUPPORTED_REV = "fd1462031fdee08f65fd0b4c6b64e22239a77870"
NEXT_REV = "241313f4e8e508cb9b13278c2b0fa25b9ca27163"


def tarball(directory: Path, name: str, release: str) -> Path:
    """A tarball holding nixpkgs/lib/.version, as the shared ones are laid out."""
    tree = directory / "src" / name / "nixpkgs"
    (tree / "lib").mkdir(parents=True)
    (tree / "lib" / ".version").write_text(f"{release}\n")
    path = directory / f"{name}.tar.xz"
    with tarfile.open(path, "w:xz") as archive:
        archive.add(tree, arcname="nixpkgs")
    return path


def shared(tmp_path: Path, readme: bool = True) -> Path:
    folder = tmp_path / "shared-nixpkgs"
    folder.mkdir()
    tarball(folder, "nixos-26.05-fd146203", "26.05")
    tarball(folder, "nixos-unstable-241313f4", "26.11")
    if readme:
        (folder / "README.md").write_text(
            f"| `nixos-26.05-fd146203.tar.xz` | `{SUPPORTED_REV}` |\n"
            f"| `nixos-unstable-241313f4.tar.xz` | `{NEXT_REV}` |\n"
        )
    return folder


def run(folder: Path, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT)],
        env={**os.environ, "SHARED_NIXPKGS": str(folder), "TREE_CACHE": str(cache)},
        capture_output=True,
        text=True,
    )


def test_the_supported_release_and_the_early_warning_with_their_commits(tmp_path):
    cache = tmp_path / "cache"
    completed = run(shared(tmp_path), cache)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [
        f"NIXPKGS={cache}/nixos-26.05-fd146203",
        f"NIXPKGS_REVISION={SUPPORTED_REV}",
        f"NIXPKGS_NEXT={cache}/nixos-unstable-241313f4",
        f"NIXPKGS_NEXT_REVISION={NEXT_REV}",
    ]
    assert (cache / "nixos-26.05-fd146203" / "lib" / ".version").read_text() == "26.05\n"
    assert "unpacked" in completed.stderr


def test_a_second_run_unpacks_nothing_and_a_half_unpacked_tree_is_redone(tmp_path):
    folder, cache = shared(tmp_path), tmp_path / "cache"
    first = run(folder, cache)
    assert first.returncode == 0, first.stderr
    again = run(folder, cache)
    assert (again.stdout, again.stderr) == (first.stdout, "")
    # An unpack killed half way: only the .partial is left, never used, and redone.
    tree = cache / "nixos-unstable-241313f4"
    tree.rename(cache / "nixos-unstable-241313f4.partial")
    (cache / "nixos-unstable-241313f4.partial" / "lib" / ".version").unlink()
    third = run(folder, cache)
    assert third.stdout == first.stdout
    assert (tree / "lib" / ".version").read_text() == "26.11\n"
    assert not (cache / "nixos-unstable-241313f4.partial").exists()


def test_without_a_readme_no_commit_is_claimed(tmp_path):
    completed = run(shared(tmp_path, readme=False), tmp_path / "cache")
    assert [line.split("=")[0] for line in completed.stdout.splitlines()] == [
        "NIXPKGS",
        "NIXPKGS_NEXT",
    ]


def test_no_tarball_prints_nothing_and_says_why(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    completed = run(empty, tmp_path / "cache")
    assert (completed.returncode, completed.stdout) == (0, "")
    assert "no nixos-26.05-*.tar.xz" in completed.stderr
    assert "NIXPKGS stays unset" in completed.stderr


def test_a_broken_tarball_fails_and_leaves_no_tree(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "nixos-26.05-fd146203.tar.xz").write_bytes(b"not xz")
    completed = run(folder, tmp_path / "cache")
    assert completed.returncode == 1
    assert "unpacking" in completed.stderr
    assert not (tmp_path / "cache" / "nixos-26.05-fd146203").exists()
