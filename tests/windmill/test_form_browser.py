"""Windmill's own run form, in headless Chromium: what Run submits, run as the server runs it.

dev/form renders the flow's schema with Windmill's RunForm (windmill-components,
tests/windmill/form/) and prints what its Run button hands on. Each scenario's
submission then goes to the flow as a server passes it on (localflow's
--as-server), as a dry run on the stub nixpkgs: it ends in a closure or in a
refusal that names the field. These tests need the harness installed (run
dev/form once: Debian's chromium and about 640 MB of npm packages); without
it they skip, saying so, unless FORM_HARNESS=required (CI's form part) makes
that a failure.
"""

import json
import os
import shutil
import subprocess

import pytest

from f.nix.common.errors import FlowInputError
from localflow import flow_runner
from tests.support import FLOW_FILE, LIBRARY, REPOSITORY, stub_nixpkgs_ref

HARNESS = REPOSITORY / "tests/windmill/form"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def submitted(scenario: str) -> dict:
    if not (HARNESS / "node_modules").is_dir() or not shutil.which(CHROMIUM):
        missing = "the form harness is not installed: run dev/form once"
        if os.environ.get("FORM_HARNESS") == "required":
            pytest.fail(missing)
        pytest.skip(missing)
    completed = subprocess.run(
        [str(REPOSITORY / "dev/form"), "--scenario", scenario, "--schema-from", str(FLOW_FILE)],
        capture_output=True, text=True, timeout=900, check=True,
    )  # fmt: skip
    return json.loads(completed.stdout)


def as_a_dry_run(inputs: dict) -> dict:
    """The submission with the stub nixpkgs and a dry run: nothing can be fetched here."""
    return {
        **inputs,
        "lock": {**inputs["lock"], "nixpkgs": stub_nixpkgs_ref()},
        "build": {**inputs["build"], "dry_run": True},
    }


@pytest.fixture
def library(monkeypatch):
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(LIBRARY))


@pytest.mark.nix
def test_the_untouched_form_builds_the_featured_guest(workers_dir, library):
    form = submitted("defaults")
    assert form["run_enabled"] and form["errors"] == []
    # What the form sends, field by field: explicit values, no home_dir while home is off.
    assert form["submitted"]["guest"] == {
        "home": False,
        "vm_name": "nixos",
        "user_name": "kdevops",
        "ssh_keys": [],
        "shares": [],
        "extra_groups": [],
        "storage": [],
    }
    assert "max_jobs" not in form["submitted"]["build"]
    result = flow_runner.run_flow(FLOW_FILE, as_a_dry_run(form["submitted"]), as_server=True)
    assert result["dry_run"] is True and result["config_dir"].endswith("/nix/nixos")


@pytest.mark.nix
def test_items_added_and_left_empty_are_left_out(workers_dir, library, capsys):
    form = submitted("blank-item")
    assert form["submitted"]["guest"]["ssh_keys"] == [""]
    assert form["submitted"]["closure"]["overrides"] == [
        {"pkg": "", "src": "", "ref": "", "attrs": []}
    ]
    result = flow_runner.run_flow(FLOW_FILE, as_a_dry_run(form["submitted"]), as_server=True)
    assert result["dry_run"] is True
    log = capsys.readouterr().err
    assert "guest.ssh_keys[0] is blank: left out" in log
    assert "closure.overrides[0] is blank: left out" in log


def test_a_bad_vm_name_is_said_in_words_and_refused_by_name(workers_dir):
    form = submitted("bad-vm-name")
    assert form["errors"] == [
        "Up to 63 letters, digits, '-' and '_', starting and ending with a letter or digit"
    ]
    # Windmill still lets Run submit it: the step refuses it before writing anything.
    assert form["submitted"]["guest"]["vm_name"] == "bad name!"
    with pytest.raises(FlowInputError, match=r"guest\.vm_name: 'bad name!'"):
        flow_runner.run_flow(FLOW_FILE, form["submitted"], as_server=True)
    assert not any(workers_dir.rglob("*.nix"))


def test_every_field_filled_in_reaches_the_steps_in_the_shapes_they_take(workers_dir):
    form = submitted("edited")
    sent = form["submitted"]
    assert form["errors"] == []
    assert sent["guest"]["shares"] == [
        {"mount_point": "/mnt/linux", "tag": "linux", "options": ["ro"]}
    ]
    assert sent["guest"]["storage"][0]["fs_type"] == "xfs"
    assert sent["guest"]["home_dir"] == "/home/alice"
    assert sent["build"]["max_jobs"] == 4
    # The harness's key is no real key, and this worker lists no remote builder:
    # refused, naming the field, before anything is written.
    with pytest.raises(FlowInputError, match=r"build\.builders: 'ssh://builder'"):
        flow_runner.run_flow(FLOW_FILE, as_a_dry_run(sent), as_server=True)
    assert not any(workers_dir.rglob("*.nix"))


@pytest.mark.nix
def test_broken_json_is_shown_and_the_last_valid_value_is_sent(workers_dir, library):
    form = submitted("broken-json")
    # Windmill's JSON editor says what is wrong, yet leaves Run enabled and hands on the
    # last value that parsed: the step never sees the broken text, so the docs say so.
    assert form["errors"] == ["Unexpected end of JSON input"]
    assert form["run_enabled"] is True
    assert form["submitted"]["guest"]["shares"] == []
    result = flow_runner.run_flow(FLOW_FILE, as_a_dry_run(form["submitted"]), as_server=True)
    assert result["dry_run"] is True
