"""What Windmill itself derives from our files: checked with its own parser and validator."""

import re

import pytest
import yaml

from f.nix.common.vm_config import FEATURED_PROFILES, HOST_NAME, PROFILES, TEST_SUITES
from localflow import flow_runner
from tests.conftest import REPOSITORY, stub_nixpkgs_ref
from tests.windmill.conftest import run_node_tool

FLOW = REPOSITORY / "f/nix/build/flow.yaml"
STEPS = ["render_config", "lock_config", "build_closure"]


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
    return yaml.safe_load(FLOW.read_text())


def test_every_flow_file_is_valid():
    flow_files = sorted(REPOSITORY.glob("f/**/flow.yaml"))
    assert FLOW in flow_files
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


def test_flow_transforms_read_real_inputs_and_results(flow, workers_dir, offline_nix, monkeypatch):
    """Every flow_input.X exists in the schema; every results.step.key is really returned."""
    returned: dict[str, set[str]] = {}
    real_script_main = flow_runner.script_main

    def recording_script_main(path):
        main = real_script_main(path)

        def run_and_record(**kwargs):
            result = main(**kwargs)
            returned[path.rsplit("/", 1)[1]] = set(result)
            return result

        return run_and_record

    monkeypatch.setattr(flow_runner, "script_main", recording_script_main)
    flow_runner.run_flow(
        FLOW, {"vm_name": "wired", "test_suites": [], "nixpkgs": stub_nixpkgs_ref()}
    )
    properties = flow["schema"]["properties"]
    for module in flow["value"]["modules"]:
        for transform in module["value"]["input_transforms"].values():
            expression = transform["expr"]
            if match := re.fullmatch(r"flow_input\.(\w+)", expression):
                assert match.group(1) in properties, expression
            elif match := re.fullmatch(r"results\.(\w+)\.(\w+)", expression):
                assert match.group(2) in returned[match.group(1)], expression
            else:
                pytest.fail(f"unexpected transform {expression!r}")


def test_flow_schema_matches_the_steps(flow, step_schemas):
    properties = flow["schema"]["properties"]
    assert properties["profiles"]["items"]["enum"] == list(PROFILES)
    assert properties["test_suites"]["items"]["enum"] == list(TEST_SUITES)
    assert sorted(properties["profiles"]["default"]) == sorted(FEATURED_PROFILES)
    assert properties["test_suites"]["default"] == list(TEST_SUITES)
    assert properties["vm_name"]["pattern"] == f"^{HOST_NAME.pattern}$"
    render = step_schemas["render_config"]
    for name in ("vm_name", "user_name"):
        assert properties[name]["default"] == render[name]["default"]
