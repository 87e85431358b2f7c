"""The devel profile (vendor/nixos-flake/profiles/devel) and the library's overlay it relies
on: fio's tests, symbolizing libbpf-tools, VFIO's unsafe interrupts and completion."""

import json
from pathlib import Path

from tests.real_nixos.wrapped_tree import nix

VFIO_UNSAFE_INTERRUPTS = ("vfio_iommu_type1", "iommufd")


def test_devel_brings_fio_tests_symbolizing_libbpf_tools_vfio_and_completion(guest):
    devel = guest.config["devel"]
    modprobe = guest.config["modprobeConfig"].splitlines()
    for module in VFIO_UNSAFE_INTERRUPTS:
        option = f"options {module} allow_unsafe_interrupts=1"
        rule = f"w /sys/module/{module}/parameters/allow_unsafe_interrupts - - - - 1"
        wanted = "devel" in guest.profiles
        assert (option in modprobe) is wanted, option
        assert (rule in guest.config["tmpfiles"]) is wanted, rule
    # The library's overlay is in every guest: its fio and libbpf-tools are
    # what any profile or suite installs.
    assert "fio-io-uring" in devel["fioPostInstall"]
    assert "share/fio/examples" in devel["fioPostInstall"]
    libbpf = devel["libbpfTools"]
    assert libbpf["symbolize"] is True
    assert libbpf["blazesym"] and libbpf["blazesym"] in libbpf["preBuild"]
    assert "USE_BLAZESYM=1" in libbpf["preBuild"] and "CARGO=true" in libbpf["preBuild"]
    assert 'ln -s "$name" "$out/bin/$name-libbpf"' in libbpf["postInstall"]
    if "devel" in guest.profiles:
        assert devel["vfioUnsafeInterrupts"] is True
        assert devel["bashCompletion"] is True
        assert "/share/fio" in guest.config["pathsToLink"]


def test_the_vfio_option_turns_the_unsafe_interrupts_off(guest):
    if "devel" not in guest.profiles:
        return
    apply = (
        "system: let config = (system.extendModules { modules = [ "
        "{ nixos-flake.devel.vfioUnsafeInterrupts = false; } ]; }).config; in "
        "{ modprobe = config.boot.extraModprobeConfig; tmpfiles = config.systemd.tmpfiles.rules; }"
    )
    flake = Path(guest.result["config_dir"]).resolve()
    output = nix("eval", "--json", f"path:{flake}#nixosConfigurations.imageless", "--apply", apply)
    evaluated = json.loads(output)
    assert "allow_unsafe_interrupts" not in evaluated["modprobe"]
    assert not [rule for rule in evaluated["tmpfiles"] if "allow_unsafe_interrupts" in rule]
