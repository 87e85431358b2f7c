"""NFStest: `nfstest@<test>` runs nfstest_<test> against an NFS export.

The export is $NFSTEST_SERVER (server:/path), by default the guest's own
nfsd at localhost:/export/nfstest, so the guest's kernel is both the NFS
client and the server under test. NFStest prints `TEST: Running test
'<name>'` before each test and a `PASS:` or `FAIL:` line per check; a test
fails when any of its checks failed, and one that checked nothing skipped.
"""

import os
import re
import shutil
from pathlib import Path

from suite_runner.host import Host
from suite_runner.suite import Command, Suite

RUNNING = re.compile(r"Running test '(?P<name>[^']+)'")
CHECK = re.compile(r"^\s*(?P<result>PASS|FAIL): ")


class Nfstest(Suite):
    name = "nfstest"
    results = "/var/lib/pynfs/nfstest"

    @property
    def export(self) -> tuple[str, str]:
        server, _, path = os.environ.get("NFSTEST_SERVER", "localhost:/export/nfstest").partition(
            ":"
        )
        return server, path

    def check(self, host: Host, instance: str) -> list[str]:
        problems = []
        if shutil.which(f"nfstest_{instance}") is None:
            problems.append(
                f"nfstest_{instance} is not installed (is {instance!r} an NFStest test?)"
            )
        server, path = self.export
        if not server or not path.startswith("/"):
            problems.append(f"NFSTEST_SERVER={server}:{path} is not server:/path")
        return problems

    def command(self, host: Host, instance: str, run_dir: Path, extra: list[str]) -> Command:
        server, path = self.export
        argv = [f"nfstest_{instance}", "--server", server, "--export", path]
        return Command(argv=[*argv, "--tmpdir", str(run_dir), *extra], cwd=run_dir)

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        tests: dict[str, str] = {}
        current = None
        for line in output.splitlines():
            running = RUNNING.search(line)
            if running:
                current = running["name"]
                tests.setdefault(current, "skipped")
                continue
            checked = CHECK.match(line)
            if checked and current is not None and tests[current] != "failed":
                tests[current] = "passed" if checked["result"] == "PASS" else "failed"
        return tests
