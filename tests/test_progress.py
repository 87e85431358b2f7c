"""Progress reaches Windmill through the real wmill client, and a terminal as a bar."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import wmill.client

from f.nix.build import build_closure
from f.nix.common import joblog
from f.nix.common.nix_log import Progress
from f.nix.common.progress import ProgressReporter, status_bar
from tests.support import render_and_lock


class FakeWindmill(BaseHTTPRequestHandler):
    """Answers the two calls wmill.set_progress makes, and records them."""

    received: ClassVar[list[tuple[str, str, dict | None]]] = []
    delay: ClassVar[float] = 0.0

    def do_GET(self):
        self.received.append(("GET", self.path, None))
        self._reply({"id": "job-1", "parent_job": "flow-7"})

    def do_POST(self):
        time.sleep(self.delay)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append(("POST", self.path, body))
        self._reply("ok")

    def _reply(self, payload):
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def windmill(monkeypatch):
    FakeWindmill.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWindmill)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("WM_BASE_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.delenv("BASE_INTERNAL_URL", raising=False)
    monkeypatch.setenv("WM_TOKEN", "test-token")
    monkeypatch.setenv("WM_WORKSPACE", "kdevops")
    monkeypatch.setenv("WM_JOB_ID", "job-1")
    # wmill builds its global client once per process, from these variables.
    monkeypatch.setattr(wmill.client, "_client", None)
    yield FakeWindmill.received
    server.shutdown()
    server.server_close()


def progress_posts(received) -> list[dict]:
    return [body for method, path, body in received if method == "POST"]


@pytest.mark.nix
def test_a_real_build_reports_progress_to_windmill(windmill, workers_dir):
    # A name never used before, so the store does not have the closure yet.
    vm_name = f"progress-{uuid.uuid4().hex[:12]}"
    build_closure.main(render_and_lock(vm_name=vm_name, test_suites=["ltp"]))
    posts = [(m, p) for m, p, _ in windmill if m == "POST"]
    assert posts and all(p == "/api/w/kdevops/job_metrics/set_progress/job-1" for _, p in posts)
    bodies = progress_posts(windmill)
    assert all(body["flow_job_id"] == "flow-7" and 0 <= body["percent"] <= 99 for body in bodies)
    assert bodies[-1]["percent"] == 99  # the finished build is reported, throttling or not


def wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_reports_are_throttled_but_the_last_is_flushed(windmill):
    reporter = ProgressReporter(min_interval=30.0)
    for done in range(1, 5):
        reporter(Progress(done, 10))
    wait_for(lambda: progress_posts(windmill))
    time.sleep(0.3)
    # One report so far, the newest the sender had seen when it woke.
    (first,) = [b["percent"] for b in progress_posts(windmill)]
    assert first in (10, 20, 30, 40)
    reporter.flush()
    percents = [b["percent"] for b in progress_posts(windmill)]
    assert percents[-1] == 40 and len(percents) == (1 if first == 40 else 2)


def test_a_slow_windmill_never_holds_up_reading_nix(windmill, monkeypatch):
    monkeypatch.setattr(FakeWindmill, "delay", 1.0)
    reporter = ProgressReporter(min_interval=0.0)
    started = time.monotonic()
    for done in range(1, 101):
        reporter(Progress(done, 100))
    assert time.monotonic() - started < 0.5
    reporter.flush(timeout=30)
    # Coalesced: far fewer reports than progress events, ending with the last.
    percents = [b["percent"] for b in progress_posts(windmill)]
    assert len(percents) < 10 and percents[-1] == 99


def test_no_windmill_outside_a_worker(monkeypatch, mocker):
    monkeypatch.delenv("WM_JOB_ID", raising=False)
    set_progress = mocker.patch("wmill.set_progress")
    reporter = ProgressReporter()
    reporter(Progress(1, 2))
    reporter.flush()
    set_progress.assert_not_called()


def test_a_broken_windmill_never_fails_the_build(monkeypatch, mocker, capsys):
    monkeypatch.setenv("WM_JOB_ID", "job-1")
    set_progress = mocker.patch("wmill.set_progress", side_effect=ConnectionError("refused"))
    reporter = ProgressReporter(min_interval=0.0)
    reporter(Progress(1, 2))
    wait_for(lambda: set_progress.called)
    reporter(Progress(2, 2))
    reporter.flush()
    assert set_progress.call_count == 1
    assert "progress reporting to Windmill stopped: refused" in capsys.readouterr().err


def test_progress_needs_wmill_at_the_top_of_the_module():
    """Windmill infers requirements from top-level imports only."""
    import ast

    from f.nix.common import progress

    tree = ast.parse(Path(progress.__file__).read_text())
    top_level = {
        alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names
    }
    assert "wmill" in top_level


def test_status_bar():
    assert status_bar(Progress(0, 0)) == ""
    assert status_bar(Progress(1, 3)) == "[" + "#" * 10 + "." * 20 + "] 1/3 built or fetched"


def test_terminal_status_line_stays_below_log_lines(monkeypatch, capsys):
    monkeypatch.setattr(joblog, "_draws_status", lambda: True)
    joblog.set_status("[##..] 1/2")
    joblog.log("building x")
    joblog.clear_status()
    monkeypatch.setattr(joblog, "_draws_status", lambda: False)
    assert capsys.readouterr().err == "\r\x1b[K[##..] 1/2\r\x1b[Kbuilding x\n[##..] 1/2\r\x1b[K"
