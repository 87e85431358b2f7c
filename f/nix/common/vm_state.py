"""What the last lock and build of a VM were made from, so unchanged re-runs skip nix.

A generation's three files pin everything its build depends on (every
input is locked by content), so the same files always give the same
toplevel: when they are unchanged and the GC root still holds that
toplevel, running nix again could only return it again.

Kept in ``nix/.state/<vm>.json``, outside the flake directory, whose
content nix hashes.
"""

import hashlib
import json
from pathlib import Path

from f.nix.common.atomic_files import write_text_atomic
from f.nix.common.config_generations import CONFIG_FILES

STATE = ".state"


def state_path(config_dir: Path) -> Path:
    return config_dir.parent / STATE / f"{config_dir.name}.json"


def load_state(config_dir: Path) -> dict:
    try:
        return json.loads(state_path(config_dir).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def save_state(config_dir: Path, key: str, value: dict) -> None:
    path = state_path(config_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps({**load_state(config_dir), key: value}, indent=1))


def fingerprint(generation: Path, names: tuple[str, ...] = CONFIG_FILES) -> str:
    digest = hashlib.sha256()
    for name in names:
        path = generation / name
        digest.update(f"{name}\0".encode())
        digest.update(path.read_bytes() if path.is_file() else b"\0absent\0")
    return digest.hexdigest()
