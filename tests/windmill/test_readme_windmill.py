"""docs/operating.rst: the curl calls, the runner script and the wmill commands as printed."""

import inspect
import os
import re
import shlex
import shutil
import subprocess

import pytest
import yaml

from f.nix.build import render_config
from f.nix.common.vm_config import parse_vm_config
from localflow.flow_runner import resolve_inputs
from tests.support import REPOSITORY
from tests.windmill import test_deploy
from tests.windmill.standin_api import StandinApi

OPERATING = REPOSITORY / "docs" / "operating.rst"
# Where the steps' retries are said.
BUILDING = REPOSITORY / "docs" / "design" / "building-and-results.rst"


def operating_doc() -> str:
    """The operator's doc, which holds every command for a Windmill server."""
    return OPERATING.read_text()


def literal_blocks(section: str) -> list[str]:
    """The indented blocks that follow a '::' paragraph."""
    blocks = re.findall(r"::\n\n((?:(?: {4}[^\n]*)?\n)+)", section + "\n")
    return [re.sub(r"^ {4}", "", block, flags=re.M).strip() for block in blocks]


def curl_command() -> str:
    (command,) = [b for b in literal_blocks(operating_doc()) if b.startswith("JOB=$(curl ")]
    return command


def curl_payload() -> dict:
    argv = shlex.split(curl_command().replace("\\\n", " "))
    return yaml.safe_load(argv[argv.index("--data") + 1].rstrip(")"))


def test_curl_queues_the_run_and_polls_for_its_result():
    argv = shlex.split(curl_command().replace("\\\n", " "))
    urls = [a for a in argv if "/api/" in a]
    assert urls == [
        "$WM_URL/api/w/$WM_WORKSPACE/jobs/run/f/f/nix/build",
        "$WM_URL/api/w/$WM_WORKSPACE/jobs_u/completed/get_result_maybe/$JOB",
    ]
    assert argv.count("Authorization: Bearer $WM_TOKEN") == 2
    assert "Content-Type: application/json" in argv
    # Never the synchronous endpoint: it cancels a build after 600 s.
    assert not [b for b in literal_blocks(operating_doc()) if "run_wait_result" in b]


def test_curl_payload_is_valid_flow_input():
    schema = yaml.safe_load((REPOSITORY / "f/nix/build/flow.yaml").read_text())["schema"]
    inputs = resolve_inputs(schema, curl_payload())
    # What render_config then receives also passes the step's own checks.
    render_params = inspect.signature(render_config.main).parameters
    given = {**inputs["guest"], **inputs["closure"]}
    parse_vm_config(**{k: v for k, v in given.items() if k in render_params})


def test_curl_commands_as_printed_reach_the_endpoints():
    if shutil.which("curl") is None or shutil.which("bash") is None:
        pytest.skip("curl or bash is not installed")
    api = StandinApi("kdevops", "secret-token", run_result={"toplevel": "/nix/store/x"}).start(60)
    try:
        completed = subprocess.run(
            ["bash", "-c", curl_command()],
            capture_output=True,
            text=True,
            timeout=60,
            env={
                **os.environ,
                "WM_URL": api.base_url,
                "WM_WORKSPACE": "kdevops",
                "WM_TOKEN": "secret-token",
            },
        )
    finally:
        api.stop()
    assert completed.returncode == 0, completed.stderr
    answer = yaml.safe_load(completed.stdout)
    assert answer["completed"] is True and answer["result"] == {"toplevel": "/nix/store/x"}
    (request,) = api.requests_to("POST", "/api/w/kdevops/jobs/run/f/f/nix/build")
    assert request.json() == curl_payload()


def test_the_runner_script_in_the_docs_is_the_tested_one():
    (block,) = [b for b in literal_blocks(operating_doc()) if "bin/windmill-nix-build" in b]
    script = REPOSITORY / "bin" / "windmill-nix-build"
    assert script.is_file() and os.access(script, os.X_OK)
    argv = shlex.split(block.replace("\\\n", " "))
    inputs = yaml.safe_load(argv[argv.index("--inputs") + 1])
    schema = yaml.safe_load((REPOSITORY / "f/nix/build/flow.yaml").read_text())["schema"]
    resolve_inputs(schema, inputs)


def test_wmill_commands_in_the_docs_are_the_tested_ones():
    """Every wmill line in the doc is one that tests/windmill/test_deploy.py runs."""
    printed = [
        line
        for block in literal_blocks(operating_doc())
        for line in block.splitlines()
        if line.startswith("wmill ")
    ]
    tested = {
        "wmill sync push --dry-run",
        "wmill sync push --yes",
        "wmill flow push f/nix/build f/nix/build",
        "wmill folder push nix",
        "wmill generate-metadata --schema-only --skip-flows",
    }
    assert set(printed) == tested
    source = inspect.getsource(test_deploy)
    for line in tested:
        quoted = ", ".join(f'"{word}"' for word in line.split()[1:])
        assert quoted in source, line


def test_the_docs_give_the_retries_flow_yaml_sets():
    """Windmill's retry ``attempts`` counts retries, not runs."""
    text = " ".join(BUILDING.read_text().split())
    modules = yaml.safe_load((REPOSITORY / "f/nix/build/flow.yaml").read_text())["value"]
    words = {1: "once", 2: "twice"}
    for module in modules["modules"]:
        constant = (module.get("retry") or {}).get("constant")
        if constant:
            word, seconds = words[constant["attempts"]], constant["seconds"]
            said = (
                rf"``{module['id']}``(?: retries)? {word} \(({seconds} s apart|after {seconds} s)\)"
            )
            assert re.search(said, text), said


def test_the_docs_cancel_with_a_json_body():
    (block,) = [b for b in literal_blocks(operating_doc()) if "jobs_u/queue/cancel" in b]
    argv = shlex.split(block.replace("\\\n", " "))
    assert argv[:3] == ["curl", "-X", "POST"]
    assert argv[argv.index("-d") + 1] == "{}"
    assert "Content-Type: application/json" in argv
