"""bin/windmill-nix-build: queue the flow, poll for its result, as Windmill's API answers."""

import json
import os
import signal
import subprocess
import sys

import pytest

from tests.support import REPOSITORY, flow_inputs
from tests.windmill.standin_api import JOB_ID, StandinApi

SCRIPT = REPOSITORY / "bin" / "windmill-nix-build"
WORKSPACE, TOKEN = "kernel", "secret-token"


@pytest.fixture
def api():
    standin = StandinApi(WORKSPACE, TOKEN).start(lifetime=120)
    yield standin
    standin.stop()


def run(api: StandinApi, *args: str, token: str = TOKEN) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--poll", "0.05", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "WM_URL": api.base_url, "WM_WORKSPACE": WORKSPACE, "WM_TOKEN": token},
    )


def test_a_long_build_is_queued_and_its_result_awaited(api):
    api.pending_polls = 3
    api.run_result = {"toplevel": "/nix/store/x-nixos-system", "init": "/nix/store/x/init"}
    inputs = flow_inputs(vm_name="dev1", test_suites=["fstests"])
    completed = run(api, "--inputs", json.dumps(inputs))
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == api.run_result
    assert f"started job {JOB_ID}" in completed.stderr
    (queued,) = api.requests_to("POST", f"/api/w/{WORKSPACE}/jobs/run/f/f/nix/build")
    assert queued.json() == inputs
    assert queued.headers["Authorization"] == f"Bearer {TOKEN}"
    polls = api.requests_to("GET", f"/api/w/{WORKSPACE}/jobs_u/completed/get_result_maybe/{JOB_ID}")
    assert len(polls) == 4
    # Never the synchronous endpoint, which cancels builds after 600 s.
    assert not [r for r in api.requests if "run_wait_result" in r.path]


def test_a_failed_flow_prints_its_error_and_exits_1(api):
    api.run_success = False
    api.run_result = {"error": {"name": "FlowInputError", "message": "guest.vm_name: 'x y'"}}
    completed = run(api)
    assert completed.returncode == 1
    assert f"job {JOB_ID} failed: FlowInputError: guest.vm_name: 'x y'" in completed.stderr
    assert completed.stdout == ""


def test_a_bad_token_is_a_bad_call(api):
    completed = run(api, token="wrong")
    assert completed.returncode == 2
    assert "401" in completed.stderr and "cannot start f/nix/build" in completed.stderr


def test_a_timeout_leaves_the_job_running(api):
    api.pending_polls = 1000
    completed = run(api, "--timeout", "0.3")
    assert completed.returncode == 3
    assert f"job {JOB_ID} still running" in completed.stderr


def test_missing_settings_are_named():
    completed = subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("WM_")},
    )
    assert completed.returncode == 2
    assert "set WM_URL or --url, WM_WORKSPACE or --workspace, WM_TOKEN" in completed.stderr


def test_a_job_no_worker_takes_is_named_with_its_tag(api):
    api.pending_polls = 1000
    api.job_started = False
    api.job_tag = "nix"
    completed = run(api, "--start-timeout", "0.2", "--timeout", "1")
    assert completed.returncode == 3
    assert (
        f"no worker has started job {JOB_ID} after" in completed.stderr
        and "listening to tag 'nix'" in completed.stderr
    )
    assert completed.stderr.count("no worker has started") == 1
    assert f"job {JOB_ID} not started by any worker after 1 s" in completed.stderr
    polls = api.requests_to("GET", f"/api/w/{WORKSPACE}/jobs_u/completed/get_result_maybe/{JOB_ID}")
    assert all(poll.query == "get_started=true" for poll in polls)


def test_a_started_job_is_not_reported_as_waiting(api):
    api.pending_polls = 1000
    completed = run(api, "--start-timeout", "0", "--timeout", "0.3")
    assert completed.returncode == 3
    assert "no worker has started" not in completed.stderr
    assert f"job {JOB_ID} still running" in completed.stderr


def test_interrupted_it_says_how_to_cancel_with_a_json_body(api):
    api.pending_polls = 1000
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--poll", "0.05"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "WM_URL": api.base_url, "WM_WORKSPACE": WORKSPACE, "WM_TOKEN": TOKEN},
    )
    assert process.stderr is not None
    assert f"started job {JOB_ID}" in process.stderr.readline()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    (hint,) = [line for line in stderr.splitlines() if "jobs_u/queue/cancel" in line]
    # Windmill's cancel route takes a JSON body; without one it answers an error.
    assert "-H 'Content-Type: application/json' -d '{}'" in hint
    assert hint.strip().startswith("curl -X POST")
    assert hint.endswith(f"/api/w/{WORKSPACE}/jobs_u/queue/cancel/{JOB_ID}")
    assert TOKEN not in stderr
