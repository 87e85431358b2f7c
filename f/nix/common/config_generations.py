# py311
# requirements:
"""Per-VM configs as immutable generations behind one symlink.

The VM's link (``Workspace.config_dir``) points to one generation directory
(``Workspace.generations/<id>``). A step that changes the config (render,
lock) fills a new generation and then swaps the link in one rename, so a run
killed at any point leaves the previous flake.nix, default.nix and
flake.lock in place, together.

nix is always given the generation directory itself: Nix 2.8 copies a
symlinked ``path:`` flake as a bare symlink.
"""

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from f.nix.common.atomic_files import fsync_dir, write_text_atomic
from f.nix.common.workspace import Workspace

CONFIG_FILES = ("flake.nix", "default.nix", "flake.lock")
KEEP_GENERATIONS = 3


def _point(workspace: Workspace, generation: Path) -> None:
    link = workspace.config_dir
    staged = link.with_name(f".{link.name}.link")
    staged.unlink(missing_ok=True)
    staged.symlink_to(os.path.relpath(generation, link.parent))
    os.replace(staged, link)
    fsync_dir(link.parent)


def _prune(workspace: Workspace, keep: Path) -> None:
    generations = sorted(
        (p for p in workspace.generations.iterdir() if p.is_dir() and p != keep),
        key=lambda p: p.stat().st_mtime_ns,
    )
    for old in generations[: max(0, len(generations) - (KEEP_GENERATIONS - 1))]:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def new_generation(workspace: Workspace) -> Iterator[Path]:
    """A copy of the current generation to change; published when the block succeeds.

    Nothing is published if the block raises; the copy is removed.
    """
    base = workspace.generation()
    workspace.generations.mkdir(parents=True, exist_ok=True)
    staging = workspace.generations / f"g{time.time_ns()}-{os.getpid()}"
    staging.mkdir()
    try:
        for name in CONFIG_FILES:
            if base is not None and (base / name).is_file():
                write_text_atomic(staging / name, (base / name).read_text(encoding="utf-8"))
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if base is not None and _same_files(base, staging):
        shutil.rmtree(staging, ignore_errors=True)
        return
    fsync_dir(staging)
    _point(workspace, staging)
    _prune(workspace, keep=staging)


def _same_files(first: Path, second: Path) -> bool:
    def contents(directory: Path) -> dict[str, bytes]:
        return {n: (directory / n).read_bytes() for n in CONFIG_FILES if (directory / n).is_file()}

    return contents(first) == contents(second)
