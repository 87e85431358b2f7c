"""The deploy commands of docs/operating.rst, run with the real windmill-cli against a stand-in API."""

import copy
import os
import re
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support import REPOSITORY, STEPS
from tests.windmill.standin_api import StandinApi

WMILL = REPOSITORY / "node_modules" / ".bin" / "wmill"
WORKSPACE, TOKEN = "kdevops", "test-token"


@pytest.fixture
def api() -> Iterator[StandinApi]:
    if shutil.which("node") is None:
        pytest.skip("node is not installed; dev/setup installs Windmill's tools with npm")
    if not WMILL.exists():
        pytest.skip("windmill-cli is not installed: run dev/setup (npm ci)")
    standin = StandinApi(WORKSPACE, TOKEN).start(lifetime=300)
    yield standin
    standin.stop()


@pytest.fixture
def checkout(tmp_path) -> Path:
    """What a user deploys from: f/ and wmill.yaml, copied so the CLI cannot touch the repo."""
    root = tmp_path / "checkout"
    root.mkdir()
    shutil.copytree(
        REPOSITORY / "f", root / "f", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    shutil.copy(REPOSITORY / "wmill.yaml", root / "wmill.yaml")
    return root


def wmill(checkout: Path, api: StandinApi, *args: str) -> subprocess.CompletedProcess:
    """``wmill ARGS`` as docs/operating.rst has them, plus where the server is and who we are."""
    home = checkout.parent / "home"
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [str(WMILL), *args, "--base-url", api.base_url, "--token", TOKEN, "--workspace", WORKSPACE],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(home), "WMILL_CONFIG_DIR": str(home / "wmill")},
    )


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_sync_push_dry_run_sees_every_script_the_steps_need(checkout, api):
    before = tree(checkout / "f")
    completed = wmill(checkout, api, "sync", "push", "--dry-run", "--json-output")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = yaml.safe_load(completed.stdout)
    assert report["success"] is True
    added = {change["path"] for change in report["changes"] if change["type"] == "added"}
    # The three steps and every module they import, each with its metadata.
    modules = [p.relative_to(checkout) for p in sorted((checkout / "f/nix").rglob("*.py"))]
    assert {f"f/nix/build/{step}.py" for step in STEPS} <= {str(m) for m in modules}
    for module in modules:
        base = str(module.with_suffix(""))
        assert {f"{base}.py", f"{base}.script.yaml", f"{base}.script.lock"} <= added, base
    # The subflow example is a .flow folder, so sync takes it with its inline script.
    assert "f/examples/boot_imageless.flow/flow.yaml" in added
    assert "f/examples/boot_imageless.flow/boot_command.py" in added
    # f/nix/build/flow.yaml is not in a .flow folder: sync does not see it.
    assert not any(path.startswith("f/nix/build/flow") for path in added)
    # A dry run sends nothing and, with the metadata committed, writes nothing in f/.
    assert not [r for r in api.requests if r.method != "GET"]
    assert tree(checkout / "f") == before


def test_sync_push_refuses_a_folder_without_its_metadata(checkout, api):
    (checkout / "f/nix/folder.meta.yaml").unlink()
    completed = wmill(checkout, api, "sync", "push", "--dry-run")
    assert completed.returncode != 0
    assert "folder.meta.yaml" in completed.stdout + completed.stderr


def test_steps_carry_no_worker_tag(checkout):
    """A tag outside the server's CUSTOM_TAGS is refused to every user but superadmins
    (windmill-labs/windmill, the tag check that says "Only super admins are allowed to use
    tags that are not included in the allowed CUSTOM_TAGS"): without one, a step gets its
    language's default tag, python3, one of DEFAULT_TAGS (backend/windmill-common/src/worker.rs)
    that every worker of the default group, kdevops-ng's included, listens to."""
    for step in STEPS:
        metadata = yaml.safe_load((checkout / f"f/nix/build/{step}.script.yaml").read_text())
        assert "tag" not in metadata, step
        assert metadata["summary"], step
        # The lock is sent as it is: the worker installs exactly these pins.
        assert metadata["lock"] == f"!inline f/nix/build/{step}.script.lock"
        assert (checkout / f"f/nix/build/{step}.script.lock").read_text().strip()


def test_committed_metadata_is_what_the_cli_generates(checkout, api):
    """Regenerating changes nothing: the schemas pushed are the ones main() has now."""
    before = tree(checkout / "f")
    completed = wmill(checkout, api, "generate-metadata", "--schema-only", "--skip-flows", "--yes")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    after = tree(checkout / "f")
    changed = sorted(
        path for path in after.keys() | before.keys() if after.get(path) != before.get(path)
    )
    assert changed == [], (
        "stale or missing script metadata; regenerate it with "
        "`wmill generate-metadata --schema-only --skip-flows` (docs/operating.rst, 'Metadata and "
        "locks')"
    )


