"""dev/setup works in a virtual environment ($VENV, default .venv) and installs nothing twice."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPOSITORY

SETUP = REPOSITORY / "dev" / "setup"


def venv_of(*, cwd: Path, venv: str | None) -> str:
    environment = {key: value for key, value in os.environ.items() if key != "VENV"}
    if venv is not None:
        environment["VENV"] = venv
    return subprocess.run(
        ["bash", "-c", f'. "{REPOSITORY}/dev/lib/venv.bash"; echo "$VENV"'],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_the_venv_is_dot_venv_unless_venv_says_otherwise(tmp_path):
    assert venv_of(cwd=tmp_path, venv=None) == str(REPOSITORY / ".venv")
    assert venv_of(cwd=tmp_path, venv="") == str(REPOSITORY / ".venv")
    assert venv_of(cwd=tmp_path, venv="/srv/venv") == "/srv/venv"
    # Relative: from where the caller stands, as any path on a command line.
    assert venv_of(cwd=tmp_path, venv="v") == f"{tmp_path}/v"


def test_the_tests_run_in_the_venv():
    """dev/test runs pytest with the venv's python, not the system's (PEP 668)."""
    if "VENV" not in os.environ:
        pytest.skip("not started by dev/test")
    assert Path(sys.prefix).resolve() == Path(os.environ["VENV"]).resolve()


def test_a_rerun_with_everything_there_installs_nothing():
    venv = Path(sys.prefix)
    if not (venv / ".nix-build-flow-setup").exists():
        pytest.skip("pytest does not run in a venv dev/setup made")
    if shutil.which("nix") is None:
        pytest.skip("nix is not installed: dev/setup would install it")
    environment = {**os.environ, "VENV": str(venv)}
    completed = subprocess.run(
        [str(SETUP)], env=environment, capture_output=True, text=True, cwd="/"
    )
    assert completed.returncode == 0, completed.stderr
    # Every install step says "setup: installing ..." on stderr; none ran.
    assert completed.stderr == "" and completed.stdout == ""
