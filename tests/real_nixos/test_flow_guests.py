"""The flow's own three steps on the real tree, and what the evaluated guest is.

Each config runs through ``python3 -m localflow f/nix/build`` with the
wrapped tree as ``nixpkgs`` and ``dry_run: true``, exactly as a user runs the
flow; the guest is then read from the VM's
``nixosConfigurations.imageless`` (guest.nix) and its build graph.
"""

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest
from suite_runner.suites import SUITES as RUNNER_SUITES

from f.nix.common.input_checks import check_user_name
from f.nix.common.library_contract import (
    FEATURED_PROFILES,
    FEATURED_TEST_SUITES,
    PROFILES,
    RESULT_SHARES,
    SOURCE_INPUT_SUFFIX,
    TEST_SUITES,
)
from f.nix.common.nix_syntax import nix_string_list
from tests import kdevops_fstests
from tests.real_nixos import eval_warnings
from tests.real_nixos.boot_units import started_at_boot
from tests.real_nixos.derivations import parse_derivations
from tests.real_nixos.kernel_builds import is_kernel_build, kernel_builds, requisites
from tests.real_nixos.test_library_template import template_flake
from tests.real_nixos.wrapped_tree import CommandFailed, Tree, nix
from tests.support import (
    OFFLINE_NIX_CONFIG,
    REPOSITORY,
    flow_inputs,
    localflow_argv,
)

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPf0DyGEQSIDYKT7+Ef5WzBEp2AYVZDhZ5fCzVOVXyA4 dev@host"
OTHER_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC1/TyU8UP5Mb8rMyTjtkzxU6J3EEXHQ8Yq3x8/1a3Xb ci@host"
)
OVERRIDDEN = ["fio", "xfsprogs", "xfstests", "libbpf-tools", "cpupower"]
# What the tests read off a guest (guest.nix): a function of the overridden
# packages and the guest's nixosConfiguration.
GUEST_SUMMARY = Path(__file__).with_name("guest.nix")


# Two disks: one the library's own unit formats with mkfs_args, one NixOS's
# systemd-makefs formats (auto_format) and the boot requires (no nofail).
STORAGE = {
    "/mnt/scratch": {
        "device": "/dev/vdb",
        "fs_type": "xfs",
        "mkfs_args": ["-b", "size=4096", "-m", "reflink=1"],
    },
    "/mnt/test": {
        "device": "/dev/disk/by-id/virtio-test",
        "fs_type": "ext4",
        "options": ["noatime"],
        "auto_format": True,
        "nofail": False,
    },
}


def entries(by_mount_point: dict) -> list[dict]:
    """A map by mount point as the list of entries Windmill's form sends for it."""
    return [
        {"mount_point": mount_point, **({"tag": value} if isinstance(value, str) else value)}
        for mount_point, value in by_mount_point.items()
    ]


def by_mount_point(value: dict | list) -> dict:
    """The map a list of entries stands for (a map stays as it is)."""
    if isinstance(value, dict):
        return value
    return {entry["mount_point"]: {k: v for k, v in entry.items() if k != "mount_point"}
            for entry in value}  # fmt: skip


SHARES = {
    "/mnt/linux": {"tag": "linux", "options": ["ro", "nofail"]},
    "/mnt/results": "results",
}


def every_input(sources: Path) -> dict:
    """All four profiles, every suite, source overrides, shares, packages, groups, user and keys."""
    overrides = []
    for package in OVERRIDDEN:
        checkout = sources / package
        checkout.mkdir(parents=True, exist_ok=True)
        (checkout / "README").write_text(f"a local {package} tree\n")
        overrides.append({"pkg": package, "src": str(checkout)})
    # Each map as the form sends it: entries, not free keys.
    overrides[0]["attrs"] = [{"name": "version", "value": "3.99-local"}]
    return {
        # Upper case and '_': what NixOS takes as a host name.
        "vm_name": "Every_Input1",
        "user_name": "dev",
        "profiles": list(PROFILES),
        "test_suites": list(TEST_SUITES),
        "ssh_keys": [KEY, OTHER_KEY],
        "shares": entries(SHARES),
        "overrides": overrides,
        "extra_groups": ["wheel", "disk"],
        "home": True,
        "home_dir": "/home/op",
        "extra_packages": ["strace", "linuxPackages.cpupower", "python3Packages.pyyaml"],
        "storage": entries(STORAGE),
    }


CONFIGS = {
    "featured default": lambda sources: {},
    "empty selection": lambda sources: {"profiles": [], "test_suites": []},
    "every input": every_input,
}


@dataclass
class Guest:
    name: str
    inputs: dict
    result: dict
    config: dict = field(repr=False)
    tree: Tree | None = None

    @property
    def profiles(self) -> tuple[str, ...]:
        return tuple(self.inputs.get("profiles", FEATURED_PROFILES))

    @property
    def test_suites(self) -> tuple[str, ...]:
        return tuple(self.inputs.get("test_suites", FEATURED_TEST_SUITES))

    @property
    def shares(self) -> dict:
        return by_mount_point(self.inputs.get("shares", {}))

    @property
    def storage(self) -> dict:
        return by_mount_point(self.inputs.get("storage", {}))

    @property
    def user(self) -> str:
        return self.inputs.get("user_name", "kdevops")

    def has_tmpfile(self, prefix: str) -> bool:
        return any(rule.startswith(prefix) for rule in self.config["tmpfiles"])


def run_flow(inputs: dict, workers: Path) -> dict:
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("WM_")},
        "WORKERS_DIR": str(workers),
        "NIX_CONFIG": OFFLINE_NIX_CONFIG,
    }
    env.pop("NIXOS_FLAKE_DIR", None)
    argv = localflow_argv(inputs)
    completed = subprocess.run(argv, cwd=REPOSITORY, capture_output=True, text=True, env=env)
    eval_warnings.heard(completed.stderr)
    if completed.returncode != 0:
        raise CommandFailed(argv, completed.stderr)
    return json.loads(completed.stdout)