def test_flow_push_sends_flow_yaml_as_is(checkout, api):
    completed = wmill(checkout, api, "flow", "push", "f/nix/build", "f/nix/build")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    (created,) = api.requests_to("POST", f"/api/w/{WORKSPACE}/flows/create")
    body = created.json()
    assert body.pop("path") == "f/nix/build"
    body.pop("deployment_message", None)
    body.pop("skip_draft_deletion", None)
    assert body == yaml.safe_load((checkout / "f/nix/build/flow.yaml").read_text())
    # No tag on the flow or on any step, as the CLI read them: a plain workspace member may run
    # it, and the default worker group takes it.
    assert "tag" not in body
    assert [m["id"] for m in body["value"]["modules"] if "tag" in m or "tag" in m["value"]] == []


def test_flow_push_takes_the_folder_not_the_file(checkout, api):
    """The CLI appends flow.yaml to its first argument: the file itself is not found."""
    completed = wmill(checkout, api, "flow", "push", "f/nix/build/flow.yaml", "f/nix/build")
    assert completed.returncode != 0
    assert "flow.yaml/flow.yaml" in completed.stdout + completed.stderr
    assert not api.requests_to("POST", f"/api/w/{WORKSPACE}/flows/create")


def test_a_sync_push_leaves_the_pushed_flow_alone(checkout, api):
    """After `wmill flow push`, the workspace holds f/nix/build.flow/, which sync must not delete."""
    flow = (checkout / "f/nix/build/flow.yaml").read_bytes()
    api.workspace_files = {"f/nix/build.flow/flow.yaml": flow}
    completed = wmill(checkout, api, "sync", "push", "--dry-run", "--json-output")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    changes = yaml.safe_load(completed.stdout)["changes"]
    assert [c for c in changes if c["type"] != "added"] == []

    # With all of f/ synced, the same push would delete the flow.
    config = checkout / "wmill.yaml"
    settings = yaml.safe_load(config.read_text())
    config.write_text(yaml.safe_dump({**settings, "includes": ["f/**"]}))
    completed = wmill(checkout, api, "sync", "push", "--dry-run", "--json-output")
    deleted = [
        c["path"] for c in yaml.safe_load(completed.stdout)["changes"] if c["type"] == "deleted"
    ]
    assert deleted == ["f/nix/build.flow/flow.yaml"]


# What this repository deploys: sync's paths, and the flow `wmill flow push` puts at f/nix/build.
OURS = ("f/nix/build/", "f/nix/common/", "f/examples/")
FLOW = "f/nix/build"


def ours(path: str) -> bool:
    return path.startswith(OURS) or path.startswith(f"{FLOW}.flow/")


def kdevops_ng_workspace(api: StandinApi) -> None:
    """Upstream kdevops-ng's items, as its own deploy left them in the shared workspace."""
    for folder in ("qsu", "common", "kernel"):
        api.seed_folder(folder, owners=["u/admin"])
    # Folder nix is kdevops-ng's too, with its own owners and permissions.
    api.seed_folder("nix", summary="NixOS builds", owners=["u/admin"], extra_perms={"g/qsu": True})
    build_nix = {"type": "flow", "path": FLOW, "input_transforms": {}}
    api.seed_flow(
        "f/qsu/bringup",
        {
            "summary": "Bring up a VM",
            "value": {"modules": [{"id": "build_nix", "value": build_nix}]},
            "schema": {"type": "object", "properties": {}},
        },
    )
    api.seed_flow(
        "f/kernel/build",
        {
            "summary": "Build a kernel",
            "value": {"modules": []},
            "schema": {"type": "object", "properties": {}},
        },
    )
    api.seed_script(
        "f/common/devshell",
        "import os\n\n\ndef devshell_env():\n    return dict(os.environ)\n",
        summary="",
        description="",
        lock="# py: 3.12\n",
        schema={"type": "object", "properties": {}, "required": []},
    )
    api.seed_script(
        "f/nix/kdevops_ng_step",
        "def main():\n    return 1\n",
        summary="kdevops-ng's own step beside ours",
        description="",
        lock="# py: 3.12\n",
        schema={"type": "object", "properties": {}, "required": []},
    )


def snapshot(api: StandinApi) -> dict:
    return copy.deepcopy({"scripts": api.scripts, "flows": api.flows, "folders": api.folders})


def test_sync_push_lists_no_item_of_a_shared_workspace_that_is_not_ours(checkout, api):
    kdevops_ng_workspace(api)
    completed = wmill(checkout, api, "sync", "push", "--dry-run", "--json-output")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    changes = yaml.safe_load(completed.stdout)["changes"]
    assert [c for c in changes if not ours(c["path"])] == []
    assert [c for c in changes if c["type"] == "deleted"] == []
    # Ours are all there: the dry run does list what it deploys.
    assert {"f/nix/build/render_config.py", "f/examples/boot_imageless.flow/flow.yaml"} <= {
        c["path"] for c in changes
    }


