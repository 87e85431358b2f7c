# py311
# requirements:
"""Where the nixos-flake library is on this worker, and that it is this flow's.

Only the worker's environment says where: a Windmill job runs these scripts
from copies its loader fetched into the job's directory (modules that do
not know their file), far from any checkout of this repository. Local runners
(localflow, dev/demo, the tests) set ``NIXOS_FLAKE_DIR`` to the repository's
``vendor/nixos-flake`` themselves.

The flow uses no library but its own: the library declares, in
``flow-contract.json`` (its ``contract.nix`` exported), the contract it keeps
with this flow and its version,
and a library that does not (upstream kdevops-ng's own, at
``$VENDOR_DIR/nixos-flake``, has no kunit or usertests suites, no kernel
stand-in, no bootspec extensions) is refused before nix runs.
"""

import os
from pathlib import Path

from f.nix.common.atomic_files import read_json_object
from f.nix.common.errors import LibraryError
from f.nix.common.flake_ref import check_flake_safe_path
from f.nix.common.library_contract import CONTRACT
from f.nix.common.library_contract import VERSION as CONTRACT_VERSION
from f.nix.common.windmill_env import in_windmill_job_hint, worker_variable

# The library's contract.nix, exported by dev/generate-contract.
CONTRACT_FILE = "flow-contract.json"
WHAT_TO_SET = (
    "set NIXOS_FLAKE_DIR to the absolute path of a copy of this repository's "
    "vendor/nixos-flake on the worker"
)


def contract_problem(path: Path) -> str | None:
    """What is at ``path`` when it is not a library of this flow's contract; None when it is."""
    if not path.is_dir():
        return "no such directory" if not path.exists() else "not a directory"
    if not (path / "flake.nix").is_file():
        return "a directory without flake.nix"
    declared = read_json_object(path / CONTRACT_FILE)
    if not declared:
        return (
            f"a flake without {CONTRACT_FILE}: another nixos-flake library than this flow's "
            "(upstream kdevops-ng keeps its own at $VENDOR_DIR/nixos-flake)"
        )
    if declared.get("contract") != CONTRACT:
        return (
            f"a flake whose {CONTRACT_FILE} names the contract {declared.get('contract')!r}, "
            f"not {CONTRACT!r}"
        )
    version = declared.get("version")
    if type(version) is not int or version != CONTRACT_VERSION:
        return (
            f"this flow's library at contract version {version!r}, where this flow needs "
            f"version {CONTRACT_VERSION}: install the flow and the library from the same "
            "commit of this repository"
        )
    return None


def _checked(path: Path, source: str) -> Path:
    if not path.is_absolute():
        raise LibraryError(f"{source}: {str(path)!r} must be an absolute path")
    return check_flake_safe_path(Path(os.path.normpath(path)), source)


def library_dir() -> Path:
    """The library on this worker: ``$NIXOS_FLAKE_DIR``, else ``$VENDOR_DIR/nixos-flake``.

    ``$VENDOR_DIR/nixos-flake`` only when it keeps this flow's contract; on
    upstream kdevops-ng's workers it is their own library, and refused.
    """
    configured = worker_variable("NIXOS_FLAKE_DIR")
    if configured:
        path = _checked(Path(configured), "NIXOS_FLAKE_DIR")
        problem = contract_problem(path)
        if problem is not None:
            raise LibraryError(
                f"NIXOS_FLAKE_DIR: {path} is not a nixos-flake library this flow can use; "
                f"found {problem}. {WHAT_TO_SET[0].upper()}{WHAT_TO_SET[1:]}"
            )
        return path
    vendor = worker_variable("VENDOR_DIR")
    if vendor:
        path = _checked(Path(vendor) / "nixos-flake", "VENDOR_DIR")
        problem = contract_problem(path)
        if problem is None:
            return path
        raise LibraryError(
            f"NIXOS_FLAKE_DIR is not set, and $VENDOR_DIR/nixos-flake ({path}) is not a library "
            f"this flow can use; found {problem}. {WHAT_TO_SET[0].upper()}{WHAT_TO_SET[1:]}"
            + in_windmill_job_hint("NIXOS_FLAKE_DIR")
        )
    raise LibraryError(
        f"NIXOS_FLAKE_DIR is not set (nor VENDOR_DIR): {WHAT_TO_SET}"
        + in_windmill_job_hint("NIXOS_FLAKE_DIR")
    )
