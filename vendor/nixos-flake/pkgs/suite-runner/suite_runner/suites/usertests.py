"""usertests: `usertests@<harness|all>` runs usertests-run --run-dir <run> [harness].

usertests-run (pkgs/usertests-runner) builds each harness of the kernel
tree under test ($USERTESTS_TREE) and runs its binaries, with a status per
binary in usertests.json. Each binary is one test (radix-tree/maple); a
harness that did not build is a failed test of its own, and a binary the
build did not make is not run.
"""

import json
import os
import shutil
from pathlib import Path

from suite_runner.host import Host
from suite_runner.suite import Command, Suite

STATUS = {"passed": "passed", "failed": "failed", "not built": "notrun"}


class Usertests(Suite):
    name = "usertests"
    results = "/var/lib/usertests"

    @property
    def tree(self) -> str:
        return os.environ.get("USERTESTS_TREE", "/mnt/linux")

    def check(self, host: Host, instance: str) -> list[str]:
        problems = []
        if shutil.which("usertests-run") is None:
            problems.append("usertests-run is not installed")
        if not host.path(self.tree).joinpath("tools", "testing").is_dir():
            problems.append(
                f"no kernel tree at {self.tree}: share the tree under test into the guest "
                '(e.g. guest.shares {"/mnt/linux": "linux"}) or set USERTESTS_TREE'
            )
        return problems

    def command(self, host: Host, instance: str, run_dir: Path, extra: list[str]) -> Command:
        harnesses = [] if instance == "all" else [instance]
        argv = ["usertests-run", "--tree", self.tree, "--run-dir", str(run_dir)]
        return Command(argv=[*argv, *extra, *harnesses], cwd=run_dir)

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        report = run_dir / "usertests.json"
        if not report.is_file():
            return {}
        return {
            f"{harness}/{binary}": STATUS.get(result.get("status", ""), "failed")
            for harness, binaries in json.loads(report.read_text()).items()
            for binary, result in binaries.items()
        }
