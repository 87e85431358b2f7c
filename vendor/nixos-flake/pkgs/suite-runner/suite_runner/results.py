"""Where a run's results go and what its summary.json holds.

A run is filed under <results dir>/<kernel release>/<timestamp>/: the
suite's own output (output.log and whatever the suite writes there) and
summary.json, which a script reads:

    {"suite": "fstests", "instance": "xfs", "kernel_release": "6.18.0",
     "started": "2026-11-25T11:00:00+00:00", "seconds": 812.4,
     "command": [...], "exit_status": 0, "kernel_config": "/boot/config-6.18.0",
     "results_on_host": true,
     "counts": {"passed": 3, "failed": 1, "skipped": 2, "notrun": 0},
     "tests": {"generic/001": "passed", ...}}

The four statuses: passed; failed (including broken: the test could not
decide); skipped (the test ran and declined: a missing feature, TCONF,
SKIP); notrun (the suite reports it did not run the test).
"""

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from suite_runner.host import Host

STATUSES = ("passed", "failed", "skipped", "notrun")
TIMESTAMP = "%Y%m%dT%H%M%S"


def new_run_dir(results: Path, release: str) -> Path:
    """A fresh <results>/<release>/<timestamp>/ directory."""
    stamp = time.strftime(TIMESTAMP)
    (results / release).mkdir(parents=True, exist_ok=True)
    suffix = 1
    while True:
        run_dir = results / release / (stamp if suffix == 1 else f"{stamp}.{suffix}")
        try:
            # Atomic: two runs started in the same second get one name each.
            run_dir.mkdir()
            return run_dir
        except FileExistsError:
            suffix += 1


def count(tests: dict[str, str]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for status in tests.values():
        counts[status] += 1
    return counts


@dataclass
class Summary:
    suite: str
    instance: str
    kernel_release: str
    started: str
    command: list[str]
    kernel_config: str | None
    results_on_host: bool
    seconds: float = 0.0
    exit_status: int | None = None
    tests: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    def finish(self, exit_status: int, seconds: float, tests: dict[str, str]) -> None:
        unknown = {status for status in tests.values() if status not in STATUSES}
        if unknown:
            raise ValueError(f"unknown test statuses {sorted(unknown)}; allowed: {STATUSES}")
        self.exit_status, self.seconds, self.tests = exit_status, round(seconds, 1), tests
        self.counts = count(tests)

    @property
    def failed(self) -> bool:
        return self.exit_status != 0 or self.counts["failed"] > 0

    def write(self, run_dir: Path) -> Path:
        path = run_dir / "summary.json"
        path.write_text(json.dumps(asdict(self), indent=1) + "\n")
        return path

    def line(self) -> str:
        counts = ", ".join(f"{self.counts[status]} {status}" for status in STATUSES)
        return f"{self.suite}@{self.instance}: {counts} (exit status {self.exit_status})"


def mount_of(host: Host, path: Path) -> tuple[str, str] | None:
    """The (mount point, file system type) holding path, from /proc/self/mountinfo."""
    mountinfo = host.path("/proc/self/mountinfo")
    if not mountinfo.is_file():
        return None
    best: tuple[str, str] | None = None
    target = host.guest_path(path)
    for line in mountinfo.read_text().splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        mount_point = fields[4].replace("\\040", " ")
        fs_type = line.split(" - ", 1)[1].split()[0]
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and (best is None or len(mount_point) >= len(best[0])):
            best = (mount_point, fs_type)
    return best


def on_host(host: Host, results: Path) -> tuple[bool, str]:
    """Whether results land on the host's share, and a sentence saying so."""
    found = mount_of(host, results)
    guest_path = host.guest_path(results)
    if found and found[1] == "virtiofs":
        return True, f"results go to the host: {found[0]} is a virtiofs share"
    where = f"{found[1]} at {found[0]}" if found else "the guest's own file system"
    return False, (
        f"results stay in the guest ({guest_path} is on {where}) and are lost with the VM: "
        f"have the host serve the suite's share at {guest_path}"
    )
