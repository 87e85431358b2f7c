# py311
# requirements:
"""Reading a flake.lock: which inputs it pins, and to what."""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from f.nix.common.atomic_files import read_json_object
from f.nix.common.errors import NixCommandError, StalePinError
from f.nix.common.library_contract import SOURCE_INPUT_SUFFIX

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


@dataclass(frozen=True)
class Wording:
    """One way a nix says that a locked input's content is not what flake.lock pins.

    nix says it only in English, so each wording is a row here, named by the
    versions that print it and where it was read; ``tests/test_flake_lock.py``
    holds each row's message. ``pattern``'s group 1 is the input: a URL, a
    directory, or (``as_json``) the locked attributes as JSON.
    """

    versions: str
    seen: str
    pattern: re.Pattern[str]
    as_json: bool = False


STALE_PIN_WORDINGS = (
    Wording(
        "Nix 2.8 to 2.25, 2.34, 2.35; Lix 2.9x",
        "captured from Nix 2.8.0 and 2.34.8 (test_a_changed_and_collected_library_pin_says_how_"
        "to_recover); Nix 2.35 src/libfetchers/fetchers.cc; Lix 2.9x's fetchers",
        # NAR hash mismatch in input 'path:/srv/lib?lastModified=..&narHash=..' (/nix/store/..),
        #   expected '..', got '..'                                   (2.8; Lix adds the URL too)
        # NAR hash mismatch in input 'path:/srv/lib?..', expected '..' but got '..'   (2.34, 2.35)
        re.compile(r"NAR hash mismatch in input '(?:path:)?([^?']+)"),
    ),
    Wording(
        "Nix 2.26 to 2.33",
        "captured from Nix 2.26.3 (the same test)",
        # mismatch in field 'narHash' of input '{..."path":"/srv/lib","type":"path"}', got '{...}'
        re.compile(r"mismatch in field 'narHash' of input '(.*?)', got '"),
        as_json=True,
    ),
)


def _stale_input(text: str) -> str | None:
    """The input (a directory for a ``path:`` input) a hash-mismatch error names, if any."""
    for wording in STALE_PIN_WORDINGS:
        found = wording.pattern.search(text)
        if found is None:
            continue
        if not wording.as_json:
            return unquote(found.group(1))
        try:
            attributes = json.loads(found.group(1))
        except json.JSONDecodeError:
            attributes = None
        if not isinstance(attributes, dict):
            return "one of its inputs"
        if attributes.get("type") == "path" and "path" in attributes:
            return str(attributes["path"])
        return flake_url(attributes)
    return None


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
