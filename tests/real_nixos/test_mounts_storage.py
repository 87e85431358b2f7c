"""The storage module (vendor/nixos-flake/mounts/storage): disks as mounts, a blank disk
formatted once, and the mount points the library refuses."""

import json
import re
from pathlib import Path

from tests.real_nixos.wrapped_tree import nix


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
