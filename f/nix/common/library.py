# py311
# requirements:
"""Where the nixos-flake library is on this worker.

Only the worker's environment says where: a Windmill job runs these scripts
from copies its loader fetched into the job's directory (modules that do
not know their file), far from any checkout of this repository. Local runners
(localflow, dev/demo, the tests) set ``NIXOS_FLAKE_DIR`` to the repository's
``vendor/nixos-flake`` themselves.
"""

import os
from pathlib import Path

from f.nix.common.errors import LibraryError
from f.nix.common.flake_ref import check_flake_safe_path
from f.nix.common.windmill_env import in_windmill_job_hint, worker_variable

WHAT_TO_SET = (
    "set NIXOS_FLAKE_DIR to the absolute path of a copy of this repository's "
    "vendor/nixos-flake on the worker"
)


def _location() -> tuple[Path, str]:
    """Where to look, and the variable that said so."""
    configured = worker_variable("NIXOS_FLAKE_DIR")
    if configured:
        return Path(configured), "NIXOS_FLAKE_DIR"
    # Upstream kdevops-ng's workers keep their vendored trees under VENDOR_DIR.
    vendor = worker_variable("VENDOR_DIR")
    if vendor:
        return Path(vendor) / "nixos-flake", "VENDOR_DIR"
    raise LibraryError(
        f"NIXOS_FLAKE_DIR is not set (nor VENDOR_DIR): {WHAT_TO_SET}"
        + in_windmill_job_hint("NIXOS_FLAKE_DIR")
    )


def library_dir() -> Path:
    """The library on this worker: ``$NIXOS_FLAKE_DIR``, else ``$VENDOR_DIR/nixos-flake``."""
    path, source = _location()
    if not path.is_absolute():
        raise LibraryError(f"{source}: {str(path)!r} must be an absolute path")
    if not (path / "flake.nix").is_file():
        raise LibraryError(
            f"nixos-flake library not found: {path} ({source}) has no flake.nix; {WHAT_TO_SET}"
            + in_windmill_job_hint("NIXOS_FLAKE_DIR")
        )
    return check_flake_safe_path(Path(os.path.normpath(path)), source)
