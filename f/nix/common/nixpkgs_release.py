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
"""Which nixpkgs release a VM's lock pins, and whether the library supports it.

The library names the oldest release it is evaluated on in
``nixpkgs-support.json``. The lock step reads the release of the nixpkgs it
pinned from that tree's ``lib/.version``, in the store copy that locking
made, before anything evaluates it: an older tree would otherwise fail deep
inside NixOS with an error that names neither.
"""

import base64
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from f.nix.common.atomic_files import read_json_object
from f.nix.common.errors import FlowInputError, LibraryError, NixNotFoundError
from f.nix.common.flake_lock import flake_url
from f.nix.common.nix_command import NIX_FOR_SUPPORTED_NIXPKGS, NixVersion

SUPPORT_FILE = "nixpkgs-support.json"
STORE_DIR = Path("/nix/store")
_RELEASE = re.compile(r"(\d+)\.(\d+)")
# Nix's own base-32 alphabet (no e, o, t, u).
_NIX_BASE32 = "0123456789abcdfghijklmnpqrsvwxyz"


def oldest_supported(library: Path) -> str:
    """The oldest nixpkgs release the library at ``library`` supports ("26.05")."""
    oldest = read_json_object(library / SUPPORT_FILE).get("oldestRelease")
    if not isinstance(oldest, str) or _RELEASE.fullmatch(oldest) is None:
        raise LibraryError(
            f"{library / SUPPORT_FILE} must name the oldest supported nixpkgs release as "
            f'{{"oldestRelease": "YY.MM"}}; found {oldest!r}'
        )
    return oldest


def _nix_base32(data: bytes) -> str:
    length = (len(data) * 8 - 1) // 5 + 1
    chars = []
    for n in range(length - 1, -1, -1):
        byte, bit = divmod(n * 5, 8)
        value = data[byte] >> bit
        if byte + 1 < len(data):
            value |= data[byte + 1] << (8 - bit)
        chars.append(_NIX_BASE32[value & 0x1F])
    return "".join(chars)


def source_store_path(nar_hash: str, name: str = "source") -> Path:
    """Where nix keeps a flake input locked at ``nar_hash`` (``sha256-<base64>``).

    A fetched input is stored by content under the name "source"; its path
    follows from the hash alone (Nix's makeFixedOutputPath, recursive sha256,
    no references), so no nix call is needed to find it.
    """
    algorithm, _, encoded = nar_hash.partition("-")
    if algorithm != "sha256" or not encoded:
        raise ValueError(f"not a sha256 SRI hash: {nar_hash!r}")
    return store_path("source", base64.b64decode(encoded, validate=True), name)


def store_path(kind: str, sha256_digest: bytes, name: str) -> Path:
    """Nix's makeStorePath: the store path of ``name`` for the fingerprint kind
    ("source", "output:out", ...) and the SHA-256 digest it is made from."""
    fingerprint = f"{kind}:sha256:{sha256_digest.hex()}:{STORE_DIR}:{name}"
    full = hashlib.sha256(fingerprint.encode()).digest()
    compressed = bytearray(20)
    for index, byte in enumerate(full):
        compressed[index % 20] ^= byte
    return STORE_DIR / f"{_nix_base32(bytes(compressed))}-{name}"


def release_of(tree: Path) -> str | None:
    """The release a nixpkgs tree declares in ``lib/.version`` ("26.05"), or None."""
    try:
        text = (tree / "lib" / ".version").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = _RELEASE.match(text.strip())
    return found.group(0) if found else None


def older_than(release: str, oldest: str) -> bool:
    """Whether nixpkgs ``release`` ("24.05") comes before ``oldest`` ("26.05")."""

    def as_tuple(text: str) -> tuple[int, int]:
        major, minor = _RELEASE.match(text).groups()  # type: ignore[union-attr]
        return int(major), int(minor)

    return as_tuple(release) < as_tuple(oldest)


def check_pinned_release(
    locked: dict, library: Path, nix_version: Callable[[], NixVersion]
) -> str | None:
    """Refuse a pinned nixpkgs older than the library supports; its release, or None.

    ``locked`` is the nixpkgs node of a flake.lock. None means the release
    cannot be read here (the tree is not in the store yet, or declares none):
    the library then refuses an older tree itself when nix evaluates it.
    A supported release with a nix too old to evaluate it is refused too;
    ``nix_version`` is asked only then.
    """
    nar_hash = locked.get("narHash")
    if not isinstance(nar_hash, str):
        return None
    try:
        tree = source_store_path(nar_hash)
    except ValueError:
        return None
    release = release_of(tree)
    if release is None:
        return None
    oldest = oldest_supported(library)
    if older_than(release, oldest):
        raise FlowInputError(
            f"lock.nixpkgs: {flake_url(locked)!r} is nixpkgs {release}, which is not allowed; "
            f"the nixos-flake library needs nixpkgs {oldest} or newer. Give a newer nixpkgs, or "
            "an empty lock.nixpkgs with lock.update_lock: true to return to the library's own pin"
        )
    version = nix_version()
    if version < NIX_FOR_SUPPORTED_NIXPKGS:
        raise NixNotFoundError(
            f"nix {version} cannot evaluate nixpkgs {release}: it needs Nix "
            f"{NIX_FOR_SUPPORTED_NIXPKGS} or newer (its lib/minfeatures.nix). Install a newer nix "
            "on the worker (Debian 13's nix-bin is 2.26)"
        )
    return release
