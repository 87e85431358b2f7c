# py311
# requirements:
# anyio==4.16.0
# certifi==2026.5.20
# h11==0.16.0
# httpcore==1.0.9
# httpx==0.28.1
# idna==3.13
# typing-extensions==4.16.0
# wmill==1.850.0
"""Provenance: exactly what a VM's closure was made from, for a bug report.

The locked nixpkgs and library, each source override as locked, the Nix
version that built it and the inputs the run was given: one paste answers
"what exactly was in that guest?".
"""

import dataclasses
import hashlib
import json
import time
from pathlib import Path

from f.nix.common.atomic_files import write_text_atomic
from f.nix.common.build_options import BuildOptions
from f.nix.common.flake_lock import (
    LIBRARY_INPUT,
    NIXPKGS_INPUT,
    flake_url,
    pinned,
    read_lock,
    source_inputs,
)
from f.nix.common.library_contract import SOURCE_INPUT_SUFFIX
from f.nix.common.nix_command import nix_version
from f.nix.common.vm_state import load_state
from f.nix.common.workspace import Workspace


def source_version_suffix(locked: dict) -> str:
    """What the library's sourceVersion (vendor/nixos-flake/lib/source-version.nix) appends
    to an overridden package's version, from its input as flake.lock locks it: "+g" and the
    commit's first 7 hex digits for a git source, else "+src." and the first 7 of the
    sha256 of its narHash. tests/test_provenance.py evaluates the Nix function on the same
    inputs and compares."""
    rev = locked.get("rev")
    if rev:
        return f"+g{rev[:7]}"
    return "+src." + hashlib.sha256(locked["narHash"].encode()).hexdigest()[:7]


def _described(locked: dict) -> dict:
    return {"url": flake_url(locked), **locked}


def provenance(
    workspace: Workspace, generation: Path, toplevel: str, options: BuildOptions
) -> dict:
    lock = read_lock(generation)
    inputs = pinned(lock)
    state = load_state(workspace)
    record = {
        "toplevel": toplevel,
        "vm_name": workspace.vm_name,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "nix": str(nix_version()),
        "nixpkgs": _described(inputs.get(NIXPKGS_INPUT, {})),
        "library": _described(inputs.get(LIBRARY_INPUT, {})),
        # Each override as locked, and what it appends to its package's version
        # (unless the override set the version itself).
        "overrides": {
            name.removesuffix(SOURCE_INPUT_SUFFIX): {
                **_described(inputs[name]),
                "version_suffix": source_version_suffix(inputs[name]),
            }
            for name in source_inputs(lock)
            if name in inputs
        },
        "inputs": {
            "render_config": state.get("render", {}),
            "lock_config": state.get("lock_inputs", {}),
            "build_closure": dataclasses.asdict(options),
        },
    }
    # As it reads back from provenance.json (tuples become lists).
    return json.loads(json.dumps(record))


def write_provenance(workspace: Workspace, record: dict) -> None:
    write_text_atomic(workspace.provenance, json.dumps(record, indent=1, sort_keys=True) + "\n")
