"""The flow as a whole on the real tree: its dry run, a result a running guest can switch to,
what the flow renders itself (the host name, extra packages), and the units the whole guest
starts at boot."""

import re

from tests.real_nixos.boot_units import started_at_boot
from tests.support import REPOSITORY


def test_the_dry_run_names_what_it_would_build(guest):
    assert guest.result["dry_run"] is True
    assert guest.result["toplevel"].startswith("/nix/store/")
    assert any(path.endswith(".drv") for path in guest.result["will_build"])
    assert guest.config["assertions"] == []


def test_a_running_guest_can_switch_to_a_rebuilt_toplevel(guest):
    """The result's switch command exists in the toplevel.

    NixOS refuses a switch only when an inhibitor's value changes between
    the running system and the new one (the D-Bus implementation, here).
    """
    switch = guest.config["switch"]
    assert switch["enable"] is True and switch["command"] is True
    assert set(switch["inhibitors"]) <= {"dbus-implementation"}


def test_the_host_name_is_the_vm_name(guest):
    assert guest.config["hostName"] == guest.inputs["vm_name"]


def test_extra_packages_are_installed(guest):
    # Package names as the guest lists them, for the attributes every_input() asks for.
    names = {
        "strace": "strace",
        "linuxPackages.cpupower": "cpupower",
        "python3Packages.pyyaml": "pyyaml",
    }
    for attribute in guest.inputs.get("extra_packages", []):
        assert names[attribute] in guest.config["packages"]


# A lean boot (docs/design/guest.rst, "What the featured guest starts at boot").

BOOT_DOC = REPOSITORY / "docs" / "design" / "guest.rst"
UNIT_NAME = re.compile(r"[\w@:.\\-]+\.(?:service|socket|target|timer|path|mount|slice)")


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
