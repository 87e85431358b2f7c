"""Small questions about the guest the suites' checks ask, and mkfs."""

import shutil
import stat
import subprocess
from pathlib import Path

from suite_runner.host import Host
from suite_runner.results import mount_of
from suite_runner.suite import PrepareError

# File systems that are not a disk under test: memory, or the host's share.
NOT_A_DISK = frozenset({"tmpfs", "ramfs", "virtiofs", "overlay"})


def is_block_device(path: Path) -> bool:
    try:
        return stat.S_ISBLK(path.stat().st_mode)
    except OSError:
        return False


def file_system_on(device: str) -> str | None:
    """The file system signature on a device (blkid -p), or None when it is blank."""
    found = subprocess.run(
        ["blkid", "-p", "-o", "value", "-s", "TYPE", device],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() or None


def not_a_disk(host: Host, directory: Path) -> tuple[str, str] | None:
    """The (mount point, type) holding directory when it is not a disk under test."""
    mount = mount_of(host, directory)
    return mount if mount and mount[1] in NOT_A_DISK else None


def missing_programs(names: list[str]) -> list[str]:
    return [name for name in names if shutil.which(name) is None]


def make_file_system(fs_type: str, device: str) -> None:
    """mkfs.<fs_type> on a blank device, never waiting for an answer."""
    made = subprocess.run(
        [f"mkfs.{fs_type}", device], stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    if made.returncode != 0:
        reason = (made.stderr or made.stdout).strip().splitlines()
        raise PrepareError(
            f"mkfs.{fs_type} {device} failed (exit status {made.returncode})"
            + (f": {reason[-1]}" if reason else "")
        )