def read_guest(config_dir: str) -> dict:
    # nix is handed the generation the VM's link points to, as the steps do.
    flake = Path(config_dir).resolve()
    summary = f"({GUEST_SUMMARY.read_text(encoding='utf-8')}) {nix_string_list(OVERRIDDEN)}"
    output = nix(
        "eval", "--json", f"path:{flake}#nixosConfigurations.imageless", "--apply", summary
    )
    return json.loads(output)


# Each config on the supported tree, then on the early-warning tree: there its
# assertions are reported, never failing the run (conftest.py).
GUEST_PARAMS = [(name, tree) for tree in ("supported", "next") for name in CONFIGS]


def guest_id(param: tuple[str, str]) -> str:
    name, tree = param
    return name.replace(" ", "-") + ("@next" if tree == "next" else "")


@pytest.fixture(scope="module", params=GUEST_PARAMS, ids=guest_id)
def guest(request, real_tree, early_warning, tmp_path_factory, table) -> Guest:
    name, which = request.param
    if which == "next":
        if early_warning.tree is None:
            pytest.skip("NIXPKGS_NEXT is not set: no early-warning tree")
        tree, column, strict = early_warning.tree, early_warning.column, False
    else:
        tree, column, strict = real_tree, "", True
    nixpkgs = tree.reference
    scratch = tmp_path_factory.mktemp(guest_id(request.param))
    inputs = {"vm_name": name.replace(" ", "-"), **CONFIGS[name](scratch / "sources")}
    with table.row(f"flow: {name}", column, strict=strict):
        result = run_flow(flow_inputs(**inputs, nixpkgs=nixpkgs, dry_run=True), scratch / "workers")
        config = read_guest(result["config_dir"])
    return Guest(name, inputs, result, config, tree)


# The backend, in every guest.


def test_the_dry_run_names_what_it_would_build(guest):
    assert guest.result["dry_run"] is True
    assert guest.result["toplevel"].startswith("/nix/store/")
    assert any(path.endswith(".drv") for path in guest.result["will_build"])
    assert guest.config["assertions"] == []


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


def test_a_running_guest_can_switch_to_a_rebuilt_toplevel(guest):
    """The result's switch command exists in the toplevel.

    NixOS refuses a switch only when an inhibitor's value changes between
    the running system and the new one (the D-Bus implementation, here).
    """
    switch = guest.config["switch"]
    assert switch["enable"] is True and switch["command"] is True
    assert set(switch["inhibitors"]) <= {"dbus-implementation"}


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


def test_the_host_name_is_the_vm_name(guest):
    assert guest.config["hostName"] == guest.inputs["vm_name"]


# A lean boot (docs/design/guest.rst, "What the featured guest starts at boot").

BOOT_DOC = REPOSITORY / "docs" / "design" / "guest.rst"
UNIT_NAME = re.compile(r"[\w@:.\\-]+\.(?:service|socket|target|timer|path|mount|slice)")
# What NixOS puts on a kernel command line by itself and the guest does not
# need from the boot side's: root=fstab (kdevops-ng passes root=tmpfs
# instead; a boot must pass one of the two, docs/design/guest.rst says so) and the order
# of the security modules (the kernel's CONFIG_LSM otherwise).
KERNEL_PARAMS_NIXOS_ADDS = ("root=fstab", "lsm=")


def documented_boot_units() -> set[str]:
    """The units docs/design/guest.rst says the featured guest starts at boot."""
    text = BOOT_DOC.read_text(encoding="utf-8")
    begin, end = ".. boot-units: begin", ".. boot-units: end"
    assert begin in text and end in text, f"{BOOT_DOC} has no {begin!r} ... {end!r} list"
    return set(UNIT_NAME.findall(text.split(begin, 1)[1].split(end, 1)[0]))


def test_the_guest_boots_only_the_units_the_docs_list(guest):
    booted = set(started_at_boot(guest.config["boot"]))
    listed = documented_boot_units()
    if guest.name == "featured default":
        assert sorted(booted - listed) == [] and sorted(listed - booted) == []
    else:
        # Fewer suites and profiles start fewer units; every input adds only
        # the controller profile's libvirt and the polkit it asks for.
        controller = ("libvirt", "virt", "polkit")
        extra = {unit for unit in booted - listed if not unit.startswith(controller)}
        assert sorted(extra) == []


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


def test_no_package_brings_its_dev_output_but_the_build_tools_libraries(guest):
    assert "dev" not in guest.config["docs"]["extraOutputsToInstall"]
    # The headers and pkg-config files of what a kernel and the test tools
    # build against, for a compiler run by hand; nothing else's.
    expected = set()
    if "build-tools" in guest.profiles:
        expected = {"elfutils", "openssl", "ncurses", "zlib", "xz", "zstd", "bzip2", "lz4", "kmod"}
        assert "/include" in guest.config["pathsToLink"]
    assert set(guest.config["devOutputs"]) == expected


# The kernel command line: kdevops-ng boots with root=tmpfs, its consoles and
# init=, and drops kernel_params.


def test_the_guest_needs_nothing_from_kernel_params(guest):
    params = guest.config["kernelParams"]
    assert [p for p in params if not p.startswith(KERNEL_PARAMS_NIXOS_ADDS)] == []
    assert not [p for p in params if p.startswith("nfs.")]


# The user and the inputs that shape the guest.


def test_the_user_and_its_keys(guest):
    users = guest.config["users"]
    user = users[guest.user]
    assert user["isNormalUser"] is True
    expected_groups = guest.inputs.get("extra_groups") or ["wheel"]
    assert user["extraGroups"][: len(expected_groups)] == expected_groups
    keys = guest.inputs.get("ssh_keys", [])
    assert user["keys"] == keys and users["root"]["keys"] == keys
    if guest.user != "kdevops":
        assert "kdevops" not in users


