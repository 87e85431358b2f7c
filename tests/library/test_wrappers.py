"""The scripts the library's packages install (pkgs/*/<name>.sh), run against stand-in trees.

The package recipes put the real tree's path in place of @tree@ and the
tools on PATH; here a fake tree and fake tools show what the scripts do.
"""

import os
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


def test_gitr_copies_the_tree_to_the_file_system_under_test_and_runs_make(tmp_path):
    tree, bin_dir = tmp_path / "store" / "git", tmp_path / "bin"
    (tree / "t").mkdir(parents=True)
    (tree / "t" / "t0000-basic.sh").write_text("#!/bin/sh\n")
    (tree / "t" / "t0000-basic.sh").chmod(0o555)
    bin_dir.mkdir()
    fake_tool(bin_dir, "make")
    wrapper = installed("gitr/gitr.sh", tree, bin_dir)
    target = tmp_path / "scratch"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    completed = subprocess.run(
        [wrapper, str(target), "-j4", "T=t0000-basic.sh"], env=env, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[1:] == [
        "  -C",
        f"  {target}/git/t",
        "  -j4",
        "  T=t0000-basic.sh",
    ]
    copied = target / "git" / "t" / "t0000-basic.sh"
    assert copied.is_file() and os.access(copied, os.W_OK)
    # GITR_DIR is the default directory.
    completed = subprocess.run(
        [wrapper], env={**env, "GITR_DIR": str(tmp_path / "d")}, capture_output=True, text=True
    )
    assert f"{tmp_path / 'd'}/git/t" in completed.stdout
