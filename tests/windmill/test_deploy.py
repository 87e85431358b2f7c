"""The README's deploy commands, run with the real windmill-cli against a stand-in API."""

import os
import shutil
import subprocess
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
    """``wmill ARGS`` as the README has them, plus where the server is and who we are."""
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
        "`wmill generate-metadata --schema-only --skip-flows` (README, 'Using it from Windmill')"
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

    # Without wmill.yaml's exclusion, the same push would delete the flow.
    config = checkout / "wmill.yaml"
    config.write_text(config.read_text().replace('  - "f/nix/build.flow/**"\n', ""))
    completed = wmill(checkout, api, "sync", "push", "--dry-run", "--json-output")
    deleted = [
        c["path"] for c in yaml.safe_load(completed.stdout)["changes"] if c["type"] == "deleted"
    ]
    assert deleted == ["f/nix/build.flow/flow.yaml"]
