"""``nix derivation show`` in every shape nix prints it, read by its structure.

- Nix 2.8 to 2.32: an object keyed by the ``.drv``'s full path, each with
  ``env``, ``outputs`` ({name: {"path": full path}}) and ``inputDrvs`` (a
  list of output names, or from 2.18 ``{"outputs": [...],
  "dynamicOutputs": {}}``).
- Nix 2.33 and later (captured from 2.34.8): ``{"version": 4, "derivations":
  {...}}`` keyed by base name, each with ``inputs.drvs`` (keyed by base
  name) and output paths as base names; a fixed-output derivation's output
  has no path at all, only its ``hash`` (SRI) and ``method`` (``flat`` or
  ``nar``), from which the path is computed here as nix computes it
  (``makeFixedOutputPath``), not read from ``env``, which a derivation with
  structured attributes does not carry.

Both become ``{drv path: Derivation}`` with full paths throughout.
"""

import base64
import hashlib
import json
from dataclasses import dataclass

from f.nix.common.nixpkgs_release import source_store_path, store_path

STORE = "/nix/store/"


@dataclass(frozen=True)
class Derivation:
    env: dict[str, str]
    outputs: dict[str, str | None]  # name -> full path (None: content-addressed)
    input_drvs: dict[str, list[str]]  # drv path -> the output names taken


def _full(path: str | None) -> str | None:
    return path if path is None or path.startswith("/") else STORE + path


def fixed_output_path(name: str, method: str, sri_hash: str) -> str:
    """The store path of a fixed-output derivation's output called ``name``
    (Nix's makeFixedOutputPath)."""
    if method == "nar" and sri_hash.startswith("sha256-"):
        return str(source_store_path(sri_hash, name))
    if method not in ("nar", "flat"):
        raise ValueError(f"no store path rule here for a fixed output by {method!r}")
    algorithm, encoded = sri_hash.split("-", 1)
    recursive = "r:" if method == "nar" else ""
    inner = f"fixed:out:{recursive}{algorithm}:{base64.b64decode(encoded).hex()}:"
    return str(store_path("output:out", hashlib.sha256(inner.encode()).digest(), name))


def _output_path(drv: str, output: str, value: dict) -> str | None:
    if "path" in value:
        return _full(value["path"])
    if "hash" in value:
        name = drv.removeprefix(STORE)[33:].removesuffix(".drv")
        named = name if output == "out" else f"{name}-{output}"
        return fixed_output_path(named, value["method"], value["hash"])
    return None  # content-addressed: known once built


def _wanted(value) -> list[str]:
    return list(value["outputs"] if isinstance(value, dict) else value)


def parse_derivations(text: str) -> dict[str, Derivation]:
    shown = json.loads(text)
    versioned = isinstance(shown.get("derivations"), dict) and "version" in shown
    entries = shown["derivations"] if versioned else shown
    result = {}
    for name, entry in entries.items():
        inputs = entry["inputs"]["drvs"] if versioned else entry.get("inputDrvs", {})
        drv = _full(name)
        result[drv] = Derivation(
            env=entry.get("env", {}),
            outputs={out: _output_path(drv, out, value) for out, value in entry["outputs"].items()},
            input_drvs={_full(drv): _wanted(value) for drv, value in inputs.items()},
        )
    return result