def test_shares_become_virtiofs_mounts(guest):
    file_systems = guest.config["fileSystems"]
    shares = dict(guest.shares)
    if guest.inputs.get("home"):
        # The operator's home: a share with tag home, and root's home.
        shares[guest.inputs["home_dir"]] = "home"
        assert guest.config["users"]["root"]["home"] == guest.inputs["home_dir"]
    for name, mount_point in RESULT_SHARES.items():
        if name in guest.test_suites:
            # Results on the host; the suite's module creates the directory.
            shares.setdefault(mount_point, {"tag": name, "options": ["nofail"]})
            assert guest.has_tmpfile(f"d {mount_point} ")
        if name in guest.profiles:
            shares.setdefault(mount_point, {"tag": name, "options": ["nofail"]})
    for mount_point, share in shares.items():
        tag, options = (
            (share, []) if isinstance(share, str) else (share["tag"], share.get("options", []))
        )
        assert file_systems[mount_point]["device"] == tag
        assert file_systems[mount_point]["fsType"] == "virtiofs"
        assert set(options) <= set(file_systems[mount_point]["options"])
    storage = guest.storage
    assert set(file_systems) == {"/", "/nix/store", "/lib/modules", *shares, *storage}


def test_storage_becomes_mounts_and_a_blank_disk_is_formatted_once(guest):
    units = guest.config["storage"]["formatUnits"]
    if not guest.storage:
        assert guest.config["storage"]["entries"] == {} and units == {}
        return
    file_systems = guest.config["fileSystems"]
    scratch, test = file_systems["/mnt/scratch"], file_systems["/mnt/test"]
    assert (scratch["device"], scratch["fsType"], scratch["options"]) == (
        "/dev/vdb",
        "xfs",
        ["nofail"],
    )
    # NixOS's own first-mount format (systemd-makefs); no nofail: the boot needs it.
    assert (test["device"], test["fsType"]) == ("/dev/disk/by-id/virtio-test", "ext4")
    assert sorted(test["options"]) == ["noatime", "x-systemd.makefs"]
    assert not scratch["neededForBoot"] and not test["neededForBoot"]
    assert {"xfs", "ext4"} <= set(guest.config["supportedFilesystems"])
    # Only the mkfs_args disk gets a unit of ours, under upstream's name.
    assert list(units) == ["format-dev-vdb"]
    unit = units["format-dev-vdb"]
    # After the device, before its fsck and its mount, which cannot go on without it.
    assert unit["requires"] == unit["after"] == ["dev-vdb.device"]
    assert sorted(unit["before"]) == ["mnt-scratch.mount", "systemd-fsck@dev-vdb.service"]
    assert unit["requiredBy"] == ["mnt-scratch.mount"]
    assert unit["DefaultDependencies"] is False and unit["conflicts"] == ["shutdown.target"]
    assert (unit["Type"], unit["RemainAfterExit"]) == ("oneshot", True)
    mkfs = r'"/nix/store/[a-z0-9]{32}-util-linux-[^"/]+/bin/mkfs"'
    assert re.fullmatch(
        mkfs + r' "--type" "xfs" "-b" "size=4096" "-m" "reflink=1" "/dev/vdb"', unit["ExecStart"]
    ), unit["ExecStart"]
    # mkfs finds mkfs.xfs on the unit's PATH.
    assert {"util-linux", "xfsprogs"} <= set(unit["path"])
    # Formats only when blkid finds no signature at all (exit 2); 0 (a file
    # system, of any type) and 8 (several) skip the unit.
    condition = unit["condition"]
    assert "\ndevice=/dev/vdb\n" in condition
    assert re.search(r'/bin/blkid --probe "\$device"\nstatus=\$\?\n', condition), condition
    assert "  2) exit 0 ;;" in condition and condition.rstrip().endswith("exit 1")
    assert condition.count("exit 0") == 1


def test_a_disk_the_library_cannot_mount_is_refused_by_name(guest):
    if not guest.storage:
        return
    # What the flow refuses before nix, the library refuses too, naming the mount point.
    extra = """{
      nixos-flake.storage = {
        "/nix/store" = { device = "/dev/vdx"; fsType = "xfs"; };
        "/mnt/linux" = { device = "/dev/vdy"; fsType = "xfs"; autoFormat = true; };
        "/mnt/both" = { device = "/dev/vdz"; fsType = "xfs"; autoFormat = true; mkfsArgs = [ "-f" ]; };
      };
    }"""
    apply = (
        "system: let extended = system.extendModules { modules = [ "
        + extra
        + " ]; }; in { failed = map (a: a.message) (builtins.filter (a: !a.assertion) "
        "extended.config.assertions); fileSystems = builtins.mapAttrs (_: fs: fs.device) "
        "extended.config.fileSystems; }"
    )
    flake = Path(guest.result["config_dir"]).resolve()
    output = nix("eval", "--json", f"path:{flake}#nixosConfigurations.imageless", "--apply", apply)
    evaluated = json.loads(output)
    failed = evaluated["failed"]
    assert any(
        message.startswith('nixos-flake.storage."/nix/store": the imageless backend mounts /,')
        for message in failed
    ), failed
    assert any(
        message.startswith('nixos-flake.storage."/mnt/linux": nixos-flake.shares mounts')
        for message in failed
    ), failed
    assert 'nixos-flake.storage."/mnt/both": autoFormat and mkfsArgs are mutually exclusive' in (
        "\n".join(failed)
    )
    # No such entry reached fileSystems: the store and the share stay as they were.
    assert evaluated["fileSystems"]["/nix/store"] == "store"
    assert evaluated["fileSystems"]["/mnt/linux"] == "linux"
    assert "/mnt/both" not in evaluated["fileSystems"]


def test_extra_packages_are_installed(guest):
    # Package names as the guest lists them, for the attributes every_input() asks for.
    names = {
        "strace": "strace",
        "linuxPackages.cpupower": "cpupower",
        "python3Packages.pyyaml": "pyyaml",
    }
    for attribute in guest.inputs.get("extra_packages", []):
        assert names[attribute] in guest.config["packages"]


