"""Inputs as a Windmill server passes them (REST, a parent flow): unchecked, no defaults.

The local runner's ``as_server`` mode (``--as-server``) runs the flow so; the
steps must refuse what the form would have refused, before anything is written.
"""

import json
import re
import subprocess
import sys

import pytest
import yaml

from f.nix.common.errors import FlowInputError
from f.nix.common.raw_inputs import FLOW_INPUTS, check_flow_inputs
from localflow import flow_runner
from localflow.transforms import UNDEFINED, evaluate
from tests.support import FLOW_FILE, LIBRARY, REPOSITORY, stub_nixpkgs_ref


def run_as_server(inputs: object):
    return flow_runner.run_flow(FLOW_FILE, inputs, as_server=True)


def written(workers_dir) -> list[str]:
    return sorted(str(path.relative_to(workers_dir)) for path in workers_dir.rglob("*"))


def test_the_step_knows_every_input_the_flow_declares():
    schema = yaml.safe_load(FLOW_FILE.read_text())["schema"]["properties"]
    declared = {
        group: {name: spec["type"] for name, spec in spec["properties"].items()}
        for group, spec in schema.items()
    }
    assert declared == FLOW_INPUTS


def test_a_mistyped_key_is_refused_naming_it_and_what_is_allowed(workers_dir):
    with pytest.raises(FlowInputError) as caught:
        run_as_server({"guest": {"vmname": "dev1"}})
    message = str(caught.value)
    assert "guest.vmname: not an input of f/nix/build" in message
    assert "guest takes vm_name, user_name, ssh_keys, shares, home, home_dir" in message
    # Not VM nixos, nor anything else.
    assert written(workers_dir) == []


def test_the_same_call_on_the_command_line(workers_dir):
    completed = subprocess.run(
        [sys.executable, "-m", "localflow", "f/nix/build", "--as-server", "--inputs",
         json.dumps({"guest": {"vmname": "dev1"}})],
        cwd=REPOSITORY, capture_output=True, text=True,
    )  # fmt: skip
    assert completed.returncode == 1
    assert "FlowInputError" in completed.stderr and "guest.vmname" in completed.stderr
    assert written(workers_dir) == []


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"gust": {"vm_name": "dev1"}}, "gust: not an input of f/nix/build; it takes the groups"),
        ({"guest": "dev1"}, "guest: 'dev1' is not allowed; expected an object"),
        ({"guest": {"vm_name": None}}, "guest.vm_name: null is not allowed; expected a string"),
        ({"guest": {"vm_name": "a"}, "lock": {"update_lock": "yes"}}, "lock.update_lock: 'yes'"),
        ({"build": {"max_jobs": True}}, "build.max_jobs: True is not allowed; expected an integer"),
        ({"closure": {"test_suite": ["ltp"]}}, "closure.test_suite: not an input"),
        ({"guest": {"storage": ["/dev/vdb"]}}, "guest.storage[0]: '/dev/vdb' is not allowed"),
        (
            {"guest": {"storage": {"/mnt/d": {"device": "/dev/vdb;reboot", "fs_type": "xfs"}}}},
            "guest.storage['/mnt/d'].device: device '/dev/vdb;reboot' is not allowed",
        ),
        (
            {"guest": {"storage": {"/mnt/d": {"device": "/dev/vdb", "fs_type": "zfs"}}}},
            "guest.storage['/mnt/d'].fs_type: Input should be 'btrfs', 'ext2'",
        ),
        # A list entry filled in part, as Windmill's form submits it: named by group and item.
        ({"guest": {"ssh_keys": ["ssh-ed25519"]}}, "guest.ssh_keys[0]: 'ssh-ed25519' is not an"),
        (
            {"closure": {"overrides": [{"pkg": "xfsprogs", "src": "", "ref": "", "attrs": None}]}},
            "closure.overrides[0].src: '' is neither an absolute path nor a URL",
        ),
        (
            {"closure": {"overrides": [{"pkg": "", "src": "/srv/src/x", "ref": ""}]}},
            "closure.overrides[0].pkg: ",
        ),
        # Blank entries are left out; the others keep the positions they were sent at.
        ({"build": {"substituters": ["", "cache.example.org"]}}, "build.substituters[1]: "),
        ({"guest": {"ssh_keys": [" ", "ssh-rsa"]}}, "guest.ssh_keys[1]: 'ssh-rsa' is not an"),
    ],
)
def test_what_the_form_refuses_is_refused_before_anything_is_written(inputs, message, workers_dir):
    with pytest.raises(FlowInputError, match=re.escape(message)):
        run_as_server(inputs)
    assert written(workers_dir) == []


