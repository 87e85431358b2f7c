"""``nix derivation show`` in every shape nix prints it, read by its structure.

- Nix 2.8 to 2.32: an object keyed by the ``.drv``'s full path, each with
  ``env``, ``outputs`` ({name: {"path": full path}}) and ``inputDrvs`` (a
  list of output names, or from 2.18 ``{"outputs": [...],
  "dynamicOutputs": {}}``).
- Nix 2.33 and later (captured from 2.34.8): ``{"version": 4, "derivations":
  {...}}`` keyed by base name, each with ``inputs.drvs`` (keyed by base
  name) and output paths as base names.

Both become ``{drv path: Derivation}`` with full paths throughout.
"""

import json
from dataclasses import dataclass

STORE = "/nix/store/"


@dataclass(frozen=True)
class Derivation:
    env: dict[str, str]
    outputs: dict[str, str | None]  # name -> full path (None: content-addressed)
    input_drvs: dict[str, list[str]]  # drv path -> the output names taken


def _full(path: str | None) -> str | None:
    return path if path is None or path.startswith("/") else STORE + path


def _wanted(value) -> list[str]:
    return list(value["outputs"] if isinstance(value, dict) else value)


def parse_derivations(text: str) -> dict[str, Derivation]:
    shown = json.loads(text)
    versioned = isinstance(shown.get("derivations"), dict) and "version" in shown
    entries = shown["derivations"] if versioned else shown
    result = {}
    for name, entry in entries.items():
        inputs = entry["inputs"]["drvs"] if versioned else entry.get("inputDrvs", {})
        result[_full(name)] = Derivation(
            env=entry.get("env", {}),
            outputs={out: _full(value.get("path")) for out, value in entry["outputs"].items()},
            input_drvs={_full(drv): _wanted(value) for drv, value in inputs.items()},
        )
    return result
