"""README.rst: its two commands are the ones that exist and that CI runs; its example runs."""

import inspect
import os
import re

import yaml

from f.nix.build import render_config
from f.nix.common.vm_config import parse_vm_config
from localflow.flow_runner import resolve_inputs
from tests.support import REPOSITORY

README = REPOSITORY / "README.rst"


def literal_blocks() -> list[str]:
    """The indented blocks that follow a '::' paragraph."""
    blocks = re.findall(r"::\n\n((?:(?: {4}[^\n]*)?\n)+)", README.read_text() + "\n")
    return [re.sub(r"^ {4}", "", block, flags=re.M).strip() for block in blocks]


def test_the_two_commands_are_the_dev_scripts_and_ci_runs_the_second():
    assert "dev/demo\ndev/test" in literal_blocks()
    for command in ("dev/demo", "dev/test"):
        script = REPOSITORY / command
        assert script.is_file() and os.access(script, os.X_OK), command
    ci = (REPOSITORY / ".ci" / "run").read_text()
    assert re.search(r"^\s*exec dev/test \"\$@\"", ci, flags=re.M)


def test_the_example_input_is_valid_flow_input():
    (block,) = [block for block in literal_blocks() if block.startswith('{"guest"')]
    schema = yaml.safe_load((REPOSITORY / "f/nix/build/flow.yaml").read_text())["schema"]
    inputs = resolve_inputs(schema, yaml.safe_load(block))
    assert inputs["closure"]["test_suites"] == ["fstests", "blktests"]
    # What render_config then receives also passes the step's own checks.
    render_params = inspect.signature(render_config.main).parameters
    given = {**inputs["guest"], **inputs["closure"]}
    parse_vm_config(**{k: v for k, v in given.items() if k in render_params})


def test_every_doc_the_readme_maps_exists_but_the_module_index():
    """docs/modules.rst is written by its own generator; every other link is to a file here."""
    linked = set(re.findall(r"<(docs/[^>]+\.rst)>`_", README.read_text()))
    assert "docs/inputs.rst" in linked
    missing = sorted(path for path in linked if not (REPOSITORY / path).is_file())
    assert missing in ([], ["docs/modules.rst"])
    on_disk = {str(path.relative_to(REPOSITORY)) for path in (REPOSITORY / "docs").rglob("*.rst")}
    assert sorted(on_disk - linked) == []
