"""A stand-in for the few Windmill API routes the CLI and docs/operating.rst's curl call touch.

It listens on 127.0.0.1 only, on a free port, answers from memory, records every
request, and shuts itself down after ``lifetime`` seconds even if nobody stops it.

It keeps a workspace as the server does: the scripts, flows and folders a push sends
(or a test seeds: another project's items), answered back by the get routes and in the
tarball ``wmill sync`` compares against, in the server's export format (``<path>.py`` and
``<path>.script.json`` with the lock inline, ``<path>.flow.json``,
``f/<folder>/folder.meta.json``). Scripts are locked as the server locks them
(windmill-labs/windmill: ``backend/windmill-api/src/scripts.rs`` queues a dependency job
for a script deployed without a lock; when it ends, ``backend/windmill-worker/src/
worker_lockfiles.rs`` relocks every script that imports it): a lock that is sent is kept
as is; an empty one is computed here, and so are the locks of every script that imports
it, from the script's ``#requirements:`` block when it has one, else from its imports,
each at the latest version, and for the Python version its ``# pyXYZ`` annotation
(``PythonAnnotations`` in ``backend/windmill-common/src/worker.rs``), else the
instance's default. The lock's first line says which (``# py: 3.11``:
``try_parse_locked_python_version_from_requirements``, same file).
"""

import ast
import io
import json
import re
import sys
import threading
import zipfile
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

VERSION = "CE v1.819.0"
JOB_ID = "01939b1c-7f2e-7a3b-9c4d-5e6f7a8b9c0d"
# The Python a worker runs a script on when neither its lock nor its annotation names one.
DEFAULT_PYTHON = "3.12"
# What a relock without pins resolves a package to: whatever PyPI has then, never our pins.
LATEST = "99.0.0"
SCRIPT_FIELDS = ("summary", "description", "lock", "kind", "schema", "tag", "language")
FLOW_FIELDS = ("summary", "description", "value", "schema", "tag")
FOLDER_FIELDS = ("summary", "display_name", "owners", "extra_perms")


def annotated_python(content: str) -> str | None:
    """``# py311`` on the script's first line: Python 3.11."""
    first = content.splitlines()[0] if content else ""
    match = re.fullmatch(r"#\s*py(3)(\d+)\s*", first)
    return f"{match[1]}.{match[2]}" if match else None


def requirements_block(content: str) -> list[str] | None:
    """The lines of a ``# requirements:`` comment block, or None without one, read as
    ``parse_python_imports`` reads them (backend/parsers/windmill-parser-py-imports/src/lib.rs):
    from the line that starts the block, every following ``#<word>`` line."""
    lines = content.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(("#requirements:", "# requirements:")):
            block = []
            for following in lines[index + 1 :]:
                match = re.fullmatch(r"#\s?(\S+)\s*", following)
                if match is None:
                    break
                block.append(match[1])
            return block
    return None


