"""Reading a flake.lock: which inputs it pins, and to what."""

import json
from pathlib import Path

SOURCE_INPUT_SUFFIX = "-src"


def read_lock(config_dir: Path) -> dict:
    try:
        return json.loads((config_dir / "flake.lock").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


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
            result[path] = {
                key: locked[key]
                for key in ("type", "path", "url", "owner", "repo", "rev", "ref", "narHash")
                if key in locked
            }
            visit(target, f"{path}/", depth + 1)

    visit(lock.get("root", "root"), "", 0)
    return result
