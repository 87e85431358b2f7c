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

STORE = "/nix/store/"


@dataclass(frozen=True)
class Derivation:
    env: dict[str, str]
    outputs: dict[str, str | None]  # name -> full path (None: content-addressed)
    input_drvs: dict[str, list[str]]  # drv path -> the output names taken


def _full(path: str | None) -> str | None:
    return path if path is None or path.startswith("/") else STORE + path


# Nix's own base-32 alphabet (no e, o, t, u), written least significant bit first.
_BASE32 = "0123456789abcdfghijklmnpqrsvwxyz"


def _nix_base32(data: bytes) -> str:
    chars = []
    for n in reversed(range((len(data) * 8 - 1) // 5 + 1)):
        byte, bit = divmod(n * 5, 8)
        value = data[byte] >> bit
        if byte + 1 < len(data):
            value |= data[byte + 1] << (8 - bit)
        chars.append(_BASE32[value & 0x1F])
    return "".join(chars)


def _store_path(kind: str, sha256_hex: str, name: str) -> str:
    digest = hashlib.sha256(f"{kind}:sha256:{sha256_hex}:/nix/store:{name}".encode()).digest()
    folded = bytearray(20)  # nix's compressHash: the digest XOR-folded to 160 bits
    for index, byte in enumerate(digest):
        folded[index % 20] ^= byte
    return f"{STORE}{_nix_base32(bytes(folded))}-{name}"


def fixed_output_path(name: str, method: str, sri_hash: str) -> str:
    """The store path of a fixed-output derivation's output called ``name``."""
    algorithm, encoded = sri_hash.split("-", 1)
    hex_digest = base64.b64decode(encoded).hex()
    if method == "nar" and algorithm == "sha256":
        return _store_path("source", hex_digest, name)
    if method not in ("nar", "flat"):
        raise ValueError(f"no store path rule here for a fixed output by {method!r}")
    recursive = "r:" if method == "nar" else ""
    inner = hashlib.sha256(f"fixed:out:{recursive}{algorithm}:{hex_digest}:".encode())
    return _store_path("output:out", inner.hexdigest(), name)


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
