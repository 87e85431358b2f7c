# py311
# requirements:
# annotated-types==0.7.0
# pydantic==2.13.4
# pydantic-core==2.46.4
# typing-extensions==4.16.0
# typing-inspection==0.4.2
"""The typed description of one VM's config, validated before anything is written.

The models take their choices from library_contract (the library's own
facts) and their checks from input_checks; what is here is the shape of the
inputs, the rules across fields, and the error text that names each field
as the flow's inputs spell it (``guest.shares["/mnt/src"].tag``).
"""

import contextlib
from typing import Annotated, Any

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
from f.nix.common.input_checks import (
    check_attribute_path,
    check_block_device,
    check_git_ref,
    check_mkfs_arg,
    check_mount_option,
    check_mount_point,
    check_nix_text,
    check_override_attribute,
    check_package_name,
    check_share_tag,
    check_source,
    check_ssh_public_key,
    check_user_name,
    check_vm_name,
)
from f.nix.common.library_contract import (
    FEATURED_PROFILES,
    FEATURED_TEST_SUITES,
    GATED_PROFILES,
    PROFILES,
    SOURCE_INPUT_SUFFIX,
    TEST_SUITES,
    ProfileName,
    StorageFsType,
    TestSuiteName,
)
from f.nix.common.nix_syntax import is_identifier
from f.nix.common.raw_inputs import ENTRY_KEYS, check_unicode, drop_blank_items, flow_field

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
NixText = Annotated[str, AfterValidator(check_nix_text)]


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
    pkg: Annotated[str, AfterValidator(check_package_name)]
    src: Annotated[str, AfterValidator(check_source)]
    ref: str | None = None
    attrs: dict[str, NixText] = Field(default_factory=dict)

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
            check_override_attribute(name)
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
        """Where the operator's home is mounted, when ``home`` asks for it:
        ``home_dir``, which with_home_resolved fills in, else /home/<user_name>."""
        if not self.home:
            return None
        return self.home_dir or f"/home/{self.user_name}"

    @property
    def gated_options(self) -> list[tuple[str, ...]]:
        return [GATED_PROFILES[name] for name in self.profiles if name in GATED_PROFILES]


def with_home_resolved(config: VmConfig, worker_home: str) -> VmConfig:
    """``config`` with ``home_dir`` set when ``home`` is on and no ``home_dir`` was given:
    the worker's ``$HOME`` (``worker_home``) when it is a /home/<name> directory (the
    operator's, on a personal worker), else /home/<user_name>."""
    if not config.home or config.home_dir:
        return config
    home_dir = f"/home/{config.user_name}"
    if worker_home.startswith("/home/"):
        with contextlib.suppress(ValueError):
            home_dir = check_mount_point(worker_home)
    return config.model_copy(update={"home_dir": home_dir})


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
