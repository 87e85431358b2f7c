"""Where the per-VM configs, their GC roots and the nixos-flake library live on a worker.

Layout under ``$WORKERS_DIR/$WORKER_INDEX/nix/``::

    <vm_name>/            the per-VM flake (flake.nix, default.nix, flake.lock)
    .gcroots/<vm_name>    the out-link of the last good build, a GC root

The GC root sits outside the flake directory on purpose: ``path:`` flakes copy
the whole directory, so a link inside it would change the flake's source on
every build and defeat nix's evaluation cache.
"""

import os
import re
from pathlib import Path

from f.nix.common.errors import FlowInputError

# Paths end up inside "path:" flake references, where "?", "#", "%" and
# blanks change the meaning; refusing them is clearer than quoting rules.
_FLAKE_SAFE_PATH = re.compile(r"/[A-Za-z0-9._+/@=,-]*")
_GC_ROOTS = ".gcroots"


def check_flake_safe_path(path: Path, what: str) -> Path:
    text = str(path)
    if not path.is_absolute() or _FLAKE_SAFE_PATH.fullmatch(text) is None:
        raise FlowInputError(
            f"{what}: {text!r} cannot be used in a path: flake reference; it must be an "
            "absolute path made of letters, digits and . _ + / @ = , -"
        )
    return path


def nix_root() -> Path:
    """``$WORKERS_DIR/$WORKER_INDEX/nix``, checked but not created."""
    workers_dir = os.environ.get("WORKERS_DIR", "")
    if not workers_dir:
        raise FlowInputError(
            "WORKERS_DIR is not set: set it on the worker to an absolute directory "
            "that holds the per-VM configs (for example /var/lib/windmill/workers)"
        )
    root = Path(workers_dir)
    if not root.is_absolute():
        raise FlowInputError(
            f"WORKERS_DIR: {workers_dir!r} is relative; it must be an absolute path "
            "(path: flake references do not expand relative paths or ~)"
        )
    worker_index = os.environ.get("WORKER_INDEX", "0")
    if not worker_index.isdigit():
        raise FlowInputError(
            f"WORKER_INDEX: {worker_index!r} is not allowed; it must be a "
            "non-negative whole number (unset means 0)"
        )
    return check_flake_safe_path(Path(os.path.normpath(root)) / worker_index / "nix", "WORKERS_DIR")


def config_dir_for(vm_name: str) -> Path:
    """The per-VM flake directory; never outside :func:`nix_root`."""
    root = nix_root()
    config_dir = root / vm_name
    if config_dir.parent != root or vm_name in {"", ".", ".."}:
        raise FlowInputError(f"vm_name: {vm_name!r} does not name a directory under {root}")
    return config_dir


def ensure_nix_root(config_dir: Path) -> None:
    """Create the directory that holds the VM's config, saying what is wrong if it cannot be."""
    try:
        config_dir.parent.mkdir(parents=True, exist_ok=True)
        probe = config_dir.parent / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise FlowInputError(
            f"WORKERS_DIR: cannot write under {config_dir.parent} ({error.strerror}); set "
            "WORKERS_DIR to a directory this worker can create and write"
        ) from None


def gc_root_for(config_dir: Path) -> Path:
    return config_dir.parent / _GC_ROOTS / config_dir.name


def existing_config_dir(config_dir: str) -> Path:
    """A config directory handed to the lock or build step, checked."""
    path = Path(config_dir)
    check_flake_safe_path(path, "config_dir")
    path = Path(os.path.normpath(path))
    if not (path / "flake.nix").is_file():
        raise FlowInputError(
            f"config_dir: {config_dir!r} holds no flake.nix; pass the config_dir "
            "that render_config returned"
        )
    return path


def library_dir() -> Path:
    """The nixos-flake library: ``$NIXOS_FLAKE_DIR``, else this repository's vendored copy."""
    configured = os.environ.get("NIXOS_FLAKE_DIR", "")
    if configured:
        path, source = Path(configured), "NIXOS_FLAKE_DIR"
    else:
        path = Path(__file__).resolve().parents[3] / "vendor" / "nixos-flake"
        source = "the vendored library (NIXOS_FLAKE_DIR is unset)"
    if not path.is_absolute():
        raise FlowInputError(f"NIXOS_FLAKE_DIR: {configured!r} must be an absolute path")
    if not (path / "flake.nix").is_file():
        raise FlowInputError(
            f"nixos-flake library not found: {path} ({source}) has no flake.nix; "
            "set NIXOS_FLAKE_DIR to the vendor/nixos-flake directory of this repository"
        )
    return check_flake_safe_path(Path(os.path.normpath(path)), "NIXOS_FLAKE_DIR")
