"""Which Linux kernel builds a system's build graph holds."""

import re
import subprocess
from collections.abc import Collection

# A kernel build's store name: linux-<version>[-<suffix>].drv, such as
# linux-6.6.60.drv or linux-6.6.60-modules.drv. Kernel sources
# (linux-6.6.60.tar.xz.drv, used by perf and the glibc headers) and packages
# whose names merely contain "linux" (util-linux-2.39.drv, perf-linux-...) are
# not kernel builds.
_KERNEL_BUILD = re.compile(r"/nix/store/[a-z0-9]{32}-linux-\d+\.\d+(\.\d+)?(-[\w+-]+)?\.drv")


def is_kernel_build(path: str) -> bool:
    return _KERNEL_BUILD.fullmatch(path) is not None


def requisites(drv: str) -> list[str]:
    """Every derivation and source the derivation ``drv`` is built from (``nix-store -qR``)."""
    completed = subprocess.run(
        ["nix-store", "--query", "--requisites", drv], capture_output=True, text=True, check=True
    )
    return completed.stdout.split()


def kernel_builds(drv: str, known: Collection[str] = ()) -> list[str]:
    """Kernel builds among the requisites of ``drv``: named like one, or one of ``known``."""
    return [path for path in requisites(drv) if path in known or is_kernel_build(path)]
