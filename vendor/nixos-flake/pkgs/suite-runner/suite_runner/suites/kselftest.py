"""Kernel selftests: `kselftest@<collection>` runs run_kselftest.sh -c <collection>.

The installed selftests (make -C tools/testing/selftests install, or
kselftest_install.sh) come from the host for each kernel release, at
/var/lib/kselftests/<release>/tree ($KSELFTEST_TREE overrides it). Each
test's status is read from the TAP lines the runner prints; a test of the
collection's list without a line did not run.
"""

import os
import re
from pathlib import Path

from suite_runner.host import Host
from suite_runner.suite import Command, Suite

# "ok 3 selftests: net: reuseport_bpf # SKIP"; newer runners may repeat the number.
RESULT = re.compile(
    r"^(?P<status>not ok|ok) \d+ (?:\d+ )?selftests: (?P<collection>\S+): (?P<test>\S+)"
    r"(?:\s+#\s*(?P<directive>\w+))?"
)


class Kselftest(Suite):
    name = "kselftest"
    results = "/var/lib/kselftests"

    def tree(self, host: Host) -> Path:
        given = os.environ.get("KSELFTEST_TREE")
        return host.path(given or f"/var/lib/kselftests/{host.release}/tree")

    def listed(self, host: Host, collection: str) -> list[str]:
        listing = self.tree(host) / "kselftest-list.txt"
        entries = [line.split(":", 1) for line in listing.read_text().splitlines() if ":" in line]
        return [test for name, test in entries if name == collection]

    def check(self, host: Host, instance: str) -> list[str]:
        tree = self.tree(host)
        if not (tree / "run_kselftest.sh").is_file():
            return [
                f"{tree}/run_kselftest.sh does not exist: install the kernel's selftests "
                f"(make -C tools/testing/selftests install INSTALL_PATH=...) into "
                f"the host's selftests share at {host.release}/tree"
            ]
        if not self.listed(host, instance):
            return [f"no collection {instance!r} in {tree}/kselftest-list.txt (not built?)"]
        return []

    def command(self, host: Host, instance: str, run_dir: Path, extra: list[str]) -> Command:
        return Command(argv=["./run_kselftest.sh", "-c", instance, *extra], cwd=self.tree(host))

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        tests = dict.fromkeys(
            (f"{instance}:{test}" for test in self.listed(host, instance)), "notrun"
        )
        for line in output.splitlines():
            found = RESULT.match(line.strip())
            if not found:
                continue
            directive = (found["directive"] or "").upper()
            if directive == "SKIP":
                status = "skipped"
            elif found["status"] == "ok":
                status = "passed"
            else:
                status = "failed"
            tests[f"{found['collection']}:{found['test']}"] = status
        return tests