def test_source_overrides_are_what_gets_installed(guest):
    overrides = {o["pkg"]: o for o in guest.inputs.get("overrides", [])}
    for package, built in guest.config["overridable"].items():
        source_input = f"{package}{SOURCE_INPUT_SUFFIX}"
        if package not in overrides:
            assert source_input not in guest.config["sourceInputs"]
            continue
        assert built["src"] == guest.config["sourceInputs"][source_input]
        attrs = {entry["name"]: entry["value"] for entry in overrides[package].get("attrs", [])}
        for name, value in attrs.items():
            assert built[name] == value
        if "version" not in attrs:
            # The recipe's release, then what the local tree holds: the store
            # path says it is not the release.
            release, _, source = built["version"].partition("+")
            assert release and source.startswith("src.") and len(source) == 11, built
            assert set(source.removeprefix("src.")) <= set("0123456789abcdef"), built
            assert f"-{built['version']}" in built["out"], built
        if package in ("fio", "xfsprogs", "xfstests", "libbpf-tools", "cpupower"):
            # Installed by the suites (fio, xfsprogs), fstests itself and the
            # devel profile (libbpf-tools, cpupower).
            assert built["out"] in guest.config["packagePaths"]


# Each suite and profile: present when selected, absent otherwise.


@dataclass(frozen=True)
class Expected:
    packages: frozenset[str] = frozenset()
    # The package that only this suite or profile installs.
    own: str | None = None
    users: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    tmpfiles: tuple[str, ...] = ()
    services: frozenset[str] = frozenset()
    variables: tuple[tuple[str, str], ...] = ()
    etc: frozenset[str] = frozenset()
    sysctl: tuple[tuple[str, int], ...] = ()
    enabled: frozenset[str] = frozenset()
    # The runner unit's template name and the suite-run suite it runs.
    runner: tuple[str, str] | None = None
    # FHS paths the suite's scripts hard-code, linked at boot.
    fhs: frozenset[str] = frozenset()
    exports: frozenset[str] = frozenset()


SUITES = {
    "blktests": Expected(
        packages=frozenset(
            {
                *("blktests", "fio", "nvme-cli", "xnvme", "multipath-tools", "nbd"),
                # Whole groups (md, blktrace) and single tests call these.
                *("mdadm", "blktrace", "parted", "cryptsetup", "expect", "bc"),
                *("pciutils", "sg3_utils", "gzip"),
                # Makes a SCSI test device by hand (LIO through tcm_loop).
                "targetcli-fb",
            }
        ),
        own="blktests",
        etc=frozenset({"blktests/config"}),
        # targetcli's saved configuration, without which it does not start.
        tmpfiles=("d /etc/target ",),
        runner=("blktests", "blktests"),
    ),
    "fstests": Expected(
        packages=frozenset(
            {
                *("xfstests", "xfsprogs", "fio", "xfsdump", "duperemove", "liburing"),
                *("nfs-utils", "checkbashisms", "thin-provisioning-tools", "acct"),
            }
        ),
        own="xfstests",
        # The README's accounts, and the dump tests' daemon, bin and sys.
        users=frozenset({"fsgqa", "fsgqa2", "123456-fsgqa", "daemon", "bin"}),
        groups=frozenset({"fsgqa", "fsgqa2", "123456-fsgqa", "daemon", "bin", "sys"}),
        services=frozenset({"xfs-bug-on-assert"}),
        runner=("xfstests", "fstests"),
        fhs=frozenset({"/bin/bash", "/usr/bin/awk", "/usr/bin/perl", "/usr/bin/time"}),
        exports=frozenset({"/export/test", "/export/scratch"}),
        enabled=frozenset({"nfsServer"}),
    ),
    "gitr": Expected(
        packages=frozenset({"gitr", "git", "perl"}),
        own="gitr",
        runner=("gitr", "gitr"),
        fhs=frozenset({"/bin/bash"}),
    ),
    "kunit": Expected(
        packages=frozenset({"kunit-runner", "kmod"}),
        own="kunit-runner",
        tmpfiles=("d /var/lib/kunit ",),
        runner=("kunit", "kunit"),
    ),
    "ltp": Expected(
        packages=frozenset({"ltp", "numactl", "gzip"}),
        own="ltp",
        users=frozenset({"bin", "daemon"}),
        groups=frozenset({"bin", "daemon"}),
        tmpfiles=("L+ /opt/ltp ",),
        variables=(("LTPROOT", "/opt/ltp"),),
        runner=("ltp", "ltp"),
        fhs=frozenset({"/bin/bash"}),
    ),
    "mmtests": Expected(
        packages=frozenset({"mmtests", "damo", "perf-linux", "R", "cpupower"}),
        own="mmtests",
        tmpfiles=("C /var/lib/mmtests-tree ",),
        variables=(("ASSUME_PACKAGE_INSTALLED", "yes"),),
        runner=("mmtests", "mmtests"),
        fhs=frozenset({"/bin/bash", "/bin/kill", "/usr/bin/time", "/usr/bin/perl"}),
    ),
    "pynfs": Expected(
        packages=frozenset({"pynfs", "nfstest", "nfs-utils", "krb5"}),
        own="pynfs",
        tmpfiles=("d /var/lib/pynfs/nfstest ",),
        enabled=frozenset({"rpcbind", "nfsServer"}),
        runner=("pynfs", "pynfs"),
        exports=frozenset({"/export/pynfs", "/export/nfstest"}),
    ),
    "selftests": Expected(
        packages=frozenset({"bpftools", "iproute2", "nftables", "socat", "trace-cmd"}),
        runner=("kselftest", "kselftest"),
        fhs=frozenset({"/bin/bash", "/usr/bin/timeout", "/sbin/modprobe"}),
    ),
    "sysbench": Expected(
        packages=frozenset({"sysbench"}),
        own="sysbench",
        enabled=frozenset({"mysql", "postgresql"}),
        runner=("sysbench", "sysbench"),
    ),
    "usertests": Expected(
        packages=frozenset({"usertests-runner", "liburcu", "gcc-wrapper", "gnumake"}),
        own="usertests-runner",
        tmpfiles=("d /var/lib/usertests ",),
        variables=(("USERTESTS_TREE", "/mnt/linux"),),
        runner=("usertests", "usertests"),
    ),
}

