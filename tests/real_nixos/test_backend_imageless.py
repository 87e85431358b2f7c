"""The imageless backend (vendor/nixos-flake/backends/imageless), in every guest the flow
renders: file systems, initrd, SSH, consoles, no Nix, no kernel, the bootspec, the nixpkgs
commit, the network, the documentation, and the kernel command line."""

import json
from pathlib import Path

import pytest

from tests.real_nixos.boot_units import started_at_boot
from tests.real_nixos.derivations import parse_derivations
from tests.real_nixos.kernel_builds import is_kernel_build, kernel_builds, requisites
from tests.real_nixos.wrapped_tree import nix


def test_root_is_tmpfs_and_the_store_and_modules_come_over_virtiofs(guest):
    file_systems = guest.config["fileSystems"]
    assert file_systems["/"]["fsType"] == "tmpfs"
    assert "mode=0755" in file_systems["/"]["options"]
    for mount_point, tag in [("/nix/store", "store"), ("/lib/modules", "modules")]:
        assert file_systems[mount_point]["fsType"] == "virtiofs"
        assert file_systems[mount_point]["device"] == tag
        assert file_systems[mount_point]["neededForBoot"] is True


def test_systemd_initrd_without_kernel_modules(guest):
    initrd = guest.config["initrd"]
    assert initrd["enable"] and initrd["systemd"]
    assert initrd["availableKernelModules"] == [] and initrd["kernelModules"] == []
    assert initrd["includeDefaultModules"] is False


def test_ssh_takes_keys_only(guest):
    ssh = guest.config["ssh"]
    assert ssh["enable"] is True
    assert ssh["PasswordAuthentication"] is False
    assert ssh["KbdInteractiveAuthentication"] is False
    assert ssh["PermitRootLogin"] == "prohibit-password"


def test_root_gets_a_shell_on_the_host_side_consoles_and_no_password(guest):
    console = guest.config["console"]
    # hvc0 and ttyS0, whatever the kernel command line names.
    assert set(console["serialGetty"]) >= {"serial-getty@hvc0", "serial-getty@ttyS0"}
    for unit in console["serialGetty"].values():
        assert "getty.target" in unit["wantedBy"]
        # Extends the template (its agetty command); a unit of its own would not.
        assert unit["overrideStrategy"] == "asDropin"
    assert console["autologinUser"] == "root"
    assert any("--autologin root" in line for line in console["serialGettyExecStart"])
    # Nothing on the network takes a password: root has none, SSH is key-only.
    assert console["rootPassword"] is False
    assert guest.config["ssh"]["PasswordAuthentication"] is False


def test_the_guest_cannot_write_the_host_store(guest):
    assert {"ro", "nosuid", "nodev"} <= set(guest.config["fileSystems"]["/nix/store"]["options"])
    assert guest.config["nix"]["enable"] is False
    units = guest.config["services"] + guest.config["sockets"] + guest.config["timers"]
    assert not [unit for unit in units if unit.startswith(("nix-daemon", "nix-gc", "nix-optim"))]
    assert not [user for user in guest.config["users"] if user.startswith("nixbld")]
    assert "nix" not in guest.config["packages"]


def test_no_kernel_is_built(guest):
    kernel = guest.config["kernel"]
    assert kernel["enable"] is False
    assert kernel["bootspecPath"] == "/external-kernel/bzImage"
    assert kernel["bootspecPathHasContext"] is False
    assert kernel_builds(guest.config["toplevel"], guest.config["nixpkgsKernels"]) == []


def test_the_bootspec_document_names_the_initrd_and_no_kernel_build(guest):
    (boot_json,) = [
        path for path in requisites(guest.config["toplevel"]) if path.endswith("-boot.json.drv")
    ]
    derivation = parse_derivations(nix("derivation", "show", boot_json))[boot_json]
    bootspec = json.loads(derivation.env["text"])
    document = bootspec["org.nixos.bootspec.v1"]
    # The extension names exactly the virtiofs mounts of the guest.
    virtiofs = {
        (fs["device"], mount_point)
        for mount_point, fs in guest.config["fileSystems"].items()
        if fs["fsType"] == "virtiofs"
    }
    named = bootspec["org.nixos-flake.virtiofs.v1"]
    assert {(m["tag"], m["mountPoint"]) for m in named} == virtiofs
    assert {("store", "/nix/store"), ("modules", "/lib/modules")} <= virtiofs
    assert document["initrd"].startswith("/nix/store/") and document["initrd"].endswith("/initrd")
    # NixOS 26.05 and later name no kernel when they build none; the kernel
    # parameters the guest needs come in the library's own extension.
    assert "kernel" not in document and "kernelParams" not in document
    assert bootspec["org.nixos-flake.kernel.v1"] == {"kernelParams": guest.config["kernelParams"]}
    assert document["system"] == "x86_64-linux"
    assert document["label"].endswith("(Linux external)")
    assert not [drv for drv in derivation.input_drvs if is_kernel_build(drv)]


