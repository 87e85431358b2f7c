"""A stand-in for the few Windmill API routes the CLI and the README's curl call touch.

It listens on 127.0.0.1 only, on a free port, answers from memory, records every
request, and shuts itself down after ``lifetime`` seconds even if nobody stops it.
"""

import io
import json
import threading
import zipfile
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

VERSION = "CE v1.819.0"
JOB_ID = "01939b1c-7f2e-7a3b-9c4d-5e6f7a8b9c0d"


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class StandinApi:
    workspace: str
    token: str
    # What a synchronous run returns, as a finished flow would.
    run_result: dict = field(default_factory=dict)
    # What the workspace holds, as files of its tarball (path in the workspace: content).
    workspace_files: dict[str, bytes] = field(default_factory=dict)
    # An asynchronous run: how many polls find it still running, then how it ends
    # (get_result_maybe's "success" and "result").
    pending_polls: int = 0
    run_success: bool = True
    # Whether a worker has taken the pending job (get_result_maybe?get_started=true), and
    # the tag it was queued with (jobs_u/get).
    job_started: bool = True
    job_tag: str = "flow"
    requests: list[Recorded] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self, lifetime: float = 300.0) -> "StandinApi":
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                api.requests.append(
                    Recorded(self.command, url.path, url.query, dict(self.headers), body)
                )
                status, content_type, payload = api.answer(
                    self.command, url.path, self.headers.get("Authorization", "")
                )
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        timer = threading.Timer(lifetime, self.stop)
        timer.daemon = True
        timer.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def requests_to(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def answer(self, method: str, path: str, authorization: str) -> tuple[int, str, bytes]:
        def reply(value: Any, status: int = HTTPStatus.OK) -> tuple[int, str, bytes]:
            return status, "application/json", json.dumps(value).encode()

        if path == "/api/version":
            return HTTPStatus.OK, "text/plain", VERSION.encode()
        if authorization != f"Bearer {self.token}":
            return reply({"error": "bad token"}, HTTPStatus.UNAUTHORIZED)
        ws = f"/api/w/{self.workspace}"
        if path in ("/api/users/whoami", f"{ws}/users/whoami"):
            # Not an admin: the CLI then refuses a push that lacks folder.meta.yaml.
            return reply(
                {
                    "email": "deployer@example.org",
                    "username": "deployer",
                    "is_admin": False,
                    "is_super_admin": False,
                    "operator": False,
                    "groups": [],
                    "folders": [],
                    "folders_owners": [],
                }
            )
        if path == f"{ws}/workspaces/list_ws_specific":
            return reply([])
        if path == f"{ws}/resources/file_resource_type_to_file_ext_map":
            return reply({})
        if path == f"{ws}/workspaces/tarball":
            # Empty unless a test put something in: then everything local is new.
            archive = io.BytesIO()
            with zipfile.ZipFile(archive, "w") as tarball:
                for name, content in self.workspace_files.items():
                    tarball.writestr(name, content)
            return HTTPStatus.OK, "application/zip", archive.getvalue()
        if method == "POST" and path == f"{ws}/flows/create":
            return HTTPStatus.CREATED, "text/plain", b"created"
        if method == "POST" and path.startswith(f"{ws}/jobs/run_wait_result/f/"):
            return reply(self.run_result)
        if method == "POST" and path.startswith(f"{ws}/jobs/run/f/"):
            # Windmill answers 201 with the job's id as plain text.
            return HTTPStatus.CREATED, "text/plain", JOB_ID.encode()
        if method == "GET" and path == f"{ws}/jobs_u/get/{JOB_ID}":
            return reply({"id": JOB_ID, "type": "QueuedJob", "tag": self.job_tag})
        if method == "GET" and path == f"{ws}/jobs_u/completed/get_result_maybe/{JOB_ID}":
            if self.pending_polls > 0:
                self.pending_polls -= 1
                return reply(
                    {
                        "completed": False,
                        "success": None,
                        "result": None,
                        "started": self.job_started,
                    }
                )
            return reply(
                {
                    "completed": True,
                    "success": self.run_success,
                    "result": self.run_result,
                    "started": None,
                }
            )
        return reply({"error": f"{method} {path} is not served here"}, HTTPStatus.NOT_FOUND)
