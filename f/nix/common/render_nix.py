# py311
# requirements:
# annotated-types==0.7.0
# pydantic==2.13.4
# pydantic-core==2.46.4
# typing-extensions==4.16.0
# typing-inspection==0.4.2
"""Text of the per-VM ``flake.nix`` and ``default.nix``.

``flake.nix`` is the library's ``templates/imageless/flake.nix`` with two
edits: the ``nixos-flake`` url and one ``<pkg>-src`` input per source
override. ``default.nix`` is composed from a VmConfig.
"""

from pathlib import Path

from f.nix.common.errors import LibraryError
from f.nix.common.library_contract import RESULT_SHARE_OPTIONS, RESULT_SHARES
from f.nix.common.nix_syntax import nix_attr, nix_attr_path, nix_string, nix_string_list
from f.nix.common.vm_config import Share, SourceOverride, Storage, VmConfig

TEMPLATE = Path("templates/imageless/flake.nix")
LIBRARY_URL_PLACEHOLDER = '"path:/path/to/nixos-flake"'
INPUTS_ANCHOR = 'nixpkgs.follows = "nixos-flake/nixpkgs";'
INDENT = "  "


def _one_line_containing(lines: list[str], needle: str, template: Path) -> int:
    found = [index for index, line in enumerate(lines) if needle in line]
    if len(found) != 1:
        raise LibraryError(
            f"template {template} must contain {needle!r} exactly once (found "
            f"{len(found)}); the flow edits the template there"
        )
    return found[0]


def _source_input(override: SourceOverride, indent: str) -> list[str]:
    if override.is_path:
        fields = [("type", "path"), ("path", override.src)]
    else:
        fields = [("type", "git"), ("url", override.src)]
        if override.ref is not None:
            fields.append(("ref", override.ref))
    inner = indent + INDENT
    return [
        f"{indent}{nix_attr(override.input_name)} = {{",
        *(f"{inner}{name} = {nix_string(value)};" for name, value in fields),
        f"{inner}flake = false;",
        f"{indent}}};",
    ]


def render_flake(template_text: str, template: Path, library_dir: Path, config: VmConfig) -> str:
    lines = template_text.splitlines()
    url_line = _one_line_containing(lines, LIBRARY_URL_PLACEHOLDER, template)
    lines[url_line] = lines[url_line].replace(
        LIBRARY_URL_PLACEHOLDER, nix_string(f"path:{library_dir}")
    )
    anchor = _one_line_containing(lines, INPUTS_ANCHOR, template)
    indent = lines[anchor][: len(lines[anchor]) - len(lines[anchor].lstrip())]
    added = [line for override in config.overrides for line in _source_input(override, indent)]
    lines[anchor + 1 : anchor + 1] = added
    return "\n".join(lines) + "\n"


def _block(opening: str, body: list[str], closing: str) -> list[str]:
    return [opening, *(INDENT + line if line else line for line in body), closing]


def _string_list(name: str, items: tuple[str, ...]) -> list[str]:
    """``name = [ ... ];`` with one string per line, as nixfmt lays out long lists."""
    if len(items) <= 1:
        return [f"{name} = {nix_string_list(list(items))};"]
    return _block(f"{name} = [", [nix_string(item) for item in items], "];")


HOME_TAG = "home"


def _all_shares(config: VmConfig) -> dict[str, Share]:
    """The shares asked for, the operator's home and each selected suite's and profile's results.

    A share asked for at the same mount point wins over the other two, and so
    does a storage device (a suite's results on a disk of their own).
    """
    shares = dict(config.shares)
    if config.home_mount is not None:
        shares.setdefault(config.home_mount, Share(tag=HOME_TAG))
    # Suite and profile names do not overlap: each selected one with results
    # gets its share, tagged with its name.
    for name in (*config.test_suites, *config.profiles):
        if name in RESULT_SHARES:
            options = list(RESULT_SHARE_OPTIONS)
            shares.setdefault(RESULT_SHARES[name], Share(tag=name, options=options))
    return {
        mount_point: share
        for mount_point, share in shares.items()
        if mount_point in config.shares or mount_point not in config.storage
    }


def _imports(config: VmConfig) -> list[str]:
    modules = [nix_attr_path("nixos-flake", "nixosModules", "profiles", p) for p in config.profiles]
    modules += [
        nix_attr_path("nixos-flake", "nixosModules", "testSuites", s) for s in config.test_suites
    ]
    if _all_shares(config):
        modules.append(nix_attr_path("nixos-flake", "nixosModules", "mounts", "shares"))
    if config.storage:
        modules.append(nix_attr_path("nixos-flake", "nixosModules", "mounts", "storage"))
    if not modules:
        return ["imports = [ ];"]
    return _block("imports = [", modules, "];")


