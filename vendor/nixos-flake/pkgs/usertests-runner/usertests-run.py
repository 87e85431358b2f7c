#!/usr/bin/env python3
"""Build and run the kernel's userspace test harnesses from a kernel tree.

    usertests-run [--tree DIR] [--results DIR | --run-dir DIR] [--jobs N] [HARNESS...]

The harnesses under tools/testing/ of a kernel tree test kernel code built
for userspace: radix-tree (its main, idr-test, multiorder, xarray and maple
binaries: the radix tree, IDR/IDA, XArray and maple tree), vma and
memblock; these three are the default, as upstream kdevops-ng runs them.
Each is built in the tree with make, then each binary runs; its output goes
to DIR/<release>/<timestamp>/<harness>.<binary>.log and summary.json says
passed or failed (and the exit status and seconds) per binary. The tree
defaults to $USERTESTS_TREE, else /mnt/linux: share the kernel tree under
test into the guest there. With --run-dir (how suite-run's
usertests@<harness> unit calls it) the files go straight into that
directory and the summary is named usertests.json. Exit status: 0 all
passed, 1 a build or a test failed, 2 no tree.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

# The binaries each harness's Makefile builds, in the order they run.
HARNESSES = {
    "radix-tree": ["main", "idr-test", "multiorder", "xarray", "maple"],
    "vma": ["vma"],
    "memblock": ["main"],
}


def run_harness(tree: Path, harness: str, jobs: int, run_dir: Path) -> dict[str, dict]:
    directory = tree / "tools" / "testing" / harness
    results: dict[str, dict] = {}
    if not directory.is_dir():
        return {"build": {"status": "failed", "reason": f"{directory} does not exist"}}
    log = run_dir / f"{harness}.build.log"
    with log.open("w") as output:
        built = subprocess.run(
            ["make", "-C", str(directory), f"-j{jobs}"], stdout=output, stderr=subprocess.STDOUT
        )
    if built.returncode != 0:
        return {"build": {"status": "failed", "exit": built.returncode, "log": log.name}}
    for binary in HARNESSES.get(harness, []):
        program = directory / binary
        if not os.access(program, os.X_OK):
            results[binary] = {"status": "not built"}
            continue
        log = run_dir / f"{harness}.{binary}.log"
        started = time.monotonic()
        with log.open("w") as output:
            ran = subprocess.run(
                ["stdbuf", "--output=L", str(program)],
                cwd=directory,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        results[binary] = {
            "status": "passed" if ran.returncode == 0 else "failed",
            "exit": ran.returncode,
            "seconds": round(time.monotonic() - started, 3),
            "log": log.name,
        }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", default=os.environ.get("USERTESTS_TREE", "/mnt/linux"))
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--results", default="/var/lib/usertests", help="default /var/lib/usertests")
    where.add_argument("--run-dir", help="file this run's results here, summary as usertests.json")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("harnesses", nargs="*", default=list(HARNESSES))
    options = parser.parse_args(argv)

    tree = Path(options.tree)
    if not (tree / "tools" / "testing").is_dir():
        print(
            f"usertests: no kernel tree at {tree}: share the tree under test into the guest "
            '(e.g. guest.shares {"/mnt/linux": "linux"}) or set USERTESTS_TREE',
            file=sys.stderr,
        )
        return 2
    release = os.environ.get("USERTESTS_RELEASE") or os.uname().release
    if options.run_dir:
        run_dir, summary_name = Path(options.run_dir), "usertests.json"
    else:
        run_dir = Path(options.results) / release / time.strftime("%Y%m%dT%H%M%S")
        summary_name = "summary.json"
    run_dir.mkdir(parents=True, exist_ok=True)
    summary = {h: run_harness(tree, h, options.jobs, run_dir) for h in options.harnesses}
    (run_dir / summary_name).write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    failed = False
    for harness, binaries in summary.items():
        for binary, result in binaries.items():
            print(f"{harness}/{binary}: {result['status']}")
            failed = failed or result["status"] == "failed"
    print(f"usertests: results in {run_dir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
