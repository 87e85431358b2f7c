"""The scripts the library's packages install (pkgs/*/<name>.sh), run against stand-in trees.

The package recipes put the real tree's path in place of @tree@ and the
tools on PATH; here a fake tree and fake tools show what the scripts do.
"""

import os
import re
import subprocess
from pathlib import Path

from tests.support import LIBRARY


def installed(script: str, tree: Path, bin_dir: Path) -> Path:
    """The script as a recipe installs it: @tree@ replaced, made executable."""
    text = (LIBRARY / "pkgs" / script).read_text().replace("@tree@", str(tree))
    path = bin_dir / Path(script).stem
    path.write_text(text)
    path.chmod(0o755)
    return path


def fake_tool(bin_dir: Path, name: str) -> None:
    tool = bin_dir / name
    tool.write_text(f'#!/bin/sh\necho "{name} in $PWD:"; for a in "$@"; do echo "  $a"; done\n')
    tool.chmod(0o755)


def test_blktests_runs_check_in_the_tree_with_results_and_config_outside(tmp_path):
    tree, bin_dir = tmp_path / "tree", tmp_path / "bin"
    tree.mkdir()
    bin_dir.mkdir()
    fake_tool(tree, "check")
    wrapper = installed("blktests/blktests.sh", tree, bin_dir)
    config = tmp_path / "config"
    env = {**os.environ, "BLKTESTS_OUTPUT": str(tmp_path / "out"), "BLKTESTS_CONFIG": str(config)}

    without_config = subprocess.run([wrapper, "block/002"], env=env, capture_output=True, text=True)
    assert without_config.stdout.splitlines() == [
        f"check in {tree}:",
        "  -o",
        f"  {tmp_path / 'out'}",
        "  block/002",
    ]
    config.write_text("TEST_DEVS=(/dev/vdb)\n")
    with_config = subprocess.run([wrapper], env=env, capture_output=True, text=True)
    assert with_config.stdout.splitlines()[3:] == ["  -c", f"  {config}"]


GITR_PLACEHOLDERS = {
    "@bash@": "/store/bash/bin/bash",
    "@perl@": "/store/perl/bin/perl",
    "@python@": "/store/python3/bin/python3",
    "@curl_config@": "/store/curl-dev/bin/curl-config",
    "@cflags@": "-O2 -I/store/zlib-dev/include",
    "@ldflags@": "-L/store/zlib/lib -Wl,-rpath,/store/zlib/lib",
}


def test_gitr_builds_git_in_place_on_the_file_system_under_test_then_runs_the_tests(tmp_path):
    source, bin_dir = tmp_path / "store" / "git", tmp_path / "bin"
    (source / "t").mkdir(parents=True)
    for script in ("t0000-basic.sh", "t1234-other.sh", "test-lib.sh"):
        (source / "t" / script).write_text("#!/bin/sh\n")
    (source / "Makefile").write_text("all:\n")
    (source / "Makefile").chmod(0o444)
    bin_dir.mkdir()
    fake_tool(bin_dir, "make")
    text = (LIBRARY / "pkgs" / "gitr" / "gitr.sh").read_text().replace("@source@", str(source))
    for placeholder, value in GITR_PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    assert not re.search(r"@[a-z_]+@", text), "a placeholder the test does not fill"
    wrapper = bin_dir / "gitr"
    wrapper.write_text(text)
    wrapper.chmod(0o755)
    target = tmp_path / "mnt" / "test" / "gitr"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "GITR_JOBS": "3"}

    completed = subprocess.run([wrapper, str(target)], env=env, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout.splitlines()
    flags = [
        f"  {name}={value}"
        for name, value in (
            ("SHELL_PATH", "/store/bash/bin/bash"),
            ("PERL_PATH", "/store/perl/bin/perl"),
            ("PYTHON_PATH", "/store/python3/bin/python3"),
            ("CURL_CONFIG", "/store/curl-dev/bin/curl-config"),
            ("CFLAGS", "-O2 -I/store/zlib-dev/include"),
            ("LDFLAGS", "-L/store/zlib/lib -Wl,-rpath,/store/zlib/lib"),
            ("USE_LIBPCRE2", "1"),
            ("NO_TCLTK", "1"),
            ("NO_GETTEXT", "1"),
        )
    ]
    build = out.index("make in " + os.getcwd() + ":")  # the build
    assert out[build + 1 : build + 4] == ["  -C", f"  {target}/git", "  -j3"]
    assert out[build + 4 : build + 13] == flags
    # Every test script as its own target, between pre-clean and the totals:
    # `make test` would delete the counts files the runner reads.
    calls = [index for index, line in enumerate(out) if line.startswith("make in ")]
    assert len(calls) == 4
    pre_clean, tests, totals = calls[1:]
    assert out[pre_clean + 1 : pre_clean + 3] == ["  -C", f"  {target}/git/t"]
    assert out[pre_clean + 3 : pre_clean + 12] == flags and out[pre_clean + 12] == "  pre-clean"
    assert out[tests + 1 : tests + 5] == ["  -C", f"  {target}/git/t", "  -j3", "  -k"]
    assert out[tests + 5 : tests + 14] == flags
    assert out[tests + 14 : totals] == ["  t0000-basic.sh", "  t1234-other.sh"]
    assert out[-1] == "  aggregate-results"
    # The copy is the build tree: writable, and fresh on every run.
    copied = target / "git" / "Makefile"
    assert copied.is_file() and os.access(copied, os.W_OK)
    (target / "git" / "stale").write_text("from the last run")
    again = subprocess.run(
        [wrapper, str(target), "T=t0000-basic.sh"], env=env, capture_output=True, text=True
    )
    assert again.stdout.splitlines()[-1] == "  T=t0000-basic.sh"
    assert not (target / "git" / "stale").exists()


def test_gitr_without_a_directory_says_how_to_call_it(tmp_path):
    completed = subprocess.run(
        ["bash", LIBRARY / "pkgs" / "gitr" / "gitr.sh"], capture_output=True, text=True
    )
    assert completed.returncode == 2
    assert "usage: gitr DIR" in completed.stderr
