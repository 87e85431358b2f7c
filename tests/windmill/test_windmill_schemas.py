"""What Windmill itself derives from our files: checked with its own parser and validator."""

import functools
import re
from pathlib import Path

import pytest
import yaml

from f.nix.common.input_checks import HOST_NAME
from f.nix.common.library_contract import FEATURED_PROFILES, PROFILES, TEST_SUITES
from localflow import flow_runner
from tests.support import FLOW_FILE, REPOSITORY, STEPS, flow_inputs, stub_nixpkgs_ref
from tests.windmill.conftest import run_node_tool


@pytest.fixture(scope="module")
def step_schemas() -> dict[str, dict]:
    files = [REPOSITORY / f"f/nix/build/{step}.py" for step in STEPS]
    parsed = run_node_tool("parse_python.mjs", files)
    return {
        step: {arg["name"]: arg for arg in parsed[f"f/nix/build/{step}.py"]["args"]}
        for step in STEPS
    }


@pytest.fixture(scope="module")
def flow() -> dict:
    return yaml.safe_load(FLOW_FILE.read_text())


def test_every_flow_file_is_valid():
    flow_files = sorted(REPOSITORY.glob("f/**/flow.yaml"))
    assert FLOW_FILE in flow_files
    assert run_node_tool("validate_flow.mjs", flow_files) == {
        str(f.relative_to(REPOSITORY)): [] for f in flow_files
    }


def test_render_config_form_offers_the_library_choices(step_schemas):
    args = step_schemas["render_config"]
    assert args["profiles"]["typ"] == {"list": {"str": list(PROFILES)}}
    assert args["test_suites"]["typ"] == {"list": {"str": list(TEST_SUITES)}}
    assert (args["vm_name"]["typ"], args["vm_name"]["default"]) == ({"str": None}, "nixos")
    assert (args["user_name"]["typ"], args["user_name"]["default"]) == ({"str": None}, "kdevops")
    assert args["ssh_keys"]["typ"] == {"list": {"str": None}}
    assert args["shares"]["typ"] == {"object": {"name": None, "props": []}}
    assert args["storage"]["typ"] == {"object": {"name": None, "props": []}}
    assert args["overrides"]["typ"] == {"list": {"object": {"name": None, "props": []}}}
    assert all(arg["has_default"] for arg in args.values())
    assert not any("resource" in str(arg["typ"]) for arg in args.values())


def test_lock_and_build_take_a_required_config_dir(step_schemas):
    for step in ("lock_config", "build_closure"):
        config_dir = step_schemas[step]["config_dir"]
        assert config_dir["typ"] == {"str": None} and not config_dir["has_default"]
    lock = step_schemas["lock_config"]
    assert (lock["update"]["typ"], lock["update"]["default"]) == ("bool", False)
    assert (lock["nixpkgs"]["typ"], lock["nixpkgs"]["default"]) == ({"str": None}, "")


def test_flow_wires_every_step_parameter(flow, step_schemas):
    for module in flow["value"]["modules"]:
        params = step_schemas[module["id"]]
        transforms = module["value"]["input_transforms"]
        assert set(transforms) <= set(params), f"{module['id']} wires unknown parameters"
        required = {name for name, arg in params.items() if not arg["has_default"]}
        assert required <= set(transforms), f"{module['id']} leaves required parameters unwired"


def record_steps(monkeypatch) -> tuple[dict[str, dict], dict[str, set[str]]]:
    """Make the local runner record, per step, the arguments it passes and the keys returned."""
    received: dict[str, dict] = {}
    returned: dict[str, set[str]] = {}
    real_script_main = flow_runner.script_main

    def recording_script_main(path):
        main = real_script_main(path)
        step = path.rsplit("/", 1)[1]

        @functools.wraps(main)  # its signature too: server mode drops nulls by it
        def run_and_record(**kwargs):
            received[step] = kwargs
            result = main(**kwargs)
            returned[step] = set(result)
            return result

        return run_and_record

    monkeypatch.setattr(flow_runner, "script_main", recording_script_main)
    return received, returned


@pytest.mark.nix
def test_flow_transforms_read_real_inputs_and_results(flow, workers_dir, monkeypatch):
    """Every flow_input.X exists in the schema; every results.step.key is really returned."""
    _, returned = record_steps(monkeypatch)
    flow_runner.run_flow(
        FLOW_FILE, flow_inputs(vm_name="wired", test_suites=[], nixpkgs=stub_nixpkgs_ref())
    )
    groups = flow["schema"]["properties"]
    for module in flow["value"]["modules"]:
        for transform in module["value"]["input_transforms"].values():
            expression = transform["expr"]
            if match := re.fullmatch(r"flow_input\.(\w+)\?\.(\w+)", expression):
                assert match.group(2) in groups[match.group(1)]["properties"], expression
            elif match := re.fullmatch(r"results\.(\w+)\.(\w+)", expression):
                assert match.group(2) in returned[match.group(1)], expression
            elif expression == "flow_input":
                # The whole input, for the first step to refuse what the flow does not take.
                assert module["id"] == "render_config", module["id"]
            else:
                pytest.fail(f"unexpected transform {expression!r}")


