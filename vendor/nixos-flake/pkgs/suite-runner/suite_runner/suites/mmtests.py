"""MMTests: `mmtests@<config>` runs ./run-mmtests.sh --config configs/config-<config>.

The run is named after the kernel release and the run's timestamp; its
work/log/<name> directory is copied into the run's directory when it
ends. Each benchmark's status is its exit code, which run-mmtests.sh
prints as `test exit :: <benchmark> <code>`.
"""

import os
import re
import shutil
from pathlib import Path

from suite_runner.host import Host
from suite_runner.suite import Command, Suite

EXIT = re.compile(r"test exit :: (?P<test>\S+) (?P<code>-?\d+)")


class Mmtests(Suite):
    name = "mmtests"
    results = "/var/lib/mmtests"

    @property
    def tree(self) -> str:
        return os.environ.get("MMTESTS_DIR", "/var/lib/mmtests-tree")

    def config(self, host: Host, instance: str) -> Path:
        configs = host.path(self.tree) / "configs"
        named = configs / instance
        return named if named.is_file() else configs / f"config-{instance}"

    def check(self, host: Host, instance: str) -> list[str]:
        tree = host.path(self.tree)
        if not (tree / "run-mmtests.sh").is_file():
            return [f"{self.tree}/run-mmtests.sh does not exist: the tree was not copied"]
        if not os.access(tree, os.W_OK):
            return [f"{self.tree} is not writable: run-mmtests.sh writes work/ beside itself"]
        if not self.config(host, instance).is_file():
            return [
                f"no config {instance!r}: neither configs/{instance} nor configs/config-{instance}"
            ]
        return []

    def command(self, host: Host, instance: str, run_dir: Path, extra: list[str]) -> Command:
        config = self.config(host, instance)
        return Command(
            argv=[
                "./run-mmtests.sh",
                "--no-monitor",
                "--config",
                f"configs/{config.name}",
                *extra,
                f"{host.release}-{run_dir.name}",
            ],
            cwd=host.path(self.tree),
            # bin/install-depends: there is no package manager to call on NixOS.
            env={"ASSUME_PACKAGE_INSTALLED": "yes"},
        )

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        log = host.path(self.tree) / "work" / "log" / f"{host.release}-{run_dir.name}"
        if log.is_dir():
            shutil.copytree(log, run_dir / "log", symlinks=True)
        return {
            found["test"]: "passed" if found["code"] == "0" else "failed"
            for found in EXIT.finditer(output)
        }
