"""Where the booted kernel's build configuration is, as the suites look for it.

The external kernel's build side copies its .config to
/lib/modules/<release>/config next to the modules it installs (LTP, fstests
and kernel packaging all read that file); /lib/modules is the host's share.
The places are tried in this order, and the first readable one wins:

1. $KCONFIG_PATH, when the caller set it;
2. /lib/modules/<release>/config, the agreed place;
3. /lib/modules/<release>/build/.config (only where the build tree is
   reachable from the guest);
4. /boot/config-<release>;
5. /proc/config.gz (CONFIG_IKCONFIG_PROC=y): read by every suite itself.

`kernel-config` prints the one found; `kernel-config --link` (run at boot)
makes /boot/config-<release> point to a plain-text one, because blktests
only looks in /boot and /proc.
"""

import argparse
import os
import sys
from pathlib import Path

from suite_runner.host import Host, current


def candidates(host: Host) -> list[Path]:
    modules = host.path(f"/lib/modules/{host.release}")
    places = [
        modules / "config",
        modules / "build" / ".config",
        host.path(f"/boot/config-{host.release}"),
        host.path("/proc/config.gz"),
    ]
    given = os.environ.get("KCONFIG_PATH")
    return [Path(given), *places] if given else places


def find(host: Host) -> Path | None:
    """The first readable kernel config, or None."""
    for path in candidates(host):
        if path.is_file() and os.access(path, os.R_OK):
            return path
    return None


def missing_message(host: Host) -> str:
    tried = ", ".join(
        host.guest_path(path) if path.is_relative_to(host.root) else str(path)
        for path in candidates(host)
    )
    return (
        f"no kernel config found for {host.release} (tried {tried}): tests that check "
        "kernel options will skip or break. Copy the kernel's .config to "
        f"/lib/modules/{host.release}/config when installing its modules, or build it "
        "with CONFIG_IKCONFIG_PROC=y"
    )


def link_boot_config(host: Host, found: Path) -> Path | None:
    """Point /boot/config-<release> at a plain-text config found elsewhere."""
    boot = host.path(f"/boot/config-{host.release}")
    if found.suffix == ".gz" or found == boot or boot.exists():
        return None
    boot.parent.mkdir(parents=True, exist_ok=True)
    boot.symlink_to(found)
    return boot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kernel-config", description="Find the booted kernel's .config."
    )
    parser.add_argument(
        "--link", action="store_true", help="also link /boot/config-<release> to it"
    )
    options = parser.parse_args(argv)
    host = current()
    found = find(host)
    if found is None:
        print(f"kernel-config: {missing_message(host)}", file=sys.stderr)
        return 1
    print(found)
    if options.link:
        linked = link_boot_config(host, found)
        if linked:
            print(f"kernel-config: linked {linked} -> {found}", file=sys.stderr)
    return 0
