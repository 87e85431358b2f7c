"""A variable WHITELIST_ENVS lists but the worker does not set reaches a job as "".

Inside a Windmill job the flow reads that "" as "listed but not set", says so
by the variable's name, and never takes it for a value.
"""

import ast
from pathlib import Path

import pytest

from f.nix.build import render_config
from f.nix.common import store_stamp
from f.nix.common.build_options import build_options
from f.nix.common.errors import FlowInputError
from f.nix.common.managed_key import managed_public_key, system_dir
from f.nix.common.worker_policy import SOURCE_ROOTS, SUBSTITUTERS, check_path_source
from tests.support import REPOSITORY

LISTED_BUT_UNSET = "is listed in WHITELIST_ENVS but not set on the worker"


@pytest.fixture
def in_a_job(workers_dir, monkeypatch):
    monkeypatch.setenv("WM_JOB_ID", "job-1")
    return workers_dir


@pytest.mark.parametrize("variable", ["WORKERS_DIR", "WORKER_INDEX"])
def test_a_listed_but_unset_workspace_variable_is_named(in_a_job, monkeypatch, variable):
    monkeypatch.setenv(variable, "")
    with pytest.raises(FlowInputError, match=rf"^{variable} is not set") as refused:
        render_config.main(vm_name="env", test_suites=[])
    message = str(refused.value)
    assert f"{variable} {LISTED_BUT_UNSET}" in message
    assert "is not allowed" not in message and "add it there" not in message
    assert not any(in_a_job.iterdir())


def test_outside_a_job_an_empty_worker_index_is_still_refused(workers_dir, monkeypatch):
    monkeypatch.delenv("WM_JOB_ID", raising=False)
    monkeypatch.setenv("WORKER_INDEX", "")
    with pytest.raises(FlowInputError, match="WORKER_INDEX: '' is not allowed"):
        render_config.main(vm_name="env", test_suites=[])


def test_a_listed_but_unset_system_dir_is_the_default_and_said(in_a_job, monkeypatch, capsys):
    monkeypatch.setenv("SYSTEM_DIR", "")
    assert system_dir() == in_a_job.parent / "system"
    assert managed_public_key() is None
    assert f"SYSTEM_DIR {LISTED_BUT_UNSET}" in capsys.readouterr().err


def test_a_listed_but_unset_substituter_list_is_named(in_a_job, monkeypatch):
    monkeypatch.setenv(SUBSTITUTERS, "")
    with pytest.raises(FlowInputError, match=rf"listed: none.*{SUBSTITUTERS} {LISTED_BUT_UNSET}"):
        build_options(["https://c"], None, "", None)


def test_a_listed_but_unset_source_roots_refuses_path_sources(in_a_job, monkeypatch, tmp_path):
    monkeypatch.setenv(SOURCE_ROOTS, "")
    with pytest.raises(FlowInputError, match=rf"{SOURCE_ROOTS} {LISTED_BUT_UNSET}"):
        check_path_source("overrides[0].src", str(tmp_path))


def test_a_listed_but_unset_nix_state_dir_is_nix_default(in_a_job, monkeypatch):
    monkeypatch.setenv("NIX_STATE_DIR", "")
    assert store_stamp.nix_db() == Path("/nix/var/nix/db")


# Variables read straight from os.environ: Windmill's own (WM_*, and BASE_INTERNAL_URL,
# which its loader and client use too), and those it always passes.
PASSED_BY_WINDMILL = {"BASE_INTERNAL_URL", "HOME", "PATH", "TZ"}
# Read directly on purpose, each telling unset from "" itself.
READ_DIRECTLY = {("worker_policy.py", SOURCE_ROOTS)}


def _environment_reads(path: Path):
    """The names of the variables ``path`` reads with os.environ[...], .get, .pop or getenv."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            reader, key = ast.unparse(node.value), node.slice
        elif isinstance(node, ast.Call) and node.args:
            reader, key = ast.unparse(node.func), node.args[0]
        else:
            continue
        if not (reader.endswith(("environ", "environ.get", "environ.pop")) or "getenv" in reader):
            continue
        if isinstance(key, ast.Name):
            yield constants.get(key.id, key.id)
        elif isinstance(key, ast.Constant):
            yield key.value
        else:
            yield ast.unparse(key)


def test_the_flow_reads_worker_variables_only_through_windmill_env():
    direct = set()
    for path in sorted((REPOSITORY / "f").rglob("*.py")):
        if path.name == "windmill_env.py":
            continue
        for name in _environment_reads(path):
            if name in PASSED_BY_WINDMILL or str(name).startswith("WM_"):
                continue
            if (path.name, name) not in READ_DIRECTLY:
                direct.add((str(path.relative_to(REPOSITORY)), name))
    assert not direct, "read these with windmill_env.worker_variable, which knows ''"
