"""f/examples/boot_imageless: f/nix/build as a subflow, its result handed to the next step."""

import importlib.util
import re

import jsonschema
import pytest
import yaml

from localflow import flow_runner
from localflow.transforms import evaluate
from tests.support import REPOSITORY, stub_nixpkgs_ref
from tests.windmill.conftest import run_node_tool

PARENT = REPOSITORY / "f/examples/boot_imageless.flow/flow.yaml"
BOOT_COMMAND = PARENT.parent / "boot_command.py"
BUILD = REPOSITORY / "f/nix/build/flow.yaml"


def load(path):
    return yaml.safe_load(path.read_text())


def module(flow: dict, module_id: str) -> dict:
    (found,) = [m for m in flow["value"]["modules"] if m["id"] == module_id]
    return found["value"]


def property_type(spec: dict) -> tuple:
    return (spec.get("type"), (spec.get("items") or {}).get("type"))


def test_subflow_inputs_are_inputs_of_f_nix_build():
    parent, build = load(PARENT), load(BUILD)
    subflow = module(parent, "build")
    assert (subflow["type"], subflow["path"]) == ("flow", "f/nix/build")
    inputs = build["schema"]["properties"]
    parent_inputs = parent["schema"]["properties"]
    assert subflow["input_transforms"]
    for name, transform in subflow["input_transforms"].items():
        assert name in inputs, f"f/nix/build has no input {name!r}"
        if transform["type"] == "static":
            jsonschema.Draft202012Validator(inputs[name]).validate(transform["value"])
        else:
            match = re.fullmatch(r"flow_input\.(\w+)", transform["expr"])
            assert match, transform["expr"]
            source = parent_inputs[match.group(1)]
            assert property_type(source) == property_type(inputs[name]), name
            if "default" in source:
                jsonschema.Draft202012Validator(inputs[name]).validate(source["default"])


def test_next_step_wires_every_parameter_windmill_sees():
    step = module(load(PARENT), "boot_command")
    assert (step["type"], step["language"]) == ("rawscript", "python3")
    assert step["content"] == f"!inline {BOOT_COMMAND.name}"
    parsed = run_node_tool("parse_python.mjs", [BOOT_COMMAND])
    args = {arg["name"]: arg for arg in parsed[str(BOOT_COMMAND.relative_to(REPOSITORY))]["args"]}
    transforms = step["input_transforms"]
    assert set(transforms) <= set(args)
    assert {name for name, arg in args.items() if not arg["has_default"]} <= set(transforms)


@pytest.mark.nix
def test_result_keys_read_from_the_subflow_are_returned(workers_dir):
    """Build for real on the stub, then run the next step on what the subflow returned."""
    parent = load(PARENT)
    flow_input = flow_runner.resolve_inputs(
        parent["schema"],
        {
            "guest": {"vm_name": "bootme"},
            "kernel": "/srv/kernels/bzImage",
            "modules_dir": "/srv/modules",
        },
    )
    context = {"flow_input": flow_input, "results": {}}
    subflow = module(parent, "build")
    build_inputs = {
        name: evaluate(transform, context)
        for name, transform in subflow["input_transforms"].items()
    }
    # A subflow runs as the server runs it: inputs unchecked, no schema defaults.
    result = flow_runner.run_flow(
        BUILD, build_inputs | {"lock": {"nixpkgs": stub_nixpkgs_ref()}}, as_server=True
    )
    context["results"]["build"] = result
    step = module(parent, "boot_command")
    for transform in step["input_transforms"].values():
        if match := re.fullmatch(r"results\.build\.(\w+)", transform.get("expr", "")):
            assert match.group(1) in result, f"f/nix/build returns no {match.group(1)!r}"
    spec = importlib.util.spec_from_file_location("boot_command", BOOT_COMMAND)
    assert spec and spec.loader
    boot_command = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(boot_command)
    booted = boot_command.main(
        **{name: evaluate(t, context) for name, t in step["input_transforms"].items()}
    )
    argv = booted["argv"]
    assert argv[argv.index("-kernel") + 1] == "/srv/kernels/bzImage"
    assert argv[argv.index("-initrd") + 1] == result["initrd"]
    append = argv[argv.index("-append") + 1].split()
    assert append[0] == f"init={result['init']}"
    # A root= whatever kernel_params hold (docs/design/guest.rst, "The kernel command line").
    assert len([param for param in append if param.startswith("root=")]) == 1
    assert booted["toplevel"] == result["toplevel"]
    assert booted["virtiofs"] == {"store": "/nix/store", "modules": "/srv/modules"}
