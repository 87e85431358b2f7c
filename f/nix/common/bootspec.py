# py311
# requirements:
"""The NixOS bootspec (RFC 0125) a toplevel carries in ``boot.json``.

Besides the standard document, nixos-flake's imageless backend adds two
extensions: ``org.nixos-flake.virtiofs.v1``, every virtiofs tag the guest
mounts, so that the boot side serves exactly those; and
``org.nixos-flake.kernel.v1``, the guest's kernel parameters, which NixOS
26.05 and later leave out of the standard document when they build no
kernel.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from f.nix.common.errors import BootspecError

BOOTSPEC_KEY = "org.nixos.bootspec.v1"
VIRTIOFS_KEY = "org.nixos-flake.virtiofs.v1"
KERNEL_KEY = "org.nixos-flake.kernel.v1"


@dataclass(frozen=True)
class Bootspec:
    init: str
    initrd: str
    system: str
    label: str
    kernel_params: list[str]
    # {tag, mount_point, options, needed_for_boot} per virtiofs mount; None
    # when the system does not say (not built with nixos-flake's backend).
    shares: list[dict] | None = None


def _virtiofs_shares(document: dict, path: Path) -> list[dict] | None:
    mounts = document.get(VIRTIOFS_KEY)
    if mounts is None:
        return None
    try:
        return sorted(
            (
                {
                    "tag": str(mount["tag"]),
                    "mount_point": str(mount["mountPoint"]),
                    "options": [str(option) for option in mount["options"]],
                    "needed_for_boot": bool(mount["neededForBoot"]),
                }
                for mount in mounts
            ),
            key=lambda share: share["mount_point"],
        )
    except (KeyError, TypeError) as error:
        raise BootspecError(
            f"{path}: {VIRTIOFS_KEY} is not a list of virtiofs mounts ({error})"
        ) from None


def _kernel_params(document: dict, spec: dict, path: Path) -> list[str]:
    """The library's extension, else the standard document's (a system built without it)."""
    extension = document.get(KERNEL_KEY)
    if extension is not None:
        params = extension.get("kernelParams") if isinstance(extension, dict) else None
        if not isinstance(params, list):
            raise BootspecError(f"{path}: {KERNEL_KEY} has no kernelParams list")
    else:
        params = spec.get("kernelParams", [])
    return [str(p) for p in params] if isinstance(params, list) else []


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
    return Bootspec(
        init=spec["init"],
        initrd=spec["initrd"],
        system=str(spec.get("system", "")),
        label=str(spec.get("label", "")),
        kernel_params=_kernel_params(document, spec, path),
        shares=_virtiofs_shares(document, path),
    )
