"""Each step's .script.lock pins what its imports need (dev/pin-step-locks writes them)."""

import importlib.machinery
import importlib.util
import tomllib

import pytest
from packaging.requirements import Requirement

from tests.support import REPOSITORY, STEPS


def pin_step_locks():
    loader = importlib.machinery.SourceFileLoader(
        "pin_step_locks", str(REPOSITORY / "dev" / "pin-step-locks")
    )
    spec = importlib.util.spec_from_loader("pin_step_locks", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def committed_pins(step: str) -> dict[str, str]:
    lines = (REPOSITORY / f"f/nix/build/{step}.script.lock").read_text().splitlines()
    return dict(line.split("==") for line in lines if line and not line.startswith("#"))


@pytest.mark.parametrize("step", STEPS)
def test_a_lock_pins_every_distribution_the_step_imports_and_nothing_else(step):
    """The names, as dev/pin-step-locks derives them from the imports (versions may move on)."""
    tool = pin_step_locks()
    modules = tool.metadata.packages_distributions()
    expected = tool.requirement_closure(
        {modules[m][0] for m in tool.third_party(f"f/nix/build/{step}")}
    )
    assert set(committed_pins(step)) == set(expected)


def test_steps_that_report_progress_pin_wmill_and_all_pin_pydantic():
    for step in STEPS:
        assert "pydantic" in committed_pins(step)
    assert "wmill" not in committed_pins("render_config")
    assert "wmill" in committed_pins("lock_config") and "wmill" in committed_pins("build_closure")


def test_pins_satisfy_the_projects_own_requirements():
    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]
    for text in project["dependencies"]:
        requirement = Requirement(text)
        for step in STEPS:
            pins = committed_pins(step)
            if requirement.name in pins:
                assert requirement.specifier.contains(pins[requirement.name]), (step, text)
