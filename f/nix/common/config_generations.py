"""Per-VM configs as immutable generations behind one symlink.

``nix/<vm>`` is a symlink to ``nix/.generations/<vm>/<id>/``. A step that
changes the config (render, lock) fills a new generation and then swaps the
symlink in one rename, so a run killed at any point leaves the previous
flake.nix, default.nix and flake.lock in place, together.

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

CONFIG_FILES = ("flake.nix", "default.nix", "flake.lock")
GENERATIONS = ".generations"
KEEP_GENERATIONS = 3


def generations_dir(config_dir: Path) -> Path:
    return config_dir.parent / GENERATIONS / config_dir.name


def current_generation(config_dir: Path) -> Path | None:
    """The directory nix should read, or None before the first render."""
    if config_dir.is_symlink():
        target = config_dir.resolve()
        return target if target.is_dir() else None
    if config_dir.is_dir():  # made before generations existed
        return config_dir
    return None


def _adopt_plain_directory(config_dir: Path) -> None:
    """Turn a pre-generations config directory into the first generation."""
    first = generations_dir(config_dir) / "g0"
    first.parent.mkdir(parents=True, exist_ok=True)
    os.replace(config_dir, first)
    _point(config_dir, first)


def _point(config_dir: Path, generation: Path) -> None:
    link = config_dir.with_name(f".{config_dir.name}.link")
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(generation, config_dir.parent))
    os.replace(link, config_dir)
    fsync_dir(config_dir.parent)


def _prune(config_dir: Path, keep: Path) -> None:
    generations = sorted(
        (p for p in generations_dir(config_dir).iterdir() if p.is_dir() and p != keep),
        key=lambda p: p.stat().st_mtime_ns,
    )
    for old in generations[: max(0, len(generations) - (KEEP_GENERATIONS - 1))]:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def new_generation(config_dir: Path) -> Iterator[Path]:
    """A copy of the current generation to change; published when the block succeeds.

    Nothing is published if the block raises; the copy is removed.
    """
    if config_dir.is_dir() and not config_dir.is_symlink():
        _adopt_plain_directory(config_dir)
    base = current_generation(config_dir)
    parent = generations_dir(config_dir)
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f"g{time.time_ns()}-{os.getpid()}"
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
    _point(config_dir, staging)
    _prune(config_dir, keep=staging)


def _same_files(first: Path, second: Path) -> bool:
    def contents(directory: Path) -> dict[str, bytes]:
        return {n: (directory / n).read_bytes() for n in CONFIG_FILES if (directory / n).is_file()}

    return contents(first) == contents(second)