def test_sync_push_changes_and_deletes_nothing_that_is_not_ours(checkout, api):
    """The real push, with its --yes, against a workspace that holds kdevops-ng's items."""
    kdevops_ng_workspace(api)
    theirs = snapshot(api)
    completed = wmill(checkout, api, "sync", "push", "--yes")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    after = snapshot(api)
    for kind, items in theirs.items():
        for name, item in items.items():
            assert after[kind].get(name) == item, (kind, name)
    assert "f/nix/build/render_config" in api.scripts
    # Every request that changes something is about one of our paths.
    touched = [r.path.split(f"/api/w/{WORKSPACE}/", 1)[1] for r in api.mutations()]
    bodies = [r.json().get("path") or r.json().get("name") for r in api.mutations() if r.body]
    assert all(path is None or ours(path) or path == "examples" for path in bodies), bodies
    assert not [route for route in touched if "delete" in route or "archive" in route]
    assert not [
        route for route in touched if "/update/" in route and not ours(route.split("/update/")[1])
    ]


def test_folder_push_creates_folder_nix_where_it_is_missing(checkout, api):
    completed = wmill(checkout, api, "folder", "push", "nix")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert api.folders["nix"]["display_name"] == "nix"


def test_readme_excludes_keep_kdevops_ngs_own_sync_off_our_paths(checkout, api, tmp_path):
    """kdevops-ng's checkout syncs all of f/; with the docs' excludes it leaves ours alone."""
    assert wmill(checkout, api, "sync", "push", "--yes").returncode == 0
    assert wmill(checkout, api, "flow", "push", "f/nix/build", FLOW).returncode == 0
    kdevops_ng_workspace(api)
    theirs = tmp_path / "kdevops-ng"
    for folder in ("qsu", "common", "kernel", "nix"):
        (theirs / "f" / folder).mkdir(parents=True)
        (theirs / "f" / folder / "folder.meta.yaml").write_text(
            yaml.safe_dump({"summary": "", "display_name": folder, "owners": [], "extra_perms": {}})
        )
    # Its own, older f/nix/build, which our flow replaced.
    (theirs / "f/nix/build.flow").mkdir()
    (theirs / "f/nix/build.flow/flow.yaml").write_text(
        yaml.safe_dump({"summary": "kdevops-ng's build", "value": {"modules": []}})
    )
    operating = (REPOSITORY / "docs" / "operating.rst").read_text()
    (block,) = re.findall(r"::\n\n((?:    excludes:\n)(?:      [^\n]*\n)+)", operating)
    excludes = yaml.safe_load(textwrap.dedent(block))["excludes"]
    config = {
        "includes": ["f/**"],
        "excludes": excludes,
        "skipVariables": True,
        "skipResources": True,
        "skipResourceTypes": True,
        "skipSecrets": True,
    }
    (theirs / "wmill.yaml").write_text(yaml.safe_dump(config))

    completed = wmill(theirs, api, "sync", "push", "--dry-run", "--json-output")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    changed = [c["path"] for c in yaml.safe_load(completed.stdout)["changes"]]
    assert [path for path in changed if ours(path)] == []
    # Without them, its sync deletes ours and pushes its flow over ours.
    (theirs / "wmill.yaml").write_text(yaml.safe_dump({**config, "excludes": []}))
    completed = wmill(theirs, api, "sync", "push", "--dry-run", "--json-output")
    changed = [c["path"] for c in yaml.safe_load(completed.stdout)["changes"]]
    assert "f/nix/build/render_config.py" in changed and "f/nix/build.flow/flow.yaml" in changed


def test_a_second_sync_push_after_a_push_changes_nothing(checkout, api):
    """Every script goes with a lock the server keeps: no dependency job, no relock, and what
    the server answers back is what is here."""
    completed = wmill(checkout, api, "sync", "push", "--yes")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert api.dependency_jobs == []
    for path, script in api.scripts.items():
        assert script["lock"] == (checkout / f"{path}.script.lock").read_text(), path
    completed = wmill(checkout, api, "sync", "push", "--dry-run", "--json-output")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert yaml.safe_load(completed.stdout)["changes"] == []


def test_a_relock_on_the_server_writes_the_same_locks(checkout, api):
    """Whatever makes the server relock a script (a module deployed elsewhere with an empty
    lock, a changed import), it relocks it from the script's own `# py311` and
    `# requirements:` lines: the same Python and pins as the committed lock."""
    assert wmill(checkout, api, "sync", "push", "--yes").returncode == 0
    locks = {path: script["lock"] for path, script in api.scripts.items()}
    # A module pushed without a lock: the server locks it, then every script that imports it.
    errors = api.scripts["f/nix/common/errors"]
    api.scripts["f/nix/common/errors"] = {**errors, "lock": ""}
    api.relock("f/nix/common/errors")
    assert {f"f/nix/build/{step}" for step in STEPS} <= set(api.dependency_jobs)
    for path in locks:
        api.relock(path)
    assert {path: script["lock"] for path, script in api.scripts.items()} == locks
    for step in STEPS:
        assert locks[f"f/nix/build/{step}"].startswith("# py: 3.11\n"), step