# The monitoring profile's template units and the directory each writes in.
MONITORS = {
    "sysstat": "sysstat",
    "cpu-governor": "cpu_governor",
    "blkalgn": "blkalgn",
    "biolatency": "biolatency",
}

PROFILE_EXPECTATIONS = {
    "devel": Expected(
        packages=frozenset(
            {
                *("gdb", "crash", "strace", "bpftrace", "perf-linux", "libbpf-tools", "b4", "vim"),
                # Everyday storage, I/O and performance tools, whatever the suites bring.
                *("fio", "nvme-cli", "libnvme", "sg3_utils", "xnvme", "liburing"),
                *("stress-ng", "blktrace", "cpupower", "damo", "numactl", "iperf"),
                *("powertop", "pagemon"),
            }
        ),
        own="crash",
        sysctl=(("kernel.kptr_restrict", 0), ("kernel.perf_event_paranoid", -1)),
    ),
    "build-tools": Expected(
        packages=frozenset(
            {"gcc-wrapper", "clang-wrapper", "gnumake", "flex", "bison", "pahole", "sparse"}
        ),
        own="clang-wrapper",
        variables=(("C_INCLUDE_PATH", "/run/current-system/sw/include"),),
    ),
    "monitoring": Expected(
        packages=frozenset({"sysstat", "fastfetch", "iotop", "htop", "numactl"}),
        own="fastfetch",
        services=frozenset(f"monitor-{name}@" for name in MONITORS),
    ),
    "controller": Expected(
        packages=frozenset({"virtiofsd"}),
        own="virtiofsd",
        services=frozenset({"libvirtd"}),
        enabled=frozenset({"libvirtd"}),
    ),
}


def assert_present(guest: Guest, what: str, expected: Expected) -> None:
    config = guest.config
    missing = expected.packages - set(config["packages"])
    assert not missing, f"{what}: packages missing: {sorted(missing)}"
    assert expected.users <= set(config["users"]), what
    assert expected.groups <= set(config["groups"]), what
    for prefix in expected.tmpfiles:
        assert guest.has_tmpfile(prefix), f"{what}: no tmpfiles rule {prefix!r}"
    assert expected.services <= set(config["services"]), what
    for name, value in expected.variables:
        assert config["variables"].get(name) == value, f"{what}: {name}"
    assert expected.etc <= set(config["etc"]), what
    for name, value in expected.sysctl:
        assert config["kernel"]["sysctl"].get(name) == value, f"{what}: {name}"
    for service in expected.enabled:
        assert config["enabledServices"][service] is True, f"{what}: {service}"
    if expected.runner:
        unit = expected.runner[0]
        assert unit in config["runners"], f"{what}: no runner unit {unit}@"
        assert f"{unit}@" in config["services"], what
    for path in expected.fhs:
        assert fhs_link(guest, path), f"{what}: {path} is not linked at boot"
    for directory in expected.exports:
        assert exported(guest, directory), f"{what}: {directory} is not exported"


def fhs_link(guest: Guest, path: str) -> str | None:
    """The store program an FHS path links to (a tmpfiles L+ rule), if any."""
    for rule in guest.config["tmpfiles"]:
        fields = rule.split()
        if fields[:2] == ["L+", path]:
            return fields[-1]
    return None


def exported(guest: Guest, directory: str) -> bool:
    return any(line.split()[:1] == [directory] for line in guest.config["nfsExports"].splitlines())


def assert_absent(guest: Guest, what: str, expected: Expected) -> None:
    config = guest.config
    if expected.own:
        assert expected.own not in config["packages"], what
    assert not expected.users & set(config["users"]), what
    for prefix in expected.tmpfiles:
        assert not guest.has_tmpfile(prefix), f"{what}: tmpfiles rule {prefix!r}"
    assert not expected.services & set(config["services"]), what
    for name, _ in expected.variables:
        assert name not in config["variables"], f"{what}: {name}"
    for service in expected.enabled:
        if not any(
            service in SUITES[suite].enabled for suite in guest.test_suites if suite in SUITES
        ):
            assert config["enabledServices"][service] is False, f"{what}: {service}"
    if expected.runner:
        assert expected.runner[0] not in config["runners"], what


def assert_selected(guest: Guest, kind: str, expectations: dict, selected: tuple[str, ...]):
    for name, expected in expectations.items():
        check = assert_present if name in selected else assert_absent
        check(guest, f"{kind} {name}", expected)


def test_each_selected_suite_is_installed_with_what_it_needs(guest):
    assert_selected(guest, "suite", SUITES, guest.test_suites)


def test_each_suites_runner_unit_files_its_results_in_the_suites_share(guest):
    for suite in guest.test_suites:
        if not SUITES[suite].runner:
            continue
        unit, runner_suite = SUITES[suite].runner
        assert runner_suite in RUNNER_SUITES, f"suite-run does not know {runner_suite}"
        service = guest.config["runners"][unit]
        program, *arguments = service["ExecStart"].split()
        assert program.startswith("/nix/store/") and program.endswith("/bin/suite-run")
        # The instance, escaped as the suite names it, and the share as results.
        assert arguments[0] == runner_suite and arguments[1] in ("%i", "%I", "%f")
        assert arguments[2:] == ["--results", RESULT_SHARES[suite]]
    if "pynfs" in guest.test_suites:
        # NFStest's unit files its runs inside the pynfs share.
        nfstest = guest.config["runners"]["nfstest"]["ExecStart"].split()
        assert nfstest[1:] == ["nfstest", "%i", "--results", "/var/lib/pynfs/nfstest"]
        assert service["Type"] == "oneshot" and service["TimeoutStartSec"] == "infinity"
        assert {"remote-fs.target", "kernel-config.service"} <= set(service["after"])
    if any(SUITES[suite].runner for suite in guest.test_suites):
        # The kernel's .config: linked at boot, exported to login shells.
        assert "kernel-config" in guest.config["services"]
        assert "KCONFIG_PATH" in guest.config["shellInit"]
        assert "suite-runner" in guest.config["packages"]
    else:
        assert "kernel-config" not in guest.config["services"]