def _user(config: VmConfig) -> list[str]:
    lines = [f"nixos-flake.user.name = {nix_string(config.user_name)};"]
    if config.extra_groups is not None:
        lines += _string_list("nixos-flake.user.extraGroups", config.extra_groups)
    return lines


def _ssh_keys(config: VmConfig) -> list[str]:
    if not config.ssh_keys:
        return ["# No ssh_keys given: SSH is key-only, so nobody can log in over SSH."]
    lines: list[str] = []
    for user in ("root", config.user_name):
        option = nix_attr_path("users", "users", user, "openssh", "authorizedKeys", "keys")
        lines += _block(f"{option} = [", [nix_string(key) for key in config.ssh_keys], "];")
    return lines


def _shares(config: VmConfig) -> list[str]:
    shares = _all_shares(config)
    if not shares:
        return []
    body: list[str] = []
    for mount_point, share in sorted(shares.items()):
        body += _block(
            f"{nix_attr(mount_point)} = {{",
            [
                f"tag = {nix_string(share.tag)};",
                f"options = {nix_string_list(share.options)};",
            ],
            "};",
        )
    lines = _block("nixos-flake.shares = {", body, "};")
    if config.home_mount is not None:
        # root logs in to the operator's files too (upstream kdevops-ng's home).
        lines.append(f"users.users.root.home = lib.mkForce {nix_string(config.home_mount)};")
    return lines


def _storage_entry(mount_point: str, drive: Storage) -> list[str]:
    """One nixos-flake.storage entry; the flow's snake_case keys become the options' names."""
    settings = [
        f"device = {nix_string(drive.device)};",
        f"fsType = {nix_string(drive.fs_type)};",
        f"options = {nix_string_list(drive.options)};",
        f"mkfsArgs = {nix_string_list(drive.mkfs_args)};",
        f"autoFormat = {'true' if drive.auto_format else 'false'};",
        f"nofail = {'true' if drive.nofail else 'false'};",
    ]
    return _block(f"{nix_attr(mount_point)} = {{", settings, "};")


def _storage(config: VmConfig) -> list[str]:
    if not config.storage:
        return []
    body = [
        line
        for mount_point, drive in sorted(config.storage.items())
        for line in _storage_entry(mount_point, drive)
    ]
    return _block("nixos-flake.storage = {", body, "};")


def _extra_packages(config: VmConfig) -> list[str]:
    if not config.extra_packages:
        return []
    packages = [nix_attr_path("pkgs", *path.split(".")) for path in config.extra_packages]
    return _block("environment.systemPackages = [", packages, "];")


def _overrides(config: VmConfig) -> list[str]:
    if not config.overrides:
        return []
    entries: list[str] = []
    for override in config.overrides:
        source = nix_attr_path("inputs", override.input_name)
        settings = [f"src = {source};"]
        if "version" not in override.attrs:
            # The library's rule: <release>+g<commit>, or +src.<digest> for a local tree.
            settings.append(f"version = nixos-flake.lib.sourceVersion old {source};")
        settings += [
            f"{nix_attr(name)} = {nix_string(value)};"
            for name, value in sorted(override.attrs.items())
        ]
        recipe = nix_attr_path("prev", override.pkg)
        entries += _block(
            f"{nix_attr(override.pkg)} = {recipe}.overrideAttrs (old: {{",
            settings,
            "});",
        )
    overlay = _block("(", ["final: prev:", *_block("{", entries, "}")], ")")
    # mkAfter: the library's own overlay, which makes these recipes accept a
    # new src, must apply first.
    return _block("nixpkgs.overlays = lib.mkAfter [", overlay, "];")


def render_default(config: VmConfig) -> str:
    sections = [
        _imports(config),
        [f"networking.hostName = {nix_string(config.vm_name)};"],
        _user(config) + [f"{nix_attr_path(*option)} = true;" for option in config.gated_options],
        _ssh_keys(config),
        _shares(config),
        _storage(config),
        _extra_packages(config),
        _overrides(config),
    ]
    body: list[str] = []
    for section in filter(None, sections):
        if body:
            body.append("")
        body += section
    header = [
        f"# Rendered by f/nix/build/render_config for VM {config.vm_name}.",
        "# Every run of the flow rewrites this file; change the flow's inputs instead.",
        "{",
        "  lib,",
        "  pkgs,",
        "  inputs,",
        "  nixos-flake,",
        "  ...",
        "}:",
    ]
    return "\n".join(header + _block("{", body, "}")) + "\n"
