"""KUnit: `kunit@<suite|all>` runs kunit-run --run-dir <run> [suite].

kunit-run (pkgs/kunit-runner) loads the booted kernel's KUnit test modules
and copies each suite's KTAP from debugfs into the run's directory, with
its per-suite case counts in kunit.json. Here each KUnit suite is one test:
failed when a case failed, skipped when every case skipped, else passed.
"""

import json
import shutil
from pathlib import Path

from suite_runner.host import Host
from suite_runner.suite import Command, Suite


class Kunit(Suite):
    name = "kunit"
    results = "/var/lib/kunit"

    def check(self, host: Host, instance: str) -> list[str]:
        if shutil.which("kunit-run") is None:
            return ["kunit-run is not installed"]
        return []

    def command(self, host: Host, instance: str, run_dir: Path, extra: list[str]) -> Command:
        suites = [] if instance == "all" else [instance]
        return Command(argv=["kunit-run", "--run-dir", str(run_dir), *extra, *suites], cwd=run_dir)

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        report = run_dir / "kunit.json"
        if not report.is_file():
            return {}
        tests = {}
        for suite, counts in json.loads(report.read_text()).items():
            if counts.get("failed"):
                tests[suite] = "failed"
            elif counts.get("skipped") and not counts.get("passed"):
                tests[suite] = "skipped"
            else:
                tests[suite] = "passed"
        return tests
