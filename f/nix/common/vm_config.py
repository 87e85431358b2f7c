# py311
# requirements:
# annotated-types==0.7.0
# pydantic==2.13.4
# pydantic-core==2.46.4
# typing-extensions==4.16.0
# typing-inspection==0.4.2
"""The typed description of one VM's config, validated before anything is written.

The ``Literal`` sets mirror the nixos-flake library's module names; a test
checks them against the library and against render_config's ``main()``.
"""

import binascii
import os
import re
import struct
import unicodedata
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

from f.nix.common.errors import FlowInputError
from f.nix.common.nix_syntax import is_identifier
from f.nix.common.raw_inputs import ENTRY_KEYS, check_unicode, drop_blank_items, flow_field

ProfileName = Literal["build-tools", "controller", "devel", "monitoring"]
TestSuiteName = Literal[
    "blktests",
    "fstests",
    "gitr",
    "kunit",
    "ltp",
    "mmtests",
    "pynfs",
    "selftests",
    "sysbench",
    "usertests",
]

PROFILES: tuple[str, ...] = get_args(ProfileName)
TEST_SUITES: tuple[str, ...] = get_args(TestSuiteName)
# controller is a host role (libvirtd in the guest): available, never featured.
FEATURED_PROFILES: tuple[str, ...] = ("build-tools", "devel", "monitoring")
FEATURED_TEST_SUITES: tuple[str, ...] = TEST_SUITES
# Profiles that only act when their enable option is set.
GATED_PROFILES: dict[str, tuple[str, ...]] = {
    "controller": ("nixos-flake", "controller", "enable"),
    "monitoring": ("nixos-flake", "monitoring", "enable"),
}

SSH_KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
)
# Mounted by the imageless backend itself.
RESERVED_MOUNT_POINTS = ("/", "/nix", "/nix/store", "/lib/modules")
RESERVED_SHARE_TAGS = ("store", "modules")
# Where each suite files its results in the guest, shared from the host under
# the suite's name (as upstream kdevops-ng does) so that results outlive the
# tmpfs root. nofail: a host that does not serve the tag leaves the
# directory on tmpfs instead of stopping the boot.
SUITE_RESULT_SHARES: dict[str, str] = {
    "blktests": "/var/lib/blktests",
    "fstests": "/var/lib/xfstests",
    "gitr": "/var/lib/gitr",
    "kunit": "/var/lib/kunit",
    "ltp": "/var/lib/ltp",
    "mmtests": "/var/lib/mmtests",
    "pynfs": "/var/lib/pynfs",
    "selftests": "/var/lib/kselftests",
    "sysbench": "/var/lib/sysbench",
    "usertests": "/var/lib/usertests",
}
SUITE_RESULT_SHARE_OPTIONS = ("nofail",)
# The same for a profile that files results: the monitoring profile's units
# write each run under /var/lib/monitoring/runs/<run-id> (its outputDir).
PROFILE_RESULT_SHARES: dict[str, str] = {"monitoring": "/var/lib/monitoring"}
# File systems a storage entry may hold: those NixOS 26.05 mounts and formats
# with its own tools (system.fsPackages) and the kernel's own modules. ZFS and
# bcachefs are left out: they bring out-of-tree kernel modules
# (boot.extraModulePackages), which the external kernel cannot take.
StorageFsType = Literal["btrfs", "ext2", "ext3", "ext4", "f2fs", "vfat", "xfs"]
STORAGE_FS_TYPES: tuple[str, ...] = get_args(StorageFsType)
# Accounts NixOS, its services or the library's suites and profiles create
# themselves (tests/real_nixos reads them off evaluated guests); a user of the
# same name would fail NixOS's evaluation.
RESERVED_USER_NAMES = (
    "root",
    "nobody",
    "sshd",
    "messagebus",
    "dhcpcd",
    "nscd",
    "rpc",
    "polkituser",
    "node-exporter",
    "qemu-libvirtd",
    # fstests' and LTP's accounts.
    "fsgqa",
    "fsgqa2",
    "bin",
    "daemon",
    # sysbench's MariaDB and PostgreSQL.
    "mysql",
    "postgres",
)
RESERVED_USER_PREFIXES = ("nixbld", "systemd-")
URL_SCHEMES = ("https", "http", "ssh", "git", "file")
# A source override of package <pkg> is the per-VM flake's input <pkg>-src.
SOURCE_INPUT_SUFFIX = "-src"
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
_PACKAGE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ATTR_COMPONENT = re.compile(r"[A-Za-z_][A-Za-z0-9_'-]*")


def _no_nul(text: str) -> str:
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


