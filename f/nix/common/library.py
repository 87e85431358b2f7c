"""Where the nixos-flake library is on this worker."""

import os
from pathlib import Path

from f.nix.common.errors import LibraryError
from f.nix.common.flake_ref import check_flake_safe_path
from f.nix.common.windmill_env import in_windmill_job_hint, worker_variable


def _location() -> tuple[Path, str]:
    """Where to look, and the variable (or fallback) that said so."""
    configured = worker_variable("NIXOS_FLAKE_DIR")
    if configured:
        return Path(configured), "NIXOS_FLAKE_DIR"
    # Upstream kdevops-ng's workers keep their vendored trees under VENDOR_DIR.
    vendor = worker_variable("VENDOR_DIR")
    if vendor:
        return Path(vendor) / "nixos-flake", "VENDOR_DIR"
    # Beside these scripts in a checkout of this repository; a Windmill job
    # runs them from a job directory, where it is not.
    vendored = Path(__file__).resolve().parents[3] / "vendor" / "nixos-flake"
    return vendored, "the vendored library"


def library_dir() -> Path:
    """The nixos-flake library on this worker.

    ``$NIXOS_FLAKE_DIR``, else ``$VENDOR_DIR/nixos-flake``, else the copy
    vendored beside these scripts.
    """
    path, source = _location()
    if not path.is_absolute():
        raise LibraryError(f"{source}: {str(path)!r} must be an absolute path")
    if not (path / "flake.nix").is_file():
        raise LibraryError(
            f"nixos-flake library not found: {path} ({source}) has no flake.nix; set "
            "NIXOS_FLAKE_DIR to a copy of this repository's vendor/nixos-flake on the worker"
            + in_windmill_job_hint("NIXOS_FLAKE_DIR")
        )
    return check_flake_safe_path(Path(os.path.normpath(path)), source)