def test_the_guest_names_the_nixpkgs_commit_it_is_built_from(guest):
    if guest.tree.revision is None:
        pytest.skip("the tree's commit is not known (NIXPKGS_REVISION is not set)")
    flake = Path(guest.result["config_dir"]).resolve()
    nixos = json.loads(
        nix(
            "eval",
            "--json",
            f"path:{flake}#nixosConfigurations.imageless.config.system.nixos",
            "--apply",
            "nixos: { inherit (nixos) revision version; }",
        )
    )
    assert nixos["revision"] == guest.tree.revision
    # No date: a tree carries none, and the day of the run must not change the system.
    assert nixos["version"] == f"{guest.tree.release}.19700101.{guest.tree.revision[:7]}"


def test_networkd_configures_the_network_and_dhcpcd_is_gone(guest):
    network = guest.config["network"]
    assert network["useNetworkd"] is True and network["networkd"] is True
    assert network["dhcpcd"] is False and network["useDHCP"] is False
    assert "dhcpcd" not in guest.config["services"]
    dhcp = [n["matchConfig"]["Name"] for n in network["networks"].values() if n["dhcp"] == "yes"]
    assert dhcp == [["en*", "eth*"]]
    # DNS from DHCP reaches the guest's resolver.
    assert network["resolved"] is True


def test_nothing_started_at_boot_waits_for_the_network(guest):
    booted = started_at_boot(guest.config["boot"])
    assert "systemd-networkd.socket" in booted
    assert "network-online.target" not in booted
    assert "systemd-networkd-wait-online.service" not in booted
    # The runner units, started on demand, still get an online network.
    network = guest.config["network"]
    assert network["waitOnline"] is True
    assert "--any" in network["waitOnlineArgs"] and "--timeout=30" in network["waitOnlineArgs"]
    for unit in guest.config["runners"].values():
        assert "network-online.target" in unit["after"]


def test_no_firewall_and_every_served_port_declared_for_one(guest):
    # Off: kdevops-ng's user-mode network lets in only what the host forwards.
    assert guest.config["network"]["firewall"] is False
    assert "firewall.service" not in started_at_boot(guest.config["boot"])
    # A caller who turns it on keeps the NFS server and the exporter working.
    ports = set(guest.config["firewallTcpPorts"])
    if guest.config["enabledServices"]["nfsServer"]:
        assert {111, 2049, 4048} <= ports
    if guest.config["enabledServices"]["nodeExporter"]:
        assert guest.config["network"]["nodeExporterOpensFirewall"] is True


def test_no_documentation_but_man_pages_for_fstests(guest):
    docs = guest.config["docs"]
    # xfs/293, xfs/449 and others read the xfsprogs manual pages; nothing else reads documentation.
    man = "fstests" in guest.test_suites
    assert docs["man"] is man and docs["enable"] is man
    assert [docs[part] for part in ("info", "doc", "dev", "nixos")] == [False] * 4
    assert sorted(docs["extraOutputsToInstall"]) == (["man"] if man else [])


# The kernel command line: kdevops-ng boots with root=tmpfs, its consoles and
# init=, and drops kernel_params.

# What NixOS puts on a kernel command line by itself and the guest does not
# need from the boot side's: root=fstab (kdevops-ng passes root=tmpfs
# instead; a boot must pass one of the two, docs/design/guest.rst says so) and the order
# of the security modules (the kernel's CONFIG_LSM otherwise).
KERNEL_PARAMS_NIXOS_ADDS = ("root=fstab", "lsm=")


def test_the_guest_needs_nothing_from_kernel_params(guest):
    params = guest.config["kernelParams"]
    assert [p for p in params if not p.startswith(KERNEL_PARAMS_NIXOS_ADDS)] == []
    assert not [p for p in params if p.startswith("nfs.")]