def test_the_fhs_paths_link_to_the_programs_they_name(guest):
    names = {
        "/bin/bash": "bash",
        "/usr/bin/awk": "awk",
        "/usr/bin/perl": "perl",
        "/usr/bin/python3": "python3",
        "/usr/bin/time": "time",
        "/usr/bin/timeout": "timeout",
        "/sbin/modprobe": "modprobe",
        "/bin/kill": "kill",
    }
    wanted = set().union(*(SUITES[suite].fhs for suite in guest.test_suites))
    for path in wanted:
        target = fhs_link(guest, path)
        assert target.startswith("/nix/store/") and target.endswith(f"/bin/{names[path]}")
    if "mmtests" in guest.test_suites:
        # mmtests' scripts need its perl modules; the other suites take any perl.
        assert "perl" in fhs_link(guest, "/usr/bin/perl") and "env" in fhs_link(
            guest, "/usr/bin/perl"
        )
        assert "ASSUME_PACKAGE_INSTALLED" in guest.config["sudoConfig"]
    if not guest.test_suites:
        assert not [rule for rule in guest.config["tmpfiles"] if rule.startswith("L+ /bin/")]


def test_the_nfs_suites_get_a_server_a_client_and_a_callback_port(guest):
    if not {"fstests", "pynfs"} & set(guest.test_suites):
        assert guest.config["enabledServices"]["nfsServer"] is False
        return
    assert guest.config["enabledServices"]["rpcbind"] is True
    # A modular nfs takes the port when it loads, a built-in one at boot:
    # not from the kernel command line, which kdevops-ng's boot leaves out.
    assert "options nfs callback_tcpport=4048" in guest.config["modprobeConfig"]
    port_rule = "w /sys/module/nfs/parameters/callback_tcpport - - - - 4048"
    assert port_rule in guest.config["tmpfiles"]
    assert not [p for p in guest.config["kernelParams"] if p.startswith("nfs.")]
    assert 4048 in guest.config["firewallTcpPorts"]
    assert {111, 2049} <= set(guest.config["firewallTcpPorts"])
    # The NFS client: mount.nfs and statd for NFSv3 locks.
    assert "nfs" in guest.config["supportedFilesystems"]
    assert "rpc-statd" in guest.config["services"]
    if "pynfs" in guest.test_suites:
        # pynfs' own NFSv4.0 callback listener, on an ephemeral port.
        assert {"from": 32768, "to": 60999} in guest.config["firewallTcpPortRanges"]
    if "fstests" in guest.test_suites:
        assert "cifs" in guest.config["supportedFilesystems"]
        assert "cifs-utils" in guest.config["packages"]
    for line in guest.config["nfsExports"].splitlines():
        assert "rw" in line and "no_root_squash" in line and "fsid=" in line


def test_fstests_keeps_kdevops_ngs_fstests_contract(guest):
    """What kdevops-ng's f/fstests discover, start and collect rely on (tests/kdevops_fstests)."""
    tree = fhs_link(guest, str(PurePosixPath(kdevops_fstests.GUEST_CHECK).parent))
    if "fstests" not in guest.test_suites:
        assert tree is None and kdevops_fstests.UNIT_TEMPLATE not in guest.config["services"]
        return
    # discover: `test -x /usr/lib/xfstests/check` and `systemctl cat xfstests@.service`.
    assert tree == guest.config["xfstests"]["tree"]
    assert kdevops_fstests.UNIT_TEMPLATE in guest.config["services"]
    # The share the host writes local.config and check.env to, and reads results from.
    share = guest.config["fileSystems"][kdevops_fstests.GUEST_STATE_DIR]
    assert (share["device"], share["fsType"]) == (kdevops_fstests.SHARE_TAG, "virtiofs")
    # check.env is the unit's EnvironmentFile; without one the unit runs its own arguments.
    unit = guest.config["runners"][kdevops_fstests.UNIT_TEMPLATE.rstrip("@")]
    check_env = f"{kdevops_fstests.GUEST_STATE_DIR}/{kdevops_fstests.CHECK_ENV}"
    assert unit["EnvironmentFile"] == [f"-{check_env}"]
    assert unit["environment"]["XFSTESTS_CHECK_ARGS"] == "-g auto"
    # Results on the share, where the runner has fstests file them by kernel release.
    assert unit["ExecStart"].split()[1:] == [
        "fstests",
        "%i",
        "--results",
        kdevops_fstests.GUEST_STATE_DIR,
    ]
    assert RUNNER_SUITES["fstests"].tree == str(PurePosixPath(kdevops_fstests.GUEST_CHECK).parent)
    # check's form lists the groups from the installed tree's doc/.
    assert f'"$out/{kdevops_fstests.GROUP_NAMES}"' in guest.config["xfstests"]["postInstall"]


def test_fstests_has_what_its_single_tests_ask_for(guest):
    config = guest.config
    bug_on_assert = config["xfsBugOnAssert"]
    if "fstests" not in guest.test_suites:
        assert bug_on_assert is None and "xfsprogs:out" not in config["systemdPackages"]
        return
    # xfs/802: the python3 first on PATH imports dbus, and /usr/bin/python3 is that one.
    first, *others = config["python3OnPath"]
    assert "dbus-python" in first["modules"]
    assert all(first["priority"] < other["priority"] for other in others)
    assert fhs_link(guest, "/usr/bin/python3") == "/run/current-system/sw/bin/python3"
    # xfs/293 and the other documentation tests: man and the manual pages.
    assert (config["docs"]["enable"], config["docs"]["man"]) == (True, True)
    # xfs/802, the scrub tests: xfsprogs' unit files; xfs/657 and on: xfs_healer.
    assert "xfsprogs:out" in config["systemdPackages"]
    assert fhs_link(guest, "/usr/libexec/xfsprogs") == config["xfstests"]["xfsprogsLibexec"]
    # losetup's loop, and xfs with its assertions turned into warnings.
    assert {"loop", "xfs"} <= set(config["kernelModules"])
    knob = "/sys/fs/xfs/debug/bug_on_assert"
    assert bug_on_assert["script"].strip() == f"echo 0 > {knob}"
    assert bug_on_assert["condition"] == knob
    assert "systemd-modules-load.service" in bug_on_assert["after"]
    assert "multi-user.target" in bug_on_assert["wantedBy"]
    # The test accounts keep their ids from guest to guest.
    users = config["users"]
    assert [users[name]["uid"] for name in ("fsgqa", "fsgqa2", "123456-fsgqa")] == [
        1501,
        1502,
        123456,
    ]


