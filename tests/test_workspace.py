"""The per-VM workspace: its layout has one owner, and a hostile config_dir touches nothing.

lock_config and build_closure take config_dir from whoever calls them (over
Windmill's REST API, anyone allowed to run a script). Each hostile value
below must be refused naming config_dir, as an error that is never retried,
before any process runs and before any file anywhere changes.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from f.nix.build import build_closure, lock_config, render_config
from f.nix.common.errors import FlowInputError
from f.nix.common.workspace import Workspace, open_workspace, workspace_for
from tests.support import LIBRARY, REPOSITORY, render_and_lock, snapshot

STEPS = {"lock_config": lock_config.main, "build_closure": build_closure.main}


@pytest.fixture
def world(workers_dir, tmp_path, monkeypatch):
    """A worker with one rendered and locked VM, another worker's VM, a victim and a library copy.

    Locking runs nix: the tests that use it are marked nix.
    """
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library, symlinks=True)
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(library))
    good = render_and_lock(vm_name="good", test_suites=[])
    monkeypatch.setenv("WORKER_INDEX", "1")
    other = render_config.main(vm_name="other", test_suites=[])["config_dir"]
    monkeypatch.setenv("WORKER_INDEX", "0")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "flake.nix").write_text("{ outputs = { self }: { }; }\n")
    root = workers_dir / "0" / "nix"
    generation = Path(good).resolve()
    (root / "escape").symlink_to(victim)
    (root / "thief").symlink_to(generation)
    return {
        "root": root,
        "good": good,
        "other worker's VM": other,
        "victim": victim,
        "library": library,
        "generation": generation,
        "workers": workers_dir,
    }


HOSTILE: dict[str, Callable[[dict], object]] = {
    "a directory elsewhere holding a flake.nix": lambda w: str(w["victim"]),
    "the library (render_config's library_dir)": lambda w: str(w["library"]),
    "a generation itself": lambda w: str(w["generation"]),
    "another worker's VM": lambda w: w["other worker's VM"],
    "'..' back into the VM": lambda w: f"{w['root']}/escape/../good",
    "'..' out of the nix root": lambda w: f"{w['root']}/../../0/nix/good",
    "'..' up to the victim": lambda w: f"{w['root']}/../../../victim",
    "a link in the nix root that leads out": lambda w: f"{w['root']}/escape",
    "a link to another VM's generation": lambda w: f"{w['root']}/thief",
    "'//' in front (path://...)": lambda w: "/" + w["good"],
    "a doubled '/'": lambda w: w["good"].replace("/nix/", "/nix//"),
    "a trailing '/'": lambda w: w["good"] + "/",
    "a '.' segment": lambda w: w["good"].replace("/nix/", "/nix/./"),
    "a relative path": lambda w: os.path.relpath(w["good"]),
    "the nix root itself": lambda w: str(w["root"]),
    "a hidden entry of the nix root": lambda w: f"{w['root']}/.generations",
    "a VM that was never rendered": lambda w: f"{w['root']}/nosuchvm",
    "an empty string": lambda w: "",
    "a newline": lambda w: w["good"] + "\n",
    "a lone surrogate": lambda w: w["good"] + "\udc80",
    "not a string": lambda w: ["/etc"],
}


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("case", HOSTILE)
@pytest.mark.nix
def test_a_hostile_config_dir_is_refused_and_touches_nothing(world, step, case, mocker):
    config_dir = HOSTILE[case](world)
    before = snapshot(world["workers"], world["victim"], world["library"])
    spawned = mocker.patch("subprocess.Popen", side_effect=AssertionError("a process was run"))
    with pytest.raises(FlowInputError, match=r"^config_dir: ") as refused:
        STEPS[step](config_dir)
    assert not spawned.called
    assert "render_config returned" in str(refused.value) or "not made by this flow" in str(
        refused.value
    )
    assert snapshot(world["workers"], world["victim"], world["library"]) == before


@pytest.mark.nix
def test_the_vms_own_link_is_accepted(world):
    workspace = open_workspace(world["good"])
    assert workspace == Workspace(world["root"], "good")
    assert workspace.generation() == world["generation"]


@pytest.mark.nix
def test_the_layout(world):
    workspace = workspace_for("good")
    root = world["root"]
    assert workspace.config_dir == root / "good"
    assert workspace.generations == root / ".generations" / "good"
    assert workspace.gc_root == root / ".gcroots" / "good"
    assert workspace.lease == root / ".leases" / "good"
    assert workspace.state == root / ".state" / "good.json"
    # Render and lock wrote nothing outside the layout (the leases directory
    # stays, empty, once the run released the VM).
    expected = {root / "good", root / ".generations", root / ".leases", root / ".state"}
    assert set(root.iterdir()) - {root / "escape", root / "thief"} == expected
    assert list((root / ".leases").iterdir()) == []


def test_render_refuses_a_vm_whose_place_holds_something_else(workers_dir):
    root = workers_dir / "0" / "nix"
    (root / "taken").mkdir(parents=True)
    (root / "taken" / "mine").write_text("keep")
    with pytest.raises(FlowInputError, match=r"config_dir: .* is not a VM link made by this flow"):
        render_config.main(vm_name="taken", test_suites=[])
    assert (root / "taken" / "mine").read_text() == "keep"
    assert not (root / ".generations" / "taken").exists()


config_dir_texts = st.one_of(
    st.text(max_size=40),
    st.lists(
        st.sampled_from(["", ".", "..", "good", "escape", "thief", ".generations", "nix", "0"]),
        max_size=6,
    ).map("/".join),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(suffix=config_dir_texts)
@pytest.mark.nix
def test_any_other_text_is_refused_without_touching_anything(world, suffix):
    for config_dir in (suffix, f"{world['root']}/{suffix}"):
        if config_dir == world["good"]:
            continue
        before = snapshot(world["workers"], world["victim"])
        try:
            workspace = open_workspace(config_dir)
        except FlowInputError as error:
            assert str(error).startswith("config_dir: ")
        else:
            # Only the plain spelling of the one VM link gets through.
            assert workspace.config_dir == world["root"] / "good"
        assert snapshot(world["workers"], world["victim"]) == before


@pytest.mark.parametrize("missing", ["WORKERS_DIR", "WORKER_INDEX"])
def test_in_a_windmill_job_a_missing_variable_names_whitelist_envs(
    workers_dir, monkeypatch, missing
):
    monkeypatch.setenv("WM_JOB_ID", "job-1")
    monkeypatch.delenv(missing)
    with pytest.raises(FlowInputError, match=rf"^{missing} is not set.*WHITELIST_ENVS") as refused:
        render_config.main(vm_name="env", test_suites=[])
    assert f"add {missing} there" in str(refused.value)
    assert not any(workers_dir.iterdir())


def test_outside_windmill_worker_index_defaults_to_0(workers_dir, monkeypatch):
    monkeypatch.delenv("WM_JOB_ID", raising=False)
    monkeypatch.delenv("WORKER_INDEX")
    assert workspace_for("vm").root == workers_dir / "0" / "nix"


def test_unwritable_workers_dir(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("WORKERS_DIR", str(blocker / "workers"))
    with pytest.raises(
        FlowInputError, match=r"WORKERS_DIR: cannot write under .* \(Not a directory\)"
    ):
        render_config.main(vm_name="x")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "WORKERS_DIR is not set"),
        ("relative/dir", "is relative"),
        ("/w/a b", "path: flake reference"),
    ],
)
def test_workers_dir_must_be_set_and_absolute(monkeypatch, value, message):
    if value is None:
        monkeypatch.delenv("WORKERS_DIR", raising=False)
    else:
        monkeypatch.setenv("WORKERS_DIR", value)
    with pytest.raises(FlowInputError, match=message):
        render_config.main(vm_name="x")


def test_worker_index_must_be_a_number(workers_dir, monkeypatch):
    monkeypatch.setenv("WORKER_INDEX", "../1")
    with pytest.raises(FlowInputError, match="WORKER_INDEX"):
        render_config.main(vm_name="x")


def test_worker_index_separates_configs(workers_dir, monkeypatch):
    monkeypatch.setenv("WORKER_INDEX", "3")
    assert render_config.main(vm_name="x")["config_dir"] == str(workers_dir / "3" / "nix" / "x")


def test_a_hostile_config_dir_in_a_step_process_of_its_own(tmp_path, workers_dir):
    """As a worker runs a step: its own process, the library's directory as config_dir."""
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    before = snapshot(library)
    for step in ("lock_config", "build_closure"):
        completed = subprocess.run(
            [
                sys.executable,
                "-c",
                f"from f.nix.build import {step}; {step}.main({str(library)!r})",
            ],
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            env={**os.environ, "WORKERS_DIR": str(workers_dir), "NIXOS_FLAKE_DIR": str(library)},
        )
        assert completed.returncode == 1
        assert "FlowInputError: config_dir: " in completed.stderr
    assert snapshot(library) == before
    assert not (library.parent / ".generations").exists()
