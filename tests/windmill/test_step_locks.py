"""Each script's .script.lock pins what its imports need, and the script declares the same
Python and pins, so that a relock on the server writes the same lock (dev/pin-step-locks
writes both)."""

import importlib.machinery
import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement

from tests.support import REPOSITORY, STEPS
from tests.windmill.standin_api import annotated_python, requirements_block


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


SCRIPTS = sorted(
    str(lock.relative_to(REPOSITORY)).removesuffix(".script.lock")
    for lock in (REPOSITORY / "f/nix").rglob("*.script.lock")
)


def declared_python() -> str:
    """pyproject.toml's oldest Python: what the suite runs on."""
    requires = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]
    return requires["requires-python"].removeprefix(">=")


def test_every_script_of_f_nix_is_pinned():
    assert {f"f/nix/build/{step}" for step in STEPS} <= set(SCRIPTS)
    assert len([s for s in SCRIPTS if s.startswith("f/nix/common/")]) > 10
    assert pin_step_locks().scripts() == SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_lock_names_its_python_and_is_never_empty(script):
    """An empty lock makes the server lock the script itself, to PyPI's latest, and relock
    every script that imports it; a lock without `# py:` runs on the worker's default Python
    (windmill-labs/windmill, backend/windmill-common/src/worker.rs,
    try_parse_locked_python_version_from_requirements)."""
    lock = (REPOSITORY / f"{script}.script.lock").read_text()
    assert lock.splitlines()[0] == f"# py: {declared_python()}"


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_relock_reads_the_same_python_and_pins_from_the_script(script):
    """What the server relocks from (backend/parsers/windmill-parser-py-imports/src/lib.rs reads
    the `# requirements:` block; the `# pyXY` annotation picks the Python) is the lock."""
    source = (REPOSITORY / f"{script}.py").read_text()
    lock = (REPOSITORY / f"{script}.script.lock").read_text().splitlines()
    assert annotated_python(source) == declared_python()
    assert requirements_block(source) == lock[1:]


def test_the_committed_locks_and_headers_are_what_the_tool_writes():
    completed = subprocess.run(
        [sys.executable, str(REPOSITORY / "dev" / "pin-step-locks"), "--check"],
        capture_output=True,
        text=True,
        env={**os.environ, "VENV": sys.prefix},
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


# The top-level modules that importing the module argv[1] loads.
IMPORTED = """
import importlib, json, sys
before = set(sys.modules)
importlib.import_module(sys.argv[1])
print(json.dumps(sorted({name.split(".")[0] for name in set(sys.modules) - before})))
"""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_lock_pins_every_distribution_the_script_imports_and_nothing_else(script):
    """What importing the script loads, in an interpreter of its own (not dev/pin-step-locks'
    reading of its imports, which wrote the lock): each third-party distribution it loads is
    pinned, and every pin is one of those or one that a pinned distribution requires."""
    completed = subprocess.run(
        [sys.executable, "-c", IMPORTED, script.replace("/", ".")],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    providers = metadata.packages_distributions()
    loaded = {
        canonical(providers[name][0]) for name in json.loads(completed.stdout) if name in providers
    }
    lines = (REPOSITORY / f"{script}.script.lock").read_text().splitlines()[1:]
    pinned = {canonical(line.split("==")[0]) for line in lines}
    assert loaded <= pinned, "loaded but not pinned"
    required = {
        canonical(Requirement(text).name)
        for name in pinned
        for text in metadata.distribution(name).requires or []
    }
    assert pinned <= loaded | required, "pinned but neither loaded nor required"


def test_steps_that_report_progress_pin_wmill_and_only_the_one_parsing_the_config_pydantic():
    # lock_config and build_closure reach the workspace layout and the library's
    # contract, never the input schema: a worker installs no pydantic for them.
    assert "pydantic" in committed_pins("render_config")
    assert "pydantic" not in committed_pins("lock_config")
    assert "pydantic" not in committed_pins("build_closure")
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
