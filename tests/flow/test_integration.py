"""The three steps against the real nix, offline, with the stub nixpkgs.

Each fault ends in an error that names what to fix, and leaves the last good closure.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from f.nix.build import build_closure, lock_config, render_config
from f.nix.common.errors import (
    BootspecError,
    FlowInputError,
    NixCommandError,
    NixEvaluationError,
    StalePinError,
)
from tests.support import (
    FLOW_FILE,
    REPOSITORY,
    STUB_NIXPKGS,
    flow_inputs,
    logged_commands,
    nix,
    render_and_lock,
    run_localflow,
    run_steps,
    stub_nixpkgs_ref,
)

pytestmark = pytest.mark.nix


CLOSURE_KEYS = (
    "toplevel",
    "init",
    "initrd",
    "config_dir",
    "gc_root",
    "store_paths",
    "closure_bytes",
)


def closure_of(result: dict) -> dict:
    """What a build produced, without what varies from run to run (timings, built counts)."""
    return {key: result[key] for key in CLOSURE_KEYS}


def store_links_inside(directory: Path) -> list[Path]:
    return [
        p
        for p in directory.rglob("*")
        if p.is_symlink() and str(p.resolve()).startswith("/nix/store")
    ]


def test_render_lock_build_and_read_the_bootspec(workers_dir):
    result = run_steps(vm_name="demo", test_suites=["fstests"])
    config_dir = workers_dir / "0" / "nix" / "demo"
    assert result["config_dir"] == str(config_dir)
    assert sorted(p.name for p in config_dir.iterdir()) == [
        "default.nix",
        "flake.lock",
        "flake.nix",
    ]
    toplevel = Path(result["toplevel"])
    assert toplevel.is_dir() and str(toplevel).startswith("/nix/store/")
    spec = json.loads((toplevel / "boot.json").read_text())["org.nixos.bootspec.v1"]
    assert result["init"] == spec["init"] == f"{toplevel}/init"
    assert result["initrd"] == spec["initrd"] and Path(result["initrd"]).is_file()
    gc_root = Path(result["gc_root"])
    assert gc_root.is_symlink() and gc_root.resolve() == toplevel
    assert config_dir not in gc_root.parents

    lock = json.loads((config_dir / "flake.lock").read_text())
    assert lock["nodes"]["nixpkgs"]["locked"]["path"] == stub_nixpkgs_ref().removeprefix("path:")
    assert lock["nodes"]["nixos-flake"]["locked"]["type"] == "path"


def test_second_run_returns_the_same_toplevel_and_no_link_in_the_flake(workers_dir):
    first = run_steps(vm_name="again", profiles=[], test_suites=[])
    config_dir = Path(first["config_dir"])
    files = {p.name: p.stat().st_mtime_ns for p in config_dir.iterdir()}
    second = run_steps(vm_name="again", profiles=[], test_suites=[])
    assert closure_of(second) == closure_of(first)
    assert second["built"] == 0 and second["fetched"] == 0
    assert store_links_inside(config_dir) == []
    assert {p.name: p.stat().st_mtime_ns for p in config_dir.iterdir()} == files


def test_changed_inputs_change_the_closure(workers_dir):
    first = run_steps(vm_name="vm", test_suites=["ltp"])
    second = run_steps(vm_name="vm", test_suites=["ltp", "fstests"])
    assert first["toplevel"] != second["toplevel"]
    assert Path(second["gc_root"]).resolve() == Path(second["toplevel"])


def test_a_new_commit_in_a_source_override_lands_without_a_bump(workers_dir, tmp_path):
    checkout = tmp_path / "fio"
    checkout.mkdir()
    (checkout / "fio.c").write_text("int main(void) { return 0; }\n")
    inputs = {"vm_name": "src", "overrides": [{"pkg": "fio", "src": str(checkout)}]}
    first = run_steps(**inputs)
    lock_file = Path(first["config_dir"]) / "flake.lock"
    first_hash = json.loads(lock_file.read_text())["nodes"]["fio-src"]["locked"]["narHash"]

    (checkout / "fio.c").write_text("int main(void) { return 1; }\n")
    second = run_steps(**inputs)
    second_hash = json.loads(lock_file.read_text())["nodes"]["fio-src"]["locked"]["narHash"]
    assert second_hash != first_hash
    assert second["toplevel"] != first["toplevel"]


def test_nixpkgs_override_is_kept_until_update(workers_dir):
    rendered = render_config.main(vm_name="pin", profiles=[], test_suites=[])
    config_dir = Path(rendered["config_dir"])
    lock_config.main(str(config_dir), nixpkgs=stub_nixpkgs_ref())
    kept = lock_config.main(str(config_dir))
    assert kept["inputs"]["nixos-flake/nixpkgs"]["type"] == "path"
    assert kept["changed"] is False
    repinned = lock_config.main(str(config_dir), update=True)
    assert repinned["inputs"]["nixos-flake/nixpkgs"]["type"] == "github"
    library_lock = json.loads((REPOSITORY / "vendor/nixos-flake/flake.lock").read_text())
    assert (
        repinned["inputs"]["nixos-flake/nixpkgs"]["rev"]
        == library_lock["nodes"]["nixpkgs"]["locked"]["rev"]
    )


def test_bad_input_writes_nothing(workers_dir):
    with pytest.raises(FlowInputError, match="vm_name"):
        render_config.main(vm_name="../escape")
    with pytest.raises(FlowInputError, match="profiles"):
        render_config.main(vm_name="ok", profiles=["nope"])
    assert list(workers_dir.iterdir()) == []


def test_missing_source_checkout_is_refused_before_writing(workers_dir, tmp_path):
    with pytest.raises(FlowInputError, match="does not exist on this worker"):
        render_config.main(overrides=[{"pkg": "fio", "src": str(tmp_path / "absent")}])
    assert list(workers_dir.iterdir()) == []


def test_the_local_runner_builds_the_flow_end_to_end(workers_dir):
    inputs = flow_inputs(vm_name="local", test_suites=["fstests"], nixpkgs=stub_nixpkgs_ref())
    completed = run_localflow(inputs)
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert set(result) >= {"toplevel", "init", "initrd", "config_dir"}
    assert result["config_dir"] == str(workers_dir / "0" / "nix" / "local")
    for step in ("render_config", "lock_config", "build_closure"):
        assert f"=== step {step}" in completed.stderr
    assert any(
        command.startswith(
            "nix --extra-experimental-features 'nix-command flakes' --log-format internal-json flake lock"
        )
        for command in logged_commands(completed.stderr)
    )


def test_the_local_runner_reports_bad_inputs_and_exits_2(workers_dir):
    completed = run_localflow(flow_inputs(profiles=["devl"], colour=1))
    assert completed.returncode == 2
    assert "unknown flow input(s) colour" in completed.stderr
    assert list(workers_dir.iterdir()) == []


def test_the_local_runner_reports_step_errors_and_exits_1(workers_dir):
    completed = run_localflow(flow_inputs(user_name="root"))
    assert completed.returncode == 1
    assert "user_name: 'root' is not allowed" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_a_changed_and_collected_library_pin_says_how_to_recover(
    workers_dir, monkeypatch, tmp_path
):
    library = tmp_path / "nixos-flake"
    shutil.copytree(REPOSITORY / "vendor" / "nixos-flake", library)
    # Content of its own, so that no other nix process (another test run on this
    # store) holds its store copy when the test deletes it.
    (library / "README.this-test").write_text(f"{uuid.uuid4()}\n")
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(library))
    inputs = {"vm_name": "stale", "profiles": [], "test_suites": []}
    first = run_steps(**inputs)
    locked_copy = archived_input_path(first["config_dir"], "nixos-flake")

    (library / "README.extra").write_text("a library update on the worker\n")
    nix_stdout("store", "delete", locked_copy)
    # Unchanged, the config is still served from the last build...
    assert closure_of(build_closure.main(first["config_dir"])) == closure_of(first)
    # ...but a change needs the pinned library, which exists nowhere now.
    with pytest.raises(StalePinError, match="update_lock: true") as caught:
        run_steps(**{**inputs, "test_suites": ["ltp"]})
    assert str(library) in str(caught.value)
    # The last good closure stays.
    assert Path(first["gc_root"]).resolve() == Path(first["toplevel"])

    lock_config.main(first["config_dir"], update=True, nixpkgs=stub_nixpkgs_ref())
    assert build_closure.main(first["config_dir"])["toplevel"] != first["toplevel"]


def nix_stdout(*args: str) -> str:
    completed = nix(*args)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def archived_input_path(config_dir: str, name: str) -> str:
    """Where the store keeps input ``name`` of the config (nix wants the generation, not the link)."""
    archive = json.loads(
        nix_stdout("flake", "archive", "--json", f"path:{Path(config_dir).resolve()}")
    )
    return archive["inputs"][name]["path"]


@pytest.mark.parametrize("reference", ["--impure", "path:/a b", "path:/x\nrm"])
def test_nixpkgs_must_be_one_flake_reference(workers_dir, reference):
    config_dir = render_config.main(vm_name="ref")["config_dir"]
    with pytest.raises(FlowInputError, match=r"nixpkgs: .* is not a flake reference"):
        lock_config.main(config_dir, nixpkgs=reference)
    assert not (Path(config_dir) / "flake.lock").exists()


def test_a_failing_build_shows_the_derivation_and_its_last_log_lines(workers_dir, capsys):
    with pytest.raises(NixCommandError) as caught:
        run_steps(vm_name="broken", test_suites=[], extra_packages=["stubFailBuild"])
    message = str(caught.value)
    # The flow's own line, read from nix's activity stream: the same under every Nix.
    assert re.search(
        r"the build of /nix/store/\w{32}-nixos-system-stub-\w+\.drv failed; "
        r"its last 25 log lines:",
        message,
    )
    assert "  stub build step 30" in message and "  stub build step 5\n" not in message
    assert "\x1b[" not in message
    log = capsys.readouterr().err
    assert re.search(r"nixos-system-stub-\w+> stub build step 1\n", log)


def nix_calls(log: str) -> list[str]:
    return [command for command in logged_commands(log) if command.startswith("nix ")]


def test_an_unchanged_rerun_runs_no_nix(workers_dir, capsys):
    first = run_steps(vm_name="memo", test_suites=["ltp"])
    capsys.readouterr()
    second = run_steps(vm_name="memo", test_suites=["ltp"])
    log = capsys.readouterr().err
    assert nix_calls(log) == []
    assert "not locking" in log and "not running nix" in log
    assert closure_of(second) == closure_of(first)


def test_a_lost_gc_root_makes_nix_build_again(workers_dir, capsys):
    first = run_steps(vm_name="lost", test_suites=[])
    Path(first["gc_root"]).unlink()
    capsys.readouterr()
    second = build_closure.main(first["config_dir"])
    assert [call for call in nix_calls(capsys.readouterr().err) if " build " in call]
    assert closure_of(second) == closure_of(first)
    assert Path(second["gc_root"]).resolve() == Path(first["toplevel"])


def test_a_new_nixpkgs_is_locked_even_when_flake_nix_is_unchanged(workers_dir, tmp_path, capsys):
    first = run_steps(vm_name="repin", test_suites=[])
    other = tmp_path / "other-stub"
    shutil.copytree(STUB_NIXPKGS, other)
    (other / "flake.nix").write_text((other / "flake.nix").read_text() + "# another nixpkgs\n")
    capsys.readouterr()
    result = lock_config.main(first["config_dir"], nixpkgs=f"path:{other}")
    assert [call for call in nix_calls(capsys.readouterr().err) if " flake lock " in call]
    assert result["inputs"]["nixos-flake/nixpkgs"]["path"] == str(other)


def test_source_overrides_are_relocked_on_every_run(workers_dir, tmp_path, capsys):
    checkout = tmp_path / "fio"
    checkout.mkdir()
    inputs = {"vm_name": "srcmemo", "overrides": [{"pkg": "fio", "src": str(checkout)}]}
    run_steps(**inputs)
    capsys.readouterr()
    run_steps(**inputs)
    assert [
        call
        for call in nix_calls(capsys.readouterr().err)
        if "--update-input fio-src" in call or " fio-src" in call
    ]


def run_flow_counting_retries(mocker, vm_name: str, marker: str) -> tuple[Exception, list]:
    """The whole flow as localflow runs it, with the waits between retries recorded, not slept."""
    from localflow.flow_runner import run_flow

    mocker.patch.dict("os.environ", {"WM_FLOW_JOB_ID": f"retries-{vm_name}"})
    sleep = mocker.Mock()
    inputs = flow_inputs(
        vm_name=vm_name, test_suites=[], extra_packages=[marker], nixpkgs=stub_nixpkgs_ref()
    )
    with pytest.raises(NixCommandError) as caught:
        run_flow(FLOW_FILE, inputs, sleep=sleep)
    return caught.value, sleep.call_args_list


def test_an_evaluation_error_fails_at_once(workers_dir, mocker):
    error, waits = run_flow_counting_retries(mocker, "evalfail", "stubEvalError")
    assert isinstance(error, NixEvaluationError)
    assert "stub: evaluation fails on purpose" in str(error)
    assert "the same error recurs on every try" in str(error)
    assert waits == []


def test_a_failed_build_is_tried_again(workers_dir, mocker):
    error, waits = run_flow_counting_retries(mocker, "buildfail", "stubFailBuild")
    assert not isinstance(error, NixEvaluationError)
    assert waits == [mocker.call(60.0)]


def dry_run_calls(config_dir: str, capsys, **options) -> tuple[dict, list[str]]:
    capsys.readouterr()
    plan = build_closure.main(config_dir, dry_run=True, **options)
    return plan, [call for call in nix_calls(capsys.readouterr().err) if " build " in call]


def test_an_unchanged_dry_run_runs_no_nix_until_the_store_changes(
    workers_dir, tmp_path, capsys, monkeypatch
):
    config_dir = render_and_lock(vm_name="plan", test_suites=["ltp"])
    first, calls = dry_run_calls(config_dir, capsys)
    assert calls and first["will_build"]
    again, calls = dry_run_calls(config_dir, capsys)
    assert calls == [] and again == first
    # Another cache changes what would be fetched: ask nix.
    monkeypatch.setenv("NIX_BUILD_SUBSTITUTERS", "file:///srv/cache")
    _, calls = dry_run_calls(config_dir, capsys, substituters=["file:///srv/cache"])
    assert calls
    # A path that becomes valid may be one the plan would have built.
    added = tmp_path / "a-new-store-path"
    added.write_text(str(tmp_path))
    subprocess.run(["nix-store", "--add", str(added)], check=True, capture_output=True)
    _, calls = dry_run_calls(config_dir, capsys)
    assert calls


def test_a_dry_run_is_asked_again_after_an_hour(workers_dir, capsys):
    from f.nix.common.vm_state import load_state, save_state
    from f.nix.common.workspace import workspace_for

    config_dir = render_and_lock(vm_name="stale", test_suites=[])
    dry_run_calls(config_dir, capsys)
    workspace = workspace_for(Path(config_dir).name)
    state = load_state(workspace)["dry_run"]
    save_state(workspace, "dry_run", {**state, "at": state["at"] - 3601})
    _, calls = dry_run_calls(config_dir, capsys)
    assert calls


def test_a_changed_config_is_dry_run_again(workers_dir, capsys):
    inputs = {"vm_name": "replan", "test_suites": []}
    config_dir = render_and_lock(**inputs)
    first, _ = dry_run_calls(config_dir, capsys)
    render_config.main(**inputs, extra_packages=["strace"])
    second, calls = dry_run_calls(config_dir, capsys)
    assert calls and second["toplevel"] != first["toplevel"]


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("stubNoBootspec", r"boot\.json is missing: the system was built without a bootspec"),
        ("stubBadBootspec", r"boot\.json is not valid JSON"),
    ],
)
def test_bootspec_faults_are_named(workers_dir, marker, message):
    config_dir = render_and_lock(
        vm_name=f"boot-{marker.lower()}", test_suites=[], extra_packages=[marker]
    )
    with pytest.raises(BootspecError, match=message):
        build_closure.main(config_dir)


def test_nix_missing_is_reported_by_the_local_runner(workers_dir, tmp_path):
    # Python's own directory may hold nix too (Debian's /usr/bin): a PATH of
    # nothing but this Python.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    assert shutil.which("nix", path=str(bin_dir)) is None
    assert shutil.which("python3", path=str(bin_dir)) is not None
    completed = run_localflow(flow_inputs(test_suites=[]), env={"PATH": str(bin_dir)})
    assert completed.returncode == 1
    assert "nix not found" in completed.stderr and "apt-get install nix-bin" in completed.stderr


def test_result_says_what_was_built(workers_dir):
    config_dir = render_and_lock(
        vm_name="stats", test_suites=[], extra_packages=[f"unique{os.getpid()}{id(object())}"]
    )
    result = build_closure.main(config_dir)
    assert result["store_paths"] == 2  # the stub's toplevel and its initrd
    assert result["closure_bytes"] > 0
    assert result["built"] == 1 and result["fetched"] == 0
    assert set(result["seconds"]) == {"build_closure"}


def test_a_flow_run_reports_every_step_time(workers_dir):
    completed = run_localflow(
        flow_inputs(vm_name="timed", test_suites=[], nixpkgs=stub_nixpkgs_ref())
    )
    assert completed.returncode == 0, completed.stderr
    seconds = json.loads(completed.stdout)["seconds"]
    assert set(seconds) == {"render_config", "lock_config", "build_closure"}
    assert all(value >= 0 for value in seconds.values())


def test_dry_run_reports_without_building(workers_dir):
    first = build_closure.main(render_and_lock(vm_name="dry", test_suites=[]))
    config_dir = render_and_lock(
        vm_name="dry", test_suites=[], extra_packages=[f"unique{os.getpid()}{id(first)}"]
    )
    plan = build_closure.main(config_dir, dry_run=True)
    assert plan["dry_run"] is True
    assert len(plan["will_build"]) == 1 and plan["will_build"][0].endswith(".drv")
    assert plan["will_fetch"] == []
    assert not Path(plan["toplevel"]).exists()
    assert Path(first["gc_root"]).resolve() == Path(first["toplevel"])


def test_the_result_names_every_virtiofs_tag_the_guest_mounts(workers_dir):
    result = run_steps(vm_name="tags", test_suites=[])
    assert result["shares"] == [
        {
            "tag": "modules",
            "mount_point": "/lib/modules",
            "options": ["x-initrd.mount"],
            "needed_for_boot": True,
        },
        {
            "tag": "store",
            "mount_point": "/nix/store",
            "options": ["x-initrd.mount", "ro", "nosuid", "nodev"],
            "needed_for_boot": True,
        },
    ]


def test_provenance_says_what_the_closure_was_made_from(workers_dir, tmp_path):
    checkout = tmp_path / "fio"
    checkout.mkdir()
    (checkout / "fio.c").write_text("1\n")
    result = run_steps(
        vm_name="prov", test_suites=["ltp"], overrides=[{"pkg": "fio", "src": str(checkout)}]
    )
    record = result["provenance"]
    assert record["toplevel"] == result["toplevel"] and record["vm_name"] == "prov"
    assert record["nixpkgs"]["url"] == stub_nixpkgs_ref()
    assert record["nixpkgs"]["narHash"].startswith("sha256-")
    assert record["library"]["narHash"].startswith("sha256-")
    assert record["library"]["url"].startswith("path:") and "lastModified" in record["library"]
    assert record["overrides"]["fio"]["url"] == f"path:{checkout}"
    assert record["overrides"]["fio"]["narHash"].startswith("sha256-")
    # What the override appends to fio's version, so that its store path says so.
    assert re.fullmatch(r"\+src\.[0-9a-f]{7}", record["overrides"]["fio"]["version_suffix"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", record["nix"])
    assert record["inputs"]["render_config"]["vm_name"] == "prov"
    assert record["inputs"]["render_config"]["test_suites"] == ["ltp"]
    assert record["inputs"]["lock_config"] == {"update_lock": False, "nixpkgs": stub_nixpkgs_ref()}
    assert record["inputs"]["build_closure"]["max_jobs"] is None
    written = Path(result["gc_root"] + ".provenance.json")
    assert json.loads(written.read_text()) == record


def test_changes_since_the_last_build(workers_dir):
    first = run_steps(vm_name="diff", test_suites=[])
    assert first["changes"] == [] and first["closure_bytes_change"] is None
    second = run_steps(vm_name="diff", test_suites=[], extra_packages=["strace"])
    # The stub's toplevels are named after their content: diff-closures sees
    # the toplevel's version change, or (when the hash starts with a letter,
    # which Nix does not take for a version) one package go and another come.
    assert second["changes"]
    for change in second["changes"]:
        assert change["package"].startswith("nixos-system-stub")
        assert change["before"] != change["after"]
    assert second["closure_bytes_change"] == second["closure_bytes"] - first["closure_bytes"]
    # Unchanged: nothing changed since the last build, and nix did not run.
    third = run_steps(vm_name="diff", test_suites=[], extra_packages=["strace"])
    assert third["changes"] == [] and third["provenance"] == second["provenance"]


def test_a_running_guest_can_switch_and_keeps_its_closure_until_then(workers_dir):
    """The result says how to switch a running guest and what needs a restart instead.

    The build before the last stays a GC root: a guest still running it
    keeps its programs through the host's garbage collections.
    """
    first = run_steps(vm_name="live", test_suites=["ltp"])
    assert first["switch"] == {
        "command": [f"{first['toplevel']}/bin/switch-to-configuration", "test"],
        "restart_needed_for": None,
    }
    second = run_steps(vm_name="live", test_suites=["ltp"], extra_packages=["strace"])
    assert second["toplevel"] != first["toplevel"]
    assert second["switch"] == {
        "command": [f"{second['toplevel']}/bin/switch-to-configuration", "test"],
        "restart_needed_for": [],
    }
    previous = Path(second["gc_root"] + ".previous")
    assert previous.resolve() == Path(first["toplevel"])
    roots = subprocess.run(
        ["nix-store", "--query", "--roots", first["toplevel"]],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"{previous} -> {first['toplevel']}" in roots.splitlines()
    # Unchanged: the same answer, and nothing rooted anew.
    again = run_steps(vm_name="live", test_suites=["ltp"], extra_packages=["strace"])
    assert again["switch"] == second["switch"]
    assert previous.resolve() == Path(first["toplevel"])