def test_every_problem_is_named_at_once():
    with pytest.raises(FlowInputError) as caught:
        check_flow_inputs({"guest": {"vmname": "a", "home": "yes"}, "extra": 1})
    assert str(caught.value).count("\n") == 3


def test_null_groups_and_unset_lists_are_unset():
    check_flow_inputs(
        {"guest": None, "closure": {"test_suites": None}, "build": {"max_jobs": None}}
    )
    check_flow_inputs(None)


def test_server_mode_passes_undefined_as_null_and_the_wrapper_drops_it():
    def main(config_dir: str, update: bool = False, nixpkgs: str = "") -> None: ...

    args = flow_runner.server_arguments(main, {"config_dir": None, "update": None, "nixpkgs": "x"})
    assert args == {"config_dir": None, "nixpkgs": "x"}


def test_a_property_of_a_string_is_undefined_as_in_javascript():
    context = {"flow_input": {"guest": "dev1"}}
    assert evaluate({"type": "javascript", "expr": "flow_input.guest?.vm_name"}, context) is (
        UNDEFINED
    )


@pytest.mark.nix
def test_a_well_formed_call_builds_with_the_steps_defaults(workers_dir, monkeypatch):
    """No group defaults: what the call leaves out, each step's own default fills in."""
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(LIBRARY))
    result = run_as_server(
        {"guest": {"vm_name": "served"}, "closure": {"test_suites": []},
         "lock": {"nixpkgs": stub_nixpkgs_ref()}}
    )  # fmt: skip
    assert result["config_dir"].endswith("/nix/served")
    render = json.loads((workers_dir / "0/nix/.state/served.json").read_text())["render"]
    assert render["user_name"] == "kdevops"
    assert render["profiles"] == ["build-tools", "devel", "monitoring"]


@pytest.mark.nix
def test_blank_list_entries_are_left_out_each_with_a_log_line(workers_dir, monkeypatch, capsys):
    """What Windmill's form submits for an "Add item" left empty asks for nothing."""
    monkeypatch.setenv("NIXOS_FLAKE_DIR", str(LIBRARY))
    blank_override = {"pkg": "", "src": "", "ref": "", "attrs": None}
    result = run_as_server(
        {"guest": {"vm_name": "blanks", "ssh_keys": ["", "  "], "extra_groups": [""]},
         "closure": {"profiles": [], "test_suites": [], "extra_packages": [""],
                     "overrides": [blank_override]},
         "lock": {"nixpkgs": stub_nixpkgs_ref()},
         "build": {"dry_run": True, "substituters": [""], "trusted_public_keys": [" "]}}
    )  # fmt: skip
    assert result["config_dir"].endswith("/nix/blanks")
    render = json.loads((workers_dir / "0/nix/.state/blanks.json").read_text())["render"]
    assert (render["ssh_keys"], render["overrides"], render["extra_packages"]) == ([], [], [])
    log = capsys.readouterr().err
    for field in (
        "guest.ssh_keys[0]",
        "guest.ssh_keys[1]",
        "guest.extra_groups[0]",
        "closure.extra_packages[0]",
        "closure.overrides[0]",
        "build.substituters[0]",
        "build.trusted_public_keys[0]",
    ):
        assert f"{field} is blank: left out" in log
