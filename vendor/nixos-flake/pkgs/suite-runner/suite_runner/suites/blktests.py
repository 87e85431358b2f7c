"""blktests: `blktests@<group>` runs ./check -o <run dir> <group>.

The config is /etc/blktests/config (TEST_DEVS, NORMAL_USER, ...), given
with -c by its guest path, since check sources it after cd; the
tree is the installed one, run in place (check sources tests/ and common/
from its working directory). Each test's status comes from the files
check leaves under the output directory: <dev>/<group>/<NNN>, lines of
`key<TAB>value` with `status` pass, fail or not run.
"""

import os
from pathlib import Path

from suite_runner.host import Host
from suite_runner.suite import Command, Suite

STATUS = {"pass": "passed", "fail": "failed", "not run": "skipped"}


class Blktests(Suite):
    name = "blktests"
    results = "/var/lib/blktests"

    @property
    def tree(self) -> str:
        return os.environ.get("BLKTESTS_TREE", "/run/current-system/sw/lib/blktests")

    @property
    def config(self) -> str:
        return os.environ.get("BLKTESTS_CONFIG", "/etc/blktests/config")

    def check(self, host: Host, instance: str) -> list[str]:
        tree = host.path(self.tree)
        if not (tree / "check").is_file():
            return [f"{self.tree}/check: blktests is not installed"]
        if not host.path(self.config).is_file():
            return [f"{self.config} does not exist: the blktests module writes it"]
        group = instance.split("/")[0]
        if not (tree / "tests" / group).is_dir():
            groups = sorted(path.name for path in (tree / "tests").iterdir() if path.is_dir())
            return [f"no blktests group or test {instance!r} (groups: {', '.join(groups)})"]
        if not (tree / "tests" / instance).exists():
            return [f"no blktests test {instance!r} in {self.tree}/tests"]
        return []

    def command(self, host: Host, instance: str, run_dir: Path, extra: list[str]) -> Command:
        argv = ["./check", "-o", str(run_dir), "-c", self.config, *extra, instance]
        return Command(argv=argv, cwd=host.path(self.tree))

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        tests = {}
        for path in sorted(run_dir.glob("*/*/*")):
            if not path.is_file() or "." in path.name:
                continue
            fields = dict(
                line.split("\t", 1) for line in path.read_text().splitlines() if "\t" in line
            )
            status = STATUS.get(fields.get("status", ""))
            if status:
                device = path.parent.parent.name
                name = f"{path.parent.name}/{path.name}"
                # nodev_<condition> (nvme's transports) keeps its condition.
                tests[name if device == "nodev" else f"{name} => {device}"] = status
        return tests
