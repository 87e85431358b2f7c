"""The library used by hand, as its README says: the imageless template and its options."""

import json
import shutil
from pathlib import Path

import pytest

from f.nix.common.nix_syntax import nix_string
from f.nix.common.render_nix import LIBRARY_URL_PLACEHOLDER, TEMPLATE
from tests.real_nixos.wrapped_tree import CommandFailed, nix
from tests.support import LIBRARY


def template_flake(directory: Path, real_nixpkgs: str, default_nix: str | None = None) -> str:
    """``nix flake init -t <library>#imageless`` with the url filled in, locked onto the tree."""
    shutil.copytree(LIBRARY / TEMPLATE.parent, directory)
    flake = directory / "flake.nix"
    text = flake.read_text(encoding="utf-8")
    flake.write_text(
        text.replace(LIBRARY_URL_PLACEHOLDER, nix_string(f"path:{LIBRARY}")), encoding="utf-8"
    )
    if default_nix is not None:
        (directory / "default.nix").write_text(default_nix, encoding="utf-8")
    nix(
        "flake",
        "lock",
        f"path:{directory}",
        "--override-input",
        "nixos-flake/nixpkgs",
        real_nixpkgs,
    )
    return f"path:{directory}"


def template_drv(directory: Path, nixpkgs: str) -> str:
    return nix("eval", "--raw", f"{template_flake(directory, nixpkgs)}#toplevel.drvPath")


def test_the_template_evaluates_as_shipped(real_nixpkgs, early_warning, tmp_path, table):
    subject = "template imageless (as shipped)"
    early_warning.evaluate(subject, lambda nixpkgs: template_drv(tmp_path / "next", nixpkgs))
    with table.row(subject):
        drv = template_drv(tmp_path / "vm", real_nixpkgs)
    assert drv.endswith(".drv")


def failed_assertions(flake: str) -> list[str]:
    messages = nix(
        "eval",
        "--json",
        f"{flake}#nixosConfigurations.imageless.config.assertions",
        "--apply",
        "map (a: if a.assertion then null else a.message)",
    )
    return [message for message in json.loads(messages) if message]


def test_a_relative_share_is_refused(real_nixpkgs, tmp_path):
    module = """{ nixos-flake, ... }:
    {
      imports = [ nixos-flake.nixosModules.mounts.shares ];
      nixos-flake.shares."mnt".tag = "x";
    }"""
    flake = template_flake(tmp_path / "vm", real_nixpkgs, module)
    messages = failed_assertions(flake)
    assert any("must be an" in m and "absolute path" in m for m in messages), messages


def test_option_types_are_enforced(real_nixpkgs, tmp_path):
    flake = template_flake(tmp_path / "vm", real_nixpkgs, "{ nixos-flake.user.name = 3; }")
    with pytest.raises(CommandFailed, match="is not of type"):
        nix("eval", "--raw", f"{flake}#toplevel.drvPath")
