import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from f.nix.common import nix_command

REPOSITORY = Path(__file__).resolve().parent.parent
STUB_NIXPKGS = REPOSITORY / "tests" / "stub-nixpkgs"
LIBRARY = REPOSITORY / "vendor" / "nixos-flake"

HAVE_NIX = shutil.which("nix") is not None
needs_nix = pytest.mark.skipif(
    not HAVE_NIX, reason="nix is not on PATH (Debian: apt-get install nix-bin; .ci/run does)"
)


@pytest.fixture(autouse=True)
def _fresh_nix_version_cache():
    nix_command.nix_version.cache_clear()
    yield
    nix_command.nix_version.cache_clear()


@pytest.fixture
def workers_dir(tmp_path, monkeypatch) -> Path:
    """An empty WORKERS_DIR for one test, worker index 0."""
    root = tmp_path / "workers"
    root.mkdir()
    monkeypatch.setenv("WORKERS_DIR", str(root))
    monkeypatch.setenv("WORKER_INDEX", "0")
    monkeypatch.delenv("NIXOS_FLAKE_DIR", raising=False)
    monkeypatch.delenv("VENDOR_DIR", raising=False)
    # Each test is a run of its own (localflow.run_flow sets a flow job id
    # in this process for the steps of its run).
    for name in ("WM_FLOW_JOB_ID", "WM_ROOT_FLOW_JOB_ID"):
        monkeypatch.delenv(name, raising=False)
    return root


@pytest.fixture
def offline_nix(monkeypatch):
    """Real nix with no binary cache: the tests never wait on the network."""
    if not HAVE_NIX:
        pytest.skip("nix is not on PATH (Debian: apt-get install nix-bin; .ci/run does)")
    monkeypatch.setenv("NIX_CONFIG", "substituters =")


def stub_nixpkgs_ref() -> str:
    return f"path:{STUB_NIXPKGS}"


def nix_eval_json(expression: str) -> object:
    """Evaluate a Nix expression with the real nix-instantiate and return it as JSON."""
    completed = subprocess.run(
        ["nix-instantiate", "--eval", "--strict", "--json", "--expr", expression],
        capture_output=True,
        text=True,
        env={**os.environ, "NIX_CONFIG": "substituters ="},
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


FLOW_FILE = REPOSITORY / "f" / "nix" / "build" / "flow.yaml"


@functools.cache
def _input_groups() -> dict[str, str]:
    """Each input of the flow's schema by name, and the group (guest, closure, ...) it is in."""
    properties = yaml.safe_load(FLOW_FILE.read_text())["schema"]["properties"]
    return {name: group for group, spec in properties.items() for name in spec["properties"]}


def flow_inputs(**inputs) -> dict:
    """The flow's grouped inputs from flat names: flow_inputs(vm_name="x", dry_run=True)
    is {"guest": {"vm_name": "x"}, "build": {"dry_run": True}}. Names the schema does not
    have stay at the top, where the runner refuses them."""
    grouped: dict = {}
    for name, value in inputs.items():
        group = _input_groups().get(name)
        if group is None:
            grouped[name] = value
        else:
            grouped.setdefault(group, {})[name] = value
    return grouped


def localflow_argv(inputs: dict) -> list[str]:
    return [sys.executable, "-m", "localflow", "f/nix/build", "--inputs", json.dumps(inputs)]


def run_localflow(inputs: dict, env: dict | None = None) -> subprocess.CompletedProcess:
    """The README's local runner on the f/nix/build flow, as a user runs it."""
    return subprocess.run(
        localflow_argv(inputs),
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def run_steps(**render_inputs) -> dict:
    """The flow's three steps in this process, locked against the stub nixpkgs."""
    from f.nix.build import build_closure, lock_config, render_config

    rendered = render_config.main(**render_inputs)
    lock_config.main(rendered["config_dir"], nixpkgs=stub_nixpkgs_ref())
    return build_closure.main(rendered["config_dir"])
