"""Run a flow's modules in order, as a Windmill worker with same_worker would."""

import importlib
import inspect
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from localflow.transforms import UNDEFINED, evaluate, retry_condition


class FlowDefinitionError(ValueError):
    pass


class InvalidFlowInputs(ValueError):
    """The inputs do not match the flow's schema (what Windmill's form would refuse)."""


@dataclass(frozen=True)
class Step:
    id: str
    script_path: str
    input_transforms: dict[str, dict]
    attempts: int
    retry_seconds: float
    retry_if: Callable[[BaseException], bool] = lambda error: True


def _retry(module: dict) -> tuple[int, float]:
    constant = (module.get("retry") or {}).get("constant") or {}
    exponential = (module.get("retry") or {}).get("exponential") or {}
    if exponential:
        return int(exponential.get("attempts", 0)), float(exponential.get("seconds", 0))
    return int(constant.get("attempts", 0)), float(constant.get("seconds", 0))


def load_flow(flow_file: Path) -> tuple[dict, list[Step]]:
    # libyaml's loader when PyYAML has it: the pure-Python one takes ~40 ms here.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(flow_file.read_text(encoding="utf-8"), Loader=loader)
    steps = []
    for module in document["value"]["modules"]:
        value = module["value"]
        if value.get("type") != "script" or "path" not in value:
            raise FlowDefinitionError(
                f"module {module.get('id')!r}: only workspace scripts (type: script) run locally"
            )
        attempts, seconds = _retry(module)
        condition = ((module.get("retry") or {}).get("retry_if") or {}).get("expr")
        steps.append(
            Step(
                module["id"],
                value["path"],
                value.get("input_transforms", {}),
                attempts,
                seconds,
                retry_condition(condition) if condition else Step.retry_if,
            )
        )
    return document.get("schema") or {}, steps


def _is_group(spec: dict) -> bool:
    """An object input with properties of its own: a group of inputs (guest, closure, ...)."""
    return spec.get("type") == "object" and "properties" in spec


def _with_defaults(schema: dict, given: dict, prefix: str = "") -> tuple[dict, list[str]]:
    """``given`` with the defaults of what it leaves out, groups (nested objects) included,
    as Windmill's form fills them; and the names the schema does not have."""
    properties = schema.get("properties", {})
    unknown = [f"{prefix}{name}" for name in given if name not in properties]
    filled = dict(given)
    for name, spec in properties.items():
        if name not in filled and "default" in spec:
            filled[name] = spec["default"]
        if _is_group(spec) and isinstance(filled.get(name), dict):
            filled[name], inner = _with_defaults(spec, filled[name], f"{prefix}{name}.")
            unknown += inner
    return filled, unknown


def resolve_inputs(schema: dict, given: dict) -> dict:
    """Schema defaults for what is not given, then the same validation the server's form applies."""
    if not isinstance(given, dict):
        raise InvalidFlowInputs(f"flow inputs must be a JSON object, got {given!r}")
    inputs, unknown = _with_defaults(schema, given)
    if unknown:
        raise InvalidFlowInputs(
            f"unknown flow input(s) {', '.join(sorted(unknown))}; the flow takes "
            f"{', '.join(_names(schema))}"
        )
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(inputs), key=lambda e: list(e.path)
    )
    if errors:
        raise InvalidFlowInputs(
            "invalid flow inputs:\n  "
            + "\n  ".join(
                f"{'.'.join(map(str, e.path)) or '(inputs)'}: {e.message}" for e in errors
            )
        )
    return inputs


def _names(schema: dict, prefix: str = "") -> list[str]:
    """Every input the schema has, grouped ones as group.name."""
    names = []
    for name, spec in schema.get("properties", {}).items():
        if _is_group(spec):
            names += _names(spec, f"{prefix}{name}.")
        else:
            names.append(f"{prefix}{name}")
    return names


def script_main(script_path: str) -> Callable[..., Any]:
    """``f/nix/build/render_config`` -> the ``main`` of f/nix/build/render_config.py."""
    return importlib.import_module(script_path.replace("/", ".")).main


def server_arguments(main: Callable[..., Any], args: dict[str, Any]) -> dict[str, Any]:
    """What a Windmill worker hands ``main``: a transform's undefined arrives as null, and
    the Python wrapper drops a null for a parameter that has a default (which then applies)."""
    parameters = inspect.signature(main).parameters
    return {
        name: value
        for name, value in args.items()
        if not (
            value is None
            and name in parameters
            and parameters[name].default is not inspect.Parameter.empty
        )
    }


def run_flow(
    flow_file: Path,
    given: dict,
    on_step: Callable[[Step], None] = lambda step: None,
    sleep: Callable[[float], None] = time.sleep,
    as_server: bool = False,
) -> Any:
    """Run the flow on ``given``, checked and completed as Windmill's form does.

    as_server: as a Windmill server runs a flow called over REST or from a
    parent flow: the inputs as given, with no schema validation and no
    defaults, undefined transform values as null.
    """
    schema, steps = load_flow(flow_file)
    if as_server:
        if not isinstance(given, dict):
            raise InvalidFlowInputs(f"flow inputs must be a JSON object, got {given!r}")
        flow_input = given
    else:
        flow_input = resolve_inputs(schema, given)
    # The steps of one Windmill flow run share its job id; the VM lease relies on it.
    os.environ.setdefault("WM_FLOW_JOB_ID", f"local-{uuid.uuid4()}")
    results: dict[str, Any] = {}
    previous: Any = None
    for step in steps:
        on_step(step)
        context = {"flow_input": flow_input, "results": results, "previous_result": previous}
        main = script_main(step.script_path)
        if as_server:
            values = {
                name: evaluate(transform, context)
                for name, transform in step.input_transforms.items()
            }
            args = server_arguments(
                main, {name: None if v is UNDEFINED else v for name, v in values.items()}
            )
        else:
            args = {
                name: value
                for name, transform in step.input_transforms.items()
                if (value := evaluate(transform, context)) is not UNDEFINED
            }
        for attempt in range(step.attempts + 1):
            try:
                previous = main(**args)
                break
            except Exception as error:
                if attempt == step.attempts or not step.retry_if(error):
                    raise
                print(
                    f"step {step.id} failed ({error}); retry {attempt + 1} of "
                    f"{step.attempts} in {step.retry_seconds:g} s",
                    file=sys.stderr,
                    flush=True,
                )
                sleep(step.retry_seconds)
        results[step.id] = previous
    return previous
