"""Where the nixos-flake library is on this worker."""

import os
from pathlib import Path

from f.nix.common.errors import FlowInputError
from f.nix.common.flake_ref import check_flake_safe_path


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
