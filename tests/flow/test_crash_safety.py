"""Killing a run at any point leaves the previous config and closure usable."""

import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from f.nix.build import build_closure, lock_config, render_config
from f.nix.common.workspace import workspace_for
from tests.support import (
    REPOSITORY,
    child_pids,
    process_ended,
    run_steps,
    start_build_step,
    stub_nixpkgs_ref,
)

pytestmark = pytest.mark.nix

FILES = ("flake.nix", "default.nix", "flake.lock")


def snapshot(config_dir: Path) -> dict[str, str]:
    return {name: (config_dir / name).read_text() for name in FILES if (config_dir / name).exists()}


def crash_step(limit: int, step: str, **kwargs) -> int:
    completed = subprocess.run(
        [sys.executable, "-m", "tests.flow.crash_driver", str(limit), step, json.dumps(kwargs)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    assert completed.returncode in (0, -signal.SIGKILL), completed.stderr
    return completed.returncode


def crash_everywhere(step: str, vm_dir: Path, **kwargs) -> None:
    """Crash ``step`` at its 1st, 2nd, ... disk change, each time from the same state.

    After every crash the VM holds either its old config or the config the
    step completes with, whole: never a mix.
    """
    nix_dir = vm_dir.parent
    saved = nix_dir.with_name("nix.saved")
    shutil.copytree(nix_dir, saved, symlinks=True)
    before = snapshot(vm_dir)
    crashed: list[tuple[int, dict]] = []
    for limit in range(1, 200):
        if crash_step(limit, step, **kwargs) == 0:
            break
        crashed.append((limit, snapshot(vm_dir)))
        shutil.rmtree(nix_dir)
        shutil.copytree(saved, nix_dir, symlinks=True)
    else:
        pytest.fail(f"{step} never completed")
    after = snapshot(vm_dir)
    assert after != before and len(crashed) > 3
    for limit, state in crashed:
        assert state in (before, after), f"{step} killed at disk change {limit} left a mix"


def test_render_killed_at_any_point_keeps_the_previous_config(workers_dir, tmp_path):
    first = run_steps(vm_name="crash", test_suites=["ltp"])
    config_dir = Path(first["config_dir"])
    before = snapshot(config_dir)
    # A source override changes both files: flake.nix gains an input, default.nix an overlay.
    override = [{"pkg": "fio", "src": str(tmp_path)}]
    crash_everywhere("render_config", config_dir, vm_name="crash", overrides=override)
    after = snapshot(config_dir)
    assert after["flake.nix"] != before["flake.nix"]
    assert after["default.nix"] != before["default.nix"]
    assert after["flake.lock"] == before["flake.lock"]
    assert Path(first["gc_root"]).resolve() == Path(first["toplevel"])
    lock_config.main(str(config_dir))
    assert build_closure.main(str(config_dir))["toplevel"] != first["toplevel"]


def test_lock_killed_at_any_point_keeps_the_previous_lock(workers_dir, tmp_path):
    checkout = tmp_path / "fio"
    checkout.mkdir()
    (checkout / "a.c").write_text("1\n")
    inputs = {"vm_name": "lockcrash", "overrides": [{"pkg": "fio", "src": str(checkout)}]}
    first = run_steps(**inputs)
    config_dir = Path(first["config_dir"])
    before = snapshot(config_dir)
    (checkout / "a.c").write_text("2\n")  # the next lock has something to change
    crash_everywhere(
        "lock_config", config_dir, config_dir=str(config_dir), nixpkgs=stub_nixpkgs_ref()
    )
    after = snapshot(config_dir)
    assert after["default.nix"] == before["default.nix"]
    assert json.loads(after["flake.lock"]) != json.loads(before["flake.lock"])


def test_first_render_killed_leaves_nothing_half_made(workers_dir):
    config_dir = workers_dir / "0" / "nix" / "fresh"
    for limit in range(1, 200):
        if crash_step(limit, "render_config", vm_name="fresh") == 0:
            break
        assert snapshot(config_dir) == {} or set(snapshot(config_dir)) == {
            "flake.nix",
            "default.nix",
        }
        workspace_for(config_dir.name).lease.unlink(missing_ok=True)
    assert set(snapshot(config_dir)) == {"flake.nix", "default.nix"}


def test_old_generations_are_pruned(workers_dir):
    for suites in (["ltp"], ["fstests"], ["gitr"], ["mmtests"], ["pynfs"]):
        result = run_steps(vm_name="prune", test_suites=suites)
    generations = list(workspace_for(Path(result["config_dir"]).name).generations.iterdir())
    assert len(generations) == 3  # five renders, the last three kept
    assert Path(result["config_dir"]).resolve() in generations


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_build_leaves_the_last_good_closure(workers_dir, signal_number):
    first = run_steps(vm_name="slow", test_suites=[])
    # Unique, so that no earlier test run has built it already.
    slow = ["stubSlowBuild", f"unique{uuid.uuid4().hex}"]
    render_config.main(vm_name="slow", test_suites=[], extra_packages=slow)
    lock_config.main(first["config_dir"], nixpkgs=stub_nixpkgs_ref())
    build = start_build_step(first["config_dir"])
    (nix,) = child_pids(build.pid)
    build.send_signal(signal_number)  # the step alone: SIGKILL runs none of its cleanup
    build.wait(timeout=30)
    assert build.returncode != 0
    # Its nix stops too, rather than finish the build and move the GC root later.
    assert process_ended(nix, timeout=30)
    assert Path(first["gc_root"]).resolve() == Path(first["toplevel"])
    assert (Path(first["toplevel"]) / "boot.json").is_file()
    if signal_number == signal.SIGTERM:
        assert not workspace_for(Path(first["config_dir"]).name).lease.exists()
