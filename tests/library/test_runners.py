"""kunit-run and usertests-run, which the kunit@ and usertests@ units call, against stand-ins.

They run here as they run in the guest, with the kernel's places (modules
tree, debugfs, kernel source) pointed at directories the test builds, and
modprobe and make as the only outside tools.
"""

import gzip
import json
import lzma
import os
import subprocess
import sys
from pathlib import Path

from tests.support import LIBRARY

KUNIT_RUN = LIBRARY / "pkgs" / "kunit-runner" / "kunit-run.py"
USERTESTS_RUN = LIBRARY / "pkgs" / "usertests-runner" / "usertests-run.py"

EXAMPLE_KTAP = """KTAP version 1
# Subtest: example
# module: kunit_example_test
1..4
    ok 1 example_simple_test
    ok 2 example_skip_test # SKIP this test should be skipped
        KTAP version 1
        # Subtest: example_params_test
        ok 1 example value 1
        ok 2 example value 0 # SKIP unsupported
    ok 3 example_params_test
    not ok 4 example_fail_test
# example: pass:2 fail:1 skip:1 total:4
not ok 1 example
"""

PASSING_KTAP = """KTAP version 1
# Subtest: list-kunit-test
1..2
\tok 1 list_test_list_init
\tok 2 list_test_list_add
ok 2 list-kunit-test
"""


def fake_modprobe(bin_dir: Path, record: Path) -> None:
    tool = bin_dir / "modprobe"
    tool.write_text(f'#!/bin/sh\necho "$@" >> {record}\n')
    tool.chmod(0o755)


def test_kunit_loads_the_test_modules_and_files_each_suites_results(tmp_path):
    modules = tmp_path / "lib" / "modules" / "6.18.0-test"
    (modules / "kernel" / "lib").mkdir(parents=True)
    elf = b"\x7fELF...\x00.kunit_test_suites\x00..."
    (modules / "kernel" / "lib" / "list-test.ko").write_bytes(elf)
    (modules / "kernel" / "lib" / "kunit-example-test.ko.xz").write_bytes(lzma.compress(elf))
    (modules / "kernel" / "lib" / "ext4-inode-test.ko.gz").write_bytes(gzip.compress(elf))
    (modules / "kernel" / "lib" / "not-a-test.ko").write_bytes(b"\x7fELF plain module")
    debugfs = tmp_path / "debug"
    for suite, ktap in (("example", EXAMPLE_KTAP), ("list-kunit-test", PASSING_KTAP)):
        (debugfs / "kunit" / suite).mkdir(parents=True)
        (debugfs / "kunit" / suite / "results").write_text(ktap)
    bin_dir, loaded = tmp_path / "bin", tmp_path / "loaded"
    bin_dir.mkdir()
    fake_modprobe(bin_dir, loaded)

    completed = subprocess.run(
        [sys.executable, str(KUNIT_RUN), "--results", str(tmp_path / "results")],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "KUNIT_MODULES_DIR": str(modules),
            "KUNIT_DEBUGFS": str(debugfs),
            "KUNIT_RELEASE": "6.18.0-test",
        },
    )
    assert completed.returncode == 1, completed.stderr  # example_fail_test failed
    assert sorted(loaded.read_text().split()) == [
        "ext4_inode_test",
        "kunit_example_test",
        "list_test",
    ]
    (run,) = (tmp_path / "results" / "6.18.0-test").iterdir()
    assert json.loads((run / "summary.json").read_text()) == {
        "example": {"passed": 2, "failed": 1, "skipped": 1},
        "list-kunit-test": {"passed": 2, "failed": 0, "skipped": 0},
    }
    assert (run / "example.ktap").read_text() == EXAMPLE_KTAP
    assert "example: 2 passed, 1 failed, 1 skipped" in completed.stdout


