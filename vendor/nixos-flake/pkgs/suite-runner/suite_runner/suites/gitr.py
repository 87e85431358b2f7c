"""gitr: `gitr@<directory>` builds git in <directory>/git and runs its tests there.

The directory is on the file system under test (the unit's instance is
its path: gitr@mnt-test is /mnt/test), never tmpfs or a virtiofs share.
The build and the tests run as $GITR_USER, as git's tests expect (they
refuse some checks as root). Each test script's counts come from
t/test-results/<script>.counts: failed when a case failed, skipped when
no case ran (every one skipped, or the whole script), passed otherwise;
the counts files are copied
into the run's directory.
"""

import os
import pwd
import shutil
from pathlib import Path

from suite_runner import tools
from suite_runner.host import Host
from suite_runner.suite import Command, Suite


class Gitr(Suite):
    name = "gitr"
    results = "/var/lib/gitr"

    @property
    def user(self) -> str:
        return os.environ.get("GITR_USER", "")

    def check(self, host: Host, instance: str) -> list[str]:
        problems = []
        directory = host.path(instance)
        if not directory.is_dir():
            problems.append(f"{instance} does not exist: mount the file system under test there")
        else:
            mount = tools.not_a_disk(host, directory)
            if mount:
                problems.append(
                    f"{instance} is on {mount[1]} ({mount[0]}), not on a file system under "
                    "test: mount the disk to test there"
                )
        if not self.user:
            problems.append("GITR_USER is not set: git's tests run as an unprivileged user")
        else:
            try:
                pwd.getpwnam(self.user)
            except KeyError:
                problems.append(f"GITR_USER={self.user} is not an account of this guest")
        if shutil.which("gitr") is None:
            problems.append("gitr is not installed")
        return problems

    def prepare(self, host: Host, instance: str) -> list[str]:
        work = host.path(instance) / "gitr"
        work.mkdir(exist_ok=True)
        account = pwd.getpwnam(self.user)
        os.chown(work, account.pw_uid, account.pw_gid)
        return [f"{work} belongs to {self.user}"]

    def command(self, host: Host, instance: str, run_dir: Path, extra: list[str]) -> Command:
        return Command(
            argv=["gitr", str(host.path(instance) / "gitr"), *extra],
            cwd=host.path(instance) / "gitr",
            user=self.user,
        )

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        counts_dir = host.path(instance) / "gitr" / "git" / "t" / "test-results"
        tests = {}
        for path in sorted(counts_dir.glob("*.counts")):
            # "total 10", "success 9", ...; "missing_prereq" may have no value.
            fields = (line.split() for line in path.read_text().splitlines())
            counts = {
                field[0]: int(field[1])
                for field in fields
                if len(field) == 2 and field[1].isdigit()
            }
            ran = sum(counts.get(key, 0) for key in ("success", "fixed", "broken", "failed"))
            if counts.get("failed", 0):
                tests[path.stem] = "failed"
            elif ran == 0:
                tests[path.stem] = "skipped"
            else:
                tests[path.stem] = "passed"
            shutil.copy(path, run_dir / path.name)
        return tests
