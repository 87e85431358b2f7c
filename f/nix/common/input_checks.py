# py311
# requirements:
"""The checks of one input value each, with the error text that says what is allowed.

Each ``check_*`` takes a value and returns it (normalised where said) or
raises ValueError naming the value and what is allowed; the pydantic models
in vm_config wrap them, and modules below the input schema (workspace,
managed_key) call them directly. What the library decides (reserved mount
points and user names) comes from library_contract.
"""

import binascii
import os
import re
import struct
import unicodedata
from urllib.parse import urlsplit

from f.nix.common.library_contract import (
    BACKEND_SHARES,
    RESERVED_MOUNT_POINTS,
    RESERVED_MOUNT_PREFIXES,
    RESERVED_USER_NAMES,
    RESERVED_USER_PREFIXES,
)
from f.nix.common.nix_syntax import is_identifier

SSH_KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
)
URL_SCHEMES = ("https", "http", "ssh", "git", "file")
# Override attrs that change what a derivation is rather than how it builds:
# outputHash* make a fixed-output build, which has network access.
DERIVATION_ATTRS = frozenset(
    {
        "src",
        "name",
        "system",
        "builder",
        "args",
        "outputs",
        "outputHash",
        "outputHashAlgo",
        "outputHashMode",
    }
)

# What NixOS's networking.hostName takes (a DNS label, and '_' for legacy
# names): nixos/modules/tasks/network-interfaces.nix.
HOST_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?")
_POSIX_NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
_SHARE_TAG = re.compile(r"[A-Za-z0-9_.-]{1,36}")
_MOUNT_OPTION = re.compile(r"[A-Za-z0-9_.=:/+@-]+")
# What udev names block devices with (/dev/vdb, /dev/nvme0n1,
# /dev/disk/by-id/virtio-scratch, /dev/disk/by-path/pci-0000:00:05.0).
_BLOCK_DEVICE = re.compile(r"/dev/[A-Za-z0-9_.:+@/-]+")
# One mkfs argument: "-b", "size=16k", "-O", "^has_journal", "crc=1,reflink=1".
_MKFS_ARG = re.compile(r"[A-Za-z0-9_.=:,/+@^-]+")
PACKAGE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ATTR_COMPONENT = re.compile(r"[A-Za-z_][A-Za-z0-9_'-]*")


def check_nix_text(text: str) -> str:
    if "\0" in text:
        raise ValueError(f"{text!r} contains a NUL character, which Nix strings cannot hold")
    return text


def check_vm_name(name: str) -> str:
    if HOST_NAME.fullmatch(name) is None:
        raise ValueError(
            f"{name!r} is not allowed; a VM name is also its host name and directory: "
            "1 to 63 letters, digits, '-' and '_', starting and ending with a letter or digit"
        )
    return name


def check_user_name(name: str) -> str:
    if _POSIX_NAME.fullmatch(name) is None:
        raise ValueError(
            f"{name!r} is not allowed; a user name is 1 to 32 of lowercase letters, "
            "digits, '_' and '-', starting with a letter or '_'"
        )
    if name in RESERVED_USER_NAMES or name.startswith(RESERVED_USER_PREFIXES):
        raise ValueError(
            f"{name!r} is not allowed; the guest creates it itself (reserved: "
            f"{', '.join(RESERVED_USER_NAMES)} and names starting with "
            f"{' or '.join(RESERVED_USER_PREFIXES)})"
        )
    return name


def check_ssh_public_key(key: str) -> str:
    """An OpenSSH public key line: type, base64 body, optional comment; normalised."""
    if any(char in key for char in "\r\n\0"):
        raise ValueError("one public key per entry, without line breaks or NUL")
    parts = key.strip().split(None, 2)
    if len(parts) < 2:
        raise ValueError(
            f"{key!r} is not an OpenSSH public key; expected '<type> <base64 key> [comment]'"
        )
    key_type, body = parts[0], parts[1]
    if key_type not in SSH_KEY_TYPES:
        raise ValueError(
            f"key type {key_type!r} is not allowed; allowed: {', '.join(SSH_KEY_TYPES)} "
            "(a private key or an options prefix is never accepted)"
        )
    try:
        blob = binascii.a2b_base64(body, strict_mode=True)
        (length,) = struct.unpack(">I", blob[:4])
        embedded_type = blob[4 : 4 + length].decode("ascii")
    except (binascii.Error, struct.error, UnicodeDecodeError):
        raise ValueError(
            f"the body {body[:24]!r} of this {key_type} key is not a base64 OpenSSH key blob"
        ) from None
    if embedded_type != key_type:
        raise ValueError(
            f"the key body says {embedded_type!r} but the line says {key_type!r}; "
            "paste the public key line unchanged"
        )
    comment = parts[2].strip() if len(parts) == 3 else ""
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in comment):
        raise ValueError(f"the comment {comment!r} holds control characters")
    return " ".join(filter(None, (key_type, body, comment)))