def test_blktests_runs_unprivileged_tests_as_the_guests_user(guest):
    if "blktests" not in guest.test_suites:
        return
    assert guest.config["blktestsConfig"].splitlines()[0] == f"NORMAL_USER={guest.user}"


def test_sysbench_has_both_databases_and_both_drivers_for_its_oltp_workloads(guest):
    if "sysbench" not in guest.test_suites:
        return
    assert guest.config["mysqlDatabases"] == ["sbtest"]
    assert guest.config["postgresqlDatabases"] == ["sbtest"]
    flags = guest.config["sysbenchConfigureFlags"]
    assert "--with-pgsql" in flags
    assert any(flag.startswith("--with-mysql-libs=") for flag in flags)


def test_fstests_is_a_current_release_built_with_gdbm_and_liburing(guest):
    if "fstests" not in guest.test_suites:
        return
    xfstests = guest.config["xfstests"]
    if "xfstests" not in {o["pkg"] for o in guest.inputs.get("overrides", [])}:
        assert xfstests["version"] == "2026.06.21"
    assert {"gdbm", "liburing"} <= set(xfstests["buildInputs"])


def test_each_selected_profile_brings_its_services_and_sysctls(guest):
    assert_selected(guest, "profile", PROFILE_EXPECTATIONS, guest.profiles)
    sysctl = guest.config["kernel"]["sysctl"]
    if "devel" not in guest.profiles:
        # NixOS' own default, which devel lowers.
        assert sysctl["kernel.kptr_restrict"] == 1
    if "controller" in guest.profiles:
        assert {"libvirtd", "kvm"} <= set(guest.config["users"][guest.user]["extraGroups"])


VFIO_UNSAFE_INTERRUPTS = ("vfio_iommu_type1", "iommufd")


# What fastfetch can read desktops, GPUs, sound and images with, none of which a headless
# guest has: the builds a full fastfetch brings into the build graph.
DESKTOP_LIBRARIES = re.compile(
    r"-(gtk[34]|efl|imagemagick|chafa|vulkan-loader|wayland|libX11|libxcb|mesa|libglvnd|"
    r"ocl-icd|libpulseaudio|ddcutil|dconf|xfconf|zfs-user|rpm)-[0-9][^/]*\.drv$"
)


FASTFETCH = re.compile(r"-fastfetch-[0-9.]+\.drv$")


def test_monitoring_brings_a_fastfetch_without_desktop_libraries(guest):
    if "monitoring" not in guest.profiles:
        # Only monitoring's collector runs fastfetch; without it, no fastfetch at all.
        any_fastfetch = re.compile(r"-fastfetch(-[a-z]+)*-[0-9][^/]*\.drv$")
        assert not any(any_fastfetch.search(path) for path in requisites(guest.config["toplevel"]))
        return
    flake = Path(guest.result["config_dir"]).resolve()
    drv = nix(
        "eval",
        "--raw",
        f"path:{flake}#nixosConfigurations.imageless.pkgs.fastfetch-headless.drvPath",
    )
    assert FASTFETCH.search(drv), drv
    assert [path for path in requisites(drv) if DESKTOP_LIBRARIES.search(path)] == []


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


def test_suites_and_profiles_cover_the_library():
    assert set(SUITES) == set(TEST_SUITES)
    assert set(PROFILE_EXPECTATIONS) == set(PROFILES)


def test_every_account_the_guest_creates_is_refused_as_the_user_name(guest):
    """A user_name that clashes with one fails before anything is written, not in NixOS."""
    accepted = []
    for name in guest.config["users"]:
        if name == guest.user:
            continue
        try:
            check_user_name(name)
        except ValueError:
            continue
        accepted.append(name)
    assert accepted == [], " ".join(accepted)


# The monitoring profile: run-bracketed template units, nothing at boot.


def assert_monitor_units(monitoring: dict, out: str) -> dict[str, list[str]]:
    """Each unit writes only its run's directory, made first; their ExecStart argv."""
    argv = {}
    for name, unit in monitoring["units"].items():
        service = unit["serviceConfig"]
        directory = MONITORS[name.removeprefix("monitor-").removesuffix("@")]
        # Writes confined: everything read-only but the run's directory,
        # which a fully privileged first command makes ("-": it may not
        # exist when that command starts).
        assert service["ProtectSystem"] == "strict", name
        assert service["ReadWritePaths"] == [f"-{out}"], name
        assert unit["WantsMountsFor"] == [out], name
        prepare = service["ExecStartPre"][0].split()
        assert prepare[0].startswith("+/nix/store/"), name
        assert prepare[1:] == [f"{out}/{directory}"], name
        assert "%i" in unit["description"], name
        argv[name] = service["ExecStart"].split()
    return argv


def libbpf_argv(argv: list[str], libbpf_tools: str, tool: str) -> tuple[list[str], list[str]]:
    """monitor-exec's own arguments and the tool's, checking the tool is the one configured."""
    assert argv[0].startswith("/nix/store/") and argv[0].endswith("-monitor-exec")
    separator = argv.index("--")
    assert argv[separator + 1] == f"{libbpf_tools}/bin/{tool}-libbpf"
    return argv[1:separator], argv[separator + 2 :]


