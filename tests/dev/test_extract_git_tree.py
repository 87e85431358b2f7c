"""dev/extract-git-tree writes one directory of a commit, and lists the blobs a clone lacks."""

import subprocess
import sys
from pathlib import Path

from tests.support import REPOSITORY

SCRIPT = REPOSITORY / "dev" / "extract-git-tree"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_subdirectory_with_modes_links_and_a_missing_blob(tmp_path):
    repo = tmp_path / "repo"
    tree = repo / "nixpkgs"
    (tree / "lib").mkdir(parents=True)
    (tree / "lib" / ".version").write_text("24.05\n")
    (tree / "run.sh").write_text("#!/bin/sh\n")
    (tree / "run.sh").chmod(0o755)
    (tree / "link").symlink_to("lib/.version")
    (tree / "big.nix").write_text("{ }\n# large\n")
    (repo / "outside").write_text("not extracted\n")
    git(repo.parent, "init", "-q", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "tree")
    commit = git(repo, "rev-parse", "HEAD")
    # What a partial clone lacks: the object is simply not there.
    blob = git(repo, "rev-parse", "HEAD:nixpkgs/big.nix")
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()

    dest = tmp_path / "out"
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), str(repo / ".git"), commit, "nixpkgs", str(dest)],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    assert "wrote 3 of 4 files" in completed.stdout
    assert "missing from the clone: big.nix" in completed.stdout
    assert (dest / "lib" / ".version").read_text() == "24.05\n"
    assert (dest / "run.sh").stat().st_mode & 0o111
    assert (dest / "link").is_symlink() and (dest / "link").read_text() == "24.05\n"
    assert not (dest / "big.nix").exists() and not (dest / "outside").exists()


def test_a_non_empty_destination_is_refused(tmp_path):
    (tmp_path / "dest").mkdir()
    (tmp_path / "dest" / "keep").write_text("mine")
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path), "HEAD", "x", str(tmp_path / "dest")],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 2 and "not empty" in completed.stderr
    assert (tmp_path / "dest" / "keep").read_text() == "mine"
