"""Where the booted kernel's build configuration is, as the suites look for it.

The external kernel's build side should copy its .config to
/lib/modules/<release>/config next to the modules it installs (LTP, fstests
and kernel packaging all read that file); /lib/modules is the host's share.
The places are tried in this order, and the first readable one wins:

1. $KCONFIG_PATH, when the caller set it;
2. /lib/modules/<release>/config, the agreed place;
3. /lib/modules/<release>/build/.config (only where the build tree is
   reachable from the guest, e.g. through a share at the same path);
4. /boot/config-<release>;
5. /proc/config.gz (CONFIG_IKCONFIG_PROC=y): read by every suite itself.

When none is there, the kernel's own generated header may still be: a
kernel build that publishes its build tree's headers to the host's Nix
store as `kernel-devel-<release>` (kdevops-ng's kernel flow does) leaves
include/generated/autoconf.h in the store the guest mounts. That header
holds every option the config sets, so a plain-text config is derived from
it into /boot/config-<release>. It is not the .config itself, and its first
line says so: an option set to `n` is absent (the suites read that as not
set); `m` is read back from the header's CONFIG_<name>_MODULE, so a bool
whose own name ends in _MODULE would read as its stem set to m; and an int
option whose value is 1 cannot be told from a bool set to y, so it reads
as `=y`.

`kernel-config` prints the one found; `kernel-config --link` (run at boot)
makes /boot/config-<release> point to a plain-text one, because blktests
only looks in /boot and /proc.
"""

import argparse
import os
import re
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
    """The first readable kernel config, else one derived from the store, or None."""
    for path in candidates(host):
        if path.is_file() and os.access(path, os.R_OK):
            return path
    return derive(host)


AUTOCONF = "include/generated/autoconf.h"
DERIVED_MARK = "# Derived by kernel-config from "
_DEFINE = re.compile(r"#define CONFIG_(\w+) (.+)")


def devel_header(host: Host) -> Path | None:
    """autoconf.h of a `kernel-devel-<release>` tree in the mounted store, if any.

    The release names one configuration (kdevops-ng bakes a digest of the
    .config into it), so any such tree will do; the first by name is taken.
    """
    store = host.path("/nix/store")
    suffix = f"-kernel-devel-{host.release}"
    try:
        with os.scandir(store) as entries:
            names = sorted(entry.name for entry in entries if entry.name.endswith(suffix))
    except OSError:
        return None
    for name in names:
        header = store / name / AUTOCONF
        if header.is_file() and os.access(header, os.R_OK):
            return header
    return None


def config_from_autoconf(text: str) -> str:
    """The CONFIG_ lines of a .config that autoconf.h's #defines stand for."""
    lines = []
    for line in text.splitlines():
        match = _DEFINE.fullmatch(line.strip())
        if not match:
            continue
        name, value = match.groups()
        if value == "1" and name.endswith("_MODULE"):
            lines.append(f"CONFIG_{name.removesuffix('_MODULE')}=m")
        elif value == "1":
            lines.append(f"CONFIG_{name}=y")
        else:
            lines.append(f"CONFIG_{name}={value}")
    return "".join(f"{line}\n" for line in lines)


def derive(host: Host) -> Path | None:
    """Write /boot/config-<release> from the store's autoconf.h; None without one."""
    header = devel_header(host)
    if header is None:
        return None
    boot = host.path(f"/boot/config-{host.release}")
    source = host.guest_path(header)
    text = (
        f"{DERIVED_MARK}{source}\n"
        "# (not the kernel's .config: options set to n are absent, an int set to 1 "
        "reads as y, a bool named *_MODULE as its stem set to m)\n"
        + config_from_autoconf(header.read_text(errors="replace"))
    )
    try:
        boot.parent.mkdir(parents=True, exist_ok=True)
        boot.write_text(text)
    except OSError:
        return None
    return boot


def derived_from(path: Path) -> str | None:
    """The header a config was derived from, when kernel-config wrote it."""
    try:
        with path.open(errors="replace") as config:
            first = config.readline().rstrip("\n")
    except OSError:
        return None
    return first.removeprefix(DERIVED_MARK) if first.startswith(DERIVED_MARK) else None


def missing_message(host: Host) -> str:
    tried = ", ".join(
        host.guest_path(path) if path.is_relative_to(host.root) else str(path)
        for path in candidates(host)
    )
    return (
        f"no kernel config found for {host.release} (tried {tried}, and "
        f"/nix/store/*-kernel-devel-{host.release}/{AUTOCONF}): tests that check kernel "
        "options will skip or break. The kernel side must add one of: its .config copied "
        f"to lib/modules/{host.release}/config in the modules tree it shares as "
        "/lib/modules (after make modules_install), or CONFIG_IKCONFIG=y and "
        "CONFIG_IKCONFIG_PROC=y in its config"
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
    source = derived_from(found)
    if source:
        print(f"kernel-config: derived {found} from {source}", file=sys.stderr)
    if options.link:
        linked = link_boot_config(host, found)
        if linked:
            print(f"kernel-config: linked {linked} -> {found}", file=sys.stderr)
    return 0