def top_level_imports(content: str) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(content).body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


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
    # The workspace's items as the server keeps them: by path (folders by name).
    scripts: dict[str, dict] = field(default_factory=dict)
    flows: dict[str, dict] = field(default_factory=dict)
    folders: dict[str, dict] = field(default_factory=dict)
    # Scripts the server locked itself (a dependency job), in order.
    dependency_jobs: list[str] = field(default_factory=list)

    def seed_script(self, path: str, content: str, **metadata: Any) -> None:
        """Put a script in the workspace as another project deployed it."""
        self.scripts[path] = {"language": "python3", "kind": "script", "lock": "", **metadata}
        self.scripts[path]["content"] = content

    def seed_flow(self, path: str, flow: dict) -> None:
        self.flows[path] = dict(flow)

    def seed_folder(self, name: str, **metadata: Any) -> None:
        self.folders[name] = {
            "summary": "",
            "display_name": name,
            "owners": [],
            "extra_perms": {},
            **metadata,
        }

    def relock(self, path: str, visited: frozenset[str] = frozenset()) -> None:
        """What the server's dependency job does to the script at ``path``, then to every
        script that imports it."""
        script = self.scripts[path]
        content = script["content"]
        requirements = requirements_block(content)
        if requirements is None:
            requirements = sorted(f"{name}=={LATEST}" for name in self.inferred(path))
        python = annotated_python(content) or DEFAULT_PYTHON
        script["lock"] = "".join(f"{line}\n" for line in [f"# py: {python}", *requirements])
        self.dependency_jobs.append(path)
        module = path.replace("/", ".")
        for other, importer in list(self.scripts.items()):
            if other not in visited and other != path and module in self.imports_of(importer):
                self.relock(other, visited | {path})

    def imports_of(self, script: dict) -> set[str]:
        if script.get("language") != "python3":
            return set()
        return top_level_imports(script["content"])

    def inferred(self, path: str) -> set[str]:
        """Third-party packages a script needs, following its imports of workspace scripts."""
        found: set[str] = set()
        seen: set[str] = set()
        pending = [path]
        while pending:
            current = pending.pop()
            if current in seen or current not in self.scripts:
                continue
            seen.add(current)
            for name in self.imports_of(self.scripts[current]):
                if name.startswith("f."):
                    pending.append(name.replace(".", "/"))
                elif name.split(".")[0] not in sys.stdlib_module_names:
                    found.add(name.split(".")[0])
        return found

    def export(self) -> dict[str, str]:
        """The workspace's items as the tarball holds them."""
        files: dict[str, str] = {}
        for path, script in self.scripts.items():
            files[f"{path}.py"] = script["content"]
            metadata = {k: script[k] for k in SCRIPT_FIELDS if script.get(k) is not None}
            metadata.pop("language", None)
            files[f"{path}.script.json"] = json.dumps(metadata)
        for path, flow in self.flows.items():
            files[f"{path}.flow.json"] = json.dumps(
                {k: flow[k] for k in FLOW_FIELDS if flow.get(k) is not None}
            )
        for name, folder in self.folders.items():
            files[f"f/{name}/folder.meta.json"] = json.dumps(
                {k: folder.get(k) for k in FOLDER_FIELDS}
            )
        return files

    def mutations(self) -> list[Recorded]:
        """Requests that would change the workspace."""
        return [r for r in self.requests if r.method != "GET"]

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
                    self.command, url.path, self.headers.get("Authorization", ""), body
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

    def answer(
        self, method: str, path: str, authorization: str, body: bytes = b""
    ) -> tuple[int, str, bytes]:
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
                for name, content in {**self.workspace_files, **self.export()}.items():
                    tarball.writestr(name, content)
            return HTTPStatus.OK, "application/zip", archive.getvalue()
        stored = self.answer_workspace(method, path.removeprefix(ws + "/"), body)
        if stored is not None:
            return stored
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

    def answer_workspace(
        self, method: str, route: str, body: bytes
    ) -> tuple[int, str, bytes] | None:
        """The routes that read and change the workspace's scripts, flows and folders."""

        def reply(value: Any, status: int = HTTPStatus.OK) -> tuple[int, str, bytes]:
            return status, "application/json", json.dumps(value).encode()

        def created(text: str = "created") -> tuple[int, str, bytes]:
            return HTTPStatus.CREATED, "text/plain", text.encode()

        missing = reply({"error": "not found"}, HTTPStatus.NOT_FOUND)
        sent = json.loads(body) if body else {}
        if method == "GET" and route.startswith("scripts/get/p/"):
            script = self.scripts.get(route.removeprefix("scripts/get/p/"))
            if script is None:
                return missing
            return reply(
                {
                    "path": route.removeprefix("scripts/get/p/"),
                    "hash": "0",
                    "archived": False,
                    "ws_error_handler_muted": False,
                    **script,
                }
            )
        if method == "POST" and route == "scripts/create":
            path = sent["path"]
            self.scripts[path] = {
                k: sent[k] for k in (*SCRIPT_FIELDS, "content") if sent.get(k) is not None
            }
            if not sent.get("lock"):
                self.relock(path)
            return created("0")
        if method == "POST" and route.startswith(("scripts/archive/p/", "scripts/delete/p/")):
            self.scripts.pop(route.split("/p/", 1)[1], None)
            return reply("deleted")
        if method == "GET" and route.startswith("flows/get/"):
            flow = self.flows.get(route.removeprefix("flows/get/"))
            return missing if flow is None else reply({"path": route[10:], **flow})
        if method == "POST" and route == "flows/create":
            self.flows[sent["path"]] = {k: sent[k] for k in FLOW_FIELDS if k in sent}
            return created()
        if method == "POST" and route.startswith("flows/update/"):
            self.flows[route.removeprefix("flows/update/")] = {
                k: sent[k] for k in FLOW_FIELDS if k in sent
            }
            return reply("updated")
        if method == "DELETE" and route.startswith("flows/delete/"):
            self.flows.pop(route.removeprefix("flows/delete/"), None)
            return reply("deleted")
        if method == "GET" and route.startswith("folders/get/"):
            folder = self.folders.get(route.removeprefix("folders/get/"))
            return missing if folder is None else reply({"name": route[12:], **folder})
        if method == "POST" and route == "folders/create":
            self.seed_folder(sent["name"], **{k: sent[k] for k in FOLDER_FIELDS if k in sent})
            return created()
        if method == "POST" and route.startswith("folders/update/"):
            self.folders[route.removeprefix("folders/update/")].update(sent)
            return reply("updated")
        if method == "DELETE" and route.startswith("folders/delete/"):
            self.folders.pop(route.removeprefix("folders/delete/"), None)
            return reply("deleted")
        return None