def check_printable(text: str, what: str) -> str:
    """No control characters: a newline in a mount point would be a second fstab line."""
    if not text.isprintable():
        raise ValueError(f"{what} {text!r} holds control characters or other unprintable ones")
    return text


def check_mount_point(path: str) -> str:
    check_printable(path, "mount point")
    if not path.startswith("/") or os.path.normpath(path) != path or path.startswith("//"):
        raise ValueError(
            f"mount point {path!r} is not allowed; it must be an absolute, normalised "
            "path (no '.', '..', '//' or trailing '/')"
        )
    if path in RESERVED_MOUNT_POINTS or path.startswith(RESERVED_MOUNT_PREFIXES):
        raise ValueError(
            f"mount point {path!r} is not allowed; the imageless backend mounts "
            f"{', '.join(RESERVED_MOUNT_POINTS)} itself"
        )
    return path


def check_share_tag(tag: str) -> str:
    if _SHARE_TAG.fullmatch(tag) is None:
        raise ValueError(
            f"virtiofs tag {tag!r} is not allowed; 1 to 36 letters, digits, '_', '.' or '-'"
        )
    if tag in BACKEND_SHARES.values():
        raise ValueError(
            f"virtiofs tag {tag!r} is not allowed; the backend uses "
            f"{', '.join(sorted(BACKEND_SHARES.values()))} itself"
        )
    return tag


def check_mount_option(option: str) -> str:
    if _MOUNT_OPTION.fullmatch(option) is None:
        raise ValueError(
            f"mount option {option!r} is not allowed; one option per entry, made of "
            "letters, digits and _ . = : / + @ - (no commas or blanks)"
        )
    return option


def check_block_device(device: str) -> str:
    if (
        _BLOCK_DEVICE.fullmatch(device) is None
        or os.path.normpath(device) != device
        or device.startswith("/dev/.")
        or "/." in device
    ):
        raise ValueError(
            f"device {device!r} is not allowed; a block device is a normalised path under "
            "/dev/ (/dev/vdb, /dev/disk/by-id/...) of letters, digits and _ . : + @ / -"
        )
    return device


def check_mkfs_arg(arg: str) -> str:
    if _MKFS_ARG.fullmatch(arg) is None:
        raise ValueError(
            f"mkfs argument {arg!r} is not allowed; one argument per entry, made of "
            "letters, digits and _ . = : , / + @ ^ - (no blanks or shell characters)"
        )
    return arg


def check_attribute_path(path: str) -> str:
    """A nixpkgs attribute path such as ``strace`` or ``linuxPackages.cpupower``."""
    if not all(_ATTR_COMPONENT.fullmatch(part) and is_identifier(part) for part in path.split(".")):
        raise ValueError(
            f"{path!r} is not a nixpkgs attribute path; expected names like 'strace' or "
            "'linuxPackages.cpupower'"
        )
    return path


def check_git_ref(ref: str) -> str:
    bad = (
        not ref
        or ref.startswith(("/", "-", "."))
        or ref.endswith(("/", ".", ".lock"))
        or ".." in ref
        or "@{" in ref
        or "//" in ref
        or ref == "@"
        or any(char in ref for char in " ~^:?*[\\")
        or any(not char.isprintable() for char in ref)
    )
    if bad:
        raise ValueError(f"ref {ref!r} is not a valid git branch or tag name")
    return ref


def check_package_name(pkg: str) -> str:
    """A top-level nixpkgs attribute, the package a source override rebuilds."""
    if PACKAGE_NAME.fullmatch(pkg) is None or not is_identifier(pkg):
        raise ValueError(
            f"{pkg!r} is not a nixpkgs package name; expected a top-level attribute "
            "such as 'fio', 'xfstests', 'xfsprogs' or 'libbpf-tools'"
        )
    return pkg


def check_source(src: str) -> str:
    """Where a source override's tree is: an absolute path or a URL nix fetches."""
    check_printable(src, "src")
    if src.startswith("/"):
        if os.path.normpath(src) != src or src.startswith("//"):
            raise ValueError(f"{src!r} is not a normalised absolute path")
        return src
    parts = urlsplit(src)
    if parts.scheme not in URL_SCHEMES or (parts.scheme != "file" and not parts.netloc):
        raise ValueError(
            f"{src!r} is neither an absolute path nor a URL; allowed: /absolute/path "
            f"or a URL with scheme {', '.join(URL_SCHEMES)}"
        )
    if any(char.isspace() for char in src):
        raise ValueError(f"URL {src!r} contains blanks")
    return src


def check_override_attribute(name: str) -> str:
    """An attribute a source override sets on the derivation: how it builds, not what it is."""
    if not is_identifier(name):
        raise ValueError(f"attribute {name!r} is not allowed; attrs names are Nix identifiers")
    if name in DERIVATION_ATTRS or name.startswith("__"):
        raise ValueError(
            f"attribute {name!r} is not allowed: it changes what the derivation is "
            "(refused: src, which the override sets, names starting with '__', and "
            f"{', '.join(sorted(DERIVATION_ATTRS - {'src'}))})"
        )
    return name
