"""LTP: `ltp@<runtest>` runs kirk --run-suite <runtest> on $LTPROOT.

kirk replaced runltp (a stub since LTP 20260529). Its JSON report,
results.json in the run's directory, gives each test's status: pass,
fail, brok (broken), warn and conf (TCONF: the test declined).
"""

import json
import os
from pathlib import Path

from suite_runner.host import Host
from suite_runner.suite import Command, Suite

STATUS = {"pass": "passed", "fail": "failed", "brok": "failed", "warn": "failed", "conf": "skipped"}


class Ltp(Suite):
    name = "ltp"
    results = "/var/lib/ltp"

    @property
    def root(self) -> str:
        return os.environ.get("LTPROOT", "/opt/ltp")

    def check(self, host: Host, instance: str) -> list[str]:
        root = host.path(self.root)
        if not (root / "kirk").exists():
            return [f"{self.root}/kirk does not exist: LTP is not installed at LTPROOT"]
        if not (root / "runtest" / instance).is_file():
            known = sorted(path.name for path in (root / "runtest").glob("*"))
            return [f"no runtest file {instance!r} in {self.root}/runtest ({', '.join(known)})"]
        return []

    def command(self, host: Host, instance: str, run_dir: Path, extra: list[str]) -> Command:
        return Command(
            argv=[
                str(host.path(self.root) / "kirk"),
                "--run-suite",
                instance,
                "--tmp-dir",
                str(run_dir),
                "--json-report",
                str(run_dir / "results.json"),
                *extra,
            ],
            cwd=run_dir,
            env={"LTPROOT": str(host.path(self.root))},
        )

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        report = run_dir / "results.json"
        if not report.is_file():
            return {}
        results = json.loads(report.read_text()).get("results", [])
        return {
            entry["test_fqn"]: STATUS.get(entry.get("status", ""), "failed") for entry in results
        }