def _printable(text: str, what: str) -> str:
    """No control characters: a newline in a mount point would be a second fstab line."""
    if not text.isprintable():
        raise ValueError(f"{what} {text!r} holds control characters or other unprintable ones")
    return text


def check_mount_point(path: str) -> str:
    _printable(path, "mount point")
    if not path.startswith("/") or os.path.normpath(path) != path or path.startswith("//"):
        raise ValueError(
            f"mount point {path!r} is not allowed; it must be an absolute, normalised "
            "path (no '.', '..', '//' or trailing '/')"
        )
    if path in RESERVED_MOUNT_POINTS or path.startswith(("/nix/", "/lib/modules/")):
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
    if tag in RESERVED_SHARE_TAGS:
        raise ValueError(
            f"virtiofs tag {tag!r} is not allowed; the backend uses "
            f"{', '.join(RESERVED_SHARE_TAGS)} itself"
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


VmName = Annotated[str, AfterValidator(check_vm_name)]
UserName = Annotated[str, AfterValidator(check_user_name)]
GroupName = Annotated[str, AfterValidator(check_user_name)]
SshPublicKey = Annotated[str, AfterValidator(check_ssh_public_key)]
MountPoint = Annotated[str, AfterValidator(check_mount_point)]
ShareTag = Annotated[str, AfterValidator(check_share_tag)]
MountOption = Annotated[str, AfterValidator(check_mount_option)]
AttributePath = Annotated[str, AfterValidator(check_attribute_path)]
BlockDevice = Annotated[str, AfterValidator(check_block_device)]
MkfsArg = Annotated[str, AfterValidator(check_mkfs_arg)]
NixText = Annotated[str, AfterValidator(_no_nul)]


class Share(BaseModel):
    """One virtiofs share, mounted in the guest at the key it is stored under."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    tag: ShareTag
    options: list[MountOption] = Field(default_factory=list)


class Storage(BaseModel):
    """One block device, mounted in the guest at the key it is stored under.

    The library's nixos-flake.storage.<mount point>, field by field:
    fs_type is fsType, mkfs_args mkfsArgs, auto_format autoFormat.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    device: BlockDevice
    fs_type: StorageFsType
    options: list[MountOption] = Field(default_factory=list)
    mkfs_args: list[MkfsArg] = Field(default_factory=list)
    # Strict: pydantic would take "no" or 0 for false; JSON has true and false.
    auto_format: StrictBool = False
    nofail: StrictBool = True

    @model_validator(mode="after")
    def _one_way_to_format(self) -> "Storage":
        if self.auto_format and self.mkfs_args:
            raise ValueError(
                f"auto_format and mkfs_args {self.mkfs_args!r} are mutually exclusive: "
                "mkfs_args formats a blank device with those arguments, auto_format with "
                "mkfs's defaults; give one"
            )
        return self


class SourceOverride(BaseModel):
    """Build ``pkg`` from another source: a local checkout or a git URL."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    pkg: str
    src: str
    ref: str | None = None
    attrs: dict[str, NixText] = Field(default_factory=dict)

    @field_validator("pkg")
    @classmethod
    def _check_pkg(cls, pkg: str) -> str:
        if _PACKAGE_NAME.fullmatch(pkg) is None or not is_identifier(pkg):
            raise ValueError(
                f"{pkg!r} is not a nixpkgs package name; expected a top-level attribute "
                "such as 'fio', 'xfstests', 'xfsprogs' or 'libbpf-tools'"
            )
        return pkg

    @field_validator("src")
    @classmethod
    def _check_src(cls, src: str) -> str:
        _printable(src, "src")
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

    # What Windmill's form sends for a field of an item left empty: "" for the
    # branch (the default branch, as leaving it out), null for the attributes.
    @field_validator("ref", mode="before")
    @classmethod
    def _empty_ref_is_unset(cls, ref: object) -> object:
        return None if ref == "" else ref

    @field_validator("attrs", mode="before")
    @classmethod
    def _null_attrs_are_none(cls, attrs: object) -> object:
        return {} if attrs is None else attrs

    @field_validator("ref")
    @classmethod
    def _check_ref(cls, ref: str | None) -> str | None:
        return None if ref is None else check_git_ref(ref)

    @field_validator("attrs")
    @classmethod
    def _check_attrs(cls, attrs: dict[str, str]) -> dict[str, str]:
        for name in attrs:
            if not is_identifier(name):
                raise ValueError(
                    f"attribute {name!r} is not allowed; attrs names are Nix identifiers"
                )
            if name in DERIVATION_ATTRS or name.startswith("__"):
                raise ValueError(
                    f"attribute {name!r} is not allowed: it changes what the derivation is "
                    "(refused: src, which the override sets, names starting with '__', and "
                    f"{', '.join(sorted(DERIVATION_ATTRS - {'src'}))})"
                )
        return attrs

    @model_validator(mode="after")
    def _ref_needs_url(self) -> "SourceOverride":
        if self.ref is not None and self.is_path:
            raise ValueError(
                f"ref {self.ref!r} is only allowed with a git URL; src {self.src!r} is a "
                "path (check out the ref there instead)"
            )
        return self

    @property
    def is_path(self) -> bool:
        return self.src.startswith("/")

    @property
    def input_name(self) -> str:
        return f"{self.pkg}{SOURCE_INPUT_SUFFIX}"


def _ordered_unique(selected: list[str], universe: tuple[str, ...]) -> tuple[str, ...]:
    """The selection in the library's order, each once, so equal selections render equally."""
    return tuple(name for name in universe if name in set(selected))


class VmConfig(BaseModel):
    """Everything render_config turns into one VM's ``default.nix``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    vm_name: VmName = "nixos"
    user_name: UserName = "kdevops"
    profiles: tuple[ProfileName, ...] = FEATURED_PROFILES
    test_suites: tuple[TestSuiteName, ...] = FEATURED_TEST_SUITES
    shares: dict[MountPoint, Share] = Field(default_factory=dict)
    storage: dict[MountPoint, Storage] = Field(default_factory=dict)
    ssh_keys: tuple[SshPublicKey, ...] = ()
    overrides: tuple[SourceOverride, ...] = ()
    extra_groups: tuple[GroupName, ...] | None = None
    extra_packages: tuple[AttributePath, ...] = ()
    home: bool = False
    home_dir: MountPoint | None = None

    @field_validator("profiles")
    @classmethod
    def _order_profiles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _ordered_unique(list(value), PROFILES)

    @field_validator("test_suites")
    @classmethod
    def _order_suites(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _ordered_unique(list(value), TEST_SUITES)

    @field_validator("shares", mode="before")
    @classmethod
    def _share_shorthand(cls, value: Any) -> Any:
        """Accept ``{"/mnt/src": "src"}`` as ``{"/mnt/src": {"tag": "src"}}``."""
        if isinstance(value, dict):
            return {
                mount: {"tag": share} if isinstance(share, str) else share
                for mount, share in value.items()
            }
        return value

    @model_validator(mode="after")
    def _one_file_system_per_mount_point_and_device(self) -> "VmConfig":
        for mount_point in sorted(self.storage.keys() & self.shares.keys()):
            raise ValueError(
                f"storage[{mount_point!r}]: shares mounts {self.shares[mount_point].tag!r} at "
                f"{mount_point!r} already; a mount point takes a share or a device, not both"
            )
        seen: dict[str, str] = {}
        for mount_point, drive in sorted(self.storage.items()):
            if drive.device in seen:
                raise ValueError(
                    f"storage[{mount_point!r}].device: {drive.device!r} is mounted at "
                    f"{seen[drive.device]!r} already; one mount point per device"
                )
            seen[drive.device] = mount_point
        return self

    @field_validator("extra_groups", mode="before")
    @classmethod
    def _empty_groups_mean_default(cls, value: Any) -> Any:
        """[] (the form's default) keeps the library's groups rather than removing all."""
        return value or None

    @field_validator("ssh_keys")
    @classmethod
    def _unique_keys(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value))

    @field_validator("overrides")
    @classmethod
    def _one_override_per_package(
        cls, value: tuple[SourceOverride, ...]
    ) -> tuple[SourceOverride, ...]:
        seen: set[str] = set()
        for override in value:
            if override.pkg in seen:
                raise ValueError(f"package {override.pkg!r} is overridden twice; keep one entry")
            seen.add(override.pkg)
        return value

    @field_validator("home_dir", mode="before")
    @classmethod
    def _empty_home_dir_means_default(cls, value: Any) -> Any:
        return value or None

    @property
    def home_mount(self) -> str | None:
        """Where the operator's home is mounted, when ``home`` asks for it.

        Without ``home_dir``: the worker's own ``$HOME`` when it is a
        /home/<name> directory (the operator's, on a personal worker), else
        /home/<user_name>.
        """
        if not self.home:
            return None
        if self.home_dir:
            return self.home_dir
        worker_home = os.environ.get("HOME", "")
        if worker_home.startswith("/home/"):
            try:
                return check_mount_point(worker_home)
            except ValueError:
                pass
        return f"/home/{self.user_name}"

    @property
    def gated_options(self) -> list[tuple[str, ...]]:
        return [GATED_PROFILES[name] for name in self.profiles if name in GATED_PROFILES]


def _location(loc: tuple[int | str, ...], positions: dict[str, list[int]]) -> str:
    """``guest.shares["/mnt/src"].tag`` style paths into the flow's inputs; a list
    entry by its position in the list as sent (``positions``, blanks left out)."""
    text = ""
    for depth, part in enumerate(loc):
        if isinstance(part, int):
            sent = positions.get(str(loc[0]), [])
            text += f"[{sent[part] if depth == 1 and part < len(sent) else part}]"
        elif part == "[key]":
            text += " (the key)"
        elif not text:
            text = flow_field(part)
        elif is_identifier(part):
            text += f".{part}"
        else:
            text += f"[{part!r}]"
    return text


def format_validation_error(
    error: ValidationError, positions: dict[str, list[int]] | None = None
) -> str:
    lines = []
    for item in error.errors():
        message = item["msg"].removeprefix("Value error, ")
        location = _location(tuple(item["loc"]), positions or {})
        # Our own checks (value_error) already quote the value; pydantic's do not.
        if item["type"] != "value_error":
            message = f"{message}; got {item['input']!r}"
        # A check across fields (VmConfig's own) names its fields in the message.
        lines.append(f"{location}: {message}" if location else message)
    return "invalid input:\n  " + "\n  ".join(lines)


# The list inputs whose blank entries (an "Add item" left empty) are left out.
LISTS_WITH_BLANKS = ("ssh_keys", "overrides", "extra_groups", "extra_packages")

# An override's attrs as a list of entries (see raw_inputs.ENTRY_KEYS):
# [{"name": "version", "value": "6.99"}] is {"version": "6.99"}.
ATTRIBUTE_ENTRY = ("name", "value")


def _entries_as_map(name: str, field: str, entries: list, key: str, problems: list[str]) -> dict:
    """A list of entries as the map they stand for, blank ones left out; what is wrong
    goes to ``problems``, each entry named by its position as sent."""
    mapped: dict = {}
    kept, positions = drop_blank_items(name, entries)
    for index, entry in zip(positions, kept, strict=True):
        where = f"{field}[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: {entry!r} is not allowed; expected an object")
            continue
        name = entry.get(key)
        if not isinstance(name, str) or not name:
            problems.append(f"{where}.{key}: {name!r} is not allowed; expected a non-empty string")
        elif name in mapped:
            problems.append(f"{where}.{key}: {name!r} is given twice; one entry per {key}")
        else:
            # null in an entry is a field left unset: its default applies.
            mapped[name] = {
                item: value for item, value in entry.items() if item != key and value is not None
            }
    return mapped


def _attributes_as_map(field: str, entries: list, problems: list[str]) -> dict:
    name, value = ATTRIBUTE_ENTRY
    pairs = _entries_as_map(field.split(".", 1)[1], field, entries, name, problems)
    for attribute, rest in pairs.items():
        if set(rest) - {value}:
            problems.append(
                f"{field}: the entry for {attribute!r} has {sorted(set(rest) - {value})!r}; "
                f"an entry takes {name} and {value}"
            )
        elif value not in rest:
            problems.append(f"{field}: the entry for {attribute!r} has no {value}")
    return {attribute: rest.get(value) for attribute, rest in pairs.items()}


def _as_maps(given: dict[str, Any], positions: dict[str, list[int]]) -> None:
    """Turn every list-of-entries form of a map in ``given`` into the map, in place."""
    problems: list[str] = []
    for name, key in ENTRY_KEYS.items():
        if isinstance(given.get(name), list):
            given[name] = _entries_as_map(name, flow_field(name), given[name], key, problems)
    for index, override in enumerate(given.get("overrides") or []):
        if isinstance(override, dict) and isinstance(override.get("attrs"), list):
            sent = positions.get("overrides", [])
            field = f"{flow_field('overrides')}[{sent[index] if index < len(sent) else index}]"
            given["overrides"][index] = {
                **override,
                "attrs": _attributes_as_map(f"{field}.attrs", override["attrs"], problems),
            }
    if problems:
        raise FlowInputError("invalid input:\n  " + "\n  ".join(problems))


def parse_vm_config(**inputs: Any) -> VmConfig:
    """Validate raw step inputs into a VmConfig.

    None means "not given": the field's default applies (the featured
    profiles and suites, no keys, shares, storage or overrides).
    """
    given = {name: value for name, value in inputs.items() if value is not None}
    for name, value in given.items():
        check_unicode(flow_field(name), value)
    positions = {}
    for name in LISTS_WITH_BLANKS:
        if name in given:
            given[name], positions[name] = drop_blank_items(name, given[name])
    _as_maps(given, positions)
    try:
        return VmConfig(**given)
    except ValidationError as error:
        raise FlowInputError(format_validation_error(error, positions)) from None