def test_kunit_says_what_the_kernel_lacks(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(KUNIT_RUN), "--results", str(tmp_path / "results")],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "KUNIT_MODULES_DIR": str(tmp_path / "none"),
            "KUNIT_DEBUGFS": str(tmp_path / "debug"),
            "KUNIT_RELEASE": "6.18.0-test",
        },
    )
    assert completed.returncode == 2
    assert "CONFIG_KUNIT=y and CONFIG_KUNIT_DEBUGFS=y" in completed.stderr
    assert "is the kernel's modules tree shared at /lib/modules?" in completed.stdout


def kernel_tree(root: Path) -> Path:
    """tools/testing harnesses whose Makefiles build stand-in binaries."""
    script = {"main": 0, "idr-test": 0, "multiorder": 0, "xarray": 0, "maple": 3, "vma": 0}
    for harness, binaries in (
        ("radix-tree", ["main", "idr-test", "multiorder", "xarray", "maple"]),
        ("vma", ["vma"]),
        ("memblock", ["main"]),
    ):
        directory = root / "tools" / "testing" / harness
        directory.mkdir(parents=True)
        rules = "".join(
            f"\tprintf '#!/bin/sh\\necho {harness}/{name} ran\\nexit {script.get(name, 0)}\\n' > {name}\n"
            f"\tchmod +x {name}\n"
            for name in binaries
        )
        (directory / "Makefile").write_text(f"all:\n{rules}")
    return root


def test_usertests_builds_each_harness_and_runs_its_binaries(tmp_path):
    tree = kernel_tree(tmp_path / "linux")
    completed = subprocess.run(
        [
            sys.executable,
            str(USERTESTS_RUN),
            "--tree",
            str(tree),
            "--results",
            str(tmp_path / "r"),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "USERTESTS_RELEASE": "6.18.0-test"},
    )
    assert completed.returncode == 1, completed.stderr  # maple exits 3
    (run,) = (tmp_path / "r" / "6.18.0-test").iterdir()
    summary = json.loads((run / "summary.json").read_text())
    assert {h: {b: r["status"] for b, r in results.items()} for h, results in summary.items()} == {
        "radix-tree": {
            "main": "passed",
            "idr-test": "passed",
            "multiorder": "passed",
            "xarray": "passed",
            "maple": "failed",
        },
        "vma": {"vma": "passed"},
        "memblock": {"main": "passed"},
    }
    assert summary["radix-tree"]["maple"]["exit"] == 3
    assert (run / "radix-tree.xarray.log").read_text() == "radix-tree/xarray ran\n"
    assert "radix-tree/maple: failed" in completed.stdout


def test_usertests_without_a_tree_says_how_to_share_one(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(USERTESTS_RUN), "--tree", str(tmp_path / "none")],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 2
    assert 'guest.shares {"/mnt/linux": "linux"}' in completed.stderr


def test_with_a_run_dir_both_runners_file_into_it_beside_suite_runs_summary(tmp_path):
    """suite-run's kunit@ and usertests@ units hand them the run's directory."""
    debugfs = tmp_path / "debug"
    (debugfs / "kunit" / "list-kunit-test").mkdir(parents=True)
    (debugfs / "kunit" / "list-kunit-test" / "results").write_text(PASSING_KTAP)
    kunit_run = tmp_path / "kunit-run"
    completed = subprocess.run(
        [sys.executable, str(KUNIT_RUN), "--run-dir", str(kunit_run)],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "KUNIT_MODULES_DIR": str(tmp_path / "none"),
            "KUNIT_DEBUGFS": str(debugfs),
            "KUNIT_RELEASE": "6.18.0-test",
        },
    )
    assert completed.returncode == 0, completed.stderr
    assert sorted(path.name for path in kunit_run.iterdir()) == [
        "kunit.json",
        "list-kunit-test.ktap",
    ]

    usertests_run = tmp_path / "usertests-run"
    completed = subprocess.run(
        [
            sys.executable,
            str(USERTESTS_RUN),
            "--tree",
            str(kernel_tree(tmp_path / "linux")),
            "--run-dir",
            str(usertests_run),
            "vma",
        ],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads((usertests_run / "usertests.json").read_text())["vma"]["vma"]["status"] == (
        "passed"
    )
    assert not (usertests_run / "summary.json").exists()
