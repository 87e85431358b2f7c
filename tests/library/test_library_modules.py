"""Opt-in: the library's modules under nixpkgs' real module system.

Set NIXPKGS_LIB to a directory holding nixpkgs' lib/ (a nixpkgs checkout or
the nix-community/nixpkgs.lib mirror). The modules are evaluated with
stand-in NixOS option declarations and stand-in packages (stub-eval.nix):
that exercises our own options, their types and defaults and what they turn
into, without the full nixpkgs the `nixpkgs` checks need.
"""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.library.support import LIBRARY, require_tool

pytestmark = pytest.mark.nixpkgs_lib

STUB = Path(__file__).resolve().parent / "stub-eval.nix"


def package_names() -> list[str]:
    """Every name the profiles and suites take from pkgs."""
    names: set[str] = set()
    files = list(LIBRARY.glob("profiles/*/default.nix")) + list(
        LIBRARY.glob("testSuites/*/default.nix")
    )
    for path in files:
        text = path.read_text()
        for block in re.findall(r"with pkgs;\s*\[(.*?)\n\s*\]", text, re.S):
            block = re.sub(r"#.*", "", block)
            names.update(re.findall(r"(?<![.\w-])([A-Za-z_][\w-]*)(?![\w.-])", block))
        names.update(re.findall(r"pkgs\.([A-Za-z_][\w-]*)", text))
    return sorted(names - {"pkgs", "or", "linuxPackages"})


def evaluate(extra: str = "[ ]", with_suites: bool = False) -> dict:
    lib_path = os.environ.get("NIXPKGS_LIB", "").strip()
    if not lib_path:
        pytest.skip("NIXPKGS_LIB is not set: give a directory holding nixpkgs' lib/")
    if not (Path(lib_path) / "lib" / "default.nix").is_file():
        pytest.fail(f"NIXPKGS_LIB={lib_path} has no lib/default.nix")
    nix_instantiate = require_tool("nix-instantiate")
    completed = subprocess.run(
        [nix_instantiate, "--eval", "--strict", "--json", str(STUB),
         "--arg", "libPath", lib_path,
         "--argstr", "namesJson", json.dumps(package_names()),
         "--arg", "library", str(LIBRARY),
         "--arg", "extra", extra,
         "--arg", "withSuites", "true" if with_suites else "false"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_guest_shape_by_default():
    config = evaluate()
    file_systems = config["fileSystems"]
    assert file_systems["/"]["fsType"] == "tmpfs"
    for mount_point, tag in [("/nix/store", "store"), ("/lib/modules", "modules")]:
        assert file_systems[mount_point]["fsType"] == "virtiofs"
        assert file_systems[mount_point]["device"] == tag
        assert file_systems[mount_point]["neededForBoot"] is True
    boot = config["boot"]
    assert boot["kernel"]["enable"] is False
    assert boot["initrd"]["systemd"]["enable"] is True
    assert boot["initrd"]["systemd"]["emergencyAccess"] is True
    assert boot["initrd"]["availableKernelModules"] == []
    assert boot["initrd"]["kernelModules"] == []
    assert boot["initrd"]["includeDefaultModules"] is False
    assert boot["loader"]["grub"]["enable"] is False
    ssh = config["services"]["openssh"]
    assert ssh["enable"] is True
    assert ssh["settings"]["PasswordAuthentication"] is False
    assert ssh["settings"]["KbdInteractiveAuthentication"] is False
    assert ssh["settings"]["PermitRootLogin"] == "prohibit-password"
    assert config["users"]["users"]["kdevops"]["isNormalUser"] is True
    assert config["users"]["users"]["kdevops"]["extraGroups"] == ["wheel"]
    assert config["nixos-flake"]["monitoring"]["enable"] is False
    assert config["nixos-flake"]["controller"]["enable"] is False
    assert "prometheus" not in config["services"]
    assert config["assertions"] == []


def test_options_turn_into_configuration():
    config = evaluate(
        extra="""[ {
          nixos-flake.user.name = "dev";
          nixos-flake.user.extraGroups = [ "wheel" "disk" ];
          nixos-flake.monitoring.enable = true;
          nixos-flake.controller.enable = true;
          nixos-flake.shares."/mnt/linux".tag = "linux";
          nixos-flake.shares."/mnt/results" = { tag = "results"; options = [ "nofail" ]; };
        } ]""",
        with_suites=True,
    )
    assert config["users"]["users"]["dev"]["extraGroups"] == ["wheel", "disk", "libvirtd", "kvm"]
    assert "kdevops" not in config["users"]["users"]
    assert config["services"]["sysstat"]["enable"] is True
    assert config["services"]["prometheus"]["exporters"]["node"]["enable"] is True
    shares = config["fileSystems"]
    assert shares["/mnt/linux"] == {
        "device": "linux", "fsType": "virtiofs", "neededForBoot": False, "options": ["defaults"]
    }  # fmt: skip
    assert shares["/mnt/results"]["options"] == ["nofail"]
    assert config["assertions"] == []


def test_a_relative_share_is_refused():
    config = evaluate(extra='[ { nixos-flake.shares."mnt".tag = "x"; } ]')
    assert any("absolute path" in message for message in config["assertions"])


def test_option_types_are_enforced():
    lib_path = os.environ.get("NIXPKGS_LIB", "").strip()
    if not lib_path:
        pytest.skip("NIXPKGS_LIB is not set: give a directory holding nixpkgs' lib/")
    with pytest.raises(AssertionError, match="not of type"):
        evaluate(extra="[ { nixos-flake.user.name = 3; } ]")
