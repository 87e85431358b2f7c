# py311
# requirements:
"""Switching a running guest to a new closure, and what only a restart changes.

The guest mounts the host's store, so a closure built while it runs is
already there: as root in the guest, ``<toplevel>/bin/switch-to-configuration
test`` activates it (new packages on PATH, new /etc, changed units
restarted) in seconds, without a reboot, and the next boot still uses what
the host boots it with. What the guest was booted with cannot change that
way: the initrd, the kernel command line, and the virtiofs devices QEMU was
started with. The flow compares those with the VM's previous build, which
it keeps alive for the running guest (workspace.previous_gc_root).
"""

from f.nix.common.bootspec import Bootspec

# systemd-style action: activate now, leave the default boot entry alone (an
# imageless guest has none).
SWITCH_ACTION = "test"


def switch_command(toplevel: str) -> list[str]:
    """What to run as root in the running guest to switch it to toplevel."""
    return [f"{toplevel}/bin/switch-to-configuration", SWITCH_ACTION]


def restart_needed_for(previous: Bootspec | None, new: Bootspec) -> list[str] | None:
    """What changed since the previous build that a switch cannot apply; None: unknown."""
    if previous is None:
        return None
    changed = []
    if previous.initrd != new.initrd:
        changed.append("initrd")
    if previous.kernel_params != new.kernel_params:
        changed.append("kernel_params")
    if previous.shares != new.shares:
        changed.append("shares")
    return changed


def switch_plan(toplevel: str, previous: Bootspec | None, new: Bootspec) -> dict:
    """The result's ``switch``: the command, and what needs the VM restarted instead."""
    return {
        "command": switch_command(toplevel),
        "restart_needed_for": restart_needed_for(previous, new),
    }
