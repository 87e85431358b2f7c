#!/usr/bin/env python3
"""Run the KUnit tests of the booted kernel and file their KTAP results.

    kunit-run [--results DIR | --run-dir DIR] [SUITE...]

Finds the kernel's KUnit test modules (the modules under
/lib/modules/$(uname -r) that carry a .kunit_test_suites section), loads
each with modprobe, which runs its suites, then copies every suite's KTAP
results from debugfs (/sys/kernel/debug/kunit/<suite>/results; built-in
suites ran at boot) to DIR/<release>/<timestamp>/<suite>.ktap and writes
summary.json: passed, failed and skipped test cases per suite. SUITE
arguments keep only those suites. With --run-dir (how suite-run's
kunit@<suite> unit calls it) the files go straight into that directory and
the summary is named kunit.json. Exit status: 0 all passed, 1 a test
failed, 2 nothing to collect (the message says what is missing: the
kernel needs CONFIG_KUNIT and CONFIG_KUNIT_DEBUGFS, and its test modules
CONFIG_KUNIT_ALL_TESTS=m or the like).

Environment (for tests): KUNIT_MODULES_DIR, KUNIT_DEBUGFS, KUNIT_RELEASE.
"""

import argparse
import gzip
import json
import lzma
import os
import re
import subprocess
import sys
import time
from pathlib import Path

MARKER = b".kunit_test_suites"
# A KTAP result line: "ok 1 name", "not ok 2 - name", "ok 3 name # SKIP why".
RESULT = re.compile(
    r"^(?P<indent>\s*)(?P<status>not ok|ok) \d+(?: -)? ?(?P<name>[^#]*?)\s*"
    r"(?:#\s*(?P<directive>\w+).*)?$"
)


def module_contents(path: Path) -> bytes:
    """The ELF image of a kernel module, decompressed as modprobe would."""
    name = path.name
    if name.endswith(".ko"):
        return path.read_bytes()
    if name.endswith(".ko.xz"):
        return lzma.decompress(path.read_bytes())
    if name.endswith(".ko.gz"):
        return gzip.decompress(path.read_bytes())
    if name.endswith(".ko.zst"):
        return subprocess.run(["zstd", "-dc", str(path)], capture_output=True, check=True).stdout
    return b""


def test_modules(modules_dir: Path) -> list[str]:
    """Names of the modules that carry KUnit test suites, as modprobe takes them."""
    names = []
    for path in sorted(modules_dir.rglob("*.ko*")):
        if MARKER in module_contents(path):
            names.append(path.name.split(".ko")[0].replace("-", "_"))
    return names


def summarise(ktap: str) -> dict[str, int]:
    """Passed, failed and skipped test cases of one suite's KTAP.

    The cases are the results one level below the suite's own line; a
    parameterised case counts once, by its own result.
    """
    results = []
    for line in ktap.splitlines():
        found = RESULT.match(line)
        if found:
            results.append(
                (len(found["indent"].expandtabs(4)), found["status"], found["directive"])
            )
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    if not results:
        return counts
    outer = min(indent for indent, _, _ in results)
    deeper = [indent for indent, _, _ in results if indent > outer]
    level = min(deeper) if deeper else outer
    for indent, status, directive in results:
        if indent != level:
            continue
        if directive and directive.upper() == "SKIP":
            counts["skipped"] += 1
        elif status == "ok":
            counts["passed"] += 1
        else:
            counts["failed"] += 1
    return counts


def ensure_debugfs(debugfs: Path) -> None:
    if (debugfs / "kunit").is_dir() or debugfs != Path("/sys/kernel/debug"):
        return
    subprocess.run(["mount", "-t", "debugfs", "debugfs", str(debugfs)], check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--results", default="/var/lib/kunit", help="default /var/lib/kunit")
    where.add_argument("--run-dir", help="file this run's results here, summary as kunit.json")
    parser.add_argument("suites", nargs="*", help="only these suites")
    options = parser.parse_args(argv)

    release = os.environ.get("KUNIT_RELEASE") or os.uname().release
    modules_dir = Path(os.environ.get("KUNIT_MODULES_DIR") or f"/lib/modules/{release}")
    debugfs = Path(os.environ.get("KUNIT_DEBUGFS") or "/sys/kernel/debug")

    if modules_dir.is_dir():
        for name in test_modules(modules_dir):
            loaded = subprocess.run(["modprobe", name], capture_output=True, text=True)
            status = "loaded" if loaded.returncode == 0 else f"not loaded: {loaded.stderr.strip()}"
            print(f"kunit: module {name} {status}", flush=True)
    else:
        print(f"kunit: no {modules_dir}: is the kernel's modules tree shared at /lib/modules?")

    ensure_debugfs(debugfs)
    suites_dir = debugfs / "kunit"
    if not suites_dir.is_dir():
        print(
            f"kunit: {suites_dir} does not exist: the booted kernel needs CONFIG_KUNIT=y and "
            "CONFIG_KUNIT_DEBUGFS=y, and debugfs mounted",
            file=sys.stderr,
        )
        return 2
    wanted = set(options.suites)
    suites = sorted(
        path.parent.name
        for path in suites_dir.glob("*/results")
        if not wanted or path.parent.name in wanted
    )
    if not suites:
        print(
            "kunit: no suite has results (no test module, or none of those asked for)",
            file=sys.stderr,
        )
        return 2

    if options.run_dir:
        run_dir, summary_name = Path(options.run_dir), "kunit.json"
    else:
        run_dir = Path(options.results) / release / time.strftime("%Y%m%dT%H%M%S")
        summary_name = "summary.json"
    run_dir.mkdir(parents=True, exist_ok=True)
    summary = {}
    for suite in suites:
        ktap = (suites_dir / suite / "results").read_text(errors="replace")
        (run_dir / f"{suite}.ktap").write_text(ktap)
        summary[suite] = summarise(ktap)
    (run_dir / summary_name).write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    for suite, counts in summary.items():
        passed, failed, skipped = counts["passed"], counts["failed"], counts["skipped"]
        print(f"{suite}: {passed} passed, {failed} failed, {skipped} skipped")
    print(f"kunit: results in {run_dir}")
    return 1 if any(counts["failed"] for counts in summary.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