def inputs_of(flow: dict) -> dict[str, dict]:
    """Every input of the flow by name, across its groups."""
    return {
        name: spec
        for group in flow["schema"]["properties"].values()
        for name, spec in group["properties"].items()
    }


def test_flow_schema_matches_the_steps(flow, step_schemas):
    inputs = inputs_of(flow)
    assert inputs["profiles"]["items"]["enum"] == list(PROFILES)
    assert inputs["test_suites"]["items"]["enum"] == list(TEST_SUITES)
    assert sorted(inputs["profiles"]["default"]) == sorted(FEATURED_PROFILES)
    assert inputs["test_suites"]["default"] == list(TEST_SUITES)
    assert inputs["vm_name"]["pattern"] == f"^{HOST_NAME.pattern}$"
    render = step_schemas["render_config"]
    for name in ("vm_name", "user_name", "home", "home_dir"):
        assert inputs[name]["default"] == render[name]["default"], name


def test_inputs_come_in_upstream_kdevops_ngs_groups(flow):
    """f/qsu/bringup passes guest, closure and lock; Windmill ignores what a flow does not declare."""
    groups = flow["schema"]["properties"]
    assert flow["schema"]["order"] == ["guest", "closure", "lock", "build"]
    upstream = {
        "guest": {"vm_name", "user_name", "ssh_keys", "shares", "home", "home_dir"},
        "closure": {"profiles", "test_suites", "overrides"},
        "lock": {"update_lock"},
    }
    for group, names in upstream.items():
        assert names <= set(groups[group]["properties"]), group
    for group, spec in groups.items():
        assert spec["type"] == "object" and spec["default"] == {}, group
        assert spec["order"] == list(spec["properties"]), group


def test_every_input_has_a_title_and_a_description(flow):
    for group, spec in flow["schema"]["properties"].items():
        assert spec["title"] and spec["description"], group
        for name, item in spec["properties"].items():
            assert item.get("title") and item.get("description"), f"{group}.{name}"


def test_overrides_are_typed_objects_in_the_form(flow):
    items = inputs_of(flow)["overrides"]["items"]
    assert items["type"] == "object"
    assert set(items["properties"]) == {"pkg", "src", "ref", "attrs"}
    assert items["required"] == ["pkg", "src"]


def test_every_step_parameter_has_a_description():
    for step in STEPS:
        metadata = yaml.safe_load((REPOSITORY / f"f/nix/build/{step}.script.yaml").read_text())
        for name, spec in metadata["schema"]["properties"].items():
            assert spec["description"], f"{step}.{name}"


def test_timeouts_and_retry_conditions_are_written_as_windmill_writes_them(flow):
    for module in flow["value"]["modules"]:
        assert module["timeout"]["type"] == "static" and module["timeout"]["value"] > 0
        retry_if = (module.get("retry") or {}).get("retry_if")
        if retry_if:
            assert retry_if["expr"].startswith("error && ")


@pytest.mark.nix
def test_kdevops_ng_bringups_call_reaches_the_steps(workers_dir, monkeypatch):
    """The shape f/qsu/bringup sends: {...closure.guest, vm_name, home_dir}, closure, lock."""
    received, _ = record_steps(monkeypatch)
    key = (
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPf0DyGEQSIDYKT7+Ef5WzBEp2AYVZDhZ5fCzVOVXyA4 qsu@host"
    )
    result = flow_runner.run_flow(
        FLOW_FILE,
        {
            "guest": {
                "vm_name": "Qsu_Node1",
                "user_name": "kdevops",
                "ssh_keys": [key],
                "shares": {"/mnt/linux": {"tag": "linux", "options": ["ro"]}},
                "home": True,
                "home_dir": "/home/operator",
            },
            "closure": {"profiles": ["devel"], "test_suites": [], "overrides": []},
            "lock": {"update_lock": False, "nixpkgs": stub_nixpkgs_ref()},
        },
        as_server=True,  # a subflow's inputs: unchecked, no schema defaults
    )
    render = received["render_config"]
    assert render["vm_name"] == "Qsu_Node1" and render["ssh_keys"] == [key]
    assert render["home"] is True and render["home_dir"] == "/home/operator"
    assert render["profiles"] == ["devel"] and render["test_suites"] == []
    assert received["lock_config"]["update"] is False
    assert result["config_dir"].endswith("/nix/Qsu_Node1")
    default_nix = (Path(result["config_dir"]) / "default.nix").read_text()
    assert '"/home/operator" = {' in default_nix and 'tag = "home";' in default_nix
