"""The NixOS bootspec (RFC 0125) a toplevel carries in ``boot.json``."""

import json
from dataclasses import dataclass
from pathlib import Path

from f.nix.common.errors import BootspecError

BOOTSPEC_KEY = "org.nixos.bootspec.v1"


@dataclass(frozen=True)
class Bootspec:
    init: str
    initrd: str
    system: str
    label: str
    kernel_params: list[str]


def read_bootspec(toplevel: Path) -> Bootspec:
    path = toplevel / "boot.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BootspecError(
            f"{path} is missing: the system was built without a bootspec, so init and "
            "initrd cannot be found (the imageless backend of nixos-flake provides one)"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BootspecError(f"{path} is not valid JSON: {error}") from None
    spec = document.get(BOOTSPEC_KEY) if isinstance(document, dict) else None
    if not isinstance(spec, dict):
        raise BootspecError(f"{path} has no {BOOTSPEC_KEY!r} object")
    missing = [
        key for key in ("init", "initrd") if not isinstance(spec.get(key), str) or not spec[key]
    ]
    if missing:
        raise BootspecError(
            f"{path}: {BOOTSPEC_KEY} lacks {' and '.join(missing)}; an imageless guest "
            "needs both (is the initrd enabled in the system config?)"
        )
    params = spec.get("kernelParams", [])
    return Bootspec(
        init=spec["init"],
        initrd=spec["initrd"],
        system=str(spec.get("system", "")),
        label=str(spec.get("label", "")),
        kernel_params=[str(p) for p in params] if isinstance(params, list) else [],
    )