def test_the_monitor_units_record_a_run_where_it_outlives_the_vm(guest):
    monitoring = guest.config["monitoring"]
    if "monitoring" not in guest.profiles:
        assert monitoring is None
        assert not [s for s in guest.config["services"] if s.startswith("monitor-")]
        return
    options = monitoring["options"]
    # The defaults the featured guest gets: every unit defined, on the share.
    out = "/var/lib/monitoring/runs/%i"
    assert options["outputDir"] == out
    assert guest.config["fileSystems"]["/var/lib/monitoring"]["device"] == "monitoring"
    assert set(monitoring["units"]) == {f"monitor-{name}@" for name in MONITORS}
    argv = assert_monitor_units(monitoring, out)
    sadc, *arguments = argv["monitor-sysstat@"]
    assert sadc.endswith("/lib/sa/sadc")
    assert arguments == ["-S", "ALL", "5", "999999", f"{out}/sysstat/sa-current"]
    sysstat = monitoring["units"]["monitor-sysstat@"]["serviceConfig"]
    assert sysstat["ExecStopPost"].split()[1:] == [f"{out}/sysstat"]
    governor = monitoring["units"]["monitor-cpu-governor@"]["serviceConfig"]
    assert governor["Type"] == "oneshot" and governor["RemainAfterExit"] is True
    assert governor["ExecStart"].split()[1:] == [f"{out}/cpu_governor", "start"]
    assert governor["ExecStop"].split()[1:] == [f"{out}/cpu_governor", "end"]
    tools = monitoring["libbpfTools"]
    own, args = libbpf_argv(argv["monitor-biolatency@"], tools, "biolatency")
    assert own == ["--append", f"{out}/biolatency/biolatency.txt"]
    assert args == ["--milliseconds", "--timestamp", "30"]
    own, args = libbpf_argv(argv["monitor-blkalgn@"], tools, "blkalgn")
    assert own == [] and args == ["--json", f"{out}/blkalgn/blkalgn.json"]
    for name in ("monitor-biolatency@", "monitor-blkalgn@"):
        # libbpf-tools stop and print their last interval on SIGINT only.
        assert monitoring["units"][name]["serviceConfig"]["KillSignal"] == "SIGINT"
    # Started by whoever runs the workload, never at boot; and no always-on
    # sysstat or node exporter unless a suite asks for one.
    booted = started_at_boot(guest.config["boot"])
    assert not [unit for unit in booted if unit.startswith("monitor-")]
    assert guest.config["enabledServices"]["sysstat"] is False
    assert guest.config["enabledServices"]["nodeExporter"] is False


MONITORING_OPTIONS = """{ nixos-flake, ... }:
{
  imports = [ nixos-flake.nixosModules.profiles.monitoring ];
  nixos-flake.monitoring = {
    enable = true;
    outputDir = "/mnt/results/%i/monitoring";
    sysstat = { interval = 1; maxSamples = 60; fromBoot = true; };
    cpuGovernor.enable = false;
    blkalgn = { disk = "nvme0n1"; ops = "Write"; };
    biolatency = {
      milliseconds = false;
      queued = true;
      perDisk = true;
      perFlag = true;
      disk = "vdb";
      interval = 5;
    };
    nodeExporter.enable = true;
  };
}"""


def test_the_monitoring_options_reach_the_units(real_nixpkgs, tmp_path):
    flake = template_flake(tmp_path / "vm", real_nixpkgs, MONITORING_OPTIONS)
    summary = f"({GUEST_SUMMARY.read_text(encoding='utf-8')}) [ ]"
    config = json.loads(
        nix("eval", "--json", f"{flake}#nixosConfigurations.imageless", "--apply", summary)
    )
    monitoring = config["monitoring"]
    out = "/mnt/results/%i/monitoring"
    assert set(monitoring["units"]) == {
        "monitor-sysstat@",
        "monitor-blkalgn@",
        "monitor-biolatency@",
    }
    argv = assert_monitor_units(monitoring, out)
    assert argv["monitor-sysstat@"][1:] == ["-S", "ALL", "1", "60", f"{out}/sysstat/sa-current"]
    tools = monitoring["libbpfTools"]
    own, args = libbpf_argv(argv["monitor-blkalgn@"], tools, "blkalgn")
    # monitor-exec refuses a disk the guest lacks before blkalgn starts.
    assert own == ["--disk", "nvme0n1"]
    assert args == ["--disk", "nvme0n1", "--ops", "Write", "--json", f"{out}/blkalgn/blkalgn.json"]
    own, args = libbpf_argv(argv["monitor-biolatency@"], tools, "biolatency")
    assert own == ["--disk", "vdb", "--append", f"{out}/biolatency/biolatency.txt"]
    assert args == ["--queued", "-D", "-F", "-d", "vdb", "--timestamp", "5"]
    # The always-on collectors, asked for.
    assert config["enabledServices"]["sysstat"] is True
    assert config["enabledServices"]["nodeExporter"] is True
    booted = started_at_boot(config["boot"])
    assert {"sysstat.service", "prometheus-node-exporter.service"} <= set(booted)


@pytest.mark.parametrize(
    "option",
    [
        'outputDir = "/mnt/my results/%i"',
        'outputDir = "runs/%i"',
        'outputDir = "/mnt/$HOME/%i"',
        'biolatency.disk = "vd b"',
        "sysstat.interval = 0",
    ],
)
def test_a_monitoring_option_the_units_cannot_take_is_refused(real_nixpkgs, tmp_path, option):
    module = f"""{{ nixos-flake, ... }}:
    {{
      imports = [ nixos-flake.nixosModules.profiles.monitoring ];
      nixos-flake.monitoring = {{ enable = true; {option}; }};
    }}"""
    flake = template_flake(tmp_path / "vm", real_nixpkgs, module)
    options = f"{flake}#nixosConfigurations.imageless.config.nixos-flake.monitoring"
    with pytest.raises(CommandFailed, match="is not of type"):
        nix("eval", "--json", options, "--apply", 'm: removeAttrs m [ "libbpfTools" ]')
