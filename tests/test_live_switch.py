"""What a running guest can take by switching, and what needs the VM restarted."""

import dataclasses

from f.nix.common.bootspec import Bootspec
from f.nix.common.live_switch import restart_needed_for, switch_command, switch_plan

STORE = {"tag": "store", "mount_point": "/nix/store", "options": ["ro"], "needed_for_boot": True}
RESULTS = {"tag": "fstests", "mount_point": "/var/lib/xfstests", "options": ["nofail"]}
BOOTED = Bootspec(
    init="/nix/store/a-nixos-system/init",
    initrd="/nix/store/b-initrd/initrd",
    system="x86_64-linux",
    label="NixOS",
    kernel_params=["loglevel=4"],
    shares=[STORE],
)


def test_the_switch_is_the_new_toplevels_switch_to_configuration_test():
    assert switch_command("/nix/store/c-nixos-system") == [
        "/nix/store/c-nixos-system/bin/switch-to-configuration",
        "test",
    ]


def test_a_new_init_or_new_packages_need_no_restart():
    rebuilt = dataclasses.replace(BOOTED, init="/nix/store/c-nixos-system/init", label="new")
    assert restart_needed_for(BOOTED, rebuilt) == []


def test_what_the_guest_was_booted_with_needs_a_restart():
    changed = dataclasses.replace(
        BOOTED,
        initrd="/nix/store/d-initrd/initrd",
        kernel_params=["loglevel=7"],
        shares=[STORE, RESULTS],
    )
    assert restart_needed_for(BOOTED, changed) == ["initrd", "kernel_params", "shares"]
    assert restart_needed_for(BOOTED, dataclasses.replace(BOOTED, shares=[])) == ["shares"]


def test_without_a_previous_build_it_is_unknown():
    plan = switch_plan("/nix/store/c-nixos-system", None, BOOTED)
    assert plan["restart_needed_for"] is None
    assert plan["command"] == ["/nix/store/c-nixos-system/bin/switch-to-configuration", "test"]
