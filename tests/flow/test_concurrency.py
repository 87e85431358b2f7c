"""Two runs on one VM: the second fails at once. Runs on different VMs go in parallel."""

import json
import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from f.nix.build import build_closure, lock_config, render_config
from f.nix.common import vm_lease
from f.nix.common.errors import VmBusyError
from f.nix.common.workspace import workspace_for
from tests.support import REPOSITORY, flow_inputs, localflow_argv, stub_nixpkgs_ref

pytestmark = pytest.mark.nix


def start_flow(inputs: dict, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        localflow_argv(inputs),
        cwd=REPOSITORY,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def slow_inputs(vm_name: str) -> dict:
    unique = f"unique{uuid.uuid4().hex}"  # never built before, so the build really takes time
    return flow_inputs(
        vm_name=vm_name,
        test_suites=[],
        extra_packages=["stubSlowBuild", unique],
        nixpkgs=stub_nixpkgs_ref(),
    )


def wait_for_build_to_start(process: subprocess.Popen) -> None:
    for line in process.stderr:
        if line.startswith("building '") and "nixos-system-stub" in line:
            return
    pytest.fail("the first run never started building")


def test_second_run_on_the_same_vm_fails_at_once_and_others_proceed(workers_dir):
    first = start_flow(slow_inputs("shared"))
    wait_for_build_to_start(first)

    started = time.monotonic()
    second = start_flow(flow_inputs(vm_name="shared", test_suites=[], nixpkgs=stub_nixpkgs_ref()))
    _, second_log = second.communicate(timeout=60)
    assert second.returncode == 1
    assert time.monotonic() - started < 3.5  # at once, not after the 4 s build
    assert "vm_name: VM 'shared' is being built by flow local-" in second_log
    assert "step build_closure" in second_log

    other = start_flow(flow_inputs(vm_name="other", test_suites=[], nixpkgs=stub_nixpkgs_ref()))
    _, other_log = other.communicate(timeout=60)
    assert other.returncode == 0, other_log
    assert first.poll() is None, "the other VM had to wait for the first run"

    first_out, _ = first.communicate(timeout=60)
    assert first.returncode == 0
    assert json.loads(first_out)["config_dir"].endswith("/nix/shared")
    assert not workspace_for(Path(json.loads(first_out)["config_dir"]).name).lease.exists()


def test_steps_of_one_flow_run_share_the_lease(workers_dir, monkeypatch):
    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-a")
    config_dir = render_config.main(vm_name="run", test_suites=[])["config_dir"]
    lease = workspace_for(Path(config_dir).name).lease
    assert json.loads(lease.read_text())["owner"] == "flow flow-a"
    lock_config.main(config_dir, nixpkgs=stub_nixpkgs_ref())
    assert lease.exists()

    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-b")
    with pytest.raises(VmBusyError, match=r"being built by flow flow-a \(step lock_config"):
        render_config.main(vm_name="run", test_suites=["ltp"])

    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-a")
    build_closure.main(config_dir)
    assert not lease.exists()


def test_a_failing_step_releases_the_lease(workers_dir, monkeypatch):
    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-f")
    config_dir = render_config.main(
        vm_name="fails", test_suites=[], extra_packages=["stubFailBuild"]
    )["config_dir"]
    lock_config.main(config_dir, nixpkgs=stub_nixpkgs_ref())
    with pytest.raises(Exception, match="failed with exit code 1"):
        build_closure.main(config_dir)
    assert not workspace_for(Path(config_dir).name).lease.exists()


def test_a_step_run_on_its_own_holds_the_lease_only_while_it_runs(workers_dir, monkeypatch):
    monkeypatch.delenv("WM_FLOW_JOB_ID", raising=False)
    monkeypatch.delenv("WM_ROOT_FLOW_JOB_ID", raising=False)
    config_dir = render_config.main(vm_name="alone", test_suites=[])["config_dir"]
    assert not workspace_for(Path(config_dir).name).lease.exists()


def test_a_stale_lease_is_taken_over(workers_dir, monkeypatch):
    config_dir = workers_dir / "0" / "nix" / "stale"
    lease = workspace_for(config_dir.name).lease
    lease.parent.mkdir(parents=True)
    lease.write_text(json.dumps({"owner": "flow dead", "step": "lock_config"}))
    old = time.time() - vm_lease.STALE_AFTER - 5
    os.utime(lease, (old, old))
    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-new")
    render_config.main(vm_name="stale", test_suites=[])
    assert json.loads(lease.read_text())["owner"] == "flow flow-new"


def test_the_lease_is_kept_fresh_while_a_step_runs(workers_dir, monkeypatch):
    monkeypatch.setattr(vm_lease, "HEARTBEAT_SECONDS", 0.05)
    config_dir = workers_dir / "0" / "nix" / "beat"
    config_dir.parent.mkdir(parents=True)
    with vm_lease.vm_lease(workspace_for(config_dir.name), "build_closure"):
        lease = workspace_for(config_dir.name).lease
        old = time.time() - 1000
        os.utime(lease, (old, old))
        time.sleep(0.3)
        assert time.time() - lease.stat().st_mtime < 5


def test_two_subflow_runs_of_one_parent_do_not_share_a_vm(workers_dir, monkeypatch):
    """Windmill gives both the parent's WM_ROOT_FLOW_JOB_ID; each run has its own WM_FLOW_JOB_ID."""
    monkeypatch.setenv("WM_ROOT_FLOW_JOB_ID", "parent")
    monkeypatch.setenv("WM_FLOW_JOB_ID", "subflow-1")
    render_config.main(vm_name="twice", test_suites=[])
    monkeypatch.setenv("WM_FLOW_JOB_ID", "subflow-2")
    with pytest.raises(VmBusyError, match=r"being built by flow subflow-1 \(step render_config"):
        render_config.main(vm_name="twice", test_suites=["ltp"])
