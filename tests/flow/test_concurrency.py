"""Two runs on one VM: the second fails at once. Runs on different VMs go in parallel."""

import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from f.nix.build import build_closure, lock_config, render_config
from f.nix.common import vm_lease
from f.nix.common.errors import VmBusyError
from f.nix.common.workspace import workspace_for
from tests.support import (
    REPOSITORY,
    flow_inputs,
    localflow_argv,
    render_and_lock,
    start_build_step,
    stub_nixpkgs_ref,
    wait_for_build_to_start,
)
from tests.windmill.standin_api import JOB_ID, StandinApi

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


def start_step_of_flow(config_dir: str, flow_job: str, **popen) -> subprocess.Popen:
    """build_closure as a step of the flow run ``flow_job``, once nix is building."""
    return start_build_step(config_dir, {**os.environ, "WM_FLOW_JOB_ID": flow_job}, **popen)


def slow_config(vm_name: str) -> str:
    config_dir = render_and_lock(vm_name=vm_name, test_suites=[])
    slow = ["stubSlowBuild", f"unique{uuid.uuid4().hex}"]
    render_config.main(vm_name=vm_name, test_suites=[], extra_packages=slow)
    lock_config.main(config_dir, nixpkgs=stub_nixpkgs_ref())
    return config_dir


def test_a_lease_whose_step_was_sigkilled_is_taken_over_at_once(workers_dir, monkeypatch):
    """Windmill's cancel and timeout SIGKILL the step: no handler runs, the lease stays."""
    config_dir = slow_config("killed")
    lease = workspace_for(Path(config_dir).name).lease
    build = start_step_of_flow(config_dir, "flow-killed")
    assert json.loads(lease.read_text())["owner"] == "flow flow-killed"
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)
    assert json.loads(lease.read_text())["owner"] == "flow flow-killed"  # nothing unwound

    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-next")
    started = time.monotonic()
    render_config.main(vm_name="killed", test_suites=[])
    assert time.monotonic() - started < vm_lease.STALE_AFTER
    assert json.loads(lease.read_text())["owner"] == "flow flow-next"


def test_a_live_step_still_holds_its_lease(workers_dir, monkeypatch):
    config_dir = slow_config("alive")
    build = start_step_of_flow(config_dir, "flow-alive")
    try:
        monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-other")
        with pytest.raises(VmBusyError, match=r"being built by flow flow-alive \(step build_clo"):
            render_config.main(vm_name="alive", test_suites=["ltp"])
    finally:
        build.send_signal(signal.SIGTERM)
        build.wait(timeout=30)


def test_sigint_unwinds_a_step_even_when_it_was_started_ignoring_sigint(workers_dir):
    """MAX_WAIT_FOR_SIGINT > 0: the worker sends SIGINT first; the step releases its lease."""
    config_dir = slow_config("interrupted")
    build = start_step_of_flow(
        config_dir,
        "flow-interrupted",
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    build.send_signal(signal.SIGINT)
    build.wait(timeout=30)
    assert build.returncode == 128 + signal.SIGINT
    assert not workspace_for(Path(config_dir).name).lease.exists()


def write_lease(vm_name: str, process: dict) -> Path:
    lease = workspace_for(vm_name).lease
    lease.parent.mkdir(parents=True, exist_ok=True)
    lease.write_text(json.dumps({"owner": "flow old", "step": "build_closure", "process": process}))
    return lease


def test_a_reused_pid_is_not_taken_for_the_holder(workers_dir, monkeypatch):
    """The holder's PID now names another process (this one): its start time tells them apart."""
    lease = write_lease("reused", {**vm_lease.this_process(), "pid_start": "1"})
    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-new")
    render_config.main(vm_name="reused", test_suites=[])
    assert json.loads(lease.read_text())["owner"] == "flow flow-new"


def test_a_holder_on_another_host_is_never_judged_dead(workers_dir, monkeypatch):
    write_lease("remote", {**vm_lease.this_process(), "host": "elsewhere", "pid": 999999999})
    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-new")
    with pytest.raises(VmBusyError, match="being built by flow old"):
        render_config.main(vm_name="remote", test_suites=[])


def test_between_two_steps_no_process_holds_the_lease(workers_dir, monkeypatch):
    """The step that passes the lease on has ended; that must not free the VM for others."""
    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-a")
    config_dir = render_config.main(vm_name="between", test_suites=[])["config_dir"]
    assert "process" not in json.loads(workspace_for("between").lease.read_text())
    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-b")
    with pytest.raises(VmBusyError, match="being built by flow flow-a"):
        render_config.main(vm_name="between", test_suites=["ltp"])
    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-a")
    lock_config.main(config_dir, nixpkgs=stub_nixpkgs_ref())


@pytest.fixture
def windmill(monkeypatch):
    """A job's view of its server: the stand-in API, with the job's URL, workspace and token."""
    api = StandinApi("kernel", "job-token").start(lifetime=60)
    monkeypatch.setenv("BASE_INTERNAL_URL", api.base_url)
    monkeypatch.setenv("WM_WORKSPACE", "kernel")
    monkeypatch.setenv("WM_TOKEN", "job-token")
    yield api
    api.stop()


def lease_between_steps(vm_name: str) -> Path:
    """A fresh lease of flow run JOB_ID whose last step has ended (no process holds it)."""
    lease = workspace_for(vm_name).lease
    lease.parent.mkdir(parents=True, exist_ok=True)
    lease.write_text(json.dumps({"owner": f"flow {JOB_ID}", "step": "render_config"}))
    return lease


def test_a_lease_of_a_flow_run_windmill_says_has_finished_is_taken_over(
    workers_dir, windmill, monkeypatch
):
    """Cancelled between two steps: no process to find dead, but the server knows."""
    lease = lease_between_steps("cancelled")
    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-next")
    render_config.main(vm_name="cancelled", test_suites=[])
    assert json.loads(lease.read_text())["owner"] == "flow flow-next"
    (asked,) = windmill.requests_to(
        "GET", f"/api/w/kernel/jobs_u/completed/get_result_maybe/{JOB_ID}"
    )
    assert asked.headers["Authorization"] == "Bearer job-token"


def test_a_lease_of_a_flow_run_still_running_refuses(workers_dir, windmill, monkeypatch):
    windmill.pending_polls = 10
    lease_between_steps("running")
    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-next")
    with pytest.raises(VmBusyError, match=f"being built by flow {JOB_ID}"):
        render_config.main(vm_name="running", test_suites=[])


def test_no_answer_from_windmill_is_no_proof(workers_dir, windmill, monkeypatch):
    monkeypatch.setenv("WM_TOKEN", "a-token-the-server-refuses")
    lease_between_steps("unknown")
    monkeypatch.setenv("WM_FLOW_JOB_ID", "flow-next")
    with pytest.raises(VmBusyError, match=f"being built by flow {JOB_ID}"):
        render_config.main(vm_name="unknown", test_suites=[])
