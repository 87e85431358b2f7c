"""The places of the running system the runner reads, under one root.

SUITE_RUN_ROOT (tests only) puts every system path under another
directory, and SUITE_RUN_RELEASE stands in for `uname -r`, so the runner
can be run against a stand-in guest.
"""

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Host:
    root: Path
    release: str

    def path(self, absolute: str) -> Path:
        """A system path (written as in the guest) under this host's root."""
        return self.root / absolute.lstrip("/")

    def guest_path(self, path: Path) -> str:
        """What path() made, written as in the guest again."""
        inside = path.relative_to(self.root).as_posix()
        return "/" if inside == "." else f"/{inside}"


def current() -> Host:
    return Host(
        root=Path(os.environ.get("SUITE_RUN_ROOT") or "/"),
        release=os.environ.get("SUITE_RUN_RELEASE") or os.uname().release,
    )
