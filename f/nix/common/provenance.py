# py311
# requirements:
# annotated-types==0.7.0
# anyio==4.16.0
# certifi==2026.5.20
# h11==0.16.0
# httpcore==1.0.9
# httpx==0.28.1
# idna==3.13
# pydantic==2.13.4
# pydantic-core==2.46.4
# typing-extensions==4.16.0
# typing-inspection==0.4.2
# wmill==1.850.0
"""Provenance: exactly what a VM's closure was made from, for a bug report.

The locked nixpkgs and library, each source override as locked, the Nix
version that built it and the inputs the run was given: one paste answers
"what exactly was in that guest?".
"""

import dataclasses
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
from f.nix.common.nix_command import nix_version
from f.nix.common.render_nix import source_version_suffix
from f.nix.common.vm_config import SOURCE_INPUT_SUFFIX
from f.nix.common.vm_state import load_state
from f.nix.common.workspace import Workspace


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
