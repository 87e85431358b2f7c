"""The steps as Windmill's worker loads them: fetched copies without ``__file__``."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import LIBRARY, REPOSITORY

LOADER = Path(__file__).with_name("worker_loader.py")


def run_as_job(code: str, job_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``code`` in a Python job of a worker whose environment is ``env`` alone."""
    job_dir.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-I", str(LOADER), str(REPOSITORY), code],
        cwd=job_dir,
        env={"PATH": os.environ["PATH"], "HOME": str(job_dir), "WM_JOB_ID": "job-1", **env},
        capture_output=True,
        text=True,
    )


RENDER = """
import json
from f.nix.build import render_config
from f.nix.common import library
try:
    render_config.main(vm_name="loaded", test_suites=[])
    outcome = {"error": None}
except Exception as error:
    outcome = {"error": type(error).__name__, "message": str(error)}
outcome["has_file"] = [hasattr(m, "__file__") for m in (library, render_config)]
outcome["loaded_from"] = library.__spec__.loader.path
print(json.dumps(outcome))
"""


@pytest.fixture
def job(tmp_path):
    workers = tmp_path / "workers"
    workers.mkdir()
    return tmp_path / "job", {"WORKERS_DIR": str(workers), "WORKER_INDEX": "0"}


def outcome_of(completed: subprocess.CompletedProcess) -> dict:
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


def test_without_the_variables_a_loaded_step_says_what_to_set(job):
    job_dir, env = job
    outcome = outcome_of(run_as_job(RENDER, job_dir, env))
    assert outcome["has_file"] == [False, False]
    assert outcome["loaded_from"].startswith(str(job_dir))
    assert outcome["error"] == "LibraryError", outcome
    assert "NIXOS_FLAKE_DIR is not set" in outcome["message"]
    assert "add NIXOS_FLAKE_DIR there" in outcome["message"]  # to WHITELIST_ENVS


def test_a_listed_but_unset_library_variable_is_named(job):
    job_dir, env = job
    outcome = outcome_of(run_as_job(RENDER, job_dir, {**env, "NIXOS_FLAKE_DIR": ""}))
    assert outcome["error"] == "LibraryError", outcome
    assert (
        "NIXOS_FLAKE_DIR is listed in WHITELIST_ENVS but not set on the worker"
        in outcome["message"]
    )


def test_with_nixos_flake_dir_a_loaded_step_renders(job):
    job_dir, env = job
    outcome = outcome_of(run_as_job(RENDER, job_dir, {**env, "NIXOS_FLAKE_DIR": str(LIBRARY)}))
    assert outcome["error"] is None, outcome


def test_nothing_in_f_relies_on_file():
    users = [
        str(path.relative_to(REPOSITORY))
        for path in sorted((REPOSITORY / "f").rglob("*.py"))
        if "__file__" in path.read_text(encoding="utf-8")
    ]
    assert not users, "Windmill's loader gives imported modules no __file__"
