# py311
# requirements:
"""What the last lock and build of a VM were made from, so unchanged re-runs skip nix.

A generation's three files pin everything its build depends on (every
input is locked by content), so the same files always give the same
toplevel: when they are unchanged and the GC root still holds that
toplevel, running nix again could only return it again.

Kept in the VM's ``Workspace.state`` file, outside the flake directory,
whose content nix hashes.
"""

import hashlib
import json
from pathlib import Path

from f.nix.common.atomic_files import read_json_object, write_text_atomic
from f.nix.common.config_generations import CONFIG_FILES
from f.nix.common.workspace import Workspace


def load_state(workspace: Workspace) -> dict:
    return read_json_object(workspace.state)


def save_state(workspace: Workspace, key: str, value: dict) -> None:
    workspace.state.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(workspace.state, json.dumps({**load_state(workspace), key: value}, indent=1))


def fingerprint(generation: Path, names: tuple[str, ...] = CONFIG_FILES) -> str:
    digest = hashlib.sha256()
    for name in names:
        path = generation / name
        digest.update(f"{name}\0".encode())
        digest.update(path.read_bytes() if path.is_file() else b"\0absent\0")
    return digest.hexdigest()
