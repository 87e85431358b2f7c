"""Which units a guest starts at boot, worked out from its evaluated configuration.

Definition: the units in the boot transaction of the guest's default unit
(``systemd.defaultUnit``), following

* every dependency that pulls a unit in: ``Wants=``, ``Requires=``,
  ``Requisite=``, ``BindsTo=`` and ``Upholds=`` in each unit's text as NixOS
  writes it (a unit of its own or a drop-in on systemd's), and the
  ``wantedBy``, ``requiredBy`` and ``upheldBy`` links NixOS makes
  (nixos/lib/systemd-lib.nix);
* systemd's own boot skeleton, bootup(7), which lives in systemd's unit
  files rather than in the configuration (``SKELETON``).

Ordering (``After=``, ``Before=``) starts nothing and is not followed. What
systemd's package pulls in by itself through the ``.wants`` directories NixOS
copies from it (journald, udevd, logind, ...) is not in the evaluation and is
left out; it is the same in every guest. Mounts made from ``fileSystems``
(the fstab generator) are not units of the configuration either.

guest.nix's ``boot`` is the input; the benchmark ``bench/guest_boot.py`` and
the real-NixOS tests both count with ``started_at_boot``.
"""

import re
from collections.abc import Mapping

PULLING = ("Wants", "Requires", "Requisite", "BindsTo", "Upholds")
LINKS = ("wantedBy", "requiredBy", "upheldBy")
_DEPENDENCY = re.compile(rf"^({'|'.join(PULLING)})=(.*)$")

# bootup(7): multi-user.target requires basic.target, which requires
# sysinit.target and wants the socket, timer, path and slice targets;
# sysinit.target wants local-fs.target and swap.target; systemd installs
# getty.target into multi-user.target.wants, and NixOS links remote-fs.target
# there (systemd-lib.nix, "Stupid misc. symlinks").
SKELETON: Mapping[str, tuple[str, ...]] = {
    "multi-user.target": ("basic.target", "getty.target", "remote-fs.target"),
    "basic.target": (
        "sysinit.target",
        "sockets.target",
        "timers.target",
        "paths.target",
        "slices.target",
    ),
    "sysinit.target": ("local-fs.target", "swap.target"),
}


def pulled_in_by(unit: Mapping) -> list[str]:
    """The units one unit's own text pulls in (its dependency lines, as guest.nix reads them)."""
    pulled: list[str] = []
    for line in unit.get("dependencies", []):
        match = _DEPENDENCY.match(line.strip())
        if match:
            pulled.extend(match.group(2).split())
    return pulled


def started_at_boot(boot: Mapping) -> list[str]:
    """The units the guest starts at boot, sorted; ``boot`` is guest.nix's ``boot``."""
    units: Mapping[str, Mapping] = boot["units"]
    edges: dict[str, set[str]] = {name: set(targets) for name, targets in SKELETON.items()}
    for name, unit in units.items():
        edges.setdefault(name, set()).update(pulled_in_by(unit))
        for link in LINKS:
            for puller in unit.get(link, []):
                edges.setdefault(puller, set()).add(name)
    seen: set[str] = set()
    pending = [boot["defaultUnit"]]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        pending.extend(edges.get(name, ()))
    return sorted(seen)
