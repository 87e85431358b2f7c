# py311
# requirements:
# annotated-types==0.7.0
# pydantic==2.13.4
# pydantic-core==2.46.4
# typing-extensions==4.16.0
# typing-inspection==0.4.2
"""Reading a flake.lock: which inputs it pins, and to what."""

import json
import re
from pathlib import Path

from f.nix.common.atomic_files import read_json_object
from f.nix.common.errors import NixCommandError, StalePinError
from f.nix.common.vm_config import SOURCE_INPUT_SUFFIX

# The per-VM flake's inputs: the library, and nixpkgs through it.
LIBRARY_INPUT = "nixos-flake"
NIXPKGS_INPUT = "nixos-flake/nixpkgs"

# What a report says about each pinned input.
LOCKED_FIELDS = ("type", "path", "url", "owner", "repo", "rev", "ref", "narHash", "lastModified")


def flake_url(locked: dict) -> str:
    """A locked input as the flake reference that fetches exactly it."""
    kind = locked.get("type")
    if kind in ("github", "gitlab", "sourcehut"):
        return f"{kind}:{locked['owner']}/{locked['repo']}/{locked.get('rev', '')}".rstrip("/")
    if kind == "path":
        return f"path:{locked['path']}"
    if kind == "git":
        rev = f"?rev={locked['rev']}" if "rev" in locked else ""
        return f"git+{locked['url']}{rev}"
    return str(locked.get("url", kind or ""))


def read_lock(directory: Path | None) -> dict:
    return {} if directory is None else read_json_object(directory / "flake.lock")


def root_inputs(lock: dict) -> dict[str, str | list[str]]:
    nodes = lock.get("nodes", {})
    return nodes.get(lock.get("root", "root"), {}).get("inputs", {})


def source_inputs(lock: dict) -> list[str]:
    """The ``<pkg>-src`` inputs the lock pins (the flow's source overrides)."""
    return sorted(name for name in root_inputs(lock) if name.endswith(SOURCE_INPUT_SUFFIX))


def pinned(lock: dict) -> dict[str, dict]:
    """Each locked node by input path (``nixos-flake/nixpkgs`` style), for reports."""
    nodes = lock.get("nodes", {})
    result: dict[str, dict] = {}

    def visit(node_name: str, prefix: str, depth: int) -> None:
        if depth > 8:
            return
        for name, target in nodes.get(node_name, {}).get("inputs", {}).items():
            if isinstance(target, list):  # a "follows"; reported where it points
                continue
            locked = nodes.get(target, {}).get("locked", {})
            path = f"{prefix}{name}"
            result[path] = {key: locked[key] for key in LOCKED_FIELDS if key in locked}
            visit(target, f"{path}/", depth + 1)

    visit(lock.get("root", "root"), "", 0)
    return result


# How nix says that an input's content is not what flake.lock pins, Nix 2.8's way
# (still used by later versions when they compare hashes, not the input's attributes):
#   NAR hash mismatch in input 'path:/srv/lib?lastModified=..&narHash=..' (/nix/store/..), ...
_NAR_HASH_MISMATCH = re.compile(r"NAR hash mismatch in input '(?:path:)?([^?']+)")
# and Nix 2.26's, the locked and the fetched input's attributes as JSON:
#   mismatch in field 'narHash' of input '{..."path":"/srv/lib","type":"path"}', got '{...}'
_NAR_HASH_FIELD_MISMATCH = re.compile(r"mismatch in field 'narHash' of input '(.*?)', got '")


def _stale_input(text: str) -> str | None:
    """The input (a directory for a ``path:`` input) a hash-mismatch error names, if any."""
    found = _NAR_HASH_MISMATCH.search(text)
    if found is not None:
        return found.group(1)
    found = _NAR_HASH_FIELD_MISMATCH.search(text)
    if found is None:
        return None
    try:
        attributes = json.loads(found.group(1))
    except json.JSONDecodeError:
        attributes = None
    if not isinstance(attributes, dict):
        return "one of its inputs"
    if attributes.get("type") == "path" and "path" in attributes:
        return str(attributes["path"])
    return flake_url(attributes)


def explain_stale_pin(error: NixCommandError, config_dir: Path) -> Exception:
    """Turn nix's hash-mismatch failure for a pinned local input into what to do about it.

    A ``path:`` input is pinned by content. Once its store copy is
    garbage-collected and the directory has changed (a library update on the
    worker), the pinned content exists nowhere and only re-pinning helps.
    """
    found = _stale_input("\n".join(error.stderr_tail))
    if found is None:
        return error
    return StalePinError(
        f"{config_dir}/flake.lock pins {found} at content that no longer exists: the "
        "directory changed since the VM was locked and the locked copy has been garbage-"
        "collected. Run the flow again with update_lock: true to pin its current content."
    )
