"""pynfs: `pynfs@<4.0|4.1>` runs testserver.py --maketree against an NFS export.

The export is $PYNFS_SERVER (server:/path), by default the guest's own
nfsd at localhost:/export/pynfs, so the kernel under test is the server
tested. Each test's status comes from the --json report: a failure entry
is failed, a skipped entry skipped, the rest passed.
"""

import json
import os
import shutil
from pathlib import Path

from suite_runner.host import Host
from suite_runner.suite import Command, Suite

VERSIONS = ("4.0", "4.1")


class Pynfs(Suite):
    name = "pynfs"
    results = "/var/lib/pynfs"

    @property
    def server(self) -> str:
        return os.environ.get("PYNFS_SERVER", "localhost:/export/pynfs")

    def check(self, host: Host, instance: str) -> list[str]:
        if instance not in VERSIONS:
            return [f"pynfs@{instance}: the instance is the NFS version, one of {VERSIONS}"]
        problems = []
        if shutil.which(f"pynfs-{instance}") is None:
            problems.append(f"pynfs-{instance} is not installed")
        if ":" not in self.server:
            problems.append(f"PYNFS_SERVER={self.server} is not server:/path")
        return problems

    def command(self, host: Host, instance: str, run_dir: Path, extra: list[str]) -> Command:
        return Command(
            argv=[
                f"pynfs-{instance}",
                "--maketree",
                f"--json={run_dir / 'results.json'}",
                self.server,
                *(extra or ["all"]),
            ],
            cwd=run_dir,
        )

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        report = run_dir / "results.json"
        if not report.is_file():
            return {}
        tests = {}
        for case in json.loads(report.read_text()).get("testcase", []):
            name = f"{case.get('code', '')} {case.get('name', '')}".strip()
            if "failure" in case:
                tests[name] = "failed"
            elif case.get("skipped"):
                tests[name] = "skipped"
            else:
                tests[name] = "passed"
        return tests
